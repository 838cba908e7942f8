import Foundation

/// Naive-Bayes odds that a stripped `X+s` that is also a plain word (`nations`, `years`, `Earths`,
/// `NASAs`) was a singular possessive, from counts mined on real text (`possessive-stats.txt`,
/// built by scripts/mine-possessive-stats.py from the fit split only): the form itself, the next
/// and previous words, and the next word's shape.
struct PossessiveScorer: Sendable {
  /// Feature hash → possessive count << 32 | plain count.
  let counts: HashLineMap
  /// Feature hash → the bits of its `term` (log-odds of the count minus the prior), for every key
  /// of `counts`: `score` then takes no `log` per feature.
  let terms: TermTable
  let logPrior: Double
  /// Form (lower-cased X+s, hashed as `t:FORM`) → 10·log10(f(X's) / f(X+s)) from word
  /// frequencies of a large corpus (possessive-odds.txt, scripts/build-possessive-odds.py).
  /// When a form is listed, these odds are the prior of its mined `t:` count (see `formTerm`).
  /// Empty until `loadOdds()` (17 k lines: read on first need, like the SCOWL tables).
  private(set) var formOdds: HashLineMap
  /// The same forms → their `formTerm` (a Double's bits), computed once with the mined counts.
  private(set) var formTerms: HashLineMap
  private let oddsSource: LazyFormOdds?
  /// How many observations the large-corpus odds count as (a Beta prior's strength).
  let oddsWeight: Double
  /// Noun-or-verb classes of lower-case words (word-classes.txt, see WordClasses.swift), filled
  /// by `loadOdds()` when a class file is given.
  private(set) var classes = WordClassMap()
  private var classSource: LazyWordClasses?
  /// `TableCache.hash128` of the possessive-stats text `counts` was read from (a key of the
  /// cached odds tables).
  let statsHash: (UInt64, UInt64)

  /// With the odds file's text (parsed now).
  init(text bytes: [UInt8], odds: [UInt8] = [], oddsWeight: Double = 5) {
    self.init(text: bytes, odds: Self.parseOdds(odds), source: nil, oddsWeight: oddsWeight)
    formTerms = termTable(odds)
  }

  /// With the odds file's path (read and parsed by the first `loadOdds()` of any copy).
  init(text bytes: [UInt8], oddsPath: String, oddsWeight: Double) throws {
    guard FileManager.default.isReadableFile(atPath: oddsPath) else { throw LexiconLoadError(path: oddsPath) }
    self.init(text: bytes, odds: HashLineMap(), source: LazyFormOdds(path: oddsPath), oddsWeight: oddsWeight)
  }

  /// Also read word classes from this file (by the first `loadOdds()`; see WordClasses.swift).
  mutating func useClasses(path: String) throws {
    guard FileManager.default.isReadableFile(atPath: path) else { throw LexiconLoadError(path: path) }
    classSource = LazyWordClasses(path: path)
  }

  /// Fill `formOdds` and `formTerms` (built once by the first call of any copy; later calls copy
  /// the built tables).
  mutating func loadOdds() {
    if let c = classSource {
      classes = c.get { Self.cachedWordClasses($0) }
    }
    guard let s = oddsSource else { return }
    let scorer = self
    (formOdds, formTerms) = s.get { bytes in scorer.cachedOddsTables(bytes) }
  }

  /// `WordClassMap(bytes)` through `TableCache` (the same map as building it).
  static func cachedWordClasses(_ bytes: [UInt8]) -> WordClassMap {
    let stored = TableCache.tables(kind: "word-classes", inputs: [bytes]) {
      let m = WordClassMap(bytes)
      return m.classOf.storage + [[m.loaded ? 1 : 0]]
    }
    guard stored.count == 4, let map = HashLineMap(storage: stored[0..<3]), stored[3].count == 1 else { return WordClassMap(bytes) }
    var m = WordClassMap()
    m.classOf = map
    m.loaded = stored[3][0] == 1
    return m
  }

  /// `oddsTables(odds)` through `TableCache`. The terms are a function of the odds file, the
  /// mined counts (the stats text they were read from, hashed), `logPrior` and `oddsWeight`: all
  /// in the key.
  func cachedOddsTables(_ odds: [UInt8]) -> (HashLineMap, HashLineMap) {
    let stored = TableCache.tables(
      kind: "possessive-odds", inputs: [odds],
      parameters: [statsHash.0, statsHash.1, logPrior.bitPattern, oddsWeight.bitPattern]
    ) {
      let (a, b) = oddsTables(odds)
      return a.storage + b.storage
    }
    guard stored.count == 6, let a = HashLineMap(storage: stored[0..<3]), let b = HashLineMap(storage: stored[3..<6]) else {
      return oddsTables(odds)
    }
    return (a, b)
  }

  /// `parseOdds` and `termTable` of the same bytes in one pass over the file.
  func oddsTables(_ odds: [UInt8]) -> (HashLineMap, HashLineMap) {
    // Room for every line from the start (no rehash when the 16 385th form arrives).
    let lines = odds.reduce(into: 1) { n, b in if b == 0x0A { n += 1 } }
    var formOdds = HashLineMap(capacity: max(16384, lines))
    var terms = HashLineMap(capacity: max(16384, lines))
    Self.forEachOdds(odds) { h, d in
      formOdds.insertIfAbsent(h, d)
      terms.insertIfAbsent(h, Int(truncatingIfNeeded: oddsTerm(h, decibels: d).bitPattern))
    }
    return (formOdds, terms)
  }

