import Testing

@testable import MendCore

@Suite struct RemoveRepeatedSentencesTests {
  let spec = RemoveRepeatedSentences.spec

  @Test func laterExactLineRemovedAndNamesTheKeptLine() {
    let r = StageRun.run(spec, "The bridge opened in June.\nIt links two cities.\nThe bridge opened in June.\n")
    #expect(r.text == "The bridge opened in June.\nIt links two cities.\n")
    #expect(r.changes.count == 1)
    #expect(r.changes[0].action == .remove)
    #expect(r.changes[0].line == 3)
    #expect(r.changes[0].reason.contains("line 1"))
  }

  @Test(arguments: [
    "THE BRIDGE OPENED IN JUNE.",
    "The bridge opened in June",
    "“The bridge opened in June.”",
    "The  bridge\topened in June!",
    "The bridge opened in June .",
  ])
  func keyIgnoresCasePunctuationQuotesAndSpaces(_ variant: String) {
    let r = StageRun.run(spec, "The bridge opened in June.\n" + variant + "\n")
    #expect(r.document.fragments.count == 1)
  }

  @Test func keyIgnoresApostrophesAndUnicodeForm() {
    #expect(StageRun.run(spec, "Moscow’s war was condemned by allies.\nMoscows war was condemned by allies.\n").document.fragments.count == 1)
    #expect(StageRun.run(spec, "Moscow's war was condemned by allies.\nMoscow’s war was condemned by allies.\n").document.fragments.count == 1)
    #expect(StageRun.run(spec, "The café was closed for a week.\nThe cafe\u{301} was closed for a week.\n").document.fragments.count == 1)
  }

