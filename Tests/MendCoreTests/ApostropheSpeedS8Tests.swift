import Testing

@testable import MendCore

/// Session 8: repair-apostrophes' token window (`LineTokens` / `TokenWindow`). The decision code
/// asks for tokens by index; the fast path writes only the tokens asked for, from the line's
/// masks. Every answer must be the one the whole list (`materialize`) gives.
@Suite struct ApostropheSpeedS8Tests {
  /// Random lines (runs of letters, digits, non-ASCII words and separators, up to ~600 bytes so
  /// tokens cross 64-byte words), every token start asked for by `at` (left to right as `scan`
  /// does, and in random order), then indices around it and anywhere in the line: k, the count
  /// and every token equal the written list's.
  @Test func tokenWindowIsTheList() throws {
    let entry = try #require(Repo.pipeline.entries.first { $0.id == "repair-apostrophes" })
    let stage = try #require(entry.stage as? RepairApostrophes)
    let alphabet =
      ["a", "b", "s", "e", "T", "0", "9", "é", "東", " ", " ", " ", ", ", ".", "’", "'", "—", "\u{A0}", "-", "\"", "  "]
      + ["word", "Words", "its", "years", "x"]
    var rng = TestRandom(state: 88)
    let cap = 1024
    let list = UnsafeMutablePointer<RepairApostrophes.Token>.allocate(capacity: cap)
    let scratch = UnsafeMutablePointer<RepairApostrophes.Token>.allocate(capacity: cap)
    let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 32)
    let high = UnsafeMutablePointer<UInt64>.allocate(capacity: 32)
    let window = UnsafeMutablePointer<RepairApostrophes.TokenWindow>.allocate(capacity: 1)
    defer { list.deallocate(); scratch.deallocate(); words.deallocate(); high.deallocate(); window.deallocate() }
    var wrongIndex = 0
    var wrongToken = 0
    var wrongCount = 0
    var wrongStarts = 0
    var asked = 0
    var below = 0
    for round in 0..<1500 {
      var line = ""
      let target = Int.random(in: 1...600, using: &rng)
      while line.utf8.count < target { line += alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
      var bytes = Array(line.utf8)
      bytes.withUnsafeMutableBufferPointer { mb in
        let buf = UnsafeBufferPointer(mb)
        var (ia, ic, c) = (0, 0, false)
        let nw = stage.lineMasks(buf, words: words, high: high, internalAscii: &ia, internalCurly: &ic, anyCurly: &c)
        let m = RepairApostrophes.materialize(buf, words, nw, into: list)
        // startsBetween: the tokens starting in a..<b.
        for _ in 0..<8 {
          let a = Int.random(in: 0...buf.count, using: &rng)
          let b = Int.random(in: a...buf.count, using: &rng)
          var want = 0
          for k in 0..<m where list[k].start >= a && list[k].start < b { want += 1 }
          if RepairApostrophes.startsBetween(words, nw, a, b) != want { wrongStarts += 1 }
        }
        if m == 0 { return }
        // Left to right (as `scan` asks), every other round in random order.
        var order = Array(0..<m).filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
        if round % 2 == 1 { order.shuffle(using: &rng) }
        var lt = RepairApostrophes.LineTokens(buf: buf, words: words, nw: nw, out: scratch, count: -1, window: window)
        for want in order {
          let (tokens, k) = lt.at(list[want].start)
          if k != want { wrongIndex += 1 }
          if tokens.count != m { wrongCount += 1 }
          // Neighbours first (as slot asks), then anywhere.
          var ask = [want, want + 1, want - 1, want + 2, want - 2, want - 3, want + 6]
          for _ in 0..<3 { ask.append(Int.random(in: 0..<m, using: &rng)) }
          for i in ask where i >= 0 && i < m {
            if i < want { below += 1 }
            let t = tokens[i]
            asked += 1
            if t.start != list[i].start || t.end != list[i].end { wrongToken += 1 }
          }
        }
      }
    }
    #expect(wrongIndex == 0)
    #expect(wrongCount == 0)
    #expect(wrongToken == 0)
    #expect(wrongStarts == 0)
    #expect(asked > 100_000)
    #expect(below > 20_000)
  }

  /// The written list (the reference path) answers as before: `at` finds k by its starts.
  @Test func writtenListIndex() {
    let toks = UnsafeMutablePointer<RepairApostrophes.Token>.allocate(capacity: 8)
    defer { toks.deallocate() }
    for k in 0..<8 { toks[k] = RepairApostrophes.Token(start: 3 * k, end: 3 * k + 2) }
    var bytes = Array(repeating: UInt8(0x61), count: 24)
    bytes.withUnsafeMutableBufferPointer { mb in
      var lt = RepairApostrophes.LineTokens(
        buf: UnsafeBufferPointer(mb), words: UnsafePointer(bitPattern: 8)!, nw: 0, out: toks, count: 8)
      for k in 0..<8 {
        let (tokens, i) = lt.at(3 * k)
        #expect(i == k && tokens.count == 8 && tokens[i].start == 3 * k)
      }
    }
  }
}