  /// `FORM DECIBELS` lines → hash of `t:` + lower-cased FORM → the bits of `oddsTerm`.
  func termTable(_ odds: [UInt8]) -> HashLineMap {
    var terms = HashLineMap(capacity: 16384)
    Self.forEachOdds(odds) { h, d in
      terms.insertIfAbsent(h, Int(truncatingIfNeeded: oddsTerm(h, decibels: d).bitPattern))
    }
    return terms
  }

  /// Each `KEY A B` line of the stats text as (hash of KEY, A, B), as splitting at newlines and
  /// spaces (empty pieces dropped) and reading A and B with `number` finds them, on the bytes.
  static func forEachCountLine(_ bytes: [UInt8], _ body: (UInt64, Int32, Int32) -> Void) {
    bytes.withUnsafeBufferPointer { buf in
      let n = buf.count
      var i = 0
      while i < n {
        var j = i
        while j < n && buf[j] != 0x0A { j += 1 }
        var starts = (0, 0, 0)
        var ends = (0, 0, 0)
        var pieces = 0
        var q = i
        while q < j && pieces <= 3 {
          while q < j && buf[q] == 0x20 { q += 1 }
          if q == j { break }
          let s0 = q
          while q < j && buf[q] != 0x20 { q += 1 }
          switch pieces {
          case 0: (starts.0, ends.0) = (s0, q)
          case 1: (starts.1, ends.1) = (s0, q)
          case 2: (starts.2, ends.2) = (s0, q)
          default: break
          }
          pieces += 1
        }
        if pieces == 3, let a = digits(buf, starts.1, ends.1), let b = digits(buf, starts.2, ends.2) {
          body(ByteWordSet.hash(UnsafeBufferPointer(rebasing: buf[starts.0..<ends.0])), a, b)
        }
        i = j + 1
      }
    }
  }

