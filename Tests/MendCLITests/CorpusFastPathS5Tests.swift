import Foundation
import Testing

/// The corpus fast paths of session 5: the JSON string scan sixteen and thirty-two bytes at a
/// time, the reader that reads straight into a batch, and the pass-through of batches whose
/// records are all written as read.
@Suite struct CorpusFastPathS5Tests {
  /// A rules file that extends the default and keeps only `enabled` on.
  static func rules(_ dir: String, enabled: Set<String>) throws -> String {
    let ids = [
      "normalize-unicode", "repair-apostrophes", "repair-credits", "remove-boilerplate", "remove-tandem-repeats",
      "remove-repeated-sentences", "remove-near-duplicates", "restore-order",
    ]
    var y = "version: 1\nextends: default\nstages:\n"
    for id in ids where !enabled.contains(id) { y += "  - id: \(id)\n    enabled: false\n" }
    let path = dir + "/rules-\(enabled.sorted().joined(separator: "+")).yml"
    try y.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// A byte the scan must stop at, placed at every offset of a long plain run (so at every lane
  /// position of the 32-, 16- and 8-byte loops): mend must report it at its exact column, as a
  /// byte-at-a-time scan does. Left out of the vector mask, it would be skipped and the record
  /// taken as valid (or the error reported elsewhere).
  @Test func everyStopByteIsFoundAtEveryOffset() throws {
    let dir = CLI.scratch("s5scan")
    let prefix = Array(#"{"id":1,"text":""#.utf8)
    // (inserted bytes, expected message, valid record?)
    let cases: [([UInt8], String?)] = [
      ([0x01], "control character"), ([0x1F], "control character"), ([0x0A - 1], "control character"),
      ([0xFF], "invalid UTF-8"), ([0x80], "invalid UTF-8"), ([0xC3, 0x28], "invalid UTF-8"),
      ([0x5C, 0x71], "invalid escape"), ([0x5C, 0x22], nil), ([0xC3, 0xA9], nil), ([0x7F], nil),
      ([0x20], nil),
    ]
    for (bytes, message) in cases {
      var input = Data()
      var expected: [(line: Int, col: Int)] = []
      for k in 0..<70 {
        var rec = prefix
        rec += Array(repeating: UInt8(ascii: "a"), count: k)
        let col = rec.count + 1
        rec += bytes
        rec += Array(repeating: UInt8(ascii: "b"), count: 70 - k)
        rec += Array(#""}"#.utf8)
        input.append(contentsOf: rec)
        input.append(0x0A)
        expected.append((k + 1, col))
      }
      let path = dir + "/in.jsonl"
      try input.write(to: URL(fileURLWithPath: path))
      let r = try CLI.run(["corpus", path, "--jobs", "1", "--rules", try Self.rules(dir, enabled: [])])
      // Every record is passed through unchanged, valid or not.
      #expect(r.stdout == input)
      if let message {
        #expect(r.status == 65)
        for (line, col) in expected {
          #expect(r.stderr.contains("in.jsonl:\(line):\(col): error: malformed JSONL record: \(message)"), "\(bytes) line \(line)")
        }
      } else {
        #expect(r.status == 0, "\(bytes): \(r.stderr)")
      }
    }
  }

  /// Records kept as read, repaired, left out (`--skip-malformed`) and blank, in every order, in
  /// batches of every size down to one record: the output is the records' own bytes except where
  /// a record was repaired or skipped, exactly as record-by-record copying gives.
  @Test func passThroughBatchesEqualRecordByRecordOutput() throws {
    let dir = CLI.scratch("s5pass")
    let kept = #"{"id":"k","text":"Nothing to repair here."}"#
    let repaired = #"{"id":"r","text":"Tom &amp; Jerry"}"#
    let repairedOut = #"{"id":"r","text":"Tom & Jerry"}"#
    let broken = #"{"id":"b","text":"unterminated}"#
    var rng = TestRandom(state: 11)
    for round in 0..<6 {
      var lines: [String] = []
      var want: [String] = []
      for _ in 0..<200 {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
          lines.append(repaired)
          want.append(repairedOut)
        case 1:
          lines.append(broken)
        case 2:
          lines.append("")
          want.append("")
        default:
          lines.append(kept)
          want.append(kept)
        }
      }
      // With or without a final newline.
      let tail = round % 2 == 0 ? "\n" : ""
      let path = dir + "/in.jsonl"
      try (lines.joined(separator: "\n") + tail).write(toFile: path, atomically: true, encoding: .utf8)
      var expected = want.joined(separator: "\n")
      // A skipped last record takes its newline with it; the line before keeps its own.
      if lines.last == broken {
        if !want.isEmpty { expected += "\n" }
      } else {
        expected += tail
      }
      for batch in ["1024", "4096", "1000000"] {
        let r = try CLI.run([
          "corpus", path, "--jobs", "2", "--batch-bytes", batch, "--skip-malformed", "--quiet-malformed",
          "--rules", try Self.rules(dir, enabled: ["normalize-unicode"]),
        ])
        #expect(r.out == expected, "round \(round), batch \(batch)")
      }
    }
  }

  /// `mend segment` checks UTF-8 without building a String of the file (`isValidUTF8`: ASCII
  /// sixteen bytes at a time): a bad sequence at any offset of a long ASCII run must still fail
  /// the file with nothing printed, and good multi-byte sequences must pass.
  @Test func segmentRejectsInvalidUTF8AtEveryOffset() throws {
    let dir = CLI.scratch("s5utf8")
    let bad: [[UInt8]] = [
      [0xFF], [0x80], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
      [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82],
    ]
    let good: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0x9F, 0xBF], [0x7F]]
    for k in stride(from: 0, to: 40, by: 3) {
      for (seq, valid) in bad.map({ ($0, false) }) + good.map({ ($0, true) }) {
        var bytes = Array(repeating: UInt8(ascii: "a"), count: k) + seq
        // A truncated sequence is tested at the very end of the file too.
        if seq != [0xE2, 0x82] || k % 2 == 0 { bytes += Array(" is here. Next one.".utf8) }
        let path = dir + "/t.txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["segment", path])
        if valid {
          #expect(r.status == 0 && !r.stdout.isEmpty, "\(seq) at \(k): \(r.stderr)")
        } else {
          #expect(r.status == 65 && r.stdout.isEmpty && r.stderr.contains("invalid UTF-8"), "\(seq) at \(k)")
        }
      }
    }
  }

  /// A line longer than the reader's first read (batch + 1 MiB) goes on with the chunked loop.
  @Test func aLineLongerThanABatchAndAChunk() throws {
    let dir = CLI.scratch("s5long")
    let long = #"{"text":""# + String(repeating: "word ", count: 500_000) + #"end"}"#
    let lines = [#"{"text":"first"}"#, long, #"{"text":"last"}"#]
    let path = dir + "/in.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", path, "--jobs", "2", "--batch-bytes", "1024", "--rules", try Self.rules(dir, enabled: [])])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.out == lines.joined(separator: "\n") + "\n")
  }
}
