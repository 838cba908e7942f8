import Foundation
import Testing

@testable import MendCore

/// `DocScan.nearDuplicateLines`' pre-check (session 8): before the per-word second pass, each
/// piece's cover (the lines holding all its content stems, from the stems' numbers alone) is
/// made, and a document where no line has a run of consecutive pieces with `min-words` words, a
/// content word and covers that meet in a line is settled. These cases must stay open: a copy
/// whose pieces are each shorter than `min-words` (only a run of pieces is long enough), a copy
/// in its own line (the own line stays in the pre-check's covers), and a copy whose stems occur
/// in several lines (only their intersection matters).
@Suite struct DedupS8Tests {
  typealias T = DedupFastPathTests

  @Test(arguments: [
    // sentences of short pieces (an abbreviation's `.` starts a piece, and no piece has
    // min-words words): only a run of pieces is long enough; copies in two lines
    "Gov. Ann Lee met Sen. Bo Park at St. Mary Hall.\nThe ferry left at dawn with ninety passengers aboard.\nGov. Ann Lee met Sen. Bo Park at St. Mary Hall late.",
    // the same in one line, with an inflection (told / tells)
    "Dr. Ruth Ames told Sen. Bo Park that St. Louis voters agreed. Rain fell. Dr. Ruth Ames tells Sen. Bo Park that St. Louis voters agreed.",
  ])
  func copyOfShortPiecesIsStillRemoved(_ text: String) {
    let mayHold = T.nearDuplicateMayHold(text)
    #expect(mayHold.lines, "the pre-check would skip this document")
    #expect(mayHold.stage, "the fast path would skip this document")
    T.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, "the case must be a real near-duplicate")
  }

  /// The stems of the copy also occur in other lines (each line shares some of them), so every
  /// single stem's line set is large; only the one line holding all of them is in the
  /// intersection. And the same copy inside its own line (the own line must stay in the covers).
  @Test func copyWhoseStemsAreSpreadIsStillRemoved() {
    let a = "The regional council rejected the proposal to build a second bridge over the river on Tuesday."
    let b = "The regional council rejects the proposal to build a second bridge over the river."
    let spread = [
      "The council met in the regional office.", "A proposal to build houses was made.",
      "The second bridge is old.", "Nobody crossed the river on Tuesday.",
    ]
    for text in [
      ([a] + spread + [b]).joined(separator: "\n"),
      spread.joined(separator: "\n") + "\n" + a + " " + spread[0] + " " + b,
    ] {
      let mayHold = T.nearDuplicateMayHold(text)
      #expect(mayHold.lines, "\(text)")
      T.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, sameChanges: false)
    }
  }

  /// A document the set-aside test (every stem of a piece occurs in another piece) leaves open,
  /// but whose pieces' stems never all meet in one line: the pre-check settles it, and the
  /// stage agrees (nothing to remove).
  @Test func stemsSharedOnlyAcrossDifferentLinesAreSettled() {
    let text = """
      Engineers repaired the harbour tunnel quickly.
      Engineers praised the new ferry service.
      The harbour ferry service resumed quickly.
      The new tunnel was repaired and praised.
      """
    #expect(!T.nearDuplicateMayHold(text).lines)
    let fast = T.run(text, fast: true)
    let full = T.run(text, fast: false)
    #expect(fast.0 == full.0)
    #expect(!full.1.contains { $0.stage == RemoveNearDuplicates.id })
  }
}
