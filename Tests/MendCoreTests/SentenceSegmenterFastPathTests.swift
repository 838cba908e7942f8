import Foundation
import Testing

@testable import MendCore

/// The byte-level sentence rules (`SentenceRules`) must give exactly ICU's boundaries
/// (`en@ss=standard`, before mend's own abbreviation list): on every paragraph of the evaluation
/// corpus, on hand-written edge cases, and on random text built from characters of every
/// Sentence_Break class. Set MEND_SEGMENT_DIFF_FILE to a text file to compare every line of it too.
@Suite struct SentenceSegmenterFastPathTests {
  static let locale = "en@ss=standard"

  final class Comparison {
    let fast = SentenceSegmenter(locale: SentenceSegmenterFastPathTests.locale)
    let icu = SentenceSegmenter(locale: SentenceSegmenterFastPathTests.locale, engine: .icu)
    var texts = 0
    var fastTexts = 0
    var mismatches: [String] = []

    func check(_ text: String) {
      var t = text
      t.withUTF8 { buf in
        let (a, isFast) = fast.boundaries(inUTF8: buf)
        let (b, _) = icu.boundaries(inUTF8: buf)
        texts += 1
        if isFast { fastTexts += 1 }
        if a != b && mismatches.count < 20 {
          mismatches.append("\(text.debugDescription): fast \(a), ICU \(b)")
        }
      }
    }
  }

