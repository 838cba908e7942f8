import Foundation
import Testing

@testable import MendCore

/// Session 22: HTML character references inside inline code spans stay as they are. Found on a
/// package README of this machine (stack_data) whose `foo = <b>bar</b> &lt; spam` shows escaped
/// output on purpose; normalize-unicode made it `<`.
@Suite struct EntityCodeSpanS22Tests {
  func normalize(_ s: String) throws -> String {
    let spec = try #require(StageRegistry.spec("normalize-unicode"))
    let s0 = try spec.make(StageOptions.defaults(for: spec, baseDirectory: "."))
    return Pipeline(entries: [Pipeline.Entry(id: spec.id, stage: s0)]).clean(s).text
  }

  @Test func referencesInCodeSpansStay() throws {
    #expect(
      try normalize("so for example `foo = <b>bar</b> &lt; spam` would be shown, Tom &amp; Jerry.")
        == "so for example `foo = <b>bar</b> &lt; spam` would be shown, Tom & Jerry.")
    // reStructuredText's double backticks, and several spans on one line.
    #expect(try normalize("RST ``a &amp; b`` then &lt;b&gt;.") == "RST ``a &amp; b`` then <b>.")
    #expect(
      try normalize("Two `x &amp; y` and `p &lt; q` then &gt; done &#8217;.")
        == "Two `x &amp; y` and `p &lt; q` then > done ’.")
    // References before a span shorten the line: the span still protects its own.
    #expect(try normalize("&lt;&lt;&lt; `a &amp; b` &amp;") == "<<< `a &amp; b` &")
  }

  /// A backtick without a partner (a stray tick, a run of another length) opens no span.
  @Test func unmatchedBackticksOpenNoSpan() throws {
    #expect(try normalize("A stray ` tick &amp; more.") == "A stray ` tick & more.")
    #expect(try normalize("Open `` one &amp; two ` three") == "Open `` one & two ` three")
  }

  @Test func spans() {
    func spans(_ s: String) -> [Range<Int>] { ScalarEditor.codeSpans(Array(s.unicodeScalars)) }
    #expect(spans("a `b` c") == [2..<5])
    #expect(spans("``x` y``") == [0..<8])
    #expect(spans("` a") == [])
    #expect(spans("`a` `b`") == [0..<3, 4..<7])
  }
}
