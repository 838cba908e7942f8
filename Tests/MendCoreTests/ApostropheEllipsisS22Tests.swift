import Foundation
import Testing

@testable import MendCore

/// Session 22: a lower-case word right after an ellipsis (and the quote that may close after
/// it) starts no sentence, as one after `etc.` starts none (session 19). Found in git's release
/// notes: `"git-commit --interactive paths..." were broken.` became `we're broken`.
@Suite struct ApostropheEllipsisS22Tests {
  func fix(_ s: String) -> String { Repo.pipeline.clean(s).text }

  @Test func lowerCaseWordAfterEllipsisIsNoSentenceStart() {
    #expect(
      fix("The code to reject \"git-commit --interactive paths...\" were broken in that release.\n")
        == "The code to reject \"git-commit --interactive paths...\" were broken in that release.\n")
    #expect(
      fix("He said the plans... were going to be changed by the council.\n")
        == "He said the plans... were going to be changed by the council.\n")
  }

  /// A capital after a stop, an ellipsis or a closing quote still starts a sentence.
  @Test func capitalAfterEllipsisStillStartsOne() {
    #expect(fix("So... Were going to win this one, he said.\n") == "So... We're going to win this one, he said.\n")
    #expect(
      fix("The deal fell through. Were going to try again next year.\n")
        == "The deal fell through. We're going to try again next year.\n")
  }
}
