import Foundation
import Testing

/// `mend corpus --removed FILE`: every line or sentence a stage removes from a record goes to the
/// side file with where it came from, so a corpus run loses nothing (the `mend fix --removed`
/// guarantee, for corpora).
@Suite struct CorpusRemovedTests {
  static func objects(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  /// Letters and digits only, lower-cased: earlier stages may have collapsed spaces or put an
  /// apostrophe back into a removed line, which this key ignores.
  static func key(_ s: String) -> String {
    String(String.UnicodeScalarView(s.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
  }

  static func gunzip(_ path: String) throws -> String {
    let out = path + ".plain"
    #expect(try CLI.sh("gzip -dc '\(path)' > '\(out)'") == 0)
    return try String(contentsOfFile: out, encoding: .utf8)
  }

  /// Real articles, each with one of its own lines repeated at the end (an exact duplicate that
  /// `remove-repeated-sentences` removes): the side file must name each copy removed — record,
  /// id, field, line — with its text, and be the same whatever the job count.
  @Test func sideFileNamesEveryRemovedLine() throws {
    let dir = CLI.scratch("removed")
    let input = dir + "/in.jsonl"
    var records: [String] = []
    var injected: [(record: Int, id: String, line: Int, text: String)] = []
    for (k, (id, text)) in try CLI.articles(limit: 40, every: 7).enumerated() {
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      guard lines.count >= 3, lines[1].split(separator: " ").count >= 8 else { continue }
      lines.append(lines[1])
      injected.append((records.count + 1, id, lines.count, lines[1]))
      records.append(try CLI.jsonLine(["id": id, "text": lines.joined(separator: "\n"), "k": k]))
    }
    #expect(injected.count >= 20)
    try (records.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)

    var sides: [String] = []
    for jobs in ["1", "2"] {
      let side = dir + "/removed-\(jobs).jsonl"
      let r = try CLI.run(["corpus", input, "--jobs", jobs, "--batch-bytes", "4096", "--no-progress", "--removed", side, "-o", dir + "/out-\(jobs).jsonl"])
      #expect(r.status == 0, "\(r.stderr)")
      sides.append(try String(contentsOfFile: side, encoding: .utf8))
    }
    #expect(sides[0] == sides[1], "the side file depends on the job count")
    let entries = try Self.objects(sides[0])
    for want in injected {
      // The copy goes as a whole line, or sentence by sentence when one of its sentences was
      // already removed as a repeat of an earlier one (a short leftover such as "Wikinews
      // attended." then stays): the entries are parts of the copy.
      let hits = entries.filter { $0["record"] as? Int == want.record && $0["line"] as? Int == want.line }
      #expect(!hits.isEmpty, "record \(want.record) line \(want.line) missing from the side file")
      let keys = hits.map { Self.key($0["before"] as? String ?? "") }
      #expect(keys.allSatisfy { Self.key(want.text).contains($0) })
      #expect(keys.reduce(0) { $0 + $1.count } * 10 >= Self.key(want.text).count * 9, "record \(want.record): \(keys)")
      for e in hits {
        #expect(e["id"] as? String == want.id)
        #expect(e["field"] as? String == "text")
        #expect(e["source"] as? String == input)
        #expect(e["stage"] as? String == "remove-repeated-sentences")
        #expect((e["reason"] as? String)?.isEmpty == false)
      }
    }
    // Nothing else is lost: every removed text was part of its input record.
    let inputs = try Self.objects(records.joined(separator: "\n"))
    for e in entries {
      let record = try #require(e["record"] as? Int)
      let original = try #require(inputs[record - 1]["text"] as? String)
      let before = try #require(e["before"] as? String)
      #expect(Self.key(original).contains(Self.key(before)), "\(before)")
    }
    // The output lost exactly the side file's text: per record, the letters and digits of the
    // output and of the removed entries add up to the input's, and each injected copy is gone.
    let outs = try Self.objects(try String(contentsOfFile: dir + "/out-1.jsonl", encoding: .utf8))
    for (k, rec) in inputs.enumerated() {
      let original = Self.key(rec["text"] as? String ?? "")
      let kept = Self.key(outs[k]["text"] as? String ?? "")
      let removed = entries.filter { $0["record"] as? Int == k + 1 }.reduce(0) { $0 + Self.key($1["before"] as? String ?? "").count }
      #expect(kept.count + removed == original.count, "record \(k + 1): \(kept.count) kept + \(removed) removed")
    }
    for want in injected {
      let text = try #require(outs[want.record - 1]["text"] as? String)
      #expect(Self.key(text).components(separatedBy: Self.key(want.text)).count == 2, "record \(want.record) keeps one copy")
    }
  }

  /// A '.gz' side file is gzip-compressed; array elements are named `field[k]`; records without
  /// an id are named FILE:LINE; text-file inputs give entries without record, id or field.
  @Test func gzipArraysIdsAndTextFiles() throws {
    let dir = CLI.scratch("removed-gz")
    let input = dir + "/in.jsonl"
    let s = "The minister said the new bridge would open to traffic in the spring of next year."
    try ([
      try CLI.jsonLine(["text": ["A first line that stays as it is.", "Intro line.\n\(s)\n\(s)"]]),
      try CLI.jsonLine(["doc": "d2", "text": "\(s)\nOther words entirely, about the weather this week.\n\(s)"]),
    ].joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let side = dir + "/removed.jsonl.gz"
    let r = try CLI.run(["corpus", input, "--no-progress", "--removed", side, "--id-field", "doc", "-o", dir + "/out.jsonl"])
    #expect(r.status == 0, "\(r.stderr)")
    let entries = try Self.objects(try Self.gunzip(side))
    #expect(entries.count == 2)
    #expect(entries.first?["field"] as? String == "text[1]")
    #expect(entries.first?["id"] as? String == "\(input):1")
    #expect(entries.first?["line"] as? Int == 3)
    #expect(entries.last?["id"] as? String == "d2")
    #expect(entries.last?["before"] as? String == s)

    let texts = dir + "/texts"
    try FileManager.default.createDirectory(atPath: texts, withIntermediateDirectories: true)
    try "\(s)\nA line in between.\n\(s)\n".write(toFile: texts + "/a.txt", atomically: true, encoding: .utf8)
    let side2 = dir + "/removed-text.jsonl"
    let t = try CLI.run(["corpus", texts, "--no-progress", "--output-dir", dir + "/fixed", "--removed", side2])
    #expect(t.status == 0, "\(t.stderr)")
    let e2 = try Self.objects(try String(contentsOfFile: side2, encoding: .utf8))
    #expect(e2.count == 1)
    #expect(e2.first?["source"] as? String == texts + "/a.txt")
    #expect(e2.first?["record"] == nil && e2.first?["field"] == nil)
    #expect(e2.first?["line"] as? Int == 3)
  }

  /// `--check` writes nothing, so it refuses a side file (usage error, exit 64).
  @Test func checkRefusesRemoved() throws {
    let r = try CLI.run(["corpus", "--check", "--removed", "/tmp/never.jsonl"], stdin: Data("{\"text\":\"a\"}\n".utf8))
    #expect(r.status == 64)
    #expect(r.stderr.contains("--removed"))
  }
}

/// Outputs that are not regular files are written in place: renaming a temporary over
/// `/dev/null` or a FIFO would replace it with a plain file (as root, `-o /dev/null` did).
/// An existing output file keeps its mode.
@Suite struct OutputTargetTests {
  @Test func fifoOutputIsWrittenNotReplaced() throws {
    let dir = CLI.scratch("fifo")
    let input = dir + "/in.jsonl"
    try "{\"text\":\"dont  go\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    for target in ["out", "removed", "summary"] {
      let fifo = dir + "/\(target).fifo"
      #expect(mkfifo(fifo, 0o644) == 0)
      // A reader for the FIFO, so the writer's open does not block (it gives up after 20 s when
      // nothing ever opens the FIFO, as when it was renamed over).
      let reader = Process()
      reader.executableURL = URL(fileURLWithPath: "/bin/sh")
      reader.arguments = ["-c", "timeout 20 cat '\(fifo)' > '\(dir)/\(target).txt'"]
      try reader.run()
      var args = ["corpus", input, "--no-progress"]
      switch target {
      case "out": args += ["-o", fifo]
      case "removed": args += ["-o", dir + "/o.jsonl", "--removed", fifo]
      default: args += ["-o", dir + "/o.jsonl", "--summary", fifo]
      }
      let r = try CLI.run(args)
      reader.waitUntilExit()
      #expect(r.status == 0, "\(target): \(r.stderr)")
      let attrs = try FileManager.default.attributesOfItem(atPath: fifo)
      #expect(attrs[.type] as? FileAttributeType != .typeRegular, "\(target): the FIFO was replaced by a file")
      let got = try String(contentsOfFile: dir + "/\(target).txt", encoding: .utf8)
      if target == "out" { #expect(got == "{\"text\":\"don't go\"}\n") }
      if target == "summary" { #expect(got.contains("1 documents")) }
    }
  }

  @Test func existingOutputKeepsItsMode() throws {
    let dir = CLI.scratch("mode")
    let input = dir + "/in.jsonl"
    try "{\"text\":\"dont  go\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    let out = dir + "/out.jsonl"
    try "old\n".write(toFile: out, atomically: true, encoding: .utf8)
    #expect(chmod(out, 0o600) == 0)
    let r = try CLI.run(["corpus", input, "--no-progress", "-o", out])
    #expect(r.status == 0, "\(r.stderr)")
    let attrs = try FileManager.default.attributesOfItem(atPath: out)
    #expect((attrs[.posixPermissions] as? Int) == 0o600)
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "{\"text\":\"don't go\"}\n")
  }
}
