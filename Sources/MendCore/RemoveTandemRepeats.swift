#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A text repeated inside one line: glued to itself (`XX`, a scraped caption), with a separator
/// (`X X`, `X | X`, `X. X`), at the start of a longer line (`X X Y`), or the line's opening
/// repeated at its end (`X Y X`). One copy stays.
///
/// Linear in the line length: only the places where the line's first bytes reappear (found with
/// `memmem`) are candidates, at most `max-candidates` of them, and each check costs at most the
/// length of the candidate copy.
public struct RemoveTandemRepeats: Stage {
  public static let id = "remove-tandem-repeats"

  static let spec = StageSpec(
    id: id,
    summary: "Remove a text repeated inside a line: XX glued, X X / X | X / X. X with a separator, X X Y, and X Y X.",
    options: [
      OptionSpec("min-bytes", .int, default: .int(20), help: "The shortest repeated text (in UTF-8 bytes) that is removed."),
      OptionSpec("min-words", .int, default: .int(4), help: "The fewest words the repeated text must have."),
      OptionSpec("separators", .string, default: .string(" \t|.,;:/-•·–—"), help: "Characters that may stand between the two copies (any run of up to 6 bytes)."),
      OptionSpec("prefix-repeat", .bool, default: .bool(true), help: "Also remove the line's opening repeated at its end (X Y X), when both copies are whole words and a break stronger than a space or comma (| - : . ...) comes before the second."),
      OptionSpec("max-candidates", .int, default: .int(64), help: "How many reappearances of the line's first bytes to check per line (bounds the work on pathological lines)."),
      OptionSpec("verse", .bool, default: .bool(true), help: "In the short lines of verse (songs, poems; see remove-repeated-sentences' verse option) remove only copies glued with no separator (XX): a repeat with a space or a mark between (`Thank you. Thank you.`) is the song's."),
    ],
    make: { RemoveTandemRepeats(options: $0) })

  let minBytes: Int
  let minWords: Int
  let separatorBytes: [Bool]
  let prefixRepeat: Bool
  let maxCandidates: Int
  let verse: Bool

  public init(options: StageOptions) {
    minBytes = max(8, options.int("min-bytes"))
    minWords = max(1, options.int("min-words"))
    var seps = [Bool](repeating: false, count: 256)
    for b in options.string("separators").utf8 { seps[Int(b)] = true }
    separatorBytes = seps
    prefixRepeat = options.bool("prefix-repeat")
    maxCandidates = max(1, options.int("max-candidates"))
    verse = options.bool("verse")
  }

  struct Found {
    /// Bytes to remove.
    var range: Range<Int>
    /// The copy that stays.
    var kept: Range<Int>
    var form: String
  }

