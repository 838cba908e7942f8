import Foundation
import Testing

@testable import MendCore

/// Session 17: wrong changes the default pipeline still made on documentation it was never
/// tuned on (session 16's set: the AWS CLI's examples, numpy's docs). Each case is written after
/// one of them (not copied), with its control next to it.
@Suite struct WildTextS17Tests {
  func removals(_ s: String) -> [Change] {
    Repo.pipeline.clean(s).changes.filter { $0.applied && $0.stage.hasPrefix("remove-") }
  }

  /// The AWS CLI's examples: the same remark after each of two commands. A code block set aside
  /// starts a section, so each remark stays with its command.
  static let remarks = """
    The first command writes the user data to a file of its own::

        encode userdata.txt > userdata.b64

    The command itself produces no output at all.

    Then the second command attaches that file to the instance::

        attach --instance i-0abc --file userdata.b64

    The command itself produces no output at all.

    """

  @Test func aRemarkAfterEachCodeBlockStays() {
    #expect(removals(Self.remarks).isEmpty)
    // Control: without the code blocks the second copy is an exact repeat in the same section.
    let plain = """
      The first command writes the user data to a file of its own.

      The command itself produces no output at all.

      Then the second command attaches that file to the instance.

      The command itself produces no output at all.

      """
    #expect(removals(plain).count == 1)
  }

  /// numpy's masked-array notes: a remark on each of two programs that says nearly the same.
  static let programs = """
    The first version divides the raw arrays and masks the result afterwards::

      result = (d1 / d2).view(MaskedArray)
      result._mask = logical_or(m, dm)

    Note that a division by zero takes place in this version of the code.

    The third version avoids filling the arrays at all::

      result = (x._data / y._data).view(MaskedArray)
      result._mask = logical_or(m, dm)

    Note that here again the division by zero takes place in this version of the code.

    """

  @Test func aNearCopyAfterAnotherProgramStays() {
    #expect(removals(Self.programs).isEmpty)
    let plain = Self.programs.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("  ") }.joined(separator: "\n")
    #expect(removals(plain).map(\.before) == ["Note that a division by zero takes place in this version of the code.", "Note that here again the division by zero takes place in this version of the code."])
  }

  /// The AWS CLI's create-fleet example: a participle after `Spot Instances` ends the noun
  /// phrase, so it stays a plural although `Spot Instance` stands on its own above; a noun after
  /// it still makes the possessive (the control).
  @Test func aParticipleAfterAFullNameIsNoPossessive() {
    let edits = { (s: String) in
      Repo.pipeline.clean(s).changes.filter { $0.applied && $0.stage == "repair-apostrophes" }.map(\.after)
    }
    #expect(edits("Each Spot Instance is billed by the second.\nThe fleet launches Spot Instances using the lowest price.\n").isEmpty)
    #expect(!edits("Civic Platform won the vote.\nIt was under Civic Platforms time in government that the law passed.\n").isEmpty)
  }
}
