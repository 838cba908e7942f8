/// One edit, removal, move or unapplied suggestion that a stage made (or proposed) to a document.
///
/// Changes are values: the CLI renders them (`--explain`, `--format json`) and nothing leaves the
/// document without one.
public struct Change: Codable, Sendable, Equatable {
  /// What the change does to the document.
  public enum Action: String, Codable, Sendable {
    /// Text inside a fragment was replaced.
    case edit
    /// A whole fragment (line) or sentence was removed.
    case remove
    /// A fragment moved to another position.
    case move
  }

  /// The stage id from the rules file (`normalize-unicode`, `repair-apostrophes`, ...).
  public var stage: String
  /// The rule inside the stage (`mojibake`, `possessive`, ...).
  public var rule: String
  public var action: Action
  /// 1-based line of the fragment in the input.
  public var line: Int
  /// 1-based column (in Unicode scalars) of the change inside the fragment's text at the time the
  /// stage ran.
  public var column: Int
  public var before: String
  public var after: String
  /// 0...1: how sure the stage is.
  public var confidence: Double
  /// Why, in a few words, with the evidence.
  public var reason: String
  /// False for a suggestion the stage was not sure enough to apply.
  public var applied: Bool

  public init(
    stage: String, rule: String, action: Action = .edit, line: Int, column: Int,
    before: String, after: String, confidence: Double = 1, reason: String, applied: Bool = true
  ) {
    self.stage = stage
    self.rule = rule
    self.action = action
    self.line = line
    self.column = column
    self.before = before
    self.after = after
    self.confidence = confidence
    self.reason = reason
    self.applied = applied
  }
}

/// The ordered record of everything a pipeline run did or suggested.
public struct ChangeLog: Sendable {
  public private(set) var changes: [Change] = []
  /// True: records are only counted (`counts`), not kept, and `changes` stays empty — for a
  /// caller that needs nothing but how many changes each stage applied and suggested (the corpus
  /// command): no `Change` is built, stored or destroyed. Stages cannot tell the difference
  /// (they record through `StageContext.record` and never read the log).
  public private(set) var countsOnly = false
  /// With `countsOnly`: one entry per run of records of one stage, in order — the stage, how many
  /// of its records were applied and how many were suggestions.
  public private(set) var counts: [(stage: String, applied: Int, suggestions: Int)] = []

  /// With `countsOnly`: applied removals are kept in `changes` as well (the corpus command's
  /// `--removed` side file needs every removed fragment; edits are still only counted).
  public private(set) var keepsRemovals = false
  /// With `countsOnly`: every record is kept in `changes` as well (the corpus command's
  /// `--change-log` side file); the counts are made as always.
  public private(set) var keepsAll = false

  public init() {}
  public init(countsOnly: Bool, keepingRemovals: Bool = false, keepingAll: Bool = false) {
    self.countsOnly = countsOnly
    self.keepsRemovals = countsOnly && keepingRemovals
    self.keepsAll = countsOnly && keepingAll
  }

  /// Count one record of `stage` (counting mode).
  public mutating func count(stage: String, applied: Bool) {
    if let last = counts.indices.last, counts[last].stage == stage {
      if applied { counts[last].applied += 1 } else { counts[last].suggestions += 1 }
    } else {
      counts.append((stage, applied ? 1 : 0, applied ? 0 : 1))
    }
  }

  public mutating func record(_ change: Change) {
    // Room for sixteen at the first record: a log that grows from one (1, 2, 4, 8...) moves its
    // records at every step, and a document with changes usually has several.
    if changes.capacity == 0 { changes.reserveCapacity(16) }
    changes.append(change)
  }
  public mutating func record(contentsOf other: [Change]) { changes.append(contentsOf: other) }

  /// Move the columns of the records from index `start` on by `by` (a stage that edited a line
  /// without its first bytes reports them where the line has them).
  mutating func shiftColumns(from start: Int, by: Int) {
    for i in start..<changes.count { changes[i].column += by }
  }

  /// Applied changes only.
  public var applied: [Change] { changes.filter(\.applied) }
  /// Suggestions only.
  public var suggestions: [Change] { changes.filter { !$0.applied } }
  public var isEmpty: Bool { changes.isEmpty }
}
