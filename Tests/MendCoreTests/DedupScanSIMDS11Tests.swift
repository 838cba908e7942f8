import CICU
import Foundation
import Testing

@testable import MendCore

/// The dedup scan from byte masks (`DedupText.scanWords`, `mend_scan_masks`) must give exactly
/// what the byte loop (`scanWordsReference`) gives: the same tokens (prefix, length, digits,
/// non-ASCII hashes), starts, ends, pieces and irregular flag, on real text, on random lines of
/// the bytes that decide words and pieces, and with each of them at every place around a 64-byte
/// block boundary.
@Suite struct DedupScanSIMDS11Tests {
  /// The result of one scan, for comparing.
  struct Scan: Equatable, CustomStringConvertible {
    var tokens: [String] = []
    var starts: [Int32] = []
    var ends: [Int32] = []
    var pieces: [Int32] = []
    var irregular = false
    var description: String { "tokens \(tokens) starts \(starts) ends \(ends) pieces \(pieces) irregular \(irregular)" }
  }

  static func scan(_ line: String, reference: Bool) -> Scan {
    var t = line
    return t.withUTF8 { buf -> Scan in
      let room = (buf.count + 1) / 2 + 1
      let toks = UnsafeMutablePointer<DedupText.Token>.allocate(capacity: room)
      let starts = UnsafeMutablePointer<Int32>.allocate(capacity: room)
      let ends = UnsafeMutablePointer<Int32>.allocate(capacity: room)
      let pieces = UnsafeMutablePointer<Int32>.allocate(capacity: room)
      let masks = UnsafeMutablePointer<UInt64>.allocate(capacity: 6 * (buf.count / 64 + 1))
      defer {
        toks.deallocate()
        starts.deallocate()
        ends.deallocate()
        pieces.deallocate()
        masks.deallocate()
      }
      // A first token index other than 0, as a document's later lines have.
      let first = 7
      let r =
        reference
        ? DedupText.scanWordsReference(
          buf, out: toks, starts: starts, ends: ends, first: first, pieces: pieces, words: nil)
        : DedupText.scanWords(
          buf, out: toks, starts: starts, ends: ends, first: first, pieces: pieces, words: nil, masks: masks)
      var s = Scan()
      for k in 0..<r.words {
        let t = toks[k]
        s.tokens.append("\(t.hash):\(t.prefix):\(t.length):\(t.isNumber)")
        s.starts.append(starts[k])
        s.ends.append(ends[k])
      }
      s.pieces = Array(UnsafeBufferPointer(start: pieces, count: r.pieces))
      s.irregular = r.irregular
      return s
    }
  }

  /// The number of lines where the mask scan differs from the reference (each one recorded).
  static func mismatches(_ lines: [String]) -> Int {
    var bad = 0
    for line in lines {
      let a = scan(line, reference: true)
      let b = scan(line, reference: false)
      if a != b {
        bad += 1
        if bad <= 10 { Issue.record("\(line.debugDescription)\nreference \(a)\nmasks     \(b)") }
      }
    }
    return bad
  }

