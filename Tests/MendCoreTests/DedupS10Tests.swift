import Foundation
import Testing

@testable import MendCore

/// Session 10: `DocScan.quickSetAside`, the cheap form of `nearDuplicateLines`' set-aside test
/// that settles most documents before the proof's passes (a table of per-piece counts of stem
/// keys, every word counted, soft words included). It may settle a document only when no pair of
/// units can pass the stage's tests. Each document here holds one real near-duplicate pair among
/// filler paragraphs whose every sentence has a word of its own (so the quick test would settle
/// the document if it set the pair's pieces aside too): the pair's words are tuned to the ways
/// the test could be too aggressive.
@Suite struct DedupS10Tests {
  /// Paragraphs of three sentences, each sentence with words of its own (stems no other word of
  /// the document has) among words from a shared list.
  static func filler(seed: UInt64, lines: Int) -> [String] {
    var r = TestRandom(state: seed)
    let shared = (0..<30).map { _ in r.word() }
    var stems = Set(shared.map { $0.prefix(4) })
    for w in ["regi", "coun", "reje", "prop", "buil", "seco", "brid", "over", "rive", "tues", "poli", "coll", "near", "harb",
      "frid", "fact", "gdan", "clos", "befo", "dece", "acco", "budg", "nurs", "rais", "perc", "july", "repo", "miss"]
    {
      stems.insert(Substring(w))
    }
    var own: [String] = []
    while own.count < 9 * lines {
      let w = r.word() + "ed"
      if stems.insert(w.prefix(4)).inserted { own.append(w) }
    }
    func sentence() -> String {
      // Three words of their own: the quick test's slots are shared by different keys now and
      // then, and a piece whose only own word shares its slot is not set aside (safe, weaker).
      var words = (0..<7).map { _ in shared[Int(r.next() % UInt64(shared.count))] }
      for _ in 0..<3 { words.insert(own.removeLast(), at: Int(r.next() % UInt64(words.count + 1))) }
      return "Z" + words.joined(separator: " ") + "."
    }
    return (0..<lines).map { _ in (0..<3).map { _ in sentence() }.joined(separator: " ") }
  }

  /// The pairs (earlier copy, later copy) and what each tests.
  static let pairs: [(String, String, String)] = [
    // An inflection: the copy's own word `rejects` and the original's `rejected` share a stem
    // (the first four bytes), not a shape. Keyed by shape, each would be a stem of one piece.
    (
      "The regional council rejected the proposal to build a second bridge over the river on Tuesday.",
      "The regional council rejects the proposal to build a second bridge over the river.",
      "inflection"
    ),
    // A soft word of one piece only (`according`, `say`): a soft word never sets a piece aside,
    // however rare; taken as a content word, both copies would be set aside.
    (
      "According to police, the bridge collapsed near the harbour on Friday.",
      "Police say the bridge collapsed near the harbour on Friday.",
      "soft word of its own"
    ),
    // Both copies in one paragraph, between filler sentences: pieces of one line are counted
    // apart (a stem in two pieces of one line occurs in two pieces).
    (
      "Mr. Kowalski announced that the factory in Gdansk will close before December.",
      "Mr. Kowalski said the factory in Gdansk will close before December, costing jobs.",
      "one line"
    ),
    // Numbers: a number's stem is the number itself.
    (
      "The 2024 budget gives 3,500 nurses a raise of 4.5 percent from July onwards.",
      "The 2024 budget gives 3,500 nurses a raise of 4.5 percent",
      "numbers"
    ),
    // A content word with a soft word's shape (`reporter`, like `reported`) is content.
    (
      "The reporter of the mission was missing, police said.",
      "The reporter of the mission was missing",
      "soft word's shape"
    ),
  ]

  static func document(_ k: Int, seed: UInt64) -> String {
    var lines = filler(seed: seed, lines: 60)
    let (a, b, what) = pairs[k]
    if what == "one line" {
      lines[20] += " " + a + " " + lines[21] + " " + b
      lines.remove(at: 21)
    } else {
      lines[10] += " " + a
      lines.insert(b, at: 40)
    }
    return lines.joined(separator: "\n")
  }

  static func quick(_ text: String) -> Bool {
    let nd: RemoveNearDuplicates = DedupFastPathTests.stage(RemoveNearDuplicates.spec, fast: true)
    return DedupText.DocScan.of(Document(text: text)).quickSetAside(minWords: nd.minWords, soft: nd.softSet)
  }

  /// The filler alone is settled by the quick test (so the pair documents below are not
  /// settled only because the filler is not).
  @Test func fillerIsSettled() {
    for seed: UInt64 in [1, 2, 3] {
      #expect(Self.quick(Self.filler(seed: seed, lines: 60).joined(separator: "\n")), "seed \(seed)")
    }
  }

