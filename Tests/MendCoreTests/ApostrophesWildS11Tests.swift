import Testing

@testable import MendCore

/// Session 11: wrong applied edits left on Debian's `fortunes` (see `ApostrophesWildS10Tests`),
/// each a case below, with the repair that must survive next to it.
@Suite struct ApostrophesWildS11Tests {
  static let pipeline = RepairApostrophesTests.pipeline

  func fix(_ s: String) -> String { Self.pipeline.clean(s).text }

  /// A lower-case line start after a line that stops inside a sentence (a hard-wrapped pair too
  /// short for `HardWrap`) starts no sentence: `prev=<start>` rules do not hold there.
  @Test(arguments: [
    "The penalty for laughing in a courtroom is six months in jail; if it\nwere not for this penalty, the jury would never hear the evidence.",
    "A woman can look both moral and exciting -- if she also looks as if it\nwere quite a struggle.",
    "They said that the results,\nwere going to be late.",
  ])
  func continuedLineStartsNoSentence(_ s: String) {
    #expect(fix(s) == s)
  }

  @Test func aLineStartAfterASentenceEndStillStartsOne() {
    #expect(fix("It was late.\nwere going home now, he said.") == "It was late.\nwe're going home now, he said.")
    #expect(fix("It was late\n\nwere going home now, he said.") == "It was late\n\nwe're going home now, he said.")
    // The line before ends open, but this line starts with a capital: a new sentence.
    #expect(fix("and so it\nWere going home now, he said.") == "and so it\nWe're going home now, he said.")
  }

  /// `'Tis`, `’twas`: a word after an apostrophe lost a letter, not an apostrophe.
  @Test(arguments: [
    "'Tis more blessed to give than receive.",
    "\u{2019}Tis more blessed to give than receive.",
  ])
  func elisionAfterAnApostrophe(_ s: String) {
    #expect(fix(s) == s)
  }

  @Test func possessivesStillRepaired() {
    #expect(fix("Moscows reply came late.") == "Moscow's reply came late.")
    #expect(fix("They met.\nMoscows reply came late.") == "They met.\nMoscow's reply came late.")
  }
}
