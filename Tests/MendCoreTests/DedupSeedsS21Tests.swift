import Foundation
import Testing

@testable import MendCore

/// Session 21: the dedup evaluation's misses on other seeds and on the fit split (`mend-eval dedup
/// --seed N`), each cut to the lines that decide it.
@Suite struct DedupSeedsS21Tests {
  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Repo.pipeline.clean(s)
    return (r.text, r.changes.filter(\.applied))
  }

  /// A doubled date line before a sentence a scraper lowered: one line that goes on in lower case
  /// is no hard wrap, so the copy is a repeat (it stayed: the line was taken for a wrapped one
  /// whose last words start a new sentence).
  @Test func doubledLineBeforeALowerCaseLineLosesItsCopy() {
    let s =
      "Tuesday, July 23, 2019 Tuesday, July 23, 2019\nby tuesday morning, the storm had dissipated over the sea.\n"
    #expect(fix(s).text == "Tuesday, July 23, 2019\nby tuesday morning, the storm had dissipated over the sea.\n")
    let t = "Monday, November 4, 2019 | Monday, November 4, 2019\nthe storm had dissipated over the sea by then.\n"
    #expect(fix(t).text == "Monday, November 4, 2019\nthe storm had dissipated over the sea by then.\n")
  }

  /// In hard-wrapped text a line whose last words open the sentence the next line goes on with
  /// keeps them, also when they repeat its opening.
  @Test func wrappedLineKeepsItsLastWords() {
    let s = """
      The board approved the plan on Monday after a long debate about the budget and
      the schedule for the new bridge. The board approved the plan on Monday after a
      review of the costs, which the mayor had asked for in a letter to the council in
      the spring, and the plan now goes to the state for its approval later this year.

      """
    #expect(fix(s).text == s)
  }

  /// `said` against `says` when both copies also hold another past-tense attribution word
  /// (`reported`, `according`): the one with more of them is the body's copy and stays, at the
  /// first copy's place (the `says` copy came first and stayed, and the original was lost).
  @Test func saidCopyStaysOverSays() {
    let says =
      "Reuters reported on Monday a German government source, whom they did not name, says the ban on Mahan Air is not part of any broader plan to increase sanctions on Iran."
    let said = says.replacingOccurrences(of: " says ", with: " said ")
    let s = "\(says)\nThe airline has flown to Germany since the 1990s.\n\(said)\n"
    let r = fix(s)
    #expect(r.text == "\(said)\nThe airline has flown to Germany since the 1990s.\n")
    let a =
      "The stores were originally reluctant to impose restrictions, according to a report from ABC Australia on March 3 in which they says they had no plans to introduce restrictions on the purchases."
    let b = a.replacingOccurrences(of: " says ", with: " said ")
    #expect(fix("\(a)\nShelves were empty by noon.\n\(b)\n").text == "\(b)\nShelves were empty by noon.\n")
    // With one attribution word each, `said` still wins, as before.
    let c = "The minister says the plan will cost less than the council first thought it would."
    let d = c.replacingOccurrences(of: " says ", with: " said ")
    #expect(fix("\(c)\nThe vote is next week.\n\(d)\n").text == "\(d)\nThe vote is next week.\n")
  }

  /// Attribution never outweighs a word (or terminal punctuation), and more of it counts more.
  @Test func attributionWeighsLessThanAWord() {
    #expect(DedupText.attributionBonus(0) == 0)
    #expect(DedupText.attributionBonus(1) == 0.5)
    for k in 1..<40 {
      #expect(DedupText.attributionBonus(k + 1) >= DedupText.attributionBonus(k))
      #expect(DedupText.attributionBonus(k) < 1)
    }
    #expect(DedupText.attributionBonus(2) > DedupText.attributionBonus(1))
    // The longer copy stays although the shorter names its source twice.
    let long = "Officials said the bridge would reopen on Monday after the repairs to its old deck were done."
    let cut = "Officials said the bridge would reopen on Monday after the repairs to its old deck"
    #expect(fix("\(cut)\nTraffic was light.\n\(long)\n").text == "\(long)\nTraffic was light.\n")
  }
}

