import CICU
import Foundation

/// Restore apostrophes that a scraper stripped: contractions (`dont` → `don't`), forms that are
/// also words decided by context rules (`its been` → `it's been`, `its own` stays), singular
/// possessives (`Moscows sovereignty` → `Moscow's sovereignty`) from a lexicon and from evidence
/// inside the document, and names (`OBrien` → `O'Brien`, `rock n roll` → `rock 'n' roll`).
/// Inserts the apostrophe style the document already uses.
public struct RepairApostrophes: Stage {
  public static let id = "repair-apostrophes"

  static let spec = StageSpec(
    id: id,
    summary: "Restore stripped apostrophes: contractions, context-decided forms (its/it's), possessives, names.",
    options: [
      OptionSpec(
        "words", .lexicon, default: .string("lexicons/english-words.txt"),
        help: "Plain words (no apostrophe): a token X+s listed here is never made possessive."),
      OptionSpec(
        "possessive-bases", .lexicon, default: .string("lexicons/possessive-bases.txt"),
        help: "Nouns and names X whose possessive X's is attested."),
      OptionSpec(
        "apostrophe-words", .lexicon, default: .string("lexicons/apostrophe-words.txt"),
        help:
          "stripped->restored forms (dont->don't); a trailing comma marks a form that is also a word, decided only by context rules."
      ),
      OptionSpec(
        "plain-s-words", .lexicon, default: .string("lexicons/plain-s-words.txt"),
        help:
          "Words ending in s that are never made possessive (hand-kept: brand and plural names no dictionary knows)."),
      OptionSpec(
        "possessive-stats", .lexicon, default: .string("lexicons/possessive-stats.txt"),
        help: "Possessive-versus-plain counts mined from real text, for forms that are also words (nations, Earths)."),
      OptionSpec(
        "possessive-odds", .lexicon, default: .string("lexicons/possessive-odds.txt"),
        help:
          "'FORM DECIBELS' lines: 10·log10 of how much more often X's than X+s is written in a large corpus; the prior of its mined count."
      ),
      OptionSpec(
        "word-classes", .lexicon, default: .string("lexicons/word-classes.txt"),
        help:
          "'WORD CLASS' lines: a lower-case word's noun-or-verb class from word bigram counts (n9 n6 m v); a name + s before a noun-like (n9) word is a possessive name in context ('' = none)."
      ),
      OptionSpec(
        "odds-weight", .double, default: .double(5),
        help: "How many mined observations the possessive-odds of a form count as."),
      OptionSpec(
        "plural-odds-suggest", .double, default: .double(10),
        help:
          "Decibels by which a lower-case X+s that SCOWL does not list (behaviors, libs) is written more often than X's (possessive-odds) for its possessive repair to be only suggested."
      ),
      OptionSpec(
        "name-odds-apply", .double, default: .double(10),
        help:
          "Decibels of possessive-odds at which a name + s before a capitalised word (Afghanistans Maidan) is applied rather than only suggested."
      ),
      OptionSpec(
        "score-apply", .double, default: .double(4),
        help: "Log-odds from possessive-stats at which a form that is also a word is made possessive."),
      OptionSpec(
        "document-bonus", .double, default: .double(0),
        help: "Added to the log-odds of a lower-case form that the document never uses as a plain plural."),
      OptionSpec("score-suggest", .double, default: .double(1), help: "Log-odds at which it is only suggested."),
      OptionSpec(
        "style", .choice(["auto", "ascii", "curly"]), default: .string("auto"),
        help: "Apostrophe to insert: the one the document uses (auto, ASCII when none), or always ' or ’."),
      OptionSpec(
        "contractions", .bool, default: .bool(true),
        help: "Restore contractions and names from the apostrophe-words lexicon."),
      OptionSpec("possessives", .bool, default: .bool(true), help: "Restore singular possessives (X+s → X's)."),
      OptionSpec(
        "name-prefixes", .stringList, default: .list(["O", "D", "d", "l"]),
        help:
          "Letters that with a capitalised name form O'Brien-like names (OBrien → O'Brien) when the token is no word, after a capitalised word. A lower-case letter is French elision (Giscard dEstaing → d'Estaing, Côte dIvoire → d'Ivoire): only before a capital vowel or H, and the rest may be a word (Groupe dIntervention)."
      ),
      OptionSpec(
        "hard-wrap", .bool, default: .bool(true),
        help:
          "In hard-wrapped text (paragraphs broken into lines of about the same width: e-mail, licences, plain-text books), read each paragraph across its line ends: the words on both sides of a line break are neighbours, and a line start inside a sentence is no sentence start."
      ),
      OptionSpec(
        "intact-documents", .choice(["skip", "suggest", "apply"]), default: .string("skip"),
        help:
          "A document that still has apostrophes inside words was not stripped: there only lexicon repairs (dont, OBrien, rock n roll) are made, and inferred ones (possessives, context rules, name patterns) are not looked for (skip), only suggested (suggest) or applied as elsewhere (apply)."
      ),
      OptionSpec(
        "class-file", .lexicon, default: .string("lexicons/apostrophe-classes.txt"),
        help:
          "More word classes for the context rules and name possessives, 'CLASS WORD' lines (WordNet adverb, adjective, noun, verb, verb-lemma)."
      ),
      OptionSpec(
        "classes", .stringList, default: .list([]), help: "Word classes for the context rules: 'name: word word ...'."),
      OptionSpec(
        "context-rules", .stringList, default: .list([]),
        help: "'FROM -> TO: SLOT=ALTS; SLOT!=ALTS' rules for forms that are also words; 'TO?' only suggests."),
      OptionSpec(
        "phrases", .stringList, default: .list(["rock n roll -> rock 'n' roll"]),
        help: "Multi-word forms: 'words -> restored words'."),
      OptionSpec(
        "english-only", .bool, default: .bool(true),
        help:
          "Repair only English text (`las` → `la's` and `im` → `I'm` would ruin Spanish and Croatian words): a line is English when twice min-english of its first english-line-words Latin-script words are english-words (2 of 25), not when none is; any other line is judged first by its paragraph (the lines around it up to a blank line, 2 × english-line-words words: not English when at least english-line-words of them hold less than min-english), then by its whole document (min-english of its words). A line that is not English gets its repairs as suggestions only."
      ),
      OptionSpec(
        "english-words", .stringList, default: .list(EnglishGate.defaultWords),
        help:
          "English function words that other languages written in Latin letters do not use (no `a`, `in`, `to`, `is`)."),
      OptionSpec(
        "min-english", .double, default: .double(0.04),
        help:
          "Share of the Latin-script words looked at that must be english-words for a line or a document to count as English."
      ),
      OptionSpec(
        "english-line-words", .int, default: .int(25),
        help:
          "Latin-script words a line is judged on (a shorter line without an English word is judged by its document; a document with fewer is not judged)."
      ),
    ],
    make: { try RepairApostrophes(options: $0) })

  struct TableEntry: Sendable {
    let key: [UInt8]
    let replacement: [UInt8]
    let ambiguous: Bool
    /// Names (O'Brien) match their exact case only.
    let exactCase: Bool
  }

  struct Phrase: Sendable {
    let words: [[UInt8]]
    let replacements: [[UInt8]]
  }

  /// The calling thread's memo of `suffixFacts` (set while a document runs with the tables).
  var suffixMemo: SuffixMemo?

  /// Off only in tests: `scan` then looks at every token and nothing is memoised (the reference
  /// the token filter and `SuffixMemo` are checked against).
  var fastPaths = true

  /// The SCOWL tables; empty until `run` meets a document that needs a lookup (see `tables`).
  var words = ByteWordSet()
  var possessiveBases = ByteWordSet()
  /// A small filter in front of `possessiveBases` (most lookups of lower-case X+s miss it).
  var possessiveBaseBits = HashBits()
  /// Builds `words` and `possessiveBases` on first need (about 100 k hash inserts), so loading
  /// the rules and running on text that never needs them costs nothing.
  let tables: LazyWordTables
  let plainSWords: ByteWordSet
  let tableIndex: HashLineMap
  let maxKeyLength: Int
  /// Last two letters (lower-cased) of the table's keys, as a 65 536-entry table.
  let keyLastBytes: [Bool]
  /// (length, first letter, last letter) of the table's keys as a 32 768-bit set (see `keyShapeIndex`):
  /// most tokens leave the scan on one bit test.
  let keyShapes: [UInt64]
  /// Letters that a one-letter phrase word (the n of rock n roll) can be.
  let phraseBytes: [Bool]
  let tableEntries: [TableEntry]
  var scorer: PossessiveScorer
  let scoreApply: Double
  let nameOddsApply: Double
  let pluralOddsSuggest: Double
  let scoreSuggest: Double
  let documentBonus: Double
  let style: String
  let contractions: Bool
  let possessives: Bool
  let namePrefixes: Set<UInt8>
  /// `namePrefixes` as a 256-entry table for the scan.
  let namePrefixTable: [Bool]
  /// The token shapes `pickTokens` keeps (see `pickShapes(keyShapes:phraseBytes:namePrefixes:)`).
  var pickShapes: [UInt64]
  /// The same without the possessive and name-prefix shapes: what `scan` can act on in an intact
  /// document under `intact-documents: skip` (contraction-table keys and phrase bytes).
  let pickShapesIntact: [UInt64]
  let inferInIntact: Bool
  /// `english-only`: repairs are applied only in English text (`EnglishGate`).
  let english: EnglishGate?
  /// `intact-documents: skip`: a document with an apostrophe inside a word gets only the
  /// lexicon's repairs (see `hasInternalApostrophe`).
  let skipIntact: Bool
  /// Set on the copy that runs an intact document under `skipIntact`: `scan` then proposes only
  /// what is not inferred (unambiguous table entries, names from the table, phrases).
  var intactOnly = false
  /// Whether the reasons of the changes are written out: not when the log only counts changes
  /// (`mend corpus` without a change log), where their text was most of the cost of a stripped
  /// document's repairs (string building for reasons nobody reads: ~0.3 G instructions on
  /// stripped-20MB.jsonl). The decisions never read a reason.
  var explain = true

  /// A change's reason, built only when it is written out (`explain`).
  @inline(__always)
  func why(_ text: @autoclosure () -> String) -> String { explain ? text() : "" }
  let hardWrap: Bool
  let classes: [String: ByteWordSet]
  let rules: [String: [ContextRule]]
  /// The same rules by the hash of their lower-cased form: also consulted for possessive
  /// candidates that are plain words (`last years relatively` → `last year's`).
  let rulesByHash: RulesByHash
  let phrases: [Phrase]
  let notAfterPossessive: ByteWordSet
  /// Capitalised after a name + s, the head of an eponym (`Felsons Law`; class `eponym-heads`).
  let eponymHeads: ByteWordSet
  /// `Fourth` of `Harrisbergers Fourth Law` (class `ordinals`).
  let ordinals: ByteWordSet
  let pluralMarkers: ByteWordSet
  let pluralDeterminers: ByteWordSet
  let prepositions: ByteWordSet
  let headVerbs: ByteWordSet
  /// WordNet nouns and adjectives (class-file): what a possessive name is followed by.
  let nounClass: ByteWordSet
  let adjectiveClass: ByteWordSet
  /// Words that follow a plural as a reduced clause (class `postpositive`): `APIs available`.
  let postpositive: ByteWordSet
  /// Every WordNet verb lemma (class-file `verb-lemma`): `Returns true` at a sentence start.
  let verbLemmas: ByteWordSet

  public init(options: StageOptions) throws {
    tables = try LazyWordTables(wordsPath: options.path("words"), basesPath: options.path("possessive-bases"))
    plainSWords = try ByteWordSet.load(path: options.path("plain-s-words"))
    scorer = try PossessiveScorer(
      text: try Self.read(options.path("possessive-stats")), oddsPath: options.path("possessive-odds"),
      oddsWeight: options.double("odds-weight"))
    if !options.string("word-classes").isEmpty {
      try scorer.useClasses(path: options.path("word-classes"))
    }
    scoreApply = options.double("score-apply")
    nameOddsApply = options.double("name-odds-apply")
    pluralOddsSuggest = options.double("plural-odds-suggest")
    scoreSuggest = options.double("score-suggest")
    documentBonus = options.double("document-bonus")
    var table: [UInt64: TableEntry] = [:]
    let text = String(decoding: try Self.read(options.path("apostrophe-words")), as: UTF8.self)
    for line in Lexicon.lines(text) {
      guard let r = line.range(of: "->") else { continue }
      // `dont->don't`; spaces around the arrow are allowed (`dont -> don't`).
      let from = Array(line[..<r.lowerBound].trimmingCharacters(in: .whitespaces).utf8)
      var to = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
      let ambiguous = to.hasSuffix(",")
      if ambiguous { to.removeLast() }
      let exact = from.contains(where: Bytes.isUpper) && !to.hasPrefix("I'")
      table[ByteWordSet.hash(Bytes.lowered(from))] = TableEntry(
        key: from, replacement: Array(to.utf8), ambiguous: ambiguous, exactCase: exact)
    }
    var index = HashLineMap(capacity: table.count)
    var entries: [TableEntry] = []
    for (h, e) in table.sorted(by: { $0.key < $1.key }) {
      index.insertIfAbsent(h, entries.count)
      entries.append(e)
    }
    tableIndex = index
    tableEntries = entries
    maxKeyLength = entries.map(\.key.count).max() ?? 0
    var lastBytes = [Bool](repeating: false, count: 65536)
    for e in entries where e.key.count >= 2 {
      lastBytes[Int(Bytes.lower(e.key[e.key.count - 2])) << 8 | Int(Bytes.lower(e.key[e.key.count - 1]))] = true
    }
    keyLastBytes = lastBytes
    var shapes = [UInt64](repeating: 0, count: 512)
    for e in entries where e.key.count >= 2 {
      let i = Self.keyShapeIndex(e.key.count, e.key[0], e.key[e.key.count - 1])
      shapes[i >> 6] |= 1 << UInt64(i & 63)
    }
    keyShapes = shapes
    style = options.string("style")
    contractions = options.bool("contractions")
    possessives = options.bool("possessives")
    namePrefixes = Set(options.list("name-prefixes").compactMap { $0.utf8.count == 1 ? $0.utf8.first : nil })
    var npt = [Bool](repeating: false, count: 256)
    for b in namePrefixes { npt[Int(b)] = true }
    namePrefixTable = npt
    inferInIntact = options.string("intact-documents") == "apply"
    english =
      options.bool("english-only")
      ? EnglishGate(
        words: options.list("english-words"), minShare: options.double("min-english"),
        minWords: options.int("english-line-words")) : nil
    skipIntact = options.string("intact-documents") == "skip"
    hardWrap = options.bool("hard-wrap")
    let classes = try ContextRule.parseClasses(
      options.list("classes"), base: ContextRule.cachedClassFile(try Self.read(options.path("class-file"))))
    self.classes = classes
    var rules: [String: [ContextRule]] = [:]
    for r in options.list("context-rules") {
      let rule = try ContextRule.parse(r, classes: classes)
      rules[rule.from, default: []].append(rule)
    }
    self.rules = rules
    var byHash: [UInt64: [ContextRule]] = [:]
    for (k, v) in rules { byHash[ByteWordSet.hash(k)] = v }
    rulesByHash = RulesByHash(byHash)
    var phrases: [Phrase] = []
    for p in options.list("phrases") {
      guard let r = p.range(of: "->") else {
        throw RuleSyntaxError(rule: p, why: "a phrase is 'words -> restored words'")
      }
      let a = p[..<r.lowerBound].split(separator: " ").map { Array($0.lowercased().utf8) }
      let b = p[r.upperBound...].split(separator: " ").map { Array($0.utf8) }
      guard a.count == b.count, !a.isEmpty else {
        throw RuleSyntaxError(rule: p, why: "both sides need the same number of words")
      }
      phrases.append(Phrase(words: a, replacements: b))
    }
    self.phrases = phrases
    var pb = [Bool](repeating: false, count: 256)
    for p in phrases { for w in p.words where w.count == 1 { pb[Int(w[0])] = true } }
    phraseBytes = pb
    pickShapes = Self.pickShapes(keyShapes: shapes, phraseBytes: pb, namePrefixes: npt)
    pickShapesIntact = Self.pickShapes(
      keyShapes: shapes, phraseBytes: pb, namePrefixes: [Bool](repeating: false, count: 256), possessives: false)
    notAfterPossessive = classes["not-after-possessive"] ?? ByteWordSet()
    eponymHeads = classes["eponym-heads"] ?? ByteWordSet()
    ordinals = classes["ordinals"] ?? ByteWordSet()
    pluralMarkers = classes["plural-markers"] ?? ByteWordSet()
    pluralDeterminers = classes["plural-determiners"] ?? ByteWordSet()
    prepositions = classes["prepositions"] ?? ByteWordSet()
    headVerbs = classes["head-verbs"] ?? ByteWordSet()
    nounClass = classes["noun"] ?? ByteWordSet()
    adjectiveClass = classes["adjective"] ?? ByteWordSet()
    verbLemmas = classes["verb-lemma"] ?? ByteWordSet()
    postpositive = classes["postpositive"] ?? ByteWordSet()
  }