  public func run(_ document: inout Document, _ context: inout StageContext) {
    // The lines of verse, looked up once, at the first line with a repeat.
    var verseLines: [Bool]?? = verse ? nil : .some(nil)
    // The soft line ends of hard-wrapped text (`HardWrap`), looked up once, at the first repeat
    // that runs to its line's end before a line going on in lower case.
    var softEnds: [Bool]?? = nil
    for fi in document.fragments.indices {
      var text = document.fragments[fi].text
      if text.utf8.count < 2 * minBytes { continue }
      var rounds = 0
      var glueOnly = false
      // A line that stops inside a sentence the next line goes on with (`... It's safe to call
      // this function` / `on non-Windows platforms, ...` in a hard-wrapped README): a copy that
      // runs to its end is the start of a new sentence, not a repeat. Only in hard-wrapped text
      // (a soft line end, `HardWrap`): one line that goes on in lower case is no wrap (session 21:
      // a doubled date line before a sentence a scraper lowered kept its copy).
      // (Looked at only when a repeat is found.)
      var untilEnd = false
      while rounds < 8, let found = text.withUTF8({ find($0, glueOnly: glueOnly, notAtEnd: untilEnd) }) {
        if !untilEnd && text.withUTF8({ Self.reachesEnd($0, found.range.upperBound) })
          && fi + 1 < document.fragments.count && Self.goesOn(text, document.fragments[fi + 1].text)
        {
          if softEnds == nil { softEnds = .some(HardWrap.softEnds(document) ?? HardWrap.localSoftEnds(document)) }
          if let soft = softEnds!, soft[fi] {
            untilEnd = true
            continue
          }
        }
        if !glueOnly && found.form != "glued" {
          if verseLines == nil { verseLines = .some(Verse.lines(document)) }
          if let lines = verseLines!, lines[fi] {
            glueOnly = true
            continue
          }
        }
        rounds += 1
        let bytes = Array(text.utf8)
        let column = bytes[0..<found.range.lowerBound].reduce(1) { $1 & 0xC0 != 0x80 ? $0 + 1 : $0 }
        let keptColumn = bytes[0..<found.kept.lowerBound].reduce(1) { $1 & 0xC0 != 0x80 ? $0 + 1 : $0 }
        let before = String(decoding: bytes[found.range], as: UTF8.self)
        var out = Array(bytes[0..<found.range.lowerBound])
        out += bytes[found.range.upperBound...]
        context.record(
          rule: found.form, action: .remove, line: document.fragments[fi].line, column: column, before: before,
          after: "", confidence: 1,
          reason: "a repeat of the text at line \(document.fragments[fi].line) column \(keptColumn) (\(found.kept.count) bytes, identical); kept the first copy")
        text = String(decoding: out, as: UTF8.self)
      }
      if rounds > 0 { document.fragments[fi].text = text }
    }
  }

  @inline(__always)
  func isTerminalByte(_ b: UInt8) -> Bool { b == 0x2E || b == 0x21 || b == 0x3F }

  @inline(__always)
  func isTrailing(_ b: UInt8) -> Bool { isTerminalByte(b) || b == 0x20 }

  @inline(__always)
  func isSep(_ b: UInt8) -> Bool { separatorBytes[Int(b)] }

  @inline(__always)
  func isWordByte(_ b: UInt8) -> Bool { DedupText.isASCIIAlnum(b) || b >= 0x80 }

  /// Whether the text before `before` ends in a break stronger than a space or a comma (`|`,
  /// `-`, `:`, a sentence end ...): the second copy of X Y X must start a new piece, or it is the
  /// opening said again inside the sentence (`a sequence ... into another sequence ...`).
  func strongBreak(_ buf: UnsafeBufferPointer<UInt8>, before: Int, after: Int) -> Bool {
    var b = before - 1
    while b >= after && (buf[b] == 0x20 || buf[b] == 0x09) { b -= 1 }
    guard b >= after else { return false }
    let c = buf[b]
    return isTerminalByte(c) || (isSep(c) && c != 0x2C && c != 0x20 && c != 0x09)
  }

  func words(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
    var count = 0
    var inWord = false
    for k in r {
      let w = isWordByte(buf[k])
      if w && !inWord { count += 1 }
      inWord = w
    }
    return count
  }

  func equal(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ len: Int) -> Bool {
    guard let base = buf.baseAddress else { return false }
    return memcmp(base + a, base + b, len) == 0
  }

  /// The next place at or after `from` where the line's first `k` bytes reappear (memchr for the
  /// first byte, then memcmp).
  func search(_ base: UnsafePointer<UInt8>, _ n: Int, from: Int, k: Int) -> Int? {
    var i = from
    let first = Int32(base[0])
    while i + k <= n {
      guard let hit = memchr(base + i, first, n - k + 1 - i) else { return nil }
      let q = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
      if memcmp(base + q, base, k) == 0 { return q }
      i = q + 1
    }
    return nil
  }

