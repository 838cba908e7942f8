import Foundation
import Testing

@testable import MendCore

/// `mend --diff` (session 20): the diff is what `diff -u` prints, so `patch` applies it. Before,
/// lines were split as Swift Characters (a CRLF pair is one Character, so a Windows file was one
/// line), every file got a phantom empty last line, a missing final newline went unmarked, and
/// the O(ND) trace kept one vector per step (a file whose every line changes needed gigabytes).
@Suite struct UnifiedDiffS20Tests {
  private func diff(_ old: String, _ new: String) -> String {
    UnifiedDiff.diff(old: old, new: new, oldName: "a/x", newName: "b/x")
  }

  @Test func crlfLinesAreLines() {
    #expect(diff("a\r\nb\r\n", "a\nb\n") == "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\r\n-b\r\n+a\n+b\n")
    // Only the changed line of a Windows file (its CR kept in both copies).
    #expect(
      diff("one\r\nIts two\r\nthree\r\n", "one\r\nIt's two\r\nthree\r\n")
        == "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n one\r\n-Its two\r\n+It's two\r\n three\r\n")
  }

  @Test func noPhantomLineAfterTheLastNewline() {
    #expect(
      diff("keep\nold\nkeep too\n", "keep\nnew\nkeep too\n")
        == "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n keep\n-old\n+new\n keep too\n")
  }

  @Test func oneLineRangesAreBareNumbers() {
    // diff -u writes a range of one line as its number alone, and an empty one as the line before.
    #expect(diff("x\n", "y\n") == "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-x\n+y\n")
    #expect(diff("", "y\n") == "--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+y\n")
    #expect(diff("x\ny\n", "x\n") == "--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n x\n-y\n")
  }

  @Test func missingFinalNewlineIsMarked() {
    let marker = "\\ No newline at end of file\n"
    #expect(diff("a\nb", "a\nc") == "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n" + marker + "+c\n" + marker)
    // The same words with and without the newline are different last lines.
    #expect(diff("a\nb", "a\nb\n") == "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n" + marker + "+b\n")
    // Unchanged, as context.
    #expect(diff("a\nb\nc", "A\nb\nc") == "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n" + marker)
    #expect(diff("a\nb", "a\nb") == "")
  }

  @Test func hunksAreSeparatedAndMerged() {
    let old = (1...40).map { "line \($0)\n" }.joined()
    var lines = (1...40).map { "line \($0)\n" }
    lines[4] = "changed 5\n"
    lines[34] = "changed 35\n"
    let two = diff(old, lines.joined())
    #expect(two.components(separatedBy: "\n@@ ").count == 3)
    #expect(
      two.contains("@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed 5\n line 6\n line 7\n line 8\n"))
    #expect(two.contains("@@ -32,7 +32,7 @@\n"))
    // Six unchanged lines between two changes: one hunk.
    lines[34] = "line 35\n"
    lines[11] = "changed 12\n"
    let one = diff(old, lines.joined())
    #expect(one.components(separatedBy: "\n@@ ").count == 2)
    #expect(one.contains("@@ -2,14 +2,14 @@\n"))
  }

  /// Every line changes (a 30 000-line Windows file made LF): the old trace needed
  /// 60 000 vectors of 120 000 entries.
  @Test func everyLineOfALargeFileChanges() {
    let old = (0..<30000).map { "Line \($0) of the file.\r\n" }.joined()
    let new = old.replacingOccurrences(of: "\r\n", with: "\n")
    let d = diff(old, new)
    #expect(d.hasPrefix("--- a/x\n+++ b/x\n@@ -1,30000 +1,30000 @@\n-Line 0 of the file.\r\n"))
    #expect(d.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } == 3 + 60000)
    #expect(Self.apply(d, to: old) == new)
  }

  /// A large file with lines moved far (restore-order's kind of change) and a few edited.
  @Test func largeReorderAppliesBack() {
    var lines = (0..<20000).map { "Sentence number \($0) of a long fragmented document.\n" }
    let old = lines.joined()
    var rng = SplitMix64(seed: 20)
    for _ in 0..<300 {
      let i = Int(rng.next() % UInt64(lines.count))
      let j = Int(rng.next() % UInt64(lines.count))
      lines.swapAt(i, j)
    }
    lines[100] = "An edited line.\n"
    let new = lines.joined()
    #expect(Self.apply(diff(old, new), to: old) == new)
  }

  /// Random texts and random edits: applying the diff to the old text gives the new one, and an
  /// unchanged line is never written as a change when nothing around it moved.
  @Test func randomEditsApplyBack() {
    var rng = SplitMix64(seed: 7)
    let vocabulary = ["alpha", "beta", "gamma", "delta", "", "alpha", "x\r", "tail"]
    for round in 0..<400 {
      let n = Int(rng.next() % 30)
      var lines = (0..<n).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }
      let oldEndsWithNewline = rng.next() % 4 != 0
      let old = Self.join(lines, newline: oldEndsWithNewline)
      for _ in 0..<Int(rng.next() % 6) {
        let op = rng.next() % 3
        let i = lines.isEmpty ? 0 : Int(rng.next() % UInt64(lines.count))
        let word = vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
        if op == 0 || lines.isEmpty {
          lines.insert(word, at: min(i, lines.count))
        } else if op == 1 {
          lines.remove(at: i)
        } else {
          lines[i] = word + " edited"
        }
      }
      let new = Self.join(lines, newline: rng.next() % 4 != 0)
      let d = diff(old, new)
      #expect((old == new) == d.isEmpty, "round \(round)")
      #expect(Self.apply(d, to: old) == new, "round \(round): \(old.debugDescription) -> \(new.debugDescription)\n\(d)")
    }
  }

  /// NFD and NFC are equal Swift Strings (canonical equivalence) but different bytes: a diff,
  /// and a change for the library's `changed` and for `Fragment ==`.
  @Test func canonicallyEquivalentTextsDiffer() throws {
    let nfd = "Cafe\u{0301}\n"
    let nfc = "Caf\u{00E9}\n"
    #expect(nfd == nfc)  // Swift's String equality, the trap
    #expect(diff(nfd, nfc) == "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-Cafe\u{0301}\n+Caf\u{00E9}\n")
    #expect(diff("same\n" + nfd, "same\n" + nfc).contains(" same\n-Cafe\u{0301}\n+Caf\u{00E9}\n"))
    let result = try Mend(rulesPath: Repo.defaultRules).clean(nfd)
    #expect(Array(result.text.utf8) == Array(nfc.utf8))
    #expect(result.changed)
    #expect(Fragment(text: "Cafe\u{0301}", line: 1) != Fragment(text: "Caf\u{00E9}", line: 1))
  }

  @Test func unchangedLinesAreNotRewritten() {
    // Only the lines that differ are - and + lines (the diff is a shortest one).
    let old = "a\nb\nc\nd\ne\n"
    let new = "a\nc\nd\nX\ne\n"
    let d = diff(old, new)
    #expect(d.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") } == ["-b"])
    #expect(d.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") } == ["+X"])
  }

  private static func join(_ lines: [String], newline: Bool) -> String {
    if lines.isEmpty { return "" }
    return lines.joined(separator: "\n") + (newline ? "\n" : "")
  }

  /// A unified-diff applier (what `patch` does with an exact diff): the hunks' context and
  /// removed lines must match the old text where the header says.
  static func apply(_ diff: String, to old: String) -> String? {
    if diff.isEmpty { return old }
    let oldLines = lines(old)
    var out: [(String, Bool)] = []
    var next = 0  // old lines copied so far
    let d = lines(diff).map(\.0)
    var k = 2
    guard d.count >= 2, d[0].hasPrefix("--- "), d[1].hasPrefix("+++ ") else { return nil }
    while k < d.count {
      let header = d[k]
      guard header.hasPrefix("@@ -"), let range = header.split(separator: " ").dropFirst().first else { return nil }
      let parts = range.dropFirst().split(separator: ",")
      guard let start = Int(parts[0]) else { return nil }
      let count = parts.count > 1 ? Int(parts[1]) ?? -1 : 1
      let first = count == 0 ? start : start - 1
      guard first >= next, first <= oldLines.count else { return nil }
      out += oldLines[next..<first]
      next = first
      k += 1
      while k < d.count && !d[k].hasPrefix("@@ ") {
        let line = d[k]
        let body = String(line.dropFirst())
        let noNewline = k + 1 < d.count && d[k + 1] == "\\ No newline at end of file"
        switch line.first {
        case " ", "-":
          guard next < oldLines.count, oldLines[next] == (body, !noNewline) else { return nil }
          if line.first == " " { out.append(oldLines[next]) }
          next += 1
        case "+":
          out.append((body, !noNewline))
        default:
          return nil
        }
        k += noNewline ? 2 : 1
      }
    }
    out += oldLines[next...]
    return out.map { $0.0 + ($0.1 ? "\n" : "") }.joined()
  }

  /// The lines of a text with whether each ends in a newline (split at LF only).
  static func lines(_ s: String) -> [(String, Bool)] {
    var result: [(String, Bool)] = []
    var current: [UInt8] = []
    for b in s.utf8 {
      if b == 0x0A {
        result.append((String(decoding: current, as: UTF8.self), true))
        current = []
      } else {
        current.append(b)
      }
    }
    if !current.isEmpty { result.append((String(decoding: current, as: UTF8.self), false)) }
    return result
  }
}
