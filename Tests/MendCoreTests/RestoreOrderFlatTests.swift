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

  /// Lines for the byte-level checks below: corpus lines plus hand-made edge cases (quotes at
  /// every offset around an 8-byte chunk, curly quotes, apostrophes, dashes, non-ASCII words).
  static func byteLines() throws -> [String] {
    var lines = try RestoreOrderQuickTests.corpusDocs().prefix(200).flatMap { $0 }
    lines += [
      "", "\"", "a\"", "“", "”", "’", "—", "abcdefg\"", "abcdefgh\"", "abcdefghi”", "abcdefg“x",
      "He said “no” — twice.", "It’s Xi’s plan, isn’t it?", "Müller-Lüdenscheid met O'Neill (NATO) in 2019.",
      "Café owners’ union", "plain lower case words only here and there", "A\u{2019}s", "x\u{201C}",
      "ÉCOLE NORMALE SUPÉRIEURE", "self-made twenty-one year-old", "end with apostrophe' and hyphen- ",
      "2019 1999 2100 19999", "\u{201D}abcdefgh", "abcdefgh\u{201D}", "abcdefg\u{2018}h",
    ]
    // Every quote at every offset of a 17-byte line.
    for q in ["\"", "“", "”"] {
      for k in 0...17 {
        let pad = String(repeating: "a", count: k)
        lines.append(pad + q + String(repeating: "b", count: 17 - k))
      }
    }
    return lines
  }

  /// The eight-byte quote scan says what the byte loop says, and finds quotes (a scan that
  /// skips too much fails here).
  @Test func quoteScanEqualsTheByteLoop() throws {
    var found = 0
    for text in try Self.byteLines() {
      var t = text
      t.withUTF8 { buf in
        let fast = OrderModel.hasQuote(buf)
        #expect(fast == OrderModel.hasQuote(buf, swar: false), "\(text)")
        if fast { found += 1 }
      }
    }
    #expect(found >= 54)
  }

  /// `tokenize` (with its lower-case lane) gives the tokens of the plain byte-by-byte definition.
  @Test func tokenizeEqualsTheReference() throws {
    var words = 0
    for text in try Self.byteLines() {
      var t = text
      t.withUTF8 { buf in
        let got = OrderModel.tokenize(buf)
        let want = Self.referenceTokens(buf)
        #expect(got.count == want.count, "\(text)")
        for (a, b) in zip(got, want) {
          #expect(
            a.start == b.start && a.end == b.end && a.key == b.key && a.stemKey == b.stemKey
              && a.capitalized == b.capitalized && a.allCaps == b.allCaps && a.breakBefore == b.breakBefore
              && a.inParens == b.inParens, "\(text)")
        }
        words += want.count
      }
    }
    #expect(words > 1000)
  }

  /// The tokenizer as first written: every byte through one branch.
  static func referenceTokens(_ buf: UnsafeBufferPointer<UInt8>) -> [OrderModel.Token] {
    typealias M = OrderModel
    var out: [M.Token] = []
    let n = buf.count
    var i = 0
    var sawBreak = true
    while i < n {
      let b = buf[i]
      if b == 0xE2 && i + 2 < n && buf[i + 1] == 0x80 {
        sawBreak = true
        i += 3
        continue
      }
      if !M.isWordByte(b) {
        if b != 0x20 { sawBreak = true }
        i += 1
        continue
      }
      let start = i
      var j = i
      var h = M.fnvOffset
      var stem = M.fnvOffset
      var last: UInt8 = 0
      var upperCount = 0
      var letterCount = 0
      var possessiveAt = -1
      while j < n {
        let c = buf[j]
        if M.isWordByte(c) {
          if c == 0xE2 && j + 2 < n && buf[j + 1] == 0x80 { break }
          stem = h
          h = (h ^ UInt64(M.lower(c))) &* M.fnvPrime
          last = c
          if c >= 0x41 && c <= 0x5A { upperCount += 1 }
          if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { letterCount += 1 }
          j += 1
          continue
        }
        if (c == 0x27 || c == 0x2D) && j + 1 < n && M.isWordByte(buf[j + 1]) && buf[j + 1] != 0xE2 {
          if c == 0x27 && possessiveAt < 0 { possessiveAt = j }
          h = (h ^ UInt64(c)) &* M.fnvPrime
          last = c
          j += 1
          continue
        }
        if c == 0xE2 && j + 3 < n && buf[j + 1] == 0x80 && buf[j + 2] == 0x99 && M.isWordByte(buf[j + 3]) {
          if possessiveAt < 0 { possessiveAt = j }
          h = (h ^ 0x27) &* M.fnvPrime
          j += 3
          continue
        }
        break
      }
      var key = h
      var stemKey = last == 0x73 ? stem : h
      if possessiveAt > 0 {
        var k = M.fnvOffset
        for p in start..<possessiveAt { k = (k ^ UInt64(M.lower(buf[p]))) &* M.fnvPrime }
        key = k
        stemKey = k
      }
      let first = buf[start]
      out.append(
        M.Token(
          start: start, end: j, key: key, stemKey: stemKey, capitalized: first >= 0x41 && first <= 0x5A,
          allCaps: letterCount >= 2 && letterCount == upperCount && letterCount <= 6,
          breakBefore: sawBreak || start == 0,
          inParens: start > 0 && buf[start - 1] == 0x28 && j < n && buf[j] == 0x29))
      sawBreak = false
      i = j
    }
    return out
  }
}
