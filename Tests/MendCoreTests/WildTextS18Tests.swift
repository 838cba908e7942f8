import Foundation
import Testing

@testable import MendCore

/// Session 18: wrong removals the default pipeline still made on documentation it was never
/// tuned on (this machine's READMEs under /usr/share/doc and the reStructuredText of its Python
/// packages). Each case is written after one of them (not copied), with its control next to it:
/// the same text without the line that opens the item's entry, where the repeat still goes.
@Suite struct WildTextS18Tests {
  func removals(_ s: String) -> [String] {
    Repo.pipeline.clean(s).changes.filter { $0.applied && $0.stage.hasPrefix("remove-") }.map(\.before)
  }

  /// A README that lists services by their unit names, each with the same remark under it.
  static let units = """
    Backups of the database can be scheduled with the units below.

    backup-full@cluster.service
    backup-full@cluster.timer

      A full copy of the cluster every week, in the backup directory.
      Three copies are kept by default.

    backup-dump@cluster.service
    backup-dump@cluster.timer

      A dump of every database every week, in the backup directory.
      Three copies are kept by default.

    """

  @Test func theSameRemarkUnderEachNamedItemStays() {
    #expect(removals(Self.units).isEmpty)
    let plain = Self.units.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("@") }.joined(separator: "\n")
    #expect(removals(plain) == ["Three copies are kept by default."])
  }

  /// A `--help` text: an option's description begins with its neighbour's (one option writes a
  /// format, the other writes it and keeps more). An option list (options and their arguments
  /// only) opens its entry, even right under the previous entry's text.
  static let help = """
    options:
      --to-toml, -t
          Convert the output back into TOML and print it
      --to-toml-exact, -T
          Convert the output back into TOML and print it. Keep the comments.
      --width WIDTH, -w WIDTH
          The width at which to wrap long lines.

    """

  @Test func anOptionsDescriptionStaysUnderEachOption() {
    #expect(removals(Self.help).isEmpty)
    let plain = Self.help.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("-") && !$0.contains("width") }.joined(separator: "\n")
    #expect(removals(plain) == ["Convert the output back into TOML and print it"])
    // A wrapped line of prose that starts with an option and goes on in words opens nothing.
    #expect(!DedupText.isOptionList(Array("-z pack-relative-relocs option, which is new".utf8)))
    #expect(DedupText.isOptionList(Array("--yaml-output-grammar-version {1.1,1.2}, --yml-out-ver {1.1,1.2}".utf8)))
    #expect(DedupText.isOptionList(Array("-o FILE, --output=FILE, --output FILE".utf8)))
    #expect(DedupText.isOptionList(Array("--sort [asc|desc], -s <order>".utf8)))
    #expect(!DedupText.isOptionList(Array("-5 degrees, said the forecast".utf8)))
  }

  /// Sphinx reference docs: two classes described with the same sentence about an argument.
  static let classes = """
    Instances of these classes can be given to :func:`register`.

    .. class:: OldName(name, old_module, new_module)

       Make a mapping called *name* between modules.  *old_module* is the module's name before.
       *new_module* is the module's name in the new release.

    .. class:: OldAttribute(name, old_module, new_module, old_attr=None)

       Make a mapping called *name* between attributes.  *old_module* is the module's name before.
       *new_module* is the module's name in the new release.  Without *old_attr* the name is used.

    """

  @Test func aSentenceUnderEachDirectiveStays() {
    #expect(removals(Self.classes).isEmpty)
    let plain = Self.classes.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix(".. ") }.joined(separator: "\n")
    #expect(!removals(plain).isEmpty)
  }

  /// News text keeps its dedup: a URL line or a one-word line (`Advertisement`) between a
  /// standfirst and its body copy is no item's name.
  @Test func aURLOrAWordLineOpensNoSection() {
    let text = """
      Talks on the new trade deal stalled again on Tuesday, officials in Brussels said.

      https://www.example.com/world/2024/trade-talks

      Advertisement

      Talks on the new trade deal stalled again on Tuesday, officials in Brussels said.

      """
    #expect(removals(text).contains("Talks on the new trade deal stalled again on Tuesday, officials in Brussels said."))
  }
}
