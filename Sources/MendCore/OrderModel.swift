import CICU
import Foundation

/// The coherence model behind `restore-order`: what each sentence says about where it belongs
/// (lead signals, back-references) and what each pair says about which comes first (a full name
/// before the bare surname, a defined acronym before its bare use, "a bridge" before "the
/// bridge"). Every word list and weight comes from the rules file; `mend-eval order --fit` fits the
/// weights on the corpus's fit split.
///
/// Works on UTF-8 bytes: tokens are hashed (FNV-1a over ASCII-lowercased bytes), and sets are
/// sorted arrays of hashes, so a pair costs a few short merges.
public struct OrderModel: Sendable {
  /// Features of the pairwise precedence score. The first `unaryCount` are properties of one
  /// sentence (the pair feature is the difference a − b); the rest are directional pair features
  /// g(a, b) − g(b, a).
  public enum Feature: Int, CaseIterable, Sendable {
    case pronounStart, connectiveStart, backReferenceStart, dayWord, title, fullNames, summaryVerb,
      quote, length, laterWord, shortReferences, introductions, centrality, year, background,
      attribution, position
    case nameIntroduction, acronymIntroduction, indefiniteBeforeDefinite

    /// The option name of the feature's weight in the rules file.
    public var optionName: String {
      switch self {
      case .pronounStart: return "weight-pronoun-start"
      case .connectiveStart: return "weight-connective-start"
      case .backReferenceStart: return "weight-back-reference-start"
      case .dayWord: return "weight-day-word"
      case .title: return "weight-title"
      case .fullNames: return "weight-full-names"
      case .summaryVerb: return "weight-summary-verb"
      case .quote: return "weight-quote"
      case .length: return "weight-length"
      case .laterWord: return "weight-later-word"
      case .shortReferences: return "weight-short-references"
      case .introductions: return "weight-introductions"
      case .centrality: return "weight-centrality"
      case .year: return "weight-year"
      case .background: return "weight-background"
      case .attribution: return "weight-attribution"
      case .position: return "weight-position"
      case .nameIntroduction: return "weight-name-introduction"
      case .acronymIntroduction: return "weight-acronym-introduction"
      case .indefiniteBeforeDefinite: return "weight-indefinite-before-definite"
      }
    }

    public var help: String {
      switch self {
      case .pronounStart: return "Sentence opens with a pronoun (He, They, It, This): later."
      case .connectiveStart: return "Sentence opens with a connective (But, However, Meanwhile, Also): later."
      case .backReferenceStart: return "Sentence opens with a definite back-reference (The pair, The official): later."
      case .dayWord: return "Sentence names a day or date (on Wednesday, yesterday): a lead signal."
      case .title: return "Sentence gives a title before a name (President Xi): a lead signal."
      case .fullNames: return "Number of multi-word names: a lead signal."
      case .summaryVerb: return "Sentence has a summary verb (announced, assured, said on): a lead signal."
      case .quote: return "Sentence contains a quotation mark."
      case .length: return "Sentence length in words / 25 (capped at 2)."
      case .laterWord: return "Sentence has a word that presumes earlier text (also, again, another)."
      case .shortReferences: return "Bare surnames or short forms whose full name is in another sentence: later."
      case .introductions: return "Full names whose short form is used in another sentence: earlier."
      case .centrality: return "Share of the other sentences that share a word or name with this one: earlier."
      case .year: return "Sentence names a year (background tends to come later)."
      case .background: return "Sentence has a background word (had, previously, since)."
      case .attribution: return "Sentence attributes speech (said, told, according)."
      case .position:
        return
          "Mean `position-words` score of the sentence's words: how much earlier than an article's middle their sentences sit in news."
      case .nameIntroduction: return "Pair: A has the full name (Xi Jinping), B only the short form (Xi): A first."
      case .acronymIntroduction:
        return "Pair: A defines an acronym (Federal Security Service (FSB)), B uses it bare: A first."
      case .indefiniteBeforeDefinite: return "Pair: A says 'a bridge', B says 'the bridge': A first."
      }
    }

    static var unaryCount: Int { 17 }
  }

  public var weights: [Double]
  /// Weight of content-word overlap (Jaccard) between neighbours.
  public var adjacentOverlap: Double
  /// Weight of a shared name between neighbours.
  public var adjacentEntity: Double
  /// Weight for a sentence that opens with a pronoun, connective or back-reference right after
  /// one it shares a word or name with.
  public var adjacentReference: Double
  /// Added to the score of an order whose first sentence opens with a pronoun, connective or
  /// back-reference (a rule, not fitted: such a sentence cannot open a text).
  public var firstReference: Double = -5
  /// Words that do not start a name surname first (`first-word-surnames`): the first word of a
  /// run of two or more capitalised words (`Xi` of `Xi Jinping`) counts as a surname, like the
  /// run's last word, unless its key is here. Nil: only last words count (before session 14).
  public var notSurnames: SurnameExclusions?
  /// `position-words`: a word's key (lower-case FNV, as `Token.key`) → its score (see
  /// `Feature.position`); empty: the feature is 0 for every sentence. `mend-eval order --fit`
  /// gives each fit article a table built without it (leave one out).
  public var positions = PositionTable()

  /// Whether the first word of a name run counts as a surname (see `notSurnames`; `set` is its
  /// table, nil when the rule is off).
  @inline(__always) static func surnameFirst(_ key: UInt64, _ set: KeySet?) -> Bool {
    guard let set else { return false }
    return !set.contains(key)
  }

  /// The keys of the words of a lexicon (one word a line) that rule out a first word as a
  /// surname: every capitalised entry (a first name, a demonym, a place: `Vladimir`, `European`)
  /// and every lower-case entry of three letters or more (`Supreme`, `Federal`, `New`), since a
  /// run that starts with a common word is a title or an institution more often than a name.
  /// Two-letter lower-case entries are abbreviations and letter names (`xi`, `mu`), kept out.
  public static func notSurnameKeys(lexiconText: [UInt8]) -> [UInt64] {
    var out: [UInt64] = []
    out.reserveCapacity(lexiconText.count / 8)
    var i = 0
    let n = lexiconText.count
    while i < n {
      var j = i
      while j < n && lexiconText[j] != 0x0A { j += 1 }
      var e = j
      while e > i && (lexiconText[e - 1] == 0x0D || lexiconText[e - 1] == 0x20) { e -= 1 }
      var s = i
      while s < e && lexiconText[s] == 0x20 { s += 1 }
      if s < e && lexiconText[s] != 0x23 {
        let first = lexiconText[s]
        let upper = first >= 0x41 && first <= 0x5A
        if upper || e - s >= 3 {
          var h = fnvOffset
          for p in s..<e { h = (h ^ UInt64(lower(lexiconText[p]))) &* fnvPrime }
          out.append(h)
        }
      }
      i = j + 1
    }
    out.sort()
    return out
  }

  /// Off only in tests: `scanCaps` then takes every byte through its word loop (the reference
  /// for its eight-byte lane over lower-case words).
  var quickFastLane = true
  /// Off only in tests: `quickSigns` then reads every line's opening (the reference for its lazy
  /// openings with `zMin`).
  var lazyOpens = true
  /// Off only in tests: `contentKeys` and `quickSigns` then take every line through their Swift
  /// byte loops (the reference for the vector pass over ASCII lines in mend_order.c).
  var lineMasks = true
  /// Only tests change it: which byte masks the C passes use (`mend_order_content_keys_path`: 0
  /// the byte loop, 1 SSE2, 2 the fastest the CPU has).
  var maskPath: Int32 = 2

  let functionWords: KeySet
  let pronouns: KeySet
  let connectives: KeySet
  let backReferences: KeySet
  let titles: KeySet
  let dayWords: KeySet
  let summaryVerbs: KeySet
  let laterWords: KeySet
  let backgroundWords: KeySet
  let attributionWords: KeySet
  /// Every list above in one table (one look-up per token in `analyzeFlat`).
  let wordFlags: WordListFlags

  public init(
    weights: [Double], adjacentOverlap: Double, adjacentEntity: Double, adjacentReference: Double,
    functionWords: [String], pronouns: [String], connectives: [String], backReferences: [String],
    titles: [String], dayWords: [String], summaryVerbs: [String], laterWords: [String],
    backgroundWords: [String], attributionWords: [String]
  ) {
    precondition(weights.count == Feature.allCases.count)
    self.weights = weights
    self.adjacentOverlap = adjacentOverlap
    self.adjacentEntity = adjacentEntity
    self.adjacentReference = adjacentReference
    func set(_ xs: [String]) -> KeySet { KeySet(xs.map { Self.hash($0) }) }
    self.functionWords = set(functionWords + pronouns + connectives)
    self.pronouns = set(pronouns)
    self.connectives = set(connectives)
    self.backReferences = set(backReferences)
    self.titles = set(titles)
    self.dayWords = set(dayWords)
    self.summaryVerbs = set(summaryVerbs)
    self.laterWords = set(laterWords)
    self.backgroundWords = set(backgroundWords)
    self.attributionWords = set(attributionWords)
    func keys(_ xs: [String]) -> [UInt64] { xs.map { Self.hash($0) } }
    typealias F = WordListFlags
    wordFlags = WordListFlags([
      (F.function, keys(functionWords + pronouns + connectives)), (F.pronoun, keys(pronouns)),
      (F.connective, keys(connectives)), (F.backReference, keys(backReferences)), (F.title, keys(titles)),
      (F.day, keys(dayWords)), (F.summary, keys(summaryVerbs)), (F.later, keys(laterWords)),
      (F.background, keys(backgroundWords)), (F.attribution, keys(attributionWords)),
    ])
  }

