import Testing

@testable import MendCore

@Suite struct RemoveTandemRepeatsTests {
  let spec = RemoveTandemRepeats.spec

  @Test func exampleCaptionGluedToItself() {
    let line = StageRun.exampleLines()[0]
    let r = StageRun.run(spec, line + "\n")
    #expect(r.text == "President Xi Jinping of China assured Vladimir Putin of support for Moscows sovereignty and security in a telephone call on Wednesday Photograph Alexei DruzhininAP\n")
    #expect(r.changes.count == 1)
    #expect(r.changes.first?.action == .remove)
    #expect(r.changes.first?.reason.contains("line 1 column 1") == true)
  }

  @Test(arguments: ["", " ", " | ", ". ", " - ", " — ", " / "])
  func separators(_ sep: String) {
    let x = "Rescuers search the rubble in Magnitogorsk"
    #expect(StageRun.run(spec, x + sep + x).text == x)
  }

  @Test func sentenceRepeatedWithItsPeriod() {
    #expect(StageRun.run(spec, "The vote was postponed until June. The vote was postponed until June.").text == "The vote was postponed until June.")
  }

  @Test func tripledBecomesSingle() {
    let x = "Flooding in the Rhine valley, pictures"
    #expect(StageRun.run(spec, x + x + x).text == x)
  }

  @Test func repeatAtTheStartOfALongerLine() {
    #expect(
      StageRun.run(spec, "The vote was postponed until June The vote was postponed until June. Officials gave no reason.").text
        == "The vote was postponed until June. Officials gave no reason.")
  }

  @Test func prefixRepeatedAtTheEnd() {
    let t = "Flooding in the Rhine valley - pictures and video - Flooding in the Rhine valley"
    #expect(StageRun.run(spec, t).text == "Flooding in the Rhine valley - pictures and video")
    #expect(StageRun.run(spec, t, ["prefix-repeat": .bool(false)]).text == t)
  }

  // The line's opening said again inside its own sentence is English, not a scraped repeat
  // (from the vim documentation: a repeat preceded by a word or a comma is not X Y X).
  @Test(arguments: [
    "sequence of key strokes is translated into another sequence of key strokes.",
    "is not used, because it does a window-to-front; F17 is not used, because it",
    "the water in the lower valley rose, and again the water in the lower valley rose",
  ])
  func prefixSaidAgainInsideTheSentenceStays(_ text: String) {
    #expect(StageRun.run(spec, text).text == text)
  }

  @Test(arguments: [" | ", ": ", " — ", ". ", " / "])
  func prefixRepeatAfterAStrongSeparatorGoes(_ sep: String) {
    let x = "Flooding in the Rhine valley"
    #expect(StageRun.run(spec, x + " - pictures and video" + sep + x).text == x + " - pictures and video" + (sep == ". " ? "." : ""))
  }

  @Test(arguments: [
    "New York, New York is a song.",
    "Ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha",
    "The committee met on Monday; the committee met again on Tuesday.",
    "It was very, very, very, very cold that winter in the valley.",
    "Bora Bora and Walla Walla are places, and so is Baden-Baden.",
    "The vote was postponed until Junethe vote was postponed until June",  // case differs: not identical
  ])
  func keeps(_ text: String) {
    #expect(StageRun.run(spec, text).text == text)
  }

  @Test func longLineWithoutRepeatAndAPathologicalOne() {
    // Sizes that would hang a quadratic search; the result, not the time, is asserted.
    var rng = TestRandom(state: 7)
    let words = (0..<400_000).map { _ in rng.word() }.joined(separator: " ")
    #expect(StageRun.run(spec, words).changes.isEmpty)
    let same = String(repeating: "a", count: 2_000_000)
    #expect(StageRun.run(spec, same).text == same)  // one word: below min-words
    // A run of a unit shorter than min-words stays (`ha ha ha`); a run of a longer unit loses
    // copies (at most 8 rounds a line).
    let periodic = String(repeating: "abc ", count: 500_000)
    #expect(StageRun.run(spec, periodic).text == periodic)
    let longUnit = String(repeating: "the quick brown fox jumps ", count: 80_000)
    let r = StageRun.run(spec, longUnit)
    #expect(r.text.utf8.count < longUnit.utf8.count)
  }

  @Test func longDocument() {
    var rng = TestRandom(state: 11)
    var lines: [String] = []
    var expected: [String] = []
    for i in 0..<100_000 {
      let s = rng.sentence(words: 8)
      expected.append(s)
      lines.append(i % 10 == 0 ? s + " | " + s : s)
    }
    let r = StageRun.run(spec, lines.joined(separator: "\n"))
    #expect(r.text == expected.joined(separator: "\n"))
    #expect(r.changes.count == 10_000)
  }
}
