import Foundation
import Testing

@Suite struct CLITests {
  let damaged = "Moscowâ€™s &amp; Beijing\u{00A0}talk\r\n"

  @Test func stdinToStdout() throws {
    let r = try CLI.run([], stdin: Data(damaged.utf8))
    #expect(r.status == 0)
    #expect(r.out == "Moscow’s & Beijing talk\n")
  }

  @Test func bundledExampleStaysOneFragmentPerLine() throws {
    let path = CLI.root + "/examples/guardian-2022-06-15-xi-putin.txt"
    let r = try CLI.run([path])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
    let input = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    // Later stages may remove or move fragments, never merge or split them.
    #expect(lines.count <= input.count)
    #expect(lines.count >= input.count - 3)
    #expect(r.out.contains("https://www.theguardian.com/us-news/2022/jun/15/us-china-russia-ukraine-wrong-side-history"))
  }

  @Test func invalidUTF8IsAnErrorNamingFileAndOffsetAndLeavesFileAlone() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/bad.txt"
    let bytes: [UInt8] = Array("line one\nab".utf8) + [0xC3, 0x28] + Array(" rest\n".utf8)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let r = try CLI.run(["--in-place", path])
    #expect(r.status == 65)
    #expect(r.stderr.contains("\(path): error: invalid UTF-8 at byte offset 11 (line 2, column 3)"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))