  static func read(_ path: String) throws -> [UInt8] {
    guard let data = try? ByteWordSet.readFile(path) else { throw LexiconLoadError(path: path) }
    return data
  }

  // MARK: - Running

  /// A line's tokens (in a buffer the run reuses for every line).
  typealias Tokens = UnsafeBufferPointer<Token>

  /// A token: a run of letters and digits (non-ASCII letters included), as byte offsets. Whether
  /// it is `glued` (never edited) or ASCII is asked of the bytes when `scan` picks it.
  struct Token {
    var start: Int
    var end: Int
  }

  /// An edit the stage proposes; `'` in `after` becomes the document's apostrophe style.
  struct Proposal {
    var fragment: Int
    var start: Int
    var end: Int
    var after: [UInt8]
    var rule: String
    var reason: String
    var confidence: Double
    var applied: Bool
    var inferred: Bool
  }

  /// A possessive candidate X+s, kept until the whole document has been read.
  struct Candidate {
    var fragment: Int
    var start: Int
    var end: Int
    var hash: UInt64
    var base: [UInt8]
    var lexicon: Bool
    var nextWord: String
    var plainUse: Bool
    var why: String
    /// X+s is also a plain word: decided by the mined score alone, per occurrence.
    var confusable = false
    var score = 0.0
    /// Evidence for a plural possessive (the leaders call on Wednesday fell → leaders').
    var pluralPattern: String?
    var line = 0
    /// A context rule decided this form (its replacement, the rule text, suggest only).
    var rule: (after: [UInt8], text: String, suggest: Bool)?
    /// A name or acronym before a noun (`Macrons statement`): see `nameContext`.
    var named = false
    /// The next word is capitalised (`Angelos Tsiaras`).
    var nextCap = false
    /// The word before a capitalised X+s (`Civic Platforms time`), when `fullNameContext` holds;
    /// `nameLine` is then the line where `W X` stands on its own (0: nowhere; see markFullNames).
    var namePrev: [UInt8]? = nil
    var nameLine = 0
    /// A capitalised X+s before a capitalised eponym head (`Felsons Law`).
    var eponym = false
  }

  public func run(_ document: inout Document, _ context: inout StageContext) {
    if hardWrap, let soft = HardWrap.softEnds(document),
      HardWrap.runJoined(&document, &context, soft: soft, { d, c in runLines(&d, &c) })
    {
      return
    }
    runLines(&document, &context)
  }

  func runLines(_ document: inout Document, _ context: inout StageContext) {
    let explain = !context.log.countsOnly || context.log.keepsAll
    if skipIntact && Self.hasInternalApostrophe(document) {
      // Every inferred proposal here would end as a suggestion at most (`intact-documents`), and
      // under `skip` none is made: no word tables, no possessive or context candidates.
      var lite = self
      lite.intactOnly = true
      lite.pickShapes = pickShapesIntact
      lite.explain = explain
      lite.runLoaded(&document, &context)
      return
    }
    if needsTables(document) {
      var loaded = self
      (loaded.words, loaded.possessiveBases) = tables.get()
      loaded.possessiveBaseBits = tables.baseBits()
      // Scores are only computed for X+s candidates, which needsTables finds.
      loaded.scorer.loadOdds()
      if fastPaths { loaded.suffixMemo = SuffixMemo.forThisThread(owner: tables) }
      loaded.explain = explain
      loaded.runLoaded(&document, &context)
    } else if explain != self.explain {
      var quiet = self
      quiet.explain = explain
      quiet.runLoaded(&document, &context)
    } else {
      runLoaded(&document, &context)
    }
  }

  /// Whether any line may reach a word-table lookup: a token ending in s (possessive candidates)
  /// or a name prefix before a capital (OBrien). Stops at the first hit, so on real text it looks
  /// at a line or two; a document without one never builds the tables.
  func needsTables(_ document: Document) -> Bool {
    // `namePrefixTable` is `namePrefixes` as a 256-entry table (built once, not per document).
    let prefix = namePrefixTable
    for fragment in document.fragments {
      var text = fragment.text
      let hit = text.withUTF8 { buf -> Bool in
        let n = buf.count
        var i = 0
        while i < n {
          let b = buf[i]
          if b == 0x73 || b == 0x53 {
            if i + 1 == n || !Bytes.isAlnum(buf[i + 1]) { return true }
          } else if prefix[Int(b)] && i + 1 < n && Bytes.isUpper(buf[i + 1]) {
            return true
          }
          i += 1
        }
        return false
      }
      if hit { return true }
    }
    return false
  }

  /// A line whose first non-blank byte is a lower-case ASCII letter.
  static func startsLower(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < buf.count && (buf[i] == 0x20 || buf[i] == 0x09) { i += 1 }
    return i < buf.count && Bytes.isLower(buf[i])
  }

  /// A line that stops inside a sentence: it does not end with `.`, `!`, `?`, `:` or `;` (after
  /// any closing quotes and brackets: `"stop."`, `(See the notes.)`). With `startsLower` of the
  /// next line: `if it⏎were not for this penalty` (a hard-wrapped pair too short for `HardWrap`
  /// to call the document wrapped), whose `were` starts no sentence; and (session 18) a line
  /// that stops after a closing quote, a digit or a capital (`not starting with "@"⏎were
  /// incorrectly recognized`; before, only a lower-case letter or a comma). A blank line ends
  /// nothing open.
  static func endsOpen(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    let e = Bytes.visibleEnd(buf)
    if e == 0 { return false }
    let b = buf[e - 1]
    return !(b == 0x2E || b == 0x21 || b == 0x3F || b == 0x3A || b == 0x3B)
  }

  static func endsOpen(_ line: [UInt8]) -> Bool {
    line.withUnsafeBufferPointer { endsOpen($0) }
  }

  /// The first byte and the width of the two apostrophes `hasInternalApostrophe` looks for.
  static let apostropheBytes: [(UInt8, Int)] = [(0x27, 1), (0xE2, 3)]

  /// Whether some line has an apostrophe inside a word: a ' or ’ between an ASCII letter or digit
  /// and an ASCII letter or digit (`it's`, `Moscow’s`). Every such apostrophe is one that
  /// `lineMasks` and `tokenize` count (they also count one after a non-ASCII letter), so a
  /// document this finds is one `runLoaded` treats as intact: under `skipIntact` nothing it would
  /// apply is lost. Looks for the two bytes with `memchr`, so a line without one costs little.
  static func hasInternalApostrophe(_ document: Document) -> Bool {
    for fragment in document.fragments {
      var text = fragment.text
      let hit = text.withUTF8 { buf -> Bool in
        guard let base = buf.baseAddress, buf.count >= 3 else { return false }
        let n = buf.count
        // ' (one byte), then ’ (E2 80 99).
        for (byte, width) in Self.apostropheBytes {
          var i = 1
          while i + width < n {
            guard let q = memchr(base + i, Int32(byte), n - width - i) else { break }
            let k = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
            if Bytes.isAlnum(base[k - 1]) && Bytes.isAlnum(base[k + width])
              && (width == 1 || base[k + 1] == 0x80 && base[k + 2] == 0x99)
            {
              return true
            }
            i = k + 1
          }
        }
        return false
      }
      if hit { return true }
    }
    return false
  }

  func runLoaded(_ document: inout Document, _ context: inout StageContext) {
    var proposals: [Proposal] = []
    var candidates: [Candidate] = []
    // Made on the first insert: most documents have no plain plural that needs it.
    var plainSeen = LazyLineMap()
    var internalAscii = 0
    var internalCurly = 0
    var anyCurly = false
    // The reference (no fast paths) looks at every token and gathers the standalone names as it
    // goes; the fast path gathers them from the kept masks only when a candidate asks.
    var caps: [CapsToken] = []
    // One token buffer and one pick buffer for all lines, grown as needed (a line of n bytes has
    // at most n / 2 + 1 tokens), and the high-byte mask of the current line.
    var capacity = 256
    var scratch = UnsafeMutablePointer<Token>.allocate(capacity: capacity)
    var picks = UnsafeMutablePointer<Pick>.allocate(capacity: capacity)
    var high = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 32 + 2)
    // The token masks of every line of the document (`lineMasks`), one after another: kept for
    // `standaloneNamesFromMasks`.
    var totalWords = 0
    if fastPaths {
      for f in document.fragments { totalWords += (f.text.utf8.count + 63) >> 6 }
    }
    let docWords = UnsafeMutablePointer<UInt64>.allocate(capacity: max(totalWords, 1))
    defer {
      scratch.deallocate()
      picks.deallocate()
      high.deallocate()
      docWords.deallocate()
    }