  /// `number` of buf[s..<e].
  static func digits(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int32? {
    guard e > s else { return nil }
    var v: Int32 = 0
    for q in s..<e {
      guard Bytes.isDigit(buf[q]) else { return nil }
      v = v &* 10 &+ Int32(buf[q] - 0x30)
    }
    return v
  }

  static func number(_ s: ArraySlice<UInt8>) -> Int32? {
    guard !s.isEmpty else { return nil }
    var v: Int32 = 0
    for d in s {
      guard Bytes.isDigit(d) else { return nil }
      v = v &* 10 &+ Int32(d - 0x30)
    }
    return v
  }

  /// `FORM DECIBELS` lines → hash of `t:` + lower-cased FORM → decibels.
  static func parseOdds(_ odds: [UInt8]) -> HashLineMap {
    var formOdds = HashLineMap(capacity: 16384)
    forEachOdds(odds) { formOdds.insertIfAbsent($0, $1) }
    return formOdds
  }

  /// Each `FORM DECIBELS` line as (hash of `t:` + lower-cased FORM, decibels). On the bytes in
  /// place (17 k lines are read on first need): the same lines, keys and values as splitting at
  /// newlines (empty pieces dropped), cutting at the first space and reading an optional `-` and
  /// then only digits (`number`).
  static func forEachOdds(_ odds: [UInt8], _ body: (UInt64, Int) -> Void) {
    odds.withUnsafeBufferPointer { buf in
      Bytes.forEachSpacedLine(buf) { i, sp, j in
        guard sp >= 0 else { return }
        var d = sp + 1
        let negative = d < j && buf[d] == 0x2D
        if negative { d += 1 }
        guard d < j else { return }
        var v: Int32 = 0
        for q in d..<j {
          guard Bytes.isDigit(buf[q]) else { return }
          v = v &* 10 &+ Int32(buf[q] - 0x30)
        }
        body(hash(prefix: "t:", buf, i, sp), Int(negative ? -v : v))
      }
    }
  }

  private init(text bytes: [UInt8], odds: HashLineMap, source: LazyFormOdds?, oddsWeight: Double) {
    self.oddsWeight = oddsWeight
    self.statsHash = bytes.withUnsafeBufferPointer { TableCache.hash128($0, seed: 0x5354_4154) }
    self.formOdds = odds
    self.formTerms = HashLineMap()
    self.oddsSource = source
    var counts = HashLineMap(capacity: 4096)
    var keys: [UInt64] = []
    // On the bytes in place: the lines of `split(separator: 0x0A)`, each split at spaces with
    // empty pieces dropped; a line of exactly three pieces, the last two `number`s, is a count.
    Self.forEachCountLine(bytes) { h, a, b in
      counts.insertIfAbsent(h, Int(a) << 32 | Int(b))
      keys.append(h)
    }
    self.counts = counts
    let t = Self.pair(counts[ByteWordSet.hash("total")] ?? (1 << 32 | 1))
    let logPrior = log((Double(t.0) + 1) / (Double(t.1) + 1))
    self.logPrior = logPrior
    self.terms = TermTable(keys.map { ($0, Self.countTerm(counts[$0]!, logPrior: logPrior).bitPattern) })
  }

  @inline(__always)
  static func pair(_ v: Int) -> (Int, Int) { (v >> 32, v & 0xFFFF_FFFF) }

  static func shape(_ v: SlotView) -> String {
    guard v.hasWord, let buf = v.buf else { return "punct" }
    if Bytes.isDigit(buf[v.ws]) { return "num" }
    if v.capitalised { return "cap" }
    if v.count > 4 && v.endsWith(0x65, 0x64) { return "ed" }
    if v.count > 5 && v.endsWith(0x6E, 0x67) && Bytes.lower(buf[v.we - 3]) == 0x69 { return "ing" }
    if v.count > 4 && v.endsWith(0x6C, 0x79) { return "ly" }
    if v.count > 3 && v.lastByte() == 0x73 { return "s" }
    return "other"
  }

  static let shapeHashes: [String: UInt64] = {
    var m: [String: UInt64] = [:]
    for s in ["punct", "num", "cap", "ed", "ing", "ly", "s", "other"] { m[s] = ByteWordSet.hash("ns:" + s) }
    return m
  }()
  static let nextPunct = ByteWordSet.hash("n:<punct>")
  static let prevPunct = ByteWordSet.hash("p:<punct>")

  /// FNV-1a of a prefix and then lower-cased bytes, finished like ByteWordSet.hash.
  @inline(__always)
  static func hash(prefix: StaticString, _ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    prefix.withUTF8Buffer { p in
      for b in p {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
      }
    }
    for i in s..<e {
      h ^= UInt64(Bytes.lower(buf[i]))
      h = h &* 0x100_0000_01b3
    }
    h ^= h >> 29
    h = h &* 0xbf58_476d_1ce4_e5b9
    h ^= h >> 32
    return h == 0 ? 1 : h
  }

  func features(_ buf: UnsafeBufferPointer<UInt8>, token s: Int, _ e: Int, next: SlotView, prev: SlotView) -> [(String, UInt64)] {
    var out: [(String, UInt64)] = []
    out.append(("t", Self.hash(prefix: "t:", buf, s, e)))
    if next.hasWord, let b = next.buf { out.append(("n", Self.hash(prefix: "n:", b, next.ws, next.we))) } else { out.append(("n", Self.nextPunct)) }
    if prev.hasWord, let b = prev.buf { out.append(("p", Self.hash(prefix: "p:", b, prev.ws, prev.we))) } else { out.append(("p", Self.prevPunct)) }
    out.append(("ns", Self.shapeHashes[Self.shape(next)]!))
    return out
  }

  /// The next word's shape as an index into `shapeHashList` (same order as `shape`).
  @inline(__always)
  static func shapeIndex(_ v: SlotView) -> Int {
    guard v.hasWord, let buf = v.buf else { return 0 }
    if Bytes.isDigit(buf[v.ws]) { return 1 }
    if v.capitalised { return 2 }
    if v.count > 4 && v.endsWith(0x65, 0x64) { return 3 }
    if v.count > 5 && v.endsWith(0x6E, 0x67) && Bytes.lower(buf[v.we - 3]) == 0x69 { return 4 }
    if v.count > 4 && v.endsWith(0x6C, 0x79) { return 5 }
    if v.count > 3 && v.lastByte() == 0x73 { return 6 }
    return 7
  }

  static let shapeHashList: [UInt64] = ["punct", "num", "cap", "ed", "ing", "ly", "s", "other"].map { ByteWordSet.hash("ns:" + $0) }

  @inline(__always)
  func term(_ h: UInt64) -> Double {
    terms[h] ?? 0
  }

  /// `term` of a mined count, as `term` gives it (computed once per key at load: the same
  /// expression on the same numbers, so the same bits).
  static func countTerm(_ v: Int, logPrior: Double) -> Double {
    let (a, b) = pair(v)
    return log((Double(a) + 0.5) / (Double(b) + 0.5)) - logPrior
  }

  /// The form's term. With large-corpus odds (p0 = f(X's) / (f(X's) + f(X+s))), the mined counts
  /// a (possessive) and b (plain) update them as a Beta prior worth `oddsWeight` observations:
  /// log((a + w·p0) / (b + w·(1 − p0))), so a form seen twice as a possessive in 1 MB of news
  /// (attorneys 2/0) no longer outweighs the many plain uses in a large corpus. Else the mined count.
  @inline(__always)
  func formTerm(_ h: UInt64) -> Double {
    if let bits = formTerms[h] { return Double(bitPattern: UInt64(truncatingIfNeeded: bits)) }
    return term(h)
  }

  /// `formTerm` of a form with odds of `decibels` (precomputed into `formTerms`).
  func oddsTerm(_ h: UInt64, decibels d: Int) -> Double {
    let odds = pow(10, Double(d) / 10)
    let p0 = odds / (1 + odds)
    let (a, b) = counts[h].map(Self.pair) ?? (0, 0)
    return log((Double(a) + oddsWeight * p0) / (Double(b) + oddsWeight * (1 - p0))) - logPrior
  }

  /// Log-odds (possessive vs plain) of X+s at s..<e (the features of `features`, without
  /// allocating).
  func score(_ buf: UnsafeBufferPointer<UInt8>, token s: Int, _ e: Int, next: SlotView, prev: SlotView) -> Double {
    score(formTerm: formTerm(Self.hash(prefix: "t:", buf, s, e)), next: next, prev: prev)
  }

  /// `score` with the form's term given (the same sum in the same order, so the same bits).
  @inline(__always)
  func score(formTerm ft: Double, next: SlotView, prev: SlotView) -> Double {
    var total = logPrior
    total += ft
    if next.hasWord, let b = next.buf { total += term(Self.hash(prefix: "n:", b, next.ws, next.we)) } else { total += term(Self.nextPunct) }
    if prev.hasWord, let b = prev.buf { total += term(Self.hash(prefix: "p:", b, prev.ws, prev.we)) } else { total += term(Self.prevPunct) }
    total += term(Self.shapeHashList[Self.shapeIndex(next)])
    return total
  }

  /// The counts behind a score, for the change's reason.
  func explain(_ buf: UnsafeBufferPointer<UInt8>, token s: Int, _ e: Int, next: SlotView, prev: SlotView) -> String {
    var notes: [String] = []
    let names = [
      "t": String(decoding: Bytes.lowered(UnsafeBufferPointer(rebasing: buf[s..<e])), as: UTF8.self),
      "n": next.word ?? "<punct>", "p": prev.word ?? "<punct>", "ns": Self.shape(next),
    ]
    for (kind, h) in features(buf, token: s, e, next: next, prev: prev) {
      if kind == "t", let d = formOdds[h] {
        notes.append("t:\(names[kind]!) odds \(d) dB")
        continue
      }
      guard let v = counts[h] else { continue }
      let (a, b) = Self.pair(v)
      notes.append("\(kind):\(names[kind]!) \(a)/\(b)")
    }
    return notes.joined(separator: ", ")
  }
}

/// A lexicon file read and parsed on first use (thread-safe, once per owner): possessive-odds.txt
/// and word-classes.txt, which most documents never need.
final class LazyLexicon<Table>: @unchecked Sendable {
  let path: String
  private let lock = NSLock()
  private var built: Table?