/// A line that opens with an initial is no list item for the dedup stages (`structure`): its
/// repeats go like any other line's (they stayed, as the items of a list do). `J. K. Rowling`
/// also needs `segmentation: initials` (ICU broke it into three sentences). A lower-cased copy
/// (`p. cyclindrica ...`) still reads as a list item (`a. make ...`) and stays.
@Suite struct InitialsS21Tests {
  func fix(_ s: String) -> String { Repo.pipeline.clean(s).text }

  @Test func repeatsOpeningWithAnInitialGo() {
    let a = "J. K. Rowling announced the new book on Monday in London."
    #expect(fix("\(a)\nThe book is due in the autumn.\n\(a)\n") == "\(a)\nThe book is due in the autumn.\n")
    let b = "E. coli was found in the water supply of the town on Monday."
    #expect(fix("\(b)\nResidents were told to boil water.\n\(b)\n") == "\(b)\nResidents were told to boil water.\n")
  }

  @Test func listItemsStay() {
    for s in [
      "A. Introduction to the project and its goals.\nB. Installing the tools.\nA. Introduction to the project and its goals.\n",
      "a. make other arrangements with the office.\nb. call the help desk.\na. make other arrangements with the office.\n",
    ] {
      #expect(fix(s) == s)
    }
    let line = "J. K. Rowling".utf8.map { $0 }
    line.withUnsafeBufferPointer { #expect(DedupText.startsWithInitial($0, 0, $0.count)) }
    let item = "A. Introduction".utf8.map { $0 }
    item.withUnsafeBufferPointer { #expect(!DedupText.startsWithInitial($0, 0, $0.count)) }
  }
}

/// `segmentation: initials`: a capital's initial after a capitalised word or opening a sentence
/// does not end it. ICU broke `George W. | Bush said ...`, and the dedup stages then removed the
/// second half as a repeat of another line, leaving `Former president George W.`.
@Suite struct SentenceInitialsS21Tests {
  func pieces(_ text: String, initials: Bool) -> [String] {
    let seg = SentenceSegmenter(
      locale: "en@ss=standard", abbreviations: Repo.pipeline.abbreviations, initials: initials)
    let bytes = Array(text.utf8)
    return seg.sentences(in: text).map {
      String(decoding: bytes[$0], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
  }

  @Test func namesWithInitialsStayWhole() {
    #expect(Repo.pipeline.sentenceInitials)
    for s in [
      "Former president George W. Bush said on Monday that the plan would work.",
      "The actor Michael J. Fox spoke at the event in New York.",
      "J. K. Rowling announced the new book on Monday in London.",
    ] {
      #expect(pieces(s, initials: true) == [s], "\(s)")
      #expect(pieces(s, initials: false).count > 1, "ICU alone breaks \(s)")
    }
    // After a lower-case word a capital letter ends the sentence.
    #expect(pieces("She took vitamin C. Then she left the room.", initials: true).count == 2)
    // After a word that names things by letters it ends too (`Group B.`, `Plan B.`).
    #expect(pieces("The team plays in Group B. The others stayed at home.", initials: true).count == 2)
    #expect(pieces("They had no Plan B. Then the rain came.", initials: true).count == 2)
    // The price: after another capitalised word it does not (`Malcolm X.`).
    #expect(pieces("The film was about Malcolm X. The critics liked it.", initials: true).count == 1)
  }

  @Test func noHalfSentenceIsRemoved() {
    let s =
      "Bush said on Monday that the plan would work well for the country.\nThe plan was announced in March.\nFormer president George W. Bush said on Monday that the plan would work well for the country.\n"
    let out = Repo.pipeline.clean(s).text
    #expect(!out.contains("George W.\n"))
    #expect(out.contains("Former president George W. Bush said on Monday"))
  }

  @Test func theRulesKeyIsChecked() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-initials-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.yml")
    try "version: 1\nsegmentation:\n  initials: maybe\nstages: []\n".write(to: bad, atomically: true, encoding: .utf8)
    #expect(throws: RulesError.self) { try RuleSet.load(path: bad.path, defaultPath: nil) }
    let off = dir.appendingPathComponent("off.yml")
    try "version: 1\nsegmentation:\n  initials: false\nstages: []\n".write(to: off, atomically: true, encoding: .utf8)
    #expect(try RuleSet.load(path: off.path, defaultPath: nil).sentenceInitials == false)
  }
}
