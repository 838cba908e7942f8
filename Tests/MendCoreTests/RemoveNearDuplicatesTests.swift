import Testing

@testable import MendCore

@Suite struct RemoveNearDuplicatesTests {
  let spec = RemoveNearDuplicates.spec

  @Test func exampleStandfirstAndBody() {
    let lines = StageRun.exampleLines().filter { !$0.isEmpty }
    let standfirst = lines.firstIndex { $0.hasSuffix("state department says") }!
    let body = lines.firstIndex { $0.hasSuffix("state department spokesperson said.") }!
    let r = StageRun.run(spec, lines.joined(separator: "\n"))
    let out = r.document.fragments
    #expect(out.count == lines.count - 1)
    // The body's complete sentence stays, at the standfirst's place.
    #expect(out[standfirst].text == lines[body])
    #expect(!out.contains { $0.text == lines[standfirst] })
    let removal = r.changes.first { $0.action == .remove }!
    #expect(removal.line == standfirst + 1)
    #expect(removal.reason.contains("line \(body + 1)"))
    #expect(r.changes.filter { $0.action == .remove }.count == 1)
  }

  @Test(arguments: [
    // truncated
    ("The minister said the plan would be published next week after talks with unions.",
     "The minister said the plan would be published next week"),
    // said -> says
    ("The minister said the plan would be published next week after talks.",
     "The minister says the plan would be published next week after talks."),
    // a dropped word
    ("The minister said the plan would be published next week after the talks.",
     "The minister said the plan would be published next week after talks."),
    // a dropped attribution
    ("Rescuers worked through the night in temperatures well below freezing, officials said.",
     "Rescuers worked through the night in temperatures well below freezing"),
  ])
  func nearCopiesRemovedCompleteKept(_ pair: (String, String)) {
    let (complete, damaged) = pair
    for text in [damaged + "\nOther news today.\n" + complete + "\n", complete + "\nOther news today.\n" + damaged + "\n"] {
      let r = StageRun.run(spec, text)
      #expect(r.document.fragments.map(\.text).contains(complete))
      #expect(!r.document.fragments.map(\.text).contains(damaged))
      #expect(r.document.fragments.count == 2)
    }
  }

  @Test func nearCopyOfASentenceInsideAParagraph() {
    let t = "Officials met on Monday. The minister said the plan would be published next week after talks. Unions agreed.\nThe minister says the plan would be published next week after talks\n"
    #expect(StageRun.run(spec, t).text == "Officials met on Monday. The minister said the plan would be published next week after talks. Unions agreed.\n")
  }

  @Test(arguments: [
    ("The company reported a profit of $5m in 2019.", "The company reported a loss of $5m in 2020."),
    ("The company reported a profit of five million dollars last year.", "The company reported a loss of five million dollars last year."),
    ("The minister said the plan would be published next week.", "The minister said the plan would not be published next week."),
    ("Smith finished second in the men's downhill race on Sunday.", "Jones finished second in the men's downhill race on Sunday."),
    ("The vote was held on 12 March and 300 members took part.", "The vote was held on 14 March and 300 members took part."),
    ("It's more massive than the Sun.", "The star is more massive than the Sun."),
    ("With a free program, you have the right to copy it and give or sell the copies.", "You also have with a free program you have the right to change the code and then copy that and give or sell copies."),
    ("What are the struggles of a Muslim woman in present day and age?", "What are the struggles of an ex-Muslim woman in present day and age?"),
    ("This newly discovered black hole does not have an accretion disk.", "Interviewer: This black hole does not have an accretion disk."),
    ("What are the things that you like about your job?", "What are the things that you like about your job, and what do you not like?"),
  ])
  func differentSentencesStay(_ pair: (String, String)) {
    let t = pair.0 + "\n" + pair.1 + "\n"
    #expect(StageRun.run(spec, t).changes.isEmpty)
  }

  @Test func thresholdsAreOptions() {
    let t = "The minister said the plan would be published next week after talks.\nThe minister said the plan would be published next week after the talks.\n"
    #expect(StageRun.run(spec, t).document.fragments.count == 1)
    #expect(StageRun.run(spec, t, ["min-words": .int(20)]).changes.isEmpty)
  }

  @Test func longDocument() {
    var rng = TestRandom(state: 9)
    var lines: [String] = []
    var injected = 0
    for i in 0..<100_000 {
      let s = rng.sentence(words: 12)
      lines.append(s)
      if i % 100 == 0 {
        // A truncated copy a little later.
        lines.append(s.split(separator: " ").prefix(9).joined(separator: " "))
        injected += 1
      }
    }
    let r = StageRun.run(spec, lines.joined(separator: "\n"))
    #expect(r.changes.filter { $0.action == .remove }.count == injected)
    #expect(r.document.fragments.count == lines.count - injected)
  }
}
