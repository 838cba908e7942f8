import Testing

@testable import MendCore

/// repair-apostrophes on text nobody tuned it on: the 15 218 fortunes of Debian's `fortunes`
/// package, whose apostrophes are intact, so every applied edit there is a chance to do harm.
/// Each case below was a wrong applied edit there.
@Suite struct ApostrophesWildS10Tests {
  static let pipeline = RepairApostrophesTests.pipeline

  func run(_ s: String) -> (text: String, changes: [Change]) {
    let r = Self.pipeline.clean(s)
    return (r.text, r.changes)
  }

  /// After a preposition or a form of do, `its` is the possessive.
  @Test(arguments: [
    "The Macintosh is Xerox technology at its best.",
    "It was Penguin lust... at its ugliest.",
    "When speculation has done its worst, two plus two still equals four.",
    "They are among its worst and least pleasant examples.",
    "The committee did its best to finish on time.",
  ])
  func itsAfterAPreposition(_ s: String) {
    #expect(run(s).text == s)
  }

  @Test func itsStillRepairedElsewhere() {
    #expect(run("So far out of hand in fact its almost approaching chaos.").text == "So far out of hand in fact it's almost approaching chaos.")
    #expect(run("Its been a long day.").text == "It's been a long day.")
  }

  /// German and Dutch `im`: no edit; before a capital only a suggestion (`Im Rich Bowen`).
  @Test func germanIm() {
    let german = "Die Datei liegt im Verzeichnis, und ich lande im."
    let r = run(german)
    #expect(r.text == german)
    #expect(r.changes.allSatisfy { !$0.applied })
    let name = run("Hello, Im Rich Bowen and im glad to be here.")
    #expect(name.text == "Hello, Im Rich Bowen and I'm glad to be here.")
    #expect(name.changes.contains { !$0.applied && $0.before == "Im" && $0.after == "I'm" })
  }

  /// A people's or a name's plural that no dictionary lists before a verb-like word: only a
  /// suggestion, with the reason; with the name on its own in the document, still repaired.
  @Test func pluralSubjectBeforeAVerb() {
    for s in ["Vulcans believe peace should not depend on force.", "Bostonians pronounce the word differently."] {
      let r = run(s)
      #expect(r.text == s)
      let suggestion = r.changes.first { !$0.applied && $0.rule == "possessive" }
      #expect(suggestion?.reason.contains("mostly a verb") == true, "\(s)")
    }
    // Evidence in the document (the name on its own) still decides.
    #expect(run("Honcharuk resigned. Zelensky declined Honcharuks offer.").text == "Honcharuk resigned. Zelensky declined Honcharuk's offer.")
    // A noun after the form: a possessive, as before.
    #expect(run("The Vulcans logic was flawless.").text == "The Vulcan's logic was flawless.")
  }
}
