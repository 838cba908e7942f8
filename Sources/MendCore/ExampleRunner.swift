/// Runs the examples of a rule set: each `in` must become `out` through its own stage, each `keep`
/// must not change, and running the stage again on the result must change nothing.
public enum ExampleRunner {
  public struct Failure: Sendable, CustomStringConvertible {
    public let example: RuleExample
    public let message: String
    public var description: String {
      "\(example.file):\(example.line):\(example.column): error: [\(example.stageID)] \(message)"
    }
  }

  /// Check one example; nil when it passes.
  public static func check(_ example: RuleExample, in rules: RuleSet) -> Failure? {
    guard let spec = StageRegistry.spec(example.stageID) else {
      return Failure(example: example, message: "stage not found")
    }
    let stage: any Stage
    do {
      if let config = rules.stages.first(where: { $0.id == example.stageID }), config.options == example.options,
        config.builtOptions == config.options, let built = config.built
      {
        stage = built
      } else {
        stage = try spec.make(example.options)
      }
    } catch {
      return Failure(example: example, message: "stage cannot be built: \(error)")
    }
    let pipeline = Pipeline(
      entries: [Pipeline.Entry(id: example.stageID, stage: stage)],
      sentenceLocale: rules.sentenceLocale, abbreviations: rules.abbreviations, sentenceInitials: rules.sentenceInitials)
    let (once, changes) = pipeline.clean(example.input)
    if once != example.expected {
      let what = example.isKeep ? "keep example changed" : "example output differs"
      return Failure(
        example: example,
        message: "\(what)\n  input:    \(quoted(example.input))\n  expected: \(quoted(example.expected))\n  actual:   \(quoted(once))\n  changes:  \(changes.filter(\.applied).map { "\($0.rule) '\($0.before)'->'\($0.after)'" })")
    }
    let (twice, _) = pipeline.clean(once)
    if twice != once {
      return Failure(
        example: example,
        message: "not idempotent: a second run changed\n  \(quoted(once))\n  to\n  \(quoted(twice))")
    }
    return nil
  }

  public static func run(_ rules: RuleSet) -> [Failure] {
    rules.examples.compactMap { check($0, in: rules) }
  }

  static func quoted(_ s: String) -> String {
    "\"" + Escape.visible(s) + "\""
  }
}

/// Makes invisible and control characters visible for messages.
public enum Escape {
  public static func visible(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
      let v = u.value
      if v == 0x0A {
        out += "\\n"
      } else if v == 0x0D {
        out += "\\r"
      } else if v == 0x09 {
        out += "\\t"
      } else if v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0xA0 || v == 0xAD || (0x2000...0x200F).contains(v)
        || (0x2028...0x202F).contains(v) || v == 0x2060 || v == 0xFEFF || v == 0x3000 || v == 0x205F
      {
        out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
      } else {
        out.unicodeScalars.append(u)
      }
    }
    return out
  }
}
