@testable import MendCore
import Testing

@Suite struct RepairCreditsTests {
  static let pipeline = Pipeline(entries: Repo.pipeline.entries.filter { $0.id == "repair-credits" })
  func fix(_ s: String) -> String { Self.pipeline.clean(s).text }

  @Test(arguments: [
    ("Photograph Alexei DruzhininAP", "Photograph: Alexei Druzhinin/AP"),
    ("A view. Photograph Getty Images", "A view. Photograph: Getty Images"),
    ("A view. Photo Jane DoeReuters", "A view. Photo: Jane Doe/Reuters"),
    ("A view. Illustration: John SmithShutterstock", "A view. Illustration: John Smith/Shutterstock"),
    ("A view. Composite Mark LeeAFP via Getty Images", "A view. Composite: Mark Lee/AFP via Getty Images"),
    ("on Wednesday Photograph Alexei DruzhininAPPresident Xi", "on Wednesday Photograph: Alexei Druzhinin/APPresident Xi"),
  ])
  func repairs(_ input: String, _ expected: String) {
    #expect(fix(input) == expected)
  }

  @Test(arguments: [
    "Photograph: Alexei Druzhinin/AP",
    "The Photograph Alexei took was shown",
    "Photo of the day: the AP building",
    "A Composite Image of Paris",
    "Photograph Alexei Druzhinin",
  ])
  func keeps(_ input: String) {
    #expect(fix(input) == input)
  }

  @Test func recordsBothInsertions() {
    let cs = Self.pipeline.clean("Photograph Alexei DruzhininAP").changes
    #expect(cs.map(\.rule) == ["credit-colon", "credit-slash"])
    #expect(cs.allSatisfy { $0.applied && !$0.reason.isEmpty })
  }
}

/// The credit pre-scan (`hasCredit`, vector compares per first byte, or SWAR) finds a credit start exactly
/// where looking at every byte does.
@Suite struct RepairCreditsPrescanTests {
  static let pieces = [
    "Photograph", "Photographs", "Photo", "Photos:", "Illustration", "Composite", "Image", "Picture", "Graphic",
    "Pho", "Im", "I", "P", "C", "G", "Photograph:", "xPhoto", "aImage", " ", " ", ":", "/", "é", "’", "AP", "Getty Images",
    "Alexei", "DruzhininAP", "the", "President", "China", "Government", "Ihoto", "Grap",
  ]

  static func shippedStage() throws -> RepairCredits {
    let entry = try #require(Repo.pipeline.entries.first { $0.id == "repair-credits" })
    return try #require(entry.stage as? RepairCredits)
  }

  /// One to ten pieces, a third of them followed by a space.
  static func randomLine(_ rng: inout TestRandom) -> String {
    var line = ""
    for _ in 0..<Int.random(in: 1...10, using: &rng) {
      line += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
      if Int.random(in: 0..<3, using: &rng) == 0 { line += " " }
    }
    return line
  }

  @Test func sameAsEveryByte() throws {
    let stage = try Self.shippedStage()
    var rng = TestRandom(state: 3)
    var found = 0
    for _ in 0..<5000 {
      let line = Self.randomLine(&rng)
      var text = line
      let (fast, every) = text.withUTF8 { buf in
        (stage.hasCredit(buf), (0..<buf.count).contains { stage.isCreditStart(buf, $0) })
      }
      #expect(fast == every, "\(line)")
      if every { found += 1 }
    }
    #expect(found > 500 && found < 4500)
  }

  /// `isCreditStart` (with its first-two-bytes filter) against the definition: a first byte at a
  /// word start or after a lower-case letter, then a whole credit word and a space or a colon.
  @Test func creditStartIsTheDefinition() throws {
    let stage = try Self.shippedStage()
    let words = stage.creditWords
    var rng = TestRandom(state: 11)
    var starts = 0
    for _ in 0..<5000 {
      let line = Self.randomLine(&rng)
      let b = Array(line.utf8)
      var text = line
      text.withUTF8 { buf in
        for i in 0..<b.count {
          let atStart = i == 0 || b[i - 1] == 0x20 || (b[i - 1] >= 0x61 && b[i - 1] <= 0x7A)
          let every = atStart && words.contains { w in
            i + w.count < b.count && Array(b[i..<(i + w.count)]) == w && (b[i + w.count] == 0x20 || b[i + w.count] == 0x3A)
          }
          #expect(stage.isCreditStart(buf, i) == every, "\(line) at \(i)")
          if every { starts += 1 }
        }
      }
    }
    #expect(starts > 500)
  }
}
