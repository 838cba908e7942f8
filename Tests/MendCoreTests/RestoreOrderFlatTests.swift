import Foundation
import Testing

@testable import MendCore

/// The decline test reads the flat analysis (`OrderAnalysis`); the search reads `Sentence` values
/// and the n × n matrices. Both must say the same thing about every document.
@Suite struct RestoreOrderFlatTests {
  static var stage: RestoreOrder { RestoreOrderTests.stage }

  /// Corpus documents (crudely split, in order and shuffled), the body lines only.
  static func bodies(limit: Int) throws -> [[String]] {
    var out: [[String]] = []
    for doc in try RestoreOrderQuickTests.corpusDocs().prefix(limit) {
      let body = doc.filter { stage.kind(of: $0) == .body }
      if body.count >= 3 { out.append(body) }
    }
    return out
  }

  /// The random-order z as the matrices give it: the same random orders, each scored by
  /// `OrderModel.scoreParts` over the full pair and neighbour matrices.
  static func referenceZ(_ stage: RestoreOrder, _ ss: [OrderModel.Sentence]) -> (Double, Double, Double) {
    let n = ss.count
    let (pair, adj) = stage.model.scores(ss)
    let first = stage.model.firstScores(ss)
    var rng = SplitMix64(seed: 0x6D65_6E64 &+ UInt64(n))
    let samples = n <= 60 ? 24 : 8
    var perm = Array(0..<n)
    let (gp, ga) = OrderModel.scoreParts(perm, pair: pair, adjacent: adj, n: n)
    var vs: [Double] = [], ps: [Double] = [], as_: [Double] = []
    for _ in 0..<samples {
      perm.shuffle(using: &rng)
      let (p, a) = OrderModel.scoreParts(perm, pair: pair, adjacent: adj, n: n)
      vs.append(p + a + first[perm[0]])
      ps.append(p)
      as_.append(a)
    }
    func z(_ g: Double, _ xs: [Double]) -> Double {
      let m = xs.reduce(0, +) / Double(xs.count)
      let sq = xs.reduce(0) { $0 + $1 * $1 } / Double(xs.count)
      return (g - m) / max((sq - m * m).squareRoot(), 1e-9)
    }
    return (z(gp + ga + first[0], vs), z(ga, as_), z(gp, ps))
  }

  @Test func flatZEqualsTheMatrixZ() throws {
    var docs = try Self.bodies(limit: 120)
    if docs.isEmpty { docs = [RestoreOrderTests.lines(try RestoreOrderTests.example())] }
    var compared = 0
    for body in docs {
      let flat = Self.stage.model.analyzeFlat(body)
      let ss = flat.sentences()
      let fast = Self.stage.randomOrderZ(flat, first: Self.stage.model.firstScores(flat))
      let ref = Self.referenceZ(Self.stage, ss)
      for (x, y) in [(fast.0, ref.0), (fast.1, ref.1), (fast.2, ref.2)] {
        #expect(abs(x - y) < 1e-6 * max(1, abs(y)), "\(body.first ?? "")")
      }
      compared += 1
    }
    #expect(compared >= 1)
  }

  @Test func listCountIsTheNumberOfLists() {
    #expect(OrderAnalysis.lists == OrderAnalysis.List.allCases.count)
    #expect(OrderModel.Feature.unaryCount == OrderModel.Feature.nameIntroduction.rawValue)
  }

  @Test func flatAnalysisRoundTripsThroughSentences() throws {
    var docs = try Self.bodies(limit: 60)
    if docs.isEmpty { docs = [RestoreOrderTests.lines(try RestoreOrderTests.example())] }
    for body in docs {
      let flat = Self.stage.model.analyzeFlat(body)
      let back = OrderAnalysis(flat.sentences())
      #expect(back.keys == flat.keys)
      #expect(back.offsets == flat.offsets)
      #expect(back.unary == flat.unary)
      #expect(back.opens == flat.opens)
      #expect(OrderModel.violations(flat, order: Array(0..<body.count)) == OrderModel.violations(flat.sentences(), order: Array(0..<body.count)))
    }
  }

  /// One table for every word list answers as each list's own set does.
  @Test func wordFlagsAnswerAsTheLists() {
    let m = Self.stage.model
    let words = RestoreOrder.defaultFunctionWords + RestoreOrder.defaultPronouns + RestoreOrder.defaultConnectives
      + RestoreOrder.defaultBackReferences + RestoreOrder.defaultTitles + RestoreOrder.defaultDayWords
      + RestoreOrder.defaultSummaryVerbs + RestoreOrder.defaultLaterWords + RestoreOrder.defaultBackgroundWords
      + RestoreOrder.defaultAttributionWords + ["Putin", "bridge", "in addition", "", "xi"]
    typealias F = WordListFlags
    for w in words {
      let k = OrderModel.hash(w)
      let f = m.wordFlags[k]
      #expect((f & F.function != 0) == m.functionWords.contains(k), "\(w)")
      #expect((f & F.pronoun != 0) == m.pronouns.contains(k), "\(w)")
      #expect((f & F.connective != 0) == m.connectives.contains(k), "\(w)")
      #expect((f & F.backReference != 0) == m.backReferences.contains(k), "\(w)")
      #expect((f & F.title != 0) == m.titles.contains(k), "\(w)")
      #expect((f & F.day != 0) == m.dayWords.contains(k), "\(w)")
      #expect((f & F.summary != 0) == m.summaryVerbs.contains(k), "\(w)")
      #expect((f & F.later != 0) == m.laterWords.contains(k), "\(w)")
      #expect((f & F.background != 0) == m.backgroundWords.contains(k), "\(w)")
      #expect((f & F.attribution != 0) == m.attributionWords.contains(k), "\(w)")
    }
  }
}