  init(path: String) { self.path = path }

  /// The table `build` makes of the file's bytes, built by the first call (one owner holds this
  /// object, so `build` is the same every time).
  func get(_ build: ([UInt8]) -> Table) -> Table {
    lock.lock()
    defer { lock.unlock() }
    if let b = built { return b }
    // Readable when the rules loaded; an unreadable file later gives an empty table.
    let b = build((try? ByteWordSet.readFile(path)) ?? [])
    built = b
    return b
  }
}

typealias LazyFormOdds = LazyLexicon<(HashLineMap, HashLineMap)>

extension RepairApostrophes {
  /// `Macrons statement`, `praised Warrens endorsement`, `the NCAs investigation`: a capitalised
  /// name or an acronym + s whose lower-case form is also a word (macrons, warrens), after a
  /// lower-case word that is no quantity or plural determiner (`the Clintons`, `two CEOs`; `the`
  /// is allowed before an acronym) and before a lower-case noun or adjective that no verb
  /// spelling shares (`statement`, `internal`; WordNet classes `noun`, `adjective` of the
  /// class-file; no -ed word: `Egyptians raised`). Applied only when the name stands on its own in
  /// the document (see resolvePossessives). On the fit split: 82 possessives, 0 plain words.
  ///
  /// An acronym (`RIAAs takedown notice`, `, EFFs attorney`) may also follow punctuation, the
  /// start of the line or a capitalised word: on the fit split an acronym standing on its own in
  /// the document + s before a lower-case noun or adjective was X's 11 times and a plural 0 times
  /// (whatever came before it).
  ///
  /// Session 4: the next word may also be noun-like by word bigram counts (word-classes.txt,
  /// class n9: `the Courts decision`, `KSRTCs cooperative`; WordNet's noun class leaves out every
  /// noun that is also a verb), and `the` may come before a capitalised name too (`the Houses
  /// decision`, `the Parliaments decision`). Chosen on the fit split without its dev fold (counts
  /// mined without it): 6 more possessives, 0 plain words; dev fold +2, 0 plain words. Known
  /// risk: a family plural before a noun (`the Fords house` → Ford's; Fords' was meant).
  ///
  /// Session 19: after punctuation or at a sentence start, a capitalised X+s whose x is a verb
  /// (`Returns true`, `Sets multiple values`, `update(dict) Adds keys`: the reference texts of this
  /// machine, where X stands alone as a heading) is no name: its capital comes from the position
  /// (`Days son`, `Bakers last recording`, whose x is no verb, stay possessives).
  func nameContext(_ c: Case, prev: SlotView, next: SlotView, baseLowerHash: UInt64) -> Bool {
    if c == .capitalised && !prev.hasWord {
      if verbLemmas.contains(hash: baseLowerHash) { return false }
      return nameAfterPunctuation(next)
    }
    if c == .upper && !prev.hasWord {
      // Punctuation or the line start before the acronym.
    } else {
      guard prev.hasWord, let pb = prev.buf, c == .upper || Bytes.isLower(pb[prev.ws]) else { return false }
      if Bytes.isDigit(pb[prev.ws]) { return false }
    }
    // (ByteWordSet.contains(hash: 0) is true: look words up only when there is one.)
    if prev.hasWord {
      if pluralMarkers.contains(hash: prev.hash) { return false }
      if pluralDeterminers.contains(hash: prev.hash) && prev.hash != Self.theHash { return false }
    }
    guard next.hasWord, let nb = next.buf else { return false }
    for i in next.ws..<next.we where !Bytes.isLower(nb[i]) { return false }
    if notAfterPossessive.contains(hash: next.hash) || next.endsWith(0x65, 0x64) { return false }
    // `APIs available to addons`, `PRs prior to the release` (session 19).
    if postpositive.contains(hash: next.hash) { return false }
    return nounClass.contains(hash: next.hash) || adjectiveClass.contains(hash: next.hash) || scorer.nounLike(next)
  }