  static func paragraphs(ofJSONLines path: String) throws -> [String] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var out: [String] = []
    for line in text.split(separator: "\n") {
      let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      out += obj?["paragraphs"] as? [String] ?? []
    }
    return out
  }

  @Test func equalsICUOnTheEvaluationCorpus() throws {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    try #require(FileManager.default.fileExists(atPath: path), "the evaluation corpus is missing at \(path)")
    let paras = try Self.paragraphs(ofJSONLines: path)
    // Each line, as mend sees the text (a few paragraphs hold a line break: those go whole to
    // the comparison too, where ICU decides).
    let c = Comparison()
    for p in paras {
      for line in p.split(separator: "\n", omittingEmptySubsequences: true) { c.check(String(line)) }
      if p.contains("\n") { c.check(p) }
    }
    print(
      "fast path vs ICU on \(c.texts) lines of wikinews paragraphs (\(c.fastTexts) by the fast path): \(c.mismatches.count) mismatches"
    )
    #expect(c.texts > 4000)
    #expect(c.texts - c.fastTexts == paras.filter { $0.contains("\n") }.count)
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  @Test func equalsICUOnAFileGivenInTheEnvironment() throws {
    guard let path = ProcessInfo.processInfo.environment["MEND_SEGMENT_DIFF_FILE"] else { return }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let c = Comparison()
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) { c.check(String(line)) }
    print(
      "fast path vs ICU on \(c.texts) lines of \(path) (\(c.fastTexts) by the fast path): \(c.mismatches.count) mismatches"
    )
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  static let edgeCases: [String] = [
    "One. Two.", "One.  Two.", "One.\tTwo.", "One. two.", "One.two.", "One.Two.", "U.S. Army troops.",
    "The U.S. is big.", "He met Dr. Smith. Then left.", "Mr. Brown and Mrs. Green.", "Mr.  Brown.",
    "Lt. Smith arrived.", "Lt.Cdr. Jones.", "He has a Ph.D. in physics.", "Ph.D. Students.", "Ph. D. here.",
    "It cost 3.5 dollars.", "Version 1.2.3 is out.", "See p. 5 for more.", "He said \"Stop.\" Then ran.",
    "He said \"Stop.\"  Then ran.", "(Really.) Yes.", "Really?! Yes.", "Wait... what?", "Wait…what? No.",
    "What?No.", "Hello!!! World.", "Go (now). Stop.", "Go [now.] Stop.", "'Quoted.' Next.",
    "“Curly.” Next.", "‘Single.’ Next.", "End. «Guillemets.» Next.", "a.m. and p.m. times.",
    "At 5 p.m. He left.", "At 5 P.M. He left.", "etc. And more.", "etc., and more.", "e.g. this; i.e. that.",
    "E.g. This.", "I.e. That.", "vs. them.", "Vs. Them.", "VS. Them.", "ABS. Next.", "GAS. Next.",
    "U. Next.", "U.S.A. Next.", "U.S.C. Next.", "A.M. Next.", "S. Next.", "r. Next.", "Mr.", "Mr. ",
    ". Leading dot.", " . Space dot.", "...", ". . .", "?", "!", ".", "a.", "A.", "a. b", "A. B",
    "No. 5 is here.", "No. Five.", "Jan. 5, 2020.", "Sept. 11 attacks.", "St. Louis.", "Co. Ltd. Inc.",
    "End.\u{00A0}Next.", "End.\u{2003}Next.", "End.\u{200B}Next.", "End.\u{00AD} Next.", "End.\u{0301} Next.",
    "End\u{0301}. Next.", "\u{0301}. Next.", "\u{0301}\u{0301}A. B.", "x\u{0301}.Y", "End.\u{2024} Next.",
    "End\u{2024} Next.", "End\u{FF0E} Next.", "End\u{FE52} Next.", "हिन्दी वाक्य। दूसरा वाक्य।",
    "日本語。次の文。", "Ελληνικά; Next.", "Привет. Мир.", "Привет. мир.", "end. ß lower.", "end. ǅ title.",
    "end. ª ord.", "End. 5 apples.", "End. 5 Apples.", "End. (the rest)", "End. (The rest)", "End. - the rest",
    "End.- the rest", "End., the rest", "End.: the rest", "End.; the rest", "End.; The rest",
    "End. \"the rest\"", "End. 'the rest'", "End. — the rest.", "End.— The rest.", "Tab.\t\tNext.",
    "Q. What? A. Nothing.", "1. First. 2. Second.", "Mar. 3. Apr. 4.", "Dec. Jan.", "👍🏽. Next. 👍🏽",
    "Emoji 😀. Next.", "\u{E0001}. Next.", "x.\u{FEFF}Y", "End.\u{2060} Next.", "Gen. Lee. Gen. Grant.",
    "In. On. To. Do. Go.", "Hon.B.A. degree.", "S.p.A. company.", "L.P. firm.", "Comm. Next.",
  ]

  @Test func equalsICUOnEdgeCases() {
    let c = Comparison()
    for t in Self.edgeCases { c.check(t) }
    #expect(c.fastTexts == c.texts)
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  /// Random strings of pieces chosen to meet every rule: terminators, closers, spaces, letters of
  /// each case, digits, continuations, marks and formats, abbreviations from ICU's list and ours.
  static let pieces: [String] = [
    ".", ".", ".", "?", "!", "…", "।", "。", "\u{2024}", "\u{FF0E}", "\"", "'", "(", ")", "[", "]", "{", "}",
    "“", "”", "‘", "’", "«", "»", " ", " ", " ", "  ", "\t", "\u{00A0}", "\u{2003}", "a", "the", "x",
    "The", "A", "ABS", "S", "U", "5", "3.5", "42", ",", "-", ":", ";", "—", "–", "/", "*", "\u{0301}",
    "\u{00AD}", "\u{200D}", "\u{200B}", "\u{FEFF}", "ß", "ǅ", "ª", "Ω", "ω", "я", "Я", "क", "ा", "日", "😀",
    "\u{E0001}", "U.S.", "U.S.A.", "Dr.", "Mr.", "Mrs.", "Lt.", "Lt.Cdr.", "Ph.D.", "e.g.", "i.e.",
    "etc.", "vs.", "No.", "a.m.", "p.m.", "A.M.", "Hon.B.A.", "S.p.A.", "Jan.", "St.", "In.", "Is.",
  ]

  @Test func equalsICUOnRandomText() {
    var rng = SplitMix64(seed: 29)
    let c = Comparison()
    for _ in 0..<60_000 {
      let k = Int(rng.next() % 12) + 1
      var s = ""
      for _ in 0..<k { s += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
      c.check(s)
    }
    print("fast path vs ICU on \(c.texts) random texts: \(c.mismatches.count) mismatches")
    #expect(c.fastTexts == c.texts)
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  /// Long random texts: the pieces above between runs of plain ASCII words and of non-ASCII
  /// letters (Devanagari with its vowel signs, Cyrillic) of random length, so that every
  /// terminator, closer, mark and paragraph separator falls at every offset of the scan's 16- and
  /// 8-byte lanes and inside runs of non-ASCII code points. (The short texts above rarely reach a
  /// lane; leaving `?` or `.` out of the 16-byte test makes this one fail.)
  @Test func equalsICUOnLongRandomText() {
    var rng = SplitMix64(seed: 5)
    let plain = Array("abcdefghij klmnopqrstuvwxyz ABC, DEF; 0123 - ").map { String($0) }
    let other = ["क", "ा", "ि", "्", "ह", "ो", "ं", "я", "Я", "ж", "é", "\u{0301}"]
    let c = Comparison()
    for _ in 0..<20_000 {
      var s = ""
      let k = Int(rng.next() % 6) + 1
      for _ in 0..<k {
        let run = Int(rng.next() % 40)
        let pool = rng.next() % 4 == 0 ? other : plain
        for _ in 0..<run { s += pool[Int(rng.next() % UInt64(pool.count))] }
        s += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))]
        if rng.next() % 3 == 0 { s += " " }
      }
      c.check(s)
    }
    print("fast path vs ICU on \(c.texts) long random texts: \(c.mismatches.count) mismatches")
    #expect(c.fastTexts == c.texts)
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  /// Runs of letters of scripts written in two- and three-byte UTF-8 (Devanagari, Bengali, Thai,
  /// CJK, Cyrillic, Greek, Arabic, Hebrew) with those scripts' own terminators (danda, the
  /// Arabic question mark and full stop, the Armenian full stop, the Greek question mark, the
  /// ideographic full stop, fullwidth `!` and `?`, the Ethiopic full stop) and separators (NEL,
  /// U+2029) between them: the scan steps over such letters by a bit of their block's mask
  /// (session 17), which must stop at exactly the code points ICU stops at.
  @Test func equalsICUOnNonLatinScriptsWithTheirTerminators() {
    var rng = SplitMix64(seed: 1717)
    let letters = [
      "क", "ख", "ा", "ि", "्", "ं", "ऋ", "ॐ", "০", "ক", "ব", "া", "ก", "ข", "ั", "่", "中", "文", "字", "あ", "カ",
      "я", "Ж", "ё", "α", "Ω", "ά", "ب", "ع", "ً", "א", "ש", "ּ", "한", "글", "ሀ",
    ]
    let marks = [
      "\u{0964}", "\u{0965}", "\u{061F}", "\u{06D4}", "\u{0589}", "\u{037E}", "\u{3002}", "\u{FF01}", "\u{FF1F}",
      "\u{1362}", "\u{0085}", "\u{2029}", ".", "?", " ", " ", "\u{3001}", "\u{00BB}", "\u{300D}",
    ]
    let c = Comparison()
    for _ in 0..<20_000 {
      var s = ""
      for _ in 0..<(Int(rng.next() % 6) + 1) {
        for _ in 0..<Int(rng.next() % 30) { s += letters[Int(rng.next() % UInt64(letters.count))] }
        s += marks[Int(rng.next() % UInt64(marks.count))]
        if rng.next() % 2 == 0 { s += " " }
        if rng.next() % 4 == 0 { s += ["A", "b", "1", "\"", "("][Int(rng.next() % 5)] }
      }
      c.check(s)
    }
    print("fast path vs ICU on \(c.texts) texts in non-Latin scripts (\(c.fastTexts) by the fast path): \(c.mismatches.count) mismatches")
    #expect(c.fastTexts > c.texts / 2)
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  /// Random code points from the whole range, mixed with the rules' key ASCII characters.
  @Test func equalsICUOnRandomCodePoints() {
    var rng = SplitMix64(seed: 2029)
    let ascii = Array(". .?!\"')( aA5,-:;\t").map { String($0) }
    let c = Comparison()
    for _ in 0..<40_000 {
      let k = Int(rng.next() % 10) + 1
      var s = ""
      for _ in 0..<k {
        if rng.next() % 2 == 0 {
          s += ascii[Int(rng.next() % UInt64(ascii.count))]
        } else {
          let range: UInt64 = rng.next() % 4 == 0 ? 0x3_0000 : 0x3000
          var cp = UInt32(rng.next() % range)
          if (0xD800...0xDFFF).contains(cp) { cp = 0x2E }
          if let u = Unicode.Scalar(cp) { s.unicodeScalars.append(u) }
        }
      }
      c.check(s)
    }
    print(
      "fast path vs ICU on \(c.texts) random code-point texts (\(c.fastTexts) by the fast path): \(c.mismatches.count) mismatches"
    )
    #expect(c.fastTexts > c.texts / 2)
    #expect(c.mismatches.isEmpty, "\(c.mismatches.joined(separator: "\n"))")
  }

  @Test func paragraphSeparatorsAreLeftToICU() {
    let seg = SentenceSegmenter(locale: Self.locale)
    for t in ["One.\rTwo.", "One.\nTwo.", "One.\u{2029}Two.", "One.\u{85}Two.", "a\u{2028}b"] {
      var s = t
      let fast = s.withUTF8 { seg.boundaries(inUTF8: $0).fast }
      #expect(!fast, "\(t.debugDescription)")
    }
  }

  @Test func otherLocalesUseICU() {
    var s = "One. Two."
    for loc in ["de@ss=standard", "el", "fr"] {
      let seg = SentenceSegmenter(locale: loc)
      let fast = s.withUTF8 { seg.boundaries(inUTF8: $0).fast }
      #expect(!fast, "\(loc)")
    }
    for loc in ["en", "en@ss=standard"] {
      let seg = SentenceSegmenter(locale: loc)
      let fast = s.withUTF8 { seg.boundaries(inUTF8: $0).fast }
      #expect(fast, "\(loc)")
    }
  }

  /// The public API gives the same sentences either way (the abbreviation list applied on top).
  @Test func sentencesAgreeWithTheDefaultAbbreviations() throws {
    let abbreviations = Repo.rules.abbreviations
    let fast = SentenceSegmenter(locale: Self.locale, abbreviations: abbreviations)
    let icu = SentenceSegmenter(locale: Self.locale, abbreviations: abbreviations, engine: .icu)
    for t in Self.edgeCases {
      #expect(fast.sentenceStrings(in: t) == icu.sentenceStrings(in: t), "\(t.debugDescription)")
    }
    #expect(
      fast.sentenceStrings(in: "He met Gen. Lee in the U.S. Army. Then left.") == [
        "He met Gen. Lee in the U.S. Army.", "Then left.",
      ])
  }
}
