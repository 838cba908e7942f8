import Testing

@testable import MendCore

/// `RemoveNearDuplicates.mayAlign`: the filter-bit bound `similarity` tests before aligning two
/// units must never be below the real common subsequence, or a near-duplicate would be missed.
@Suite struct NearDupBoundS17Tests {
  static func tokens(_ text: String) -> [DedupText.Token] {
    var out: [DedupText.Token] = []
    var s = text
    s.withUTF8 { DedupText.tokenize($0, 0..<$0.count, into: &out) }
    return out
  }

  /// The longest common subsequence of the words (by hash, as `similarity` aligns them).
  static func lcs(_ a: [DedupText.Token], _ b: [DedupText.Token]) -> Int {
    var prev = [Int](repeating: 0, count: b.count + 1)
    for x in a {
      var cur = [Int](repeating: 0, count: b.count + 1)
      for (j, y) in b.enumerated() { cur[j + 1] = x.hash == y.hash ? prev[j] + 1 : max(prev[j + 1], cur[j]) }
      prev = cur
    }
    return prev[b.count]
  }

  static func filter(_ t: [DedupText.Token]) -> SIMD4<UInt64> {
    var f = SIMD4<UInt64>()
    for x in t { f |= DedupText.UnitsCache.filterBit(x.hash) }
    return f
  }

  /// Pairs of sentences over a small vocabulary (so words repeat within and across them, and
  /// filter bits collide), the second one a copy with words dropped, inserted and swapped or an
  /// unrelated sentence: the bound is at least the subsequence every time, and `mayAlign` says
  /// no only when the subsequence misses the threshold too. It also says no to some pairs.
  @Test func boundIsNeverBelowTheAlignment() {
    let vocabulary = (0..<60).map { "w\($0)" } + ["the", "of", "and", "a", "in", "said", "says", "2019", "2020", "पानी", "नदी"]
    var rng = TestRandom(seed: 17)
    var rejected = 0
    for round in 0..<4000 {
      let n = Int.random(in: 3...40, using: &rng)
      let a = (0..<n).map { _ in vocabulary.randomElement(using: &rng)! }
      var b: [String]
      if round % 3 == 0 {
        b = (0..<Int.random(in: 3...40, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! }
      } else {
        b = a
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
          let k = Int.random(in: 0..<b.count, using: &rng)
          switch Int.random(in: 0..<3, using: &rng) {
          case 0: if b.count > 1 { b.remove(at: k) }
          case 1: b.insert(vocabulary.randomElement(using: &rng)!, at: k)
          default: b[k] = vocabulary.randomElement(using: &rng)!
          }
        }
      }
      let ta = Self.tokens(a.joined(separator: " "))
      let tb = Self.tokens(b.joined(separator: " "))
      let l = Self.lcs(ta, tb)
      let bound = min(
        RemoveNearDuplicates.present(ta[...], in: Self.filter(tb)), RemoveNearDuplicates.present(tb[...], in: Self.filter(ta)))
      #expect(bound >= l, "\(a) / \(b)")
      for need in [Double(l), Double(l) + 0.5, Double(l + 1), 0.8 * Double(min(ta.count, tb.count))] {
        let may = RemoveNearDuplicates.mayAlign(ta[...], tb[...], atLeast: need, all: 0)
        if !may {
          rejected += 1
          #expect(Double(l) < need, "\(a) / \(b) need \(need)")
        }
      }
      // `all` (a short unit must be matched whole): refused only when the subsequence is shorter.
      let short = min(ta.count, tb.count)
      if !RemoveNearDuplicates.mayAlign(ta[...], tb[...], atLeast: 0, all: short) { #expect(l < short) }
      #expect(RemoveNearDuplicates.mayAlign(ta[...], tb[...], atLeast: Double(l), all: 0))
    }
    #expect(rejected > 1000)
  }

  /// On the stage itself: the example pairs its rules keep and remove are decided as before
  /// (the bound lets the near-duplicates through) and two different sentences are refused.
  @Test func similarityUnchangedOnKnownPairs() throws {
    let stage = try #require(Repo.pipeline.entries.first { $0.id == "remove-near-duplicates" }?.stage as? RemoveNearDuplicates)
    let near = (
      "China claims to be neutral, but its behavior makes clear that it is still investing in close ties to Russia, state department says",
      "China claims to be neutral, but its behavior makes clear that it is still investing in close ties to Russia, a US state department spokesperson said."
    )
    #expect(stage.similarity(Self.tokens(near.0)[...], Self.tokens(near.1)[...], terminal: (false, true)) != nil)
    let different = ("The council approved the new budget for the coming year on Monday.", "Rescuers searched the river banks near the old bridge all night.")
    #expect(stage.similarity(Self.tokens(different.0)[...], Self.tokens(different.1)[...]) == nil)
    #expect(
      !RemoveNearDuplicates.mayAlign(
        Self.tokens(different.0)[...], Self.tokens(different.1)[...], atLeast: 0.8 * 11, all: 0))
  }
}

/// `DedupText.scanWords` hands the rest of a line to the byte loop when non-ASCII words come
/// close together (session 17): the words, pieces and irregular flag must still be the
/// reference's, whatever ASCII joins, triggers and dots sit among them.
@Suite struct ScanNonLatinS17Tests {
  @Test func lineMostlyInAnotherScriptIsTheReference() {
    let words = ["नमस्ते।", "मेरा", "नाम", "अकरम", "है।", "मैसूर", "Привет", "мир.", "日本語", "é", "naïve", "“quoted”", "—"]
    let ascii = ["I", "am", "45", "U.S.", "e.g.", "don't", "a.B", "5.", "3,5", "10:30", "(HIV-virus)", "x.5", ".", "?", "A"]
    var rng = TestRandom(seed: 0x5317)
    var lines: [String] = []
    for _ in 0..<3000 {
      var parts: [String] = []
      for _ in 0..<Int(rng.next() % 40) {
        let pool = rng.next() % 3 == 0 ? ascii : words
        parts.append(pool[Int(rng.next() % UInt64(pool.count))])
      }
      let sep = [" ", "  ", " ", "\t", ""][Int(rng.next() % 5)]
      lines.append(parts.joined(separator: sep))
    }
    #expect(DedupScanSIMDS11Tests.mismatches(lines) == 0)
    // The lines do take the new path: a line whose non-ASCII words are close together.
    let line = "नमस्ते। मेरा नाम अकरम है। I am from U.S. and मैं मैसूर से हूँ।"
    #expect(DedupScanSIMDS11Tests.scan(line, reference: false) == DedupScanSIMDS11Tests.scan(line, reference: true))
  }
}
