import Foundation
import Testing

@testable import MendCore

/// `run` tests neighbour cohesion before the hard signs on long documents
/// (`RestoreOrder.cohesionFirstFrom`). Which test runs first must not change any outcome.
@Suite struct RestoreOrderS8Tests {
  static var stage: RestoreOrder { RestoreOrderTests.stage }

  /// A segmenter per thread (this suite's tests and `RestoreOrderS9Tests` run in parallel).
  static var segmenter: SentenceSegmenter { threadSegmenter("RestoreOrderS8Tests.segmenter") }

  /// The stage on `lines` as one document: its output lines and the changes it records.

  static func run(_ stage: RestoreOrder, _ lines: [String]) -> ([String], [String]) {
    var doc = Document(text: lines.joined(separator: "\n"))
    var context = StageContext(stageID: RestoreOrder.id, log: ChangeLog(), segmenter: segmenter)
    stage.run(&doc, &context)
    let changes = context.log.changes.map { "\($0.line) \($0.rule) \($0.reason)" }
    return (doc.fragments.map(\.text), changes)
  }

  /// `run` with every early decline test on (long-document cohesion threshold 0 and the rules'
  /// 200), and the reference: the same stage with `adjacentPrecheck` off (the full analysis alone
  /// declines). Output lines and change records of each, with the threshold used.
  static func earlyAndReference(_ on: RestoreOrder, _ lines: [String]) -> (
    reference: ([String], [String]), early: [(from: Int, out: ([String], [String]))]
  ) {
    var off = on
    off.adjacentPrecheck = false
    let reference = run(off, lines)
    var early: [(Int, ([String], [String]))] = []
    for from in [0, 200] {
      var s = on
      s.cohesionFirstFrom = from
      early.append((from, run(s, lines)))
    }
    return (reference, early)
  }

  /// Corpus documents (in order and shuffled) plus headline/date lines around them, so that the
  /// body is not every line.
  static func documents(limit: Int) throws -> [[String]] {
    var docs = try RestoreOrderPrecheckTests.documents(limit: limit)
    docs += docs.prefix(20).map { ["Leaders meet in Paris", "2022-06-15"] + $0 + ["Photograph: Alexei Druzhinin/AP"] }
    return docs
  }

  /// Same output and changes with the cohesion test first for every document and for none
  /// (the reference), with `adjacent-z-max` at each document's own figure and its neighbouring
  /// doubles (a cohesion test that declined a hair too eagerly, or on other lines than the body,
  /// fails here), at the rules' value, and with the other decline tests as the rules set them or
  /// switched off (so that the cohesion test is what decides).
  /// The stage as the rules set it and with its other decline tests off (`loose`), each with
  /// `adjacent-z-max` at the body's own figure `aZ`, its neighbouring doubles and the rules'
  /// value: the variants a decline shortcut must agree on.
  static func declineVariants(_ base: RestoreOrder, body: [String]) -> (
    aZ: Double, variants: [(stage: RestoreOrder, threshold: Double)]
  ) {
    let flat = base.model.analyzeFlat(body)
    let aZ = base.randomOrderZ(flat, first: base.model.firstScores(flat)).1
    var out: [(RestoreOrder, Double)] = []
    for loose in [false, true] {
      for threshold in [aZ, aZ.nextDown, aZ.nextUp, base.adjacentZMax] {
        var v = base
        if loose {
          v.minViolations = 0
          v.givenZMax = 1e9
        }
        v.adjacentZMax = threshold
        out.append((v, threshold))
      }
    }
    return (aZ, out)
  }

  @Test func cohesionFirstKeepsEveryOutcome() throws {
    var reordered = 0
    var kept = 0
    var compared = 0
    for lines in try Self.documents(limit: 80) {
      let base = Self.stage
      let body = lines.filter { base.kind(of: $0) == .body }
      guard body.count >= 3 else { continue }
      let (aZ, variants) = Self.declineVariants(base, body: body)
      for (first0, threshold) in variants {
        var first = first0
        var reference = first
        first.cohesionFirstFrom = 0
        reference.cohesionFirstFrom = Int.max
        let a = Self.run(first, lines)
        let b = Self.run(reference, lines)
        let sameText = a.0 == b.0
        let sameChanges = a.1 == b.1
        #expect(sameText, "threshold \(threshold), aZ \(aZ): \(lines.first ?? "")")
        #expect(sameChanges, "threshold \(threshold), aZ \(aZ): \(lines.first ?? "")")
        compared += 1
        if b.0 != lines { reordered += 1 } else { kept += 1 }
      }
    }
    // Both outcomes occur, so the comparison covered documents on each side of the threshold.
    #expect(compared > 0 && reordered > 0 && kept > 0)
  }

  /// The rules' example (a shuffled article the stage reorders) comes out the same with the
  /// cohesion test first and without it.
  @Test func cohesionFirstOnTheRulesExample() throws {
    let lines = RestoreOrderTests.lines(try RestoreOrderTests.example())
    var first = Self.stage
    first.cohesionFirstFrom = 1
    var reference = Self.stage
    reference.cohesionFirstFrom = Int.max
    let a = Self.run(first, lines)
    let b = Self.run(reference, lines)
    #expect(a.0 == b.0)
    #expect(a.1 == b.1)
  }
}
