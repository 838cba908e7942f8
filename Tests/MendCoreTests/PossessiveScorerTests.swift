import Foundation
import Testing

@testable import MendCore

/// The form term of the possessive score: mined counts updated from large-corpus odds.
@Suite struct PossessiveScorerTests {
  static let stats = Array("t:attorneys 2 0\nt:worlds 30 3\ntotal 100 1000\n".utf8)

  func term(_ form: String, odds: String, weight: Double = 5) -> Double {
    let s = PossessiveScorer(text: Self.stats, odds: Array(odds.utf8), oddsWeight: weight)
    return s.formTerm(ByteWordSet.hash(Array(("t:" + form).utf8)))
  }

  @Test func oddsAreThePriorOfTheMinedCount() {
    let prior = log(101.0 / 1001.0)
    // Without odds: the mined count alone, (2 + 0.5) / (0 + 0.5).
    #expect(abs(term("attorneys", odds: "") - (log(2.5 / 0.5) - prior)) < 1e-9)
    // With odds of -7 dB (p0 = 0.166...) worth 5 observations.
    let o = pow(10, -0.7)
    let p0 = o / (1 + o)
    let expected = log((2 + 5 * p0) / (0 + 5 * (1 - p0))) - prior
    #expect(abs(term("attorneys", odds: "attorneys -7\n") - expected) < 1e-9)
    #expect(term("attorneys", odds: "attorneys -7\n") < term("attorneys", odds: ""))
    // Many mined observations outweigh the prior; a form with no counts takes the odds alone.
    #expect(term("worlds", odds: "worlds -20\n") > 1)
    let q = pow(10, 0.5)
    #expect(abs(term("nations", odds: "nations 5\n") - (log(q) - prior)) < 1e-9)
    // Upper-case spellings in the file are matched lower-cased, as tokens are.
    #expect(abs(term("ceos", odds: "CEOs 5\n") - (log(q) - prior)) < 1e-9)
  }

  @Test func aTinyWeightStaysFinite() {
    // A form with counts on one side only and no prior: log(2 / 0) would be infinite; the term
    // must stay finite with any positive weight.
    #expect(term("attorneys", odds: "attorneys -7\n", weight: 0.001).isFinite)
  }

  /// `oneDecimal` is `String(format: "%.1f")`: exact ties round to even (0.25 → 0.2, 0.75 → 0.8),
  /// near-ties follow the binary value (0.15 is below 0.15: 0.1), negatives keep their sign.
  @Test func oneDecimalIsPrintf() {
    var values: [Double] = [0, -0.0, 0.04, 0.05, 0.049999, 0.05000001, -0.04, -0.05, 0.15, 0.25, 0.35, 0.45, 0.75, 1.25, -2.25, 2.5,
      9.95, 99.95, 1e14 + 0.25, 123456.75, 1e-300, -1e-300, 5e-324, 1e15, -1e16, .infinity, -.infinity, .nan]
    for k in -4000...4000 {
      values.append(Double(k) / 4)
      values.append(Double(k) / 20)
      values.append(Double(k) * 0.05)
      values.append(Double(k) / 100)
    }
    var rng = TestRandom(state: 5)
    for _ in 0..<20000 {
      values.append(Double.random(in: -60...60, using: &rng))
      values.append(Double.random(in: -1...1, using: &rng) * pow(10, Double(Int.random(in: -5...14, using: &rng))))
    }
    var wrong = 0
    for x in values where PossessiveScorer.oneDecimal(x) != String(format: "%.1f", x) {
      wrong += 1
      if wrong < 5 { Issue.record("\(x): \(PossessiveScorer.oneDecimal(x)) vs \(String(format: "%.1f", x))") }
    }
    #expect(wrong == 0)
  }

