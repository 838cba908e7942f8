import Foundation
import Testing

@testable import MendCore

/// Session 22: a common word capitalised only because it opens a list item or a comment is no
/// evidence that it is a name. Found on this machine's documentation: `- Presets optimization`
/// (a changelog that also has `- Preset tuning ...`) and `# Bindings table` (an ALSA example that
/// also has `# Binding for client channel N`) became possessives.
@Suite struct ApostropheMarkerS22Tests {
  func fix(_ s: String) -> String { Repo.pipeline.clean(s).text }

  @Test func itemOrCommentCapitalIsNoNameEvidence() {
    let changelog = "- Preset tuning to smooth the spacing of the levels\n- Presets optimization\n"
    #expect(fix(changelog) == changelog)
    let config = "bindings {\t\t# Bindings table\nN {\t\t\t# Binding for client channel N\n"
    #expect(fix(config) == config)
  }

  /// A name standing on its own in running text, or after a marker when it is no English word,
  /// still counts.
  @Test func namesStillCount() {
    #expect(
      fix("Officials met Navalny in Moscow on Monday.\nThey discussed Navalnys health at length.\n")
        == "Officials met Navalny in Moscow on Monday.\nThey discussed Navalny's health at length.\n")
    #expect(
      fix("- Navalny was moved to a prison colony\n- Reporters asked about Navalnys health\n")
        == "- Navalny was moved to a prison colony\n- Reporters asked about Navalny's health\n")
  }
}
