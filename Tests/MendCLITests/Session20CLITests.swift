import Foundation
import Testing

/// A rules file at `path` that extends the default rules and sets one repair-apostrophes option.
private func writeApostropheRules(_ path: String, option: String, value: String) throws {
  try "version: 1\nextends: default\nstages:\n  - id: repair-apostrophes\n    options:\n      \(option): \(value)\n"
    .write(toFile: path, atomically: true, encoding: .utf8)
}

/// Session 20: `--check`, `--in-place` and `--diff` compare bytes, and `--diff` is a patch.
@Suite struct DiffS20Tests {
  /// A file whose only change is NFD → NFC: Swift's `String ==` holds the two canonically
  /// equivalent texts equal, so `--check` said nothing would change, `--in-place` left the file
  /// as it was and `--diff` printed nothing, while plain `mend FILE` printed the NFC text.
  @Test func canonicallyEquivalentIsStillAChange() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/nfd.txt"
    let nfd = Array("Cafe\u{0301} au lait\n".utf8)
    let nfc = Array("Caf\u{00E9} au lait\n".utf8)
    try Data(nfd).write(to: URL(fileURLWithPath: path))
    let plain = try CLI.run([path])
    #expect(Array(plain.stdout) == nfc)
    let check = try CLI.run(["--check", path])
    #expect(check.status == 1)
    #expect(check.stderr.contains("nfd.txt: would change (1 change)"))
    let diff = try CLI.run(["--diff", path])
    #expect(diff.out == "--- a/\(path)\n+++ b/\(path)\n@@ -1 +1 @@\n-Cafe\u{0301} au lait\n+Caf\u{00E9} au lait\n")
    let inPlace = try CLI.run(["--in-place", path])
    #expect(inPlace.status == 0)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == nfc)
  }

  /// `patch` applies what `--diff` prints, and gives what `mend FILE` prints, for files with CRLF
  /// line ends, without a final newline, with lines removed and moved.
  @Test func patchAppliesTheDiff() throws {
    let dir = try CLI.tempDir()
    let inputs: [(String, String)] = [
      ("crlf.txt", "Its a test.\r\nThe companys profits rose on Monday.\r\nNothing else.\r\n"),
      ("nonl.txt", "A line.\nThe companys profits rose on Monday."),
      ("nfd.txt", "Cafe\u{0301} au lait.\nDont stop.\n"),
      ("mixed.txt", "Moscow\u{00E2}\u{20AC}\u{2122}s view.\r\nKeep this line.\nAnd this one &amp; that"),
      (
        "dup.txt",
        "Rescuers worked through the night in temperatures well below freezing.\nOther news today.\n"
          + "Rescuers worked through the night in temperatures well below freezing.\nThe end.\n"
      ),
    ]
    for (name, text) in inputs {
      let path = dir + "/" + name
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      let expected = try CLI.run([path]).stdout
      #expect(expected != Data(text.utf8), "\(name): mend changes nothing, the test tests nothing")
      let diff = try CLI.run(["--diff", path])
      #expect(diff.status == 0)
      let patchFile = dir + "/" + name + ".patch"
      try diff.stdout.write(to: URL(fileURLWithPath: patchFile))
      // GNU patch (.ci/run installs it when it is missing).
      let p = try CLI.runProgram(
        "/usr/bin/env", ["patch", "--quiet", "--batch", "--no-backup-if-mismatch", path, patchFile])
      #expect(p.status == 0, "\(name): patch failed: \(p.stderr) \(p.out)")
      #expect(
        try Data(contentsOf: URL(fileURLWithPath: path)) == expected, "\(name): patched file differs from mend's output"
      )
    }
  }
}

