import Foundation
import Testing

/// Session 7: the corpus decoder notes each line's `TextFacts` while it decodes (one pass with
/// the record scan), and normalize-unicode trusts them. `mend fix` makes its lines from the text
/// without facts, so it is the reference: the same lines through both give the same repairs.
@Suite struct CorpusFastPathS7Tests {
  /// Records made of pieces that matter to the facts — single and double spaces, `\u0020` next
  /// to a raw space (a pair only after decoding), '&', DEL, `\t`, `\"`, non-ASCII — placed after
  /// plain runs of every length (so at every lane of the 16- and 64-byte steps and across their
  /// edges). Each record's repaired lines equal `mend fix`'s repair of the same lines. Debug
  /// builds also assert, for every line, that the decoder's facts equal `TextFacts.of` its text.
  /// Fails if the decoder misses a pair across a chunk edge or an escape, or an '&' or DEL.
  @Test func decodedFactsGiveTheRepairsOfPlainText() throws {
    let dir = CLI.scratch("s7facts")
    // JSON-escaped pieces, and what they decode to.
    let pieces: [(json: String, text: String)] = [
      (" ", " "), ("  ", "  "), ("\\u0020", " "), (" \\u0020", "  "), ("\\u0020 ", "  "), ("&", "&"), ("&amp;", "&amp;"),
      ("\u{7F}", "\u{7F}"), ("\\t", "\t"), ("\\\"", "\""), ("é", "é"), ("हिन्दी", "हिन्दी"), ("\\u00e9", "é"), ("\u{A0}", "\u{A0}"),
      ("\\n", "\n"), (". ", ". "), ("\\u0026", "&"),
    ]
    var rng = TestRandom(state: 17)
    var records = ""
    var texts: [String] = []
    for k in 0..<600 {
      var json = ""
      var text = ""
      for _ in 0..<Int.random(in: 1..<6, using: &rng) {
        let run = String(repeating: "x", count: Int.random(in: 0..<80, using: &rng))
        json += run
        text += run
        let p = pieces[Int.random(in: 0..<pieces.count, using: &rng)]
        json += p.json
        text += p.text
      }
      json += "end\(k)"
      text += "end\(k)"
      records += "{\"text\":\"\(json)\"}\n"
      texts.append(text)
    }
    let repaired = try Self.normalizedBothWays(records: records, texts: texts, dir: dir)
    // The pieces made repairs (space runs, entities, controls) in most records.
    let changed = zip(repaired, texts).filter { !$0.0.utf8.elementsEqual($0.1.utf8) }.count
    #expect(changed > 300)
  }

  /// `mend corpus` on the JSONL `records` and `mend fix` on the same `texts` (one a line), both
  /// with normalize-unicode alone: every repaired text must be the same both ways. Returns the
  /// corpus command's repaired texts.
  static func normalizedBothWays(records: String, texts: [String], dir: String) throws -> [String] {
    let input = dir + "/in.jsonl"
    let plain = dir + "/in.txt"
    try records.write(toFile: input, atomically: true, encoding: .utf8)
    try (texts.joined(separator: "\n") + "\n").write(toFile: plain, atomically: true, encoding: .utf8)
    let rules = try CorpusFastPathS5Tests.rules(dir, enabled: ["normalize-unicode"])
    let corpus = try CLI.run(["corpus", input, "--jobs", "1", "--rules", rules])
    let fix = try CLI.run(["fix", plain, "--rules", rules])
    #expect(corpus.status == 0, "\(corpus.stderr)")
    #expect(fix.status == 0, "\(fix.stderr)")
    var repaired: [String] = []
    for line in corpus.stdout.split(separator: 0x0A) {
      let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
      repaired.append(try #require(object?["text"] as? String))
    }
    let expected = fix.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let got = (repaired.joined(separator: "\n") + "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(got.count == expected.count)
    let differ = zip(got, expected).filter { !$0.0.utf8.elementsEqual($0.1.utf8) }.count
    #expect(differ == 0)
    return repaired
  }
}