  // MARK: Hashing

  static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
  static let fnvPrime: UInt64 = 0x100_0000_01b3

  @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

  /// FNV-1a of `buf[from..<to]`, ASCII-lowercased: the key of a possessive `X's` (its X) in the
  /// word loops of `tokenize`, `scanCaps` and `contentKeys`, which must agree bit for bit.
  @inline(__always) static func lowerHash(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt64 {
    var k = fnvOffset
    var p = from
    while p < to {
      k = (k ^ UInt64(lower(buf[p]))) &* fnvPrime
      p += 1
    }
    return k
  }

  /// Hash of a word or phrase (ASCII-lowercased; words joined by one space).
  public static func hash(_ s: String) -> UInt64 {
    var h = fnvOffset
    for b in s.utf8 { h = (h ^ UInt64(lower(b))) &* fnvPrime }
    return h
  }

  // MARK: Sentence analysis

  struct Token {
    var start: Int
    var end: Int
    var key: UInt64
    /// Key without a final "s" (for "Chinas" → "China" when apostrophes were stripped).
    var stemKey: UInt64
    var capitalized: Bool
    var allCaps: Bool
    /// Something other than a space separates it from the previous token (or it is the first).
    var breakBefore: Bool
    var inParens: Bool
  }

  /// What one sentence contributes to the model.
  public struct Sentence: Sendable {
    var unary: [Double] = Array(repeating: 0, count: Feature.unaryCount)
    var longKeys: [UInt64] = []
    /// Last words of multi-word names (surnames, "Mahan Air" → air).
    var lastKeys: [UInt64] = []
    var shortKeys: [UInt64] = []
    var entityKeys: [UInt64] = []
    var acronymsDefined: [UInt64] = []
    var acronymsUsed: [UInt64] = []
    var indefinite: [UInt64] = []
    var definite: [UInt64] = []
    var content: [UInt64] = []
    var opensWithReference = false
    /// Human-readable signals for change reasons.
    var signals: [String] = []
  }

  @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b >= 0x80
  }

  static func tokenize(_ buf: UnsafeBufferPointer<UInt8>) -> [Token] {
    var out: [Token] = []
    out.reserveCapacity(buf.count / 5 + 4)  // about a word every 6 bytes in English: one allocation
    tokenize(buf, into: &out)
    return out
  }

  /// Appends the tokens of `buf` to `out` (one flat array for a whole document).
  static func tokenize(_ buf: UnsafeBufferPointer<UInt8>, into out: inout [Token]) {
    let n = buf.count
    var i = 0
    var sawBreak = true
    while i < n {
      let b = buf[i]
      // The usual byte between words: not 0xE2, not a word byte, and a space sets no break.
      if b == 0x20 {
        i += 1
        continue
      }
      // U+2000–U+203F (dashes, curly quotes, ellipsis) are punctuation, not letters.
      if b == 0xE2 && i + 2 < n && buf[i + 1] == 0x80 {
        sawBreak = true
        i += 3
        continue
      }
      if !isWordByte(b) {
        if b != 0x20 { sawBreak = true }
        i += 1
        continue
      }
      let start = i
      var j = i
      var h = fnvOffset
      var stem = fnvOffset
      var last: UInt8 = 0
      var upperCount = 0
      var letterCount = 0
      var possessiveAt = -1
      while j < n {
        let c = buf[j]
        // Most bytes of a word: a lower-case ASCII letter, which the general branch below takes the
        // same way (a word byte, not 0xE2, `lower(c) == c`, a letter, not upper-case).
        if c &- 0x61 < 26 {
          stem = h
          h = (h ^ UInt64(c)) &* fnvPrime
          last = c
          letterCount += 1
          j += 1
          continue
        }
        if isWordByte(c) {
          if c == 0xE2 && j + 2 < n && buf[j + 1] == 0x80 { break }
          stem = h
          h = (h ^ UInt64(lower(c))) &* fnvPrime
          last = c
          if c >= 0x41 && c <= 0x5A { upperCount += 1 }
          if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { letterCount += 1 }
          j += 1
          continue
        }
        // Inner apostrophe or hyphen ('s, don't, Xi-led).
        if (c == 0x27 || c == 0x2D) && j + 1 < n && isWordByte(buf[j + 1]) && buf[j + 1] != 0xE2 {
          if c == 0x27 && possessiveAt < 0 { possessiveAt = j }
          h = (h ^ UInt64(c)) &* fnvPrime
          last = c
          j += 1
          continue
        }
        if c == 0xE2 && j + 3 < n && buf[j + 1] == 0x80 && buf[j + 2] == 0x99 && isWordByte(buf[j + 3]) {
          if possessiveAt < 0 { possessiveAt = j }
          h = (h ^ 0x27) &* fnvPrime
          j += 3
          continue
        }
        break
      }
      var key = h
      var stemKey = last == 0x73 ? stem : h
      // "X's" / "X’s": the key is X's.
      if possessiveAt > 0 {
        key = lowerHash(buf, start, possessiveAt)
        stemKey = key
      }
      let first = buf[start]
      let cap = first >= 0x41 && first <= 0x5A
      let inParens = start > 0 && buf[start - 1] == 0x28 && j < n && buf[j] == 0x29
      out.append(
        Token(
          start: start, end: j, key: key, stemKey: stemKey, capitalized: cap,
          allCaps: letterCount >= 2 && letterCount == upperCount && letterCount <= 6,
          breakBefore: sawBreak || start == 0, inParens: inParens))
      sawBreak = false
      i = j
    }
  }

  static let keyThe = hash("the")
  static let keyA = hash("a")
  static let keyAn = hash("an")

  /// Analyse the sentences of one document (each a string of one sentence).
  public func analyze(_ texts: [String]) -> [Sentence] {
    analyzeFlat(texts).sentences()
  }

  /// Sorts the elements in place and keeps each once (no new array).
  static func sortUnique(_ s: inout [UInt64]) { sortUnique(&s, from: 0) }

  /// `s[from...]` sorted, each element once (the elements before `from` are not touched).
  static func sortUnique(_ s: inout [UInt64], from start: Int) {
    if s.count - start < 2 { return }
    // Sorted in place through the buffer (`s[start...].sort()` copied the slice out and back, with
    // an allocation each call); the sorted order of integers is one, whatever the algorithm.
    let w = s.withUnsafeMutableBufferPointer { b -> Int in sortUnique(b.baseAddress!, start, b.count) }
    s.removeLast(s.count - w)
  }

  /// `p[start..<end]` sorted, each element once, in place; returns the new end (session 10: the
  /// body of `sortUnique(_:from:)`, for `contentKeys`' key buffer).
  static func sortUnique(_ p: UnsafeMutablePointer<UInt64>, _ start: Int, _ n: Int) -> Int {
    if n - start < 2 { return n }
    if n - start <= 16 {
      // Insertion sort for the usual few words of a sentence.
      var i = start + 1
      while i < n {
        let x = p[i]
        var j = i
        while j > start && p[j - 1] > x {
          p[j] = p[j - 1]
          j -= 1
        }
        p[j] = x
        i += 1
      }
    } else {
      var tail = UnsafeMutableBufferPointer(start: p + start, count: n - start)
      tail.sort()
    }
    var w = start + 1
    for r in (start + 1)..<n where p[r] != p[w - 1] {
      p[w] = p[r]
      w += 1
    }
    return w
  }

  /// The elements sorted, each once.
  static func sortedUnique<T: Comparable>(_ xs: [T]) -> [T] {
    if xs.count < 2 { return xs }
    var s = xs.sorted()
    var w = 1
    for r in 1..<s.count where s[r] != s[w - 1] {
      s[w] = s[r]
      w += 1
    }
    s.removeLast(s.count - w)
    return s
  }

  /// `contains` on sorted keys (OrderAnalysis.swift) for an array.
  @inline(__always) static func contains(_ xs: [UInt64], _ k: UInt64) -> Bool {
    xs.withUnsafeBufferPointer { contains($0, k) }
  }

