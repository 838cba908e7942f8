import Testing

@testable import MendCore

/// Session 7 name possessives: a two-word name whose `W X` stands on its own in the document
/// (`fullNameContext`, `markFullNames`) and a name after punctuation before a noun-like word
/// (`nameAfterPunctuation`).
@Suite struct PossessiveNamesS7Tests {
  static let pipeline: Pipeline = {
    let entries = Repo.pipeline.entries.filter { $0.id == "repair-apostrophes" }
    return Pipeline(entries: entries)
  }()

  func fix(_ s: String) -> String { Self.pipeline.clean(s).text }
  func changes(_ s: String) -> [Change] { Self.pipeline.clean(s).changes }

  @Test(arguments: [
    // `W X` on its own elsewhere in the document (X+s is also a word: platforms, weavers, unions).
    (
      "The Civic Platform won.\nIt was under Civic Platforms time in government.",
      "The Civic Platform won.\nIt was under Civic Platform's time in government."
    ),
    (
      "Once, the Civic Platform governed.\nIt was under Civic Platforms time in government.",
      "Once, the Civic Platform governed.\nIt was under Civic Platform's time in government."
    ),
    (
      "Sigourney Weaver starred. It was named for Sigourney Weavers character in the film.",
      "Sigourney Weaver starred. It was named for Sigourney Weaver's character in the film."
    ),
    (
      "He flew for the Soviet Union. He was part of the Soviet Unions original team.",
      "He flew for the Soviet Union. He was part of the Soviet Union's original team."
    ),
    // After a lower-case `the` (`the President` on its own).
    (
      "Aides told the President so. The court noted the Presidents refusal on Monday.",
      "Aides told the President so. The court noted the President's refusal on Monday."
    ),
    // X+s is no word and X stands on its own (`Lydon,`): repaired before session 7 too; the
    // full-name evidence must not get in the way.
    (
      "John Lydon, the singer, agreed. He recorded with John Lydons band in 1980.",
      "John Lydon, the singer, agreed. He recorded with John Lydon's band in 1980."
    ),
    // A name after punctuation, before a noun-like word (n9 / n6), the name on its own.
    ("Doris Day sang. Later, Days son produced records.", "Doris Day sang. Later, Day's son produced records."),
  ])
  func fullNamePossessives(_ input: String, _ expected: String) {
    #expect(fix(input) == expected)
  }

  @Test(arguments: [
    // No `W X` on its own in the document.
    "He was the United Kingdoms chief diplomat.",
    "It was under Civic Platforms time in government.",
    // `W X` is there, but the next word is a verb (class v / -ed / a function word).
    "The Liberal Democrat spoke. The Liberal Democrats lost seats.",
    "The Liberal Democrat spoke. The Liberal Democrats voted no.",
    "The Liberal Democrat spoke. The Liberal Democrats and others left.",
    // A capitalised next word, or punctuation after X+s.
    "The Equal Election law passed. The Equal Elections Foundation sued.",
    "The Grand Master arrived. Three Grand Masters came, and Grand Masters played.",
    // `W X` only before a noun (an adjective there: evidence for nothing).
    "The Republican nominee spoke. They cited the Republicans refusal to act.",
    "The Civic Platform leader lost.\nIt was under Civic Platforms time in government.",
    // A sentence-initial `The`: not the lower-case determiner.
    "The President spoke. The Presidents claim was dismissed.",
    // W X only inside a longer word.
    "The Civic Platformer lost.\nIt was under Civic Platforms time in government.",
    // After punctuation: the next word is a verb, or not noun-like.
    "Doris Day sang. Later, Days passed slowly.",
  ])
  func fullNamesLeftAlone(_ input: String) {
    #expect(fix(input) == input)
  }

  // Session 7 additions to the context-rule classes (base-verb, pred-adj) and the `well` rule.
  @Test(arguments: [
    ("Members of the summit, lets discuss this first.", "Members of the summit, let's discuss this first."),
    ("We are ready. Lets light this candle.", "We are ready. Let's light this candle."),
    ("I dont believe it, its fake.", "I don't believe it, it's fake."),
    ("He said so, but well see soon.", "He said so, but we'll see soon."),
  ])
  func contextRuleAdditions(_ input: String, _ expected: String) {
    #expect(fix(input) == expected)
  }

  @Test(arguments: [
    "The firm and its fake accounts were exposed.",
    "He lets discussion run long.",
    "It worked, and well done to them.",
    "She was tired and well rested.",
    "Oil prices rose, and Shell share prices fell.",
  ])
  func contextRuleAdditionsLeftAlone(_ input: String) {
    #expect(fix(input) == input)
  }

  @Test func fullNameReasonNamesTheEvidence() {
    let c = changes("The Civic Platform, a party, lost.\nIt was under Civic Platforms time in government.")
    #expect(
      c.contains {
        $0.applied && $0.after == "Platform's" && $0.reason.contains("'Civic Platform' stands on its own (line 1)")
      })
  }

  @Test func intactDocumentsOnlySuggestFullNames() {
    let text = "The Civic Platform, the party's base, lost.\nIt was under Civic Platforms time in government."
    let suggest = HardWrapTests.stage("repair-apostrophes", ["intact-documents": .string("suggest")])
    let c = suggest.clean(text).changes
    #expect(c.contains { $0.after == "Platform's" })
    #expect(c.allSatisfy { !$0.applied })
    // The default (skip) does not look for it at all.
    #expect(changes(text).isEmpty)
  }

  @Test(arguments: [
    ("a Civic Platform b", "Civic Platform", true),
    ("a civic Platform b", "Civic Platform", true),
    ("Civic Platform", "Civic Platform", true),
    ("Civic Platforms", "Civic Platform", false),
    ("Civic Platform's", "Civic Platform", false),
    ("XCivic Platform", "Civic Platform", false),
    ("'Civic Platform", "Civic Platform", false),
    ("Civic Platform.", "Civic Platform", true),
    ("Civic  Platform", "Civic Platform", false),
    ("Civic Platform\u{2019}s", "Civic Platform", false),
  ])
  func phraseSearch(_ text: String, _ pattern: String, _ expected: Bool) {
    var t = text
    let found = t.withUTF8 { RepairApostrophes.containsPhrase($0, Array(pattern.utf8)) }
    let byBytes = t.withUTF8 { RepairApostrophes.containsPhraseByBytes($0, Array(pattern.utf8)) }
    #expect(found == expected)
    #expect(byBytes == expected)
  }

  /// The memmem search finds what the byte loop finds, on random lines made of the pattern's
  /// pieces, its first letter in both cases, apostrophes, letters and spaces.
  @Test func phraseSearchIsTheByteLoop() {
    var rng = SystemRandomNumberGenerator()
    let pieces = [
      "Civic", "civic", "Platform", "Platforms", " ", " ", "'", "x", "C", "ivic", ".", "\u{2019}", "Civic Platform",
      "Civic Platform",
    ]
    let pattern = Array("Civic Platform".utf8)
    var hits = 0
    for _ in 0..<3000 {
      var line = ""
      for _ in 0..<Int.random(in: 0...12, using: &rng) { line += pieces.randomElement(using: &rng)! }
      var t = line
      let fast = t.withUTF8 { RepairApostrophes.containsPhrase($0, pattern) }
      let slow = t.withUTF8 { RepairApostrophes.containsPhraseByBytes($0, pattern) }
      #expect(fast == slow, "\(line)")
      if slow { hits += 1 }
    }
    #expect(hits > 100)
  }
}
