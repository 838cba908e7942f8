import Foundation
import Testing

@Suite struct DedupTests {
  /// Real articles (nothing is fitted: the parameters are text-dedup's defaults) plus injected
  /// exact copies (ASCII case and spacing changed) and near copies (2% of the words replaced).
  @Test func findsInjectedExactAndNearDuplicatesOnWikinews() throws {
    let arts = try CLI.articles(limit: 250)
    #expect(arts.count == 250)
    var rng = TestRandom(state: 42)
    var lines: [String] = []
    var injected: [String: String] = [:]  // copy id -> original id
    var exactIDs = Set<String>()
    for (i, a) in arts.enumerated() {
      lines.append(try CLI.jsonLine(["id": a.0, "text": a.1]))
      guard i >= 10, Int.random(in: 0..<4, using: &rng) == 0 else { continue }
      // A copy of an earlier article, so keep-first keeps the original.
      let src = arts[Int.random(in: 0..<i, using: &rng)]
      let copyID = "copy-\(i)"
      if Bool.random(using: &rng) {
        lines.append(try CLI.jsonLine(["id": copyID, "text": "  " + String(decoding: src.1.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self).replacingOccurrences(of: " ", with: "  ") + "\n"]))
        exactIDs.insert(copyID)
      } else {
        var words = src.1.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<max(1, words.count / 50) {
          words[Int.random(in: 0..<words.count, using: &rng)] = ["alpha", "report", "Tuesday", "said"].randomElement(using: &rng)!
        }
        lines.append(try CLI.jsonLine(["id": copyID, "text": words.joined(separator: " ")]))
      }
      injected[copyID] = src.0
    }
    let dir = CLI.scratch("dedup")
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/c.jsonl", atomically: true, encoding: .utf8)
    let r = try CLI.run(["dedup", dir + "/c.jsonl", "-o", dir + "/kept.jsonl", "--removed", dir + "/removed.jsonl", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    var removed: [String: (of: String, kind: String)] = [:]
    for l in try String(contentsOfFile: dir + "/removed.jsonl", encoding: .utf8).split(separator: "\n") {
      let o = try JSONSerialization.jsonObject(with: Data(l.utf8)) as! [String: Any]
      let kind = o["kind"] as! String
      if kind == "boilerplate" { continue }
      removed[o["id"] as! String] = (o["duplicate_of"] as! String, kind)
      // The side file carries the whole original record.
      #expect((o["record"] as? [String: Any])?["id"] as? String == o["id"] as? String)
    }
    let truePositives = removed.filter { injected[$0.key] != nil }.count
    let precision = Double(truePositives) / Double(max(1, removed.count))
    let recall = Double(truePositives) / Double(max(1, injected.count))
    print("dedup on wikinews (250 articles): \(injected.count) injected (\(exactIDs.count) exact), \(removed.count) removed, precision \(precision), recall \(recall)")
    // Every exact copy is found as exact, pointing at its source.
    for id in exactIDs {
      #expect(removed[id]?.kind == "exact", "exact copy \(id) not removed as exact")
      #expect(removed[id]?.of == injected[id])
    }
    #expect(precision >= 0.95)
    #expect(recall >= 0.9)
    // Kept + removed = input; every original article is kept.
    let kept = try String(contentsOfFile: dir + "/kept.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(kept.count + removed.count == lines.count)
    for a in arts where removed[a.0] != nil {
      Issue.record("original article \(a.0) removed as a duplicate of \(removed[a.0]!.of)")
    }
  }

  @Test func boilerplateLinesRemovedKeepFirst() throws {
    var lines: [String] = []
    let boiler = "Share this article on social media with your friends"
    for i in 0..<12 {
      lines.append(try CLI.jsonLine(["id": "d\(i)", "text": "Story \(i) has its own words number\(i) and more\(i * 3) here.\n\(boiler)"]))
    }
    let dir = CLI.scratch("boiler")
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/b.jsonl", atomically: true, encoding: .utf8)
    let r = try CLI.run(["dedup", dir + "/b.jsonl", "-o", dir + "/k.jsonl", "--removed", dir + "/r.jsonl"])
    #expect(r.status == 0)
    let kept = try String(contentsOfFile: dir + "/k.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(kept.count == 12)
    #expect(kept[0].contains(boiler))
    #expect(kept.dropFirst().allSatisfy { !$0.contains(boiler) })
    let rem = try String(contentsOfFile: dir + "/r.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(rem.count == 11)
    #expect(rem.allSatisfy { $0.contains(#""kind":"boilerplate""#) && $0.contains(#""duplicate_of":"d0""#) })
  }
}

@Suite struct DedupKeysTests {
  /// The map step of the Spark job: one output line per input line, in order, with the same
  /// fingerprints for copies and different ones for different texts.
  @Test func oneKeyLinePerInputLine() throws {
    let arts = try CLI.articles(limit: 3)
    var lines = [
      try CLI.jsonLine(["id": "a", "text": arts[0].1]),
      "",
      #"{"id": "broken", "text": "no end"#,
      try CLI.jsonLine(["id": "b", "text": "  " + arts[0].1.uppercased()]),
      try CLI.jsonLine(["id": "c", "text": arts[1].1]),
      try CLI.jsonLine(["text": ""]),
    ]
    lines.append(try CLI.jsonLine(["id": 7, "text": arts[2].1]))
    let r = try CLI.run(["dedup-keys", "--jobs", "2"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("<stdin>:3:"), "\(r.stderr)")
    let out = try r.out.split(separator: "\n").map {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    #expect(out.count == lines.count)
    guard out.count == lines.count else { return }
    #expect(out[1]["skip"] as? String == "blank")
    #expect(out[2]["skip"] as? String == "malformed")
    #expect(out[0]["id"] as? String == "a" && out[6]["id"] as? Int == 7)
    #expect(out[5]["id"] as? String == "<stdin>:6" && out[5]["exact"] is NSNull)
    // Case and spacing do not change the exact hash; a different article has different keys.
    #expect(out[0]["exact"] as? String == out[3]["exact"] as? String)
    #expect(out[0]["exact"] as? String != out[4]["exact"] as? String)
    let bands0 = out[0]["bands"] as! [String], bands4 = out[4]["bands"] as! [String]
    #expect(bands0.count == 32 && (out[0]["sig"] as! String).count == 128 * 8)
    #expect(Set(bands0).isDisjoint(with: bands4))
    #expect(out[0]["threshold"] as? Double == 0.7)
  }
}

@Suite struct DedupApplyTests {
  /// The apply step of the Spark job removes exactly the lines whose dedup-keys hashes it is
  /// given, keeps other fields byte for byte, reports each removed line, and passes malformed
  /// lines through with an error naming the line.
  @Test func removesTheGivenBoilerplateLines() throws {
    let footer = "Follow us for breaking news, analysis and live updates every day."
    let record = #"{"id": "d2",  "text": "First line of the story.\n"# + footer + #"\nLast line.", "n": [1, 2.50]}"#
    let keys = try CLI.run(["dedup-keys"], stdin: Data((record + "\n").utf8))
    #expect(keys.status == 0, "\(keys.stderr)")
    let k = try JSONSerialization.jsonObject(with: Data(keys.out.utf8)) as! [String: Any]
    let hashes = k["lines"] as? [String] ?? []
    #expect(hashes.count == 1, "only the footer is long enough to be boilerplate: \(hashes)")
    #expect(k["min_docs"] as? Int == 10)
    guard let h = hashes.first else { return }
    let input = [
      #"{"\#(h)":"d0"}"# + "\t" + record,
      "\t" + record,
      #"{"0123":"d0"}"# + "\t" + record,
      "no tab here",
      #"{"\#(h)":"d0"}"# + "\t" + "{broken",
    ].joined(separator: "\n") + "\n"
    let r = try CLI.run(["dedup-apply"], stdin: Data(input.utf8))
    #expect(r.status == 65, "a line without a directive is an input error")
    #expect(r.stderr.contains("<stdin>:4:1: error"), "\(r.stderr)")
    let out = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(out.count == 7, "\(out)")
    guard out.count == 7 else { return }
    #expect(out[0] == "K\t" + record.replacingOccurrences(of: #"\n"# + footer, with: ""))
    #expect(out[1].hasPrefix("R\t{\"id\":\"d2\",\"duplicate_of\":\"d0\",\"kind\":\"boilerplate\",\"field\":\"text\",\"text\":\"Follow us"))
    #expect(out[2] == "K\t" + record, "an empty directive changes nothing")
    #expect(out[3] == "K\t" + record, "a hash the record does not have changes nothing")
    #expect(out[4] == "K\tno tab here")
    #expect(out[5] == "K\t{broken" && out[6] == "")
  }

  /// A directive's "id" names the record in R lines (the Spark job passes dedup-keys' FILE:LINE
  /// name for a record without an id field); without it the record's own id field is used.
  @Test func directiveIdNamesTheRecord() throws {
    let footer = "Follow us for breaking news, analysis and live updates every day."
    let record = #"{"text": "First line of the story.\n"# + footer + #""}"#
    let keys = try CLI.run(["dedup-keys", "--source", "shard-7.jsonl", "--first-line", "41"], stdin: Data((record + "\n").utf8))
    let k = try JSONSerialization.jsonObject(with: Data(keys.out.utf8)) as! [String: Any]
    #expect(k["id"] as? String == "shard-7.jsonl:41", "\(keys.out)")
    guard let h = (k["lines"] as? [String])?.first else { Issue.record("no boilerplate hash"); return }
    let input = #"{"\#(h)":"d0","id":"shard-7.jsonl:41"}"# + "\t" + record + "\n"
    let r = try CLI.run(["dedup-apply"], stdin: Data(input.utf8))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.out.contains("R\t{\"id\":\"shard-7.jsonl:41\",\"duplicate_of\":\"d0\""), "\(r.out)")
    let plain = try CLI.run(["dedup-apply"], stdin: Data((#"{"\#(h)":"d0"}"# + "\t" + record + "\n").utf8))
    #expect(plain.out.contains("R\t{\"id\":\"<stdin>:1\""), "\(plain.out)")
  }
}

@Suite struct DedupKeysPlacementTests {
  /// --source and --first-line place stdin's lines in the file they came from: ids of records
  /// without one, and malformed-line messages.
  @Test func sourceAndFirstLineNameStdin() throws {
    let input = #"{"text":"one two three four five six"}"# + "\n" + "{broken\n" + #"{"id":"k","text":"x y z"}"# + "\n"
    let r = try CLI.run(["dedup-keys", "--source", "part-3.jsonl", "--first-line", "1001"], stdin: Data(input.utf8))
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.out.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines.first?.hasPrefix(#"{"id":"part-3.jsonl:1001","#) == true, "\(lines)")
    #expect(lines.dropFirst().first == #"{"skip":"malformed"}"#)
    #expect(lines.last?.hasPrefix(#"{"id":"k","#) == true)
    #expect(r.stderr.contains("part-3.jsonl:1002:"), "\(r.stderr)")
    let bad = try CLI.run(["dedup-keys", "--first-line", "3", "some-file.jsonl"], stdin: Data())
    #expect(bad.status != 0 && bad.stderr.contains("--source and --first-line"), "\(bad.stderr)")
  }
}
