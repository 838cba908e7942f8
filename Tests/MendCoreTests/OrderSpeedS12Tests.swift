import CICU
import Foundation
import Testing

@testable import MendCore

/// Session 12: the vector pass over ASCII lines (mend_order.c) behind `OrderModel.contentKeys`
/// and `OrderModel.quickSigns` (`scanCapsMasked`). Each must give exactly what the Swift byte
/// loops give (`contentKeysReference`, `scanCaps`, and `lineMasks` off): on every Wikinews
/// article, and on random lines built to hit the token rules' edges (joiners, possessives, runs of
/// capitals, parentheses, 64-byte word boundaries, non-ASCII bytes, lines past the C maximum).
@Suite struct OrderSpeedS12Tests {
  static var model: OrderModel { RestoreOrderTests.stage.model }

  /// The models each test runs: the stage's and one with longer lists, through each path of the
  /// byte masks (the byte loop, SSE2, and the one the CPU would use).
  static func models() -> [OrderModel] {
    var out: [OrderModel] = []
    for base in [model, RestoreOrderS10Tests.customModel()] {
      for path: Int32 in [0, 1, 2] {
        var m = base
        m.maskPath = path
        out.append(m)
      }
    }
    return out
  }

  static func reference(_ m: OrderModel) -> OrderModel {
    var r = m
    r.lineMasks = false
    return r
  }

  static let pieces: [String] = [
    "the", "said", "government", "minister's", "years", "its", "it's", "x-ray", "well-known", "Putin", "Putin's",
    "Xi", "Jinping", "FSB", "(FSB)", "(Putin)", "NATO", "UK", "U.S.", "A", "I", "He", "They", "But", "In", "addition",
    "The", "pair", "President", "Minister", "Vladimir", "McDonald", "iPhone", "2020", "3rd", "a1b2", "x-Y", "x'Y",
    "--", "''", "'", "-", "-x", "x-", "'s", "s", "ss", "bus", "Bus", "BUS", "news", "cars", ",", ".", ";", ":",
    "!", "?", "\"", "(", ")", "/", "  ", "\t", "é", "’", "—", "“", "”", "Zoë", "abcdefghijklmnopqrstuvwxyz",
    "Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
  ]

  static func randomLine(_ rng: inout SplitMix64, ascii: Bool, maxPieces: Int) -> String {
    var s = ""
    for _ in 0..<Int(rng.next() % UInt64(maxPieces + 1)) {
      var p = pieces[Int(rng.next() % UInt64(pieces.count))]
      while ascii && !p.utf8.allSatisfy({ $0 < 0x80 }) { p = pieces[Int(rng.next() % UInt64(pieces.count))] }
      s += p
      if rng.next() % 4 != 0 { s += " " }
    }
    if rng.next() % 2 == 0 { s += "." }
    return s
  }

  /// Random lines, mostly ASCII, of every length up to a few 64-byte words, a few past the C
  /// maximum (4096 bytes).
  static func randomLines(seed: UInt64, count: Int) -> [String] {
    var rng = SplitMix64(seed: seed)
    var out: [String] = []
    for i in 0..<count {
      let ascii = rng.next() % 5 != 0
      out.append(randomLine(&rng, ascii: ascii, maxPieces: i % 50 == 49 ? 900 : 40))
    }
    return out
  }