  /// |a ∩ b \ c|, all sorted: `overlap` on sorted keys (OrderAnalysis.swift) for arrays.
  @inline(__always) static func overlap(_ a: [UInt64], _ b: [UInt64], minus c: [UInt64] = []) -> Int {
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeBufferPointer { pc in overlap(pa, pb, minus: pc) }
      }
    }
  }

  // MARK: Hard evidence

  /// Signs that an order is not the writer's: the first sentence opens with a pronoun, connective
  /// or back-reference; a name first appears in short form although its full form is in the text;
  /// an acronym is used before the sentence that defines it.
  public static func violations(_ ss: [Sentence], order: [Int]) -> Int {
    violations(OrderAnalysis(ss), order: order)
  }

  // MARK: Scores

  /// Directional pair features g(a, b) (before antisymmetrising).
  @inline(__always) static func directional(_ a: Sentence, _ b: Sentence) -> (Double, Double, Double) {
    let name = Double(min(overlap(a.longKeys, b.shortKeys, minus: b.longKeys), 3))
    let acr = Double(min(overlap(a.acronymsDefined, b.acronymsUsed, minus: b.acronymsDefined), 2))
    let ind = Double(min(overlap(a.indefinite, b.definite, minus: b.indefinite), 2))
    return (name, acr, ind)
  }

  /// The feature vector φ(a, b) of "a comes before b" (φ(b, a) = −φ(a, b)).
  public static func pairFeatures(_ a: Sentence, _ b: Sentence) -> [Double] {
    var f = [Double](repeating: 0, count: Feature.allCases.count)
    for k in 0..<Feature.unaryCount { f[k] = a.unary[k] - b.unary[k] }
    let ab = directional(a, b)
    let ba = directional(b, a)
    f[Feature.nameIntroduction.rawValue] = ab.0 - ba.0
    f[Feature.acronymIntroduction.rawValue] = ab.1 - ba.1
    f[Feature.indefiniteBeforeDefinite.rawValue] = ab.2 - ba.2
    return f
  }

  /// Adjacency features of "b right after a": (content Jaccard, shared name, reference follows).
  public static func adjacencyFeatures(_ a: Sentence, _ b: Sentence) -> (Double, Double, Double) {
    let inter = overlap(a.content, b.content)
    let union = a.content.count + b.content.count - inter
    let jac = union == 0 ? 0 : Double(inter) / Double(union)
    let ent = overlap(a.entityKeys, b.entityKeys) > 0 ? 1.0 : 0.0
    let ref = b.opensWithReference && (inter > 0 || ent > 0) ? 1.0 : 0.0
    return (jac, ent, ref)
  }

  /// Each sentence's unary score Σ_k w_k·u_k (the pair score is u(a) − u(b) + directional terms).
  public func unaryScores(_ ss: [Sentence]) -> [Double] {
    ss.map { s in
      var u = 0.0
      for k in 0..<Feature.unaryCount { u += weights[k] * s.unary[k] }
      return u
    }
  }

  /// The directional part of the pair scores, only for the pairs where it is not zero: (a, b, d)
  /// with a < b and pair(a, b) = u(a) − u(b) + d. Found through an index of the keys the
  /// directional features compare (a name, an acronym, a noun after an article), so it costs
  /// O(n + matches), not O(n²). Sorted, so sums over it are deterministic.
  public func directionalPairs(_ ss: [Sentence]) -> [(Int, Int, Double)] {
    directionalPairs(OrderAnalysis(ss))
  }

  /// The neighbour score of "b right after a" (the same as `scores(_:).adjacent[a*n+b]`).
  @inline(__always) public func adjacency(_ a: Sentence, _ b: Sentence) -> Double {
    let inter = Self.overlap(a.content, b.content)
    let union = a.content.count + b.content.count - inter
    let jac = union == 0 ? 0 : Double(inter) / Double(union)
    let ent = Self.overlap(a.entityKeys, b.entityKeys) > 0 ? 1.0 : 0.0
    let shared = inter > 0 || ent > 0
    return adjacentOverlap * jac + adjacentEntity * ent + (shared && b.opensWithReference ? adjacentReference : 0)
  }

  /// Pairwise precedence scores `s[a*n+b]` (antisymmetric) and adjacency scores `adj[a*n+b]`.
  public func scores(_ ss: [Sentence]) -> (pair: [Double], adjacent: [Double]) {
    let n = ss.count
    var unary = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var u = 0.0
      for k in 0..<Feature.unaryCount { u += weights[k] * ss[i].unary[k] }
      unary[i] = u
    }
    let wName = weights[Feature.nameIntroduction.rawValue]
    let wAcr = weights[Feature.acronymIntroduction.rawValue]
    let wInd = weights[Feature.indefiniteBeforeDefinite.rawValue]
    var pair = [Double](repeating: 0, count: n * n)
    var adj = [Double](repeating: 0, count: n * n)
    for a in 0..<n {
      for b in (a + 1)..<max(n, a + 1) {
        let ab = Self.directional(ss[a], ss[b])
        let ba = Self.directional(ss[b], ss[a])
        let v = unary[a] - unary[b] + wName * (ab.0 - ba.0) + wAcr * (ab.1 - ba.1) + wInd * (ab.2 - ba.2)
        pair[a * n + b] = v
        pair[b * n + a] = -v
        // Neighbour cohesion is symmetric except for the back-referring opening.
        let inter = Self.overlap(ss[a].content, ss[b].content)
        let union = ss[a].content.count + ss[b].content.count - inter
        let jac = union == 0 ? 0 : Double(inter) / Double(union)
        let ent = Self.overlap(ss[a].entityKeys, ss[b].entityKeys) > 0 ? 1.0 : 0.0
        let shared = inter > 0 || ent > 0
        let common = adjacentOverlap * jac + adjacentEntity * ent
        adj[a * n + b] = common + (shared && ss[b].opensWithReference ? adjacentReference : 0)
        adj[b * n + a] = common + (shared && ss[a].opensWithReference ? adjacentReference : 0)
      }
    }
    return (pair, adj)
  }

  /// The pairwise and the neighbour part of an order's score.
  @inline(__always)
  public static func scoreParts(_ order: [Int], pair: [Double], adjacent: [Double], n: Int) -> (Double, Double) {
    var p = 0.0
    var a = 0.0
    let m = order.count
    pair.withUnsafeBufferPointer { pb in
      for x in 0..<m {
        let row = order[x] * n
        var y = x + 1
        while y < m {
          p += pb[row + order[y]]
          y += 1
        }
        if x + 1 < m { a += adjacent[row + order[x + 1]] }
      }
    }
    return (p, a)
  }

  /// Score of opening the text with each sentence.
  public func firstScores(_ ss: [Sentence]) -> [Double] {
    ss.map { $0.opensWithReference ? firstReference : 0 }
  }

  /// Score of one order: Σ over i before j of pair(i, j) + Σ over neighbours of adjacent + the
  /// first sentence's opening score.
  public static func score(_ order: [Int], pair: [Double], adjacent: [Double], first: [Double]? = nil, n: Int) -> Double
  {
    var s = 0.0
    if let first, let f = order.first { s += first[f] }
    for x in 0..<order.count {
      let a = order[x]
      for y in (x + 1)..<max(order.count, x + 1) { s += pair[a * n + order[y]] }
      if x + 1 < order.count { s += adjacent[a * n + order[x + 1]] }
    }
    return s
  }

  /// The best order found: exact (dynamic programming over subsets) up to `exactUpTo` sentences,
  /// beam search of width `beamWidth` up to `beamUpTo`, greedy beyond.
  public static func search(
    pair: [Double], adjacent: [Double], first: [Double], n: Int, exactUpTo: Int, beamWidth: Int, beamUpTo: Int
  ) -> [Int] {
    if n <= 1 { return Array(0..<n) }
    var rowTotal = [Double](repeating: 0, count: n)
    for a in 0..<n {
      var t = 0.0
      for b in 0..<n { t += pair[a * n + b] }
      rowTotal[a] = t
    }
    if n <= min(exactUpTo, 16) { return exact(pair: pair, adjacent: adjacent, first: first, n: n, rowTotal: rowTotal) }
    let width = n <= beamUpTo ? max(1, beamWidth) : 1
    // The beam's states in flat rows of n (order so far, placed flags, Σ pair(y, placed) for each
    // y), the current and the next beam swapped each step: no array per state. Session 21: each
    // state was a struct of three arrays, copied for every candidate kept, three allocations a
    // candidate a step. The arithmetic is the same in the same order (tested against that code).
    var order = [Int](repeating: 0, count: width * n)
    var placed = [Bool](repeating: false, count: width * n)
    var placedSum = [Double](repeating: 0, count: width * n)
    var score = [Double](repeating: 0, count: width)
    var nextOrder = order
    var nextPlaced = placed
    var nextSum = placedSum
    var nextScore = score
    var states = 1
    // The best `width` candidates (state index, next sentence, score): `keepBest`.
    var top: [(Int, Int, Double)] = []
    top.reserveCapacity(width + 1)
    for step in 0..<n {
      top.removeAll(keepingCapacity: true)
      for si in 0..<states {
        let row = si * n
        let last = step > 0 ? order[row + step - 1] : -1
        for x in 0..<n where !placed[row + x] {
          var v = score[si] + rowTotal[x] - placedSum[row + x]
          if last >= 0 { v += adjacent[last * n + x] } else { v += first[x] }
          Self.keepBest(&top, (si, x, v), width: width)
        }
      }
      for (ci, c) in top.enumerated() {
        let from = c.0 * n
        let to = ci * n
        for k in 0..<step { nextOrder[to + k] = order[from + k] }
        nextOrder[to + step] = c.1
        for y in 0..<n {
          nextPlaced[to + y] = placed[from + y]
          nextSum[to + y] = placedSum[from + y] + pair[y * n + c.1]
        }
        nextPlaced[to + c.1] = true
        nextScore[ci] = c.2
      }
      states = top.count
      swap(&order, &nextOrder)
      swap(&placed, &nextPlaced)
      swap(&placedSum, &nextSum)
      swap(&score, &nextScore)
    }
    return Array(order[0..<n])
  }

  /// Keeps `top` the best `width` candidates (state index, next sentence, score), best first:
  /// higher score, ties to the earlier state and sentence, so the search is deterministic.
  @inline(__always)
  static func keepBest(_ top: inout [(Int, Int, Double)], _ c: (Int, Int, Double), width: Int) {
    @inline(__always) func better(_ x: (Int, Int, Double), _ y: (Int, Int, Double)) -> Bool {
      x.2 != y.2 ? x.2 > y.2 : (x.0 != y.0 ? x.0 < y.0 : x.1 < y.1)
    }
    if top.count == width, let worst = top.last, !better(c, worst) { return }
    var pos = top.count
    while pos > 0 && better(c, top[pos - 1]) { pos -= 1 }
    top.insert(c, at: pos)
    if top.count > width { top.removeLast() }
  }

  static func exact(pair: [Double], adjacent: [Double], first: [Double], n: Int, rowTotal: [Double]) -> [Int] {
    let full = (1 << n) - 1
    var dp = [Double](repeating: -.infinity, count: (1 << n) * n)
    var from = [Int](repeating: -1, count: (1 << n) * n)
    for x in 0..<n {
      dp[(1 << x) * n + x] = rowTotal[x] + first[x]
    }
    // Σ_{j in mask} pair(x, j) for every x, for the current mask (one buffer for all masks).
    var placedSum = [Double](repeating: 0, count: n)
    for mask in 1...full {
      for x in 0..<n {
        var t = 0.0
        for j in 0..<n where mask & (1 << j) != 0 { t += pair[x * n + j] }
        placedSum[x] = t
      }
      for last in 0..<n where mask & (1 << last) != 0 {
        let cur = dp[mask * n + last]
        if cur == -.infinity { continue }
        for x in 0..<n where mask & (1 << x) == 0 {
          let v = cur + rowTotal[x] - placedSum[x] + adjacent[last * n + x]
          let m2 = mask | (1 << x)
          if v > dp[m2 * n + x] {
            dp[m2 * n + x] = v
            from[m2 * n + x] = last
          }
        }
      }
    }
    var best = 0
    for x in 1..<n where dp[full * n + x] > dp[full * n + best] { best = x }
    var order: [Int] = []
    var mask = full
    var cur = best
    while cur >= 0 {
      order.append(cur)
      let prev = from[mask * n + cur]
      mask &= ~(1 << cur)
      cur = prev
    }
    return order.reversed()
  }
}

