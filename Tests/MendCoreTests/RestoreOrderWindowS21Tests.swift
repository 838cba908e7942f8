import Foundation
import Testing

@testable import MendCore

/// `cohesion-window`: a body longer than the window is also tested on its first lines alone, and
/// declined when they read in order (neighbour cohesion above `cohesion-window-z-max`). Long text
/// in order then leaves on its opening, without the content words of the rest.
@Suite struct RestoreOrderWindowS21Tests {
  static var stage: RestoreOrder { RestoreOrderTests.stage }

  /// Corpus articles (one sentence a line) whose body is longer than the window: in order,
  /// shuffled, and with only the lines after the window shuffled.
  static func longDocuments() throws -> (inOrder: [[String]], shuffled: [[String]], tailShuffled: [[String]]) {
    let w = stage.cohesionWindow
    var rng = SplitMix64(seed: 21)
    var inOrder: [[String]] = []
    var shuffled: [[String]] = []
    var tail: [[String]] = []
    for doc in try RestoreOrderQuickTests.corpusDocs() {
      // One sentence a line, as ICU breaks them (the stage's own test of fragmented text).
      let seg = RestoreOrderS8Tests.segmenter
      let lines = doc.flatMap { line -> [String] in
        let bytes = Array(line.utf8)
        return seg.sentences(in: line).map {
          String(decoding: bytes[$0], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
      }
      let body = lines.filter { !$0.isEmpty && stage.kind(of: $0) == .body }
      guard body.count > w + 10 else { continue }
      inOrder.append(body)
      shuffled.append(body.shuffled(using: &rng))
      tail.append(Array(body.prefix(w)) + body.dropFirst(w).shuffled(using: &rng))
    }
    return (inOrder, shuffled, tail)
  }

  @Test func theRulesSetTheWindow() {
    let s = Self.stage
    #expect(s.cohesionWindow == 60)
    #expect(s.windowZMax > s.adjacentZMax)
    var off = s
    off.cohesionWindow = 0
    #expect(off.windowZ(Array(repeating: "A line of text here.", count: 200)) == nil)
    // Not longer than the window: no window figure.
    #expect(s.windowZ(Array(repeating: "A line of text here.", count: 60)) == nil)
  }

  /// The window's figure from the content words is the full analysis' figure of those lines.
  @Test func windowFigureIsTheFullAnalysisFigure() throws {
    let (inOrder, shuffled, tail) = try Self.longDocuments()
    try #require(inOrder.count >= 10, "long corpus articles: \(inOrder.count)")
    var reference = Self.stage
    reference.adjacentPrecheck = false
    for body in inOrder + shuffled + tail {
      let fast = try #require(Self.stage.windowZ(body))
      let full = try #require(reference.windowZ(body))
      #expect(fast.bitPattern == full.bitPattern, "\(fast) vs \(full): \(body[0])")
    }
  }

  /// The window only ever declines: on long articles in order, shuffled, and with an opening in
  /// order, the stage's output is the input or the output it gives without the window. Some
  /// articles in order leave on their opening (the point of the test), and no fully
  /// shuffled one does.
  @Test func theWindowOnlyDeclines() throws {
    let (inOrder, shuffled, tail) = try Self.longDocuments()
    let s = Self.stage
    var off = s
    off.cohesionWindow = 0
    for body in inOrder + shuffled + tail {
      let with = RestoreOrderS8Tests.run(s, body)
      let without = RestoreOrderS8Tests.run(off, body)
      #expect(with.0 == body || (with.0 == without.0 && with.1 == without.1), "\(body[0])")
      if s.decide(body).windowDeclines {
        #expect(with.0 == body)
      } else {
        #expect(with.0 == without.0 && with.1 == without.1)
      }
    }
    let onOpening = inOrder.filter { s.decide($0).windowDeclines }.count
    #expect(onOpening >= 5, "\(onOpening) of \(inOrder.count)")
    for body in shuffled { #expect(!s.decide(body).windowDeclines, "\(body[0])") }
    let reordered = shuffled.filter { RestoreOrderS8Tests.run(s, $0).0 != $0 }.count
    #expect(reordered > 0)
  }

  /// An opening in reading order followed by shuffled lines is left alone (the rule): with the
  /// other decline tests switched off, the stage without the window reorders these documents,
  /// with it it declines those whose opening reads in order.
  @Test func openingInOrderIsLeftAlone() throws {
    let (_, _, tail) = try Self.longDocuments()
    var s = Self.stage
    s.minViolations = 0
    s.givenZMax = 1e9
    s.adjacentZMax = 1e9
    s.quoteSigns = false
    s.signsZMin = -1e10
    var off = s
    off.cohesionWindow = 0
    var declinedOnOpening = 0
    for body in tail where s.decide(body).windowDeclines {
      declinedOnOpening += 1
      #expect(RestoreOrderS8Tests.run(s, body).0 == body)
      #expect(RestoreOrderS8Tests.run(off, body).0 != body, "\(body[0])")
    }
    #expect(declinedOnOpening >= 5)
  }

  /// The early tests in `run` (the window and the whole body's cohesion, before the signs and
  /// before ICU) decide as the full analysis alone does (`adjacentPrecheck` off), with the
  /// window's threshold at each document's own figure and its neighbouring doubles.
  @Test func earlyWindowKeepsEveryOutcome() throws {
    let (inOrder, shuffled, tail) = try Self.longDocuments()
    var compared = 0
    for body in inOrder.prefix(8) + shuffled.prefix(8) + tail.prefix(8) {
      let lines = ["Leaders meet in Paris", "2022-06-15"] + body
      let wZ = try #require(Self.stage.windowZ(body))
      for threshold in [wZ, wZ.nextDown, wZ.nextUp, Self.stage.windowZMax] {
        for loose in [false, true] {
          var on = Self.stage
          on.windowZMax = threshold
          if loose {
            on.minViolations = 0
            on.givenZMax = 1e9
            on.adjacentZMax = 1e9
          }
          let (reference, early) = RestoreOrderS8Tests.earlyAndReference(on, lines)
          for (from, a) in early {
            #expect(
              a.0 == reference.0 && a.1 == reference.1, "threshold \(threshold) of \(wZ), from \(from): \(body[0])")
            compared += 1
          }
        }
      }
    }
    #expect(compared >= 300)
  }
}