  static func sameCaps(_ a: [OrderModel.QuickCap], _ b: [OrderModel.QuickCap]) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b)
    where
      !(x.key == y.key && x.stem == y.stem && x.line == y.line && x.first == y.first && x.inRun == y.inRun
      && x.allCaps == y.allCaps && x.inParens == y.inParens)
    {
      return false
    }
    return true
  }

  /// `scanCapsMasked` against `scanCaps` on each line, every combination of the opening flags;
  /// returns (lines that differ, caps compared).
  static func capsMismatches(_ m: OrderModel, _ lines: [String]) -> (Int, Int) {
    var bad = 0
    var compared = 0
    m.withWordTable(m.wordFlags.functionTitleMap, want: WordListFlags.function | WordListFlags.title) { table in
      let scratch = UnsafeMutablePointer<mend_order_cap>.allocate(capacity: OrderModel.maskedCapsCapacity)
      let converted = UnsafeMutablePointer<OrderModel.QuickCap>.allocate(capacity: OrderModel.maskedCapsCapacity)
      defer {
        scratch.deallocate()
        converted.deallocate()
      }
      for (li, line) in lines.enumerated() {
        var line = line
        line.withUTF8 { buf in
          for (check, need) in [(false, false), (false, true), (true, false), (true, true)] {
            var a: [OrderModel.QuickCap] = [
              OrderModel.QuickCap(key: 1, stem: 1, line: 0, first: false, inRun: false, allCaps: false, inParens: false)
            ]
            var b = a
            var oa = 0
            var ob = 0
            let ra = m.scanCapsMasked(
              buf, line: Int32(li), checkOpening: check, needOpens: need, caps: &a, opening: &oa, table: table,
              scratch: scratch, converted: converted)
            let rb = m.scanCaps(buf, line: Int32(li), checkOpening: check, needOpens: need, caps: &b, opening: &ob)
            if ra != rb || oa != ob || !sameCaps(a, b) { bad += 1 }
            compared += b.count - 1
          }
        }
      }
    }
    return (bad, compared)
  }

  static func keysMismatch(_ m: OrderModel, _ lines: [String]) -> Bool {
    let fast = m.contentKeys(lines)
    let slow = m.contentKeysReference(lines)
    return fast.keys != slow.keys || fast.offsets != slow.offsets
  }

  @Test func contentKeysAreTheReferenceOnWikinews() throws {
    let docs = try RestoreOrderQuickTests.corpusDocs()
    try #require(docs.count > 500, "the evaluation corpus is missing")
    for m in Self.models() {
      var bad = 0
      var keys = 0
      for doc in docs {
        if Self.keysMismatch(m, doc) { bad += 1 }
        keys += m.contentKeys(doc).keys.count
      }
      #expect(bad == 0)
      #expect(keys > 100_000)
    }
  }

  @Test func contentKeysAreTheReferenceOnRandomLines() {
    for m in Self.models() {
      let lines = Self.randomLines(seed: 21, count: 20_000)
      var bad = 0
      for start in stride(from: 0, to: lines.count, by: 10)
      where Self.keysMismatch(m, Array(lines[start..<(start + 10)])) {
        bad += 1
      }
      #expect(bad == 0)
      let edges = [
        "", " ", "abcd", "abcds", "Abcd", "ab'cd", "abcd'", "x-abc", "a--bcde", String(repeating: "abcd ", count: 1000),
      ]
      let edgesDiffer = Self.keysMismatch(m, edges)
      #expect(!edgesDiffer)
    }
  }

  @Test func capsAreTheReferenceOnWikinews() throws {
    let docs = try RestoreOrderQuickTests.corpusDocs()
    try #require(docs.count > 500, "the evaluation corpus is missing")
    for m in Self.models() {
      var bad = 0
      var compared = 0
      var signsBad = 0
      let r = Self.reference(m)
      for doc in docs {
        let (b, c) = Self.capsMismatches(m, doc)
        bad += b
        compared += c
        let plain = doc.map { FragmentClassifier.isPlainBody($0) }
        for zMin in [nil, -1.882] as [Double?] {
          let x = m.quickSigns(doc, plainBody: plain, expectationFrom: 2, zMin: zMin)
          let y = r.quickSigns(doc, plainBody: plain, expectationFrom: 2, zMin: zMin)
          if x.count != y.count || x.expected.bitPattern != y.expected.bitPattern
            || x.variance.bitPattern != y.variance.bitPattern || x.opensExact != y.opensExact
          {
            signsBad += 1
          }
        }
      }
      #expect(bad == 0)
      #expect(signsBad == 0)
      #expect(compared > 100_000)
    }
  }

  @Test func capsAreTheReferenceOnRandomLines() {
    for m in Self.models() {
      let lines =
        Self.randomLines(seed: 22, count: 20_000) + [
          "", " ", "A", "He", "he", "But Xi", "In addition, Xi met.", "The pair met.", "(FSB)", "a (FSB) b",
          "Putin's Xi-led BRICS", "x-Y Zed", "US UK EU", "Vladimir  Putin", "Vladimir, Putin", "Vladimir-Putin",
          String(repeating: "Abc ", count: 1100),
        ]
      let (bad, compared) = Self.capsMismatches(m, lines)
      #expect(bad == 0)
      #expect(compared > 50_000)
    }
  }
}
