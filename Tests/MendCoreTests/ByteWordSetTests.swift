import Testing

@testable import MendCore

@Suite struct ByteWordSetTests {
  /// Every listed word is found, words not listed are not, and hash 0 (the empty-slot marker,
  /// which `hash` never returns) is never a member, however full the table is.
  @Test func membersOnlyAndNeverTheEmptyMarker() {
    let words = (0..<5000).map { "word\($0)" }
    let set = ByteWordSet(lexiconText: Array((words.joined(separator: "\n") + "\n  spaced  \n").utf8))
    #expect(words.allSatisfy { set.contains($0) })
    #expect(set.contains("spaced"), "lines are trimmed")
    #expect(!set.contains("word5000") && !set.contains("Word1") && !set.contains(""))
    #expect(!set.contains(hash: 0))
    #expect(!ByteWordSet(lexiconText: []).contains(hash: 0))
    #expect(ByteWordSet.hash("") != 0)
  }
}