    var wordOffset = 0
    var openEnd = false
    for fi in document.fragments.indices {
      var text = document.fragments[fi].text
      let line = document.fragments[fi].line
      text.withUTF8 { buf in
        let continues = openEnd && Self.startsLower(buf)
        openEnd = Self.endsOpen(buf)
        if buf.count / 2 + 2 > capacity {
          scratch.deallocate()
          picks.deallocate()
          high.deallocate()
          capacity = max(buf.count / 2 + 2, capacity * 2)
          scratch = UnsafeMutablePointer<Token>.allocate(capacity: capacity)
          picks = UnsafeMutablePointer<Pick>.allocate(capacity: capacity)
          high = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 32 + 2)
        }
        if fastPaths {
          let words = docWords + wordOffset
          let nw = lineMasks(
            buf, words: words, high: high, internalAscii: &internalAscii, internalCurly: &internalCurly,
            anyCurly: &anyCurly)
          wordOffset += nw
          let np = pickTokens(buf, words, nw, into: picks)
          var lt = LineTokens(buf: buf, words: words, nw: nw, out: scratch, count: -1)
          scan(
            buf, picks: UnsafeBufferPointer(start: picks, count: np), high: high, tokens: &lt, fragment: fi, line: line,
            proposals: &proposals, candidates: &candidates, caps: &caps, plainSeen: &plainSeen, continues: continues)
        } else {
          let m = tokenize(
            buf, into: scratch, internalAscii: &internalAscii, internalCurly: &internalCurly, anyCurly: &anyCurly)
          for k in 0..<m { picks[k] = Pick(start: Int32(scratch[k].start), end: Int32(scratch[k].end)) }
          var lt = LineTokens(buf: buf, words: docWords, nw: 0, out: scratch, count: m)
          scan(
            buf, picks: UnsafeBufferPointer(start: picks, count: m), high: nil, tokens: &lt, fragment: fi, line: line,
            proposals: &proposals, candidates: &candidates, caps: &caps, plainSeen: &plainSeen, continues: continues)
        }
      }
    }

    let intact = internalAscii + internalCurly > 0
    if !candidates.isEmpty {
      // Names standing on their own are only looked up for some candidates: gathered on first need.
      let doc = document
      let fast = fastPaths
      let capsSeen = StandaloneNames {
        fast ? self.standaloneNamesFromMasks(doc, docWords, candidates) : self.standaloneNames(doc, caps, candidates)
      }
      markFullNames(document, &candidates)
      resolvePossessives(candidates, standalone: capsSeen, plainSeen: plainSeen, into: &proposals)
    }
    if proposals.isEmpty { return }
    if proposals.contains(where: { $0.rule == "name-prefix" }) { repeatNamePrefixes(document, &proposals) }

    let curly: Bool
    switch style {
    case "curly": curly = true
    case "ascii": curly = false
    default: curly = internalCurly > internalAscii || (internalAscii == 0 && internalCurly == 0 && anyCurly)
    }

    // Apply per fragment, right to left so offsets stay valid.
    proposals.sort { ($0.fragment, $0.start) < ($1.fragment, $1.start) }
    var byFragment: [Int: [Proposal]] = [:]
    for p in proposals { byFragment[p.fragment, default: []].append(p) }
    // The lines whose repairs are only suggested because they are not English (before any edit:
    // the token masks are of the lines as they came in).
    let foreignLines = english.map { foreign(byFragment.keys.sorted(), document, gate: $0, docWords: docWords) } ?? [:]
    for fi in byFragment.keys.sorted() {
      var bytes = Array(document.fragments[fi].text.utf8)
      let original = bytes
      let line = document.fragments[fi].line
      var edits: [(Int, Int, [UInt8])] = []
      let foreign = foreignLines[fi]
      for var p in byFragment[fi]! {
        if let foreign, p.applied {
          p.applied = false
          if explain { p.reason += "; only suggested: \(foreign)" }
        }
        if p.inferred && intact && !inferInIntact && p.applied {
          p.applied = false
          if explain {
            p.reason += "; only suggested: the document still has apostrophes inside words, so they were not stripped"
          }
        }
        var after = p.after
        if curly { after = Self.curlify(after) }
        // The column and texts are worked out by `record` only when the change is kept.
        context.record(
          rule: p.rule, line: line, column: original[0..<p.start].reduce(1) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) },
          before: String(decoding: original[p.start..<p.end], as: UTF8.self),
          after: String(decoding: after, as: UTF8.self), confidence: p.confidence,
          reason: p.reason, applied: p.applied)
        if p.applied { edits.append((p.start, p.end, after)) }
      }
      if edits.isEmpty { continue }
      for (s, e, a) in edits.reversed() { bytes.replaceSubrange(s..<e, with: a) }
      // Valid UTF-8 without a second check: whole tokens (cut at ASCII bytes) of valid text were
      // replaced by ASCII letters and ' or ’.
      document.fragments[fi].text = bytes.withUnsafeBufferPointer {
        ValidatedUTF8.string($0, isASCII: ValidatedUTF8.allASCII($0))
      }
    }
  }

  static func curlify(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(b.count + 4)
    for x in b {
      if x == 0x27 { out += [0xE2, 0x80, 0x99] } else { out.append(x) }
    }
    return out
  }

  /// 0: ASCII separator, 1: ASCII letter or digit, 2: a byte of a non-ASCII scalar.
  static let byteClass: [UInt8] = (0..<256).map { b in
    b >= 0x80 ? 2 : Bytes.isAlnum(UInt8(b)) ? 1 : 0
  }

  /// Split a line into word tokens on bytes, and count the apostrophes inside words (the
  /// document's style, and whether it was stripped at all).
  /// The tokens of a line, written to `out` (room for buf.count / 2 + 2); returns their count.
  /// Of the given lines (those with repairs), the ones that are not English (`english-only`),
  /// with the reason. A line whose first `english-line-words` Latin-script words hold `lineNeed`
  /// English function words is English; one of that many words without any is not; any other is
  /// judged by its paragraph (`aroundWords` words of the lines around it up to a blank line: not
  /// English when at least `english-line-words` of them hold less than the share), then by its
  /// whole document (the share; a document of fewer than `english-line-words` words is not
  /// judged). A line's count stops as soon as its answer is known, so English text costs a few
  /// words a line. The counts are over the stage's own tokens: the token
  /// masks the scan kept in `docWords`, or `tokenize` on the reference path (the same tokens).
  func foreign(
    _ lines: [Int], _ document: Document, gate: EnglishGate, docWords: UnsafePointer<UInt64>
  ) -> [Int: String] {
    // Where each line's token masks start in `docWords` (`lineMasks` wrote (n + 63) / 64 words a
    // line, one line after another), made on first need.
    var offsets: [Int] = []
    func share(_ f: Int, _ maxWords: Int, _ enough: Int) -> (words: Int, english: Int) {
      var t = document.fragments[f].text
      return t.withUTF8 { buf -> (words: Int, english: Int) in
        guard let p = buf.baseAddress else { return (0, 0) }
        guard fastPaths else { return englishShare(buf, gate: gate, maxWords: maxWords, enough: enough) }
        if offsets.isEmpty {
          var o = 0
          offsets.reserveCapacity(document.fragments.count)
          for g in document.fragments {
            offsets.append(o)
            o += (g.text.utf8.count + 63) >> 6
          }
        }
        return gate.share(p, buf.count, masks: docWords + offsets[f], maxWords: maxWords, enough: enough)
      }
    }
    var documentVerdict: (english: Bool, share: (words: Int, english: Int))? = nil
    var out: [Int: String] = [:]
    for fi in lines {
      let own = share(fi, gate.minWords, gate.lineNeed)
      if own.english >= gate.lineNeed { continue }
      if own.words >= gate.minWords && own.english == 0 {
        out[fi] = "the line is not English (no English function word in its first \(own.words) words)"
        continue
      }
      // Session 18: a line too short to judge is judged by its paragraph (the lines around it up
      // to a blank line, nearest first, `aroundWords` words in all) before its document: a
      // translation under an English licence header (GnuPG's help texts) was English by the
      // header, and its wrapped lines got English repairs (French `dont` → `don't`, German
      // `Fotos` → `Foto's`). Not English when those words are at least `english-line-words` and
      // their share of English function words is below `min-english` (English paragraphs of
      // that many words measured ≥ 0.067).
      do {
        var total = own
        let n = document.fragments.count
        // The next line on one side (after: +1, before: -1) while it is in the paragraph.
        func line(_ f: Int) -> Int? {
          f >= 0 && f < n && !document.fragments[f].text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) ? f : nil
        }
        var after = line(fi + 1)
        var before = line(fi - 1)
        func take(_ f: Int) {
          let s = share(f, gate.aroundWords - total.words, .max)
          total.words += s.words
          total.english += s.english
        }
        while total.words < gate.aroundWords && (before != nil || after != nil) {
          if let f = after {
            take(f)
            after = line(f + 1)
          }
          if let f = before, total.words < gate.aroundWords {
            take(f)
            before = line(f - 1)
          }
        }
        if total.words >= gate.minWords && !gate.isEnglish(total) {
          out[fi] =
            "the lines around it are not English (\(total.english) English function words in \(total.words) words)"
          continue
        }
        // English when they hold twice what makes a line English (4 of up to 50 words; other
        // languages' paragraphs of 25 words or more mostly hold none): the document need not be
        // read.
        if total.english >= 2 * gate.lineNeed { continue }
      }
      if documentVerdict == nil {
        // Session 18: the whole document's share, not its first 300 words (12 ×
        // `english-line-words`): an English licence header over a translation (GnuPG's help
        // texts) gave the document its 12 English words (min-english of 300) before the
        // translation began. English documents of 136 words or more measured ≥ 0.125, so a whole
        // English document passes as its start did.
        var total = (words: 0, english: 0)
        for f in document.fragments.indices {
          let s = share(f, .max, .max)
          total.words += s.words
          total.english += s.english
        }
        let english = total.words < gate.minWords || gate.isEnglish(total)
        documentVerdict = (english, total)
      }
      if let d = documentVerdict, !d.english {
        out[fi] =
          "the document is not English (\(d.share.english) English function words in its first \(d.share.words) words)"
      }
    }
    return out
  }

  /// A line's (Latin-script words, English function words) over `tokenize`'s tokens (see
  /// `EnglishGate.count`): the reference for the share the fast path reads from the token masks.
  func englishShare(
    _ buf: UnsafeBufferPointer<UInt8>, gate: EnglishGate, maxWords: Int = .max, enough: Int = .max
  ) -> (words: Int, english: Int) {
    guard let p = buf.baseAddress, buf.count > 0 else { return (0, 0) }
    let out = UnsafeMutablePointer<Token>.allocate(capacity: buf.count / 2 + 2)
    defer { out.deallocate() }
    var ia = 0
    var ic = 0
    var curly = false
    let m = tokenize(buf, into: out, internalAscii: &ia, internalCurly: &ic, anyCurly: &curly)
    var words = 0
    var english = 0
    for k in 0..<m where words < maxWords && english < enough {
      gate.count(p, out[k].start, out[k].end, &words, &english)
    }
    return (words, english)
  }

  func tokenize(
    _ buf: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Token>, internalAscii: inout Int,
    internalCurly: inout Int, anyCurly: inout Bool
  ) -> Int {
    let n = buf.count
    guard let p = buf.baseAddress, n > 0 else { return 0 }
    var ia = internalAscii
    var ic = internalCurly
    var curly = anyCurly
    // A token takes a byte and a separator: at most n / 2 + 1 of them. Written in place (no
    // per-token append checks), with `glued` decided as each token ends.
    let raw = UnsafeRawPointer(p)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let low7 = ones &* 0x7F
    let high = ones &* 0x80
    var m = 0
    do {
      Self.byteClass.withUnsafeBufferPointer { cls in
        var i = 0
        while i < n {
          let b = p[i]
          let c = cls[Int(b)]
          if c == 0 {
            i += 1
            continue
          }
          if c == 2 {
            // U+2000...U+206F (’ “ ” – — …) and U+00A0...U+00BF separate words.
            if b == 0xE2 && i + 2 < n && (p[i + 1] == 0x80 || p[i + 1] == 0x81) {
              if p[i + 1] == 0x80 && (p[i + 2] == 0x99 || p[i + 2] == 0x98) { curly = true }
              i += 3
              continue
            }
            if b == 0xC2 && i + 1 < n && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF {
              i += 2
              continue
            }
          }
          let start = i
          i += 1
          // Eight ASCII letters or digits at a time (exact SWAR range tests on bytes below 0x80).
          while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let t = x & low7
            let digit = ((ones &* (127 + 0x3A)) &- t) & ~x & (t &+ ones &* (127 - 0x2F))
            let upper = ((ones &* (127 + 0x5B)) &- t) & ~x & (t &+ ones &* (127 - 0x40))
            let lower = ((ones &* (127 + 0x7B)) &- t) & ~x & (t &+ ones &* (127 - 0x60))
            let other = ~(digit | upper | lower) & high
            if other == 0 {
              i += 8
              continue
            }
            i += other.trailingZeroBitCount >> 3
            break
          }
          while i < n {
            let x = p[i]
            let k = cls[Int(x)]
            if k == 1 {
              i += 1
              continue
            }
            if k == 0 { break }
            if x == 0xE2 && i + 1 < n && (p[i + 1] == 0x80 || p[i + 1] == 0x81) { break }
            if x == 0xC2 && i + 1 < n && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF { break }
            i += 1
          }
          (out + m).initialize(to: Token(start: start, end: i))
          m += 1
          if i + 1 < n && p[i] == 0x27 && cls[Int(p[i + 1])] == 1 { ia += 1 }
          if i + 3 < n && p[i] == 0xE2 && p[i + 1] == 0x80 && p[i + 2] == 0x99 && cls[Int(p[i + 3])] == 1 { ic += 1 }
        }
      }
    }
    internalAscii = ia
    internalCurly = ic
    anyCurly = curly
    return m
  }

  /// A token `scan` may act on (see `pickTokens`): its byte range.
  struct Pick {
    var start: Int32
    var end: Int32
  }

  /// The tokens of a line, as `tokenize` finds them, as bit masks, 64 bytes a word: bit j of
  /// `words[w]` is set when byte 64w + j belongs to a token (ASCII letters and digits, and bytes
  /// of non-ASCII characters other than the separators U+2000...U+207F and U+00A0...U+00BF), and
  /// the runs of set bits are the tokens; `high[w]` marks the bytes ≥ 0x80 (a token without one is
  /// `ascii`). Bits from n on are 0. Room: (n + 63) / 64 words in each; returns that count.
  /// Also counts the apostrophes inside words as `tokenize` does: a ' or ’ right after a token
  /// (its byte before is a token byte) and before an ASCII letter or digit. For valid UTF-8 (a
  /// String) the runs are the tokens of `tokenize` and the counts its counts;
  /// `RepairApostrophesFastPathTests.blockTokensAreTheTokens` checks both.
  /// Nothing is done per token here: `pickTokens` walks the runs once, and the whole token list is
  /// only written (`materialize`) for a line where a picked token asks for its neighbours.
  func lineMasks(
    _ buf: UnsafeBufferPointer<UInt8>, words: UnsafeMutablePointer<UInt64>, high: UnsafeMutablePointer<UInt64>,
    internalAscii: inout Int, internalCurly: inout Int, anyCurly: inout Bool
  ) -> Int {
    let n = buf.count
    guard let p = buf.baseAddress, n > 0 else { return 0 }
    var ia = internalAscii
    var ic = internalCurly
    var curly = anyCurly
    // Separator bytes that spill from the block before (a sequence that starts at its end).
    var spill: UInt64 = 0
    // Bit 63 of the block before (a token byte right before this block).
    var prevTop: UInt64 = 0
    let nw = (n + 63) >> 6
    // The byte classes of the whole line in one C call (vector compares + movemask, see
    // mend_bytes.h): the same four masks the byte loop of `mend_line_classes` defines (token
    // bytes, ', bytes >= 0x80, E2/C2), so the rest below is unchanged.
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * nw) { scratch -> Int in
      let quoteWords = scratch.baseAddress!
      let leadWords = quoteWords + nw
      _ = mend_line_classes(p, Int64(n), words, quoteWords, high, leadWords)
      var block = 0
      var w = 0
      while block < n {
        var mask = words[w]
        var leads = leadWords[w]
        var quotes = quoteWords[w]
        mask &= ~spill
        spill = 0
        while leads != 0 {
          // U+2000...U+207F (’ “ ” – — …) and U+00A0...U+00BF separate words.
          let k = leads.trailingZeroBitCount
          leads &= leads &- 1
          let i = block + k
          var width = 0
          if p[i] == 0xE2 {
            if i + 2 < n && (p[i + 1] == 0x80 || p[i + 1] == 0x81) {
              width = 3
              if p[i + 1] == 0x80 && (p[i + 2] == 0x99 || p[i + 2] == 0x98) {
                curly = true
                if p[i + 2] == 0x99 { quotes |= 1 << UInt64(k) }
              }
            }
          } else if i + 1 < n && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF {
            width = 2
          }
          if width > 0 {
            let bits: UInt64 = width == 3 ? 7 : 3
            mask &= ~(bits << UInt64(k))
            if k + width > 64 { spill = bits >> UInt64(64 - k) }
          }
        }
        // The mask of this block is final (later blocks only clear their own bits).
        while quotes != 0 {
          let k = quotes.trailingZeroBitCount
          quotes &= quotes &- 1
          let before = k == 0 ? prevTop : mask >> UInt64(k - 1) & 1
          if before == 0 { continue }
          let i = block + k
          if p[i] == 0x27 {
            if i + 1 < n && Bytes.isAlnum(p[i + 1]) { ia += 1 }
          } else if i + 3 < n && Bytes.isAlnum(p[i + 3]) {
            ic += 1
          }
        }
        prevTop = mask >> 63
        words[w] = mask
        w += 1
        block += 64
      }
      internalAscii = ia
      internalCurly = ic
      anyCurly = curly
      return w
    }
  }

  /// The tokens (runs of `words`, see `lineMasks`) that `scan` can act on, written to `out` (room
  /// for n / 2 + 1); returns their count: those whose (length & 31, first byte, last byte & 31)
  /// has its bit in `pickShapes`. Conservative by construction (see `pickShapes`): `scan` does
  /// nothing for a glued token (it tests that itself), and for any other it acts only when the
  /// last byte is `s` (possessives, also of non-ASCII names), the token is one byte that a phrase
  /// word can be (rock n roll), (length, first, last) is a key shape of the contraction table
  /// (`keyShapeMay`, the test `scan` makes before a table lookup), or the token has four to 24
  /// bytes and starts with a name prefix (OBrien). Every other token (`the`, `and`, most
  /// capitalised words: the standalone names are looked up in the kept masks, and only when a
  /// candidate asks, see `standaloneNamesFromMasks`) is never looked at again.
  /// `blockTokensAreTheTokens` checks the picks against this definition, and
  /// `sameRecordsAsEveryToken` fails when a kind is dropped (the reference looks at every token).
  func pickTokens(
    _ buf: UnsafeBufferPointer<UInt8>, _ words: UnsafePointer<UInt64>, _ nw: Int, into out: UnsafeMutablePointer<Pick>
  ) -> Int {
    let n = buf.count
    guard let p = buf.baseAddress, nw > 0 else { return 0 }
    return pickShapes.withUnsafeBufferPointer { table -> Int in
      var np = 0
      var open = -1
      var carry: UInt64 = 0
      for w in 0..<nw {
        let m = words[w]
        // Token starts and ends are the changes between neighbouring bits; they alternate.
        var trans = m ^ (m << 1 | carry)
        carry = m >> 63
        let base = w << 6
        if open >= 0 && trans != 0 {
          let e = base &+ trans.trailingZeroBitCount
          trans &= trans &- 1
          let i = Self.pickIndex(e &- open, p[open], p[e &- 1])
          out[np] = Pick(start: Int32(truncatingIfNeeded: open), end: Int32(truncatingIfNeeded: e))
          np &+= Int(truncatingIfNeeded: table[i >> 6] >> UInt64(i & 63)) & 1
          open = -1
        }
        while trans != 0 {
          let ks = trans.trailingZeroBitCount
          trans &= trans &- 1
          if trans == 0 {
            open = base &+ ks
            break
          }
          let ke = trans.trailingZeroBitCount
          trans &= trans &- 1
          let s = base &+ ks
          let e = base &+ ke
          let i = Self.pickIndex(ke &- ks, p[s], p[e &- 1])
          out[np] = Pick(start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: e))
          np &+= Int(truncatingIfNeeded: table[i >> 6] >> UInt64(i & 63)) & 1
        }
      }
      if open >= 0 {
        let i = Self.pickIndex(n &- open, p[open], p[n &- 1])
        out[np] = Pick(start: Int32(truncatingIfNeeded: open), end: Int32(truncatingIfNeeded: n))
        np &+= Int(truncatingIfNeeded: table[i >> 6] >> UInt64(i & 63)) & 1
      }
      return np
    }
  }

  /// The bit of a token in `pickShapes`: (length & 31, first byte, last byte & 31).
  @inline(__always)
  static func pickIndex(_ len: Int, _ first: UInt8, _ last: UInt8) -> Int {
    (len & 31) << 13 | Int(first) << 5 | Int(last & 31)
  }

  /// The (length & 31, first byte, last byte & 31) of every token `scan` may act on, as a
  /// 2^18-bit set (see `pickTokens`): every index whose last & 31 is that of `s`; every index
  /// some key of the contraction table can have (`keyShapeMay`: its index uses `lower(first) & 31`,
  /// which is `first & 31`, and `lower(last) & 31`, which is `last & 31`); length 1 with a phrase
  /// byte (`phraseBytes` of the lower case); lengths 4...24 after a name prefix. The length is
  /// taken & 31: a token of 32 bytes or more lands on a short length's bit, which is only a
  /// problem for a kind that depends on the length; but `scan` skips every ASCII token longer
  /// than 24 bytes, and a non-ASCII token only counts when its last byte is `s` (every length
  /// has those bits).
  static func pickShapes(
    keyShapes: [UInt64], phraseBytes: [Bool], namePrefixes: [Bool], possessives: Bool = true
  ) -> [UInt64] {
    var t = [UInt64](repeating: 0, count: (1 << 18) / 64)
    for len in 0..<32 {
      for first in 0..<256 {
        // The 32 last-byte bits of (len, first & 31) in `keyShapes` (a 32-bit aligned run).
        let k = len << 10 | (first & 31) << 5
        var bits = keyShapes[k >> 6] >> UInt64(k & 63) & 0xFFFF_FFFF
        if possessives { bits |= 1 << UInt64(0x73 & 31) }
        if len == 1 && phraseBytes[Int(Bytes.lower(UInt8(first)))] || len >= 4 && len <= 24 && namePrefixes[first] {
          bits = 0xFFFF_FFFF
        }
        let i = len << 13 | first << 5
        t[i >> 6] |= bits << UInt64(i & 63)
      }
    }
    return t
  }

  /// Where the token that starts at s ends: the first clear bit of `words` from s on (n when
  /// none before the line's end).
  @inline(__always)
  static func tokenEnd(_ words: UnsafePointer<UInt64>, _ nw: Int, _ s: Int, _ n: Int) -> Int {
    var w = s >> 6
    var x = ~words[w] >> UInt64(s & 63)
    if x != 0 { return min(s + x.trailingZeroBitCount, n) }
    w += 1
    while w < nw {
      x = ~words[w]
      if x != 0 { return min(w << 6 + x.trailingZeroBitCount, n) }
      w += 1
    }
    return n
  }

  /// `standaloneNames` of the reference, with the capitalised tokens that stand on their own read
  /// from the token masks the fast path kept for every line (`docWords`, the lines' words one
  /// after another) instead of a list gathered while scanning: the same tokens (every token start
  /// whose byte is a capital; `standsAlone`), in the same order, filtered by the same shape set
  /// and looked up by the same hash. The shape test comes first here (both are pure).
  func standaloneNamesFromMasks(_ document: Document, _ docWords: UnsafePointer<UInt64>, _ candidates: [Candidate])
    -> HashLineMap
  {
    // The bases asked about (a few per document: a plain array, not a 64-slot map made per
    // document) and their shapes in a 4 096-bit set (`coarseShape`: a function of the token's
    // length, first and last byte, so a token equal to a base always has its bit; the filter
    // only skips tokens, the hash lookup decides, as before).
    var need: [UInt64] = []
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64) { shapes -> HashLineMap in
      for w in 0..<64 { shapes[w] = 0 }
      for c in candidates where !c.lexicon || c.named || c.nextCap {
        guard let f = c.base.first, let l = c.base.last else { continue }
        let h = ByteWordSet.hash(c.base)
        if !need.contains(h) { need.append(h) }
        let i = Self.coarseShape(c.base.count, f, l)
        shapes[i >> 6] |= 1 << UInt64(i & 63)
      }
      var capsSeen = HashLineMap()
      var offset = 0
      for fi in document.fragments.indices {
        var text = document.fragments[fi].text
        let line = document.fragments[fi].line
        text.withUTF8 { buf in
          let n = buf.count
          let nw = (n + 63) >> 6
          let words = docWords + offset
          offset += nw
          var carry: UInt64 = 0
          for w in 0..<nw {
            let m = words[w]
            var starts = m & ~(m << 1 | carry)
            carry = m >> 63
            while starts != 0 {
              let s = w << 6 | starts.trailingZeroBitCount
              starts &= starts &- 1
              if !Bytes.isUpper(buf[s]) { continue }
              let e = Self.tokenEnd(words, nw, s, n)
              let i = Self.coarseShape(e - s, buf[s], buf[e - 1])
              if shapes[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
              // The next token starts at e + 1 iff that byte is a token byte (byte e is none).
              let next = e + 1 < n && words[(e + 1) >> 6] >> UInt64((e + 1) & 63) & 1 != 0 ? e + 1 : -1
              if !Self.standsAlone(buf, s, e, next: next) { continue }
              let h = ByteWordSet.hash(UnsafeBufferPointer(rebasing: buf[s..<e]))
              if need.contains(h) && !capitalisedByMarker(buf, s, e) { capsSeen.insertIfAbsent(h, line) }
            }
          }
        }
      }
      standaloneBasesEndingInS(document, candidates, into: &capsSeen)
      return capsSeen
    }
  }

  /// `keyShapeIndex` folded to 12 bits (the length's high bits onto the last byte's low bits): a
  /// function of (length, first, last), for the standalone-name filter.
  @inline(__always)
  static func coarseShape(_ len: Int, _ first: UInt8, _ last: UInt8) -> Int {
    let i = keyShapeIndex(len, first, last)
    return (i ^ i >> 12) & 4095
  }

  /// Every token of `words` (see `lineMasks`), written to `out` (room for n / 2 + 1); returns the count.
  static func materialize(
    _ buf: UnsafeBufferPointer<UInt8>, _ words: UnsafePointer<UInt64>, _ nw: Int, into out: UnsafeMutablePointer<Token>
  ) -> Int {
    var m = 0
    var open = -1
    var carry: UInt64 = 0
    for w in 0..<nw {
      let x = words[w]
      var trans = x ^ (x << 1 | carry)
      carry = x >> 63
      let base = w << 6
      if open >= 0 && trans != 0 {
        out[m] = Token(start: open, end: base &+ trans.trailingZeroBitCount)
        m &+= 1
        trans &= trans &- 1
        open = -1
      }
      while trans != 0 {
        let ks = trans.trailingZeroBitCount
        trans &= trans &- 1
        if trans == 0 {
          open = base &+ ks
          break
        }
        out[m] = Token(start: base &+ ks, end: base &+ trans.trailingZeroBitCount)
        m &+= 1
        trans &= trans &- 1
      }
    }
    if open >= 0 {
      out[m] = Token(start: open, end: buf.count)
      m &+= 1
    }
    return m
  }

  /// Whether a bit of `words` in s..<e is set (with `high` of `lineMasks`: a byte ≥ 0x80 in the token).
  @inline(__always)
  static func anyBit(_ words: UnsafePointer<UInt64>, _ s: Int, _ e: Int) -> Bool {
    if (e &- 1) >> 6 == s >> 6 {
      // Within one word (most tokens): one shift and one mask.
      let x = words[s >> 6] >> UInt64(s & 63)
      let len = e &- s
      return len >= 64 ? x != 0 : x & ((UInt64(1) << UInt64(len)) &- 1) != 0
    }
    var w = s >> 6
    var lo = UInt64(s & 63)
    while w << 6 < e {
      var x = words[w] >> lo
      let left = e - (w << 6) - Int(lo)
      if left < 64 { x &= (UInt64(1) << UInt64(left)) &- 1 }
      if x != 0 { return true }
      w += 1
      lo = 0
    }
    return false
  }

  /// A line's tokens for the decision code (`slot` and the rest take the token list and an index),
  /// written from the line's masks the first time a picked token asks (most lines' picks return
  /// before they need a neighbour, see `possessiveCandidate`).
  struct LineTokens {
    let buf: UnsafeBufferPointer<UInt8>
    let words: UnsafePointer<UInt64>
    let nw: Int
    let out: UnsafeMutablePointer<Token>
    /// -1 until written.
    var count: Int

    /// The token list and the index of the token that starts at s.
    @inline(__always)
    mutating func at(_ s: Int) -> (Tokens, Int) {
      if count < 0 { count = RepairApostrophes.materialize(buf, words, nw, into: out) }
      var lo = 0
      var hi = count
      while lo < hi {
        let mid = (lo &+ hi) >> 1
        if out[mid].start < s { lo = mid &+ 1 } else { hi = mid }
      }
      return (Tokens(start: out, count: count), lo)
    }
  }

  /// `glued(buf, s, e)`, with the common case on two table loads: the byte before the token and the
  /// byte after it are looked up in `glueBytes`; `glued` can only be true when the byte before has
  /// bit 0 or the byte after has bit 1 (see `glueBytes`), so only those tokens take `glued`.
  @inline(__always)
  static func gluedFast(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    gluedFast(buf, s, e, glue: glueTable)
  }

  /// `gluedFast` with `glueBytes` as a pointer the caller loaded once (`scan`: a `static let`
  /// read per pick went through `swift_once` twice a pick).
  @inline(__always)
  static func gluedFast(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, glue: UnsafePointer<UInt8>) -> Bool {
    let p = buf.baseAddress!
    let before = s == 0 ? 0 : glue[Int(p[s &- 1])]
    let after = e == buf.count ? 0 : glue[Int(p[e])]
    if (before & 1) | (after & 2) == 0 { return false }
    return glued(buf, s, e)
  }

  /// `glueBytes` in memory of its own that is never written or freed.
  nonisolated(unsafe) static let glueTable: UnsafePointer<UInt8> = {
    let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 { t[b] = glueBytes[b] }
    return UnsafePointer(t)
  }()

  /// The bytes next to a token that can make it glued (see `glued`): bit 0 before the token
  /// (- / @ _ & . ' the last byte of ’ ‘, and `codeBefore`), bit 1 after it (- / @ _ & . ' the
  /// lead byte of ’ ‘, and `codeAfter`). `glued` is false whenever neither neighbour has its bit,
  /// so only those call it.
  static let glueBytes: [UInt8] = (0..<256).map { b in
    var v: UInt8 = 0
    if [0x2D, 0x2F, 0x40, 0x5F, 0x26, 0x2E, 0x27, 0x98, 0x99].contains(b) || codeBefore(UInt8(b)) { v |= 1 }
    if [0x2D, 0x2F, 0x40, 0x5F, 0x26, 0x2E, 0x27, 0xE2].contains(b) || codeAfter(UInt8(b)) { v |= 2 }
    return v
  }

  /// Punctuation that prose never glues to a word but code, markup and diffs do: a token right
  /// after `{ < = + \ $ # | ~ ^` or a backtick or `*`, or right before `} > = + \ ( $ | ~ ^` or
  /// a backtick or `*`, is code (`+f+{ive 5}` in a diff, `x=dont(1)`, `` `isnt` ``), where a
  /// missing apostrophe is no damage (session 12, on Debian's package READMEs).
  @inline(__always)
  static func codeBefore(_ b: UInt8) -> Bool {
    b == 0x7B || b == 0x3C || b == 0x3D || b == 0x2B || b == 0x5C || b == 0x24 || b == 0x23 || b == 0x7C || b == 0x7E
      || b == 0x5E || b == 0x60 || b == 0x2A
  }

  @inline(__always)
  static func codeAfter(_ b: UInt8) -> Bool {
    b == 0x7D || b == 0x3E || b == 0x3D || b == 0x2B || b == 0x5C || b == 0x28 || b == 0x24 || b == 0x7C || b == 0x7E
      || b == 0x5E || b == 0x60 || b == 0x2A
  }

  /// The 0x80 bits of the eight bytes of y (nothing else set) as an 8-bit mask, byte j to bit j.
  @inline(__always)
  static func gatherHigh(_ y: UInt64) -> UInt64 { ((y >> 7) &* 0x0102_0408_1020_4080) >> 56 }

  /// Whether the token s..<e touches an apostrophe, hyphen, slash, @, _, &, an inner dot, or code
  /// punctuation (`codeBefore`, `codeAfter`).
  @inline(__always)
  static func glued(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    let n = buf.count
    if s > 0 {
      let p = buf[s - 1]
      if p != 0x20 {
        if p == 0x2D || p == 0x2F || p == 0x40 || p == 0x5F || p == 0x26
          || p == 0x2E && s > 1 && Bytes.isAlnum(buf[s - 2]) || codeBefore(p)
        {
          return true
        }
        // An apostrophe inside a word (don't, O’Brien); an opening quote after a space is not.
        if p == 0x27 && s > 1 && Bytes.isAlnum(buf[s - 2]) { return true }
        if s >= 3 && buf[s - 3] == 0xE2 && buf[s - 2] == 0x80 && (p == 0x99 || p == 0x98) && s > 3
          && (Bytes.isAlnum(buf[s - 4])
            || buf[s - 4] >= 0x80 && buf[s - 4] != 0x9C && buf[s - 4] != 0x98 && buf[s - 4] != 0x99)
        {
          return true
        }
      }
    }
    if e < n {
      let q = buf[e]
      if q == 0x20 { return false }
      if q == 0x2D || q == 0x2F || q == 0x40 || q == 0x5F || q == 0x26
        || q == 0x2E && e + 1 < n && Bytes.isAlnum(buf[e + 1]) || codeAfter(q)
      {
        return true
      }
      // An apostrophe inside a word, or after an s (leaders'); a closing quote otherwise.
      let apostropheAfter =
        q == 0x27
        ? 1 : (e + 2 < n && q == 0xE2 && buf[e + 1] == 0x80 && (buf[e + 2] == 0x99 || buf[e + 2] == 0x98)) ? 3 : 0
      if apostropheAfter > 0 {
        let after = e + apostropheAfter
        if after < n && Bytes.isAlnum(buf[after]) || buf[e - 1] == 0x73 || buf[e - 1] == 0x53 { return true }
      }
    }
    return false
  }

  /// The context of token k on one side.
  func slot(_ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int, next: Bool, distance: Int = 1) -> SlotView {
    var v = SlotView()
    var cur = k
    for step in 1...distance {
      let other = next ? cur + 1 : cur - 1
      let gapStart = next ? tokens[cur].end : (other >= 0 ? tokens[other].end : 0)
      let gapEnd = next ? (other < tokens.count ? tokens[other].start : buf.count) : tokens[cur].start
      var onlySpaces = true
      // Every byte so far of the gap is a stop (`...` right after the word before).
      var stopsOnly = true
      for i in gapStart..<gapEnd {
        let b = buf[i]
        if b == 0x20 {
          stopsOnly = false
          continue
        }
        onlySpaces = false
        let closesAfterStops = stopsOnly && i > gapStart
        if b == 0x2E || b == 0x21 || b == 0x3F {
          // A lower-case word after a stop right after the word before starts no sentence: the
          // stop ended an abbreviation (`git checkout etc. were chatty`, `e.g. its`). Session 19.
          // So does one after an ellipsis there (`paths..." were broken`; session 22).
          if next {
            v.end = true
          } else if !(i == gapStart || stopsOnly) || !Bytes.isLower(buf[tokens[cur].start]) {
            v.start = true
          }
        } else {
          stopsOnly = false
        }
        if b == 0x2C { v.comma = true }
        // An opening quote or a colon starts a sentence, as far as capitals and rules go. A
        // straight quote right after the word before closes a quote instead (`'git remote add'
        // were described`), which starts nothing.
        // So does one right after an ellipsis there (`paths..." were`).
        if !next
          && (b == 0x3A || b == 0x9C || b == 0x98
            || (b == 0x22 || b == 0x27) && (i == 0 || (i > gapStart && !closesAfterStops) || other < 0))
        {
          v.start = true
        }
        v.punct = true
      }
      let outside = other < 0 || other >= tokens.count
      if outside {
        if next { v.end = true } else { v.start = true }
        return v
      }
      if !onlySpaces { return v }
      if step == distance {
        v.setWord(buf, tokens[other].start, tokens[other].end)
        // A capital after a sentence end is no evidence of a name.
        if v.capitalised && !next && startBefore(buf, tokens, other) { v.capitalised = false }
      }
      cur = other
    }
    return v
  }

  /// The `word` slot of a context rule: token k itself, capitalised as it is written (a capital
  /// at a sentence start counts; rules that mean a capital inside a sentence add `prev!=<start>`).
  func ownSlot(_ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int) -> SlotView {
    var v = SlotView()
    v.setWord(buf, tokens[k].start, tokens[k].end)
    return v
  }

  /// `slot(buf, tokens, k, next: false).start` alone (no hash of the word before): the line starts
  /// before token k, or the gap before it holds a sentence end (not a stop right after the word
  /// before when token k is in lower case: `etc. were`), an opening quote or a colon.
  /// That is all `start` depends on (`slot` sets it in the gap loop or when there is no token before).
  @inline(__always)
  func startBefore(_ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int) -> Bool {
    if k == 0 { return true }
    let gapStart = tokens[k - 1].end
    var i = gapStart
    let end = tokens[k].start
    let lower = Bytes.isLower(buf[tokens[k].start])
    while i < end {
      let b = buf[i]
      if (b == 0x2E || b == 0x21 || b == 0x3F) && (i > gapStart || !lower) || b == 0x3A || b == 0x9C || b == 0x98 {
        return true
      }
      // A straight quote right after the word before closes a quote (see `slot`).
      if (b == 0x22 || b == 0x27) && i > gapStart { return true }
      i += 1
    }
    return false
  }

  @inline(__always)
  static func keyShapeIndex(_ len: Int, _ first: UInt8, _ last: UInt8) -> Int {
    (len & 31) << 10 | Int(Bytes.lower(first) & 31) << 5 | Int(Bytes.lower(last) & 31)
  }

  @inline(__always)
  func keyShapeMay(_ len: Int, _ first: UInt8, _ last: UInt8) -> Bool {
    let i = Self.keyShapeIndex(len, first, last)
    return keyShapes.withUnsafeBufferPointer { $0[i >> 6] } & (1 << UInt64(i & 63)) != 0
  }

  @inline(__always)
  static func hashLowered(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in s..<e {
      h ^= UInt64(Bytes.lower(buf[i]))
      h = h &* 0x100_0000_01b3
    }
    h ^= h >> 29
    h = h &* 0xbf58_476d_1ce4_e5b9
    h ^= h >> 32
    return h == 0 ? 1 : h
  }

  @inline(__always)
  static func finish(_ x: UInt64) -> UInt64 { ByteWordSet.finish(x) }

  /// Hashes of X and X+s (s..<e is X+s), exact and lower-cased, as ByteWordSet.hash gives them.
  @inline(__always)
  static func suffixHashes(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> (UInt64, UInt64, UInt64, UInt64) {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var l: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in s..<(e - 1) {
      let b = buf[i]
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
      l ^= UInt64(Bytes.lower(b))
      l = l &* 0x100_0000_01b3
    }
    let last = buf[e - 1]
    let h2 = (h ^ UInt64(last)) &* 0x100_0000_01b3
    let l2 = (l ^ UInt64(Bytes.lower(last))) &* 0x100_0000_01b3
    return (finish(h), finish(h2), finish(l), finish(l2))
  }

  enum Case { case lower, capitalised, upper, mixed }

  /// `caseOf(buf, s, e - 1)`, whether every byte of s..<e is an ASCII letter or a byte ≥ 0x80, and
  /// `suffixHashes(buf, s, e)`, in one pass (s..<e is X+s, its last byte `s`, which is a letter).
  @inline(__always)
  static func suffixScan(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> (
    Case, Bool, UInt64, UInt64, UInt64, UInt64
  ) {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var l: UInt64 = 0xcbf2_9ce4_8422_2325
    var upper: UInt64 = 0
    var lower: UInt64 = 0
    // 1 when some byte is ASCII and no letter (arithmetic, no branch per byte).
    var bad: UInt64 = 0
    let p = buf.baseAddress!
    var i = s
    if e &- s < 1 << 16 {
      // The three counts in 21-bit fields of one word (`suffixCounts`), one add a byte: X has fewer
      // than 2^16 bytes here, so no field carries into the next.
      var acc: UInt64 = 0
      Self.suffixCounts.withUnsafeBufferPointer { counts in
        while i < e &- 1 {
          let b = p[i]
          acc &+= counts[Int(b)]
          h = (h ^ UInt64(b)) &* 0x100_0000_01b3
          i &+= 1
        }
      }
      upper = acc & 0x1F_FFFF
      lower = acc >> 21 & 0x1F_FFFF
      bad = acc >> 42 == 0 ? 0 : 1
    } else {
      while i < e &- 1 {
        let b = UInt64(p[i])
        let u: UInt64 = b &- 0x41 < 26 ? 1 : 0
        let w: UInt64 = b &- 0x61 < 26 ? 1 : 0
        upper &+= u
        lower &+= w
        bad |= (1 &- u &- w) & (b < 0x80 ? 1 : 0)
        h = (h ^ b) &* 0x100_0000_01b3
        i &+= 1
      }
    }
    // Lower-casing changes only capitals: without one the lower-cased hash is the exact one.
    if upper == 0 {
      l = h
    } else {
      i = s
      while i < e &- 1 {
        let b = UInt64(p[i])
        l = (l ^ (b &- 0x41 < 26 ? b | 0x20 : b)) &* 0x100_0000_01b3
        i &+= 1
      }
    }
    let last = p[e &- 1]
    if !(last &- 0x41 < 26 || last &- 0x61 < 26 || last >= 0x80) { bad = 1 }
    let h2 = (h ^ UInt64(last)) &* 0x100_0000_01b3
    let l2 = (l ^ UInt64(Bytes.lower(last))) &* 0x100_0000_01b3
    let c: Case
    if upper == 0 {
      c = .lower
    } else if lower == 0 {
      c = .upper
    } else if upper == 1 && Bytes.isUpper(p[s]) {
      c = .capitalised
    } else {
      c = .mixed
    }
    return (c, bad == 0, finish(h), finish(h2), finish(l), finish(l2))
  }

  /// Per byte: 1 for a capital, 1 << 21 for a lower-case letter, 1 << 42 for an ASCII byte that is
  /// no letter (the counts of `suffixScan`, summed in one word).
  static let suffixCounts: [UInt64] = (0..<256).map { b in
    Bytes.isUpper(UInt8(b)) ? 1 : Bytes.isLower(UInt8(b)) ? 1 << 21 : b < 0x80 ? 1 << 42 : 0
  }

  static func caseOf(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Case {
    var upper = 0
    var lower = 0
    for i in s..<e {
      if Bytes.isUpper(buf[i]) { upper += 1 } else if Bytes.isLower(buf[i]) { lower += 1 }
    }
    if upper == 0 { return .lower }
    if lower == 0 { return .upper }
    if upper == 1 && Bytes.isUpper(buf[s]) { return .capitalised }
    return .mixed
  }

  /// Give `replacement` the case pattern of the token it replaces.
  static func applyCase(_ c: Case, _ r: [UInt8]) -> [UInt8] {
    switch c {
    case .lower, .mixed: return r
    case .upper: return r.map(Bytes.upper)
    case .capitalised:
      var out = r
      if let i = out.firstIndex(where: { Bytes.isLower($0) || Bytes.isUpper($0) }) { out[i] = Bytes.upper(out[i]) }
      return out
    }
  }

  /// A capitalised token standing on its own (not the first word of New York): evidence that a
  /// base is a name (Moscow for Moscows). Kept as a position; hashed only if a candidate asks.
  struct CapsToken {
    var fragment: Int
    var start: Int
    var end: Int
    var line: Int
  }

  /// The standalone names a candidate can ask about (bases of candidates without lexicon
  /// evidence, of names before a noun, and of names before another capitalised word), by hash,
  /// with the first line they stand on.
  func standaloneNames(_ document: Document, _ caps: [CapsToken], _ candidates: [Candidate]) -> HashLineMap {
    var need = HashLineMap()
    var shapes = [UInt64](repeating: 0, count: 512)
    for c in candidates where !c.lexicon || c.named || c.nextCap {
      guard let f = c.base.first, let l = c.base.last else { continue }
      need.insertIfAbsent(ByteWordSet.hash(c.base), 0)
      let i = Self.keyShapeIndex(c.base.count, f, l)
      shapes[i >> 6] |= 1 << UInt64(i & 63)
    }
    var capsSeen = HashLineMap()
    var j = 0
    while j < caps.count {
      let fi = caps[j].fragment
      var text = document.fragments[fi].text
      text.withUTF8 { buf in
        while j < caps.count && caps[j].fragment == fi {
          let t = caps[j]
          j += 1
          let s = t.start
          let e = t.end
          let i = Self.keyShapeIndex(e - s, buf[s], buf[e - 1])
          if shapes[i >> 6] & (1 << UInt64(i & 63)) == 0 { continue }
          let h = ByteWordSet.hash(UnsafeBufferPointer(rebasing: buf[s..<e]))
          if need[h] != nil { capsSeen.insertIfAbsent(h, t.line) }
        }
      }
    }
    standaloneBasesEndingInS(document, candidates, into: &capsSeen)
    return capsSeen
  }

  /// A common word capitalised only because it opens a list item or a comment (`- Preset tuning`,
  /// `# Binding for client channel N`): the token follows `-`, `*`, `+`, `>` or `#` (and spaces)
  /// at the line start or after a space, and its lower-case form is an English word. Such a token
  /// is no evidence that X is a name (session 22: `Presets optimization` and `Bindings table`
  /// became possessives in a changelog and an ALSA example).
  func capitalisedByMarker(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    var p = s - 1
    while p >= 0 && (buf[p] == 0x20 || buf[p] == 0x09) { p -= 1 }
    guard p >= 0, p < s - 1 else { return false }
    let m = buf[p]
    guard m == 0x2D || m == 0x2A || m == 0x2B || m == 0x3E || m == 0x23 else { return false }
    var q = p
    while q > 0 && buf[q - 1] == m { q -= 1 }
    guard q == 0 || buf[q - 1] == 0x20 || buf[q - 1] == 0x09 else { return false }
    return words.contains(Bytes.lowered(Array(UnsafeBufferPointer(rebasing: buf[s..<e]))))
  }

  /// A capitalised token of two bytes or more, not glued, not ending in s, and not followed (one
  /// byte on) by a capitalised token (not the first word of New York): evidence for names.
  /// `nextStart` is where the next token starts (-1 when none).
  @inline(__always)
  static func standsAlone(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, next nextStart: Int) -> Bool {
    guard Bytes.isUpper(buf[s]) && e - s >= 2 && buf[e - 1] != 0x73 && !glued(buf, s, e) else { return false }
    return !(nextStart == e + 1 && Bytes.isUpper(buf[nextStart]))
  }

  /// Look at the picked tokens of a line (`pickTokens`; the reference: every token, with `high`
  /// nil, gathering the standalone names into `caps` as it goes).
  func scan(
    _ buf: UnsafeBufferPointer<UInt8>, picks: UnsafeBufferPointer<Pick>, high: UnsafePointer<UInt64>?,
    tokens lt: inout LineTokens, fragment: Int, line: Int,
    proposals: inout [Proposal], candidates: inout [Candidate], caps: inout [CapsToken],
    plainSeen: inout LazyLineMap, continues: Bool = false
  ) {
    let glue = Self.glueTable
    for j in 0..<picks.count {
      let s = Int(picks[j].start)
      let e = Int(picks[j].end)
      let len = e - s
      let first = buf[s]
      let glued: Bool
      let ascii: Bool
      if let high {
        glued = Self.gluedFast(buf, s, e, glue: glue)
        if glued { continue }
        ascii = !Self.anyBit(high, s, e)
      } else {
        // The reference: every token is a pick.
        if Self.standsAlone(buf, s, e, next: j + 1 < picks.count ? Int(picks[j + 1].start) : -1)
          && !capitalisedByMarker(buf, s, e)
        {
          caps.append(CapsToken(fragment: fragment, start: s, end: e, line: line))
        }
        glued = Self.glued(buf, s, e)
        if glued { continue }
        var a = true
        for i in s..<e where buf[i] >= 0x80 { a = false }
        ascii = a
      }
      if !ascii {
        if possessives && !intactOnly && buf[e - 1] == 0x73 && Bytes.isUpper(first) {
          possessiveCandidate(buf, &lt, s, e, fragment: fragment, line: line, into: &candidates, plainSeen: &plainSeen)
        }
        continue
      }
      if len == 1 {
        if phraseBytes[Int(Bytes.lower(first))] { matchPhrase(buf, &lt, s, fragment: fragment, proposals: &proposals) }
        continue
      }
      if len > 24 { continue }
      let last = buf[e - 1]
      // Contractions and names from the table (skipped fast by length and last letter).
      if contractions && len <= maxKeyLength && keyShapeMay(len, first, last)
        && keyLastBytes[Int(Bytes.lower(buf[e - 2])) << 8 | Int(Bytes.lower(last))],
        let x = tableIndex[Self.hashLowered(buf, s, e)]
      {
        let proposed = proposals.count
        handleTableEntry(
          tableEntries[x], buf, &lt, s, e, fragment: fragment, proposals: &proposals, continues: continues)
        // An acronym's s (`WHOs`: capitals, then a lower-case s) is no contraction of the table's
        // word (`whos`, who's); it goes on to the possessive test like `MSNBCs` (session 22).
        if proposals.count != proposed || !(possessives && !intactOnly && Self.isAcronymS(buf, s, e)) { continue }
      }
      if intactOnly { continue }
      if possessives && last == 0x73 && len >= 3 {
        possessiveCandidate(buf, &lt, s, e, fragment: fragment, line: line, into: &candidates, plainSeen: &plainSeen)
        continue
      }
      if contractions && len >= 4 && Bytes.isUpper(buf[s + 1]) && namePrefixTable[Int(first)] {
        nameCandidate(buf, &lt, s, e, fragment: fragment, proposals: &proposals)
      }
    }
  }

  /// Two or more capitals and a final lower-case s (`WHOs`, `ITs`): an acronym's plural or
  /// stripped possessive, never a contraction in the table.
  @inline(__always) static func isAcronymS(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    guard e - s >= 3, buf[e - 1] == 0x73 else { return false }
    for i in s..<(e - 1) where !Bytes.isUpper(buf[i]) { return false }
    return true
  }

  /// `continues`: the line goes on from the line before (`endsOpen`, then `startsLower`), so its first word
  /// is no sentence start: for a context rule, nothing is known before it (`prev=<start>` fails).
  func handleTableEntry(
    _ entry: TableEntry, _ buf: UnsafeBufferPointer<UInt8>, _ lt: inout LineTokens, _ s: Int, _ e: Int, fragment: Int,
    proposals: inout [Proposal], continues: Bool = false
  ) {
    let t = Token(start: s, end: e)
    let tokBuf = UnsafeBufferPointer(rebasing: buf[t.start..<t.end])
    if entry.exactCase && !tokBuf.elementsEqual(entry.key) { return }
    let c = Self.caseOf(buf, t.start, t.end)
    // Short all-capital tokens are acronyms (IM, ID), not shouted contractions.
    if c == .upper && tokBuf.count <= 3 { return }
    // A mixed-case token is the table's form only when it is the replacement's own spelling
    // (dEstaing for d'Estaing; session 21): DoNt and iTs are no contractions.
    let ownForm = c == .mixed && !entry.exactCase && Self.isUnstripped(entry.replacement, of: tokBuf)
    if c == .mixed && !entry.exactCase && !ownForm { return }
    if entry.ambiguous {
      if intactOnly { return }
      guard let l = rulesByHash.list(Self.hashLowered(buf, t.start, t.end)) else { return }
      let (tokens, k) = lt.at(s)
      // The next word starts a compound (its in-house team): context rules do not apply.
      if k + 1 < tokens.count, tokens[k + 1].end < buf.count, buf[tokens[k + 1].end] == 0x2D { return }
      var views = SlotViews()
      if continues && k == 0 {
        views.prev = SlotView()
        views.prev2 = SlotView()
      }
      // The first rule that holds decides (the loop below always returns).
      if let i = firstHolding(l, buf, tokens, k, &views) {
        let r = rulesByHash.rule(l, i)
        let tok = Array(tokBuf)
        let word = String(decoding: tok, as: UTF8.self)
        var after = Array(r.to.utf8)
        if !r.to.hasPrefix("I'") {
          after = Self.applyCase(c, after)
        } else if c == .upper {
          after = after.map(Bytes.upper)
        }
        if after == tok { return }
        proposals.append(
          Proposal(
            fragment: fragment, start: t.start, end: t.end, after: after, rule: "context",
            reason: why("'\(word)' is also a word; context rule \"\(r.text)\" holds"),
            confidence: r.suggestOnly ? 0.6 : 0.95,
            applied: !r.suggestOnly, inferred: true))
        return
      }
      return
    }
    let word = String(decoding: tokBuf, as: UTF8.self)
    var after = entry.exactCase || ownForm ? entry.replacement : Self.applyCase(c, entry.replacement)
    if entry.replacement.starts(with: Array("I'".utf8)) && c == .upper { after = after.map(Bytes.upper) }
    let isName = entry.exactCase || ownForm
    proposals.append(
      Proposal(
        fragment: fragment, start: t.start, end: t.end, after: after, rule: isName ? "name" : "contraction",
        reason: why(
          "'\(word)' is no word; the lexicon restores '\(String(decoding: entry.replacement, as: UTF8.self))'"),
        confidence: 0.99, applied: true, inferred: false))
  }

  func holds(_ r: ContextRule, _ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int) -> Bool {
    var views = SlotViews()
    return holds(r, buf, tokens, k, &views)
  }

  /// The four slots a context rule can look at around one token, each computed on first use.
  /// `slot` is a function of the line, its tokens, the token and the slot alone, so the rules of
  /// one token (`its` has ten) can share them: the same views as computing each one every time.
  struct SlotViews {
    var prev: SlotView?
    var prev2: SlotView?
    var next: SlotView?
    var next2: SlotView?
    var word: SlotView?
  }

  /// Slot `i` of token k (`ContextRule.Slot.index`: 0 prev, 1 prev2, 2 next, 3 next2, 4 word),
  /// computed on first use and kept in `views`.
  @inline(__always)
  func view(_ i: UInt8, _ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int, _ views: inout SlotViews)
    -> SlotView
  {
    @inline(__always) func kept(_ v: inout SlotView?, _ make: () -> SlotView) -> SlotView {
      if let x = v { return x }
      let x = make()
      v = x
      return x
    }
    switch i {
    case 0: return kept(&views.prev) { slot(buf, tokens, k, next: false) }
    case 1: return kept(&views.prev2) { slot(buf, tokens, k, next: false, distance: 2) }
    case 2: return kept(&views.next) { slot(buf, tokens, k, next: true) }
    case 3: return kept(&views.next2) { slot(buf, tokens, k, next: true, distance: 2) }
    default: return kept(&views.word) { ownSlot(buf, tokens, k) }
    }
  }

  /// `holds`, with the token's slots shared between calls through `views`.
  func holds(_ r: ContextRule, _ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int, _ views: inout SlotViews)
    -> Bool
  {
    let conditions = r.conditions
    for j in conditions.indices {
      let v = view(conditions[j].slot.index, buf, tokens, k, &views)
      let any = conditions[j].alts.contains { v.matches($0, classes: classes) }
      if any == conditions[j].negated { return false }
    }
    return true
  }

  /// The index in list l of `rulesByHash` of the first rule that holds for token k (nil when none
  /// does): `rs.indices.first { holds(rs[$0], buf, tokens, k, &views) }` of that list, on the
  /// flat rules (the same conditions in the same order, the same shared slots).
  func firstHolding(_ l: Int, _ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int, _ views: inout SlotViews)
    -> Int?
  {
    let f = rulesByHash.flat
    let (r0, r1) = f.lists[l]
    var r = Int(r0)
    while r < Int(r1) {
      let (c0, c1) = f.rules[r]
      var ok = true
      var c = Int(c0)
      while c < Int(c1) {
        let cond = f.conds[c]
        let v = view(cond.slot, buf, tokens, k, &views)
        var any = false
        var a = Int(cond.altStart)
        while a < Int(cond.altEnd) {
          if f.matches(v, f.alts[a]) {
            any = true
            break
          }
          a += 1
        }
        if any == cond.negated {
          ok = false
          break
        }
        c += 1
      }
      if ok { return r - Int(r0) }
      r += 1
    }
    return nil
  }

  func matchPhrase(
    _ buf: UnsafeBufferPointer<UInt8>, _ lt: inout LineTokens, _ start: Int, fragment: Int, proposals: inout [Proposal]
  ) {
    let (tokens, k) = lt.at(start)
    for p in phrases {
      guard let pos = p.words.indices.first(where: { p.words[$0] != p.replacements[$0] }) else { continue }
      let s = k - pos
      guard s >= 0, s + p.words.count <= tokens.count else { continue }
      var ok = true
      for j in 0..<p.words.count {
        let t = tokens[s + j]
        if Bytes.lowered(UnsafeBufferPointer(rebasing: buf[t.start..<t.end])) != p.words[j] {
          ok = false
          break
        }
        if j > 0 {
          for i in tokens[s + j - 1].end..<t.start where buf[i] != 0x20 { ok = false }
        }
      }
      guard ok else { continue }
      let t = tokens[k]
      let before = String(decoding: UnsafeBufferPointer(rebasing: buf[t.start..<t.end]), as: UTF8.self)
      var after = p.replacements[pos]
      if Bytes.isUpper(buf[t.start]) { after = Self.applyCase(.capitalised, after) }
      proposals.append(
        Proposal(
          fragment: fragment, start: t.start, end: t.end, after: after, rule: "phrase",
          reason: why(
            "'\(before)' inside the phrase '\(p.words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "))'"
          ),
          confidence: 0.95, applied: true, inferred: false))
      return
    }
  }

  /// Whether `word` is `restored` with its apostrophes (' and ’) taken out, byte for byte.
  static func isUnstripped(_ restored: [UInt8], of word: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    var j = 0
    while i < restored.count {
      if restored[i] == 0x27 {
        i += 1
        continue
      }
      if i + 2 < restored.count && restored[i] == 0xE2 && restored[i + 1] == 0x80 && restored[i + 2] == 0x99 {
        i += 3
        continue
      }
      guard j < word.count, word[j] == restored[i] else { return false }
      i += 1
      j += 1
    }
    return j == word.count
  }

  /// The capitals French elides before: the vowels and H (`d'Estaing`, `l'Hôpital`, `d'Huez`).
  @inline(__always)
  static func elidesBefore(_ b: UInt8) -> Bool {
    b == 0x41 || b == 0x45 || b == 0x49 || b == 0x4F || b == 0x55 || b == 0x59 || b == 0x48
  }

  /// `OBrien` → `O'Brien`: a prefix letter, a capitalised name, and no such word.
  func nameCandidate(
    _ buf: UnsafeBufferPointer<UInt8>, _ lt: inout LineTokens, _ s: Int, _ e: Int, fragment: Int,
    proposals: inout [Proposal]
  ) {
    let t = Token(start: s, end: e)
    for i in (t.start + 2)..<t.end where !Bytes.isLower(buf[i]) { return }
    // A lower-case prefix is French elision (d', l'): before a vowel or a silent h only.
    let elision = Bytes.isLower(buf[t.start])
    if elision && !Self.elidesBefore(buf[t.start + 1]) { return }
    let p = UnsafeBufferPointer(rebasing: buf[t.start..<t.end])
    if words.contains(p) { return }
    let tail = UnsafeBufferPointer(rebasing: buf[(t.start + 1)..<t.end])
    // OConnection is no name; but d' and l' go before words too (Groupe dIntervention).
    if !elision && words.contains(tail) && !possessiveBases.contains(tail) { return }
    // A given name before it (Conan OBrien, Dinesh DSouza): OAuth and OLeary-less acronyms stay.
    let (tokens, k) = lt.at(s)
    let prev = slot(buf, tokens, k, next: false)
    guard prev.capitalised && prev.hasWord else { return }
    let word = String(decoding: p, as: UTF8.self)
    var after = [buf[t.start], 0x27]
    after += Array(tail)
    proposals.append(
      Proposal(
        fragment: fragment, start: t.start, end: t.end, after: after, rule: "name-prefix",
        reason: why(
          elision
            ? "'\(word)' is no word; \(Character(Unicode.Scalar(buf[t.start])))' + a capitalised word (French elision), after the capitalised '\(String(decoding: UnsafeBufferPointer(rebasing: buf[prev.ws..<prev.we]), as: UTF8.self))'"
            : "'\(word)' is no word; \(Character(Unicode.Scalar(buf[t.start])))' + a capitalised name, after the given name '\(String(decoding: UnsafeBufferPointer(rebasing: buf[prev.ws..<prev.we]), as: UTF8.self))'"
        ),
        confidence: 0.9, applied: true, inferred: true))
  }

  func possessiveCandidate(
    _ buf: UnsafeBufferPointer<UInt8>, _ lt: inout LineTokens, _ s: Int, _ e: Int, fragment: Int, line: Int,
    into candidates: inout [Candidate], plainSeen: inout LazyLineMap
  ) {
    // After an apostrophe the word lost a letter, not an apostrophe: 'Tis, ’twas stay.
    if s > 0 && buf[s - 1] == 0x27 || s >= 3 && buf[s - 3] == 0xE2 && buf[s - 2] == 0x80 && buf[s - 1] == 0x99 {
      return
    }
    // X+ss: boss and press stay; Qabooss and viruss become Qaboos's and virus's only when they
    // are no word and X is a known noun or stands on its own in the document.
    if buf[e - 2] == 0x73 || buf[e - 2] == 0x53 {
      if e - s < 5 { return }
      let tok = UnsafeBufferPointer(rebasing: buf[s..<e])
      if ssIsWord(buf, s, e) { return }
      let (tokens, k) = lt.at(s)
      let next = slot(buf, tokens, k, next: true)
      guard next.hasWord, !notAfterPossessive.contains(hash: next.hash) else { return }
      let base = UnsafeBufferPointer(rebasing: buf[s..<(e - 1)])
      candidates.append(
        Candidate(
          fragment: fragment, start: s, end: e, hash: ByteWordSet.hash(tok), base: Array(base),
          lexicon: possessiveBases.contains(base), nextWord: next.word ?? "", plainUse: false, why: ""))
      return
    }
    // One pass over X for its case (`caseOf(buf, s, e - 1)`), the test that every byte of X+s is
    // a letter or non-ASCII (the last byte is `s`: `scan` calls this only then), and the four
    // hashes (`suffixHashes`: FNV-1a is incremental, X+s extends X). The returns below are those
    // of the separate passes, in another order; none has a side effect, so the order is free.
    let (c0, letters, baseHash, tokHash, baseLowerHash, lowerHash) = Self.suffixScan(buf, s, e)
    var c = c0
    if c == .mixed && !Bytes.isUpper(buf[s]) { return }
    if c == .mixed { c = .capitalised }
    if c == .upper && e - 1 - s < 2 { return }
    if !letters { return }
    let base = UnsafeBufferPointer(rebasing: buf[s..<(e - 1)])
    let facts = suffixFacts(tokHash: tokHash, baseHash: baseHash, lowerHash: lowerHash, baseLowerHash: baseLowerHash)
    var lexicon = facts & SuffixMemo.lexicon != 0
    if c == .lower && !lexicon { return }
    let tokIsWord = facts & SuffixMemo.word != 0
    if facts & SuffixMemo.plainS != 0 { return }
    var confusable = false
    if c == .lower {
      confusable = tokIsWord
    } else if c == .upper {
      // NASAs, CEOs: acronym plurals are common; decided by the score with document evidence.
      confusable = true
    } else {
      // Paris, Thomas, Athens, Americans stay; a form with context rules (Tuesdays) is decided
      // by them alone.
      // (The three lookups of the lower-cased forms, from `suffixFacts`.)
      if tokIsWord && facts & SuffixMemo.hasRules == 0 {
        let (tokens, k) = lt.at(s)
        fullNameWordCandidate(buf, tokens, k, fragment: fragment, hash: tokHash, into: &candidates)
        return
      }
      // Party (of the Labour Party) is the noun party: its possessive is attested.
      if !lexicon { lexicon = facts & SuffixMemo.lexiconLower != 0 }
      if facts & SuffixMemo.lowerWordish != 0 { confusable = true }
    }
    // The first look at a neighbour: the line's token list is written now (if not yet).
    let (tokens, k) = lt.at(s)
    let next = slot(buf, tokens, k, next: true)
    var plainUse =
      !next.hasWord || (notAfterPossessive.contains(hash: next.hash) && !Self.acronymAfterMixedCase(buf, s, e, next))
    if confusable && plainUse {
      // Only evidence that the word is a plain plural in this document.
      if c == .lower { plainSeen.insertIfAbsent(tokHash, line) }
      return
    }
    let prev = slot(buf, tokens, k, next: false)
    var afterMarker = false
    // After a quantity (two leaders, 59 minutes) an s-form is a plural.
    if prev.hasWord && (pluralMarkers.contains(hash: prev.hash) || prev.buf.map { Bytes.isDigit($0[prev.ws]) } ?? false)
    {
      plainUse = true
      afterMarker = true
      if confusable {
        if c == .lower { plainSeen.insertIfAbsent(tokHash, line) }
        return
      }
    }
    _ = afterMarker
    if !confusable {
      // `why` of a plain use only marks the form as plain in the document (never shown).
      var cand = Candidate(
        fragment: fragment, start: s, end: e, hash: tokHash, base: Array(base), lexicon: lexicon,
        nextWord: plainUse ? "" : (next.word ?? ""), plainUse: plainUse, why: plainUse ? "line \(line)" : "")
      cand.nextCap = next.capitalised
      if c == .capitalised && next.capitalised {
        if eponymHeads.contains(hash: next.hash) {
          cand.eponym = true
        } else if ordinals.contains(hash: next.hash) {
          let head = slot(buf, tokens, k, next: true, distance: 2)
          cand.eponym = head.capitalised && eponymHeads.contains(hash: head.hash)
        }
      }
      if c == .capitalised && !plainUse { cand.namePrev = fullNameContext(prev: prev, next: next) }
      candidates.append(cand)
      return
    }
    // Confusable from here on (X+s is also a word): decide what the candidate can lead to before
    // building it, so the many plain plurals allocate nothing.
    var pluralPattern: String?
    if c == .lower {
      pluralPattern = pluralPossessivePattern(buf, tokens, k, prev: prev, next: next)
    }
    var rule: (after: [UInt8], text: String, suggest: Bool)?
    // `hasRules` of the facts is `rulesByHash[lowerHash] != nil`: look the list up only then.
    if facts & SuffixMemo.hasRules != 0, let l = rulesByHash.list(lowerHash) {
      // A matching context rule decides; without one, a capitalised plain word (Tuesdays) stays
      // and other forms go on to the mined odds.
      // prev and next are the views `holds` computes for those slots.
      var views = SlotViews(prev: prev, next: next)
      if let i = firstHolding(l, buf, tokens, k, &views) {
        let r = rulesByHash.rule(l, i)
        rule = (Self.applyCase(c, Array(r.to.utf8)), r.text, r.suggestOnly)
      } else if c != .lower && words.contains(hash: tokHash) {
        return
      }
    }
    let score = scorer.score(formTerm: formTerm(buf, s, e, tokHash: tokHash), next: next, prev: prev)
    // Confusable candidates without a rule or a plural pattern only matter when their score (with
    // the largest document bonus) can reach score-suggest (see resolvePossessives).
    let named = c != .lower && nameContext(c, prev: prev, next: next, baseLowerHash: baseLowerHash)
    let namePrev = c == .capitalised ? fullNameContext(prev: prev, next: next) : nil
    if rule == nil && pluralPattern == nil && !named && namePrev == nil && score + max(documentBonus, 0) < scoreSuggest
    {
      return
    }
    var cand = Candidate(
      fragment: fragment, start: s, end: e, hash: tokHash, base: Array(base), lexicon: lexicon,
      nextWord: next.word ?? "", plainUse: plainUse, why: "")
    cand.pluralPattern = pluralPattern
    cand.rule = rule
    cand.confusable = true
    cand.named = named
    cand.namePrev = namePrev
    cand.score = score
    if score >= scoreSuggest && explain { cand.why = scorer.explain(buf, token: s, e, next: next, prev: prev) }
    candidates.append(cand)
  }

  /// What the word tables say about X+s (exact case): X is a possessive base, X+s is a word, X+s
  /// is a plain s-word. Remembered per thread across documents (`SuffixMemo`): the same few
  /// thousand plurals come back all the time, and the tables are large enough to miss the cache.
  /// The answer is a function of the token's bytes (through their hashes), so it is the same
  /// whether it comes from the memo or the tables; the memo is keyed by the 64-bit hash of X+s,
  /// as the tables themselves are.
  /// Also what they say about the lower-cased forms (asked for capitalised tokens): the lower-cased
  /// X is a possessive base, the lower-cased X+s is a word or a plain s-word, it has context rules.
  /// All four hashes are functions of the token's bytes, so the memo's key still decides them all.
  @inline(__always)
  func suffixFacts(tokHash: UInt64, baseHash: UInt64, lowerHash: UInt64, baseLowerHash: UInt64) -> UInt8 {
    if let memo = suffixMemo, let v = memo.get(tokHash) { return v }
    var v: UInt8 = SuffixMemo.known
    if possessiveBaseBits.mayContain(baseHash) && possessiveBases.contains(hash: baseHash) { v |= SuffixMemo.lexicon }
    if words.contains(hash: tokHash) { v |= SuffixMemo.word }
    if plainSWords.contains(hash: tokHash) { v |= SuffixMemo.plainS }
    if possessiveBases.contains(hash: baseLowerHash) { v |= SuffixMemo.lexiconLower }
    if words.contains(hash: lowerHash) || plainSWords.contains(hash: lowerHash) { v |= SuffixMemo.lowerWordish }
    if rulesByHash[lowerHash] != nil { v |= SuffixMemo.hasRules }
    suffixMemo?.set(tokHash, v)
    return v
  }

  /// `scorer.formTerm` of the token s..<e (its lower-cased bytes after `t:`), remembered per thread
  /// by the token's exact hash like `suffixFacts` (a function of the token's bytes and the scorer,
  /// which is built with the word tables that own the memo). The odds table it comes from is large
  /// (17 k forms), the memo small and mostly hit.
  @inline(__always)
  func formTerm(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, tokHash: UInt64) -> Double {
    if let memo = suffixMemo, let v = memo.term(tokHash) { return v }
    let v = scorer.formTerm(PossessiveScorer.hash(prefix: "t:", buf, s, e))
    suffixMemo?.setTerm(tokHash, v)
    return v
  }

  /// The test of the X+ss branch of `possessiveCandidate`: the token is a word (as it is or
  /// lower-cased) or a plain s-word. Remembered in `SuffixMemo` by the token's hash too: a token
  /// whose last two bytes are s/S + s only ever reaches this branch, so its entry holds this answer
  /// alone (and no X+s token's entry is ever read here).
  @inline(__always)
  func ssIsWord(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    let (_, tokHash, _, lowerHash) = Self.suffixHashes(buf, s, e)
    if let memo = suffixMemo, let v = memo.get(tokHash) { return v & SuffixMemo.ssWord != 0 }
    let w = words.contains(hash: tokHash) || words.contains(hash: lowerHash) || plainSWords.contains(hash: tokHash)
    suffixMemo?.set(tokHash, SuffixMemo.known | (w ? SuffixMemo.ssWord : 0))
    return w
  }

  /// `the leaders call on Wednesday fell`: a determiner, the plural, a singular noun, a
  /// prepositional phrase and then a finite verb in the rules' `head-verb` class: the plural
  /// cannot be the subject, so it owns the noun.
  func pluralPossessivePattern(
    _ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int, prev: SlotView, next: SlotView
  ) -> String? {
    guard prev.hasWord, pluralDeterminers.contains(hash: prev.hash), next.hasWord, next.lastByte() != 0x73,
      possessiveBases.contains(hash: next.hash), !headVerbs.contains(hash: next.hash)
    else { return nil }
    let prep = slot(buf, tokens, k + 1, next: true)
    guard prep.hasWord, prepositions.contains(hash: prep.hash) else { return nil }
    var j = k + 3
    while j < tokens.count && j <= k + 6 {
      let v = slot(buf, tokens, j - 1, next: true)
      guard v.hasWord else { return nil }
      if headVerbs.contains(hash: v.hash) {
        let verb = v.word ?? ""
        return
          "'\(prev.word ?? "") … \(next.word ?? "") \(prep.word ?? "") … \(verb)': the plural is not the subject of '\(verb)'"
      }
      let t = tokens[j]
      let article = v.hash == Self.theHash || v.hash == Self.aHash
      let ok =
        Bytes.isUpper(buf[t.start]) || Bytes.isDigit(buf[t.start]) || article || possessiveBases.contains(hash: v.hash)
      if !ok || notAfterPossessive.contains(hash: v.hash) && !article { return nil }
      j += 1
    }
    return nil
  }

  static let theHash = ByteWordSet.hash("the")
  static let aHash = ByteWordSet.hash("a")

  func resolvePossessives(
    _ candidates: [Candidate], standalone: StandaloneNames, plainSeen: LazyLineMap, into proposals: inout [Proposal]
  ) {
    if candidates.isEmpty { return }
    var plain: [UInt64: String] = [:]
    for c in candidates where c.plainUse && !c.confusable && plain[c.hash] == nil { plain[c.hash] = c.why }
    for c in candidates where c.confusable && c.score < scoreApply && c.rule == nil {
      guard let pattern = c.pluralPattern, let plainLine = plainSeen[c.hash] else { continue }
      let plainWhy = explain ? "used as a plain plural on line \(plainLine)" : ""
      let word = String(decoding: c.base, as: UTF8.self) + "s"
      proposals.append(
        Proposal(
          fragment: c.fragment, start: c.start, end: c.end, after: c.base + [0x73, 0x27], rule: "plural-possessive",
          reason: why("\(pattern); '\(word)' is a plural in this document (\(plainWhy))"),
          confidence: 0.85, applied: true, inferred: true))
    }
    for c in candidates where c.rule != nil {
      let r = c.rule!
      let word = String(decoding: c.base, as: UTF8.self) + "s"
      proposals.append(
        Proposal(
          fragment: c.fragment, start: c.start, end: c.end, after: r.after, rule: "possessive-rule",
          reason: why("'\(word)' is also a word; context rule \"\(r.text)\" holds"), confidence: r.suggest ? 0.6 : 0.95,
          applied: !r.suggest, inferred: true))
    }
    for var c in candidates where c.confusable && c.rule == nil {
      // Also a plain word: this occurrence's own context decides, and the base must be a known
      // noun or stand on its own in the document. A lower-case form that the document never uses
      // as a plain plural (before a verb, a preposition, punctuation) leans possessive.
      if c.hash != 0 && !c.plainUse && Bytes.isLower(c.base.first ?? 0) {
        if plainSeen[c.hash] == nil {
          c.score += documentBonus
          if documentBonus != 0 {
            c.why += c.why.isEmpty ? "never a plain plural in this document" : ", never a plain plural in this document"
          }
        }
      }
      if c.nameLine > 0, !c.plainUse {
        proposals.append(fullNamePossessive(c))
        continue
      }
      if c.named, !c.plainUse, let l = standalone[ByteWordSet.hash(c.base)] {
        proposals.append(namedPossessive(c, standaloneLine: l))
        continue
      }
      guard !c.plainUse, c.score >= scoreSuggest else { continue }
      let baseText = String(decoding: c.base, as: UTF8.self)
      var evidence = ""
      if c.lexicon {
        if explain { evidence = "'\(baseText)'s' is in the lexicon" }
      } else if let l = standalone[ByteWordSet.hash(c.base)] {
        if explain { evidence = "'\(baseText)' stands on its own (line \(l))" }
      } else {
        continue
      }
      let apply = c.score >= scoreApply
      proposals.append(
        Proposal(
          fragment: c.fragment, start: c.start, end: c.end, after: c.base + [0x27, 0x73], rule: "possessive-context",
          reason: why(
            "'\(baseText)s' is also a word; \(evidence); mined context odds \(PossessiveScorer.oneDecimal(c.score)) (\(c.why))"
          ),
          confidence: apply ? 0.9 : 0.6, applied: apply, inferred: true))
    }
    for c in candidates where !c.plainUse && !c.confusable {
      if plain[c.hash] != nil { continue }
      let baseText = String(decoding: c.base, as: UTF8.self)
      var evidence = ""
      if c.lexicon {
        if explain { evidence = "'\(baseText)'s' is in the lexicon" }
      } else if let l = standalone[ByteWordSet.hash(c.base)] {
        if explain { evidence = "'\(baseText)' stands on its own (line \(l))" }
      } else if c.eponym {
        if explain { evidence = "'\(c.nextWord)' after a name starts an eponym (eponym-heads)" }
      } else {
        if c.nameLine > 0 { proposals.append(fullNamePossessive(c)) }
        continue
      }
      var p = Proposal(
        fragment: c.fragment, start: c.start, end: c.end, after: c.base + [0x27, 0x73], rule: "possessive",
        reason: why("'\(baseText)s' is no word; \(evidence); '\(c.nextWord)' can follow a possessive"),
        confidence: c.lexicon ? 0.95 : 0.9, applied: true, inferred: true)
      if c.nextCap && !c.eponym && Bytes.isUpper(c.base.first ?? 0) && standalone[ByteWordSet.hash(c.base)] == nil
        && possessiveBases.contains(c.base) && !words.contains(Bytes.lowered(c.base))
      {
        if !oddsSayPossessive(&p, c.base) { suggestOnlyBeforeName(&p, baseText) }
      }
      if p.applied && standalone[ByteWordSet.hash(c.base)] == nil { suggestOnlyBeforeVerb(&p, c) }
      if p.applied && c.lexicon && Bytes.isLower(c.base.first ?? 0) { suggestOnlyUnlistedPlural(&p, c.base) }
      proposals.append(p)
    }
  }
}

