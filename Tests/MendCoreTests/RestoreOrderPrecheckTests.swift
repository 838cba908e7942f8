import Foundation
import Testing

@testable import MendCore

/// `evaluate` declines on neighbour cohesion from the content words alone (`contentAdjacentZ`)
/// before the full analysis. That figure must be exactly the full analysis' `aZ`, and the
/// decisions must be the same with and without the early test.
@Suite struct RestoreOrderPrecheckTests {
  static var stage: RestoreOrder { RestoreOrderTests.stage }

  /// Corpus bodies in order and shuffled (a fixed seed).
  static func documents(limit: Int) throws -> [[String]] {
    var docs = try RestoreOrderFlatTests.bodies(limit: limit)
    if docs.isEmpty { docs = [RestoreOrderTests.lines(try RestoreOrderTests.example())] }
    var rng = SplitMix64(seed: 11)
    let shuffled = docs.map { $0.shuffled(using: &rng) }
    return docs + shuffled
  }

  @Test func contentAdjacentZIsTheFullAdjacentZ() throws {
    let s = Self.stage
    var above = 0
    let docs = try Self.documents(limit: 200)
    for body in docs {
      let pre = try #require(s.contentAdjacentZ(body))
      let flat = s.model.analyzeFlat(body)
      let full = s.randomOrderZ(flat, first: s.model.firstScores(flat)).1
      #expect(pre.bitPattern == full.bitPattern, "\(pre) vs \(full): \(body.first ?? "")")
      if full > s.adjacentZMax { above += 1 }
    }
    // The early test must decide something on real text (it is meant to), and the test above
    // compared documents on both sides of the threshold.
    #expect(above > 0)
    #expect(above < docs.count)
  }

  /// The content words read straight from the bytes are `analyzeFlat`'s, sentence by sentence, on
  /// corpus text and on lines at the tokenizer's edges (possessives, joiners, curly quotes,
  /// non-ASCII, capitals inside words, words of 3, 4 and 5 bytes).
  @Test func contentKeysAreTheAnalysisContentWords() throws {
    let m = Self.stage.model
    var docs = try Self.documents(limit: 200)
    docs.append([
      "The bridge's owners' plans—and Xi’s aides’ talks—were “late”.", "iPhone x-ray co-Chair don't won't ISN'T.",
      "Müller café naïve résumé, déjà-vu’s élan.", "abc abcd abcde abcs abcds's news it's its' 2019s 1990s.",
      "€uro ‘quoted’ … – — ’tis ’twas 'tis rock'n'roll", "a", "", "   ", "Capitalised Words Only Here.",
      "ends with apostrophe' and hyphen- and ’", "bridges bridge Bridges", "x\u{2019}s xx\u{2019}s xxx\u{2019}s",
    ])
    var words = 0
    for body in docs {
      let (keys, offs) = m.contentKeys(body)
      let flat = m.analyzeFlat(body)
      #expect(offs.count == body.count + 1)
      for i in 0..<body.count {
        let expected = Array(flat.keys[flat.range(i, .content)])
        #expect(Array(keys[offs[i]..<offs[i + 1]]) == expected, "\(body[i])")
        words += expected.count
      }
    }
    #expect(words > 10_000 || docs.count < 20)
  }

  /// With a neighbour weight on shared names or back-referring openings, content words do not
  /// give the neighbour score: no early figure (a fast path that ignored them would decline on a
  /// different number).
  @Test func noEarlyFigureWhenTheNeighbourScoreReadsMore() throws {
    let body = try Self.documents(limit: 20).first!
    for (entity, reference) in [(0.3, 0.0), (0.0, 0.5), (1.0, 1.0)] {
      var s = Self.stage
      var m = s.model
      m.adjacentEntity = entity
      m.adjacentReference = reference
      s = s.with(model: m)
      #expect(s.contentAdjacentZ(body) == nil)
      // And the decision with the early test on is the full one.
      var off = s
      off.adjacentPrecheck = false
      #expect(s.evaluate(body, stopEarly: true)?.order == off.evaluate(body, stopEarly: true)?.order)
    }
  }

  /// The same decisions with and without the early test, with the threshold placed on each side
  /// of every document's own figure (so a test that declined a little too eagerly fails here), and
  /// with the other conditions as the rules set them or switched off.
  @Test func earlyTestKeepsEveryDecision() throws {
    var letThrough = 0
    var declined = 0
    for body in try Self.documents(limit: 120) {
      let base = Self.stage
      let (aZ, variants) = RestoreOrderS8Tests.declineVariants(base, body: body)
      for (on, threshold) in variants {
        var off = on
        off.adjacentPrecheck = false
        let a = on.evaluate(body, stopEarly: true)
        let b = off.evaluate(body, stopEarly: true)
        #expect((a == nil) == (b == nil), "threshold \(threshold), aZ \(aZ): \(body.first ?? "")")
        if let a, let b {
          #expect(a.order == b.order)
          #expect(a.gainPerPair == b.gainPerPair)
          #expect(a.givenZ == b.givenZ && a.adjacentZ == b.adjacentZ && a.pairZ == b.pairZ)
          letThrough += 1
        } else {
          declined += 1
        }
      }
    }
    #expect(letThrough > 0 && declined > 0)
  }
}
