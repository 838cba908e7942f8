import MendCore
import Testing

/// Seeded random documents built from pieces real scraped text contains: the default pipeline
/// must be idempotent and deterministic on all of them.
@Suite struct PropertyTests {
  typealias Rng = SplitMix64

  static let pieces = [
    "The", "president", "said", "on", "Wednesday", "Moscows", "Chinas", "dont", "its", "it's", "Xi", "Jinping",
    ".", ",", "!", "?", " ", " ", " ", "  ", "\u{A0}", "\u{2009}", "&amp;", "&#8217;", "&rsquo;", "â€™", "Ã©",
    "café", "Москва", "東京", "👩‍👩‍👧", "e\u{301}", "\u{200B}", "\u{7}", "\r", "\n", "\n", "\n", "\"", "“", "”",
    "’", "—", "Photograph", "AP", "Reuters", "(FSB)", "U.S.", "Dr.", "2022", "$147bn", "https://example.com/a/b",
    // Session 13: code blocks and structure (`CodeBlocks`, keep-structure, sections).
    "\n```\n", "\n~~~~\n", "\n>>> ", "::\n\n", "\n.. code-block:: python\n", "\n    ", "\t", "\n## ", "\n** ",
    "\n[note]\n", "\n===\n", "\n=item ", "\n$ make",
  ]

  static func document(seed: UInt64) -> String {
    var rng = Rng(seed: seed)
    var s = ""
    let n = Int.random(in: 0..<120, using: &rng)
    for _ in 0..<n {
      s += pieces.randomElement(using: &rng)!
      if Bool.random(using: &rng) { s += " " }
    }
    return s
  }

  @Test(arguments: 0..<1000)
  func idempotentAndDeterministic(seed: Int) {
    let doc = Self.document(seed: UInt64(seed))
    let (once, changes) = Repo.pipeline.clean(doc)
    let (again, _) = Repo.pipeline.clean(doc)
    #expect(once == again, "not deterministic")
    let (twice, more) = Repo.pipeline.clean(once)
    #expect(twice == once, "not idempotent: \(more.filter(\.applied).map { "\($0.stage)/\($0.rule) '\($0.before)'->'\($0.after)'" })")
    // Every changed document has at least one change record: nothing changes silently.
    if once != doc { #expect(!changes.filter(\.applied).isEmpty) }
    // Lines are never merged: the output has no more lines than the input (CR splits aside).
    let crs = doc.unicodeScalars.filter { $0 == "\r" }.count
    #expect(once.split(separator: "\n", omittingEmptySubsequences: false).count
      <= doc.split(separator: "\n", omittingEmptySubsequences: false).count + crs)
  }
}