extension ByteWordSet {
  static func readFile(_ path: String) throws -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else { throw LexiconLoadError(path: path) }
    return [UInt8](d)
  }
}

/// Context rules by the hash of their lower-cased form, in an open-addressing table (a Swift
/// Dictionary hashes each UInt64 key with SipHash on the hot path). Each list is also kept as
/// `FlatRules` (plain values in flat buffers), which `RepairApostrophes.firstHolding` evaluates
/// without copying a `ContextRule` (its strings and arrays) per rule tried.
struct RulesByHash: Sendable {
  private let index: HashLineMap
  private let lists: [[ContextRule]]
  let flat: FlatRules

  init(_ byHash: [UInt64: [ContextRule]]) {
    var index = HashLineMap(capacity: byHash.count)
    var lists: [[ContextRule]] = []
    for (h, rs) in byHash.sorted(by: { $0.key < $1.key }) {
      index.insertIfAbsent(h, lists.count)
      lists.append(rs)
    }
    self.index = index
    self.lists = lists
    flat = FlatRules(lists)
  }

  var isEmpty: Bool { lists.isEmpty }

  @inline(__always)
  subscript(_ h: UInt64) -> [ContextRule]? {
    guard let i = index[h] else { return nil }
    return lists[i]
  }

  /// The list number of the rules of h (for `flat`), nil when h has none.
  @inline(__always)
  func list(_ h: UInt64) -> Int? { index[h] }