  @Test(arguments: 0..<5)
  func realPairIsNotSettled(_ k: Int) {
    for seed: UInt64 in [1, 2] {
      let text = Self.document(k, seed: seed)
      #expect(!Self.quick(text), "\(Self.pairs[k].2): the quick test settles a document with a pair")
      #expect(DedupFastPathTests.nearDuplicateMayHold(text).stage, "\(Self.pairs[k].2)")
      DedupFastPathTests.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, "\(Self.pairs[k].2): a real pair")
    }
  }

  /// Documents of many near copies (paragraphs from a small vocabulary, cut and changed copies):
  /// the fast path (with the quick test) gives the full path's output, and some of them get past
  /// the quick test (not vacuous) while others are settled by it.
  @Test func sameOutputOnRandomDocuments() {
    var settled = 0
    var open = 0
    for seed: UInt64 in 1...12 {
      let vocabulary = seed % 3 == 0 ? 2_000 : 300
      let text = DedupS9Tests.document(seed: seed, lines: 12 + Int(seed) * 3, vocabulary: Int(vocabulary))
      if Self.quick(text) { settled += 1 } else { open += 1 }
      let fast = DedupFastPathTests.run(text, fast: true)
      let full = DedupFastPathTests.run(text, fast: false)
      #expect(fast.0 == full.0, "seed \(seed)")
      #expect(DedupFastPathTests.describe(fast.1) == DedupFastPathTests.describe(full.1), "seed \(seed)")
    }
    #expect(open > 0)
  }

  /// `missingExceeds` (clearing bits one at a time, no popcount) against `missingBound` (the
  /// count) on filters with 0 to 12 bits spread over the four lanes in every way.
  @Test func missingBoundAgreesWithItsTest() {
    var r = TestRandom(state: 9)
    var over = 0
    for _ in 0..<20_000 {
      var sketch = SIMD4<UInt64>()
      var words = SIMD4<UInt64>()
      for _ in 0..<Int(r.next() % 13) { let b = r.next(); sketch[Int(b >> 62)] |= 1 << ((b >> 56) & 63) }
      for _ in 0..<Int(r.next() % 40) { let b = r.next(); words[Int(b >> 62)] |= 1 << ((b >> 56) & 63) }
      let exceeds = RemoveNearDuplicates.missingExceeds(sketch, words)
      #expect(exceeds == (RemoveNearDuplicates.missingBound(sketch, words) > RemoveNearDuplicates.maxMissing))
      if exceeds { over += 1 }
    }
    #expect(over > 1_000 && over < 19_000)
  }

  /// The routing: a long document of chatty paragraphs (a small vocabulary, so few pieces have a
  /// word of their own) with near copies goes to the exact path at once (nil), and the fast path
  /// gives the full path's output and removals (routing moves work between two exact paths); a
  /// shorter one of the same kind is not routed (the proof runs). The threshold cannot be too
  /// aggressive for the output; this checks that routed documents are still decided exactly.
  @Test func manyOpenWordsTakeTheExactPath() {
    let nd: RemoveNearDuplicates = DedupFastPathTests.stage(RemoveNearDuplicates.spec, fast: true)
    for (lines, routed) in [(420, true), (40, false)] {
      let text = DedupS9Tests.document(seed: 3, lines: lines, vocabulary: 150)
      let scan = DedupText.DocScan.of(Document(text: text))
      var open = 0
      _ = withUnsafeMutablePointer(to: &open) { scan.quickSetAside(minWords: nd.minWords, soft: nd.softSet, openWords: $0) }
      #expect((open > DedupText.DocScan.exactPathOpenWords) == routed, "open words \(open)")
      let pairs = scan.nearDuplicateLines(
        minWords: nd.minWords, maxWords: nd.maxWords, minContainment: nd.minContainment, minCoverage: nd.minCoverage,
        soft: nd.softSet, sketch: nd.sketch)
      if routed { #expect(pairs == nil) }
      DedupFastPathTests.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, "lines \(lines)")
    }
  }

  /// `DedupText.scalar` (continuation bytes unrolled) against `Unicode.Scalar`'s own encoding
  /// for scalars of every length, and against the former loop on sequences cut short by the end
  /// of the range.
  @Test func scalarDecodesEveryLength() {
    func loop(_ b: [UInt8], _ i: Int, _ end: Int) -> (UInt32, Int) {
      let c = b[i]
      var v: UInt32
      var n: Int
      if c >= 0xF0 { v = UInt32(c & 0x07); n = 4 } else if c >= 0xE0 { v = UInt32(c & 0x0F); n = 3 } else if c >= 0xC0 { v = UInt32(c & 0x1F); n = 2 } else { v = UInt32(c); n = 1 }
      if i + n > end { n = end - i }
      if n > 1 { for k in 1..<n { v = (v << 6) | UInt32(b[i + k] & 0x3F) } }
      return (v, n)
    }
    var r = TestRandom(state: 21)
    for range in [UInt32(0)...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF] {
      for _ in 0..<2_000 {
        let v = range.lowerBound + UInt32(r.next() % UInt64(range.upperBound - range.lowerBound + 1))
        let bytes = Array(String(Unicode.Scalar(v)!).utf8) + [0x20]
        bytes.withUnsafeBufferPointer { buf in
          let (d, n) = DedupText.scalar(buf, 0, bytes.count)
          #expect(d == v && n == bytes.count - 1, "\(v)")
          for end in 1...(bytes.count - 1) {
            let got = DedupText.scalar(buf, 0, end)
            let want = loop(bytes, 0, end)
            #expect(got.0 == want.0 && got.1 == want.1, "\(v) cut at \(end)")
          }
        }
      }
    }
  }
}
