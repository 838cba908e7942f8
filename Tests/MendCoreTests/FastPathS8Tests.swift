import Testing

@testable import MendCore

/// Session 8: `Fragment.sourceOffset`, the corpus writer's hint of where a line's bytes are in its
/// record (the writer checks the bytes there before it copies them).
@Suite struct FastPathS8Tests {
  /// The hint is stored in the padding Fragment had: it stays 32 bytes (every stage copies
  /// fragments).
  @Test func fragmentStaysThirtyTwoBytes() {
    #expect(MemoryLayout<Fragment>.stride == 32)
  }

  /// Kept by copies, forgotten by every kind of edit of the text (like the facts), and -1 when
  /// unknown or out of the 32-bit range.
  @Test func anEditedLineForgetsWhereItCameFrom() {
    let f = Fragment(text: "plain line", line: 1, facts: TextFacts.of("plain line"), sourceOffset: 17)
    #expect(f.sourceOffset == 17)
    let copy = f
    #expect(copy.sourceOffset == 17)
    var a = f
    a.text = "plain line"  // even the same text: an assignment forgets
    var b = f
    b.text.append("!")
    var c = f
    c.text.removeLast()
    #expect(a.sourceOffset == -1 && b.sourceOffset == -1 && c.sourceOffset == -1)
    #expect(Fragment(text: "x", line: 1).sourceOffset == -1)
    #expect(Fragment(text: "x", line: 1, facts: [], sourceOffset: -5).sourceOffset == -1)
    #expect(Fragment(text: "x", line: 1, facts: [], sourceOffset: Int(UInt32.max)).sourceOffset == -1)
    #expect(Fragment(text: "x", line: 1, facts: [], sourceOffset: Int(UInt32.max) - 1).sourceOffset == Int(UInt32.max) - 1)
  }
}
