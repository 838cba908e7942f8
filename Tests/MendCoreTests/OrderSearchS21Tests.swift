import Foundation
import Testing

@testable import MendCore

/// Session 21: the beam search keeps its states in flat rows instead of a struct of three arrays
/// per state. The orders must be those of the earlier code (kept here as the reference).
@Suite struct OrderSearchS21Tests {
  /// The beam search as it was before session 21.
  static func referenceBeam(pair: [Double], adjacent: [Double], first: [Double], n: Int, width: Int) -> [Int] {
    var rowTotal = [Double](repeating: 0, count: n)
    for a in 0..<n {
      var t = 0.0
      for b in 0..<n { t += pair[a * n + b] }
      rowTotal[a] = t
    }
    struct State {
      var order: [Int]
      var placed: [Bool]
      var placedSum: [Double]
      var score: Double
    }
    var beam = [
      State(order: [], placed: Array(repeating: false, count: n), placedSum: Array(repeating: 0, count: n), score: 0)
    ]
    for _ in 0..<n {
      var top: [(Int, Int, Double)] = []
      for (si, st) in beam.enumerated() {
        let last = st.order.last
        for x in 0..<n where !st.placed[x] {
          var v = st.score + rowTotal[x] - st.placedSum[x]
          if let l = last { v += adjacent[l * n + x] } else { v += first[x] }
          // The candidate selection is shared (`keepBest`, unchanged); the states are the point.
          OrderModel.keepBest(&top, (si, x, v), width: width)
        }
      }
      var next: [State] = []
      for c in top.prefix(width) {
        var st = beam[c.0]
        st.order.append(c.1)
        st.placed[c.1] = true
        for y in 0..<n { st.placedSum[y] += pair[y * n + c.1] }
        st.score = c.2
        next.append(st)
      }
      beam = next
    }
    return beam[0].order
  }

  /// Random score matrices (some with ties: values on a coarse grid), every width from 1 to 9.
  @Test func beamOrdersAreTheReference() {
    var rng = SplitMix64(seed: 21)
    var compared = 0
    var ties = 0
    for round in 0..<60 {
      let n = 10 + Int(rng.next() % 70)
      let coarse = round % 3 == 0
      func value() -> Double {
        let u = Double(rng.next() % 10_000) / 10_000 - 0.5
        return coarse ? (u * 4).rounded() / 4 : u
      }
      let pair = (0..<(n * n)).map { _ in value() }
      let adjacent = (0..<(n * n)).map { _ in value() }
      let first = (0..<n).map { _ in value() }
      for width in 1...9 {
        let fast = OrderModel.search(
          pair: pair, adjacent: adjacent, first: first, n: n, exactUpTo: 0, beamWidth: width, beamUpTo: 1000)
        let reference = Self.referenceBeam(pair: pair, adjacent: adjacent, first: first, n: n, width: width)
        #expect(fast == reference, "n \(n), width \(width)")
        #expect(Set(fast).count == n)
        compared += 1
      }
      if coarse { ties += 1 }
    }
    #expect(compared == 540 && ties > 0)
  }

  /// The exact search (dynamic programming, one buffer for the placed sums now) still finds the
  /// best order: no permutation of a short document scores higher.
  @Test func exactSearchIsOptimal() {
    var rng = SplitMix64(seed: 5)
    for _ in 0..<20 {
      let n = 3 + Int(rng.next() % 5)
      let pair = (0..<(n * n)).map { _ in Double(rng.next() % 1000) / 1000 - 0.5 }
      let adjacent = (0..<(n * n)).map { _ in Double(rng.next() % 1000) / 1000 - 0.5 }
      let first = (0..<n).map { _ in Double(rng.next() % 1000) / 1000 - 0.5 }
      let order = OrderModel.search(
        pair: pair, adjacent: adjacent, first: first, n: n, exactUpTo: 9, beamWidth: 8, beamUpTo: 60)
      let best = OrderModel.score(order, pair: pair, adjacent: adjacent, first: first, n: n)
      func permutations(_ xs: [Int]) -> [[Int]] {
        if xs.count <= 1 { return [xs] }
        return xs.indices.flatMap { i -> [[Int]] in
          var rest = xs
          let x = rest.remove(at: i)
          return permutations(rest).map { [x] + $0 }
        }
      }
      for p in permutations(Array(0..<n)) {
        #expect(OrderModel.score(p, pair: pair, adjacent: adjacent, first: first, n: n) <= best + 1e-9)
      }
    }
  }
}
