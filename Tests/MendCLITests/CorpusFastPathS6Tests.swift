import Foundation
import Testing

/// The corpus fast path of session 6: the repaired fields' string values are scanned without
/// their UTF-8 check, which `decodeDocument` then does once while it splits the lines (and each
/// line's String is made without a second check). Anything not plainly fine goes back to the
/// checking scanner, so errors are reported exactly as before.
@Suite struct CorpusFastPathS6Tests {
  static func record(_ parts: [[UInt8]]) -> [UInt8] { parts.flatMap { $0 } }

  /// Invalid UTF-8 in the repaired field, then a syntax error later in the record: the first
  /// error (the UTF-8) is the one reported, at its own column, for the bad byte at every offset
  /// (so at every lane of the 16- and 64-byte skips). The lenient scan alone would report the
  /// later syntax error: this fails if its error is used instead of the checking scanner's.
  @Test func invalidUTF8BeforeALaterSyntaxErrorIsReportedFirst() throws {
    let dir = CLI.scratch("s6first")
    var input = Data()
    var expected: [(line: Int, col: Int)] = []
    for k in 0..<80 {
      let head = Array(#"{"id":1,"text":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: k)
      let col = head.count + 1
      let rec = Self.record([head, [0xC3, 0x28], Array(repeating: UInt8(ascii: "b"), count: 80 - k), Array(#"","x":tru}"#.utf8)])
      input.append(contentsOf: rec)
      input.append(0x0A)
      expected.append((k + 1, col))
    }
    let path = dir + "/in.jsonl"
    try input.write(to: URL(fileURLWithPath: path))
    let r = try CLI.run(["corpus", path, "--jobs", "1", "--field", "text"])
    #expect(r.status == 65)
    #expect(r.stdout == input)
    for (line, col) in expected {
      #expect(r.stderr.contains("in.jsonl:\(line):\(col): error: malformed JSONL record: invalid UTF-8"), "line \(line)")
    }
    #expect(!r.stderr.contains("invalid literal"))
  }

  /// A repeated key: only its first value is repaired (and decoded, which checks its UTF-8); the
  /// second, scanned without the check too, must be checked on its own. Fails if it is not.
  @Test func aRepeatedFieldIsCheckedToo() throws {
    let dir = CLI.scratch("s6repeat")
    let good = Array(#"{"text":"Fine  text.","text":"ok "#.utf8)
    let rec = good + [0xFF] + Array(#" end"}"#.utf8)
    let fine = Array(#"{"text":"Fine  text.","text":"ok é end"}"#.utf8)
    var input = Data(rec)
    input.append(0x0A)
    input.append(contentsOf: fine)
    input.append(0x0A)
    let path = dir + "/in.jsonl"
    try input.write(to: URL(fileURLWithPath: path))
    let r = try CLI.run(["corpus", path, "--jobs", "1"])
    #expect(r.status == 65)
    #expect(r.stderr.contains("in.jsonl:1:\(good.count + 1): error: malformed JSONL record: invalid UTF-8"), "\(r.stderr)")
    // The bad record is passed through as it was; the good one has its first value repaired.
    let lines = r.stdout.split(separator: 0x0A, omittingEmptySubsequences: false)
    #expect(Array(lines[0]) == rec)
    #expect(String(decoding: lines[1], as: UTF8.self) == #"{"text":"Fine text.","text":"ok é end"}"#)
  }

  /// A lone surrogate escape in a repaired field (the fast path gives up, the checking path warns
  /// and leaves the value), next to fields that are repaired, escapes of every kind, and text
  /// that is not ASCII: the same output whether the field is a string or an array of one string
  /// (arrays are always scanned the checking way).
  @Test func stringAndArrayFieldsGiveTheSameRepairs() throws {
    let dir = CLI.scratch("s6array")
    let pieces = [
      "plain words", "  ", "\\n", "\\\"", "\\\\", "\\u00e9", "\\u000a", "\\t", "é", "हिन्दी", "\\ud83d\\ude00", "😀",
      "\\/", "\u{A0}", "x\\u200by", "&amp;", "\\r\\n", "Ã©",
    ]
    var rng = TestRandom(state: 7)
    var strings: [String] = []
    for _ in 0..<400 {
      let n = Int.random(in: 0..<14, using: &rng)
      strings.append((0..<n).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined())
    }
    strings.append("bad \\ud800 surrogate  here")
    var asString = ""
    var asArray = ""
    for s in strings {
      asString += "{\"text\":\"\(s)\"}\n"
      asArray += "{\"text\":[\"\(s)\"]}\n"
    }
    let a = dir + "/a.jsonl"
    let b = dir + "/b.jsonl"
    try asString.write(toFile: a, atomically: true, encoding: .utf8)
    try asArray.write(toFile: b, atomically: true, encoding: .utf8)
    let rules = try CorpusFastPathS5Tests.rules(dir, enabled: ["normalize-unicode"])
    let ra = try CLI.run(["corpus", a, "--jobs", "1", "--rules", rules, "--changes-field", "c"])
    let rb = try CLI.run(["corpus", b, "--jobs", "1", "--rules", rules, "--changes-field", "c"])
    #expect(ra.status == 0)
    let la = ra.stdout.split(separator: 0x0A)
    let lb = rb.stdout.split(separator: 0x0A)
    #expect(la.count == strings.count && lb.count == strings.count)
    var differ = 0
    var changed = 0
    for (x, y) in zip(la, lb) {
      // {"text":"V",...} against {"text":["V"],...}
      var yy = Array(y)
      if let open = yy.firstIndex(of: UInt8(ascii: "[")) { yy.remove(at: open) }
      if let close = yy.lastIndex(of: UInt8(ascii: "]")) { yy.remove(at: close) }
      if Array(x) != yy { differ += 1 }
      if !String(decoding: x, as: UTF8.self).contains("\"c\":{}") { changed += 1 }
    }
    #expect(differ == 0)
    #expect(changed > 100)
    #expect(ra.stderr.contains("a.jsonl:401:"), "\(ra.stderr)")
    #expect(ra.stderr.contains("warning: lone surrogate escape in a repaired field; the value was left unchanged"))
  }
}