/// A fixed set of word hashes (FNV-1a keys) with open addressing: `contains` is a multiply, a
/// shift and usually one comparison (Swift's `Set` would hash the hash again with SipHash).
/// At most half full (session 18; a quarter before): the 74 000 keys of `restore-order`'s surname
/// exclusions took 4 MB, ~1 000 page faults a run, for a table that is 2 MB now.
public struct KeySet: Sendable {
  var table: [UInt64]
  let shift: UInt64
  let hasZero: Bool

  public init(_ keys: [UInt64]) {
    shift = openAddressShift(count: keys.count, slotsPerKey: 2)
    table = [UInt64](repeating: 0, count: 1 << Int(64 - shift))
    var zero = false
    for k in keys {
      if k == 0 {
        zero = true
        continue
      }
      table[openAddressInsertSlot(table, k, shift: shift)] = k
    }
    hasZero = zero
  }

  @inline(__always) public func contains(_ k: UInt64) -> Bool {
    if k == 0 { return hasZero }
    return table.withUnsafeBufferPointer { openAddressSlot($0, k, shift: shift) != nil }
  }
}

// MARK: Quick cohesion (the cheap decline test)

extension OrderModel {
  /// Neighbour cohesion of lines in their given order against what a random order of the same
  /// lines would show (a diagnostic for `mend-eval order --dump`; on Wikinews it separates text in
  /// order from shuffled text too weakly to be a decline test of its own), in one pass over the bytes: content words (≥ 4 bytes, not a function word,
  /// ASCII-lowercased, hashed) shared by neighbours, `given`, against the expectation over random
  /// orders, `expected` = (n − 1) · Σ_k C(df_k, 2) / C(n, 2) (each pair of lines is adjacent in a
  /// random order with probability 2 / n). Text in order shares far more words between neighbours
  /// than chance; a shuffled text about as many. No `String` is built and nothing is O(n²).
  public struct Cohesion: Sendable {
    public var lines: Int
    public var given: Double
    public var expected: Double
    /// (given − expected) / √(expected + 1): how far above chance the given order's neighbours cohere.
    public var z: Double { (given - expected) / (expected + 1).squareRoot() }
  }

  public func quickCohesion(_ texts: [String]) -> Cohesion {
    var keys: [UInt64] = []
    keys.reserveCapacity(texts.count * 16)
    var starts: [Int] = [0]
    starts.reserveCapacity(texts.count + 1)
    for t in texts {
      var t = t
      let lineStart = keys.count
      t.withUTF8 { buf in
        let n = buf.count
        var i = 0
        while i < n {
          let b = buf[i]
          guard Self.isWordByte(b) else {
            i += 1
            continue
          }
          var h = Self.fnvOffset
          var j = i
          var last: UInt8 = 0
          var prev = h
          while j < n {
            let c = buf[j]
            guard Self.isWordByte(c) else { break }
            prev = h
            h = (h ^ UInt64(Self.lower(c))) &* Self.fnvPrime
            last = c
            j += 1
          }
          if j - i >= 4 && !functionWords.contains(h) {
            // Plural / stripped possessive "s" folded, as the model's content words are.
            keys.append(last == 0x73 || last == 0x53 ? prev : h)
          }
          i = j
        }
      }
      // Each key once per line.
      Self.sortUnique(&keys, from: lineStart)
      starts.append(keys.count)
    }
    let n = texts.count
    guard n >= 2 else { return Cohesion(lines: n, given: 0, expected: 0) }
    // Shared words of neighbours.
    var given = 0
    keys.withUnsafeBufferPointer { k in
      for x in 0..<(n - 1) {
        var i = starts[x]
        var j = starts[x + 1]
        let ie = starts[x + 1]
        let je = starts[x + 2]
        while i < ie && j < je {
          if k[i] < k[j] {
            i += 1
          } else if k[i] > k[j] {
            j += 1
          } else {
            given += 1
            i += 1
            j += 1
          }
        }
      }
    }
    // Document frequencies in an open-addressing table.
    var bits = 4
    while (1 << bits) < keys.count * 2 { bits += 1 }
    let mask = (1 << bits) - 1
    let shift = UInt64(64 - bits)
    var table = [UInt64](repeating: 0, count: 1 << bits)
    var counts = [Int32](repeating: 0, count: 1 << bits)
    var pairs = 0
    for key in keys {
      let k = key == 0 ? 1 : key
      var i = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
      while table[i] != 0 && table[i] != k { i = (i + 1) & mask }
      table[i] = k
      pairs += Int(counts[i])  // C(df + 1, 2) − C(df, 2) = df
      counts[i] += 1
    }
    let expected = Double(n - 1) * Double(pairs) / Double(n * (n - 1) / 2)
    return Cohesion(lines: n, given: Double(given), expected: expected)
  }
}

// MARK: Quick hard signs (the cheap decline test)

/// The sizing and first slot of the open-addressing tables below (`KeyCounter`, `SignTable`): a
/// power of two at least twice the capacity (16 at least), and a key's home slot from the top
/// bits of a multiplicative hash.
enum OpenSlots {
  static func size(capacity: Int) -> Int {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    return size
  }

  @inline(__always) static func home(_ k: UInt64, _ count: Int) -> Int {
    Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - count.trailingZeroBitCount))
  }

  /// The slot of key `k` (≠ 0) in `keys` (a power-of-two table, 0 = empty, never full): where it
  /// is, or the empty slot where it goes, by linear probing from its home.
  @inline(__always) static func probe(_ keys: [UInt64], _ k: UInt64) -> Int {
    let mask = keys.count - 1
    var i = home(k, keys.count)
    while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
    return i
  }
}

/// Counts of word hashes, open addressing, growing (per document).
struct KeyCounter {
  var keys: [UInt64]
  var counts: [Int32]
  var used = 0
  var zero: Int32 = 0

  init(capacity: Int) {
    let size = OpenSlots.size(capacity: capacity)
    keys = [UInt64](repeating: 0, count: size)
    counts = [Int32](repeating: 0, count: size)
  }

  @inline(__always) func slot(_ k: UInt64) -> Int { OpenSlots.probe(keys, k) }

  /// The count of `k` (0 when absent).
  @inline(__always) subscript(_ k: UInt64) -> Int {
    if k == 0 { return Int(zero) }
    let i = slot(k)
    return keys[i] == k ? Int(counts[i]) : 0
  }

  @inline(__always) mutating func add(_ k: UInt64) {
    if k == 0 {
      zero += 1
      return
    }
    if (used + 1) * 2 > keys.count {
      let oldKeys = keys
      let oldCounts = counts
      keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
      counts = [Int32](repeating: 0, count: oldKeys.count * 2)
      for (x, c) in zip(oldKeys, oldCounts) where x != 0 {
        let i = slot(x)
        keys[i] = x
        counts[i] = c
      }
    }
    let i = slot(k)
    if keys[i] == 0 {
      keys[i] = k
      used += 1
    }
    counts[i] += 1
  }
}

/// A small open-addressing set of word hashes that grows (per document, for the quick tests).
struct GrowingKeySet {
  var table: [UInt64]
  var count = 0
  var hasZero = false

  init(capacity: Int) {
    table = [UInt64](repeating: 0, count: OpenSlots.size(capacity: capacity))
  }

  @inline(__always) func slot(_ k: UInt64) -> Int { OpenSlots.probe(table, k) }

  @inline(__always) func contains(_ k: UInt64) -> Bool {
    if k == 0 { return hasZero }
    return table[slot(k)] == k
  }

  @inline(__always) mutating func insert(_ k: UInt64) {
    if k == 0 {
      hasZero = true
      return
    }
    if (count + 1) * 2 > table.count {
      let old = table
      table = [UInt64](repeating: 0, count: old.count * 2)
      count = 0
      for x in old where x != 0 { insert(x) }
    }
    let i = slot(k)
    if table[i] == 0 {
      table[i] = k
      count += 1
    }
  }
}

