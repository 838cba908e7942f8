/// The library entry point: load rules once, then clean any number of strings.
///
/// ```swift
/// import MendCore
///
/// let mend = try Mend()                       // the default rules (or Mend(rulesPath: "my.yml"))
/// let result = mend.clean("Moscowâ€™s sovereignty")
/// print(result.text)                          // "Moscow’s sovereignty"
/// for c in result.changes { print(c.stage, c.rule, c.before, "->", c.after, c.applied) }
/// ```
///
/// `Mend` is `Sendable`: share one value between threads. Each call of `clean(_:)` makes its own
/// sentence segmenter; a thread that cleans many strings can keep one from `makeSegmenter()` and
/// pass it in (a segmenter must not be shared between threads).
public struct Mend: Sendable {
  /// What cleaning one string produced.
  public struct Result: Sendable, Equatable {
    /// The repaired text.
    public let text: String
    /// Every change, applied ones and suggestions, in the order the stages made them.
    public let changes: [Change]
    /// Whether the text differs from the input.
    public let changed: Bool
    /// Applied changes only.
    public var applied: [Change] { changes.filter(\.applied) }
    /// Suggestions the pipeline was not sure enough to apply.
    public var suggestions: [Change] { changes.filter { !$0.applied } }
  }

  public let rules: RuleSet
  public let pipeline: Pipeline

  /// Load a rules file; `extends: default` in it refers to `defaultRulesPath`.
  /// Throws `RulesError` (with file, line and column) when the rules are wrong.
  public init(rulesPath: String, defaultRulesPath: String? = nil) throws {
    try self.init(rules: RuleSet.load(path: rulesPath, defaultPath: defaultRulesPath))
  }

  /// The default rules: `$MEND_RULES_DIR/mend.yml`, else `rules/mend.yml` under the current
  /// directory.
  public init() throws {
    let env = ProcessInfo.processInfo.environment["MEND_RULES_DIR"]
    let path = (env.map { $0 + "/mend.yml" }) ?? "rules/mend.yml"
    try self.init(rulesPath: path)
  }

  public init(rules: RuleSet) throws {
    self.rules = rules
    self.pipeline = try Pipeline(rules: rules)
  }

  /// A segmenter for one thread's repeated use with `clean(_:segmenter:)`.
  public func makeSegmenter() -> SentenceSegmenter { pipeline.makeSegmenter() }

  /// Repair a text.
  public func clean(_ text: String, segmenter: SentenceSegmenter? = nil) -> Result {
    let (out, changes) = pipeline.clean(text, segmenter: segmenter)
    // Bytes, not `!=`: an NFD → NFC change leaves canonically equivalent Strings.
    return Result(text: out, changes: changes, changed: !Document.sameUTF8(out, text))
  }
}

import Foundation