  /// Session 7: `. Trumps statement`, `, Days son`, `( Earths radius`: a capitalised name + s
  /// after punctuation or the line start (no word before it to judge by) before a lower-case word
  /// that the bigram counts call noun-like (class n9 or n6; no -ed word, nothing in
  /// not-after-possessive). Like every `named` candidate it is applied only when the name stands
  /// on its own in the document. Chosen on the fit split without its dev fold.
  func nameAfterPunctuation(_ next: SlotView) -> Bool {
    guard next.hasWord, let nb = next.buf else { return false }
    for i in next.ws..<next.we where !Bytes.isLower(nb[i]) { return false }
    if notAfterPossessive.contains(hash: next.hash) || next.endsWith(0x65, 0x64) { return false }
    return scorer.nounLike(next) || scorer.fairlyNounLike(next)
  }

  /// `Partys US Senate`, `Unions UK branch`: an upper-case word of two or more letters after a
  /// token that has a lower-case letter is an acronym (US, UK, IT), not the function word it
  /// spells (us, it), so it does not mark X+s as a plain plural. (On the fit split, X+s or X's
  /// before such an acronym: `Party's US` twice, no plain X+s.) An all-capitals line (`THE
  /// PARTYS US`) keeps the function-word reading: the token itself has no lower-case letter.
  /// Runs only when the next word is in not-after-possessive.
  static func acronymAfterMixedCase(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ next: SlotView) -> Bool {
    guard next.hasWord, let nb = next.buf, next.count >= 2 else { return false }
    for i in next.ws..<next.we where !Bytes.isUpper(nb[i]) { return false }
    for i in s..<e where Bytes.isLower(buf[i]) { return true }
    return false
  }

  func namedPossessive(_ c: Candidate, standaloneLine: Int) -> Proposal {
    let baseText = String(decoding: c.base, as: UTF8.self)
    let acronym = !c.base.contains(where: Bytes.isLower)
    return Proposal(
      fragment: c.fragment, start: c.start, end: c.end, after: c.base + [0x27, 0x73], rule: "possessive-name",
      reason: why(
        "'\(baseText)' stands on its own (line \(standaloneLine)); '\(baseText)s' before the noun or adjective '\(c.nextWord)'\(acronym ? " (an acronym)" : " after a lower-case word")"
      ),
      confidence: 0.9, applied: true, inferred: true)
  }

  /// `Afghanistans Maidan Wardak`, `Londons Royal Veterinary College`: a name + s before a
  /// capitalised word is a possessive when X's is written far more often than X+s in a large corpus
  /// (possessive-odds ≥ name-odds-apply dB: afghanistans +18, keplers +11), and a name such as
  /// Angelos (−1) or Carlos (−20) otherwise. On the fit split (capitalised X+s, no word, x no
  /// lower-case word, a capital after it): 25 of 32 possessives at ≥ 10 dB, 0 of 2 plain words.
  func oddsSayPossessive(_ p: inout Proposal, _ base: [UInt8]) -> Bool {
    guard let d = formOdds(ofBase: base), Double(d) >= nameOddsApply
    else { return false }
    if explain {
      p.reason +=
        "; '\(String(decoding: base, as: UTF8.self))'s' is written \(d) dB more often than '\(String(decoding: base, as: UTF8.self))s' (possessive-odds)"
    }
    return true
  }

  /// The possessive-odds of X+s, lower-cased, for the base X (nil: the file does not list it).
  func formOdds(ofBase base: [UInt8]) -> Int? {
    scorer.formOdds[ByteWordSet.hash(Array("t:".utf8) + Bytes.lowered(base) + [0x73])]
  }

  /// `different behaviors depending`, `cflags and libs coming`: SCOWL (size 50) leaves out many
  /// plurals, so a lower-case X+s that it does not list is no proof of a possessive. When a large
  /// corpus writes X+s at least `plural-odds-suggest` dB more often than X's (possessive-odds:
  /// behaviors −28, libs −21; companys +21), the repair is only suggested. Found on the reference
  /// texts of this machine (session 19).
  func suggestOnlyUnlistedPlural(_ p: inout Proposal, _ base: [UInt8]) {
    guard let d = formOdds(ofBase: base), Double(d) <= -pluralOddsSuggest else { return }
    p.applied = false
    p.confidence = 0.5
    if explain {
      let x = String(decoding: base, as: UTF8.self)
      p.reason += "; only suggested: '\(x)s' is written \(-d) dB more often than '\(x)'s' (possessive-odds), a plural SCOWL does not list"
    }
  }

