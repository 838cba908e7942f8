import Testing

@testable import MendCore

@Suite struct RemoveBoilerplateTests {
  static var patterns: OptionValue {
    Repo.rules.stages.first { $0.id == RemoveBoilerplate.id }!.options.values["patterns"]!
  }
  func run(_ t: String, _ o: [String: OptionValue] = [:]) -> (text: String, changes: [Change], document: Document) {
    var opts = o
    if opts["patterns"] == nil { opts["patterns"] = Self.patterns }
    return StageRun.run(RemoveBoilerplate.spec, t, opts)
  }

  @Test(arguments: [
    "Share on Facebook", "Share", "Read more", "Read more:", "Advertisement", "Photograph: Alexei Druzhinin/AP",
    "Sign up to our morning newsletter", "Facebook Twitter Email", "Click here to subscribe", "SHARE THIS ARTICLE",
  ])
  func removesWholeFurnitureLines(_ line: String) {
    let r = run("A sentence of the story.\n" + line + "\nAnother sentence.\n")
    #expect(r.text == "A sentence of the story.\nAnother sentence.\n")
    #expect(r.changes.count == 1)
    #expect(r.changes[0].action == .remove)
    #expect(r.changes[0].line == 2)
    #expect(r.changes[0].before == line)
  }

  @Test(arguments: [
    "You can read more about the treaty in the archive.",
    "Share prices fell sharply on Monday.",
    "Advertisement revenue rose by 4%.",
    "Photograph: the one that won the prize was taken in 1956. It shows a street in Paris.",
    "Facebook said it would appeal the ruling.",
  ])
  func keepsSentencesThatOnlyStartLikeFurniture(_ line: String) {
    #expect(run(line + "\n").changes.isEmpty)
  }

  @Test func caseSensitiveOption() {
    #expect(run("READ MORE\n", ["case-insensitive": .bool(false)]).text == "READ MORE\n")
    #expect(run("READ MORE\n").text == "")
  }

  @Test func noPatternsNoChanges() {
    #expect(StageRun.run(RemoveBoilerplate.spec, "Read more\n").changes.isEmpty)
  }

  @Test func longDocument() {
    var lines: [String] = []
    var rng = TestRandom(state: 3)
    for i in 0..<100_000 { lines.append(i % 100 == 0 ? "Read more" : rng.sentence(words: 10)) }
    let r = run(lines.joined(separator: "\n"))
    #expect(r.changes.count == 1000)
    #expect(r.document.fragments.count == 99_000)
  }
}