/// The keys of one document's quick-sign sets (`OrderModel.countQuickSigns`): open addressing,
/// each entry with flag bits for the sets it is in. Key 0 has an entry of its own (slot `zeroSlot`).
struct SignTable {
  static let long: UInt8 = 1
  static let defined: UInt8 = 2
  static let seen: UInt8 = 4
  static let counted: UInt8 = 8
  var keys: [UInt64]
  var flags: [UInt8]
  var used = 0
  var hasZero = false
  var zeroFlags: UInt8 = 0

  init(capacity: Int) {
    let size = OpenSlots.size(capacity: capacity)
    keys = [UInt64](repeating: 0, count: size)
    flags = [UInt8](repeating: 0, count: size)
  }

  /// The entry of `k`: its slot, −1 for key 0 when it has an entry, or −2 when `k` is not in the table.
  @inline(__always) func find(_ k: UInt64) -> Int {
    if k == 0 { return hasZero ? -1 : -2 }
    let mask = keys.count - 1
    var i = OpenSlots.home(k, keys.count)
    while true {
      let x = keys[i]
      if x == k { return i }
      if x == 0 { return -2 }
      i = (i + 1) & mask
    }
  }

  @inline(__always) func has(_ e: Int, _ f: UInt8) -> Bool {
    if e >= 0 { return flags[e] & f != 0 }
    return e == -1 && zeroFlags & f != 0
  }

  /// Sets flag `f` of an entry found by `find` (no-op for a key not in the table: the caller only
  /// sets flags of keys it knows are in it).
  @inline(__always) mutating func set(_ e: Int, _ f: UInt8) {
    if e >= 0 {
      flags[e] |= f
    } else if e == -1 {
      zeroFlags |= f
    }
  }

  /// Adds `k` (if new) with flag `f` (0: just the entry).
  mutating func add(_ k: UInt64, _ f: UInt8) {
    if k == 0 {
      hasZero = true
      zeroFlags |= f
      return
    }
    if (used + 1) * 2 > keys.count {
      let oldKeys = keys
      let oldFlags = flags
      keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
      flags = [UInt8](repeating: 0, count: oldKeys.count * 2)
      used = 0
      for (x, g) in zip(oldKeys, oldFlags) where x != 0 { add(x, g) }
    }
    let i = OpenSlots.probe(keys, k)
    if keys[i] == 0 {
      keys[i] = k
      used += 1
    }
    flags[i] |= f
  }
}

extension OrderModel {
  /// The reference implementation of `quickViolations` (through `tokenize`), kept for the test
  /// that the lean byte pass counts the same. An upper bound of `violations` on the given order, from the bytes alone (no `Sentence`, no
  /// document-level analysis): a line up to the first plain body line that opens with a pronoun,
  /// connective or back-reference; each surname (last word of a run of capitalised words) first
  /// seen alone; each defined acronym (`(FSB)`) first used bare. It counts at least what
  /// `violations` counts on the body lines (it looks at every line that ends like a sentence — a
  /// superset of the body lines —, lets only plain body lines —
  /// `FragmentClassifier.isPlainBody` — mark a name as seen, and takes both a word and its form
  /// without a final "s"), so a document it finds below `min-violations` is one the full test
  /// would decline too.
  func quickViolationsTokenized(_ texts: [String], plainBody: [Bool]) -> Int {
    typealias Cap = QuickCap
    var caps: [Cap] = []
    caps.reserveCapacity(texts.count * 6)
    var opening = 0
    var sawPlain = false
    for (li, t) in texts.enumerated() {
      var t = t
      t.withUTF8 { buf in
        // A line that does not end like a sentence is never a body sentence (headline, caption,
        // date, URL): the full count does not see it either.
        guard FragmentClassifier.endsLikeSentence(buf) else { return }
        let ts = Self.tokenize(buf)
        guard !ts.isEmpty else { return }
        if !sawPlain && opening == 0 {
          let f = ts[0]
          if pronouns.contains(f.key) || connectives.contains(f.key)
            || (ts.count > 1 && connectives.contains(Self.pairKey(buf, ts[0], ts[1])))
            || (f.key == Self.keyThe && ts.count > 1
              && (backReferences.contains(ts[1].key) || backReferences.contains(ts[1].stemKey)))
          {
            opening = 1
          }
        }
        var i = 0
        while i < ts.count {
          let tok = ts[i]
          guard tok.capitalized, !functionWords.contains(tok.key), !titles.contains(tok.key) else {
            i += 1
            continue
          }
          var j = i + 1
          while j < ts.count && ts[j].capitalized && !ts[j].breakBefore && !functionWords.contains(ts[j].key)
            && !titles.contains(ts[j].key)
          {
            j += 1
          }
          let run = j - i >= 2
          for p in i..<j {
            caps.append(
              Cap(
                key: ts[p].key, stem: ts[p].stemKey, line: Int32(li), first: p == 0, inRun: run,
                allCaps: ts[p].allCaps, inParens: ts[p].inParens))
          }
          if run { caps[caps.count - 1].line = Int32(li) | (1 << 30) }  // marks the run's last word
          i = j
        }
      }
      if plainBody[li] { sawPlain = true }
    }
    return Self.countQuick(caps, opening: opening, plainBody: plainBody, notSurnames: notSurnames?.set())
  }

  /// The count of `quickViolations` from the capitalised words of a document's lines.
  static func countQuick(_ caps: [QuickCap], opening: Int, plainBody: [Bool], notSurnames: KeySet? = nil) -> Int {
    countQuickSigns(caps, opening: opening, plainBody: plainBody, expectationFrom: Int.max, notSurnames: notSurnames).count
  }

  /// Whether the last word of the run that starts at `caps[i]` (its key or its stem) is no
  /// common word either (`Jinping` of `Xi Jinping`, not `Hall` of `Bontddu Hall`): a place or an
  /// institution named after one (`Barmouth Publicity`, `Wales Police`) ends in a common word.
  @inline(__always) static func lastWordMayBeName(
    _ caps: UnsafeBufferPointer<QuickCap>, _ i: Int, _ notSurnames: KeySet?
  ) -> Bool {
    var j = i
    while j + 1 < caps.count && caps[j].line & (1 << 30) == 0 { j += 1 }
    return surnameFirst(caps[j].key, notSurnames) || surnameFirst(caps[j].stem, notSurnames)
  }

  /// Whether `caps[i]` is the first word of a run of two or more capitalised words (runs do not
  /// cross lines; a run's last word carries bit 30 of `line`).
  @inline(__always) static func startsRun(_ caps: UnsafeBufferPointer<QuickCap>, _ i: Int) -> Bool {
    guard caps[i].inRun else { return false }
    if i == 0 { return true }
    let p = caps[i - 1]
    return !p.inRun || p.line & (1 << 30) != 0
  }

  /// Session 10: the count of `countQuickSignsReference` (the same sets, asked the same questions
  /// in the same order) with each set a flag per entry of one small per-document table of the keys
  /// the sets can hold, instead of four hash sets probed several times per capitalised word.
  ///
  /// Why the answers are the same: `long` holds the keys and stems of run-final words, `defined`
  /// the keys of defined acronyms; `seen` and `counted` are only ever given a key that is in `long`,
  /// in `defined`, or is d ^ 1 for a d in `defined` (each insert below is guarded so; see the
  /// reference). So every key any of the four sets can hold is in the table T = long ∪ defined ∪
  /// {d ^ 1 : d ∈ defined}, built before the main loop; a set's `contains(k)` is then "k is in T
  /// and its entry has the set's flag" — for a k outside T every set answers no, as the table does.
  /// Only the look-ups differ: one probe of T per key asked about, and a capitalised word asks about
  /// its key (and, when it is all capitals, key ^ 1; when its stem differs, the stem and stem ^ 1).
  /// The early return matches the reference's (no non-zero key in `long` and `defined` empty).
  /// The expectation, for the few documents whose count reaches `expectationFrom`, is computed as
  /// before from the reference's sets.
  static func countQuickSigns(
    _ caps: [QuickCap], opening: Int, plainBody: [Bool], expectationFrom: Int, notSurnames: KeySet? = nil
  ) -> QuickSigns {
    var out = QuickSigns(count: opening, expected: 0, variance: 0)
    if caps.isEmpty { return out }
    var table = SignTable(capacity: caps.count / 2 + 8)
    var longNonZero = false
    var anyDefined = false
    caps.withUnsafeBufferPointer { cp in
      for (i, c) in cp.enumerated() {
        if c.line & (1 << 30) != 0 {
          table.add(c.key, SignTable.long)
          table.add(c.stem, SignTable.long)
          if c.key != 0 || c.stem != 0 { longNonZero = true }
        } else if notSurnames != nil && startsRun(cp, i) && lastWordMayBeName(cp, i, notSurnames) {
          // A name given surname first (see `notSurnames`): the key or the stem the full
          // analysis may take for the word, so the count stays an upper bound of the full one.
          if surnameFirst(c.key, notSurnames) {
            table.add(c.key, SignTable.long)
            if c.key != 0 { longNonZero = true }
          }
          if c.stem != c.key && surnameFirst(c.stem, notSurnames) {
            table.add(c.stem, SignTable.long)
            if c.stem != 0 { longNonZero = true }
          }
        }
        if c.allCaps && c.inParens {
          table.add(c.key, SignTable.defined)
          table.add(c.key ^ 1, 0)
          anyDefined = true
        }
      }
    }
    if !longNonZero && !anyDefined { return out }
    var v = opening
    caps.withUnsafeBufferPointer { cp in
      @inline(__always) func inRunHere(_ start: Int, _ end: Int, _ k: UInt64) -> Bool {
        for c in cp[start..<end] where c.inRun && (c.key == k || c.stem == k) { return true }
        return false
      }
      @inline(__always) func definedHere(_ start: Int, _ end: Int, _ k: UInt64) -> Bool {
        for c in cp[start..<end] where c.allCaps && c.inParens && c.key == k { return true }
        return false
      }
      let long = SignTable.long
      let defined = SignTable.defined
      let seen = SignTable.seen
      let counted = SignTable.counted
      var start = 0
      while start < cp.count {
        let line = Int(cp[start].line & ~(1 << 30))
        var end = start
        while end < cp.count && Int(cp[end].line & ~(1 << 30)) == line { end += 1 }
        for c in cp[start..<end] where !c.inRun {
          let ek = table.find(c.key)
          if c.allCaps && !c.inParens && table.has(ek, defined) {
            let ex = table.find(c.key ^ 1)
            if !table.has(ex, seen) && !table.has(ex, counted) && !definedHere(start, end, c.key) {
              v += 1
              table.set(ex, counted)
            }
          }
          if table.has(ek, long) && !table.has(ek, seen) && !table.has(ek, counted) && !inRunHere(start, end, c.key) {
            v += 1
            table.set(ek, counted)
          } else if c.stem != c.key {
            let es = table.find(c.stem)
            if table.has(es, long) && !table.has(es, seen) && !table.has(es, counted)
              && !inRunHere(start, end, c.stem)
            {
              v += 1
              table.set(es, counted)
            }
          }
        }
        if plainBody[line] {
          for c in cp[start..<end] where !c.first || c.inRun {
            let ek = table.find(c.key)
            if table.has(ek, long) || table.has(table.find(c.key ^ 1), defined) { table.set(ek, seen) }
            if c.stem != c.key {
              let es = table.find(c.stem)
              if table.has(es, long) || table.has(table.find(c.stem ^ 1), defined) { table.set(es, seen) }
            }
            if c.allCaps {
              let ex = table.find(c.key ^ 1)
              if table.has(ex, long) || table.has(ek, defined) { table.set(ex, seen) }
            }
          }
        }
        start = end
      }
    }
    out.count = v
    if v >= expectationFrom {
      (out.expected, out.variance) = randomOrderSigns(caps) {
        table.has(table.find($0), SignTable.long)
      } defined: {
        table.has(table.find($0), SignTable.defined)
      }
    }
    return out
  }

