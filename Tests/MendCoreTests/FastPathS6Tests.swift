import Foundation
@testable import MendCore
import Testing

/// Session 6: strings made without a second UTF-8 check, the byte compare of fragments that
/// share storage, and normalize-unicode's scan that skips sixteen plain bytes at a time.
@Suite struct FastPathS6Tests {
  /// `ValidatedUTF8.string` gives the same String as `String(decoding:)` (same bytes, same
  /// count, equal, and the same hash) for valid text, ASCII or not, short (inline) or long; and
  /// `allASCII` says exactly whether a byte ≥ 0x80 is there, at every position.
  @Test func validatedStringsEqualDecodedOnes() {
    let pieces = ["a", "word ", "é", "हिन्दी", "😀", "\u{301}", "東京", " ", "\u{7F}", "\t", "Ωμέγα", "x"]
    var rng = SplitMix64(seed: 3)
    for _ in 0..<3000 {
      let n = Int(rng.next() % 40)
      let text = (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
      let bytes = Array(text.utf8)
      let ascii = !bytes.contains { $0 >= 0x80 }
      let made = bytes.withUnsafeBufferPointer { b -> (String, Bool) in
        (ValidatedUTF8.string(b, isASCII: ValidatedUTF8.allASCII(b)), ValidatedUTF8.allASCII(b))
      }
      #expect(made.1 == ascii)
      #expect(made.0 == text)
      #expect(Array(made.0.utf8) == bytes)
      #expect(made.0.unicodeScalars.count == text.unicodeScalars.count)
      #expect(made.0.hashValue == text.hashValue)
      #expect(ValidatedUTF8.isASCII(made.0) == ascii)
    }
    // One byte ≥ 0x80 at every position of a long ASCII run.
    for at in 0..<70 {
      var b = [UInt8](repeating: UInt8(ascii: "q"), count: 70)
      b[at] = 0xC3
      #expect(!b.withUnsafeBufferPointer { ValidatedUTF8.allASCII($0) })
    }
  }

  /// `sameStorage` is true only for the same bytes; `hasSameText` still finds equal texts in
  /// different storage, and differences of one byte.
  @Test func sameStorageImpliesSameBytes() {
    let a = String(repeating: "long enough to be stored ", count: 3)
    let b = a
    let c = String(decoding: Array(a.utf8), as: UTF8.self)
    var d = a
    d.append("x")
    #expect(Document.sameStorage(a, b))
    #expect(Document.sameUTF8(a, c))
    #expect(!Document.sameStorage(a, d))
    #expect(!Document.sameUTF8(a, d))
    #expect(Document.sameStorage("short", "short"))
    #expect(!Document.sameStorage("short", "shorT"))
    let doc = Document(text: a + "\n" + c + "\n")
    var other = doc
    #expect(doc.hasSameText(as: other))
    other.fragments[1].text = String(decoding: Array(c.utf8), as: UTF8.self)
    #expect(doc.hasSameText(as: other))
    other.fragments[1].text = c.replacingOccurrences(of: "enough", with: "enougH")
    #expect(!doc.hasSameText(as: other))
  }

  /// The scan's sixteen-byte skip after a chunk the byte loop had to read: a piece that stops the
  /// skip at every offset, then a pair of spaces at every offset after it (so the pair straddles
  /// the chunk the byte loop read and the next one, at every alignment). The skip must find the
  /// pair: fails if a chunk is skipped without comparing its first byte with the byte before.
  @Test(arguments: [[:], ["trim": OptionValue.bool(false)], ["spaces": .bool(false)]] as [[String: OptionValue]])
  func skipAfterTheByteLoopFindsEveryPair(_ overrides: [String: OptionValue]) throws {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let fast = NormalizeUnicode(options: StageOptions.defaults(for: spec, overriding: overrides, baseDirectory: "."))
    var reference = fast
    reference.swarScan = false
    var differ = 0
    var runs = 0
    for piece in ["é", "&", "\u{1}", "\u{7F}", "हि", "😀", "\u{A0}"] {
      for a in 0..<34 {
        for b in (a + 1)..<(a + 40) {
          var line = Array(repeating: "x", count: 90)
          line[a] = piece
          line[b] = " "
          line[b + 1] = " "
          let text = line.joined()
          let x = fast.scan(text, first: false)
          let y = reference.scan(text, first: false)
          if x != y { differ += 1 }
          if y.contains(.spaces) || y.contains(.spaceRuns) { runs += 1 }
        }
      }
    }
    #expect(differ == 0)
    if overrides["spaces"] == nil { #expect(runs > 5000) }
  }

  /// `collapseSpaceRuns` (sixteen pairs at a time, no continuation count for text flagged ASCII)
  /// against the scalar editor's space step: a run of two or three spaces at every offset of a
  /// line with a non-ASCII character (or none) at every offset before it (no spaces at the ends:
  /// the two trim in different orders). Same text, same records (columns in scalars). Fails if the second half of the sixteen lanes
  /// is not looked at, or if a non-ASCII line skips its continuation count.
  @Test func collapseEqualsTheScalarEditor() throws {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let stage = NormalizeUnicode(options: StageOptions.defaults(for: spec, baseDirectory: "."))
    let seg = SentenceSegmenter(locale: "en@ss=standard", abbreviations: [])
    var differ = 0
    var checked = 0
    for piece in ["x", "é", "हि", "😀", "’"] {
      for a in stride(from: 0, to: 40, by: 3) {
        for b in 1..<60 {
          for run in [2, 3] {
            var chars = Array(repeating: "y", count: 70)
            chars[a] = piece
            for k in 0..<run where b + k < chars.count { chars[b + k] = " " }
            let text = chars.joined()
            var c1 = StageContext(stageID: "n", log: ChangeLog(), segmenter: seg)
            let fast = stage.collapseSpaceRuns(text, line: 1, &c1)
            var c2 = StageContext(stageID: "n", log: ChangeLog(), segmenter: seg)
            var editor = ScalarEditor(text, line: 1)
            editor.normalizeSpaces(trim: true, &c2)
            if fast != editor.string || c1.log.changes != c2.log.changes { differ += 1 }
            checked += 1
          }
        }
      }
    }
    #expect(differ == 0)
    #expect(checked > 5000)
  }
}