  /// Rule i of list l.
  func rule(_ l: Int, _ i: Int) -> ContextRule { lists[l][i] }
}

/// Every list of context rules as plain values in flat buffers (allocated once, owned by this
/// object): a rule is a range of conditions, a condition a slot, a negation and a range of
/// alternatives, an alternative a kind, a word hash and a class number. The same rules, in the
/// same order, as the `ContextRule`s they are built from.
final class FlatRules: @unchecked Sendable {  // immutable after init
  struct Alt {
    /// 0 word, 1 class, 2 start, 3 end, 4 punct, 5 comma, 6 ing, 7 ed, 8 ly, 9 cap, 10 num.
    var kind: UInt8
    var set: Int32
    var hash: UInt64
  }
  struct Cond {
    /// 0 prev, 1 prev2, 2 next, 3 next2, 4 word.
    var slot: UInt8
    var negated: Bool
    var altStart: Int32
    var altEnd: Int32
  }
  let alts: UnsafeMutablePointer<Alt>
  let conds: UnsafeMutablePointer<Cond>
  /// (first condition, end of conditions) of every rule, the lists one after another.
  let rules: UnsafeMutablePointer<(Int32, Int32)>
  /// (first rule, end of rules) of every list.
  let lists: UnsafeMutablePointer<(Int32, Int32)>
  let sets: [ByteWordSet]
  private let counts: (Int, Int, Int, Int)

