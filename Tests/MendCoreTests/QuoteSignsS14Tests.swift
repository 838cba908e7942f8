import Foundation
import Testing

@testable import MendCore

/// Session 14: a line that closes a quotation where none is open is a hard sign of disorder
/// (`QuoteSigns`, `restore-order`'s `quote-signs`).
@Suite struct QuoteSignsS14Tests {
  static func state(_ lines: [String]) -> QuoteSigns.State {
    var st = QuoteSigns.State()
    for l in lines { QuoteSigns.read(l, into: &st) }
    return st
  }

  @Test func marks() {
    // A straight mark opens after a space or at the start, closes before a space or punctuation.
    #expect(Self.state(["\"We will go on."]).inside)
    let closer = Self.state(["Nothing will stop us,\" she said."])
    #expect(closer.closedOutside == 1 && !closer.inside)
    let balanced = Self.state(["He said \"yes\" and then \"no\"."])
    #expect(balanced.closedOutside == 0 && balanced.openedInside == 0 && !balanced.inside)
    #expect(Self.state(["“We will go on."]).inside)
    #expect(Self.state(["Nothing will stop us,” she said."]).closedOutside == 1)
    // After a dash a straight mark opens.
    #expect(Self.state(["He said —\"go\"."]).closedOutside == 0)
    // Curly apostrophes are no marks.
    let none = Self.state(["It’s fine.", "No quotation here.", ""])
    #expect(!none.inside && none.closedOutside == 0 && none.openedInside == 0)
  }

  @Test func countsFollowTheOrder() {
    let lines = [
      "The minister spoke on Monday.", "\"We will go on.", "Nothing will stop us,\" she said.", "The talks resume today.",
    ]
    #expect(QuoteSigns.count(lines) == 0)
    // The closing line first: a mark closed where none is open, and the opening one left open.
    #expect(QuoteSigns.count([lines[2], lines[0], lines[1], lines[3]]) == 1)
    // A middle sentence of the quotation (no mark) between its first and last lines.
    let three = ["\"We will go on.", "We always have.", "Nothing will stop us,\" she said."]
    #expect(QuoteSigns.count(three) == 0)
    #expect(QuoteSigns.count([three[2], three[1], three[0]]) == 1)
    // A stray closing mark alone (a typo) is no sign: no quotation is left open.
    #expect(QuoteSigns.count(["The minister spoke on Monday.", "Nothing will stop us,\" she said."]) == 0)
  }

  /// A recursive poem (Debian's fortunes): two quotations opened and never closed, then closing
  /// marks three lines in a row. Counting every closing mark met outside made two signs, and with
  /// them the stage reordered the poem; the pairs make one.
  @Test func nestedQuotationsClosingTogetherCountLittle() {
    let poem = [
      "One day,", "A mad meta-poet,", "With nothing to say,", "Wrote a mad meta-poem", "That started: \"One day,",
      "A mad meta-poet,", "With nothing to say,", "Wrote a mad meta-poem", "That started: \"One day,", "[...]",
      "sort of close\".", "Were the words that the poet,", "Finally chose,", "To bring his mad poem,",
      "To some sort of close\".", "Were the words that the poet,", "Finally chose,", "To bring his mad poem,",
      "To some sort of close\".",
    ]
    let st = Self.state(poem)
    #expect(st.closedOutside == 2 && st.openedInside == 1 && st.signs == 1)
    let text = poem.joined(separator: "\n") + "\n"
    #expect(Repo.pipeline.clean(text).changes.allSatisfy { $0.stage != RestoreOrder.id })
  }

  /// Only the count of hard signs decides here (the z-tests off, one sign needed).
  static func stage(quoteSigns: Bool) -> Pipeline {
    RestoreOrderTests.stageAlone(with: [
      "given-order-z-max": .double(1e9), "adjacent-z-max": .double(1e9), "signs-z-min": .double(-1e9),
      "gain-threshold": .double(-1e9), "min-violations": .int(1), "quote-signs": .bool(quoteSigns),
    ])
  }

  @Test func aQuotationClosedBeforeItOpensLetsTheStageReorder() {
    // No name is given short before its full form: the closing line is the only sign.
    let text = """
      Nothing will stop us now," the mayor told reporters after the vote.
      The city council of Springfield approved a new budget on Tuesday after months of debate.
      Mayor Jane Doe welcomed the decision in a speech at the town hall.
      "We have waited for this budget for a long time.
      Council members will vote on the tax rate next month.

      """
    let on = Self.stage(quoteSigns: true).clean(text)
    #expect(on.text != text)
    #expect(on.changes.contains { $0.stage == RestoreOrder.id && $0.action == .move })
    let off = Self.stage(quoteSigns: false).clean(text)
    #expect(off.text == text)
    // The same lines in order: no sign, nothing moves.
    let inOrder = """
      The city council of Springfield approved a new budget on Tuesday after months of debate.
      Mayor Jane Doe welcomed the decision in a speech at the town hall.
      "We have waited for this budget for a long time.
      Nothing will stop us now," the mayor told reporters after the vote.
      Council members will vote on the tax rate next month.

      """
    #expect(Self.stage(quoteSigns: true).clean(inOrder).text == inOrder)
  }
}
