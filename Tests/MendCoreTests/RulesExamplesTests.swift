import Foundation
import MendCore
import Testing

/// Paths inside the repository, found from this file's location.
enum Repo {
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()
  static let defaultRules = root + "/rules/mend.yml"
  static func path(_ rel: String) -> String { root + "/" + rel }

  static let rules: RuleSet = {
    do {
      return try RuleSet.load(path: defaultRules)
    } catch {
      fatalError("default rules do not load: \(error)")
    }
  }()

  static let pipeline: Pipeline = {
    do {
      return try Pipeline(rules: rules)
    } catch {
      fatalError("default pipeline does not build: \(error)")
    }
  }()
}

/// Every example in every rules file under rules/ runs as a test, reported at its own YAML line.
@Suite struct RulesExamplesTests {
  static func allExamples() -> [RuleExample] {
    let fm = FileManager.default
    let files = ((try? fm.contentsOfDirectory(atPath: Repo.path("rules"))) ?? [])
      .filter { $0.hasSuffix(".yml") }.sorted()
    var out: [RuleExample] = []
    for f in files {
      let path = Repo.path("rules/" + f)
      guard let set = try? RuleSet.load(path: path, defaultPath: Repo.defaultRules) else { continue }
      // Only this file's own examples (not those of a file it extends).
      out += set.examples.filter { $0.file == path }
    }
    return out
  }

  @Test func everyRulesFileLoads() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Repo.path("rules")).filter { $0.hasSuffix(".yml") }
    #expect(!files.isEmpty)
    for f in files {
      #expect(throws: Never.self) { try RuleSet.load(path: Repo.path("rules/" + f), defaultPath: Repo.defaultRules, buildDisabled: true) }
    }
  }

  @Test func everyEnabledStageHasExamples() {
    for stage in Repo.rules.stages where stage.enabled {
      #expect(stage.examples.contains { !$0.isKeep }, "stage \(stage.id) has no in/out example")
      #expect(stage.examples.contains { $0.isKeep }, "stage \(stage.id) has no keep example")
    }
  }

  /// Each rules file loaded once (loading builds the stages, lexicons included).
  static let loaded: [String: RuleSet] = {
    var out: [String: RuleSet] = [:]
    for ex in allExamples() where out[ex.file] == nil {
      out[ex.file] = try? RuleSet.load(path: ex.file, defaultPath: Repo.defaultRules, buildDisabled: true)
    }
    return out
  }()

  @Test(arguments: allExamples())
  func example(_ ex: RuleExample) {
    let rules = Self.loaded[ex.file] ?? Repo.rules
    if let failure = ExampleRunner.check(ex, in: rules) {
      Issue.record(
        Comment(rawValue: failure.description),
        sourceLocation: SourceLocation(
          fileID: "rules/" + (ex.file as NSString).lastPathComponent, filePath: ex.file, line: ex.line,
          column: ex.column))
    }
  }
}

extension RuleExample: CustomTestStringConvertible {
  public var testDescription: String {
    "\((file as NSString).lastPathComponent):\(line) [\(stageID)] \(isKeep ? "keep" : "in/out")"
  }
}