  /// The reference for `countQuickSigns` (sessions 5–9: four hash sets; a test compares them).
  static func countQuickSignsReference(
    _ caps: [QuickCap], opening: Int, plainBody: [Bool], expectationFrom: Int, notSurnames: KeySet? = nil
  ) -> QuickSigns {
    var out = QuickSigns(count: opening, expected: 0, variance: 0)
    if caps.isEmpty { return out }
    var long = GrowingKeySet(capacity: 64)
    var defined = GrowingKeySet(capacity: 16)
    for (i, c) in caps.enumerated() {
      if c.line & (1 << 30) != 0 {
        long.insert(c.key)
        long.insert(c.stem)
      } else if notSurnames != nil && caps.withUnsafeBufferPointer({ startsRun($0, i) && lastWordMayBeName($0, i, notSurnames) }) {
        if surnameFirst(c.key, notSurnames) { long.insert(c.key) }
        if c.stem != c.key && surnameFirst(c.stem, notSurnames) { long.insert(c.stem) }
      }
      if c.allCaps && c.inParens { defined.insert(c.key) }
    }
    if long.count == 0 && defined.count == 0 && !defined.hasZero { return out }
    var v = opening
    // `seen` is asked only about a key in `long` (a word or its stem) or a key k ^ 1 with k in
    // `defined` (an acronym): keeping only such keys in it gives every one of those questions the
    // same answer as keeping all (and `long`, `defined` are complete before this loop).
    var seen = GrowingKeySet(capacity: 16 + long.count + defined.count)
    var counted = GrowingKeySet(capacity: 64)
    caps.withUnsafeBufferPointer { cp in
      // A name given in full in the line (a word of one of its runs) is not a bare use there; an
      // acronym defined in the line is not used bare there. Asked only when a sign is otherwise
      // found (rare), so the line's caps are searched then instead of listed for every line.
      @inline(__always) func inRunHere(_ start: Int, _ end: Int, _ k: UInt64) -> Bool {
        for c in cp[start..<end] where c.inRun && (c.key == k || c.stem == k) { return true }
        return false
      }
      @inline(__always) func definedHere(_ start: Int, _ end: Int, _ k: UInt64) -> Bool {
        for c in cp[start..<end] where c.allCaps && c.inParens && c.key == k { return true }
        return false
      }
      var start = 0
      while start < cp.count {
        let line = Int(cp[start].line & ~(1 << 30))
        var end = start
        while end < cp.count && Int(cp[end].line & ~(1 << 30)) == line { end += 1 }
        for c in cp[start..<end] where !c.inRun {
          if c.allCaps && !c.inParens && defined.contains(c.key) && !seen.contains(c.key ^ 1)
            && !counted.contains(c.key ^ 1)
            && !definedHere(start, end, c.key)
          {
            v += 1
            counted.insert(c.key ^ 1)
          }
          if long.contains(c.key) && !seen.contains(c.key) && !counted.contains(c.key) && !inRunHere(start, end, c.key)
          {
            v += 1
            counted.insert(c.key)
          } else if c.stem != c.key && long.contains(c.stem) && !seen.contains(c.stem) && !counted.contains(c.stem)
            && !inRunHere(start, end, c.stem)
          {
            v += 1
            counted.insert(c.stem)
          }
        }
        if plainBody[line] {
          for c in cp[start..<end] where !c.first || c.inRun {
            if long.contains(c.key) || defined.contains(c.key ^ 1) { seen.insert(c.key) }
            if long.contains(c.stem) || defined.contains(c.stem ^ 1) { seen.insert(c.stem) }
            if c.allCaps && (long.contains(c.key ^ 1) || defined.contains(c.key)) { seen.insert(c.key ^ 1) }
          }
        }
        start = end
      }
    }
    out.count = v
    if v >= expectationFrom { (out.expected, out.variance) = randomOrderSigns(caps, long: long, defined: defined) }
    return out
  }

  static func pairKey(_ buf: UnsafeBufferPointer<UInt8>, _ a: Token, _ b: Token) -> UInt64 {
    var h = fnvOffset
    for p in a.start..<a.end { h = (h ^ UInt64(lower(buf[p]))) &* fnvPrime }
    h = (h ^ 0x20) &* fnvPrime
    for p in b.start..<b.end { h = (h ^ UInt64(lower(buf[p]))) &* fnvPrime }
    return h
  }
}

// MARK: Lean quick hard signs (one byte pass, no tokens)

extension OrderModel {
  /// One capitalised word seen by `quickViolations`, in a flat per-document array.
  struct QuickCap {
    var key: UInt64
    var stem: UInt64
    /// Line index; bit 30 marks the last word of a run of two or more capitalised words.
    var line: Int32
    var first: Bool
    var inRun: Bool
    var allCaps: Bool
    var inParens: Bool
  }

  /// The same count as `quickViolationsTokenized` (a test checks they agree), in one pass over
  /// each line's bytes with no per-line token array: only capitalised words (and a line's first
  /// two words, for its opening) are hashed, into one flat array per document.
  public func quickViolations(_ texts: [String], plainBody: [Bool]) -> Int {
    quickSigns(texts, plainBody: plainBody).count
  }

  /// The quick count of hard signs of disorder in the given order, and how many a random order of
  /// the same lines would show: each sign is one event (a surname's first mention is bare, an
  /// acronym's first mention is bare, the first line opens with a reference) whose chance in a
  /// random order is the share of the lines that would trigger it.
  public struct QuickSigns: Sendable {
    /// The signs in the given order (`quickViolations`).
    public var count: Int
    /// Their expected number, and its variance, over random orders of the same lines.
    public var expected: Double
    public var variance: Double
    /// False when `quickSigns(zMin:)` left the openings' share out of `expected`/`variance`
    /// (`z < zMin` is still exact; see there).
    public var opensExact = true
    /// (count − expected) / √variance: text in order shows far fewer signs than chance.
    public var z: Double { (Double(count) - expected) / max(variance, 0.25).squareRoot() }
  }

  /// The margin of `quickSigns(zMin:)`'s bounds (rounding errors are ~1e-15 of z).
  static let opensMargin = 1e-6

