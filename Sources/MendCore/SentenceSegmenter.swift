import CICU

/// Sentence boundaries from ICU (`en@ss=standard` by default), corrected with the abbreviation list
/// from the rules (ICU alone splits after titles such as `Gen.` and inside some `U.S.` uses).
/// For `en` the boundaries are computed on the UTF-8 bytes by `SentenceRules`, which gives ICU's
/// result (tested against ICU) several times faster; ICU's iterator is opened only when needed.
///
/// Not thread-safe: every pipeline run makes its own (a clone of a shared template is cheap).
public final class SentenceSegmenter {
  private let abbreviations: AbbreviationSet
  private var breaks: [Int32] = Array(repeating: 0, count: 256)

  /// The byte-level rules equal to ICU's iterator for this locale (nil: ICU only).
  private let rules: SentenceRules?
  private let classes = ClassCache()
  private var fastBreaks: [Int] = []

  /// How boundaries are found: `.automatic` uses `SentenceRules` where they equal ICU and ICU
  /// elsewhere; `.icu` always asks ICU (the reference the fast path is tested against).
  public enum Engine: Sendable { case automatic, icu }

  public init(
    locale: String = "en@ss=standard", abbreviations: [String] = [], initials: Bool = false,
    engine: Engine = .automatic
  ) {
    self.locale = locale
    rules = engine == .automatic ? SentenceRules.forLocale(locale) : nil
    self.abbreviations = AbbreviationSet(abbreviations)
    self.initials = initials
  }

  /// A capital's initial does not end a sentence (`George W. Bush`, `J. K. Rowling`): see
  /// `endsWithInitial`.
  private let initials: Bool

  deinit { if let it = openedIterator { mend_sentence_iterator_close(it) } }

  private let locale: String
  private var openedIterator: UnsafeMutableRawPointer?

  /// ICU's iterator, opened on first need (opening costs start-up time and most texts never need it).
  private var iterator: UnsafeMutableRawPointer {
    if let it = openedIterator { return it }
    guard let it = mend_sentence_iterator_open(locale) ?? mend_sentence_iterator_open("en") else {
      fatalError("ICU could not open a sentence break iterator for \(locale)")
    }
    openedIterator = it
    return it
  }

  /// Results for recent texts: several stages ask for the sentences of the same line, and
  /// hashing a line is far cheaper than breaking it again.
  private var cache: [String: [Range<Int>]] = [:]

  /// The dedup stages' units of recent lines (`DedupText.UnitsCache`), kept here because a
  /// segmenter belongs to one thread and lives across the stages of a run.
  var dedupUnitsCache: AnyObject?

  /// Sentence byte ranges of a text, covering it whole (each range keeps its trailing spaces).
  public func sentences(in text: String) -> [Range<Int>] {
    if let hit = cache[text] { return hit }
    var copy = text
    let result = copy.withUTF8 { buf in sentences(inUTF8: buf) }
    if cache.count >= 8192 { cache.removeAll(keepingCapacity: true) }
    cache[text] = result
    return result
  }

  /// The sentences of a text as substrings, without their trailing spaces.
  public func sentenceStrings(in text: String) -> [Substring] {
    let utf8 = text.utf8
    return sentences(in: text).compactMap { r -> Substring? in
      let a = utf8.index(utf8.startIndex, offsetBy: r.lowerBound)
      var b = utf8.index(utf8.startIndex, offsetBy: r.upperBound)
      while b > a, utf8[utf8.index(before: b)] == 0x20 { b = utf8.index(before: b) }
      return a == b ? nil : Substring(utf8[a..<b])
    }
  }

