import Foundation
import Testing

@testable import MendCore

/// Session 14: the inflection stem of a word that is not ASCII (its first four letters, not its
/// first four bytes). Four bytes are two Cyrillic or Greek letters, or one Devanagari letter and a
/// piece of the next, so `посетил` (visited) and `подписал` (signed), `завод` (factory) and `закон`
/// (law) counted as inflections of each other, and `remove-near-duplicates` removed a sentence
/// that says something else.
@Suite struct DedupNonLatinS14Tests {
  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Repo.pipeline.clean(s)
    return (r.text, r.changes)
  }

  @Test func differentCyrillicWordsWithTheSameFirstLettersAreNotInflections() {
    let s = """
      Президент страны посетил завод в Москве в понедельник и встретился с рабочими.
      Затем он провёл совещание с министрами.
      Президент страны подписал закон в Москве в понедельник и встретился с рабочими.

      """
    let r = fix(s)
    #expect(r.text == s)
    #expect(!r.changes.contains { $0.stage == RemoveNearDuplicates.id })
  }

  @Test func aCyrillicInflectionStillMakesANearDuplicate() {
    // `посетил`/`посетила` share their first four letters: the copy goes, as `claim`/`claims` would.
    let s = """
      Президент страны посетил завод в Москве в понедельник и встретился с рабочими.
      Затем он провёл совещание с министрами.
      Президент страны посетила завод в Москве в понедельник и встретился с рабочими.

      """
    let r = fix(s)
    #expect(r.text.split(separator: "\n").count == 2)
    #expect(r.changes.contains { $0.stage == RemoveNearDuplicates.id && $0.action == .remove })
  }

  @Test func tokenStems() {
    func token(_ s: String) -> DedupText.Token { DedupText.nonASCIIToken(Array(s.utf8)) }
    // Non-ASCII words of more than 4 bytes: the first four letters decide.
    #expect(token("посетил").prefix == token("посетила").prefix)
    #expect(token("посетил").prefix != token("подписал").prefix)
    #expect(token("завод").prefix != token("закон").prefix)
    #expect(token("मज़दूर").prefix != token("मदद").prefix)
    // Up to 4 bytes the prefix is the word's bytes, as for ASCII words (`shape` needs it).
    let short = token("né")
    #expect(short.prefix == UInt32(0x6E) | UInt32(0xC3) << 8 | UInt32(0xA9) << 16)
    // A word that is ASCII after normalising keeps its byte prefix (`ﬁnal` is `final`).
    #expect(token("ﬁnals").prefix == token("finals").prefix)
  }
}