  init(_ ruleLists: [[ContextRule]]) {
    var alts: [Alt] = []
    var conds: [Cond] = []
    var rules: [(Int32, Int32)] = []
    var lists: [(Int32, Int32)] = []
    var sets: [ByteWordSet] = []
    for rs in ruleLists {
      let first = rules.count
      for r in rs {
        let c0 = conds.count
        for c in r.conditions {
          let a0 = alts.count
          for a in c.alts {
            switch a {
            case .word(let h): alts.append(Alt(kind: 0, set: 0, hash: h))
            case .wordClass(_, let set):
              sets.append(set)
              alts.append(Alt(kind: 1, set: Int32(sets.count - 1), hash: 0))
            case .start: alts.append(Alt(kind: 2, set: 0, hash: 0))
            case .end: alts.append(Alt(kind: 3, set: 0, hash: 0))
            case .punct: alts.append(Alt(kind: 4, set: 0, hash: 0))
            case .comma: alts.append(Alt(kind: 5, set: 0, hash: 0))
            case .ing: alts.append(Alt(kind: 6, set: 0, hash: 0))
            case .ed: alts.append(Alt(kind: 7, set: 0, hash: 0))
            case .ly: alts.append(Alt(kind: 8, set: 0, hash: 0))
            case .cap: alts.append(Alt(kind: 9, set: 0, hash: 0))
            case .num: alts.append(Alt(kind: 10, set: 0, hash: 0))
            }
          }
          conds.append(Cond(slot: c.slot.index, negated: c.negated, altStart: Int32(a0), altEnd: Int32(alts.count)))
        }
        rules.append((Int32(c0), Int32(conds.count)))
      }
      lists.append((Int32(first), Int32(rules.count)))
    }
    func copy<T>(_ a: [T]) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: max(a.count, 1))
      p.initialize(from: a, count: a.count)
      return p
    }
    self.alts = copy(alts)
    self.conds = copy(conds)
    self.rules = copy(rules)
    self.lists = copy(lists)
    self.sets = sets
    counts = (alts.count, conds.count, rules.count, lists.count)
  }

  deinit {
    alts.deinitialize(count: counts.0)
    alts.deallocate()
    conds.deinitialize(count: counts.1)
    conds.deallocate()
    rules.deinitialize(count: counts.2)
    rules.deallocate()
    lists.deinitialize(count: counts.3)
    lists.deallocate()
  }

  /// `SlotView.matches` of alternative a (the same tests, by kind).
  @inline(__always)
  func matches(_ v: SlotView, _ a: Alt) -> Bool {
    switch a.kind {
    case 0: return v.hash == a.hash
    case 1: return v.hasWord && sets[Int(a.set)].contains(hash: v.hash)
    case 2: return v.start
    case 3: return v.end
    case 4: return v.punct
    case 5: return v.comma
    case 6: return v.matches(.ing, classes: [:])
    case 7: return v.matches(.ed, classes: [:])
    case 8: return v.matches(.ly, classes: [:])
    case 9: return v.matches(.cap, classes: [:])
    default: return v.matches(.num, classes: [:])
    }
  }
}