  /// Sentence byte ranges of UTF-8 bytes, covering them whole.
  public func sentences(inUTF8 buf: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    let n = buf.count
    if n == 0 { return [] }
    if let rules {
      fastBreaks.removeAll(keepingCapacity: true)
      if rules.breaks(buf, into: &fastBreaks, cache: classes) {
        return merged(buf, fastBreaks.count) { fastBreaks[$0] }
      }
    }
    // Fast path: no sentence-final punctuation before the last few bytes means one sentence.
    var hasTerminal = false
    var i = 0
    while i < n {
      let b = buf[i]
      if b == 0x2E || b == 0x21 || b == 0x3F || b >= 0x80 {
        hasTerminal = true
        break
      }
      i += 1
    }
    if !hasTerminal { return [0..<n] }
    var count = buf.withMemoryRebound(to: CChar.self) { cbuf in
      mend_sentence_breaks16(iterator, cbuf.baseAddress, Int32(n), &breaks, Int32(breaks.count))
    }
    if count > breaks.count {
      breaks = Array(repeating: 0, count: Int(count) + 16)
      count = buf.withMemoryRebound(to: CChar.self) { cbuf in
        mend_sentence_breaks16(iterator, cbuf.baseAddress, Int32(n), &breaks, Int32(breaks.count))
      }
    }
    if count <= 0 { return [0..<n] }
    return merged(buf, Int(count)) { Int(breaks[$0]) }
  }

  /// Ranges between boundaries, joined where the rules' abbreviation list says a sentence goes on.
  @inline(__always)
  private func merged(_ buf: UnsafeBufferPointer<UInt8>, _ count: Int, _ boundary: (Int) -> Int) -> [Range<Int>] {
    let n = buf.count
    var out: [Range<Int>] = []
    out.reserveCapacity(count)
    var start = 0
    for k in 0..<count {
      let end = boundary(k)
      if end < n && (endsWithAbbreviation(buf, start, end) || (initials && endsWithInitial(buf, start, end))) {
        continue
      }
      out.append(start..<end)
      start = end
    }
    if start < n { out.append(start..<n) }
    return out
  }

  /// The boundaries before the abbreviation list is applied (after 0, the last one n), and
  /// whether the byte-level rules found them (false: ICU did). For tests.
  func boundaries(inUTF8 buf: UnsafeBufferPointer<UInt8>) -> (boundaries: [Int], fast: Bool) {
    let n = buf.count
    if n == 0 { return ([], true) }
    if let rules {
      var out: [Int] = []
      if rules.breaks(buf, into: &out, cache: classes) { return (out, true) }
    }
    var cap = 64
    while true {
      var b = [Int32](repeating: 0, count: cap)
      let count = buf.withMemoryRebound(to: CChar.self) { cbuf in
        mend_sentence_breaks16(iterator, cbuf.baseAddress, Int32(n), &b, Int32(cap))
      }
      if count > cap {
        cap = Int(count)
        continue
      }
      return (b.prefix(Int(max(count, 0))).map(Int.init), false)
    }
  }

  /// Whether the piece ends with a capital's initial (`W.`: one ASCII capital and a period after a
  /// space) that opens the piece (`J.` of `J. K. Rowling`) or follows a capitalised word or another
  /// initial (`George W.`, `J. K.`), and the next piece starts with a capital (the name goes on):
  /// ICU breaks `George W. | Bush said ...`. A sentence that ends with a letter after a lower-case
  /// word (`vitamin C.`) or after a word that names things by letters (`Group B.`, `Plan B.`,
  /// `Appendix A.`: `letterLabels`) still ends there; one after another capitalised word
  /// (`Malcolm X. The ...`) is joined to the next, the price of keeping names whole.
  static func endsWithInitial(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    var e = end
    while e > start, buf[e - 1] == 0x20 || buf[e - 1] == 0x09 { e -= 1 }
    guard e - start >= 2, buf[e - 1] == 0x2E, Bytes.isUpper(buf[e - 2]) else { return false }
    let s = e - 2
    if s > start && buf[s - 1] != 0x20 { return false }
    guard end < buf.count, Bytes.isUpper(buf[end]) else { return false }
    // The word before it: none (the piece opens with the initial), or a capitalised one.
    var w = s
    while w > start && buf[w - 1] == 0x20 { w -= 1 }
    if w == start { return true }
    var ws = w
    while ws > start && buf[ws - 1] != 0x20 && buf[ws - 1] != 0x09 { ws -= 1 }
    guard Bytes.isUpper(buf[ws]) else { return false }
    // A word that names things by letters (`Group B.`): the letter is a label, not an initial.
    if w - ws > 12 { return true }
    var key = [UInt8]()
    key.reserveCapacity(w - ws)
    for i in ws..<w { key.append(Bytes.lower(buf[i])) }
    return !letterLabels.contains(key)
  }

