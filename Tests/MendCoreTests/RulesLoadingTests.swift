import Foundation
import MendCore
import Testing

/// Bad rules files give located, teaching errors.
@Suite struct RulesLoadingTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let line: Int
    let column: Int
    let contains: [String]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "unknown top-level key", yaml: "version: 1\nstagez: []\n", line: 2, column: 1,
      contains: ["unknown key 'stagez' at the top level", "expected one of: code-blocks, dedup, extends, segmentation, stages, version"]),
    Case(
      name: "missing version", yaml: "stages: []\n", line: 1, column: 1,
      contains: ["missing key 'version'", "expected one of: 1"]),
    Case(
      name: "unsupported version", yaml: "version: 7\n", line: 1, column: 10,
      contains: ["unsupported version '7'", "expected one of: 1"]),
    Case(
      name: "unknown stage id", yaml: "version: 1\nstages:\n  - id: normalise\n", line: 3, column: 9,
      contains: ["unknown stage id 'normalise'", "normalize-unicode"]),
    Case(
      name: "unknown stage key", yaml: "version: 1\nstages:\n  - id: normalize-unicode\n    enabel: false\n",
      line: 4, column: 5, contains: ["unknown key 'enabel' in a stage", "expected one of: enabled, examples, id, options"]),
    Case(
      name: "unknown option", yaml: "version: 1\nstages:\n  - id: normalize-unicode\n    options:\n      frm: nfc\n",
      line: 5, column: 7, contains: ["unknown key 'frm' in the options of stage 'normalize-unicode'", "form"]),
    Case(
      name: "wrong option type", yaml: "version: 1\nstages:\n  - id: normalize-unicode\n    options:\n      bom: maybe\n",
      line: 5, column: 12, contains: ["option 'bom' must be a boolean"]),
    Case(
      name: "invalid choice", yaml: "version: 1\nstages:\n  - id: normalize-unicode\n    options:\n      form: nfx\n",
      line: 5, column: 13, contains: ["invalid value 'nfx' for option 'form'", "expected one of: nfc, nfkc, none"]),
    Case(
      name: "enabled not a bool", yaml: "version: 1\nstages:\n  - id: normalize-unicode\n    enabled: 3\n",
      line: 4, column: 14, contains: ["'enabled' must be true or false"]),
    Case(
      name: "example without out", yaml: "version: 1\nstages:\n  - id: normalize-unicode\n    examples:\n      - in: x\n",
      line: 5, column: 9, contains: ["needs both 'in' and 'out'"]),
    Case(
      name: "missing lexicon file", yaml: "version: 1\nsegmentation:\n  abbreviations: nope.txt\n",
      line: 3, column: 18, contains: ["lexicon file 'nope.txt' not found"]),
    Case(
      name: "invalid YAML", yaml: "version: 1\nstages: [\n", line: 3, column: 1, contains: ["invalid YAML"]),
    Case(
      name: "stages not a list", yaml: "version: 1\nstages: normalize-unicode\n", line: 2, column: 9,
      contains: ["'stages' must be a list"]),
    Case(
      name: "duplicate key", yaml: "version: 1\nversion: 1\n", line: 2, column: 1, contains: ["duplicate key 'version'"]),
    Case(
      name: "extends a missing file", yaml: "version: 1\nextends: other.yml\n", line: 2, column: 10,
      contains: ["extended rules file 'other.yml' not found"]),
  ]

  @Test(arguments: cases)
  func badRulesFileIsLocated(_ c: Case) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("bad.yml").path
    try c.yaml.write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try RuleSet.load(path: path, defaultPath: Repo.defaultRules)
      Issue.record("expected an error for \(c.name)")
    } catch let e as RulesError {
      #expect(e.file == path)
      #expect(e.line == c.line, "\(e)")
      #expect(e.column == c.column, "\(e)")
      for s in c.contains { #expect(e.message.contains(s), "\(e.message) lacks \(s)") }
      #expect(e.description.hasPrefix("\(path):\(c.line):\(c.column): error: "))
    }
  }

  @Test func userFileExtendsDefaultAndSwitchesStagesOff() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("mine.yml").path
    try """
      version: 1
      extends: default
      stages:
        - id: normalize-unicode
          options:
            quotes: ascii
          examples:
            - in: "“quoted”"
              out: "\\"quoted\\""
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let set = try RuleSet.load(path: path, defaultPath: Repo.defaultRules)
    #expect(set.files == [Repo.defaultRules, path])
    let stage = try #require(set.stages.first { $0.id == "normalize-unicode" })
    #expect(stage.options.string("quotes") == "ascii")
    #expect(stage.options.string("form") == "nfc")  // inherited
    #expect(ExampleRunner.run(set).isEmpty)
    let (text, _) = try Pipeline(rules: set).clean("“quoted”")
    #expect(text == "\"quoted\"")

    try "version: 1\nextends: default\nstages:\n  - id: normalize-unicode\n    enabled: false\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    let off = try RuleSet.load(path: path, defaultPath: Repo.defaultRules)
    let (same, changes) = try Pipeline(rules: off).clean("a&amp;b")
    #expect(changes.allSatisfy { $0.stage != "normalize-unicode" })
    #expect(same.contains("&amp;"))
  }

  @Test func failingExampleIsReportedAtItsLine() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("ex.yml").path
    try """
      version: 1
      stages:
        - id: normalize-unicode
          examples:
            - in: "a&amp;b"
              out: "a&b"
            - in: "x  y"
              out: "x  y"
      """.write(toFile: path, atomically: true, encoding: .utf8)
    let failures = ExampleRunner.run(try RuleSet.load(path: path))
    #expect(failures.count == 1)
    #expect(failures.first?.example.line == 7)
    #expect(failures.first?.description.hasPrefix("\(path):7:9: error:") == true)
  }

  /// A stage is built once, after every file is read: switched off, it is not built at all (it
  /// costs nothing at start-up), unless `buildDisabled` asks (as `mend test-rules` does). A build
  /// error of an enabled stage is located at the entry that configured it last; one of a
  /// disabled stage is reported only with `buildDisabled`, with the same message.
  @Test func stagesAreBuiltOnceAndOnlyWhenEnabled() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("mine.yml").path
    try "version: 1\nextends: default\nstages:\n  - id: repair-apostrophes\n    enabled: false\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    let off = try RuleSet.load(path: path, defaultPath: Repo.defaultRules)
    for s in off.stages { #expect((s.built != nil) == s.enabled, "\(s.id)") }
    #expect(off.stages.contains { !$0.enabled })
    let all = try RuleSet.load(path: path, defaultPath: Repo.defaultRules, buildDisabled: true)
    #expect(all.stages.allSatisfy { $0.built != nil })

    // A phrase without '->' cannot be built.
    let broken = "version: 1\nextends: default\nstages:\n  - id: repair-apostrophes\n    options:\n      phrases: [\"rock n roll\"]\n"
    try broken.write(toFile: path, atomically: true, encoding: .utf8)
    for buildDisabled in [false, true] {
      do {
        _ = try RuleSet.load(path: path, defaultPath: Repo.defaultRules, buildDisabled: buildDisabled)
        Issue.record("expected a build error")
      } catch let e as RulesError {
        #expect(e.description.hasPrefix("\(path):4:5: error: stage 'repair-apostrophes' cannot be built: "), "\(e)")
        #expect(e.message.contains("a phrase is 'words -> restored words'"), "\(e)")
      }
    }
    try (broken + "    enabled: false\n").write(toFile: path, atomically: true, encoding: .utf8)
    let quiet = try RuleSet.load(path: path, defaultPath: Repo.defaultRules)
    #expect(quiet.stages.first { $0.id == "repair-apostrophes" }?.built == nil)
    do {
      _ = try RuleSet.load(path: path, defaultPath: Repo.defaultRules, buildDisabled: true)
      Issue.record("expected a build error with buildDisabled")
    } catch let e as RulesError {
      #expect(e.description.hasPrefix("\(path):4:5: error: stage 'repair-apostrophes' cannot be built: "), "\(e)")
    }
  }

  @Test func lexiconsAreSortedAndUnique() throws {
    let dir = Repo.path("rules/lexicons")
    for f in try FileManager.default.contentsOfDirectory(atPath: dir) where f.hasSuffix(".txt") {
      let lines = Lexicon.lines(try String(contentsOfFile: dir + "/" + f, encoding: .utf8))
      #expect(lines == Array(Set(lines)).sorted(), "\(f) is not sorted and unique (LC_ALL=C sort -u)")
    }
  }
}
