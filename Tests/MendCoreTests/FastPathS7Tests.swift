import Foundation
@testable import MendCore
import Testing

/// Session 7: `TextFacts` (what the corpus decoder learns about each line's bytes) and
/// normalize-unicode's scan that trusts them.
@Suite struct FastPathS7Tests {
  static let pieces = [
    "a", "word", " ", "  ", "&", "&amp;", "\t", "\r", "\u{1}", "\u{7F}", "é", "हिन्दी", "😀", "\u{A0}", "’", "—",
    "â€™", "Ã©", "\u{200B}", "\u{FEFF}", "x y", ".", "\u{301}", "Ωμέγα",
  ]

  static func randomText(_ rng: inout SplitMix64, maxPieces: Int = 30) -> String {
    let n = Int(rng.next() % UInt64(maxPieces + 1))
    return (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
  }

  /// `TextFacts.of` is exact: each bit is set if and only if the text has such a byte, at every
  /// length (the sixteen-byte steps and the byte tail) and every position of a pair.
  @Test func factsAreExact() {
    var rng = SplitMix64(seed: 7)
    func reference(_ b: [UInt8]) -> TextFacts {
      var f: TextFacts = .known
      if b.contains(where: { $0 < 0x20 || $0 == 0x7F }) { f.insert(.control) }
      if b.contains(0x26) { f.insert(.ampersand) }
      if b.indices.dropLast().contains(where: { b[$0] == 0x20 && b[$0 + 1] == 0x20 }) { f.insert(.spacePair) }
      return f
    }
    for _ in 0..<4000 {
      let text = Self.randomText(&rng)
      #expect(TextFacts.of(text) == reference(Array(text.utf8)))
    }
    // One pair, one control, one '&' at every position of lines of every length up to 70.
    for n in 2..<70 {
      for at in 0..<(n - 1) {
        for (piece, bit) in [([0x20, 0x20], TextFacts.spacePair), ([0x09, 0x61], .control), ([0x26, 0x61], .ampersand)] as [([UInt8], TextFacts)] {
          var b = [UInt8](repeating: 0x71, count: n)
          b[at] = piece[0]
          b[at + 1] = piece[1]
          let f = b.withUnsafeBufferPointer { TextFacts.of($0) }
          #expect(f == [.known, bit])
        }
      }
    }
  }

  /// The scan given a line's facts finds exactly what the byte loop finds without them, for
  /// random lines (ASCII or not, with and without space pairs, controls, '&', DEL, BOM,
  /// mojibake, odd spaces) and several option sets. Fails if the facts shortcut ignores one of
  /// the facts (e.g. trusts a line with '&' or a control, or drops the pair), or if the
  /// non-ASCII-only visit misses a character.
  @Test(arguments: [[:], ["trim": OptionValue.bool(false)], ["spaces": .bool(false)], ["entities": .bool(false), "controls": .bool(false)], ["form": .string("nfkc")], ["quotes": .string("ascii"), "dashes": .string("ascii")]] as [[String: OptionValue]])
  func scanWithFactsEqualsTheByteLoop(_ overrides: [String: OptionValue]) throws {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let stage = NormalizeUnicode(options: StageOptions.defaults(for: spec, overriding: overrides, baseDirectory: "."))
    var reference = stage
    reference.swarScan = false
    var rng = SplitMix64(seed: 11)
    var differ = 0
    var trusted = 0
    for k in 0..<6000 {
      var text = Self.randomText(&rng)
      // Half of the lines plain ASCII words (the common case the facts are for).
      if k % 2 == 0 { text = text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "&" }.map(String.init).joined() }
      let facts = TextFacts.of(text)
      for first in [false, true] {
        if stage.scan(text, first: first, facts: facts) != reference.scan(text, first: first) { differ += 1 }
      }
      if facts.isDisjoint(with: [.control, .ampersand]) { trusted += 1 }
    }
    #expect(differ == 0)
    #expect(trusted > 3000)
  }