  /// Words after which a capital letter is a label rather than a name's initial (`Group B`, `Plan
  /// B`, `Appendix A`, `vitamin C` when capitalised at a sentence start).
  static let letterLabels: Set<[UInt8]> = Set(
    [
      "group", "groups", "plan", "appendix", "annex", "exhibit", "schedule", "section", "part", "chapter",
      "article", "clause", "paragraph", "figure", "fig", "table", "type", "class", "category", "grade",
      "level", "phase", "stage", "tier", "division", "league", "pool", "series", "model", "option",
      "version", "vitamin", "hepatitis", "block", "gate", "terminal", "building", "wing", "floor", "hall",
      "room", "row", "zone", "area", "sector", "line", "route", "runway", "platform", "pier", "lot", "unit",
      "ward", "team", "side", "company", "battery", "squadron", "item", "note", "form", "list", "box",
      "step", "point", "test", "plot", "scenario", "variant", "strain", "letter", "size", "cup",
    ].map { Array($0.utf8) })

  private func endsWithInitial(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    Self.endsWithInitial(buf, start, end)
  }

  private func endsWithAbbreviation(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    if abbreviations.isEmpty { return false }
    var e = end
    while e > start, buf[e - 1] == 0x20 || buf[e - 1] == 0x09 { e -= 1 }
    guard e > start, buf[e - 1] == 0x2E else { return false }
    var s = e - 1
    while s > start, buf[s - 1] != 0x20 && buf[s - 1] != 0x09 && buf[s - 1] != 0x28 { s -= 1 }
    return abbreviations.contains(UnsafeBufferPointer(rebasing: buf[s..<e]))
  }
}

/// The abbreviation list, looked up without building an array or a String per question: entries
/// of up to 7 bytes packed into a UInt64 (bytes and length) in an open-addressing table, longer
/// ones in a list.
struct AbbreviationSet {
  private var table: [UInt64]
  private let shift: UInt64
  private var long: [[UInt8]] = []
  let isEmpty: Bool

  init(_ words: [String]) {
    var bits: UInt64 = 4
    while (1 << bits) < words.count * 4 { bits += 1 }
    table = Array(repeating: 0, count: 1 << bits)
    shift = 64 - bits
    isEmpty = words.isEmpty
    for w in words {
      let bytes = Array(w.utf8)
      guard let key = bytes.withUnsafeBufferPointer({ Self.pack($0) }) else {
        long.append(bytes)
        continue
      }
      var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
      while table[slot] != 0 && table[slot] != key { slot = (slot + 1) & (table.count - 1) }
      table[slot] = key
    }
  }

  @inline(__always)
  static func pack(_ b: UnsafeBufferPointer<UInt8>) -> UInt64? {
    if b.count == 0 || b.count > 7 { return nil }
    var key = UInt64(b.count) << 56
    for (i, x) in b.enumerated() { key |= UInt64(x) << (8 * UInt64(i)) }
    return key
  }

  func contains(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let key = Self.pack(b) else {
      return !long.isEmpty && long.contains { $0.elementsEqual(b) }
    }
    var slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    while true {
      let v = table[slot]
      if v == key { return true }
      if v == 0 { return false }
      slot = (slot + 1) & (table.count - 1)
    }
  }
}
