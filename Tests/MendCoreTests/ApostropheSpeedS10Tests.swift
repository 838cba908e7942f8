import CICU
import Foundation
import Testing

@testable import MendCore

/// Session 10 (repair-apostrophes loading and scan): the byte classes of `mend_line_classes` (C,
/// vector compares) and the on-disk table cache (`TableCache`).
@Suite struct ApostropheSpeedS10Tests {
  /// `mend_line_classes` (AVX2 or SSE2 by the CPU) and each of its paths alone give, for every
  /// byte, the classes its definition names (the byte loop below): random lines of 0...300 bytes from pieces that sit at every class border (/ 0 9 : @
  /// A Z [ ` a z { ' 0x7F 0x80 0xC2 0xE2 0xFF, ’, NBSP), so every offset in a 16-byte step and
  /// in the zero-padded tail meets every class.
  @Test func lineClassesAreTheByteLoop() {
    var rng = TestRandom(state: 10)
    let border: [UInt8] = [0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x27, 0x7F, 0x80, 0xC2, 0xE2, 0xFF, 0x20, 0x00, 0x1F, 0xDF, 0xA0, 0x99]
    var checked = 0
    for _ in 0..<3000 {
      let n = Int.random(in: 0...300, using: &rng)
      var line: [UInt8] = []
      while line.count < n {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: line.append(border[Int.random(in: 0..<border.count, using: &rng)])
        case 1: line += [0xE2, 0x80, 0x99]
        case 2: line.append(UInt8.random(in: 0...255, using: &rng))
        default: line += Array("word".utf8)
        }
      }
      let nw = (line.count + 63) / 64
      var t = [UInt64](repeating: 0xDEAD, count: nw + 1)
      var q = t
      var h = t
      var l = t
      let got = line.withUnsafeBufferPointer { mend_line_classes($0.baseAddress, Int64($0.count), &t, &q, &h, &l) }
      #expect(got == Int64(nw))
      var et = [UInt64](repeating: 0, count: nw)
      var eq = et
      var eh = et
      var el = et
      for (i, b) in line.enumerated() {
        let bit: UInt64 = 1 << UInt64(i & 63)
        if b >= 0x80 {
          et[i >> 6] |= bit
          eh[i >> 6] |= bit
          if b == 0xE2 || b == 0xC2 { el[i >> 6] |= bit }
        } else if Bytes.isAlnum(b) {
          et[i >> 6] |= bit
        } else if b == 0x27 {
          eq[i >> 6] |= bit
        }
      }
      #expect(Array(t[0..<nw]) == et, "\(line)")
      #expect(Array(q[0..<nw]) == eq, "\(line)")
      #expect(Array(h[0..<nw]) == eh, "\(line)")
      #expect(Array(l[0..<nw]) == el, "\(line)")
      // Nothing is written past the line's words.
      #expect(t[nw] == 0xDEAD && q[nw] == 0xDEAD && h[nw] == 0xDEAD && l[nw] == 0xDEAD)
      // Each path on its own (byte loop, SSE2, AVX2 where the CPU has it) gives the same words.
      for path: Int32 in [0, 1, 2] {
        var t2 = [UInt64](repeating: 0, count: nw)
        var q2 = t2
        var h2 = t2
        var l2 = t2
        _ = line.withUnsafeBufferPointer { mend_line_classes_portable($0.baseAddress, Int64($0.count), &t2, &q2, &h2, &l2, path) }
        #expect(t2 == et && q2 == eq && h2 == eh && l2 == el, "path \(path): \(line)")
      }
      checked += line.count
    }
    #expect(checked > 300_000)
  }

  static func tempDir() -> String {
    let d = NSTemporaryDirectory() + "mend-s10-cache-\(UInt64.random(in: 0...UInt64.max))"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  /// A cached table set is the built one; it is built again (and stays right) when an input, a
  /// parameter or the kind changes, and when the file is damaged (a flipped byte, cut short,
  /// longer), never read from the wrong file.
  @Test func cacheGivesTheBuiltTablesOrBuilds() throws {
    let dir = Self.tempDir() + "/a/b"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var builds = 0
    func make(_ input: [UInt8], _ p: UInt64) -> [[UInt64]] {
      builds += 1
      return [input.map { UInt64($0) &* 0x9E37_79B9 &+ p }, [], [p, UInt64(input.count)]]
    }
    let inputs: [[UInt8]] = [Array("abc".utf8), Array("abd".utf8), [], Array(repeating: 7, count: 1000)]
    for input in inputs {
      for p: UInt64 in [0, 1] {
        let before = builds
        let a = TableCache.tables(kind: "t", inputs: [input], parameters: [p], in: dir) { make(input, p) }
        let b = TableCache.tables(kind: "t", inputs: [input], parameters: [p], in: dir) { make(input, p) }
        #expect(a == make(input, p) && b == a)
        // Built once (plus the reference above), then read from the cache.
        #expect(builds == before + 2, "\(input) \(p)")
      }
    }
    // Another kind with the same inputs is built again.
    let before = builds
    _ = TableCache.tables(kind: "u", inputs: [inputs[0]], parameters: [0], in: dir) { make(inputs[0], 0) }
    #expect(builds == before + 1)
    // Damaged files (and pruned ones): each is rebuilt and the answer is the built one.
    // Eight table sets of kind t were written; only the newest keepPerKind stay (pruned at each
    // write), so a directory does not grow by a table set per build.
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("t-") }
    #expect(files.count == TableCache.keepPerKind)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("u-") }.count == 1)
    for (i, f) in files.enumerated() {
      let path = dir + "/" + f
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      switch i % 3 {
      case 0: bytes[bytes.count / 2 + 3] ^= 0x10
      case 1: bytes.removeLast(8)
      default: bytes += [UInt8](repeating: 0, count: 8)
      }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    for input in inputs {
      for p: UInt64 in [0, 1] {
        let before = builds
        let a = TableCache.tables(kind: "t", inputs: [input], parameters: [p], in: dir) { make(input, p) }
        #expect(builds == before + 1)
        #expect(a == make(input, p))
      }
    }
  }

  /// The stored forms of the shipped tables restore tables that answer every lookup as the built
  /// ones: the word sets and the bases' filter (through `LazyWordTables.build` with the cache), the
  /// odds tables, the word classes and the class file; every key of the built tables and as many
  /// other hashes are asked.
  @Test func storedTablesAnswerAsBuilt() throws {
    let lex = Repo.path("rules/lexicons/")
    let words = try Data(contentsOf: URL(fileURLWithPath: lex + "english-words.txt"))
    let bases = try Data(contentsOf: URL(fileURLWithPath: lex + "possessive-bases.txt"))
    let w = ByteWordSet(lexiconText: [UInt8](words))
    let b = ByteWordSet(lexiconText: [UInt8](bases))
    let f = HashBits(b)
    guard let w2 = ByteWordSet(storage: w.storage[...]), let b2 = ByteWordSet(storage: b.storage[...]),
      let f2 = HashBits(storage: f.storage[...])
    else {
      Issue.record("storage not restored")
      return
    }
    var rng = TestRandom(state: 11)
    var asked = 0
    var hits = 0
    for (x, y) in [(w, w2), (b, b2)] {
      var hashes: [UInt64] = []
      x.forEachHash { hashes.append($0) }
      for h in hashes {
        let other = UInt64.random(in: 1...UInt64.max, using: &rng)
        #expect(y.contains(hash: h) && x.contains(hash: other) == y.contains(hash: other))
        #expect(f.mayContain(h) == f2.mayContain(h) && f.mayContain(other) == f2.mayContain(other))
        asked += 2
        hits += 1
      }
      #expect(x.count == y.count)
    }
    #expect(hits > 50_000 && asked > 100_000)
    // Through the cache (built, then read back): the same sets.
    let dir = Self.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for _ in 0..<2 {
      let stored = TableCache.tables(kind: "apostrophe-word-tables", inputs: [[UInt8](words), [UInt8](bases)], in: dir) {
        w.storage + b.storage + f.storage
      }
      #expect(stored == w.storage + b.storage + f.storage)
    }
    // The odds tables and the word classes: every stored key and value.
    let scorer = try PossessiveScorer(
      text: [UInt8](try Data(contentsOf: URL(fileURLWithPath: lex + "possessive-stats.txt"))),
      oddsPath: lex + "possessive-odds.txt", oddsWeight: 5)
    let odds = [UInt8](try Data(contentsOf: URL(fileURLWithPath: lex + "possessive-odds.txt")))
    let (o, t) = scorer.oddsTables(odds)
    for m in [o, t] {
      guard let m2 = HashLineMap(storage: m.storage[...]) else {
        Issue.record("map not restored")
        continue
      }
      #expect(m2.storage == m.storage)
    }
    let classes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: lex + "word-classes.txt")))
    let c = WordClassMap(classes)
    #expect(HashLineMap(storage: c.classOf.storage[...])?.storage == c.classOf.storage)
    // The class file through the cache (whichever directory the environment names): the same
    // classes with the same sets.
    let classText = [UInt8](try Data(contentsOf: URL(fileURLWithPath: lex + "apostrophe-classes.txt")))
    let built = ContextRule.classFile(classText)
    for _ in 0..<2 {
      let cached = ContextRule.cachedClassFile(classText)
      #expect(Set(cached.keys) == Set(built.keys))
      for (k, v) in built { #expect(cached[k]?.storage == v.storage, "\(k)") }
    }
  }
}
