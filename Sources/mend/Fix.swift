import ArgumentParser
import Foundation
import MendCore

#if canImport(Glibc)
  import Glibc
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// `mend [fix] [PATH...]`: repair files, directories or stdin.
struct Fix: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fix",
    abstract: "Repair text files (the default subcommand): write the result to stdout, or in place.")

  @Argument(help: "Files or directories to repair; '-' or nothing reads stdin.")
  var paths: [String] = []

  @Option(name: .long, help: "A rules file (may extend the default with 'extends: default').")
  var rules: String?

  @Flag(name: .shortAndLong, help: "Rewrite each file in place, atomically (temp file + rename, mode kept).")
  var inPlace = false

  @Flag(name: .long, help: "Write nothing; list files that would change and exit 1 if any would.")
  var check = false

  @Flag(name: .long, help: "Print a unified diff of what would change instead of the text.")
  var diff = false

  @Flag(name: .long, help: "Print every change (and unapplied suggestions) to stderr as PATH:LINE:COL: [stage/rule] 'before' -> 'after'.")
  var explain = false

  @Option(name: .long, help: "Output: 'text' (the repaired text) or 'json' (the change log as JSON lines).")
  var format: OutputFormat = .text

  @Flag(name: .long, help: "Replace invalid UTF-8 with U+FFFD (each replacement is logged) instead of failing.")
  var lossy = false

  @Option(name: .long, help: "With directories: only files matching this glob (repeatable).")
  var include: [String] = []

  @Option(name: .long, help: "With directories: skip files or folders matching this glob (repeatable).")
  var exclude: [String] = []

  @Option(name: .long, help: "Write every removed line or sentence (its text in 'before', with path, line and column) to this file as JSON lines, so nothing is lost.")
  var removed: String?

  /// `mend PATH...` with every option at its default, built without ArgumentParser (whose
  /// reflection costs milliseconds of start-up); main.swift uses it when no argument is an option
  /// or a subcommand. A debug build checks it against the parser's result. Add new options here.
  static func withDefaults(paths: [String]) -> Fix {
    var f = Fix()
    f.paths = paths
    f.rules = nil
    f.inPlace = false
    f.check = false
    f.diff = false
    f.explain = false
    f.format = .text
    f.lossy = false
    f.include = []
    f.exclude = []
    f.removed = nil
    return f
  }

  func validate() throws {
    if inPlace && (check || diff) {
      throw ValidationError("--in-place cannot be combined with --check or --diff")
    }
    if inPlace && (paths.isEmpty || paths.contains("-")) {
      throw ValidationError("--in-place needs file paths, not stdin")
    }
  }

  func run() throws {
    let set: RuleSet
    let pipeline: Pipeline
    do {
      set = try RulesLocator.load(userRules: rules)
      pipeline = try Pipeline(rules: set)
    } catch let e as RulesError {
      throw fail(e.description, code: Exit.rules)
    }
    let segmenter = pipeline.makeSegmenter()
    let out = Stdout.shared
    var inputErrors = 0
    var changedFiles = 0

    var removedLog: [String] = []
    let inputs = try collectInputs()
    for input in inputs {
      let path = input.path
      let display = path == "-" ? "<stdin>" : path
      do {
        let bytes = try InputReader.readBytes(path)
        if let nul = InputReader.binaryOffset(bytes) {
          if input.fromWalk {
            Stderr.print("mend: \(display): skipped: binary file (NUL byte at offset \(nul))")
            continue
          }
          throw InputError(path: display, message: "binary file (NUL byte at offset \(nul)); not changed")
        }
        let (text, decodeChanges) = try InputReader.decode(bytes, path: display, lossy: lossy)
        let (doc, log) = pipeline.run(Document(text: text), segmenter: segmenter)
        let result = doc.text
        let changes = decodeChanges + log.changes
        // Bytes, not `!=`: an NFD → NFC change leaves canonically equivalent Strings.
        let changed = !Document.sameUTF8(result, text) || !decodeChanges.isEmpty
        if changed { changedFiles += 1 }

        if removed != nil {
          for c in changes where c.action == .remove && c.applied { removedLog.append(Self.jsonLine(c, path: display)) }
        }
        if explain {
          for c in changes { Stderr.print(Self.explainLine(c, path: display)) }
        }
        if format == .json {
          for c in changes { out.write(Self.jsonLine(c, path: display) + "\n") }
        }
        if diff {
          out.write(UnifiedDiff.diff(old: text, new: result, oldName: "a/" + display, newName: "b/" + display))
        }
        if check {
          if changed {
            let applied = changes.filter(\.applied)
            Stderr.print("\(display): would change (\(applied.count) change\(applied.count == 1 ? "" : "s"))")
          }
        } else if inPlace {
          if changed { try AtomicWriter.write(result, to: path) }
        } else if format == .text && !diff {
          out.write(result)
        }
      } catch let e as InputError {
        out.flush()
        Stderr.print("mend: " + e.description)
        inputErrors += 1
      }
    }
    out.flush()
    if let removed {
      do {
        try removedLog.map { $0 + "\n" }.joined().write(toFile: removed, atomically: !OutputFile.isSpecial(removed), encoding: .utf8)
      } catch {
        throw fail("cannot write --removed file \(removed): \(error)", code: Exit.input)
      }
    }
    if inputErrors > 0 { throw ExitCode(Exit.input) }
    if check && changedFiles > 0 { throw ExitCode(Exit.changes) }
  }

  struct Input {
    let path: String
    let fromWalk: Bool
  }

  func collectInputs() throws -> [Input] {
    if paths.isEmpty { return [Input(path: "-", fromWalk: false)] }
    var result: [Input] = []
    let fm = FileManager.default
    for p in paths {
      var isDir: ObjCBool = false
      if p != "-" && fm.fileExists(atPath: p, isDirectory: &isDir) && isDir.boolValue {
        result.append(contentsOf: InputExpander.walk(p, include: include, exclude: exclude).map { Input(path: $0, fromWalk: true) })
      } else {
        result.append(Input(path: p, fromWalk: false))
      }
    }
    return result
  }

  static func explainLine(_ c: Change, path: String) -> String {
    let tag = c.applied ? "" : " (suggestion, not applied)"
    let action = c.action == .edit ? "" : " \(c.action.rawValue)"
    return "\(path):\(c.line):\(c.column): [\(c.stage)/\(c.rule)]\(action) '\(Escape.visible(c.before))' -> '\(Escape.visible(c.after))'\(tag): \(c.reason)"
  }

  static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
  }()

  struct JSONChange: Encodable {
    let path: String
    let change: Change
    func encode(to encoder: Encoder) throws {
      try change.encode(to: encoder)
      var c = encoder.container(keyedBy: Key.self)
      try c.encode(path, forKey: .path)
    }
    enum Key: String, CodingKey { case path }
  }

  static func jsonLine(_ c: Change, path: String) -> String {
    let data = (try? encoder.encode(JSONChange(path: path, change: c))) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
