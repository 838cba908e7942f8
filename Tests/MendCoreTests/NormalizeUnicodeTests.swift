import Foundation
@testable import MendCore
import Testing

@Suite struct NormalizeUnicodeTests {
  func stage(_ overrides: [String: OptionValue] = [:]) throws -> Pipeline {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    var values: [String: OptionValue] = [:]
    for o in spec.options { values[o.name] = o.defaultValue }
    for (k, v) in overrides { values[k] = v }
    let s = try spec.make(StageOptions(values: values, baseDirectory: "."))
    return Pipeline(entries: [Pipeline.Entry(id: spec.id, stage: s)])
  }

  @Test(arguments: [
    ("Moscowâ€™s", "Moscow’s"),
    ("â€œQuotedâ€\u{9D}", "“Quoted”"),  // Latin-1 reading of the closing quote's 0x9D byte
    ("cafÃ©", "café"),
    ("Ã¼ber", "über"),
    ("â€”", "—"),
    ("Ã¢â‚¬â„¢", "’"),  // mojibake of mojibake
    ("priceÂ£5", "price£5"),
    ("naÃ¯ve rÃ©sumÃ©", "naïve résumé"),
    ("StraÃŸe", "Straße"),
    ("ÐœÐ¾Ñ\u{81}ÐºÐ²Ð°", "Москва"),
    ("æ—¥æœ¬", "日本"),
  ])
  func repairsMojibake(_ input: String, _ expected: String) throws {
    let (out, changes) = try stage().clean(input)
    #expect(out == expected)
    #expect(changes.contains { $0.rule == "mojibake" })
  }

  @Test(arguments: [
    "Москва", "café", "Straße", "東京", "naïve", "Ærø", "São Paulo", "Ångström", "Zürich", "Øresund",
    "Ñandú", "Ça va", "ÃÂ", "Â alone", "résumé — “quoted” ‘single’ … €5 £3 ¥2", "👩‍👩‍👧 👍🏽 ❤️", "Ελληνικά",
    "עברית", "العربية", "हिन्दी", "한국어", "TOMÉ®", "Ô™",
  ])
  func leavesCorrectTextAlone(_ text: String) throws {
    let (out, changes) = try stage().clean(text)
    #expect(out == text, "changed by \(changes.map(\.rule))")
    #expect(changes.isEmpty)
  }

  @Test func entities() throws {
    let (out, _) = try stage().clean("a &amp; b &lt;i&gt; &#8217; &#x2019; &#146; &rsquo; &eacute; &bogus; &amp")
    #expect(out == "a & b <i> ’ ’ ’ ’ é &bogus; &amp")
  }

  @Test func nfcAndNFKC() throws {
    #expect(try stage().clean("e\u{301}").text == "é")
    #expect(try stage().clean("ﬁ ２").text == "ﬁ ２")  // NFC keeps compatibility characters
    #expect(try stage(["form": .string("nfkc")]).clean("ﬁ ２").text == "fi 2")
    #expect(try stage(["form": .string("none")]).clean("e\u{301}").text == "e\u{301}")
  }

  @Test func controlsAndZeroWidth() throws {
    let (out, changes) = try stage().clean("a\u{0}b\u{1B}c\u{85}d\u{200B}e\u{FEFF}f\u{AD}g\u{200D}h\tend")
    // NEL is a line break: a space since session 20 (WhitespaceControlsS20Tests).
    #expect(out == "abc defgh\tend")
    #expect(changes.count == 7)
    // ZWJ inside an emoji sequence stays.
    #expect(try stage().clean("👨\u{200D}💻").text == "👨\u{200D}💻")
  }

  /// A ZWJ or ZWNJ between two letters or marks of a script that shapes letters by their
  /// neighbours is part of the word's spelling (found on a Wikinews interview: `अन्‍न` lost its
  /// joiner); next to a space or inside an ASCII word it is debris.
  @Test func joinersInsideNonLatinWordsStay() throws {
    for kept in ["अन्\u{200D}न", "त्\u{200D}योद", "می\u{200C}خواهم", "ක්\u{200D}ෂ", "क\u{200C}ष"] {
      let (out, changes) = try stage().clean(kept)
      #expect(out == kept)
      #expect(changes.isEmpty)
    }
    for (damaged, clean) in [
      ("Hindi: \u{200D}नही", "Hindi: नही"), ("Wikinews\u{200D}'s", "Wikinews's"), ("Auf\u{200C}lage", "Auflage"),
      ("नही\u{200C} हाँ", "नही हाँ"), ("\u{200C}می", "می"), ("न्\u{200D}", "न्"),
    ] {
      let (out, changes) = try stage().clean(damaged)
      #expect(out == clean)
      #expect(changes.count == 1)
      #expect(changes.first?.reason.contains("script that uses it") == true)
    }
  }

  @Test func spaces() throws {
    #expect(try stage().clean("  a\u{A0}\u{A0}b\u{2009}c\u{3000}d   e \t").text == "a b c d e")
    #expect(try stage(["spaces": .bool(false), "trim": .bool(false)]).clean(" a  b ").text == " a  b ")
  }