  @Test func moreCompleteLaterCopyTakesTheFirstPosition() {
    let r = StageRun.run(spec, "the bridge opened in june\nIt links two cities.\nThe bridge opened in June.\n")
    #expect(r.text == "The bridge opened in June.\nIt links two cities.\n")
    #expect(r.changes.contains { $0.action == .remove && $0.line == 1 })
    #expect(r.changes.contains { $0.action == .move && $0.line == 3 })
    // Options: keep the first copy, or keep the complete one where it is.
    #expect(StageRun.run(spec, "the bridge opened in june\nIt links two cities.\nThe bridge opened in June.\n", ["keep": .string("first")]).text
      == "the bridge opened in june\nIt links two cities.\n")
    #expect(StageRun.run(spec, "the bridge opened in june\nIt links two cities.\nThe bridge opened in June.\n", ["position": .string("kept")]).text
      == "It links two cities.\nThe bridge opened in June.\n")
  }

  @Test func sentenceRepeatedInsideALineAndFromAnotherLine() {
    #expect(
      StageRun.run(spec, "Rescuers reached the village at dawn. Rescuers reached the village at dawn! They found survivors.\n").text
        == "Rescuers reached the village at dawn. They found survivors.\n")
    let r = StageRun.run(spec, "Moscow’s war was condemned by allies.\nMore text follows here. Moscows war was condemned by allies. Then the end.\n")
    #expect(r.text == "Moscow’s war was condemned by allies.\nMore text follows here. Then the end.\n")
    #expect(r.changes.count == 1)
    #expect(r.changes[0].line == 2 && r.changes[0].column == 25)
  }

  @Test func differentSentencesSharingWordsStay() {
    let t = "The company reported a profit of $5m in 2019.\nThe company reported a loss of $5m in 2020.\n"
    #expect(StageRun.run(spec, t).changes.isEmpty)
  }

  /// From a Wikinews interview (test split): two different answers open with the same short
  /// reply after the speaker label. The label's words do not count, so the reply is too short to
  /// be a repeated sentence; a long repeated answer after a label still goes.
  @Test func shortAnswerAfterASpeakerLabelStays() {
    let t = """
      ((Anthony Boccaletti))  Yes, definitely.  This is exactly why we are observing very young stars.
      ((WN))  Could there be more planets?
      ((Anthony Boccaletti))  Yes, definitely.  Definitely.  Because we see a lot of spirals.
      ((Anthony Boccaletti))  Yes definitely.  We already asked for more telescope time.

      """
    let r = StageRun.run(spec, t)
    #expect(r.changes.isEmpty)
    #expect(r.text == t)
    // Without labels in the rules the label's words count, and the reply goes.
    #expect(!StageRun.run(spec, t, ["speaker-labels": .list([])]).changes.isEmpty)
    let long = "((WN))  The firm has two arms in Melbourne and Sydney.\nQ: Tell us more.\n((WN))  The firm has two arms in Melbourne and Sydney.\n"
    #expect(StageRun.run(spec, long).text == "((WN))  The firm has two arms in Melbourne and Sydney.\nQ: Tell us more.\n")
    #expect(StageRun.run(spec, "A: Yes, of course.\nQ: More?\nA: Yes, of course.\n").changes.isEmpty)
  }

  @Test func shortRepeatsStay() {
    #expect(StageRun.run(spec, "Yes.\nNo.\nYes.\nThank you.\nThank you.\n").changes.isEmpty)
  }

  @Test func refrainKeptWhenTheRulesSaySo() {
    let poem = StageRun.poem
    #expect(StageRun.run(spec, poem, ["keep-refrains": .bool(true)]).text == poem)
    // By default the poem is verse (short lines, most starting upper-case, most without a full
    // stop: Verse), and its refrain stays; without the verse test it goes.
    #expect(StageRun.run(spec, poem).text == poem)
    #expect(StageRun.run(spec, poem, ["verse": .bool(false)]).document.fragments.count == 4)
    // The near-duplicate stage leaves exact repeats to this one, so the refrain survives it too.
    #expect(StageRun.run(RemoveNearDuplicates.spec, poem, ["verse": .bool(false)]).text == poem)
    // A refrain's copy inside a paragraph still goes.
    let para = "Come home, come home to me now.\nShe sang it twice. Come home, come home to me now! Then she stopped.\n"
    #expect(StageRun.run(spec, para, ["keep-refrains": .bool(true)]).text == "Come home, come home to me now.\nShe sang it twice. Then she stopped.\n")
  }

  @Test func longDocument() {
    var rng = TestRandom(state: 5)
    let unique = (0..<50_000).map { _ in rng.sentence(words: 9) }
    var lines = unique
    for k in 0..<50_000 { lines.append(unique[(k * 7919) % unique.count].lowercased()) }
    let r = StageRun.run(spec, lines.joined(separator: "\n"))
    #expect(r.text == unique.joined(separator: "\n"))
    #expect(r.changes.filter { $0.action == .remove }.count == 50_000)
  }

  /// A multi-megabyte line of one sentence repeated (a scraper loop): every dedup stage stays
  /// linear on it, and the chain keeps exactly one copy with each removal in the log.
  @Test func megabyteLineOfOneRepeatedSentence() {
    let sentence = "The quick brown fox jumps over the lazy dog."
    let copies = 60_000  // about 2.7 MB
    let line = String(repeating: sentence + " ", count: copies)
    // This stage alone: one copy stays, each other copy is a logged removal with its column.
    let alone = StageRun.run(spec, line + "\n")
    #expect(alone.text == sentence + "\n")
    #expect(alone.changes.count == copies - 1)
    #expect(alone.changes.allSatisfy { $0.action == .remove && $0.before == sentence && $0.line == 1 })
    #expect(alone.changes.first?.column == sentence.count + 2)
    #expect(alone.changes.last?.column == (sentence.count + 1) * (copies - 1) + 1)
    // Near-duplicates leave exact repeats to this stage; boilerplate skips long lines.
    #expect(StageRun.run(RemoveNearDuplicates.spec, line + "\n").changes.isEmpty)
    #expect(StageRun.run(RemoveBoilerplate.spec, line + "\n").changes.isEmpty)
    // The dedup stages in pipeline order.
    let specs = [RemoveBoilerplate.spec, RemoveTandemRepeats.spec, RemoveRepeatedSentences.spec, RemoveNearDuplicates.spec]
    let entries = specs.map { s -> Pipeline.Entry in
      var values: [String: OptionValue] = [:]
      for o in s.options { values[o.name] = o.defaultValue }
      return Pipeline.Entry(id: s.id, stage: try! s.make(StageOptions(values: values, baseDirectory: Repo.path("rules"))))
    }
    let pipeline = Pipeline(entries: entries, abbreviations: Repo.rules.abbreviations)
    let (doc, log) = pipeline.run(Document(text: line + "\n"))
    #expect(doc.text == sentence + "\n")
    let removed = log.changes.filter { $0.action == .remove }
    #expect(removed.count == copies - 1)
    #expect(removed.allSatisfy { $0.before.hasPrefix(sentence) })
    #expect(removed.contains { $0.stage == RemoveTandemRepeats.id })
    #expect(removed.contains { $0.stage == RemoveRepeatedSentences.id })
  }
}