    let lossy = try CLI.run(["--lossy", "--explain", path])
    #expect(lossy.status == 0)
    #expect(lossy.out == "line one\nab\u{FFFD}( rest\n")
    #expect(lossy.stderr.contains("\(path):2:3: [decode/lossy] '\\xC3' -> '\u{FFFD}'"))
  }

  @Test func emptyFile() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/empty.txt"
    FileManager.default.createFile(atPath: path, contents: Data())
    let r = try CLI.run([path])
    #expect(r.status == 0)
    #expect(r.stdout.isEmpty)
    let c = try CLI.run(["--check", path])
    #expect(c.status == 0)
  }

  @Test func binaryFileIsAnErrorWhenNamedAndSkippedWhenWalked() throws {
    let dir = try CLI.tempDir()
    try Data([0x61, 0x00, 0x62, 0x0A]).write(to: URL(fileURLWithPath: dir + "/blob.bin"))
    try "fine  text\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
    let named = try CLI.run([dir + "/blob.bin"])
    #expect(named.status == 65)
    #expect(named.stderr.contains("blob.bin: error: binary file (NUL byte at offset 1)"))
    let walked = try CLI.run([dir])
    #expect(walked.status == 0)
    #expect(walked.stderr.contains("blob.bin: skipped: binary file"))
    #expect(walked.out == "fine text\n")
  }

  @Test func directoryWalkHonoursIncludeAndExclude() throws {
    let dir = try CLI.tempDir()
    try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
    try "a  1\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
    try "b  2\n".write(toFile: dir + "/sub/b.txt", atomically: true, encoding: .utf8)
    try "c  3\n".write(toFile: dir + "/c.md", atomically: true, encoding: .utf8)
    #expect(try CLI.run([dir]).out == "a 1\nc 3\nb 2\n")
    #expect(try CLI.run(["--include", "*.txt", dir]).out == "a 1\nb 2\n")
    #expect(try CLI.run(["--exclude", "sub", dir]).out == "a 1\nc 3\n")
  }

  /// Seeded pseudo-sentences: no sentence repeats, so nothing is a duplicate.
  static func randomProse(bytes: Int, seed: UInt64) -> String {
    var rng = TestRandom(state: seed)
    let words = (0..<2000).map { i -> String in
      let letters = Array("abcdefghijklmnopqrstuvwxyz")
      var w = ""
      var x = i * 7919 + 13
      for _ in 0..<(3 + i % 7) { w.append(letters[x % 26]); x = x / 3 + i }
      return w
    }
    var s = ""
    s.reserveCapacity(bytes + 200)
    while s.utf8.count < bytes {
      let n = Int.random(in: 6...18, using: &rng)
      var sentence = (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
      sentence = sentence.prefix(1).uppercased() + sentence.dropFirst() + ". "
      s += sentence
    }
    return s
  }

  @Test func fiftyMegabyteSingleLine() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/big.txt"
    var s = Self.randomProse(bytes: 50_000_000, seed: 50)
    s += "Moscowâ€™s end"
    try s.write(toFile: path, atomically: true, encoding: .utf8)
    // Normalisation alone (the whole pipeline on huge lines is covered by the dedup tests).
    let rules = dir + "/normalize.yml"
    try "version: 1\nstages:\n  - id: normalize-unicode\n".write(toFile: rules, atomically: true, encoding: .utf8)
    let r = try CLI.run(["--rules", rules, path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.count == s.utf8.count - 5)  // "â€™" (8 bytes) -> "’" (3)
    #expect(r.out.hasSuffix("Moscow’s end"))
    #expect(!r.out.contains("\n"))
  }

  @Test func crlfBecomesLF() throws {
    let r = try CLI.run([], stdin: Data("one\r\ntwo\r\nthree".utf8))
    #expect(r.out == "one\ntwo\nthree")
  }

  @Test func inPlaceKeepsModeAndRepairs() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/doc.txt"
    try damaged.write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o640)
    let r = try CLI.run(["--in-place", path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "Moscow’s & Beijing talk\n")
    let attrs = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attrs[.posixPermissions] as? Int) == 0o640)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["doc.txt"])
  }

  @Test func inPlaceWriteFailureLeavesOriginalWhole() throws {
    let dir = try CLI.tempDir()
    let path = dir + "/doc.txt"
    // Larger than the 1-block file size limit below, so the write of the temp file fails.
    let original = String(repeating: "a  b\n", count: 2000)
    try original.write(toFile: path, atomically: true, encoding: .utf8)
    // Ignoring SIGXFSZ makes the over-limit write fail with EFBIG instead of killing mend.
    let r = try CLI.run(["--in-place", path], shellPrefix: "trap '' XFSZ; ulimit -f 1;")
    #expect(r.status == 65)
    #expect(r.stderr.contains("the original file is unchanged"))
    #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["doc.txt"], "temp file left behind")

    // Killed mid-write (SIGXFSZ's default action): the original is still whole.
    let killed = try CLI.run(["--in-place", path], shellPrefix: "ulimit -f 1;")
    #expect(killed.status != 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
  }

  @Test func checkExitCodes() throws {
    let dir = try CLI.tempDir()
    try "clean text\n".write(toFile: dir + "/clean.txt", atomically: true, encoding: .utf8)
    try damaged.write(toFile: dir + "/dirty.txt", atomically: true, encoding: .utf8)
    let clean = try CLI.run(["--check", dir + "/clean.txt"])
    #expect(clean.status == 0)
    #expect(clean.stdout.isEmpty)
    let dirty = try CLI.run(["--check", dir + "/clean.txt", dir + "/dirty.txt"])
    #expect(dirty.status == 1)
    #expect(dirty.stderr.contains("dirty.txt: would change"))
    #expect(try String(contentsOfFile: dir + "/dirty.txt", encoding: .utf8) == damaged)
  }

  @Test func diffIsUnified() throws {
    let dir = try CLI.tempDir()
    try "keep\nMoscowâ€™s\nkeep too\n".write(toFile: dir + "/d.txt", atomically: true, encoding: .utf8)
    let r = try CLI.run(["--check", "--diff", dir + "/d.txt"])
    #expect(r.status == 1)
    // Three lines (until session 20 the header said 4: a phantom empty line after the last newline).
    #expect(r.out == "--- a/\(dir)/d.txt\n+++ b/\(dir)/d.txt\n@@ -1,3 +1,3 @@\n keep\n-Moscowâ€™s\n+Moscow’s\n keep too\n")
  }

  @Test func explainAndJSON() throws {
    let r = try CLI.run(["--explain"], stdin: Data("x &amp; y\n".utf8))
    #expect(r.stderr.contains("<stdin>:1:3: [normalize-unicode/html-entity] '&amp;' -> '&': HTML character reference"))
    let j = try CLI.run(["--format", "json"], stdin: Data("x &amp; y\n".utf8))
    let obj = try JSONSerialization.jsonObject(with: Data(j.out.split(separator: "\n")[0].utf8)) as? [String: Any]
    #expect(obj?["stage"] as? String == "normalize-unicode")
    #expect(obj?["rule"] as? String == "html-entity")
    #expect(obj?["line"] as? Int == 1)
    #expect(obj?["column"] as? Int == 3)
    #expect(obj?["path"] as? String == "<stdin>")
    #expect(obj?["applied"] as? Bool == true)
  }

  @Test func rulesErrorExits78WithLocation() throws {
    let dir = try CLI.tempDir()
    try "version: 1\nstages:\n  - id: nope\n".write(toFile: dir + "/r.yml", atomically: true, encoding: .utf8)
    let r = try CLI.run(["--rules", dir + "/r.yml"], stdin: Data("x\n".utf8))
    #expect(r.status == 78)
    #expect(r.stderr.contains("\(dir)/r.yml:3:9: error: unknown stage id 'nope'"))
  }

  @Test func usageErrorExits64() throws {
    let r = try CLI.run(["--no-such-flag"])
    #expect(r.status == 64)
    let r2 = try CLI.run(["--in-place", "--check", "x.txt"])
    #expect(r2.status == 64)
  }

  @Test func missingFileIsInputError() throws {
    let r = try CLI.run(["/nonexistent/mend-file.txt"])
    #expect(r.status == 65)
    #expect(r.stderr.contains("/nonexistent/mend-file.txt: error: cannot open file"))
  }
}
