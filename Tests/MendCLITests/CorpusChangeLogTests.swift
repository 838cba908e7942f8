import Foundation
import Testing

/// `mend corpus --change-log FILE`: every change a stage makes or suggests in a corpus run — an
/// apostrophe put back, a removal, a move — goes to the side file with where it happened. Before
/// it, corpus runs only counted edits (`--changes-field`, the summary).
@Suite struct CorpusChangeLogTests {
  /// The fields both logs share, as one comparable string per change.
  static func entry(_ o: [String: Any]) -> String {
    ["stage", "rule", "action", "line", "column", "before", "after", "applied", "reason"]
      .map { "\(o[$0].map { "\($0)" } ?? "nil")" }.joined(separator: " | ")
  }

  /// Real articles with apostrophes and quotes stripped and one line repeated: for every record,
  /// the change log holds exactly what `mend --format json` reports for the same text (stage,
  /// rule, action, line, column, before, after, applied, reason), named by record, id and field;
  /// the same for one job and two; and its applied entries number the per-record counts.
  @Test func everyChangeOfEveryRecord() throws {
    let dir = CLI.scratch("changelog")
    let input = dir + "/in.jsonl"
    var records: [String] = []
    var texts: [(id: String, text: String)] = []
    for (id, text) in try CLI.articles(limit: 24, every: 11) {
      var lines = String(String.UnicodeScalarView(text.unicodeScalars.filter { !"'\u{2019}\"\u{201C}\u{201D}".unicodeScalars.contains($0) }))
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.count >= 3 { lines.append(lines[1]) }
      let damaged = lines.joined(separator: "\n")
      texts.append((id, damaged))
      records.append(try CLI.jsonLine(["id": id, "text": damaged]))
    }
    try (records.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)

    var logs: [String] = []
    for jobs in ["1", "2"] {
      let log = dir + "/log-\(jobs).jsonl"
      let r = try CLI.run([
        "corpus", input, "--jobs", jobs, "--batch-bytes", "4096", "--no-progress", "--change-log", log, "--changes-field", "changes",
        "-o", dir + "/out-\(jobs).jsonl",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      logs.append(try String(contentsOfFile: log, encoding: .utf8))
    }
    #expect(logs[0] == logs[1], "the change log depends on the job count")
    let entries = try CorpusRemovedTests.objects(logs[0])
    let outs = try CorpusRemovedTests.objects(try String(contentsOfFile: dir + "/out-1.jsonl", encoding: .utf8))
    var edits = 0
    for (k, t) in texts.enumerated() {
      let mine = entries.filter { $0["record"] as? Int == k + 1 }
      for e in mine {
        #expect(e["id"] as? String == t.id)
        #expect(e["field"] as? String == "text")
        #expect(e["source"] as? String == input)
      }
      // The same text through `mend --format json`.
      let file = dir + "/rec\(k).txt"
      try t.text.write(toFile: file, atomically: true, encoding: .utf8)
      let f = try CLI.run(["--format", "json", file])
      let expected = try CorpusRemovedTests.objects(String(decoding: f.stdout, as: UTF8.self)).map(Self.entry)
      #expect(mine.map(Self.entry) == expected, "record \(k + 1)")
      // Applied entries per stage = the record's counts.
      let counts = outs[k]["changes"] as? [String: Any] ?? [:]
      var byStage: [String: Int] = [:]
      for e in mine where e["applied"] as? Bool == true { byStage[e["stage"] as! String, default: 0] += 1 }
      for (stage, n) in byStage { #expect(counts[stage] as? Int == n, "record \(k + 1) \(stage)") }
      edits += mine.filter { $0["action"] as? String == "edit" && $0["applied"] as? Bool == true && $0["stage"] as? String == "repair-apostrophes" }.count
    }
    #expect(edits >= 20, "only \(edits) apostrophes put back")
  }

  /// Text-file inputs, gzip, and `--check` refusing the option.
  @Test func textFilesGzipAndCheck() throws {
    let dir = CLI.scratch("changelog-gz")
    let texts = dir + "/texts"
    try FileManager.default.createDirectory(atPath: texts, withIntermediateDirectories: true)
    let text = "The minister said she doesnt know when Moscows reply will come.\nA second line.\n"
    try text.write(toFile: texts + "/a.txt", atomically: true, encoding: .utf8)
    let log = dir + "/log.jsonl.gz"
    let r = try CLI.run(["corpus", texts, "--no-progress", "--output-dir", dir + "/fixed", "--change-log", log])
    #expect(r.status == 0, "\(r.stderr)")
    let entries = try CorpusRemovedTests.objects(try CorpusRemovedTests.gunzip(log))
    #expect(entries.map { $0["after"] as? String } == ["doesn't", "Moscow's"])
    #expect(entries.allSatisfy { $0["source"] as? String == texts + "/a.txt" && $0["record"] == nil && $0["line"] as? Int == 1 })
    let c = try CLI.run(["corpus", "--check", "--change-log", dir + "/never.jsonl"], stdin: Data("{\"text\":\"a\"}\n".utf8))
    #expect(c.status == 64)
    #expect(c.stderr.contains("--change-log"))
  }
}
