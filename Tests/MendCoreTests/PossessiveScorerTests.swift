import Foundation
import Testing

@testable import MendCore

/// The form term of the possessive score: mined counts updated from large-corpus odds.
@Suite struct PossessiveScorerTests {
  static let stats = Array("t:attorneys 2 0\nt:worlds 30 3\ntotal 100 1000\n".utf8)

  func term(_ form: String, odds: String, weight: Double = 5) -> Double {
    let s = PossessiveScorer(text: Self.stats, odds: Array(odds.utf8), oddsWeight: weight)
    return s.formTerm(ByteWordSet.hash(Array(("t:" + form).utf8)))
  }

  @Test func oddsAreThePriorOfTheMinedCount() {
    let prior = log(101.0 / 1001.0)
    // Without odds: the mined count alone, (2 + 0.5) / (0 + 0.5).
    #expect(abs(term("attorneys", odds: "") - (log(2.5 / 0.5) - prior)) < 1e-9)
    // With odds of -7 dB (p0 = 0.166...) worth 5 observations.
    let o = pow(10, -0.7)
    let p0 = o / (1 + o)
    let expected = log((2 + 5 * p0) / (0 + 5 * (1 - p0))) - prior
    #expect(abs(term("attorneys", odds: "attorneys -7\n") - expected) < 1e-9)
    #expect(term("attorneys", odds: "attorneys -7\n") < term("attorneys", odds: ""))
    // Many mined observations outweigh the prior; a form with no counts takes the odds alone.
    #expect(term("worlds", odds: "worlds -20\n") > 1)
    let q = pow(10, 0.5)
    #expect(abs(term("nations", odds: "nations 5\n") - (log(q) - prior)) < 1e-9)
    // Upper-case spellings in the file are matched lower-cased, as tokens are.
    #expect(abs(term("ceos", odds: "CEOs 5\n") - (log(q) - prior)) < 1e-9)
  }

  @Test func aTinyWeightStaysFinite() {
    // A form with counts on one side only and no prior: log(2 / 0) would be infinite; the term
    // must stay finite with any positive weight.
    #expect(term("attorneys", odds: "attorneys -7\n", weight: 0.001).isFinite)
  }
}
