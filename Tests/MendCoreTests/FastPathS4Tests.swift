import CICU
import Foundation
import Testing

@testable import MendCore

/// The session-4 fast paths of normalize-unicode (NFC quick check) and restore-order (its byte
/// passes) against their references; each test fails when its fast path is made too aggressive.
@Suite struct FastPathS4Tests {
  static func icuIsNFC(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b in b.withMemoryRebound(to: CChar.self) { mend_is_normalized($0.baseAddress, Int32($0.count), Int32(MEND_NFC)) == 1 } }
  }

  static func quickYes(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { mend_nfc_quick_yes($0.baseAddress, Int32($0.count)) == 1 }
  }

  /// Pieces that reach every answer of the quick check: ASCII, Latin letters precomposed and
  /// decomposed (MAYBE), marks of several classes in and out of canonical order, Devanagari with
  /// and without nukta (MAYBE), a QC=No letter (U+0958, Ohm U+2126), Hangul syllables and
  /// conjoining jamo (V/T are MAYBE), CJK, emoji and a QC=No character outside the BMP.
  static let nfcPieces: [String] = [
    "a", "Z", " ", "the ", "é", "e\u{301}", "\u{301}", "\u{316}", "\u{323}", "\u{302}", "\u{301}\u{316}", "\u{316}\u{301}",
    "o\u{323}\u{302}", "o\u{302}\u{323}", "\u{305}", "\u{305}\u{316}", "\u{316}\u{305}", "\u{305}\u{93C}", "ö", "ñ", "n\u{303}", "\u{0915}", "\u{0928}\u{093C}", "\u{093C}", "\u{0921}", "\u{0922}", "\u{0930}", "\u{0933}", "\u{092B}\u{093C}", "\u{09A1}\u{09BC}", "\u{09C7}\u{09BE}", "\u{0B47}\u{0B3E}", "\u{09BE}", "\u{0929}", "\u{0915}\u{094D}\u{0937}",
    "\u{093F}", "\u{094D}", "\u{093C}\u{094D}", "\u{094D}\u{093C}", "\u{0958}", "\u{2126}", "\u{D55C}", "\u{1100}\u{1161}",
    "\u{1161}", "\u{11A8}", "中文", "😀", "👩\u{200D}💻", "\u{1D15E}", "\u{1D165}", "’", "—", "\u{0627}\u{0653}", "\u{0622}",
    "\u{05B8}\u{05B7}", "\u{0E49}\u{0E38}", "\u{0F71}\u{0F72}", "Å", "A\u{30A}", "\u{212B}", "ﬁ", "\u{FB2C}",
  ]

  @Test func nfcQuickYesOnlyForNormalizedText() {
    var rng = SplitMix64(seed: 41)
    var yes = 0
    var normalized = 0
    for _ in 0..<20_000 {
      var s = ""
      for _ in 0..<Int.random(in: 1...6, using: &rng) { s += Self.nfcPieces.randomElement(using: &rng)! }
      let icu = Self.icuIsNFC(s)
      let quick = Self.quickYes(s)
      if quick { yes += 1 }
      if icu { normalized += 1 }
      // The quick check may say "ask ICU" for normalised text, never YES for text that is not.
      #expect(!quick || icu, "quick check YES for non-NFC \(s.unicodeScalars.map { String($0.value, radix: 16) })")
    }
    // It must answer YES for most normalised text, or it saves nothing.
    #expect(yes * 10 > normalized * 6, "\(yes) of \(normalized)")
    // Hindi needs no ICU, also with a nukta after a consonant it does not compose with
    // (फ़ U+095E is a composition exclusion); न + nukta composes (ऩ), and a decomposed é does.
    #expect(Self.quickYes("भारत की राजधानी नई दिल्ली है।"))
    #expect(Self.quickYes("फ़िल्म"))
    #expect(!Self.quickYes("\u{928}\u{93C}"))
    #expect(!Self.icuIsNFC("\u{928}\u{93C}"))
    #expect(!Self.quickYes("e\u{301}"))
    #expect(Self.quickYes("ए\u{93C}"))  // nukta after a vowel letter: no composite
    // Marks that compose with nothing (QC Yes): in canonical order YES, out of it not.
    #expect(Self.quickYes("x\u{316}\u{305}"))
    #expect(!Self.quickYes("x\u{305}\u{316}"))
    #expect(!Self.icuIsNFC("x\u{305}\u{316}"))
  }

  /// The stage gives the same text and records with the quick check as with ICU alone.
  @Test func normalizeUnicodeSameWithoutTheQuickCheck() throws {
    let spec = try #require(StageRegistry.spec(NormalizeUnicode.id))
    let options = StageOptions.defaults(for: spec, overriding: [:], baseDirectory: ".")
    let fast = NormalizeUnicode(options: options)
    var reference = fast
    reference.nfcQuickCheck = false
    let a = Pipeline(entries: [Pipeline.Entry(id: NormalizeUnicode.id, stage: fast)])
    let b = Pipeline(entries: [Pipeline.Entry(id: NormalizeUnicode.id, stage: reference)])
    var rng = SplitMix64(seed: 7)
    let extra = ["  ", "\u{A0}", "&amp;", "\u{200B}", "x\n", "Ã©"]
    var changed = 0
    for _ in 0..<3_000 {
      var s = ""
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        s += Int.random(in: 0..<10, using: &rng) == 0 ? extra.randomElement(using: &rng)! : Self.nfcPieces.randomElement(using: &rng)!
      }
      let (ta, ca) = a.clean(s)
      let (tb, cb) = b.clean(s)
      #expect(Array(ta.utf8) == Array(tb.utf8))
      #expect(ca == cb)
      if !ca.isEmpty { changed += 1 }
    }
    #expect(changed > 300)
  }

  /// Pieces of lines for restore-order's byte passes: lower-case words of every length (so words
  /// cross eight-byte chunks), capitalised words and runs, words with a capital or digit inside,
  /// apostrophes and hyphens inside words (ASCII and ’), acronyms in brackets, function words,
  /// sentence ends before capitals and quotes, slashes, dashes, non-ASCII letters.
  static let linePieces: [String] = [
    "a", "of", "the", "and", "reported", "abcdefg", "abcdefgh", "abcdefghi", "internationally", "said", "it",
    " ", " ", " ", " ", "  ", "Putin", "Vladimir Putin", "Xi Jinping", "The", "But", "He", "In addition,", "However,",
    "iPhone", "abcdefgH", "abcdefghXyz", "mid2020s", "don't", "dont'X", "ab-cd", "abcdefg-Hij", "x’s", "Putin’s", "Putin's",
    "leaders'", "(FSB)", "FSB", "NATO", "U.S.", "Dr.", "e.g.", ".", ". ", ". T", "! ", "? ", ". \"", "/", "and/or",
    "—", "–", "“", "”", "…", ",", ";", ":", "(", ")", "20240105", "café", "naïve", "Zürich", "\"", "'",
  ]

  static func randomLine(_ rng: inout SplitMix64) -> String {
    var s = ""
    for _ in 0..<Int.random(in: 1...24, using: &rng) {
      s += linePieces.randomElement(using: &rng)!
      if Int.random(in: 0..<3, using: &rng) > 0 { s += " " }
    }
    if Bool.random(using: &rng) { s += "." }
    return s
  }

  @Test func scanLineSameAsEveryByte() {
    var rng = SplitMix64(seed: 11)
    var multi = 0
    var plain = 0
    for _ in 0..<20_000 {
      let line = Self.randomLine(&rng)
      let fast = RestoreOrder.scanLine(line)
      let reference = RestoreOrder.scanLine(line, swar: false)
      #expect(fast == reference, "\(line)")
      if reference.0 { multi += 1 }
      if reference.1 { plain += 1 }
    }
    #expect(multi > 2_000 && plain > 2_000, "\(multi) \(plain)")
  }

  @Test func scanCapsLaneSameAsEveryByte() {
    let model = RestoreOrderTests.stage.model
    var reference = model
    reference.quickFastLane = false
    var rng = SplitMix64(seed: 13)
    var caps = 0
    var opens = 0
    for _ in 0..<20_000 {
      var line = Self.randomLine(&rng)
      var a: [OrderModel.QuickCap] = []
      var b: [OrderModel.QuickCap] = []
      var oa = 0
      var ob = 0
      let check = Bool.random(using: &rng)
      let (ra, rb) = line.withUTF8 { buf in
        (
          model.scanCaps(buf, line: 3, checkOpening: check, caps: &a, opening: &oa),
          reference.scanCaps(buf, line: 3, checkOpening: check, caps: &b, opening: &ob)
        )
      }
      #expect(ra == rb && oa == ob, "\(line)")
      #expect(a.count == b.count, "\(line)")
      for (x, y) in zip(a, b) {
        #expect(
          x.key == y.key && x.stem == y.stem && x.line == y.line && x.first == y.first && x.inRun == y.inRun
            && x.allCaps == y.allCaps && x.inParens == y.inParens, "\(line)")
      }
      caps += b.count
      if rb { opens += 1 }
    }
    #expect(caps > 20_000 && opens > 500, "\(caps) \(opens)")
  }
}
