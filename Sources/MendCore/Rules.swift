import Foundation
import Yams

/// A mistake in a rules file, located at its line and column.
public struct RulesError: Error, CustomStringConvertible, Sendable, Equatable {
  public let file: String
  public let line: Int
  public let column: Int
  public let message: String

  public init(file: String, line: Int, column: Int, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

/// A stage example from a rules file: `in` must become `out`, or a `keep` text must not change.
public struct RuleExample: Sendable {
  public let stageID: String
  public let file: String
  public let line: Int
  public let column: Int
  public let input: String
  /// The expected output; equal to `input` for a `keep` example.
  public let expected: String
  public let isKeep: Bool
  /// The stage's options as the example's own file configured them (a file that extends another
  /// may retune a stage; the inherited examples still run with the options they were written for).
  public let options: StageOptions
}

/// One stage as a rules file configures it.
public struct StageConfig: Sendable {
  public let id: String
  public var enabled: Bool
  public var options: StageOptions
  public var examples: [RuleExample]
  /// The stage built from `options` when the rules loaded (building checks lexicons and patterns;
  /// the pipeline reuses it instead of building again).
  public var built: (any Stage)?
  /// The options `built` was made from (a caller may change `options` afterwards).
  public var builtOptions: StageOptions?
  public let file: String
  public let line: Int
  public let column: Int
}

/// A loaded, checked rules file (with whatever it extends).
public struct RuleSet: Sendable {
  public static let supportedVersions = [1]

  public var stages: [StageConfig]
  /// ICU locale for sentence breaks.
  public var sentenceLocale: String
  /// Abbreviations after which a sentence does not end (`Dr.`, `U.S.`).
  public var abbreviations: [String]
  /// `segmentation: initials`: a capital's initial after a capitalised word (`George W. Bush`) or
  /// opening a sentence (`J. K. Rowling`) does not end the sentence.
  public var sentenceInitials = false
  /// Every rules file that was read, the extended ones first.
  public var files: [String]
  /// Cross-document dedup settings (`dedup:` at the top level; used by `mend dedup`).
  public var dedup = DedupConfig()
  /// The stages that leave fenced code blocks alone (`code-blocks:` at the top level).
  public var codeBlocks = CodeBlocks.Config()

  /// Load a rules file. `defaultPath` is what `extends: default` means.
  ///
  /// Stages are built (which checks their lexicons' contents and rule syntax) once, with their
  /// final options, after every file is read. A disabled stage is not built unless
  /// `buildDisabled` (`mend test-rules` asks for it): switching a stage off makes it cost nothing
  /// at start-up. Its keys, option types, choices, regular expressions and lexicon paths are
  /// checked either way, with the same messages.
  public static func load(path: String, defaultPath: String? = nil, buildDisabled: Bool = false) throws -> RuleSet {
    let loader = RulesLoader(defaultPath: defaultPath)
    var set = try loader.load(path: path, depth: 0)
    try loader.build(&set, disabledToo: buildDisabled)
    return set
  }

  /// Where a stage was last configured (file, line and column of its entry): build errors are
  /// reported there.
  struct EntryMark: Sendable {
    let file: String
    let line: Int
    let column: Int
  }
  var lastEntry: [String: EntryMark] = [:]

  /// Every example in every enabled or disabled stage.
  public var examples: [RuleExample] { stages.flatMap(\.examples) }
}

struct RulesLoader {
  let defaultPath: String?

  static let topKeys = ["version", "extends", "segmentation", "code-blocks", "stages", "dedup"]
  static let codeBlockKeys = ["fenced", "literal", "tables", "stages"]
  static let stageKeys = ["id", "enabled", "options", "examples"]
  static let segmentationKeys = ["locale", "abbreviations", "initials"]

  func load(path: String, depth: Int) throws -> RuleSet {
    guard depth < 8 else {
      throw RulesError(file: path, line: 1, column: 1, message: "'extends' nests too deeply (a cycle?)")
    }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw RulesError(file: path, line: 1, column: 1, message: "cannot read rules file")
    }
    let root: Node
    do {
      // The basic resolver: tags stay unresolved (every accessor used here parses the scalar's
      // text itself), so Yams never builds its default resolver, whose regular expressions cost
      // a few milliseconds of start-up.
      guard let node = try Yams.compose(yaml: text, .basic) else {
        throw RulesError(file: path, line: 1, column: 1, message: "rules file is empty")
      }
      root = node
    } catch let e as RulesError {
      throw e
    } catch let e as YamlError {
      throw Self.yamlError(e, file: path)
    }
    let dir = (path as NSString).deletingLastPathComponent
    let baseDir = dir.isEmpty ? "." : dir
    guard let top = root.mapping else {
      throw err(path, root, "the top level must be a mapping with keys: \(Self.list(Self.topKeys))")
    }
    try checkKeys(top, allowed: Self.topKeys, file: path, what: "at the top level")

    guard let versionNode = top["version"] else {
      throw err(path, root, "missing key 'version'; expected one of: \(RuleSet.supportedVersions.map(String.init).joined(separator: ", "))")
    }
    guard let version = versionNode.int, Self.supportedSet.contains(version) else {
      throw err(path, versionNode, "unsupported version '\(versionNode.string ?? "?")'; expected one of: \(RuleSet.supportedVersions.map(String.init).joined(separator: ", "))")
    }

    var set = RuleSet(stages: [], sentenceLocale: "en@ss=standard", abbreviations: [], files: [])
    if let ext = top["extends"] {
      guard let name = ext.string, ext.scalar != nil else {
        throw err(path, ext, "'extends' must be 'default' or a path to a rules file")
      }
      var target: String
      if name == "default" {
        guard let d = defaultPath else {
          throw err(path, ext, "'extends: default' but the default rules were not found")
        }
        target = d
      } else {
        target = name.hasPrefix("/") ? name : baseDir + "/" + name
      }
      if !FileManager.default.fileExists(atPath: target) {
        throw err(path, ext, "extended rules file '\(name)' not found")
      }
      target = (target as NSString).standardizingPath
      set = try load(path: target, depth: depth + 1)
    }
    set.files.append(path)

    if let seg = top["segmentation"] {
      guard let m = seg.mapping else { throw err(path, seg, "'segmentation' must be a mapping") }
      try checkKeys(m, allowed: Self.segmentationKeys, file: path, what: "in 'segmentation'")
      if let loc = m["locale"] {
        guard let s = loc.string, loc.scalar != nil else { throw err(path, loc, "'locale' must be a string") }
        set.sentenceLocale = s
      }
      if let ab = m["abbreviations"] {
        guard let s = ab.string, ab.scalar != nil else {
          throw err(path, ab, "'abbreviations' must be a lexicon file path")
        }
        let p = s.hasPrefix("/") ? s : baseDir + "/" + s
        guard let content = try? String(contentsOfFile: p, encoding: .utf8) else {
          throw err(path, ab, "lexicon file '\(s)' not found")
        }
        set.abbreviations = Lexicon.lines(content)
      }
      if let node = m["initials"] {
        guard let b = node.bool, node.scalar != nil else { throw err(path, node, "'initials' must be true or false") }
        set.sentenceInitials = b
      }
    }

    if let dedupNode = top["dedup"] {
      set.dedup = try parseDedup(dedupNode, base: set.dedup, file: path)
    }

    if let node = top["code-blocks"] {
      set.codeBlocks = try parseCodeBlocks(node, base: set.codeBlocks, file: path)
    }

    if let stagesNode = top["stages"] {
      guard let seq = stagesNode.sequence else {
        throw err(path, stagesNode, "'stages' must be a list of stages")
      }
      for stageNode in seq {
        try applyStage(stageNode, to: &set, file: path, baseDir: baseDir)
      }
    }
    return set
  }

  static let supportedSet = Set(RuleSet.supportedVersions)

  /// `code-blocks:` — `fenced`, `literal` and `tables` (true or false) and `stages` (ids of known stages); a key an
  /// extending file leaves out keeps the extended file's value.
  func parseCodeBlocks(_ node: Node, base: CodeBlocks.Config, file: String) throws -> CodeBlocks.Config {
    guard let m = node.mapping else {
      throw err(file, node, "'code-blocks' must be a mapping with keys: \(Self.list(Self.codeBlockKeys))")
    }
    try checkKeys(m, allowed: Self.codeBlockKeys, file: file, what: "in 'code-blocks'")
    var c = base
    if let v = m["fenced"] {
      guard v.scalar != nil, let b = v.bool else { throw err(file, v, "'fenced' must be true or false") }
      c.fenced = b
    }
    if let v = m["literal"] {
      guard v.scalar != nil, let b = v.bool else { throw err(file, v, "'literal' must be true or false") }
      c.literal = b
    }
    if let v = m["tables"] {
      guard v.scalar != nil, let b = v.bool else { throw err(file, v, "'tables' must be true or false") }
      c.tables = b
    }
    if let v = m["stages"] {
      guard let seq = v.sequence else { throw err(file, v, "'stages' must be a list of stage ids") }
      var ids: [String] = []
      for item in seq {
        guard item.scalar != nil, let id = item.string, StageRegistry.spec(id) != nil else {
          throw err(
            file, item,
            "unknown stage id '\(item.string ?? "?")' in 'code-blocks'; expected one of: \(Self.list(StageRegistry.all.map(\.id)))")
        }
        ids.append(id)
      }
      c.stages = ids
    }
    return c
  }

  func applyStage(_ node: Node, to set: inout RuleSet, file: String, baseDir: String) throws {
    guard let m = node.mapping else {
      throw err(file, node, "a stage must be a mapping with keys: \(Self.list(Self.stageKeys))")
    }
    try checkKeys(m, allowed: Self.stageKeys, file: file, what: "in a stage")
    guard let idNode = m["id"], let id = idNode.string, idNode.scalar != nil else {
      throw err(file, node, "a stage needs an 'id'; expected one of: \(Self.list(StageRegistry.all.map(\.id)))")
    }
    guard let spec = StageRegistry.spec(id) else {
      throw err(file, idNode, "unknown stage id '\(id)'; expected one of: \(Self.list(StageRegistry.all.map(\.id)))")
    }
    let existing = set.stages.firstIndex { $0.id == id }
    var config: StageConfig
    if let i = existing {
      config = set.stages[i]
    } else {
      var values: [String: OptionValue] = [:]
      for o in spec.options { values[o.name] = o.defaultValue }
      config = StageConfig(
        id: id, enabled: true, options: StageOptions(values: values, baseDirectory: baseDir),
        examples: [], built: nil, builtOptions: nil, file: file, line: mark(node).0, column: mark(node).1)
    }
    if let en = m["enabled"] {
      guard let b = en.bool, en.scalar != nil else {
        throw err(file, en, "'enabled' must be true or false")
      }
      config.enabled = b
    }
    if let opts = m["options"] {
      guard let om = opts.mapping else { throw err(file, opts, "'options' must be a mapping") }
      try checkKeys(om, allowed: spec.options.map(\.name), file: file, what: "in the options of stage '\(id)'")
      for (k, v) in om {
        guard let name = k.string, let os = spec.options.first(where: { $0.name == name }) else { continue }
        // A lexicon path is resolved here, against this file's folder: the stage's other lexicon
        // options keep the folders of the files that set them (`extends: default` and one word
        // list of your own must not move the default's lists to your folder).
        config.options.values[name] = try checkValue(v, os, file: file, baseDir: baseDir)
      }
    }
    if let ex = m["examples"] {
      guard let seq = ex.sequence else {
        throw err(file, ex, "'examples' must be a list of {in, out} or {keep} mappings")
      }
      for e in seq {
        guard let em = e.mapping else {
          throw err(file, e, "an example must be a mapping with 'in' and 'out', or 'keep'")
        }
        try checkKeys(em, allowed: ["in", "out", "keep"], file: file, what: "in an example")
        let (line, col) = mark(e)
        if let keep = em["keep"] {
          guard em["in"] == nil, em["out"] == nil, let s = keep.string, keep.scalar != nil else {
            throw err(file, e, "a 'keep' example takes only the text that must not change")
          }
          config.examples.append(
            RuleExample(stageID: id, file: file, line: line, column: col, input: s, expected: s, isKeep: true, options: config.options))
        } else {
          guard let i = em["in"], let o = em["out"], let si = i.string, let so = o.string,
            i.scalar != nil, o.scalar != nil
          else {
            throw err(file, e, "an example needs both 'in' and 'out' as strings (or a single 'keep')")
          }
          config.examples.append(
            RuleExample(stageID: id, file: file, line: line, column: col, input: si, expected: so, isKeep: false, options: config.options))
        }
      }
    }
    // The stage is built when every file is read (`build`), with its final options; a build
    // error is reported at the last entry that configured it.
    let (line, column) = mark(node)
    set.lastEntry[id] = RuleSet.EntryMark(file: file, line: line, column: column)
    if let i = existing { set.stages[i] = config } else { set.stages.append(config) }
  }

  /// Build the stages of a loaded set (each once): the enabled ones, and the disabled ones too
  /// when asked. Building checks lexicons and rule syntax now, not at first use.
  func build(_ set: inout RuleSet, disabledToo: Bool) throws {
    for k in set.stages.indices where set.stages[k].enabled || disabledToo {
      let config = set.stages[k]
      guard let spec = StageRegistry.spec(config.id) else { continue }
      do {
        set.stages[k].built = try spec.make(config.options)
        set.stages[k].builtOptions = config.options
      } catch let e as RulesError {
        throw e
      } catch {
        let at = set.lastEntry[config.id] ?? RuleSet.EntryMark(file: config.file, line: config.line, column: config.column)
        throw RulesError(file: at.file, line: at.line, column: at.column, message: "stage '\(config.id)' cannot be built: \(error)")
      }
    }
  }

  func checkValue(_ v: Node, _ spec: OptionSpec, file: String, baseDir: String) throws -> OptionValue {
    let bad = { () -> RulesError in
      err(file, v, "option '\(spec.name)' must be \(spec.type.name)")
    }
    switch spec.type {
    case .bool:
      guard v.scalar != nil, let b = v.bool else { throw bad() }
      return .bool(b)
    case .int:
      guard v.scalar != nil, let i = v.int else { throw bad() }
      return .int(i)
    case .double:
      guard v.scalar != nil, let d = v.float else { throw bad() }
      return .double(d)
    case .string:
      guard v.scalar != nil, let s = v.string else { throw bad() }
      return .string(s)
    case .choice(let choices):
      guard v.scalar != nil, let s = v.string else { throw bad() }
      guard choices.contains(s) else {
        throw err(file, v, "invalid value '\(s)' for option '\(spec.name)'; expected one of: \(Self.list(choices))")
      }
      return .string(s)
    case .regex:
      guard v.scalar != nil, let s = v.string else { throw bad() }
      try checkRegex(s, v, file: file)
      return .string(s)
    case .stringList, .regexList:
      guard let seq = v.sequence else { throw bad() }
      var out: [String] = []
      for item in seq {
        guard item.scalar != nil, let s = item.string else { throw err(file, item, "option '\(spec.name)' must be \(spec.type.name)") }
        if spec.type == .regexList { try checkRegex(s, item, file: file) }
        out.append(s)
      }
      return .list(out)
    case .lexicon:
      guard v.scalar != nil, let s = v.string else { throw bad() }
      // Empty: no file (an optional lexicon switched off).
      if s.isEmpty { return .string(s) }
      let p = s.hasPrefix("/") ? s : baseDir + "/" + s
      guard FileManager.default.fileExists(atPath: p) else {
        throw err(file, v, "lexicon file '\(s)' not found (looked for \(p))")
      }
      // Absolute, so that `StageOptions.path` returns it whatever the stage's base folder is.
      return .string(p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p)
    }
  }

  func checkRegex(_ s: String, _ node: Node, file: String) throws {
    do {
      _ = try RegexCache.compile(s)
    } catch {
      throw err(file, node, "invalid regular expression '\(s)'")
    }
  }

  func checkKeys(_ m: Node.Mapping, allowed: [String], file: String, what: String) throws {
    var seen = Set<String>()
    for (k, _) in m {
      guard let name = k.string, k.scalar != nil else {
        throw err(file, k, "keys must be strings; expected one of: \(Self.list(allowed))")
      }
      if !allowed.contains(name) {
        throw err(file, k, "unknown key '\(name)' \(what); expected one of: \(Self.list(allowed))")
      }
      if !seen.insert(name).inserted {
        throw err(file, k, "duplicate key '\(name)' \(what)")
      }
    }
  }

  func mark(_ n: Node) -> (Int, Int) {
    if let m = n.mark { return (m.line, m.column) }
    return (1, 1)
  }

  func err(_ file: String, _ n: Node, _ msg: String) -> RulesError {
    let (l, c) = mark(n)
    return RulesError(file: file, line: l, column: c, message: msg)
  }

  static func list(_ xs: [String]) -> String { xs.sorted().joined(separator: ", ") }

  static func yamlError(_ e: YamlError, file: String) -> RulesError {
    switch e {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
      return RulesError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
    case .composer(_, let problem, let mark, _):
      return RulesError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
    default:
      return RulesError(file: file, line: 1, column: 1, message: "invalid YAML: \(e)")
    }
  }
}