/// Session 20: `--in-place` on a symbolic link repairs the file it points to and keeps the link
/// (it replaced the link with a repaired regular file and left the target as it was), and keeps
/// the file's owner and group as well as its mode.
@Suite struct InPlaceS20Tests {
  @Test func symlinkIsFollowed() throws {
    let dir = try CLI.tempDir()
    try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
    let target = dir + "/data/real.txt"
    try Data("The companys profits rose.\n".utf8).write(to: URL(fileURLWithPath: target))
    chmod(target, 0o640)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: "data/real.txt")
    let r = try CLI.run(["--in-place", dir + "/link.txt"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.txt") == "data/real.txt")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "The company's profits rose.\n")
    var st = stat()
    #expect(stat(target, &st) == 0 && st.st_mode & 0o7777 == 0o640)
    // No temporary file is left beside either.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/data") == ["real.txt"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["data", "link.txt"])
  }

  @Test func ownerIsKept() throws {
    // Only root can give a file away; elsewhere there is nothing to keep.
    guard getuid() == 0 else { return }
    let dir = try CLI.tempDir()
    let path = dir + "/owned.txt"
    try Data("Dont stop.\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect(chown(path, 4321, 4322) == 0)
    let r = try CLI.run(["--in-place", path])
    #expect(r.status == 0, "\(r.stderr)")
    var st = stat()
    #expect(stat(path, &st) == 0)
    #expect(st.st_uid == 4321 && st.st_gid == 4322)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "Don't stop.\n")
  }
}

/// Session 20: text with CRLF line ends. A CRLF pair is one Swift `Character`, so splitting a
/// String at "\n" does not split it.
@Suite struct CRLFS20Tests {
  /// `mend dedup` counted boilerplate lines by bytes (CR trimmed) but removed them from a String
  /// split at "\n": in CRLF records every line was counted and none removed.
  @Test func boilerplateLinesOfCRLFRecords() throws {
    var lines: [String] = []
    let boiler = "Share this article on social media with your friends"
    for i in 0..<12 {
      lines.append(
        try CLI.jsonLine([
          "id": "d\(i)",
          "text": "Story \(i) has its own words number\(i) and more\(i * 3) here.\r\n\(boiler)\r\nThe end \(i).\r\n",
        ]))
    }
    let dir = CLI.scratch("boiler-crlf")
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/b.jsonl", atomically: true, encoding: .utf8)
    let r = try CLI.run(["dedup", dir + "/b.jsonl", "-o", dir + "/k.jsonl", "--removed", dir + "/r.jsonl"])
    #expect(r.status == 0, "\(r.stderr)")
    let kept = try String(contentsOfFile: dir + "/k.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(kept.count == 12)
    #expect(kept[0].contains(boiler))
    #expect(kept.dropFirst().allSatisfy { !$0.contains(boiler) })
    // The other lines keep their CRLF ends.
    #expect(kept[3].contains(#"here.\r\nThe end 3.\r\n""#))
    let rem = try String(contentsOfFile: dir + "/r.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(rem.count == 11)
  }

  /// A rules word list saved with CRLF line ends (`apostrophe-words`, read by `Lexicon.lines`)
  /// was one line: none of its entries applied.
  @Test func crlfWordListInRules() throws {
    let dir = CLI.scratch("crlf-rules")
    // The second entry as the bundled list writes them, the first with spaces around the arrow.
    try "# my contractions\r\nyaint -> y'ain't\r\ndont->don't\r\n".write(
      toFile: dir + "/words.txt", atomically: true, encoding: .utf8)
    try writeApostropheRules(dir + "/rules.yml", option: "apostrophe-words", value: "words.txt")
    let r = try CLI.run(["--rules", dir + "/rules.yml"], stdin: Data("Yaint seen nothing. I dont know.\n".utf8))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.out == "Y'ain't seen nothing. I don't know.\n")
  }
}

/// Session 20: a rules file that extends the default and sets one lexicon option of a stage
/// moved the stage's other lexicon paths to its own folder (`cannot read lexicon file
/// '.../lexicons/english-words.txt'`): each lexicon path is now resolved where it is set.
@Suite struct RulesPathsS20Tests {
  @Test func oneWordListOfYourOwn() throws {
    let dir = CLI.scratch("own-list")
    try "nope\n".write(toFile: dir + "/plain.txt", atomically: true, encoding: .utf8)
    try writeApostropheRules(dir + "/rules.yml", option: "plain-s-words", value: "plain.txt")
    let r = try CLI.run(["--rules", dir + "/rules.yml"], stdin: Data("The companys profits rose.\n".utf8))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.out == "The company's profits rose.\n")
    // A missing file of its own is still an error naming it.
    try writeApostropheRules(dir + "/bad.yml", option: "plain-s-words", value: "missing.txt")
    let bad = try CLI.run(["--rules", dir + "/bad.yml"], stdin: Data("x\n".utf8))
    #expect(bad.status == 78)
    #expect(bad.stderr.contains("bad.yml:6:22: error: lexicon file 'missing.txt' not found (looked for "))
  }
}

/// Session 20: a JSONL file that starts with a UTF-8 byte-order mark (PowerShell's
/// `Out-File -Encoding utf8`, Excel): its first record was malformed (exit 65), passed through
/// unrepaired, and `mend dedup` skipped it.
@Suite struct BOMJSONLS20Tests {
  @Test func firstRecordAfterAByteOrderMark() throws {
    let dir = CLI.scratch("bom-jsonl")
    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    let body = #"{"id":"a","text":"Dont go."}"# + "\n" + #"{"id":"b","text":"Wont go."}"# + "\n"
    try Data(bom + Array(body.utf8)).write(to: URL(fileURLWithPath: dir + "/in.jsonl"))
    let r = try CLI.run(["corpus", dir + "/in.jsonl", "--field", "text", "--no-progress", "-o", dir + "/out.jsonl"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("malformed"))
    let out = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/out.jsonl")))
    #expect(
      out == bom + Array((#"{"id":"a","text":"Don't go."}"# + "\n" + #"{"id":"b","text":"Won't go."}"# + "\n").utf8))
    // A mark anywhere else in a line is still malformed.
    try Data(Array(#"{"id":"c","text":"x"}"#.utf8) + bom + Array("\n".utf8)).write(
      to: URL(fileURLWithPath: dir + "/bad.jsonl"))
    let bad = try CLI.run([
      "corpus", dir + "/bad.jsonl", "--field", "text", "--no-progress", "-o", dir + "/bad.out.jsonl",
    ])
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("bad.jsonl:1:22: error: malformed JSONL record"))
  }

  @Test func dedupReadsTheFirstRecord() throws {
    let dir = CLI.scratch("bom-dedup")
    let text = "The council approved the new budget after a long debate on Tuesday evening in the town hall."
    let body = try CLI.jsonLine(["id": "a", "text": text]) + "\n" + CLI.jsonLine(["id": "b", "text": text]) + "\n"
    try Data([0xEF, 0xBB, 0xBF] + Array(body.utf8)).write(to: URL(fileURLWithPath: dir + "/in.jsonl"))
    let r = try CLI.run(["dedup", dir + "/in.jsonl", "-o", dir + "/k.jsonl", "--removed", dir + "/r.jsonl"])
    #expect(r.status == 0, "\(r.stderr)")
    let removed = try String(contentsOfFile: dir + "/r.jsonl", encoding: .utf8)
    #expect(removed.contains(#""duplicate_of":"a""#))
  }
}

/// Session 20: a file in Windows-1252 (a page saved in its legacy encoding) gets a hint to
/// convert it, since `--lossy` would turn every such letter into U+FFFD; a UTF-8 file with a
/// stray bad byte does not.
@Suite struct LegacyEncodingS20Tests {
  @Test func windows1252Hint() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/cp1252.txt"
    try Data(
      Array("The company".utf8) + [0x92] + Array("s caf".utf8) + [0xE9] + Array(" is ".utf8) + [0x93]
        + Array("great".utf8) + [0x94] + Array(".\n".utf8)
    ).write(to: URL(fileURLWithPath: path))
    let r = try CLI.run([path])
    #expect(r.status == 65)
    #expect(r.stderr.contains("invalid UTF-8 at byte offset 11 (line 1, column 12)"))
    #expect(r.stderr.contains("it reads as Windows-1252"))
    #expect(r.stderr.contains("iconv -f windows-1252 -t utf-8"))
    let utf8 = dir + "/stray.txt"
    try Data(Array("Caf\u{00E9} ".utf8) + [0xE9] + Array("\n".utf8)).write(to: URL(fileURLWithPath: utf8))
    let s = try CLI.run([utf8])
    #expect(s.status == 65)
    #expect(!s.stderr.contains("Windows-1252"))
  }
}

/// Session 20: a directory walk does not follow a symbolic link to a file (with `--in-place` it
/// rewrote a file outside the tree through it) and skips a FIFO (reading it blocked mend).
@Suite struct WalkS20Tests {
  @Test func linksAndFIFOsAreSkippedWithANote() throws {
    let dir = try CLI.tempDir()
    let tree = dir + "/tree"
    try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
    try "Dont stop.\n".write(toFile: dir + "/outside.txt", atomically: true, encoding: .utf8)
    try "Wont stop.\n".write(toFile: tree + "/real.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: tree + "/link.txt", withDestinationPath: "../outside.txt")
    #expect(mkfifo(tree + "/pipe.txt", 0o644) == 0)
    for args in [["--in-place", tree], ["corpus", tree, "--in-place", "--no-progress"]] {
      let r = try CLI.run(args)
      #expect(r.status == 0, "\(args): \(r.stderr)")
      #expect(r.stderr.contains("tree/link.txt: skipped: symbolic link"))
      #expect(r.stderr.contains("tree/pipe.txt: skipped: not a regular file"))
      #expect(try String(contentsOfFile: tree + "/real.txt", encoding: .utf8) == "Won't stop.\n")
      #expect(try String(contentsOfFile: dir + "/outside.txt", encoding: .utf8) == "Dont stop.\n")
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tree + "/link.txt") == "../outside.txt")
    }
  }
}

/// Session 20: interrupted (Ctrl-C, a killed hook), mend removes the temporary file it was
/// writing (`.out.jsonl.mend-XXXXXX` stayed beside the output) and dies of the signal.
@Suite struct InterruptS20Tests {
  @Test(arguments: [SIGTERM, SIGINT])
  func temporaryOutputIsRemoved(_ sig: Int32) throws {
    let dir = try CLI.tempDir()
    let input = dir + "/in.jsonl"
    #expect(mkfifo(input, 0o644) == 0)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CLI.binary)
    p.arguments = ["corpus", input, "--field", "text", "--no-progress", "-o", dir + "/out.jsonl"]
    var env = ProcessInfo.processInfo.environment
    env["MEND_RULES_DIR"] = CLI.root + "/rules"
    p.environment = env
    p.standardError = FileHandle.nullDevice
    try p.run()
    // Opening the FIFO waits for mend to open it; mend then waits for a whole line.
    let writer = try #require(FileHandle(forWritingAtPath: input))
    writer.write(Data(#"{"text": "Dont stop"#.utf8))
    var temp: [String] = []
    for _ in 0..<100 where temp.isEmpty {
      usleep(20_000)
      temp = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".out.jsonl.mend-") }
    }
    #expect(temp.count == 1, "mend made no temporary output to remove")
    kill(p.processIdentifier, sig)
    // Not dead within 5 s (the signal blocked, or handled and not re-raised): a failure, not a hang.
    for _ in 0..<250 where p.isRunning { usleep(20_000) }
    if p.isRunning {
      kill(p.processIdentifier, SIGKILL)
      Issue.record("mend did not die of signal \(sig)")
    }
    p.waitUntilExit()
    try writer.close()
    #expect(p.terminationReason == .uncaughtSignal)
    #expect(p.terminationStatus == sig)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["in.jsonl"])
  }
}