  @Test func quoteAndDashStyle() throws {
    let p = try stage(["quotes": .string("ascii"), "dashes": .string("ascii")])
    #expect(p.clean("“It’s” – ‘ok’ — yes").text == "\"It's\" - 'ok' - yes")
    #expect(try stage().clean("“It’s” – ok").text == "“It’s” – ok")
  }

  @Test func lineEnds() throws {
    #expect(try stage().clean("a\r\nb\rc\n").text == "a\nb\nc\n")
  }

  @Test func columnsAreReportedInScalars() throws {
    let (_, changes) = try stage().clean("é  x &amp; y")
    #expect(changes.map(\.column) == [2, 5].sorted() || changes.count == 2)
    let ent = try #require(changes.first { $0.rule == "html-entity" })
    #expect(ent.column == 6)
    #expect(ent.line == 1)
  }
}

/// The byte paths of normalize-unicode (space runs; odd spaces, runs and ends) must give the same
/// text and the same change records as the scalar editor they stand in for.
@Suite struct NormalizeUnicodeBytePathTests {
  static let pieces = [
    "word", "The", "a", " ", "  ", "   ", "\u{A0}", "\u{A0}\u{A0}", " \u{A0}", "\u{2009}", "\u{202F}", "\u{3000}",
    "\u{205F}", "\u{1680}", "\t", "’", "é", "e\u{301}", "Ã©", "â€™", "&amp;", "\r", "\u{200B}", "\u{AD}", "café",
    "東京", "😀", "\u{2014}", "Â ", "\u{1}", "\u{FEFF}", "\u{301}", " .", "Ωμέγα", "x\u{A0}y",
    "\u{200D}", "👩\u{200D}💻", "क\u{200D}ष", "\u{200C}", "\u{85}", "\u{7F}", "\u{180E}", "हिन्दी", "ক্ষ",
    "न्\u{200D}न", "می\u{200C}خواهم", "\u{200C}\u{200D}", "ा", "ی",
  ]

  /// The stage with its fast scans, and the same stage scanning every byte (`swarScan` off).
  func scanners(_ overrides: [String: OptionValue]) throws -> (fast: NormalizeUnicode, reference: NormalizeUnicode) {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let fast = NormalizeUnicode(options: StageOptions.defaults(for: spec, overriding: overrides, baseDirectory: "."))
    var reference = fast
    reference.swarScan = false
    return (fast, reference)
  }

  func pipelines(_ overrides: [String: OptionValue]) throws -> (fast: Pipeline, reference: Pipeline) {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let options = StageOptions.defaults(for: spec, overriding: overrides, baseDirectory: ".")
    let fast = NormalizeUnicode(options: options)
    var reference = fast
    reference.bytePaths = false
    return (Pipeline(entries: [.init(id: spec.id, stage: fast)]), Pipeline(entries: [.init(id: spec.id, stage: reference)]))
  }

