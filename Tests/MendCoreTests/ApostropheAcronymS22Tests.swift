import Foundation
import Testing

@testable import MendCore

/// Session 22: an acronym whose stripped possessive is spelled like a word of the contraction
/// table (`WHOs`, the World Health Organization's, read as `whos`, who's) is no contraction: the
/// table's mixed-case rule dropped it, and the possessive test never saw it. Four such misses on
/// the Wikinews fit split (`mend-eval apostrophes --split fit --show-errors`).
@Suite struct ApostropheAcronymS22Tests {
  func fix(_ s: String) -> String { Repo.pipeline.clean(s).text }

  @Test func acronymPossessiveIsRestored() {
    #expect(
      fix("Per the WHOs statistics, cases rose in March. The WHO said the figures were provisional.\n")
        == "Per the WHO's statistics, cases rose in March. The WHO said the figures were provisional.\n")
    #expect(
      fix("The agency followed the WHOs decision in January. The WHO had declared an emergency.\n")
        == "The agency followed the WHO's decision in January. The WHO had declared an emergency.\n")
  }

  /// The table's own words keep their rules: lower case and capitalised forms are still
  /// contractions decided by context, and an all-capital word is still shouted text.
  @Test func tableWordsAreUnchanged() {
    #expect(fix("I wonder whos going to win the final.\n") == "I wonder who's going to win the final.\n")
    #expect(fix("Whos going to pay for all of this?\n") == "Who's going to pay for all of this?\n")
    #expect(fix("The WHO said so on Monday.\n") == "The WHO said so on Monday.\n")
  }

  @Test func shape() {
    func acr(_ s: String) -> Bool {
      let b = Array(s.utf8)
      return b.withUnsafeBufferPointer { RepairApostrophes.isAcronymS($0, 0, b.count) }
    }
    #expect(acr("WHOs") && acr("ITs") && acr("MSNBCs"))
    #expect(!acr("Whos") && !acr("WHOS") && !acr("whos") && !acr("Ts") && !acr("WHOs2"))
  }
}
