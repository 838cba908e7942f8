import Foundation
import Testing

@testable import MendCore

/// Verse (songs, poems) and short repeated units. Found on text nobody tuned mend on: the 15 218
/// fortunes of Debian's `fortunes` package lost about 200 lines and sentences to the dedup stages,
/// nearly all of them refrains and choruses (`Puttin' on the Ritz.` four times, `God save the
/// Queen!`), and `Thank you.  Thank you.  Thank you.` lost a pair of its thanks.
@Suite struct VerseS10Tests {
  /// A song (written for this test) in the common layout: every line starts upper-case, most end
  /// at a comma or with no mark, and the chorus comes back word for word.
  static let song = """
    Down by the harbour where the grey ships lie,
    We waited all winter for the spring to come by,
    Sing low, sing slow, let the cold wind blow,
    The tide will turn and the boats will go.

    Up on the hill where the old church stands,
    We buried the summer with our own two hands,
    Sing low, sing slow, let the cold wind blow,
    The tide will turn and the boats will go.
    The tide will turn and the boats will go.

    """

  static func pipeline(_ overrides: [String: [String: OptionValue]] = [:]) -> Pipeline {
    HardWrapTests.pipeline(overrides)
  }

  static let verseOff: [String: [String: OptionValue]] = [
    "remove-repeated-sentences": ["verse": .bool(false)],
    "remove-near-duplicates": ["verse": .bool(false)],
    "remove-tandem-repeats": ["verse": .bool(false)],
  ]

  @Test func aSongKeepsItsChorus() {
    let (doc, log) = Self.pipeline().run(Document(text: Self.song))
    #expect(doc.text == Self.song)
    #expect(log.changes.filter { $0.action == .remove }.isEmpty)
    // The gap this closes: without the verse test the chorus goes.
    let (off, offLog) = Self.pipeline(Self.verseOff).run(Document(text: Self.song))
    #expect(off.text != Self.song)
    #expect(offLog.changes.filter { $0.action == .remove }.count >= 3)
  }

  @Test func theVerseLinesAreTheShortOnes() {
    let lines = Verse.lines(Document(text: Self.song))
    #expect(lines == Self.song.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { !$0.isEmpty })
    // The earlier refrain test's poem: lower-case continuation lines, still verse (4 of 6 lines
    // start upper-case, 4 end without a full stop).
    #expect(Verse.lines(Document(text: StageRun.poem)) != nil)
  }

  /// A poem quoted in an article: its block keeps its refrain, while a paragraph the article
  /// repeats still goes.
  @Test func aStanzaInsideAnArticle() {
    let para = "The festival opened on Friday with a concert in the old market square, where the town's choir sang a local song."
    let other = "Organisers said more than four thousand people came over the weekend, twice as many as last year."
    let text = """
      \(para)
      \(other)

      Row, row, row the boat,
      Row it to the shore,
      Row, row, row the boat,
      And row it back once more.

      \(para)

      """
    let (doc, log) = Self.pipeline().run(Document(text: text))
    let removed = log.changes.filter { $0.action == .remove }
    #expect(removed.count == 1)
    #expect(removed.first?.before == para)
    #expect(doc.text.components(separatedBy: "Row, row, row the boat,").count == 3)
  }

  /// News is not verse: no article of the corpus, a paragraph a line or a sentence a line, has a
  /// line of verse, except the one whose photo gallery is a list of short captions (its long
  /// paragraphs are not protected); hard-wrapped at 40, 50, 60 or 72 characters (a blank line
  /// between paragraphs), at most 3 of the 1 180 wrapped articles have one (a short paragraph whose lines happen to start upper-case; the hard-wrap test already keeps its pieces).
  @Test func newsIsNotVerse() {
    let articles = HardWrapTests.articles
    try? #require(articles.count > 200)
    var flagged = 0
    var longProtected = 0
    var wrappedFlagged = 0
    var sentenceFlagged = 0
    for paragraphs in articles {
      let doc = Document(text: paragraphs.joined(separator: "\n"))
      if let lines = Verse.lines(doc) {
        flagged += 1
        for (i, on) in lines.enumerated() where on && doc.fragments[i].text.utf8.count > Verse.maxLineBytes { longProtected += 1 }
      }
      let sentences = paragraphs.flatMap { $0.components(separatedBy: ". ") }.joined(separator: ".\n")
      if Verse.lines(Document(text: sentences)) != nil { sentenceFlagged += 1 }
      for width in [40, 50, 60, 72] where Verse.lines(Document(text: HardWrapTests.wrapped(paragraphs, width))) != nil {
        wrappedFlagged += 1
      }
    }
    #expect(flagged <= 1)
    #expect(longProtected == 0)
    #expect(sentenceFlagged == 0)
    #expect(wrappedFlagged <= 3)
  }

