import MendCore
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