  /// `astronomer Angelos Tsiaras`: a capitalised X+s before a capitalised word, where X is a name
  /// known only from the lexicon (SCOWL lists X's with this case and x is no lower-case word; X
  /// never stands on its own in the document), is a name far more often than a possessive (fit
  /// split: 0 possessives, 17 names), so it is only suggested.
  func suggestOnlyBeforeName(_ p: inout Proposal, _ baseText: String) {
    p.applied = false
    p.confidence = 0.5
    if explain {
      p.reason +=
        "; only suggested: a capitalised word follows and '\(baseText)' never stands on its own here (a name such as Angelos Tsiaras?)"
    }
  }

  /// `Vulcans believe`, `Bostonians pronounce`, `Mondays always`: an X+s that no dictionary lists
  /// as a word (the plural of a name or a people), whose X never stands on its own in the
  /// document (the caller checks), before a lower-case verb-like word (bigram class v: seen after
  /// a determiner less than 20 % of the time) is the plural subject of that verb more often than a
  /// possessive, so it is only suggested. Found on text nobody tuned mend on (the fortunes of
  /// Debian's `fortunes` package, whose apostrophes are intact).
  func suggestOnlyBeforeVerb(_ p: inout Proposal, _ c: Candidate) {
    guard scorer.classes.loaded, !c.nextCap, !c.nextWord.isEmpty else { return }
    let next = Array(c.nextWord.utf8)
    let h = next.withUnsafeBufferPointer { Self.hashLowered($0, 0, $0.count) }
    guard scorer.classes.classOf[h] == 3 else { return }
    p.applied = false
    p.confidence = 0.5
    if explain {
      p.reason +=
        "; only suggested: '\(c.nextWord)' is mostly a verb (word-classes v), so '\(String(decoding: c.base, as: UTF8.self))s' may be its plural subject"
    }
  }

  /// `Qabooss burial` → `Qaboos's`: the scan keeps no capitalised token ending in s as a
  /// standalone name (most are plurals or X+s candidates themselves), so a base that ends in s
  /// (Qaboos, Conyers) is looked for here: the exact bytes as a whole token, capitalised, not
  /// followed by a capitalised word (not the first word of a longer name). Runs only for such
  /// candidates without lexicon evidence (rare), over the document's lines.
  func standaloneBasesEndingInS(_ document: Document, _ candidates: [Candidate], into seen: inout HashLineMap) {
    var bases: [[UInt8]] = []
    for c in candidates where c.base.count >= 3 && Bytes.isUpper(c.base[0]) && (c.base.last == 0x73) && (!c.lexicon || c.named || c.nextCap) {
      if seen[ByteWordSet.hash(c.base)] == nil && !bases.contains(c.base) { bases.append(c.base) }
    }
    if bases.isEmpty { return }
    for f in document.fragments {
      var text = f.text
      text.withUTF8 { buf in
        let n = buf.count
        for base in bases {
          let m = base.count
          var i = 0
          while i + m <= n {
            if buf[i] != base[0] || (i > 0 && (Bytes.isAlnum(buf[i - 1]) || buf[i - 1] >= 0x80)) { i += 1; continue }
            var j = 1
            while j < m && buf[i + j] == base[j] { j += 1 }
            if j == m && (i + m == n || !(Bytes.isAlnum(buf[i + m]) || buf[i + m] >= 0x80 || buf[i + m] == 0x27)) {
              // Not the first word of a longer name: the next word (after one space) is no capital.
              let nextCap = i + m + 1 < n && buf[i + m] == 0x20 && Bytes.isUpper(buf[i + m + 1])
              if !nextCap { seen.insertIfAbsent(ByteWordSet.hash(base), f.line) }
            }
            i += 1
          }
        }
      }
    }
  }
}

extension PossessiveScorer {
  /// `String(format: "%.1f", x)` without Foundation's formatter (it took ~20 µs a call, once per
  /// suggestion): the exact binary value of x rounded to one decimal, ties to even, as printf
  /// rounds; `-` for every negative x (also `-0.0`). Exact for |x| < 10^15 (the integer part of
  /// 10·|x| then fits in 57 bits); anything else goes to `String(format:)`.
  /// `PossessiveScorerTests.oneDecimalIsPrintf` compares the two.
  static func oneDecimal(_ x: Double) -> String {
    guard x.isFinite, x.magnitude < 1e15 else { return String(format: "%.1f", x) }
    let a = x.magnitude
    var q: UInt64 = 0
    // Below 0.04, 10·a < 0.5: rounds to 0 (subnormals included).
    if a >= 0.04 {
      // a = m · 2^e exactly, with a 53-bit m; e < 0 since a < 2^52.
      let m = a.significandBitPattern | (1 << 52)
      let shift = 52 - Int(a.exponent)
      let t = m &* 10
      q = t >> UInt64(shift)
      let r = t & ((1 << UInt64(shift)) - 1)
      let half: UInt64 = 1 << UInt64(shift - 1)
      if r > half || (r == half && q & 1 == 1) { q += 1 }
    }
    return (x.sign == .minus ? "-" : "") + String(q / 10) + "." + String(q % 10)
  }
}

/// Feature hash → a Double, open addressing with each key beside its value (one cache line per
/// probe) and an inlined probe: the scorer's `terms`. Keys are the stage's hashes (never 0, the
/// empty mark); the first value of a repeated key is kept, as `HashLineMap.insertIfAbsent` does.
struct TermTable: Sendable {
  private var slots: [UInt64]
  private let mask: Int