  /// `Verse.lines` looks at a line's facts only where the lengths leave verse possible; the
  /// plain definition looks at every line. Same answer on 3 000 random documents of short and
  /// long, upper- and lower-case, indented and blank lines.
  @Test func quickPathsGiveThePlainAnswer() {
    func plain(_ d: Document) -> [Bool]? {
      let shapes = d.fragments.map { Verse.facts($0.text) }
      var out = [Bool](repeating: false, count: shapes.count)
      var any = false
      func mark(_ r: Range<Int>) {
        for i in r where shapes[i].short && !shapes[i].blank {
          out[i] = true
          any = true
        }
      }
      if Verse.reads(shapes[...]) {
        mark(0..<shapes.count)
      } else {
        var start = 0
        while start < shapes.count {
          while start < shapes.count && shapes[start].blank { start += 1 }
          var end = start
          while end < shapes.count && !shapes[end].blank { end += 1 }
          if end - start >= Verse.minLines && end - start < shapes.count && Verse.reads(shapes[start..<end]) { mark(start..<end) }
          start = end
        }
      }
      return any ? out : nil
    }
    var rng = TestRandom(state: 10)
    var verse = 0
    for _ in 0..<3_000 {
      var lines: [String] = []
      for _ in 0..<(Int(rng.next() % 14) + 1) {
        var line: String
        switch rng.next() % 9 {
        case 0: line = ""
        case 1: line = "   "
        case 2: line = rng.sentence(words: Int(rng.next() % 14) + 8)
        case 3: line = rng.word() + " " + rng.word() + " the"
        default:
          line = rng.word().capitalized + " " + rng.word() + " " + rng.word() + [",", "", "!", ".", ";"][Int(rng.next() % 5)]
        }
        if rng.next() % 6 == 0 { line = "\t" + line }
        if rng.next() % 8 == 0 { line += "  " }
        lines.append(line)
      }
      let d = Document(text: lines.joined(separator: "\n"))
      let quick = Verse.lines(d)
      #expect(quick == plain(d), "\(lines)")
      if quick != nil { verse += 1 }
    }
    // Not vacuous: both answers occur.
    #expect(verse > 300 && verse < 2_700)
  }

  @Test func lineFacts() {
    func f(_ s: String) -> (Bool, Bool, Bool) {
      let x = Verse.facts(s)
      return (x.short, x.open, x.capital)
    }
    #expect(f("Sing low, sing slow,") == (true, true, true))
    #expect(f("  \"God save the Queen!\"  ") == (true, true, true))
    #expect(f("and the boats go out with the tide.") == (true, false, false))
    #expect(f("\u{201C}Down by the harbour\u{2026}\u{201D}") == (true, false, true))
    #expect(f("‘Twas brillig, and the slithy toves’") == (true, true, true))
    #expect(f(String(repeating: "A long line of prose ", count: 4)) == (false, true, true))
    #expect(Verse.facts("   ").blank)
    #expect(Verse.facts("a fire on a Florida highway near the").functionEnd)
    #expect(Verse.facts("He left it dead, and took its head, and").functionEnd)
    #expect(!Verse.facts("He left it dead, and took its head,").functionEnd)
    #expect(!Verse.facts("Theory of the").functionEnd == false)
    #expect(!Verse.facts("And row it back once more").functionEnd)
    #expect(Verse.facts("Sing low, sing slow,").firstWord == 4)
    #expect(Verse.facts("  Sing low, sing slow,  ").bytes == 20)
  }

  @Test func shortUnitsRepeatedStay() {
    let spec = RemoveTandemRepeats.spec
    for keep in [
      "Thank you.  Thank you.  Thank you.  Thank you.  Thank you.",
      "ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha",
      "BI-BI-BI-BI-BI-BI-BI-BI-BI-BI-BI-BI-BI-BI-BI-",
      "Go team go! Go team go! Go team go! Go team go!",
    ] {
      #expect(StageRun.run(spec, keep + "\n").changes.isEmpty, "\(keep)")
    }
    // A repeat of a unit of four words or more still goes, glued or separated, once.
    let twice = "The vote was postponed until June. The vote was postponed until June.\n"
    #expect(StageRun.run(spec, twice).text == "The vote was postponed until June.\n")
    let thrice = "Rescuers search the rubble | Rescuers search the rubble | Rescuers search the rubble\n"
    #expect(StageRun.run(spec, thrice).text == "Rescuers search the rubble\n")
  }

  @Test func tandemInVerseOnlyGlued() {
    let spec = RemoveTandemRepeats.spec
    let song = """
      Oh my darling, oh my darling,
      Far away, far away, far away now,
      Sing it again, sing it again,
      And the ships go by. And the ships go by.
      Home is the sailor from seaHome is the sailor from sea

      """
    let r = StageRun.run(spec, song)
    // Only the glued copy (no separator: a scraping fault, not a song's) goes.
    #expect(r.changes.count == 1)
    #expect(r.changes.first?.rule == "glued")
    #expect(r.text.contains("And the ships go by. And the ships go by."))
    // With the verse test off the separated repeat goes too.
    #expect(StageRun.run(spec, song, ["verse": .bool(false)]).changes.count == 2)
  }
}