  /// Whether `r` (a repeat found at the line's start: X, separators, X) is a run of a unit
  /// shorter than the repeat: its smallest period is shorter than the copy's start, and that
  /// unit has fewer than `min-words` words or `min-bytes` bytes (`Thank you. Thank you. Thank
  /// you.`, `ha ha ha ha ha`, `BI-BI-BI-BI-`). Such a run is said on purpose, not scraped twice.
  /// (The prefix function, linear in the run's length; only for repeats already found.)
  func shortUnitRun(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, copyAt q: Int) -> Bool {
    let n = r.count
    if n < 2 { return false }
    var pi = [Int](repeating: 0, count: n)
    var k = 0
    for i in 1..<n {
      while k > 0 && buf[r.lowerBound + i] != buf[r.lowerBound + k] { k = pi[k - 1] }
      if buf[r.lowerBound + i] == buf[r.lowerBound + k] { k += 1 }
      pi[i] = k
    }
    let period = n - pi[n - 1]
    if period >= q - r.lowerBound { return false }
    let unit = r.lowerBound..<(r.lowerBound + period)
    return words(buf, unit) < minWords || unit.count < minBytes
  }

  /// Whether only spaces follow `end` in the line.
  static func reachesEnd(_ buf: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
    var i = end
    while i < buf.count && (buf[i] == 0x20 || buf[i] == 0x09) { i += 1 }
    return i == buf.count
  }

  /// Whether `line` stops inside a sentence (its last byte, spaces aside, is a letter, a digit or
  /// a comma) and `next` goes on with it (its first byte, spaces aside, is a lower-case letter).
  static func goesOn(_ line: String, _ next: String) -> Bool {
    guard let last = line.utf8.last(where: { $0 != 0x20 && $0 != 0x09 }),
      let first = next.utf8.first(where: { $0 != 0x20 && $0 != 0x09 })
    else { return false }
    return (Bytes.isAlnum(last) || last == 0x2C) && Bytes.isLower(first)
  }

  /// The first tandem repeat of the line, if any. With `glueOnly` (a line of verse), only a copy
  /// glued to its twin with no separator; with `notAtEnd`, none whose second copy runs to the
  /// line's end.
  func find(_ buf: UnsafeBufferPointer<UInt8>, glueOnly: Bool = false, notAtEnd: Bool = false) -> Found? {
    let n = buf.count
    guard n >= 2 * minBytes, let base = buf.baseAddress else { return nil }
    let k = min(minBytes, 16)
    var from = minBytes
    var checked = 0
    while from + k <= n && checked < maxCandidates {
      guard let q = search(base, n, from: from, k: k) else { return nil }
      checked += 1
      from = q + 1
      // X sep X [rest]: the second copy starts at q; X ends before a run of separators.
      var s = 0
      while s <= 6 && q - s >= minBytes {
        let p = q - s
        if s > 0 && !isSep(buf[p]) { break }
        // The second copy must end a word, or be followed by a third copy.
        if q + p <= n
          && (q + p == n || !isWordByte(buf[q + p]) || !isWordByte(buf[q + p - 1])
            || (q + p + k <= n && equal(buf, 0, q + p, k)))
          && equal(buf, 0, q, p)
        {
          // With no separator the copies are glued (a caption); with one, X must end a word
          // where the separator starts, which it does by construction.
          if (!glueOnly || s == 0) && !(notAtEnd && Self.reachesEnd(buf, q + p)) && words(buf, 0..<p) >= minWords
            && !shortUnitRun(buf, 0..<(q + p), copyAt: q)
          {
            return Found(range: p..<(q + p), kept: 0..<p, form: s == 0 ? "glued" : "separated")
          }
        }
        s += 1
      }
      // X Y X: the line's opening repeated at its end (before final punctuation).
      if prefixRepeat && !glueOnly && !notAtEnd {
        var e = n
        while e > q && isTrailing(buf[e - 1]) { e -= 1 }
        let p = e - q
        if p >= minBytes && q > p && isSep(buf[q - 1]) && !isWordByte(buf[p]) && strongBreak(buf, before: q, after: p)
          && equal(buf, 0, q, p) && words(buf, 0..<p) >= minWords && !shortUnitRun(buf, 0..<e, copyAt: q)
        {
          var start = q
          while start > p && isSep(buf[start - 1]) && !isTerminalByte(buf[start - 1]) { start -= 1 }
          return Found(range: start..<e, kept: 0..<p, form: "prefix-repeat")
        }
      }
    }
    return nil
  }
}