  init(_ pairs: [(UInt64, UInt64)]) {
    var size = 64
    while size < pairs.count * 2 { size <<= 1 }
    var slots = [UInt64](repeating: 0, count: 2 * size)
    let mask = size - 1
    for (h, v) in pairs {
      var i = Int(truncatingIfNeeded: h) & mask
      while slots[2 * i] != 0 && slots[2 * i] != h { i = (i + 1) & mask }
      if slots[2 * i] == 0 {
        slots[2 * i] = h
        slots[2 * i + 1] = v
      }
    }
    self.slots = slots
    self.mask = mask
  }

  @inline(__always)
  subscript(_ h: UInt64) -> Double? {
    slots.withUnsafeBufferPointer { p in
      var i = Int(truncatingIfNeeded: h) & mask
      while true {
        let k = p[2 * i]
        if k == h { return Double(bitPattern: p[2 * i + 1]) }
        if k == 0 { return nil }
        i = (i + 1) & mask
      }
    }
  }
}

extension RepairApostrophes {
  /// `Civic Platforms time`, `Sigourney Weavers character`, `Soviet Unions original`, `the
  /// Presidents claim`: a capitalised X+s after a capitalised word W (no function word, quantity
  /// or plural determiner) or after a lower-case `the`, before a lower-case word that can follow
  /// a possessive and is noun-like (bigram class n9 or n6, or a WordNet noun or adjective with no
  /// verb sense; not `Liberal Democrats lost`, class m). Returns W's bytes; the candidate becomes a possessive only when
  /// `W X` also stands on its own in the document (`markFullNames`): `Civic Platform`, `the
  /// President`. Chosen on the fit split without its dev fold: with that evidence and a
  /// lower-case next word, capitalised X+s after W was X's 66 times and a plural once
  /// (`American Samoans citizenship`, where Samoans' was meant; a SCOWL word, never a candidate
  /// here); without it, X's 10 times and a plural 120 times (`United States federal`).
  /// Reached only for capitalised X+s candidates.
  func fullNameContext(prev: SlotView, next: SlotView) -> [UInt8]? {
    guard prev.hasWord, let pb = prev.buf, next.hasWord, let nb = next.buf else { return nil }
    if prev.hash == Self.theHash {
      // `the President` mid-sentence only (a sentence-initial The says less).
      guard Bytes.isLower(pb[prev.ws]) else { return nil }
    } else {
      guard prev.capitalised, Bytes.isUpper(pb[prev.ws]) else { return nil }
      if notAfterPossessive.contains(hash: prev.hash) || pluralMarkers.contains(hash: prev.hash)
        || pluralDeterminers.contains(hash: prev.hash)
      {
        return nil
      }
    }
    for i in next.ws..<next.we where !Bytes.isLower(nb[i]) { return nil }
    if notAfterPossessive.contains(hash: next.hash) || pluralMarkers.contains(hash: next.hash) || next.endsWith(0x65, 0x64) { return nil }
    guard scorer.nounLike(next) || scorer.fairlyNounLike(next) || nounClass.contains(hash: next.hash)
      || adjectiveClass.contains(hash: next.hash)
    else { return nil }
    return Array(pb[prev.ws..<prev.we])
  }

  /// `the Presidents claim`, `Soviet Unions original team`: a capitalised X+s that is itself a
  /// word (SCOWL lists Presidents, Unions with a capital) stays, except when `fullNameContext`
  /// holds; then it is a candidate that only `W X` on its own in the document makes possessive.
  /// Costs two slot views per such token (the token itself is already known to be a candidate
  /// shape).
  func fullNameWordCandidate(
    _ buf: UnsafeBufferPointer<UInt8>, _ tokens: Tokens, _ k: Int, fragment: Int, hash: UInt64, into candidates: inout [Candidate]
  ) {
    let next = slot(buf, tokens, k, next: true)
    guard next.hasWord, next.buf.map({ Bytes.isLower($0[next.ws]) }) ?? false else { return }
    let prev = slot(buf, tokens, k, next: false)
    guard let w = fullNameContext(prev: prev, next: next) else { return }
    let t = tokens[k]
    var cand = Candidate(
      fragment: fragment, start: t.start, end: t.end, hash: hash, base: Array(buf[t.start..<(t.end - 1)]), lexicon: false,
      nextWord: next.word ?? "", plainUse: false, why: "")
    cand.confusable = true
    // Below any threshold: only the full name can make it possessive.
    cand.score = -.infinity
    cand.namePrev = w
    candidates.append(cand)
  }

