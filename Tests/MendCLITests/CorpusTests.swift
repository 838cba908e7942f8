import Foundation
import Testing

@Suite struct CorpusTests {
  /// Records whose other fields use every kind of JSON formatting that re-serialising would change.
  static let records = [
    #"{"id": 1,  "text": "cafÃ© and naÃ¯ve", "meta": {"a": [1, 2.50e+3, -0.0, "x\u00e9\/"], "b": null}, "ok":true}"#,
    #"{"text":"clean text","id":"two","tags":[ ],"n":1E5 }"#,
    #"{ "id" : 3 , "text" : "Tom &amp; Jerry\na\u00A0b \"q\" \\ end\u0007" , "z" : false }"#,
    #"{"id":4,"other":"no text field here: Ã©"}"#,
    #"{}"#,
  ]

  @Test func jsonlRoundTripKeepsOtherFieldsByteForByte() throws {
    let dir = CLI.scratch("roundtrip")
    let input = dir + "/in.jsonl"
    try (Self.records.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", input, "--jobs", "2", "--changes-field", "mend_changes"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.count == Self.records.count + 1)
    // Record 1: only the text value is replaced and the counts appended before the final brace.
    #expect(lines[0] == #"{"id": 1,  "text": "café and naïve", "meta": {"a": [1, 2.50e+3, -0.0, "x\u00e9\/"], "b": null}, "ok":true,"mend_changes":{"normalize-unicode":2}}"#)
    // Record 2: nothing to repair: the original bytes plus an empty count object.
    #expect(lines[1] == #"{"text":"clean text","id":"two","tags":[ ],"n":1E5 ,"mend_changes":{}}"#)
    // Record 3: escapes in the new value are written properly; the rest keeps its spacing.
    #expect(lines[2] == #"{ "id" : 3 , "text" : "Tom & Jerry\na b \"q\" \\ end" , "z" : false ,"mend_changes":{"normalize-unicode":3}}"#)
    // No text field: untouched; an empty object gets a member without a comma.
    #expect(lines[3] == #"{"id":4,"other":"no text field here: Ã©","mend_changes":{}}"#)
    #expect(lines[4] == #"{"mend_changes":{}}"#)
    // Every output line is valid JSON.
    for l in lines.dropLast() {
      #expect((try? JSONSerialization.jsonObject(with: Data(l.utf8))) != nil, "invalid JSON: \(l)")
    }
    // Without a changes field, records that need nothing are byte-identical.
    let plain = try CLI.run(["corpus", input])
    let plainLines = plain.out.split(separator: "\n").map(String.init)
    #expect(plainLines[1] == Self.records[1])
    #expect(plainLines[3] == Self.records[3])
  }

  /// The repaired value is decoded line by line and encoded from the lines: every escape form
  /// (\n, \u000a, surrogate pairs, control escapes), a final line break, empty values, and a change
  /// that only NFC makes (canonically equal, but not the same bytes) must come out right.
  @Test func repairedValuesDecodeAndEncodeEveryEscape() throws {
    let dir = CLI.scratch("escapes")
    let rules = dir + "/only-nu.yml"
    var yml = "version: 1\nextends: default\nstages:\n"
    for id in ["repair-apostrophes", "repair-credits", "remove-boilerplate", "remove-tandem-repeats",
      "remove-repeated-sentences", "remove-near-duplicates", "restore-order"] {
      yml += "  - id: \(id)\n    enabled: false\n"
    }
    try yml.write(toFile: rules, atomically: true, encoding: .utf8)
    let records: [(String, String)] = [
      (#"{"text":"a  b\u000ac\n\n\\\"\ud83d\ude00\t\u0001x\n","k":"\u00e9"}"#,
       #"{"text":"a b\nc\n\n\\\"😀\tx\n","k":"\u00e9"}"#),
      (#"{"text":"e\u0301 caf"}"#, #"{"text":"é caf"}"#),
      (#"{"text":"\ud800 x  y"}"#, #"{"text":"\ud800 x  y"}"#),
      (#"{"text":""}"#, #"{"text":""}"#),
      (#"{"text":"\n"}"#, #"{"text":"\n"}"#),
      (#"{"text":"x  \n"}"#, #"{"text":"x\n"}"#),
      (#"{"text":"  \u000A"}"#, #"{"text":"\n"}"#),
      (#"{"text":"a\r\nb\u0009"}"#, #"{"text":"a\nb"}"#),
      (#"{"text":"clean\nlines\n"}"#, #"{"text":"clean\nlines\n"}"#),
    ]
    try (records.map(\.0).joined(separator: "\n") + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", dir + "/in.jsonl", "--rules", rules, "--jobs", "1"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("lone surrogate"))
    let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.count == records.count + 1)
    for (k, rec) in records.enumerated() where k < lines.count {
      #expect(lines[k] == rec.1, "record \(k + 1)")
    }
  }

  @Test func severalFieldsAndArraysOfStrings() throws {
    let dir = CLI.scratch("fields")
    let input = dir + "/in.jsonl"
    try (#"{"title":"CafÃ©","paragraphs":["a&amp;b", 3, "ok"],"text":"Ã©"}"# + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", input, "--field", "title", "--field", "paragraphs"])
    #expect(r.status == 0)
    #expect(r.out == #"{"title":"Café","paragraphs":["a&b", 3, "ok"],"text":"Ã©"}"# + "\n")
  }

  @Test func malformedLinesAreReportedAndPassedThroughOrSkipped() throws {
    let dir = CLI.scratch("malformed")
    let input = dir + "/bad.jsonl"
    let content = [
      #"{"id":1,"text":"ok"}"#,
      #"{"id":2,"text":"unterminated}"#,
      #"not json at all"#,
      #"{"id":4,"text":"trailing"} junk"#,
      "",
      #"{"id":6,"text":"fine"}"#,
    ].joined(separator: "\n")
    try content.write(toFile: input, atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", input])
    #expect(r.status == 65)
    #expect(r.out == content, "malformed lines must pass through unchanged")
    #expect(r.stderr.contains("bad.jsonl:2:"))
    #expect(r.stderr.contains("bad.jsonl:3:1:"))
    #expect(r.stderr.contains("bad.jsonl:4:28:"))
    #expect(!r.stderr.contains("bad.jsonl:1:"))
    let s = try CLI.run(["corpus", input, "--skip-malformed"])
    #expect(s.status == 65)
    #expect(s.out == [#"{"id":1,"text":"ok"}"#, "", #"{"id":6,"text":"fine"}"#].joined(separator: "\n"))
    #expect(s.stderr.contains("skipped"))
    // Invalid UTF-8 inside a record is a malformed line too, with its column.
    var bytes = Data(#"{"id":1,"text":"a"#.utf8)
    bytes.append(0xFF)
    bytes.append(contentsOf: Array("\"}\n".utf8))
    try bytes.write(to: URL(fileURLWithPath: dir + "/utf8.jsonl"))
    let u = try CLI.run(["corpus", dir + "/utf8.jsonl"])
    #expect(u.status == 65)
    #expect(u.stdout == bytes)
    #expect(u.stderr.contains("utf8.jsonl:1:18:") && u.stderr.contains("invalid UTF-8"))
  }

  @Test func usageAndMissingInputExitCodes() throws {
    let r = try CLI.run(["corpus", "/nonexistent/x.jsonl"])
    #expect(r.status == 65)
    #expect(r.stderr.contains("/nonexistent/x.jsonl"))
    let u = try CLI.run(["corpus", "--jobs", "0"])
    #expect(u.status == 64)
    let dir = CLI.scratch("rules")
    try "version: 1\ndedup:\n  bands: 7\n".write(toFile: dir + "/r.yml", atomically: true, encoding: .utf8)
    let rr = try CLI.run(["dedup", "--rules", dir + "/r.yml", "--removed", dir + "/rm.jsonl"], stdin: Data())
    #expect(rr.status == 78)
    #expect(rr.stderr.contains("r.yml:3:10:"))
  }

  @Test func gzipInputAndOutput() throws {
    let dir = CLI.scratch("gzip")
    let plain = dir + "/c.jsonl"
    let arts = try CLI.articles(limit: 300)
    var lines: [String] = []
    for (i, a) in arts.enumerated() {
      // Damage some records so there is something to repair.
      let text = i % 3 == 0 ? a.1.replacingOccurrences(of: "é", with: "Ã©").replacingOccurrences(of: " & ", with: " &amp; ") : a.1
      lines.append(try CLI.jsonLine(["id": a.0, "text": text]))
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: plain, atomically: true, encoding: .utf8)
    #expect(try CLI.sh("gzip -k -c '\(plain)' > '\(dir)/c.jsonl.gz'") == 0)
    let a = try CLI.run(["corpus", plain, "-o", dir + "/a.jsonl", "--batch-bytes", "4096"])
    let b = try CLI.run(["corpus", dir + "/c.jsonl.gz", "-o", dir + "/b.jsonl.gz", "--batch-bytes", "4096"])
    #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
    #expect(try CLI.sh("gzip -t '\(dir)/b.jsonl.gz'") == 0, "output must be valid gzip")
    #expect(try CLI.sh("zcat '\(dir)/b.jsonl.gz' | cmp -s - '\(dir)/a.jsonl'") == 0)
    // Truncated gzip input is an input error, not a silent short corpus.
    #expect(try CLI.sh("head -c 2000 '\(dir)/c.jsonl.gz' > '\(dir)/t.jsonl.gz'") == 0)
    let t = try CLI.run(["corpus", dir + "/t.jsonl.gz", "-o", dir + "/t-out.jsonl"])
    #expect(t.status == 65)
    #expect(t.stderr.contains("t.jsonl.gz"))
  }

  @Test func identicalOutputForAnyJobCount() throws {
    let dir = CLI.scratch("jobs")
    let input = dir + "/c.jsonl"
    let arts = try CLI.articles(limit: 600)
    var rng = TestRandom(state: 7)
    var lines: [String] = []
    for a in arts {
      var text = a.1
      if Int.random(in: 0..<2, using: &rng) == 0 { text = text.replacingOccurrences(of: "’", with: "â€™") }
      if Int.random(in: 0..<4, using: &rng) == 0 { text = text.replacingOccurrences(of: " ", with: "\u{00A0}") }
      lines.append(try CLI.jsonLine(["id": a.0, "text": text]))
      if Int.random(in: 0..<50, using: &rng) == 0 { lines.append("{broken") }
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    var outputs: [Data] = []
    for jobs in [1, 2, 3] {
      let r = try CLI.run(["corpus", input, "--jobs", String(jobs), "--batch-bytes", "8192", "--changes-field", "c", "--quiet-malformed"])
      outputs.append(r.stdout)
    }
    #expect(outputs[0].count > 0)
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0] == outputs[2])
    var dd: [Data] = []
    for jobs in [1, 2] {
      _ = try CLI.run(["dedup", input, "--jobs", String(jobs), "--batch-bytes", "8192", "-o", dir + "/k\(jobs).jsonl", "--removed", dir + "/r\(jobs).jsonl"])
      dd.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/k\(jobs).jsonl")) + Data(contentsOf: URL(fileURLWithPath: dir + "/r\(jobs).jsonl")))
    }
    #expect(dd[0] == dd[1])
  }

  @Test func textFilesDirectoriesAndGlobs() throws {
    let dir = CLI.scratch("text")
    try FileManager.default.createDirectory(atPath: dir + "/in/sub", withIntermediateDirectories: true)
    try "cafÃ©\n".write(toFile: dir + "/in/a.txt", atomically: true, encoding: .utf8)
    try "fine\n".write(toFile: dir + "/in/sub/b.txt", atomically: true, encoding: .utf8)
    try "x &amp; y\n".write(toFile: dir + "/in/sub/c.md", atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", dir + "/in", "--output-dir", dir + "/out", "--include", "*.txt"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: dir + "/out/a.txt", encoding: .utf8) == "café\n")
    #expect(try String(contentsOfFile: dir + "/out/sub/b.txt", encoding: .utf8) == "fine\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/out/sub/c.md"))
    let g = try CLI.run(["corpus", dir + "/in/sub/*.md", "--in-place"])
    #expect(g.status == 0)
    #expect(try String(contentsOfFile: dir + "/in/sub/c.md", encoding: .utf8) == "x & y\n")
    let c = try CLI.run(["corpus", dir + "/in", "--check"])
    #expect(c.status == 1)
  }

  @Test func summaryAsJSON() throws {
    let dir = CLI.scratch("summary")
    try (#"{"text":"cafÃ©"}"# + "\n").write(toFile: dir + "/s.jsonl", atomically: true, encoding: .utf8)
    let r = try CLI.run(["corpus", dir + "/s.jsonl", "--format", "json", "--summary", dir + "/sum.json", "--jobs", "1"])
    #expect(r.status == 0)
    #expect(r.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(r.stderr)")
    let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sum.json"))) as? [String: Any]
    #expect(obj?["documents"] as? Int == 1)
    #expect((obj?["changes"] as? [String: Int])?["normalize-unicode"] == 1)
  }
}
