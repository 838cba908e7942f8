import Foundation
import Testing

@testable import MendCore

/// Session 9: `remove-near-duplicates` counts the candidates of a long document on bit sets of
/// units instead of walking its posting lists. Both must give the same candidates, counts and
/// therefore the same removals; these documents make the lists long (a small vocabulary, so
/// every sketch word is common and lists reach `max-posting`), hold real near copies (so the
/// comparison is not vacuous) and are run on the full path (the cheap pass off), with options
/// that move the cap, the number of checks and the shared-word threshold.
@Suite struct DedupS9Tests {
  /// A document of paragraphs of several sentences from a vocabulary of `vocabulary` words, with
  /// truncated and one-word-changed copies of earlier sentences, some as whole lines and some
  /// inside other paragraphs.
  static func document(seed: UInt64, lines: Int, vocabulary: Int) -> String {
    var rng = TestRandom(state: seed)
    let words = Array(SplitMix64.vocabulary.prefix(vocabulary))
    func sentence(_ n: Int) -> [String] { (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] } }
    func text(_ ws: [String], end: Bool = true) -> String { "Z" + ws.joined(separator: " ") + (end ? "." : "") }
    var made: [[String]] = []
    var out: [String] = []
    for i in 0..<lines {
      var paragraph: [String] = []
      for _ in 0..<(1 + Int(rng.next() % 5)) {
        let s = sentence(8 + Int(rng.next() % 8))
        made.append(s)
        paragraph.append(text(s))
      }
      if i % 7 == 3, made.count > 10 {
        // A cut copy of an earlier sentence (no final stop), inside this paragraph.
        let s = made[Int(rng.next() % UInt64(made.count - 5))]
        paragraph.append(text(Array(s.prefix(s.count - 2)), end: false))
      }
      out.append(paragraph.joined(separator: " "))
      if i % 11 == 5, made.count > 10 {
        // An earlier sentence with one word changed, as a line of its own.
        var s = made[Int(rng.next() % UInt64(made.count - 3))]
        s[s.count / 2] = words[Int(rng.next() % UInt64(words.count))] + "ed"
        out.append(text(s))
      }
    }
    return out.joined(separator: "\n")
  }

  /// `capitals` counts 8 bytes at a time: every byte value at every offset of a buffer, over
  /// ranges that start and end anywhere, against a byte-by-byte count.
  @Test func capitalsCountsEveryCapitalByte() {
    var rng = TestRandom(state: 5)
    for value in 0...255 {
      var bytes = (0..<37).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      for at in stride(from: value % 3, to: bytes.count, by: 3) { bytes[at] = UInt8(value) }
      bytes.withUnsafeBufferPointer { buf in
        for lo in [0, 1, 5, 8] {
          for hi in [lo, lo + 1, lo + 7, lo + 8, lo + 9, 29, 37] where hi >= lo && hi <= buf.count {
            let naive = buf[lo..<hi].filter { $0 >= 0x41 && $0 <= 0x5A }.count
            #expect(DedupText.capitals(buf, lo..<hi) == naive, "value \(value) range \(lo)..<\(hi)")
          }
        }
      }
    }
  }

  static func runFull(_ text: String, bits: Bool, _ overrides: [String: OptionValue]) -> (String, [String]) {
    var nd: RemoveNearDuplicates = DedupFastPathTests.stage(RemoveNearDuplicates.spec, fast: false, overrides)
    nd.fastPath = false
    nd.bitCounts = bits
    let pipeline = Pipeline(
      entries: [Pipeline.Entry(id: RemoveNearDuplicates.id, stage: nd)], abbreviations: Repo.rules.abbreviations)
    let (doc, log) = pipeline.run(Document(text: text))
    return (doc.text, DedupFastPathTests.describe(log.changes))
  }

  @Test(arguments: [
    [:],
    ["max-posting": OptionValue.int(3)],
    ["max-posting": OptionValue.int(12), "max-checks": OptionValue.int(1)],
    ["sketch": OptionValue.int(3)],
    ["sketch": OptionValue.int(1), "max-checks": OptionValue.int(2)],
    ["sketch": OptionValue.int(15), "max-posting": OptionValue.int(20)],
  ] as [[String: OptionValue]])
  func bitCountsGiveThePostingWalksRemovals(_ overrides: [String: OptionValue]) {
    for (seed, vocabulary) in [(UInt64(1), 30), (2, 60), (3, 200)] {
      let text = Self.document(seed: seed, lines: 150, vocabulary: vocabulary)
      let walk = Self.runFull(text, bits: false, overrides)
      let bits = Self.runFull(text, bits: true, overrides)
      #expect(!walk.1.isEmpty, "seed \(seed): the full path removes copies")
      #expect(bits.0 == walk.0, "seed \(seed) \(overrides)")
      #expect(bits.1 == walk.1, "seed \(seed) \(overrides)")
    }
  }
}
