import Foundation
import Testing

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