  @Test func masksScanIsTheReferenceOnWikinews() throws {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    try #require(FileManager.default.fileExists(atPath: path), "the evaluation corpus is missing at \(path)")
    let paras = try SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: path)
    var lines: [String] = []
    for p in paras {
      lines.append(p)
      if p.contains("\n") { lines += p.split(separator: "\n").map(String.init) }
    }
    #expect(lines.count > 4000)
    #expect(lines.contains { !$0.utf8.allSatisfy { $0 < 0x80 } })
    #expect(Self.mismatches(lines) == 0)
  }

  /// The bytes and characters that decide words, joins, pieces and irregular lines.
  static let alphabet: [String] = [
    "a", "Z", "x", "Q", "e", "g", "1", "9", "0", "'", "`", ",", ".", ":", ";", "!", "?", " ", " ", " ", "\t", "-", "\"",
    "(", "’", "‘", "“", "”", "é", "É", "क", "ा", "।", "—", "\u{00A0}", "\u{2028}", "\u{0301}", "ﬁ", "Ａ", "😀",
  ]
  static let asciiAlphabet = alphabet.filter { $0.utf8.allSatisfy { $0 < 0x80 } }

  /// A line of at least `length` bytes (exactly, for ASCII) from the alphabet, and runs of letters
  /// and digits so that words cross block boundaries.
  static func randomLine(_ rng: inout TestRandom, length: Int, ascii: Bool) -> String {
    let chars = ascii ? asciiAlphabet : alphabet
    var s = ""
    while s.utf8.count < length {
      let r = rng.next() % 10
      if r < 2 {
        s += String(repeating: ["b", "7", "Cd", "3"][Int(rng.next() % 4)], count: Int(rng.next() % 70))
      } else {
        s += chars[Int(rng.next() % UInt64(chars.count))]
      }
    }
    if ascii { s = String(s.utf8.prefix(length))! }
    return s
  }

  @Test func masksScanIsTheReferenceOnRandomLines() {
    var rng = TestRandom(seed: 0x5311)
    var lines: [String] = []
    for length in 0...200 {
      for k in 0..<60 { lines.append(Self.randomLine(&rng, length: length, ascii: k % 2 == 0)) }
    }
    #expect(Self.mismatches(lines) == 0)
  }

  /// Each deciding pattern (a join, a trigger, an irregular dot, a non-ASCII word or separator)
  /// at every offset around the first two block boundaries: a scan that read a join, a trigger or
  /// a word's end from the wrong block, or let the masks decide a word next to a non-ASCII byte,
  /// differs here.
  @Test func masksScanIsTheReferenceAtBlockBoundaries() {
    let patterns = [
      "5.A", "U.S", "3,5", "10:30", "don't", "rock`n", "a. B", "a.B", "e.g.", "1.B", "ab.Cd", "x.5", "7.x", "a!b",
      "a?B",
      "a\tb", "'a", "a'", "a..b", "1.2.3", ".5", "5.", "a’b", "’a", "a’", "“a”", "é.A", "5.é", "aé", "éa", "a—b",
      "a\u{00A0}b", "क।A", "a\u{0301}", "a.’B", "a. ’B",
    ]
    var lines: [String] = []
    for pattern in patterns {
      for offset in 50..<140 {
        let head = String(repeating: "w", count: offset % 7 + 1)
        var prefix = ""
        while prefix.utf8.count + head.utf8.count + 1 < offset { prefix += "ab " }
        prefix = String(prefix.utf8.prefix(max(0, offset - head.utf8.count - 1)))!
        for filler in [" ", "7", "x."] {
          let line = prefix + filler + head + pattern + "b c"
          lines.append(line)
          lines.append(String(repeating: "y", count: offset) + pattern)
          lines.append(String(repeating: "9", count: offset) + pattern + " z")
        }
      }
    }
    #expect(Self.mismatches(lines) == 0)
    // The boundary cases must be real: a join, a trigger and an irregular dot at byte 64.
    let join = String(repeating: "a", count: 61) + " U.S word"
    #expect(Self.scan(join, reference: false).tokens.count == 3)
    let trigger = String(repeating: "a", count: 64) + ".Word"
    #expect(Self.scan(trigger, reference: false).pieces.count == 2)
    let irregular = String(repeating: " ", count: 63) + "5.Next"
    #expect(Self.scan(irregular, reference: false).irregular)
  }

  /// The vector paths of `mend_scan_masks` give the byte loop's masks.
  @Test func scanMasksPathsAreTheByteLoop() {
    var rng = TestRandom(seed: 0x5312)
    for length in 0...300 {
      for k in 0..<8 {
        let shown = Self.randomLine(&rng, length: length, ascii: k % 2 == 0)
        var line = shown
        line.withUTF8 { buf in
          let n = buf.count
          let words = 6 * (n / 64 + 1)
          var results: [[UInt64]] = []
          var flags: [Int64] = []
          for path: Int32 in 0...2 {
            var out = [UInt64](repeating: 0, count: words)
            let r = out.withUnsafeMutableBufferPointer {
              mend_scan_masks_path(buf.baseAddress, Int64(n), $0.baseAddress, path)
            }
            results.append(out)
            flags.append(r)
          }
          var best = [UInt64](repeating: 0, count: words)
          let r = best.withUnsafeMutableBufferPointer { mend_scan_masks(buf.baseAddress, Int64(n), $0.baseAddress) }
          if n > 0 {
            #expect(
              results[1] == results[0] && results[2] == results[0] && best == results[0], "\(shown.debugDescription)")
            #expect(flags[1] == flags[0] && flags[2] == flags[0] && r == flags[0])
          }
        }
      }
    }
  }
}
