import Foundation
import Testing

/// `mend segment` (normalise, one sentence a line) and the parser-free path of `mend PATH`.
@Suite struct SegmentTests {
  func write(_ bytes: [UInt8], _ name: String = "in.txt") throws -> String {
    let path = try CLI.tempDir() + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func oneSentenceALine() throws {
    let text =
      "\u{FEFF}He met Dr. Smith in the U.S. Army. Then he left!\r\n\nIt cost 3.5 dollars.  She asked, “Really?”\n"
    let r = try CLI.run(["segment", try write(Array(text.utf8))])
    #expect(r.status == 0)
    #expect(
      r.out == """
        He met Dr. Smith in the U.S. Army.
        Then he left!
        It cost 3.5 dollars.
        She asked, “Really?”

        """)
  }

  /// Lines are handled a block at a time; the result must not depend on where blocks end (here
  /// several blocks, a byte-order mark starting a later line, lines without a final newline).
  @Test func blocksDoNotChangeTheResult() throws {
    let unit =
      "First one. Second one?\n\u{FEFF}Mr. Brown came. He sat.\nNo final stop here\n\nA line with  two spaces. Next.\n"
    let one = try CLI.run(["segment", try write(Array(unit.utf8), "unit.txt")])
    #expect(one.status == 0)
    let copies = 3000  // about 300 KB: more than one block
    var big = String(repeating: unit, count: copies)
    big.removeLast()  // no final newline
    let many = try CLI.run(["segment", try write(Array(big.utf8), "big.txt")])
    #expect(many.status == 0)
    #expect(many.out == String(repeating: one.out, count: copies))
  }

  @Test func invalidUTF8PrintsNothing() throws {
    let r = try CLI.run(["segment", try write(Array("Good line. Another.\nbad \u{1}".utf8) + [0xFF, 0x0A])])
    #expect(r.status == 65)
    #expect(r.out.isEmpty)
    #expect(r.stderr.contains("invalid UTF-8"))
  }

  /// `mend PATH...` skips ArgumentParser; it must behave exactly as `mend fix PATH...`.
  @Test func plainPathsBehaveAsFix() throws {
    let example = CLI.root + "/examples/guardian-2022-06-15-xi-putin.txt"
    let missing = CLI.root + "/no-such-file.txt"
    for args in [[example], [example, example], [missing], [example, missing]] {
      let fast = try CLI.run(args)
      let parsed = try CLI.run(["fix"] + args)
      #expect(fast.status == parsed.status, "\(args)")
      #expect(fast.stdout == parsed.stdout, "\(args)")
      #expect(fast.stderr == parsed.stderr, "\(args)")
    }
  }
}
