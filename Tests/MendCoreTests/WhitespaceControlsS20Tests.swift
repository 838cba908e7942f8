import Testing

@testable import MendCore

/// Session 20: a form feed (pdftotext puts one between pages), a vertical tab (Word's line break)
/// or a NEL (U+0085, a line break in text converted from EBCDIC) is whitespace. normalize-unicode
/// removed them as control characters, gluing the words on each side (`partthird`); each now
/// becomes a space, and the space step tidies what is around it.
@Suite struct WhitespaceControlsS20Tests {
  private func clean(_ s: String) throws -> (String, [Change]) {
    let r = try Mend(rulesPath: Repo.defaultRules).clean(s)
    return (r.text, r.changes)
  }

  @Test func whitespaceControlsBecomeSpaces() throws {
    #expect(try clean("second part\u{0C}third\n").0 == "second part third\n")
    #expect(try clean("Page one ends.\u{0C}Page two starts here.\n").0 == "Page one ends. Page two starts here.\n")
    #expect(try clean("Line one\u{0B}line two\n").0 == "Line one line two\n")
    #expect(try clean("next\u{85}line\n").0 == "next line\n")
    // Beside a space, or at a line's start or end, nothing is left of it.
    #expect(try clean("a \u{0C} b\n").0 == "a b\n")
    #expect(try clean("\u{0C}Page two\n").0 == "Page two\n")
    #expect(try clean("The end.\u{0C}\n").0 == "The end.\n")
    // Other controls still go.
    #expect(try clean("bell\u{07}here\n").0 == "bellhere\n")
  }

  @Test func theScalarPathToo() throws {
    // An NFD letter sends the line through the scalar editor instead of the byte path.
    #expect(try clean("Cafe\u{0301}\u{0C}bar\n").0 == "Caf\u{00E9} bar\n")
    #expect(try clean("Cafe\u{0301}\u{0B}bar \u{85} baz\n").0 == "Caf\u{00E9} bar baz\n")
  }

  @Test func theChangeIsLogged() throws {
    let (_, changes) = try clean("second part\u{0C}third\n")
    let c = changes.first { $0.before == "\u{0C}" }
    #expect(c?.after == " ")
    #expect(c?.rule == "control")
    #expect(c?.reason.contains("form feed") == true)
    #expect(c?.column == 12)
  }
}