  /// The odds file read on bytes in place gives the same (key, decibels) pairs as splitting it the
  /// obvious way (the shipped file and malformed lines).
  @Test func oddsLinesAsSplitting() throws {
    let shipped = try ByteWordSet.readFile(Repo.root + "/rules/lexicons/possessive-odds.txt")
    let odd = Array("\n\nx -\nx 12a\nnospace\nA  5\ny -5\r\nZ -0\nQ 7\n w 3\nlast 42".utf8)
    for bytes in [shipped, odd, shipped + odd] {
      var reference: [UInt64] = []
      for line in bytes.split(separator: 0x0A) {
        guard let sp = line.firstIndex(of: 0x20) else { continue }
        var digits = line[(sp + 1)...]
        let negative = digits.first == 0x2D
        if negative { digits = digits.dropFirst() }
        guard let v = PossessiveScorer.number(digits) else { continue }
        reference.append(ByteWordSet.hash(Array("t:".utf8) + Bytes.lowered(line[..<sp])))
        reference.append(UInt64(bitPattern: Int64(negative ? -v : v)))
      }
      var got: [UInt64] = []
      PossessiveScorer.forEachOdds(bytes) { h, d in got += [h, UInt64(bitPattern: Int64(d))] }
      #expect(got == reference)
      #expect(reference.count > 4)
    }
  }

  /// The stats text read on bytes in place gives the (key, count, count) lines of splitting it at
  /// newlines and spaces (the shipped file and malformed lines: extra spaces, pieces, letters).
  @Test func countLinesAsSplitting() throws {
    let shipped = try ByteWordSet.readFile(Repo.root + "/rules/lexicons/possessive-stats.txt")
    let odd = Array("\n\n a  1 2 \nb 1\nc 1 2 3\nd x 2\ne 1 2x\n  f   10   20\ng -1 2\nlast 3 4".utf8)
    for bytes in [shipped, odd, shipped + odd] {
      var reference: [UInt64] = []
      for line in bytes.split(separator: 0x0A) {
        let parts = line.split(separator: 0x20)
        guard parts.count == 3, let a = PossessiveScorer.number(parts[1]), let b = PossessiveScorer.number(parts[2]) else { continue }
        reference += [ByteWordSet.hash(Array(parts[0])), UInt64(a), UInt64(b)]
      }
      var got: [UInt64] = []
      PossessiveScorer.forEachCountLine(bytes) { h, a, b in got += [h, UInt64(a), UInt64(b)] }
      #expect(got == reference)
      #expect(reference.count >= 9)
    }
  }

  /// A class file read line by line puts every word in its line's class, whether the file is
  /// grouped by class (as shipped) or the classes take turns (the class of the line before is
  /// tried first).
  @Test func classFileLinesKeepTheirClass() {
    let text = Array("noun Dog\nnoun cat\nadverb fast\nnoun owl\n# c x\nadverb\nadjective red\nadverb slow\n".utf8)
    let c = ContextRule.classFile(text)
    #expect(Set(c.keys) == ["noun", "adverb", "adjective"])
    for (cls, w) in [("noun", "dog"), ("noun", "cat"), ("noun", "owl"), ("adverb", "fast"), ("adverb", "slow"), ("adjective", "red")] {
      #expect(c[cls]?.contains(hash: ByteWordSet.hash(w)) == true, "\(cls) \(w)")
    }
    #expect(c["noun"]?.contains(hash: ByteWordSet.hash("fast")) == false)
    #expect(c["adverb"]?.contains(hash: ByteWordSet.hash("owl")) == false)
    #expect(c["noun"]?.count == 3)
  }

