/// One capability of the pipeline. Built from its section of the rules file; pure: a document in,
/// the document and its changes out. A stage never prints and never touches files.
public protocol Stage: Sendable {
  func run(_ document: inout Document, _ context: inout StageContext)
}

/// What a stage gets while it runs: its id (for change records), the change log, and shared
/// text services.
public struct StageContext {
  public let stageID: String
  public internal(set) var log: ChangeLog
  public let segmenter: SentenceSegmenter

  init(stageID: String, log: ChangeLog, segmenter: SentenceSegmenter) {
    self.stageID = stageID
    self.log = log
    self.segmenter = segmenter
  }

  /// Record an applied change or, with `applied: false`, a suggestion. The column and the texts
  /// are worked out only when the change is kept: a counting log (`mend corpus` without a change
  /// log) keeps only how many there were, and a stage's records of a space run or a control
  /// character would otherwise build three strings each for nothing.
  public mutating func record(
    rule: String, action: Change.Action = .edit, line: Int, column: @autoclosure () -> Int,
    before: @autoclosure () -> String, after: @autoclosure () -> String, confidence: Double = 1,
    reason: @autoclosure () -> String, applied: Bool = true
  ) {
    if log.countsOnly {
      log.count(stage: stageID, applied: applied)
      guard log.keepsAll || (log.keepsRemovals && action == .remove && applied) else { return }
    }
    log.record(
      Change(
        stage: stageID, rule: rule, action: action, line: line, column: column(), before: before(),
        after: after(), confidence: confidence, reason: reason(), applied: applied))
  }
}

/// The type of a stage option, used to check rules files strictly.
public enum OptionType: Sendable, Equatable {
  case bool, int, double, string
  case choice([String])
  case stringList
  /// A regular expression (checked when the rules load).
  case regex
  case regexList
  /// A path to a lexicon file, relative to the rules file.
  case lexicon

  var name: String {
    switch self {
    case .bool: return "a boolean"
    case .int: return "an integer"
    case .double: return "a number"
    case .string: return "a string"
    case .choice(let c): return "one of " + c.map { "'\($0)'" }.joined(separator: ", ")
    case .stringList: return "a list of strings"
    case .regex: return "a regular expression"
    case .regexList: return "a list of regular expressions"
    case .lexicon: return "a lexicon file path"
    }
  }
}

/// A checked option value.
public enum OptionValue: Sendable, Equatable {
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case list([String])
}

/// One option a stage accepts, with its default.
public struct OptionSpec: Sendable {
  public let name: String
  public let type: OptionType
  public let defaultValue: OptionValue
  public let help: String

  public init(_ name: String, _ type: OptionType, default defaultValue: OptionValue, help: String) {
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.help = help
  }
}

/// The checked options of one stage, with defaults filled in.
public struct StageOptions: Sendable, Equatable {
  public var values: [String: OptionValue]
  /// The folder of the rules file that set each lexicon option, for resolving relative paths.
  public var baseDirectory: String

  public init(values: [String: OptionValue], baseDirectory: String) {
    self.values = values
    self.baseDirectory = baseDirectory
  }

  /// A stage's defaults, with some options overridden (for tests and library users).
  public static func defaults(
    for spec: StageSpec, overriding overrides: [String: OptionValue] = [:], baseDirectory: String
  ) -> StageOptions {
    var values: [String: OptionValue] = [:]
    for o in spec.options { values[o.name] = o.defaultValue }
    for (k, v) in overrides { values[k] = v }
    return StageOptions(values: values, baseDirectory: baseDirectory)
  }

  public func bool(_ key: String) -> Bool {
    if case .bool(let b)? = values[key] { return b }
    preconditionFailure("option \(key) is not a bool")
  }
  public func int(_ key: String) -> Int {
    if case .int(let v)? = values[key] { return v }
    preconditionFailure("option \(key) is not an int")
  }
  public func double(_ key: String) -> Double {
    if case .double(let v)? = values[key] { return v }
    if case .int(let v)? = values[key] { return Double(v) }
    preconditionFailure("option \(key) is not a number")
  }
  public func string(_ key: String) -> String {
    if case .string(let v)? = values[key] { return v }
    preconditionFailure("option \(key) is not a string")
  }
  public func list(_ key: String) -> [String] {
    if case .list(let v)? = values[key] { return v }
    preconditionFailure("option \(key) is not a list")
  }
  /// Absolute path of a lexicon option.
  public func path(_ key: String) -> String {
    let p = string(key)
    if p.hasPrefix("/") { return p }
    return baseDirectory + "/" + p
  }
}

/// How to build a stage from the rules file: its id, a summary for the docs, its options.
public struct StageSpec: Sendable {
  public let id: String
  public let summary: String
  public let options: [OptionSpec]
  public let make: @Sendable (StageOptions) throws -> any Stage

  public init(
    id: String, summary: String, options: [OptionSpec],
    make: @escaping @Sendable (StageOptions) throws -> any Stage
  ) {
    self.id = id
    self.summary = summary
    self.options = options
    self.make = make
  }
}
