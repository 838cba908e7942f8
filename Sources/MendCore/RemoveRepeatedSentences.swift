/// Exact repeats after a normalised key (case, punctuation, apostrophes, quotes, spacing and
/// Unicode form ignored): whole lines repeated across the document, and sentences repeated within
/// a line or from another line. One copy stays (see `keep` and `position`).
public struct RemoveRepeatedSentences: Stage {
  public static let id = "remove-repeated-sentences"

  static let spec = StageSpec(
    id: id,
    summary: "Remove lines and sentences that repeat an earlier one word for word (case, punctuation, apostrophes, quotes, spacing and Unicode form ignored).",
    options: [
      OptionSpec("min-words", .int, default: .int(4), help: "Repeats shorter than this many words stay ('Yes.', 'Thank you.')."),
      OptionSpec("sentences", .bool, default: .bool(true), help: "Also compare the sentences of lines that hold several (from the sentence segmenter)."),
      OptionSpec("keep-refrains", .bool, default: .bool(false), help: "Keep repeated whole lines of at most refrain-max-words words (a poem's or song's refrain)."),
      OptionSpec("refrain-max-words", .int, default: .int(12), help: "With keep-refrains: the longest line treated as a refrain."),
      DedupText.speakerLabelOption,
      DedupText.hardWrapOption,
      DedupText.structureOption,
      DedupText.sectionsOption,
      Verse.option,
      CodeLines.option,
    ] + DedupText.keeperOptions,
    make: { RemoveRepeatedSentences(options: $0) })

  let minWords: Int
  let sentences: Bool
  let keepRefrains: Bool
  let refrainMaxWords: Int
  let keeper: DedupText.Keeper
  let labels: DedupText.SpeakerLabels
  let hardWrap: Bool
  let structure: Bool
  let sections: Bool
  let verse: Bool
  let code: Bool
  /// The cheap document pass that skips lines without a candidate (off only in tests, which
  /// compare both paths).
  var fastPath = true

  public init(options: StageOptions) {
    minWords = max(1, options.int("min-words"))
    sentences = options.bool("sentences")
    keepRefrains = options.bool("keep-refrains")
    refrainMaxWords = options.int("refrain-max-words")
    keeper = DedupText.Keeper(options: options)
    labels = DedupText.SpeakerLabels(options: options)
    hardWrap = options.bool("hard-wrap")
    structure = options.bool("keep-structure")
    sections = options.bool("sections")
    verse = options.bool("verse")
    code = options.bool("code")
  }

  public func run(_ document: inout Document, _ context: inout StageContext) {
    if document.fragments.count < 1 { return }
    // Only lines that may hold a repeat (a fingerprint of the first words of a piece, where any
    // unit starts, occurs twice; see `DocScan.repeatCandidates`) go through the segmenter and
    // the units. Without the fast path every line does.
    var candidates: [Bool]? = nil
    if fastPath {
      let scan = DedupText.DocScan.of(document, segmenter: context.segmenter)
      guard let c = scan.repeatCandidates(minWords: minWords) else { return }
      candidates = c
    }
    let units = DedupText.units(
      document, segmenter: context.segmenter, sentences: sentences, only: candidates, scanTokens: fastPath)
    let us = units.units
    if us.count < 2 { return }
    var removed = [Bool](repeating: false, count: us.count)
    var plan = DedupText.Plan()
    // key -> the kept unit of that key (per section, with `sections`: the key is mixed with the
    // unit's section, so a copy in another section is another key)
    var seen = HashTable64(capacity: us.count)
    let section = sections ? DedupText.sections(document) : nil
    // Pieces of sentences cut by a hard-wrapped line end are neither removed nor kept as copies.
    let pieces = hardWrap ? HardWrap.pieces(us, document) : nil
    // Lines of verse (a refrain, a chorus) likewise.
    let verseUnits = verse ? Verse.units(us, document) : nil
    // Whether the document is a list of records (`DedupText.isRecords`), asked at its first field.
    var records: Bool? = nil
    for i in 0..<us.count {
      if let pieces, pieces[i] { continue }
      if let verseUnits, verseUnits[i] { continue }
      let u = us[i]
      let words = u.tokenEnd - u.tokenStart
      if words < minWords { continue }
      if structure && DedupText.isStructure(u, document, records: &records) { continue }
      let key = section.map { u.key ^ DedupText.mix(UInt64($0[u.fragment]) &+ 0x5EC7) } ?? u.key
      if keepRefrains && u.wholeLine && words <= refrainMaxWords {
        // A refrain stays; it still counts as seen, so its copy inside a paragraph goes.
        if seen[key] == nil { seen[key] = Int32(i) }
        continue
      }
      if let c32 = seen[key] {
        let c = Int(c32)
        // Confirm the words themselves (a 64-bit key collision is unlikely, but cheap to rule out).
        guard units.tokens(of: us[c]).elementsEqual(units.tokens(of: u), by: { $0.hash == $1.hash }) else { continue }
        // A short answer after a speaker label (`((Name)) Yes, definitely.`) is not a repeat.
        if labels.words(u, in: document) < minWords { continue }
        // Code, commands and program output repeat on purpose (CodeLines).
        if code && CodeLines.looksLikeCode(u, document) { continue }
        let what = us[c].fragment == u.fragment ? "repeats a sentence" : "exact repeat"
        seen[key] = Int32(keeper.resolve(
          c, i, units: units, removed: &removed, plan: &plan, rule: u.wholeLine && us[c].wholeLine ? "line" : "sentence",
          similarity: 1, what: what))
      } else {
        seen[key] = Int32(i)
      }
    }
    DedupText.apply(plan, to: &document, &context)
  }
}