/// A `HashLineMap` made on the first insert (an empty one answers nil): a per-document map that
/// most documents never fill costs no allocation.
struct LazyLineMap {
  private var map: HashLineMap?

  init() {}

  @inline(__always)
  mutating func insertIfAbsent(_ h: UInt64, _ v: Int) {
    if map == nil { map = HashLineMap() }
    map!.insertIfAbsent(h, v)
  }

  @inline(__always)
  subscript(_ h: UInt64) -> Int? { map?[h] }
}

/// `standalone` evidence of repair-apostrophes, gathered by a second look at the document the
/// first time a candidate needs it (most documents never do).
final class StandaloneNames {
  private var map: HashLineMap?
  private let build: () -> HashLineMap

  init(_ build: @escaping () -> HashLineMap) { self.build = build }

  subscript(_ h: UInt64) -> Int? {
    if map == nil { map = build() }
    return map![h]
  }
}

/// The two SCOWL word sets of repair-apostrophes, read and hashed on first use (thread-safe).
final class LazyWordTables: @unchecked Sendable {
  let wordsPath: String
  let basesPath: String
  private let lock = NSLock()
  private var built: (ByteWordSet, ByteWordSet)?

  init(wordsPath: String, basesPath: String) throws {
    for p in [wordsPath, basesPath] where !FileManager.default.isReadableFile(atPath: p) {
      throw LexiconLoadError(path: p)
    }
    self.wordsPath = wordsPath
    self.basesPath = basesPath
  }

