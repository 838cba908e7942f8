/// The stages of a rule set, built once and run on any number of documents (from any thread).
public struct Pipeline: Sendable {
  public struct Entry: Sendable {
    public let id: String
    public let stage: any Stage

    public init(id: String, stage: any Stage) {
      self.id = id
      self.stage = stage
    }
  }

  public let entries: [Entry]
  public let sentenceLocale: String
  public let abbreviations: [String]
  /// Initials do not end a sentence (`RuleSet.sentenceInitials`).
  public let sentenceInitials: Bool
  /// Which code blocks are looked for and which stages leave them alone (`code-blocks:`, see
  /// `CodeBlocks`).
  public let codeBlocks: CodeBlocks.Config
  /// Per entry: whether it runs with the code blocks set aside.
  let leavesCode: [Bool]

  /// Build the enabled stages of a rule set, in its order.
  public init(rules: RuleSet) throws {
    var entries: [Entry] = []
    for config in rules.stages where config.enabled {
      guard let spec = StageRegistry.spec(config.id) else { continue }
      do {
        let reusable = config.builtOptions == config.options ? config.built : nil
        entries.append(Entry(id: config.id, stage: try reusable ?? spec.make(config.options)))
      } catch let e as RulesError {
        throw e
      } catch {
        throw RulesError(
          file: config.file, line: config.line, column: config.column,
          message: "stage '\(config.id)' cannot be built: \(error)")
      }
    }
    self.init(
      entries: entries, sentenceLocale: rules.sentenceLocale, abbreviations: rules.abbreviations,
      sentenceInitials: rules.sentenceInitials, codeBlocks: rules.codeBlocks)
  }

  public init(
    entries: [Entry], sentenceLocale: String = "en@ss=standard", abbreviations: [String] = [],
    sentenceInitials: Bool = false, codeBlocks: CodeBlocks.Config = CodeBlocks.Config()
  ) {
    self.entries = entries
    self.sentenceLocale = sentenceLocale
    self.abbreviations = abbreviations
    self.sentenceInitials = sentenceInitials
    self.codeBlocks = codeBlocks
    let ids = Set(codeBlocks.stages)
    leavesCode = entries.map { codeBlocks.any && ids.contains($0.id) }
  }

  /// The same pipeline with only the named stages (in their order).
  public func only(_ ids: Set<String>) -> Pipeline {
    Pipeline(
      entries: entries.filter { ids.contains($0.id) }, sentenceLocale: sentenceLocale, abbreviations: abbreviations,
      sentenceInitials: sentenceInitials, codeBlocks: codeBlocks)
  }

  /// A segmenter for one thread's use with this pipeline's locale and abbreviations.
  public func makeSegmenter() -> SentenceSegmenter {
    SentenceSegmenter(locale: sentenceLocale, abbreviations: abbreviations, initials: sentenceInitials)
  }

  /// Repair a document; returns it with the change log.
  public func run(_ document: Document, segmenter: SentenceSegmenter? = nil) -> (Document, ChangeLog) {
    run(document, segmenter: segmenter, log: ChangeLog())
  }

  /// Repair a document, counting the changes instead of keeping them (`ChangeLog.countsOnly`):
  /// the same document as `run`, and a log whose `counts` hold each stage's applied changes and
  /// suggestions.
  /// With `keepingRemovals`, the log's `changes` also hold every applied removal (in order), for
  /// a caller that must write the removed fragments somewhere (`mend corpus --removed`).
  /// With `keepingAll`, they hold every change and suggestion (`mend corpus --change-log`).
  public func runCounting(_ document: Document, segmenter: SentenceSegmenter? = nil, keepingRemovals: Bool = false, keepingAll: Bool = false) -> (Document, ChangeLog) {
    run(document, segmenter: segmenter, log: ChangeLog(countsOnly: true, keepingRemovals: keepingRemovals, keepingAll: keepingAll))
  }

  func run(_ document: Document, segmenter: SentenceSegmenter?, log start: ChangeLog) -> (Document, ChangeLog) {
    var doc = document
    let seg = segmenter ?? makeSegmenter()
    var log = start
    // Code blocks are set aside before the first stage that leaves them alone and put
    // back before the next stage that does not, or at the end (`CodeBlocks`); looked for once
    // per such run of stages.
    var aside: CodeBlocks.SetAside? = nil
    var lookedFor = false
    for (k, e) in entries.enumerated() {
      if leavesCode[k] {
        if !lookedFor {
          aside = CodeBlocks.setAside(&doc, codeBlocks)
          lookedFor = true
        }
      } else {
        if let a = aside { CodeBlocks.restore(a, into: &doc) }
        aside = nil
        lookedFor = false
      }
      // The log moves into the context and back (no copy of its changes per stage).
      var ctx = StageContext(stageID: e.id, log: ChangeLog(), segmenter: seg)
      swap(&ctx.log, &log)
      e.stage.run(&doc, &ctx)
      swap(&ctx.log, &log)
    }
    if let a = aside { CodeBlocks.restore(a, into: &doc) }
    return (doc, log)
  }

  /// Repair a text; returns the repaired text and every change (applied ones and suggestions).
  public func clean(_ text: String, segmenter: SentenceSegmenter? = nil) -> (text: String, changes: [Change]) {
    let (doc, log) = run(Document(text: text), segmenter: segmenter)
    return (doc.text, log.changes)
  }
}
