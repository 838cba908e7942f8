import Foundation
import Testing

@testable import MendCore

/// Session 16: wrong removals the default pipeline made on documentation it was never tuned on
/// (the reStructuredText and Markdown files of the Python packages on this machine, mostly the
/// AWS CLI's command examples, and the packages' METADATA files; `mend fix --explain`). Each case
/// is written after one of them (not copied), with the removal that must survive next to it.
@Suite struct WildTextS16Tests {
  func removals(_ s: String) -> [Change] {
    Repo.pipeline.clean(s).changes.filter { $0.applied && $0.stage.hasPrefix("remove-") }
  }

  /// The AWS CLI's examples: each example is a paragraph in bold on its own line (a heading in
  /// all but name), and several end with the same pointer to the first one. Each copy belongs
  /// to its example.
  static let boldHeadings = """
    **Example 1: To copy the weekly report to a bucket that another account owns**

    The following example copies the weekly report to the named bucket. ::

        tool copy --report weekly --bucket reports

    See the first example for its output.

    **Example 2: To copy the weekly report and keep the tags and the owner it has**

    The following example copies the weekly report and keeps the tags it has. ::

        tool copy --report weekly --bucket reports --keep-tags

    See the first example for its output.

    """

  @Test func aSentenceUnderEachBoldHeadingStays() {
    #expect(DedupText.sections(Document(text: Self.boldHeadings)) != nil)
    #expect(removals(Self.boldHeadings).isEmpty)
  }

  /// Without the headings the same lines are one section: the repeat goes, as before.
  @Test func withoutBoldHeadingsTheRepeatGoes() {
    let plain = Self.boldHeadings.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("**") }.joined(separator: "\n")
    #expect(DedupText.sections(Document(text: plain)) == nil)
    #expect(removals(plain).map(\.before) == ["See the first example for its output."])
  }

  /// Bold words that open a paragraph, or a bold line inside a paragraph, are no heading.
  @Test func boldInsideTextIsNoHeading() {
    for text in [
      "**Note:** the report is copied once.\nThe report is copied once.\n**Note:** the report is copied once.",
      "Some text goes on here.\n**A bold line in the paragraph**\nThe report is copied once.\n\nThe report is copied once.",
      "**Warning** **twice** in one line\n",
    ] {
      #expect(DedupText.sections(Document(text: text)) == nil, "\(text)")
    }
  }
}

/// Session 16: text tables and reStructuredText substitution definitions are set aside like code
/// (`code-blocks: tables`): `normalize-unicode` collapsed the space runs that align their columns,
/// `remove-tandem-repeats` took two cells with the same value for a text glued to itself, and
/// `remove-repeated-sentences` cut the description off an alias (the AWS CLI's configuration
/// topic, docutils' character-entity files).
@Suite struct TablesS16Tests {
  static let simple = """
    The tool has a few general options:

    ==================== =========== ===================== ============================
    Variable             Option      Config Entry          Description
    ==================== =========== ===================== ============================
    profile              --profile   N/A                   Default profile name
    -------------------- ----------- --------------------- ----------------------------
    timestamp_format     N/A         timestamp_format      Output format of timestamps
    -------------------- ----------- --------------------- ----------------------------
    follow_urlparam      N/A         follow_urlparam       Fetch URL url parameters
    ==================== =========== ===================== ============================

    The third column is the value you would set in the config file.  It is read once.

    """

  @Test func aSimpleTableComesOutAsItWent() {
    let doc = Document(text: Self.simple)
    #expect(CodeBlocks.tableRanges(doc) == [2..<11])
    let out = Repo.pipeline.clean(Self.simple)
    let lines = out.text.split(separator: "\n", omittingEmptySubsequences: false)
    let inLines = Self.simple.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(Array(lines[2..<11]) == Array(inLines[2..<11]))
    // The prose after it is still repaired (its double space).
    #expect(out.text.contains("config file. It is read once."))
    #expect(!out.changes.contains { $0.applied && $0.line >= 3 && $0.line <= 11 })
  }

  @Test func gridAndPipeTables() {
    let grid = "Intro text here.\n\n+------+-----------+\n| a    | same  same |\n+======+===========+\n| b    | same  same |\n+------+-----------+\n\nAfter."
    #expect(CodeBlocks.tableRanges(Document(text: grid)) == [2..<7])
    let pipe = "Intro.\n\n| Name | Value |\n| ---- | :---: |\n| a    | x  x  |\n| b    | x  x  |\n\nAfter."
    #expect(CodeBlocks.tableRanges(Document(text: pipe)) == [2..<6])
    for text in [grid, pipe] { #expect(Repo.pipeline.clean(text).text == text, "\(text)") }
  }

  @Test func substitutionDefinitionsStay() {
    let text = """
      .. |lessgtr|      unicode:: U+02276 .. LESS-THAN OR GREATER-THAN
      .. |LessGreater|  unicode:: U+02276 .. LESS-THAN OR GREATER-THAN
      .. |lesssim|      unicode:: U+02272 .. LESS-THAN OR EQUIVALENT TO
      """
    #expect(CodeBlocks.tableRanges(Document(text: text)) == [0..<3])
    #expect(Repo.pipeline.clean(text).text == text)
  }

  /// Lines that only look a little like tables stay prose: a rule, a Markdown setext underline,
  /// a list item with a dash, a sentence with a pipe, a directive that is no substitution.
  @Test func proseIsNoTable() {
    for text in [
      "A title\n=======\n\nSome text.", "Text.\n\n-----\n\nMore text.", "- an item\n- another item",
      "Left | right are two words.\nAnd more text here.", ".. note:: This is prose.", "==== text ====",
      "Intro.\n\n====  ====\nno closing border follows here", "Text.\n\n= = = = =\n\nApache License\n\n= = = = =\n",
    ] {
      #expect(CodeBlocks.tableRanges(Document(text: text)).isEmpty, "\(text)")
    }
  }
}

extension TablesS16Tests {
  /// `tables: false` gives the old behaviour; a value that is not true or false is an error that
  /// names the line.
  @Test func theRulesDecideOnTables() throws {
    #expect(Repo.rules.codeBlocks.tables)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-tables-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let off = dir.appendingPathComponent("off.yml").path
    try "version: 1\nextends: default\ncode-blocks:\n  tables: false\n".write(toFile: off, atomically: true, encoding: .utf8)
    let set = try RuleSet.load(path: off, defaultPath: Repo.defaultRules)
    #expect(!set.codeBlocks.tables && set.codeBlocks.fenced && set.codeBlocks.literal)
    let out = try Pipeline(rules: set).clean(Self.simple).text
    #expect(out != Self.simple)
    #expect(out.contains("profile --profile N/A Default profile name"))
    let bad = dir.appendingPathComponent("bad.yml").path
    try "version: 1\ncode-blocks:\n  tables: sometimes\n".write(toFile: bad, atomically: true, encoding: .utf8)
    #expect {
      _ = try RuleSet.load(path: bad)
    } throws: { e in
      let r = e as? RulesError
      return r?.line == 3 && r?.message.contains("'tables' must be true or false") == true
    }
  }
}
