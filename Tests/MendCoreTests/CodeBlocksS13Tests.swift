import Foundation
import Testing

@testable import MendCore

/// Session 13: Markdown fenced code blocks (`code-blocks:` in the rules, `CodeBlocks`). Found on
/// the package descriptions of 115 Python packages (their METADATA files) and Debian READMEs:
/// code lines removed as repeats of the same call in an earlier example, and
/// `# ... dynamic crypto libs loading` inside a block became `lib's`.
@Suite struct CodeBlocksS13Tests {
  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Repo.pipeline.clean(s)
    return (r.text, r.changes)
  }

  /// aws-xray-sdk's description, shortened: the same calls in two examples.
  let twoExamples = """
    Start a segment and add metadata to it:

    ```python
    segment = xray_recorder.begin_segment('segment_name')
    # Add metadata or annotation here if necessary
    segment.put_metadata('key', dict, 'namespace')
    xray_recorder.end_segment()
    ```

    Or use a context manager, which ends the segment for you:

    ```python
    with xray_recorder.in_segment('segment_name') as segment:
        # Add metadata or annotation here if necessary
        segment.put_metadata('key', dict, 'namespace')
    ```

    """

  @Test func linesRepeatedInsideFencedBlocksStay() {
    let r = fix(twoExamples)
    #expect(r.text == twoExamples)
    #expect(r.changes.filter(\.applied).isEmpty)
  }

  @Test func wordsInsideAFencedBlockAreNotRepaired() {
    let s = """
      For example, on Ubuntu:
      ```
        # ltdl is required to support dynamic crypto libs loading
        apt install libltdl7 libltdl-dev
      ```
      """
    #expect(fix(s).text == s)
  }

  /// The prose around a block is repaired as before, and a removal's line number is the input's.
  @Test func proseAroundBlocksIsStillRepaired() {
    let s = """
      Moscows answer came late.
      ~~~
      dont touch this
      ~~~
      Officials said the plan was delayed again because of the weather in the north.
      Officials said the plan was delayed again because of the weather in the north.
      """
    let r = fix(s)
    #expect(
      r.text == """
        Moscow's answer came late.
        ~~~
        dont touch this
        ~~~
        Officials said the plan was delayed again because of the weather in the north.
        """)
    let removal = r.changes.first { $0.applied && $0.action == .remove }
    #expect(removal?.line == 6)
  }

  /// A sentence outside the blocks that repeats one inside them is not removed: the block's
  /// lines are never the copy of another.
  @Test func aBlockLineIsNoCopyOfProse() {
    let s = """
      ```
      The global interpreter lock is held for the duration of the call.
      ```
      The global interpreter lock is held for the duration of the call.
      """
    #expect(fix(s).text == s)
  }

  /// normalize-unicode leaves a block too: indentation, alignment, entities and CRLF line ends
  /// stay; the prose around it is normalised.
  @Test func blocksComeOutByteForByte() {
    let s = "Tom &amp; Jerry  ran.\r\n```html\r\n    <p>Tom &amp; Jerry</p>\r\n    a  =  1\r\n```\r\nThe end.  \r\n"
    #expect(fix(s).text == "Tom & Jerry ran.\n```html\r\n    <p>Tom &amp; Jerry</p>\r\n    a  =  1\r\n```\r\nThe end.\n")
  }

  @Test func fencesAreFoundAsCommonMarkHasThem() {
    func ranges(_ s: String) -> [Range<Int>] { CodeBlocks.fencedRanges(Document(text: s)) }
    // Closed by the same character, at least as long, bare.
    #expect(ranges("a\n```\nx\n```\nb") == [1..<4])
    #expect(ranges("a\n````\nx\n```\ny\n````\nb") == [1..<6])
    #expect(ranges("~~~\nx\n```\ny\n~~~") == [0..<5])
    #expect(ranges("```\nx\n``` not bare\ny\n```") == [0..<5])
    // An info string, an indent (a block inside a list item).
    #expect(ranges("- step:\n    ```sh\n    make\n    ```\n- done") == [1..<4])
    // Never closed: to the end of the document.
    #expect(ranges("a\n```\nx\ny") == [1..<4])
    // A line of a lone CR (a CRLF blank line) is blank.
    #expect(ranges("a\r\n\r\n```\r\nx\r\n```\r\n") == [2..<5])
    #expect(CodeBlocks.literalRanges(Document(text: "\r\n\r\nText::\r\n\r\n  a\r\n")) == [2..<5])
    // Inline code, two backticks, and a fence character later in the line are no fences.
    #expect(ranges("```x``` is inline\n``\nsay ``` here").isEmpty)
  }

  /// responses' and regex's descriptions (reStructuredText), shortened.
  @Test func restructuredTextLiteralAndDoctestBlocksStay() {
    let s = """
      Register a response:

      .. code-block:: python
          :linenos:

          responses.add(
              responses.GET,
              "http://twitter.com/api/1/foobar",
          )
          responses.add(
              responses.GET,
              "http://twitter.com/api/1/foobar",
          )

      Partial matches, as the user types::

        >>> # It matches this far, but it's only a partial match.
        >>> print(pattern.fullmatch('1', partial=True))
        >>> # It matches this far, but it's only a partial match.

      >>> print(x)  # dont
      >>> print(x)  # dont

      The documentation then goes on to the next topic. The documentation then goes on to the next topic.

      """
    #expect(fix(s).text == s.replacingOccurrences(of: " The documentation then goes on to the next topic.\n", with: "\n"))
  }

  @Test func literalBlocksAreFoundAsDocutilsHasThem() {
    func ranges(_ s: String) -> [Range<Int>] { CodeBlocks.literalRanges(Document(text: s)) }
    // After a paragraph ending with ::, up to the first line that is not deeper; trailing blank
    // lines left out.
    #expect(ranges("Example::\n\n    a\n\n    b\n\nText.") == [0..<5])
    #expect(ranges("::\n\n  a\nText.") == [0..<3])
    // A code directive, its line and its options included.
    #expect(ranges(".. code-block:: sh\n   :linenos:\n\n   make\nText.") == [0..<4])
    // Prose directives, a :: with nothing deeper after it, and :: inside a line are not.
    #expect(ranges(".. note::\n\n   Read this.\nText.").isEmpty)
    #expect(ranges("Example::\n\nText.\n").isEmpty)
    #expect(ranges("Use std::vector here.\n  indented").isEmpty)
    // A doctest block ends at a blank line.
    #expect(ranges("Text.\n>>> 1 + 1\n2\n\nMore.") == [1..<3])
  }

  @Test func setAsideAndRestoreGiveTheDocumentBack() {
    let s = "a\n```\nx\n```\nb\n~~~\ny\n"
    var d = Document(text: s)
    let original = d
    let aside = CodeBlocks.setAside(&d)
    #expect(aside != nil)
    #expect(d.fragments.map(\.text) == ["a", "", "b", ""])
    if let aside { CodeBlocks.restore(aside, into: &d) }
    #expect(d == original)
    // A dropped placeholder: its block goes back before the first later input line.
    var e = Document(text: s)
    if let a = CodeBlocks.setAside(&e) {
      e.fragments.removeAll { $0.text.isEmpty && $0.line == 2 }
      CodeBlocks.restore(a, into: &e)
    }
    #expect(e.fragments.map(\.line) == original.fragments.map(\.line))
  }

  /// Without the section (or with `fenced: false`) the stages see the blocks as before.
  @Test func theRulesDecide() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-cb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let off = dir.appendingPathComponent("off.yml").path
    try "version: 1\nextends: default\ncode-blocks:\n  fenced: false\n".write(toFile: off, atomically: true, encoding: .utf8)
    let set = try RuleSet.load(path: off, defaultPath: Repo.defaultRules)
    #expect(set.codeBlocks.fenced == false)
    #expect(set.codeBlocks.stages == Repo.rules.codeBlocks.stages)
    let p = try Pipeline(rules: set)
    #expect(p.clean(twoExamples).text != twoExamples)
    let bad = dir.appendingPathComponent("bad.yml").path
    try "version: 1\ncode-blocks:\n  stages: [repair-apostrophes, no-such-stage]\n".write(
      toFile: bad, atomically: true, encoding: .utf8)
    #expect {
      _ = try RuleSet.load(path: bad)
    } throws: { e in
      let r = e as? RulesError
      return r?.line == 3 && r?.message.contains("unknown stage id 'no-such-stage'") == true
    }
  }
}