  /// `expectationFrom`: the expectation is computed only when the count reaches it (below, the
  /// count alone declines).
  ///
  /// `zMin`: the caller reads the expectation only as `z < zMin`. Then each line's opening is read
  /// only where needed. Why the answer to `z < zMin` is the same: the openings enter the signs in two
  /// ways. `opening` (the given first line opens with a reference) is read on the lines where
  /// `checkOpening` holds, as before. The share `p` of lines that open so adds p to the expected
  /// count and p(1 − p) to its variance; with E0, V0 the figures without it, z(p) = (count − E0 − p)
  /// / √max(V0 + p(1 − p), 0.25) for the unknown p in [0, 1]. Its numerator lies in
  /// [count − E0 − 1, count − E0] and its denominator in [√max(V0, 0.25), √max(V0 + 0.25, 0.25)],
  /// which bound z from above (`hi`) and below (`lo`). When `hi` is below zMin by a margin (1e-6,
  /// far above rounding), every p gives z < zMin, and p = 0 gives one too (z(0) ≤ hi); when `lo` is
  /// above zMin by the margin, every p gives z ≥ zMin, z(0) too. Only in between are the openings
  /// counted (the same `scanCaps`, stopped after each line's second word). With p = 0 taken, the
  /// returned `expected`/`variance` leave out the openings' part: only `count` and `z < zMin` are
  /// then the exact ones (`opensExact` false).
  public func quickSigns(_ texts: [String], plainBody: [Bool], expectationFrom: Int = 0, zMin: Double? = nil)
    -> QuickSigns
  {
    var caps: [QuickCap] = []
    caps.reserveCapacity(texts.count * 6)
    var opening = 0
    var sawPlain = false
    var scanned = 0
    var opens = 0
    let eager = !lazyOpens || zMin == nil
    // Session 12: an ASCII line through `mend_order_caps` (the same caps and opening: see
    // `scanCapsMasked`), with `lineMasks` off (tests) every line through `scanCaps`.
    let scratch = UnsafeMutablePointer<mend_order_cap>.allocate(capacity: lineMasks ? Self.maskedCapsCapacity : 0)
    let converted = UnsafeMutablePointer<QuickCap>.allocate(capacity: lineMasks ? Self.maskedCapsCapacity : 0)
    defer {
      scratch.deallocate()
      converted.deallocate()
    }
    withWordTable(wordFlags.functionTitleMap, want: WordListFlags.function | WordListFlags.title) { table in
      for (li, t) in texts.enumerated() {
        var t = t
        t.withUTF8 { buf in
          guard FragmentClassifier.endsLikeSentence(buf) else { return }
          scanned += 1
          let check = !sawPlain && opening == 0
          let found =
            lineMasks
            ? scanCapsMasked(
              buf, line: Int32(li), checkOpening: check, needOpens: eager || check, caps: &caps, opening: &opening,
              table: table, scratch: scratch, converted: converted)
            : scanCaps(
              buf, line: Int32(li), checkOpening: check, needOpens: eager || check, caps: &caps, opening: &opening)
          if found { opens += 1 }
        }
        if plainBody[li] { sawPlain = true }
      }
    }
    var signs = Self.countQuickSigns(
      caps, opening: opening, plainBody: plainBody, expectationFrom: expectationFrom, notSurnames: notSurnames?.set())
    if !eager && scanned > 0 && signs.count >= expectationFrom, let zMin {
      let c = Double(signs.count)
      let e0 = signs.expected
      let v0 = signs.variance
      let dLow = max(v0, 0.25).squareRoot()
      let dHigh = max(v0 + 0.25, 0.25).squareRoot()
      let top = c - e0
      let bottom = c - e0 - 1
      let hi = top <= 0 ? top / dHigh : top / dLow
      let lo = bottom >= 0 ? bottom / dHigh : bottom / dLow
      if hi < zMin - Self.opensMargin || lo > zMin + Self.opensMargin {
        signs.opensExact = false
        return signs
      }
      opens = 0
      var scratch: [QuickCap] = []
      scratch.reserveCapacity(4)
      var unused = 0
      for t in texts {
        var t = t
        t.withUTF8 { buf in
          guard FragmentClassifier.endsLikeSentence(buf) else { return }
          scratch.removeAll(keepingCapacity: true)
          if scanCaps(buf, line: 0, checkOpening: false, opensOnly: true, caps: &scratch, opening: &unused) {
            opens += 1
          }
        }
      }
    }
    if scanned > 0 && signs.count >= expectationFrom {
      let p = Double(opens) / Double(scanned)
      signs.expected += p
      signs.variance += p * (1 - p)
    }
    return signs
  }

  /// Calls `body(line, start, end)` for each line's run `caps[start..<end]` (caps are in line order).
  @inline(__always)
  static func forEachLine(_ caps: [QuickCap], _ body: (Int, Int, Int) -> Void) {
    var start = 0
    while start < caps.count {
      let line = Int(caps[start].line & ~(1 << 30))
      var end = start
      while end < caps.count && Int(caps[end].line & ~(1 << 30)) == line { end += 1 }
      body(line, start, end)
      start = end
    }
  }

  /// The expected number of name and acronym signs over random orders: for a surname with `f`
  /// lines that give it in full and `b` lines that use it bare, the first of them is bare with
  /// chance b / (b + f) (the same for an acronym and the lines that define it).
  static func randomOrderSigns(_ caps: [QuickCap], long: GrowingKeySet, defined: GrowingKeySet) -> (Double, Double) {
    randomOrderSigns(caps) {
      long.contains($0)
    } defined: {
      defined.contains($0)
    }
  }

  /// The same from any answer to "is k in `long`" and "is k in `defined`" (session 10: the sign
  /// table's flags, which answer as the sets do — see `countQuickSigns`).
  @inline(__always)
  static func randomOrderSigns(
    _ caps: [QuickCap], long: (UInt64) -> Bool, defined: (UInt64) -> Bool
  ) -> (Double, Double) {
    var full = KeyCounter(capacity: 32)
    var bare = KeyCounter(capacity: 32)
    var here: [UInt64] = []
    var bareHere: [UInt64] = []
    forEachLine(caps) { _, start, end in
      here.removeAll(keepingCapacity: true)
      bareHere.removeAll(keepingCapacity: true)
      for c in caps[start..<end] {
        if c.inRun && long(c.key) && !here.contains(c.key) { here.append(c.key) }
        if c.allCaps && c.inParens && !here.contains(c.key ^ 1) { here.append(c.key ^ 1) }
      }
      for c in caps[start..<end] where !c.inRun {
        var k = c.key
        if c.allCaps && !c.inParens && defined(c.key) {
          k = c.key ^ 1
        } else if !long(k) {
          guard c.stem != c.key && long(c.stem) else { continue }
          k = c.stem
        }
        if !here.contains(k) && !bareHere.contains(k) { bareHere.append(k) }
      }
      for k in here { full.add(k) }
      for k in bareHere { bare.add(k) }
    }
    var e = 0.0
    var v = 0.0
    for (i, k) in bare.keys.enumerated() where k != 0 {
      let b = Double(bare.counts[i])
      let f = Double(full[k])
      guard f > 0 else { continue }
      let p = b / (b + f)
      e += p
      v += p * (1 - p)
    }
    return (e, v)
  }