  @Test(arguments: [
    [:], ["trim": OptionValue.bool(false)], ["form": .string("none")], ["form": .string("nfkc")],
    ["controls": .bool(false), "mojibake": .bool(false)],
  ] as [[String: OptionValue]])
  func sameTextAndRecordsAsTheScalarEditor(_ overrides: [String: OptionValue]) throws {
    let (fast, reference) = try pipelines(overrides)
    var rng = TestRandom(state: 11)
    var lines: [String] = []
    for _ in 0..<3000 {
      let n = Int.random(in: 0..<12, using: &rng)
      lines.append((0..<n).map { _ in Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)] }.joined())
    }
    let text = lines.joined(separator: "\n") + "\n"
    let a = fast.clean(text)
    let b = reference.clean(text)
    #expect(a.text == b.text)
    #expect(a.changes.count == b.changes.count)
    for (x, y) in zip(a.changes, b.changes) where x != y {
      Issue.record("line \(x.line): \(x) != \(y)")
      break
    }
  }

  /// The scan's eight- and sixteen-byte skips find the same needs as looking at every byte, on
  /// lines of long plain runs with the pieces inside (at every offset, so every piece meets both
  /// word boundaries), for each option set.
  @Test(arguments: [
    [:], ["trim": OptionValue.bool(false)], ["spaces": .bool(false)], ["entities": .bool(false), "controls": .bool(false)],
  ] as [[String: OptionValue]])
  func scanSkipsFindWhatEveryByteFinds(_ overrides: [String: OptionValue]) throws {
    let (fast, reference) = try scanners(overrides)
    var rng = TestRandom(state: 5)
    let plain = ["abcdefghijklmnop", "word word word x", "Lorem ipsum dolo", "0123456789.,;:!?", "a b c d e f g h "]
    var differ = 0
    var seen = Set<UInt16>()
    for _ in 0..<4000 {
      var line = ""
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        let p = plain[Int.random(in: 0..<plain.count, using: &rng)]
        line += String(p.prefix(Int.random(in: 0...p.count, using: &rng)))
        if Bool.random(using: &rng) { line += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)] }
      }
      let a = fast.scan(line, first: true)
      let b = reference.scan(line, first: true)
      if a != b { differ += 1 }
      seen.insert(b.rawValue)
    }
    #expect(differ == 0)
    // The lines reach many different needs (a skip that swallowed a kind of byte would show).
    #expect(seen.count > 10)
  }

  /// `scanBlocks` (64 bytes a step, vector compares): one piece at every offset of a long plain
  /// line (so each piece meets the block and vector edges at every alignment), and a pair of
  /// spaces at every offset of a longer line (across the block edge too), under each option set;
  /// the blocks must find what the byte loop finds. Fails when the blocks forget a kind of byte
  /// (checked: without the '&' compare, or without the carry of a space across blocks), and at
  /// every line length from 1 to 150 (the last vector of a line overlaps bytes already seen).
  @Test(arguments: [
    [:], ["spaces": OptionValue.bool(false)], ["entities": .bool(false), "controls": .bool(false)],
  ] as [[String: OptionValue]])
  func wideScanLaneFindsWhatEveryByteFinds(_ overrides: [String: OptionValue]) throws {
    let (fast, reference) = try scanners(overrides)
    let plain = Array("The quick brown fox jumps over the lazy dog, again and again: 0123456789 (ok).")
    var differ = 0
    var checked = 0
    for piece in Self.pieces + ["&", "\u{7F}", "~", "\u{1F}", "  ", " x "] {
      for at in 0...plain.count {
        var line = plain
        line.insert(contentsOf: Array(piece), at: at)
        let text = String(line)
        if fast.scan(text, first: true) != reference.scan(text, first: true) { differ += 1 }
        checked += 1
      }
    }
    // Single spaces that become a pair only across a chunk edge.
    for at in 1..<119 {
      var line = Array(String(repeating: "ab", count: 60))
      line[at] = " "
      line[at + 1] = " "
      let text = String(line)
      if fast.scan(text, first: true) != reference.scan(text, first: true) { differ += 1 }
      checked += 1
    }
    // Every length, the piece last (the overlapping last vector of the line).
    for piece in ["&", "\u{7F}", "\u{1}", "é", "  ", "\u{A0}"] {
      for length in 1...150 {
        let text = String(String(repeating: "abc d", count: 40).prefix(length)) + piece
        if fast.scan(text, first: true) != reference.scan(text, first: true) { differ += 1 }
        checked += 1
      }
    }
    #expect(differ == 0)
    #expect(checked > 3000)
  }

  /// The space-run path keeps its records: trim first, then each run at its column in the
  /// trimmed text, counted in scalars.
  @Test func spaceRunRecords() throws {
    let (fast, _) = try pipelines([:])
    let (text, changes) = fast.clean("  é  x   y    z\tw  end  ")
    #expect(text == "é x y z\tw end")
    #expect(changes.map(\.rule) == ["trim", "trim", "space-run", "space-run", "space-run", "space-run"])
    #expect(changes.map(\.column) == [23, 1, 2, 4, 6, 10])
    #expect(changes.map(\.before) == ["  ", "  ", "  ", "   ", "    ", "  "])
    #expect(changes[4].reason == "a run of 4 spaces")
    let long = String(repeating: " ", count: 70)
    let (t2, c2) = fast.clean("a" + long + "b")
    #expect(t2 == "a b")
    #expect(c2.first?.reason == "a run of 70 spaces")
    #expect(c2.first?.before == long)
  }
}

@Suite struct SentenceSegmenterTests {
  func split(_ s: String) -> [String] {
    let seg = Repo.pipeline.makeSegmenter()
    let bytes = Array(s.utf8)
    return seg.sentences(in: s).map {
      String(decoding: bytes[$0], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
  }

  @Test func abbreviationsDoNotEndSentences() {
    #expect(split("Dr. Smith met Gen. Mattis in the U.S. on Monday. He left.") == [
      "Dr. Smith met Gen. Mattis in the U.S. on Monday.", "He left.",
    ])
    #expect(split("It costs $5.50 at St. Mary's Inc. in Jan. 2020.") == ["It costs $5.50 at St. Mary's Inc. in Jan. 2020."])
  }

  @Test func ordinarySentences() {
    #expect(split("One. Two? Three! \"Four.\" Five") == ["One.", "Two?", "Three!", "\"Four.\"", "Five"])
    #expect(split("") == [])
    #expect(split("no terminal punctuation") == ["no terminal punctuation"])
  }

  @Test func rangesCoverTheTextWhole() {
    let s = "Москва. 東京です。 Emoji 👍🏽. End"
    let r = Repo.pipeline.makeSegmenter().sentences(in: s)
    #expect(r.first?.lowerBound == 0)
    #expect(r.last?.upperBound == s.utf8.count)
    for (a, b) in zip(r, r.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
  }
}