  /// The precomputed terms are the log-odds of the mined counts, bit for bit.
  @Test func termsAreTheCounts() throws {
    let text = try ByteWordSet.readFile(Repo.root + "/rules/lexicons/possessive-stats.txt")
    let s = PossessiveScorer(text: text)
    var checked = 0
    for line in text.split(separator: 0x0A) {
      let parts = line.split(separator: 0x20)
      guard parts.count == 3, let a = PossessiveScorer.number(parts[1]), let b = PossessiveScorer.number(parts[2]) else { continue }
      let h = ByteWordSet.hash(Array(parts[0]))
      guard let v = s.counts[h], v == Int(a) << 32 | Int(b) else { continue }  // a repeated key keeps its first count
      let expected = log((Double(a) + 0.5) / (Double(b) + 0.5)) - s.logPrior
      #expect(s.term(h).bitPattern == expected.bitPattern)
      checked += 1
    }
    #expect(checked > 2000)
    #expect(s.term(ByteWordSet.hash("n:no-such-feature")) == 0)
  }

  /// The line hashes of `init(lexiconText:)`, written out as it reads a line (split at `\n`, trim
  /// spaces and tabs in front and spaces, tabs and CRs at the end, skip empty and `#` lines).
  static func referenceHashes(_ bytes: [UInt8]) -> [UInt64] {
    var out: [UInt64] = []
    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      var a = Array(line)
      while let f = a.first, f == 0x20 || f == 0x09 { a.removeFirst() }
      while let l = a.last, l == 0x20 || l == 0x09 || l == 0x0D { a.removeLast() }
      if !a.isEmpty && a[0] != 0x23 { out.append(ByteWordSet.hash(a)) }
    }
    return out
  }

  /// `ByteWordSet.lexiconHashes` (one pass a line, for the word tables) gives the hashes of the
  /// line-by-line reading: on random lines with spaces, tabs and CRs around and inside words,
  /// comments, blank and whitespace-only lines, and on the shipped lexicons.
  @Test func lexiconHashesAsLines() throws {
    let pieces: [[UInt8]] = [[0x20], [0x09], [0x0D], [0x23], [0x0A], [0x0A], Array("ab".utf8), Array("Xy".utf8), Array("é".utf8), [0x2D], Array("s".utf8)]
    var rng = TestRandom(state: 3)
    for _ in 0..<3000 {
      var text: [UInt8] = []
      for _ in 0..<Int.random(in: 0...30, using: &rng) { text += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
      let (lines, hashes) = ByteWordSet.lexiconHashes(text)
      #expect(hashes == Self.referenceHashes(text), "\(text)")
      #expect(lines == text.filter { $0 == 0x0A }.count)
    }
    for name in ["english-words.txt", "possessive-bases.txt"] {
      let bytes = try ByteWordSet.readFile(Repo.root + "/rules/lexicons/" + name)
      let (_, hashes) = ByteWordSet.lexiconHashes(bytes)
      #expect(hashes == Self.referenceHashes(bytes))
      #expect(hashes.count > 10000)
    }
  }

  /// `WordClassMap` read on the bytes in place gives every listed word the class that splitting
  /// the file into lines and words gives it.
  @Test func wordClassesAsSplitting() throws {
    let bytes = try ByteWordSet.readFile(Repo.root + "/rules/lexicons/word-classes.txt") + Array("\n\nodd\nZzqtwo n9\nzzqbad x9\nzzqsp  m\n".utf8)
    let map = WordClassMap(bytes)
    var checked = 0
    var first: [UInt64: String] = [:]
    for line in bytes.split(separator: 0x0A) {
      guard let sp = line.firstIndex(of: 0x20) else { continue }
      let cls = String(decoding: line[(sp + 1)...], as: UTF8.self)
      guard WordClassMap.names.contains(cls) else { continue }
      let h = ByteWordSet.hash(Bytes.lowered(line[..<sp]))
      if first[h] == nil { first[h] = cls }
    }
    for (h, cls) in first {
      #expect(map.name(h) == cls)
      checked += 1
    }
    #expect(map.name(ByteWordSet.hash("zzqtwo")) == "n9")
    #expect(map.name(ByteWordSet.hash("zzqbad")) == nil)
    #expect(map.name(ByteWordSet.hash("zzqsp")) == nil)
    #expect(checked > 10000)
  }
}