  /// A fragment forgets its facts as soon as its text changes, however it is changed, so a stage
  /// that runs after another one never trusts facts about a text that is gone. Fails if the
  /// `didSet` that empties them is removed: the edited lines below would be skipped as "plain".
  @Test func anEditedLineIsNotTrusted() throws {
    let plain = "plain words with single spaces only"
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let stage = NormalizeUnicode(options: StageOptions.defaults(for: spec, baseDirectory: "."))
    var doc = Document(
      fragments: (1...4).map { Fragment(text: plain, line: $0, facts: TextFacts.of(plain)) }, endsWithNewline: false)
    #expect(doc.fragments.allSatisfy { $0.facts == .known })
    // Four ways a stage edits a line: assignment, an in-place mutation, a mutation through a
    // copy put back, and a new fragment copied from an old one.
    doc.fragments[0].text = "two  spaces &amp; more"
    doc.fragments[1].text.append("  and\u{1} a control")
    var f = doc.fragments[2]
    f.text = "  leading and trailing  "
    doc.fragments[2] = f
    var g = doc.fragments[3]
    g.text.replaceSubrange(g.text.startIndex..<g.text.index(after: g.text.startIndex), with: "&lt;")
    doc.fragments[3] = g
    #expect(doc.fragments.allSatisfy { $0.facts.isEmpty })
    var ctx = StageContext(stageID: "normalize-unicode", log: ChangeLog(), segmenter: SentenceSegmenter(locale: "en@ss=standard", abbreviations: []))
    stage.run(&doc, &ctx)
    #expect(doc.fragments.map(\.text) == [
      "two spaces & more", plain + " and a control", "leading and trailing", "<lain words with single spaces only",
    ])
    // An unchanged copy keeps them (same text), and equality ignores them.
    let h = Fragment(text: plain, line: 1, facts: TextFacts.of(plain))
    let i = h
    #expect(i.facts == .known)
    #expect(h == Fragment(text: plain, line: 1))
  }

  /// A whole document with facts (as the corpus decoder makes it) and the same document without
  /// them give the same text and the same records.
  @Test func documentsWithAndWithoutFactsGiveTheSameRepairs() throws {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let stage = NormalizeUnicode(options: StageOptions.defaults(for: spec, baseDirectory: "."))
    let seg = SentenceSegmenter(locale: "en@ss=standard", abbreviations: [])
    var rng = SplitMix64(seed: 5)
    var differ = 0
    for _ in 0..<600 {
      let lines = (0..<Int(rng.next() % 8 + 1)).map { _ in Self.randomText(&rng, maxPieces: 12) }
      var plain = Document(fragments: lines.enumerated().map { Fragment(text: $1, line: $0 + 1) }, endsWithNewline: false)
      var hinted = Document(
        fragments: lines.enumerated().map { Fragment(text: $1, line: $0 + 1, facts: TextFacts.of($1)) }, endsWithNewline: false)
      var c1 = StageContext(stageID: "n", log: ChangeLog(), segmenter: seg)
      var c2 = StageContext(stageID: "n", log: ChangeLog(), segmenter: seg)
      stage.run(&plain, &c1)
      stage.run(&hinted, &c2)
      if !plain.hasSameText(as: hinted) || c1.log.changes != c2.log.changes { differ += 1 }
    }
    #expect(differ == 0)
  }

  /// The counting log (`Pipeline.runCounting`, what the corpus command uses) gives the same
  /// document as `run`, and per stage exactly as many applied changes and suggestions as the
  /// full log holds, on the bundled examples' texts and random lines through the default rules.
  @Test func countingTheChangesEqualsKeepingThem() throws {
    let mend = try Mend(rulesPath: Repo.defaultRules)
    var texts: [String] = []
    var rng = SplitMix64(seed: 9)
    for _ in 0..<150 {
      texts.append((0..<Int(rng.next() % 6 + 1)).map { _ in Self.randomText(&rng, maxPieces: 14) }.joined(separator: "\n"))
    }
    texts.append("Moscowâ€™s sovereignty  and the  city&amp;s  Ã©lite\nMoscowâ€™s sovereignty  and the  city&amp;s  Ã©lite\n")
    var compared = 0
    var counted = 0
    for text in texts {
      let (a, full) = mend.pipeline.run(Document(text: text))
      let (b, counting) = mend.pipeline.runCounting(Document(text: text))
      #expect(a.hasSameText(as: b))
      #expect(counting.changes.isEmpty)
      var applied: [String: Int] = [:]
      var suggested: [String: Int] = [:]
      for c in full.changes {
        if c.applied { applied[c.stage, default: 0] += 1 } else { suggested[c.stage, default: 0] += 1 }
      }
      var applied2: [String: Int] = [:]
      var suggested2: [String: Int] = [:]
      for c in counting.counts {
        applied2[c.stage, default: 0] += c.applied
        suggested2[c.stage, default: 0] += c.suggestions
      }
      #expect(applied == applied2.filter { $0.value > 0 })
      #expect(suggested == suggested2.filter { $0.value > 0 })
      compared += 1
      counted += full.changes.count
    }
    #expect(compared == texts.count)
    #expect(counted > 200)
  }
}
