import Testing

@testable import MendCore

/// Session 8 (repair-apostrophes loading and scan): the class file's line splitter and name
/// compare, and the glue table read through a pointer.
@Suite struct ApostropheSpeedS8Tests {
  /// The class file's line splitter (memchr) gives `Bytes.forEachSpacedLine`'s (start, first
  /// space, end) for every line: random files of words, spaces, empty lines, with and without a
  /// last newline.
  @Test func classFileLinesAsTheByteLoop() {
    var rng = TestRandom(state: 8)
    let pieces = ["n9", "word", " ", " ", "\n", "\n", "#", "x y", "\n\n", "  ", "é"]
    var lines = 0
    for _ in 0..<2000 {
      var text = ""
      for _ in 0..<Int.random(in: 0...30, using: &rng) { text += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
      let bytes = Array(text.utf8)
      bytes.withUnsafeBufferPointer { buf in
        var a: [[Int]] = []
        var b: [[Int]] = []
        Bytes.forEachSpacedLine(buf) { a.append([$0, $1, $2]) }
        ContextRule.forEachSpacedLine(buf) { b.append([$0, $1, $2]) }
        lines += a.count
        #expect(a == b, "\(text.debugDescription)")
      }
    }
    #expect(lines > 10_000)
  }

  /// `sameBytes` is `elementsEqual` (lengths 0...4 over a small alphabet: every pair).
  @Test func sameBytesIsElementsEqual() {
    var all: [[UInt8]] = [[]]
    for len in 1...3 {
      var next: [[UInt8]] = []
      for w in all where w.count == len - 1 { for b: UInt8 in [0x61, 0x62, 0x00] { next.append(w + [b]) } }
      all += next
    }
    for x in all {
      for y in all {
        y.withUnsafeBufferPointer { yb in
          #expect(ContextRule.sameBytes(x, yb) == x.elementsEqual(yb))
        }
      }
    }
  }

  /// The glue table behind the pointer is `glueBytes`.
  @Test func glueTableIsGlueBytes() {
    for b in 0..<256 { #expect(RepairApostrophes.glueTable[b] == RepairApostrophes.glueBytes[b]) }
  }
}
