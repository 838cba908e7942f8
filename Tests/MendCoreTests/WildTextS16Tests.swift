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

  /// Without the code blocks too (since session 17 a code block set aside starts a section of
  /// its own, so the bold headings alone are tested here).
  static var boldHeadingsWithoutCode: String {
    boldHeadings.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("    ") }.joined(separator: "\n").replacingOccurrences(of: " ::", with: ".")
  }

  @Test func aSentenceUnderEachBoldHeadingStays() {
    #expect(DedupText.sections(Document(text: Self.boldHeadings)) != nil)
    #expect(removals(Self.boldHeadings).isEmpty)
    #expect(removals(Self.boldHeadingsWithoutCode).isEmpty)
  }

  /// Without the headings the same lines are one section: the repeat goes, as before.
  @Test func withoutBoldHeadingsTheRepeatGoes() {
    let plain = Self.boldHeadingsWithoutCode.split(separator: "\n", omittingEmptySubsequences: false)
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

extension WildTextS16Tests {
  /// pytest-benchmark's changelog: wrapped list items, two of which end with the same credit, one
  /// on the item's indented second line. The credit belongs to its item.
  static let changelog = """
    The plugin measures the time a test takes and keeps the results in a table that
    can be saved, compared with earlier runs and shown in the terminal as the tests
    run, with the columns and the sort order that the options below select.

    3.0.0 (2015-08-11)
    ------------------

    * Added ``--benchmark-columns`` command line option. It selects what columns are displayed in
      the result table. Contributed by Jane Roe in `#34 <https://example.org/pull/34>`_.
    * Added support for grouping by specific test parametrization (``--benchmark-group-by=param``).
      Contributed by Jane Roe in `#37 <https://example.org/pull/37>`_.
    * Added support for ``name`` or ``fullname`` in ``--benchmark-sort``.
      Contributed by Jane Roe in `#37 <https://example.org/pull/37>`_.

    """

  @Test func aCreditOnTheSecondLineOfAListItemStays() {
    #expect(removals(Self.changelog).isEmpty)
  }

  /// Not indented, the same line is no continuation of the item: its repeat goes as before.
  @Test func anUnindentedLineUnderAListIsNoContinuation() {
    let text = """
      * Added support for grouping by specific test parametrization in the report.
      Contributed by Jane Roe in the pull request number thirty-seven.
      * Added support for sorting by the full name of each test in the report.
      Contributed by Jane Roe in the pull request number thirty-seven.
      """
    #expect(removals(text).count == 1)
  }
}

/// Session 16: `normalize-unicode` keeps the indentation of a line that goes on with the list
/// item above it (`keep-list-indent`); before, it trimmed it, and the line became a paragraph of
/// its own (in Markdown and reStructuredText), which the dedup stages then took for one.
@Suite struct ListIndentS16Tests {
  func normalize(_ s: String, _ overrides: [String: OptionValue] = [:]) -> (String, [Change]) {
    let spec = NormalizeUnicode.spec
    var values: [String: OptionValue] = [:]
    for o in spec.options { values[o.name] = o.defaultValue }
    for (k, v) in overrides { values[k] = v }
    let stage = try! spec.make(StageOptions(values: values, baseDirectory: Repo.path("rules")))
    let p = Pipeline(entries: [Pipeline.Entry(id: NormalizeUnicode.id, stage: stage)])
    let (doc, log) = p.run(Document(text: s))
    return (doc.text, log.changes)
  }

  @Test func continuationLinesKeepTheirIndent() {
    let text = "* Added a column option.  It selects\n  the columns  shown.\n12. Twelfth item\n    goes on here\n- item\n   three spaces is no continuation\n\n  after a blank line"
    let (out, changes) = normalize(text)
    #expect(out == "* Added a column option. It selects\n  the columns shown.\n12. Twelfth item\n    goes on here\n- item\nthree spaces is no continuation\n\nafter a blank line")
    // The space run in the kept line is reported where the input has it (line 2, column 14).
    #expect(changes.contains { $0.line == 2 && $0.column == 14 && $0.rule == "space-run" })
    #expect(!changes.contains { $0.line == 2 && $0.rule == "trim" })
    #expect(!changes.contains { $0.line == 4 })
    #expect(changes.contains { $0.line == 6 && $0.rule == "trim" })
    #expect(changes.contains { $0.line == 8 && $0.rule == "trim" })
    // Off: every line is trimmed as before.
    let (off, _) = normalize(text, ["keep-list-indent": .bool(false)])
    #expect(!off.contains("\n  the"))
    // Stable: a second run changes nothing.
    #expect(normalize(out).0 == out)
  }

  /// pytest-benchmark's changelog as it is (not wrapped as a whole): an item's credit on its
  /// indented second line repeats the credit at the end of the item before.
  @Test func anIndentedCreditUnderAListItemStays() {
    let text = """
      * Added support for grouping by specific test parametrization. Contributed by Jane Roe in `#37 <https://example.org/pull/37>`_.
      * Added support for ``name`` or ``fullname`` in ``--benchmark-sort``.
        Contributed by Jane Roe in `#37 <https://example.org/pull/37>`_.
      """
    let r = Repo.pipeline.clean(text)
    #expect(r.text == text)
    #expect(!r.changes.contains { $0.applied })
  }
}