  /// Appends the line's capitalised words (runs marked as `quickViolationsTokenized` marks them)
  /// and, with `checkOpening`, sets `opening` to 1 when the line opens with a reference. Token
  /// boundaries, keys and flags follow `tokenize` exactly.
  @inline(__always)
  func scanCaps(
    _ buf: UnsafeBufferPointer<UInt8>, line: Int32, checkOpening: Bool, needOpens: Bool = true, opensOnly: Bool = false,
    caps: inout [QuickCap], opening: inout Int
  ) -> Bool {
    // `needOpens: false` (only with `checkOpening` false): the return value is unspecified (false),
    // `caps` are as with `true`: the line's first two words are then hashed only if capitalised
    // (as every later word), and the lane may start after the first word. Why `caps` do not
    // change: `k0`, `k1`, `s1`, `p0`, `pairH` feed only `opens`/`opening`; a word that is not
    // capitalised is neither appended nor qualifies, and its key is read nowhere else; `index` is
    // still counted up to 1, so `first: index == 0` is right, and the lane (see there) needs
    // `index ≥ 1` for that. `opensOnly`: stop after the line's second word (the return value is
    // as with the whole line; `caps` are then incomplete).
    let needOpens = needOpens || checkOpening || opensOnly
    var opens = false
    let n = buf.count
    var i = 0
    var sawBreak = true
    var index = 0  // token index in the line
    var runStart = -1  // index into caps of the current run's first word, or -1
    var runLen = 0
    // The first two tokens, for the opening.
    var k0: UInt64 = 0
    var k1: UInt64 = 0
    var s1: UInt64 = 0
    var p0: UInt64 = 0
    func closeRun() {
      if runLen >= 2 {
        for p in runStart..<caps.count { caps[p].inRun = true }
        caps[caps.count - 1].line = line | (1 << 30)
      }
      runStart = -1
      runLen = 0
    }
    let raw = UnsafeRawPointer(buf.baseAddress)
    while i < n {
      // Fast lane, once the line's first two words are hashed and no run of capitalised words is
      // open: jump to the next token that starts with a capital A–Z, eight bytes at a time. Why
      // it is exact: at the top of this loop `i` is between tokens (the loop below is at its top
      // level there). Until a capitalised token starts, the loop below does nothing that matters:
      // a token not starting with A–Z is not hashed (`index` is already ≥ 2) and does not qualify
      // (with no open run it closes none); `index` is read only while < 2 and as `== 1` at the
      // end; `sawBreak` is read only as `breakBefore` of a word that extends an open run, and it
      // is reset by the next token before any run can open. So only the start of the next
      // capitalised token is needed, and only ASCII bytes are read up to it: a byte p in A–Z,
      // with all of i...p ASCII, starts a token unless (a) byte p − 1 ≥ i is a word byte (letter
      // or digit: p goes on with that word), or (b) byte p − 1 is an apostrophe or hyphen and
      // byte p − 2 ≥ i is a word byte (the word loop joins "x-Y" and "x'Y": it is inside a word
      // at p − 1 exactly when p − 2 is a word byte, since two joiners in a row end a word, and
      // at i it is at its top level, where a joiner is punctuation). At the first non-ASCII byte
      // before such a start the lane hands over to the loop below at the last position after a
      // space (between tokens in valid UTF-8: no token and no skipped E2 80 xx sequence holds a
      // space), or at i. `quickFastLane = false` (tests) turns the lane off.
      if quickFastLane && index >= (needOpens ? 2 : 1) && runStart < 0 {
        let i0 = i
        @inline(__always) func asciiWord(_ v: UInt8) -> Bool { v &- 0x61 < 26 || v &- 0x41 < 26 || v &- 0x30 < 10 }
        var c = i
        var next = -1  // the capitalised token's start, or the hand-over position
        lane: while c < n {
          var x: UInt64
          if c + 8 <= n {
            x = raw!.loadUnaligned(fromByteOffset: c, as: UInt64.self)
          } else {
            // The last bytes, padded with spaces (neither A–Z nor non-ASCII).
            x = 0x2020_2020_2020_2020
            for k in 0..<(n - c) { x = (x & ~(0xFF << UInt64(8 * k))) | UInt64(buf[c + k]) << UInt64(8 * k) }
          }
          let high = x & 0x8080_8080_8080_8080
          let y = x & 0x7F7F_7F7F_7F7F_7F7F
          // Per byte of y (< 0x80, so no carry crosses a byte): bit 7 of v + 0x3F is v ≥ 0x41,
          // of v + 0x25 is v ≥ 0x5B; a byte with bit 7 set in x is not ASCII.
          var upper = (y &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(y &+ 0x2525_2525_2525_2525) & ~x & 0x8080_8080_8080_8080
          if high != 0 { upper &= (high & (0 &- high)) &- 1 }  // only bytes before the first non-ASCII one
          while upper != 0 {
            let p = c + upper.trailingZeroBitCount >> 3
            upper &= upper - 1
            if p > i0 {
              let q = buf[p - 1]
              if asciiWord(q) { continue }
              if (q == 0x27 || q == 0x2D) && p - 2 >= i0 && asciiWord(buf[p - 2]) { continue }
            }
            next = p
            break lane
          }
          if high != 0 {
            // Non-ASCII: the loop below takes over after the last space before it.
            var h = c + high.trailingZeroBitCount >> 3
            while h > i0 && buf[h - 1] != 0x20 { h -= 1 }
            next = h
            break lane
          }
          c += 8
        }
        if next < 0 { break }  // no capitalised token in the rest of the line
        i = next
      }
      let b = buf[i]
      if b == 0x20 {  // the usual byte between words
        i += 1
        continue
      }
      if b == 0xE2 && i + 2 < n && buf[i + 1] == 0x80 {
        sawBreak = true
        i += 3
        continue
      }
      if !Self.isWordByte(b) {
        sawBreak = true
        i += 1
        continue
      }
      let start = i
      let cap = b >= 0x41 && b <= 0x5A
      let hashIt = cap || (needOpens && index < 2)
      var j = i
      var h = Self.fnvOffset
      var stem = Self.fnvOffset
      var pairH = p0  // for the second token: "first second" as pairKey hashes it (set after the loop)
      var last: UInt8 = 0
      var upperCount = 0
      var letterCount = 0
      var possessiveAt = -1
      if hashIt {
        while j < n {
          let c = buf[j]
          // A lower-case ASCII letter: the general branch below, shortened (see `tokenize`).
          if c &- 0x61 < 26 {
            stem = h
            h = (h ^ UInt64(c)) &* Self.fnvPrime
            last = c
            letterCount += 1
            j += 1
            continue
          }
          if Self.isWordByte(c) {
            if c == 0xE2 && j + 2 < n && buf[j + 1] == 0x80 { break }
            stem = h
            h = (h ^ UInt64(Self.lower(c))) &* Self.fnvPrime
            last = c
            if c >= 0x41 && c <= 0x5A { upperCount += 1 }
            if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { letterCount += 1 }
            j += 1
            continue
          }
          if (c == 0x27 || c == 0x2D) && j + 1 < n && Self.isWordByte(buf[j + 1]) && buf[j + 1] != 0xE2 {
            if c == 0x27 && possessiveAt < 0 { possessiveAt = j }
            h = (h ^ UInt64(c)) &* Self.fnvPrime
            last = c
            j += 1
            continue
          }
          if c == 0xE2 && j + 3 < n && buf[j + 1] == 0x80 && buf[j + 2] == 0x99 && Self.isWordByte(buf[j + 3]) {
            if possessiveAt < 0 { possessiveAt = j }
            h = (h ^ 0x27) &* Self.fnvPrime
            j += 3
            continue
          }
          break
        }
        // The second token's pair key: the loop above takes every byte of `buf[start..<j]` once, in
        // order (one at a time, or E2 80 99 as three), and the pair key takes each of them
        // ASCII-lowercased (`lower` leaves every byte but A–Z as it is: a lower-case letter, ' and -,
        // E2 80 99, a digit, a non-ASCII byte), so it is `p0` continued over those bytes, as
        // `pairKey` hashes them. Only read with `needOpens` at index 1, where `hashIt` holds.
        if index == 1 {
          var p = start
          while p < j {
            pairH = (pairH ^ UInt64(Self.lower(buf[p]))) &* Self.fnvPrime
            p += 1
          }
        }
      } else {
        j = skipLowerWordTail(buf, from: j)
      }
      let breakBefore = sawBreak || start == 0
      sawBreak = false
      i = j
      var key = h
      var stemKey = last == 0x73 ? stem : h
      if hashIt && possessiveAt > 0 {
        key = Self.lowerHash(buf, start, possessiveAt)
        stemKey = key
      }
      if !needOpens {
      } else if index == 0 {
        k0 = key
        // pairKey: the first token's bytes, lower-cased, then a space.
        p0 = (Self.lowerHash(buf, start, j) ^ 0x20) &* Self.fnvPrime
      } else if index == 1 {
        k1 = key
        s1 = stemKey
        if pronouns.contains(k0) || connectives.contains(k0) || connectives.contains(pairH)
          || (k0 == Self.keyThe && (backReferences.contains(k1) || backReferences.contains(s1)))
        {
          opens = true
          if checkOpening { opening = 1 }
        }
        if opensOnly { return opens }
      }
      // The map's clear bit answers for most names without the table (exact: see `functionTitleMap`).
      let qualifies =
        cap
        && (wordFlags.functionTitleMap[Int(truncatingIfNeeded: key >> 58)] & (1 << ((key >> 52) & 63)) == 0
          || wordFlags[key] & (WordListFlags.function | WordListFlags.title) == 0)
      if qualifies {
        if runStart >= 0 && !breakBefore {
          runLen += 1
        } else {
          if runStart >= 0 { closeRun() }
          runStart = caps.count
          runLen = 1
        }
        let inParens = start > 0 && buf[start - 1] == 0x28 && j < n && buf[j] == 0x29
        caps.append(
          QuickCap(
            key: key, stem: stemKey, line: line, first: index == 0, inRun: false,
            allCaps: letterCount >= 2 && letterCount == upperCount && letterCount <= 6, inParens: inParens))
      } else if runStart >= 0 {
        closeRun()
      }
      index += 1
    }
    if runStart >= 0 { closeRun() }
    if needOpens && index == 1 {
      // A one-word line: only the single-word tests apply.
      if pronouns.contains(k0) || connectives.contains(k0) {
        opens = true
        if checkOpening { opening = 1 }
      }
    }
    return opens
  }

  /// The end of a word that is not hashed (it starts with a lower-case letter, or is past the
  /// line's second word), from `j` inside it.
  @inline(__always)
  func skipLowerWordTail(_ buf: UnsafeBufferPointer<UInt8>, from j: Int) -> Int {
    let n = buf.count
    // The loop below takes a lower-case letter by its first branch (j += 1, nothing else; j is its
    // only state), so it goes on exactly as from the end of the lower-case run from `j`, which
    // `lowerRunEnd` finds 8 bytes at a time.
    var j = Self.lowerRunEnd(buf, from: j)
    while j < n {
      let c = buf[j]
      // Most bytes of a lower-case word: one comparison.
      if c &- 0x61 < 26 {
        j += 1
        continue
      }
      if Self.isWordByte(c) {
        if c == 0xE2 && j + 2 < n && buf[j + 1] == 0x80 { break }
        j += 1
        continue
      }
      if (c == 0x27 || c == 0x2D) && j + 1 < n && Self.isWordByte(buf[j + 1]) && buf[j + 1] != 0xE2 {
        j += 1
        continue
      }
      if c == 0xE2 && j + 3 < n && buf[j + 1] == 0x80 && buf[j + 2] == 0x99 && Self.isWordByte(buf[j + 3]) {
        j += 3
        continue
      }
      break
    }
    return j
  }
}

/// The words that rule out a first word as a surname (`OrderModel.notSurnameKeys` of a lexicon
/// file), read when a document first needs them: most runs (prose) never do, so start-up does not
/// pay for the 75 000-word file. The sorted keys are kept in the table cache (`TableCache`).
public final class SurnameExclusions: @unchecked Sendable {
  let path: String
  private let lock = NSLock()
  private var built: KeySet?

  public init(path: String) { self.path = path }

  /// The table (built at the first call; an unreadable file, checked when the rules loaded,
  /// gives an empty one).
  public func set() -> KeySet {
    lock.lock()
    defer { lock.unlock() }
    if let built { return built }
    var keys: [UInt64] = []
    if let text = TableCache.readWhole(path) {
      let stored = TableCache.tables(kind: "surname-exclusions", inputs: [text]) {
        [OrderModel.notSurnameKeys(lexiconText: text)]
      }
      keys = stored.first ?? OrderModel.notSurnameKeys(lexiconText: text)
    }
    let b = KeySet(keys)
    built = b
    return b
  }
}
