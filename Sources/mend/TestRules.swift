import ArgumentParser
import Foundation
import MendCore

/// `mend test-rules`: run every example of a rules file, as the test suite does.
struct TestRules: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test-rules",
    abstract: "Run the examples in the rules (default or --rules) and report failures at their YAML line.")

  @Option(name: .long, help: "A rules file (may extend the default with 'extends: default').")
  var rules: String?

  func run() throws {
    let set: RuleSet
    do {
      set = try RulesLocator.load(userRules: rules, buildDisabled: true)
    } catch let e as RulesError {
      throw fail(e.description, code: Exit.rules)
    }
    let failures = ExampleRunner.run(set)
    for f in failures { Stderr.print(f.description) }
    print("\(set.examples.count - failures.count) passed, \(failures.count) failed")
    if !failures.isEmpty { throw ExitCode(Exit.rules) }
  }
}

/// `mend stages`: the stages a rules file may name, with their options.
struct ListStages: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stages", abstract: "List the stages and their options (the rules reference).")

  @Flag(name: .long, help: "Print the reference as Markdown (the README's rules reference is this output).")
  var markdown = false

  func run() throws {
    if markdown {
      for spec in StageRegistry.all.sorted(by: { $0.id < $1.id }) {
        print("#### `\(spec.id)`\n\n\(spec.summary)\n")
        if spec.options.isEmpty { continue }
        print("| option | type | default | meaning |\n| --- | --- | --- | --- |")
        for o in spec.options {
          let help = o.help.replacingOccurrences(of: "|", with: "\\|")
          print("| `\(o.name)` | \(o.type.displayName.replacingOccurrences(of: "|", with: " \\| ")) | `\(o.defaultValue.displayText)` | \(help) |")
        }
        print("")
      }
      return
    }
    for spec in StageRegistry.all.sorted(by: { $0.id < $1.id }) {
      print("\(spec.id): \(spec.summary)")
      for o in spec.options {
        print("  \(o.name) (\(o.type.displayName), default \(o.defaultValue.displayText)): \(o.help)")
      }
    }
  }
}

extension OptionType {
  var displayName: String {
    switch self {
    case .bool: return "bool"
    case .int: return "int"
    case .double: return "number"
    case .string: return "string"
    case .choice(let c): return c.joined(separator: "|")
    case .stringList: return "list of strings"
    case .regex: return "regex"
    case .regexList: return "list of regexes"
    case .lexicon: return "lexicon path"
    }
  }
}

extension OptionValue {
  var displayText: String {
    switch self {
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .double(let d): return String(d)
    case .string(let s): return "'\(s)'"
    case .list(let l): return "[" + l.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }
  }
}
