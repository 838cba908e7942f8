import Foundation
import Testing

@testable import MendCore

/// Session 21: French elision in names and places, stripped like any apostrophe (`Valéry Giscard
/// dEstaing`, `Côte dIvoire`, `Groupe dIntervention`): a lower-case `d` or `l`, a capital vowel or
/// `H`, lower-case letters, after a capitalised word. The misses were on the Wikinews fit split
/// (`mend-eval apostrophes --split fit --show-errors`).
@Suite struct ElisionS21Tests {
  func fix(_ s: String) -> String { Repo.pipeline.clean(s).text }

  @Test func elisionIsRestored() {
    #expect(
      fix("Former president Valery Giscard dEstaing died on Wednesday at the age of 94.\n")
        == "Former president Valery Giscard d'Estaing died on Wednesday at the age of 94.\n")
    #expect(
      fix("The talks in Cote dIvoire ended without an agreement on Friday.\n")
        == "The talks in Cote d'Ivoire ended without an agreement on Friday.\n")
    #expect(
      fix("Officers of the Groupe dIntervention arrived at the scene within minutes.\n")
        == "Officers of the Groupe d'Intervention arrived at the scene within minutes.\n")
    #expect(
      fix("The stage finished on Alpe dHuez after a long climb in the heat.\n")
        == "The stage finished on Alpe d'Huez after a long climb in the heat.\n")
  }

  /// Not after a capitalised word, before a consonant, or with a capital inside the rest: code
  /// and camel case (`dEta`, `lValue`, `dSomething`) stay.
  @Test func camelCaseStays() {
    for s in [
      "The solver updates dEta and dXi in every step of the loop.\n",
      "Call Reset lValue before the next frame is drawn on the screen.\n",
      "The Foo dSomething handler returns early when the queue is empty.\n",
      "Set the Parser dEndOfLine flag before reading the next block.\n",
    ] {
      #expect(fix(s) == s, "\(s)")
    }
  }

  /// The name prefixes of the rules as before: `OBrien` after a given name.
  @Test func oBrienStillWorks() {
    #expect(
      fix("Conan OBrien hosted the show on Monday night.\n") == "Conan O'Brien hosted the show on Monday night.\n")
  }
}