  /// For each candidate with a `namePrev` W: the first line where `W X` (X the base) stands as
  /// two whole words (no letter, digit, apostrophe or non-ASCII byte around them; the first
  /// letter of W in either case: `The President`) at the end of a noun phrase: punctuation or the
  /// line end follows, or a word that cannot follow a possessive (not-after-possessive), a -ed
  /// word or a verb-like word (bigram class v): `the President said`, `Civic Platform won`, not
  /// `the Republican nominee` (an adjective: evidence for nothing). Runs only for documents with
  /// such candidates.
  func markFullNames(_ document: Document, _ candidates: inout [Candidate]) {
    // One search per distinct `W X` (`United States federal … United States citizens`).
    var done: [[UInt8]: Int] = [:]
    for i in candidates.indices {
      guard let w = candidates[i].namePrev else { continue }
      let pattern = w + [0x20] + candidates[i].base
      if let l = done[pattern] {
        candidates[i].nameLine = l
        continue
      }
      var line = 0
      for f in document.fragments {
        var text = f.text
        let found = text.withUTF8 { buf in Self.containsPhrase(buf, pattern) { nounPhraseEnds(buf, $0) } }
        if found {
          line = f.line
          break
        }
      }
      done[pattern] = line
      candidates[i].nameLine = line
    }
  }

  /// After a phrase ending at `j`: punctuation, the line end, or (after one space) a word in
  /// not-after-possessive, a -ed word or a verb-like word.
  func nounPhraseEnds(_ buf: UnsafeBufferPointer<UInt8>, _ j: Int) -> Bool {
    let n = buf.count
    if j >= n || buf[j] != 0x20 { return true }
    let s = j + 1
    var e = s
    while e < n && (Bytes.isUpper(buf[e]) || Bytes.isLower(buf[e])) { e += 1 }
    if e == s { return true }
    if e < n && (Bytes.isDigit(buf[e]) || buf[e] >= 0x80 || buf[e] == 0x27) { return false }
    let h = Self.hashLowered(buf, s, e)
    if notAfterPossessive.contains(hash: h) { return true }
    if e - s > 4 && Bytes.lower(buf[e - 2]) == 0x65 && Bytes.lower(buf[e - 1]) == 0x64 { return true }
    return scorer.classes.loaded && scorer.classes.classOf[h] == 3
  }

  /// `pattern` occurs in buf as whole words (first byte compared without case) with `endOK` true
  /// for the index after it. `memchr` finds each place of the byte after the pattern's first
  /// space (X's capital in `W X`: rare in text); the rest is compared there.
  static func containsPhrase(_ buf: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], endOK: (Int) -> Bool = { _ in true }) -> Bool {
    let n = buf.count
    let m = pattern.count
    guard m > 1, n >= m, let base = buf.baseAddress else { return false }
    // The anchor: the byte after the first space, or the last byte when there is no space.
    let a = (pattern.firstIndex(of: 0x20).map { $0 + 1 }).flatMap { $0 < m ? $0 : nil } ?? (m - 1)
    let anchor = Int32(pattern[a])
    let first = Bytes.lower(pattern[0])
    var q = a
    while q <= n - (m - a) {
      guard let hit = memchr(base + q, anchor, n - (m - a) + 1 - q) else { return false }
      let h = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      q = h + 1
      let i = h - a
      if Bytes.lower(buf[i]) != first { continue }
      var j = 1
      while j < m && buf[i + j] == pattern[j] { j += 1 }
      if j < m { continue }
      if i > 0 && (Bytes.isAlnum(buf[i - 1]) || buf[i - 1] >= 0x80 || buf[i - 1] == 0x27) { continue }
      if i + m < n && (Bytes.isAlnum(buf[i + m]) || buf[i + m] >= 0x80 || buf[i + m] == 0x27) { continue }
      if endOK(i + m) { return true }
    }
    return false
  }

  /// `containsPhrase` as a plain byte loop: the reference the tests compare it with.
  static func containsPhraseByBytes(_ buf: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
    let n = buf.count
    let m = pattern.count
    guard m > 1, n >= m else { return false }
    for i in 0...(n - m) {
      if Bytes.lower(buf[i]) != Bytes.lower(pattern[0]) { continue }
      if !(1..<m).allSatisfy({ buf[i + $0] == pattern[$0] }) { continue }
      if i > 0 && (Bytes.isAlnum(buf[i - 1]) || buf[i - 1] >= 0x80 || buf[i - 1] == 0x27) { continue }
      if i + m < n && (Bytes.isAlnum(buf[i + m]) || buf[i + m] >= 0x80 || buf[i + m] == 0x27) { continue }
      return true
    }
    return false
  }

  func fullNamePossessive(_ c: Candidate) -> Proposal {
    let w = String(decoding: c.namePrev ?? [], as: UTF8.self)
    let x = String(decoding: c.base, as: UTF8.self)
    return Proposal(
      fragment: c.fragment, start: c.start, end: c.end, after: c.base + [0x27, 0x73], rule: "possessive-name",
      reason: why("'\(w) \(x)' stands on its own (line \(c.nameLine)); '\(w) \(x)s' before the lower-case word '\(c.nextWord)'"),
      confidence: 0.9, applied: true, inferred: true)
  }
}

extension PossessiveScorer {
  /// The word is class n6 by the bigram counts (seen after a determiner 60-90 % of the time).
  @inline(__always)
  func fairlyNounLike(_ v: SlotView) -> Bool {
    classes.loaded && v.hasWord && classes.classOf[v.hash] == 1
  }
}