  private var bits: HashBits?

  /// The filter over the possessive bases (built with them, once).
  func baseBits() -> HashBits {
    _ = get()
    lock.lock()
    defer { lock.unlock() }
    return bits!
  }

  func get() -> (ByteWordSet, ByteWordSet) {
    lock.lock()
    defer { lock.unlock() }
    if let b = built { return b }
    // Readable when the rules loaded; an unreadable file later gives an empty set.
    let wordsText = TableCache.readWhole(wordsPath)
    let basesText = TableCache.readWhole(basesPath)
    let (b, f) = Self.build(wordsText, basesText)
    built = b
    bits = f
    return b
  }

  /// The two sets and the bases' filter of the files' bytes (nil: unreadable, an empty set),
  /// through `TableCache` (the same tables as building them, see there).
  static func build(_ wordsText: [UInt8]?, _ basesText: [UInt8]?) -> ((ByteWordSet, ByteWordSet), HashBits) {
    func fresh() -> ((ByteWordSet, ByteWordSet), HashBits) {
      let w = wordsText.map { ByteWordSet(lexiconText: $0) } ?? ByteWordSet()
      let b = basesText.map { ByteWordSet(lexiconText: $0) } ?? ByteWordSet()
      return ((w, b), HashBits(b))
    }
    guard let wordsText, let basesText else { return fresh() }
    let stored = TableCache.tables(kind: "apostrophe-word-tables", inputs: [wordsText, basesText]) {
      let ((w, b), f) = fresh()
      return w.storage + b.storage + f.storage
    }
    guard stored.count == 6, let w = ByteWordSet(storage: stored[0..<2]), let b = ByteWordSet(storage: stored[2..<4]),
      let f = HashBits(storage: stored[4..<6])
    else { return fresh() }
    return ((w, b), f)
  }
}

/// Per-thread memo of `RepairApostrophes.suffixFacts` by the hash of X+s: direct-mapped, 8192
/// entries of 16 bytes (128 KB, stays in the cache where the 2 MB word table does not). Tied to the
/// word tables it was filled from (`owner`, kept alive by the memo, so a new stage's tables never
/// meet old answers); another owner on the same thread clears it.
final class SuffixMemo: @unchecked Sendable {  // one thread's own (see forThisThread)
  static let known: UInt8 = 1
  static let lexicon: UInt8 = 2
  static let word: UInt8 = 4
  static let plainS: UInt8 = 8
  static let ssWord: UInt8 = 16
  static let lexiconLower: UInt8 = 32
  static let lowerWordish: UInt8 = 64
  static let hasRules: UInt8 = 128
  static let size = 8192

  private(set) var owner: AnyObject
  /// Two words per entry, side by side (one cache line for both). The first: the key's bits above
  /// the index bits (the index bits are the slot's own position, so these identify the 64-bit key
  /// exactly), the facts in the low eight index bits and `termBit` when the second word holds the
  /// key's `formTerm` (its bit pattern). The facts always have `known` set, so a filled entry is
  /// never 0 (an empty one is). A term is read only with its key's first word (`term` compares
  /// the key and needs `termBit`), and `set` (a new key in the slot) writes the first word without
  /// `termBit`, so a term never outlives its key (`sameRecordsOnManyForms` fails when `set` keeps
  /// the old `termBit`). `formTerm` runs right after `suffixFacts` of the same token, which leaves
  /// the slot holding that key, so the key compare in `term` is a second guard that no current
  /// caller needs. Before, the terms had a table of their own: a second cache miss for each scored
  /// candidate, right after `suffixFacts` loaded this line.
  private let entries = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * SuffixMemo.size)
  static let indexBits = UInt64(SuffixMemo.size - 1)
  static let termBit: UInt64 = 0x100

  init(owner: AnyObject) {
    self.owner = owner
    entries.initialize(repeating: 0, count: 2 * Self.size)
  }

  deinit {
    entries.deallocate()
  }

  @inline(__always)
  func term(_ h: UInt64) -> Double? {
    let i = 2 * Int(truncatingIfNeeded: h & Self.indexBits)
    let x = entries[i]
    return x & Self.termBit != 0 && (x ^ h) & ~Self.indexBits == 0 ? Double(bitPattern: entries[i + 1]) : nil
  }

  /// Remembers the term only while the slot holds the key (it does right after `suffixFacts` of
  /// the same token); otherwise nothing is remembered.
  @inline(__always)
  func setTerm(_ h: UInt64, _ v: Double) {
    let i = 2 * Int(truncatingIfNeeded: h & Self.indexBits)
    let x = entries[i]
    guard x != 0 && (x ^ h) & ~Self.indexBits == 0 else { return }
    entries[i + 1] = v.bitPattern
    entries[i] = x | Self.termBit
  }

  @inline(__always)
  func get(_ h: UInt64) -> UInt8? {
    let x = entries[2 * Int(truncatingIfNeeded: h & Self.indexBits)]
    return x != 0 && (x ^ h) & ~Self.indexBits == 0 ? UInt8(truncatingIfNeeded: x & 0xFF) : nil
  }

  @inline(__always)
  func set(_ h: UInt64, _ v: UInt8) {
    entries[2 * Int(truncatingIfNeeded: h & Self.indexBits)] = h & ~Self.indexBits | UInt64(v | Self.known)
  }

  private static let key: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k) { p in
      if let p { Unmanaged<SuffixMemo>.fromOpaque(p).release() }
    }
    return k
  }()

  /// The calling thread's memo, emptied first if it was filled from other tables.
  static func forThisThread(owner: AnyObject) -> SuffixMemo {
    if let p = pthread_getspecific(key) {
      let m = Unmanaged<SuffixMemo>.fromOpaque(p).takeUnretainedValue()
      if m.owner !== owner {
        m.owner = owner
        m.entries.update(repeating: 0, count: 2 * size)
      }
      return m
    }
    let m = SuffixMemo(owner: owner)
    pthread_setspecific(key, Unmanaged.passRetained(m).toOpaque())
    return m
  }
}
