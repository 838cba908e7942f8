import Foundation

/// Tells what a fragment (line) is: caption, credit, date, URL, dateline, headline, standfirst or
/// body sentence, from the patterns of the `restore-order` stage's rules.
///
/// Lines that end like a sentence (`.`, `!`, `?`, `:`, possibly followed by a closing quote or
/// bracket) are body sentences without running a regular expression; only the few other lines
/// (metadata, captions, headlines) are matched against the patterns.
public struct FragmentClassifier: @unchecked Sendable {
  // NSRegularExpression is immutable after creation and safe to share between threads.
  let caption: [NSRegularExpression]
  let credit: [NSRegularExpression]
  let date: [NSRegularExpression]
  let url: [NSRegularExpression]
  let dateline: [NSRegularExpression]
  let headlineMaxWords: Int
  /// Byte gates (see `Gate`): a necessary condition for any pattern of a list to match, known only
  /// for the default lists; `.always` (run the patterns) for any other list.
  let urlGate: Gate
  let dateGate: Gate
  let creditGate: Gate
  let captionGate: Gate
  let datelineGate: Gate

  /// The default patterns of the `restore-order` stage (its option defaults and `rules/mend.yml`).
  public static let defaultCaption = [#"\b(?:Photograph|Photo|Photos|Photography|Illustration|Composite|Picture)\b:?\s+\p{Lu}"#]
  public static let defaultCredit = [#"^(?:Photograph|Photo|Photos|Illustration|Composite|Picture)s?:?\s+\S.{0,60}$"#]
  public static let defaultDate = [
    #"^\s*\d{8}\s*$"#,
    #"^\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+(?:\d{1,2},?\s+)?\d{4}\s*$"#,
    #"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?\S*)?\s*$"#,
  ]
  public static let defaultURL = [#"^\s*(?:https?://|www\.)\S+\s*$"#]
  public static let defaultDateline = [#"^\s*\p{Lu}[\p{Lu} ,.]+(?:\s*\([^)]*\))?\s*[—–-]\s*$"#]

  /// A byte test that every line some pattern of a list matches passes (the patterns stay the
  /// definition: a line that passes still goes through them). Each gate is a necessary condition
  /// read off the default patterns (case-sensitive, no options, as `RegexCache.compile` builds them):
  /// - `url`: `https?://` or `www\.` must occur, so the bytes hold "://" or "www."; and it must come
  ///   first after the leading `\s*`, so the first byte above 0x20 is "h", "w" or non-ASCII;
  /// - `digit`: every date pattern needs a `\d`, which ICU takes as any `\p{Nd}`: an ASCII digit,
  ///   or a non-ASCII scalar of general category Nd (checked by decoding the non-ASCII scalars);
  ///   and each has one first after its leading `\s*` or last before its trailing `\s*`, so the
  ///   first or the last byte above 0x20 is a digit or non-ASCII;
  /// - `picture`: the credit and caption patterns need one of Photograph, Photo, Photos,
  ///   Photography, Illustration, Composite, Picture: the bytes hold "Photo", "Illustration",
  ///   "Composite" or "Picture";
  /// - `dash`: the dateline pattern needs one of — – - (U+2014, U+2013, U+002D).
  /// `ClassifyGateTests` checks on real and hand-made lines that no line a pattern matches fails
  /// its gate, so a gate made too strict fails that test.
  ///
  /// The default date and dateline lists use the anchored forms (`date`, `dateline`; session 9):
  /// - `date`: each date pattern has a `\d` as its first element after the leading `\s*` (the
  ///   first and third) or as its last before the trailing `\s*$` (the first and second), so the
  ///   first or the last scalar of the line that is not white space is an Nd scalar;
  /// - `dateline`: the pattern ends `[—–-]\s*$`, so the last scalar that is not white space is
  ///   U+2014, U+2013 or U+002D.
  /// "White space" there is what `isSkippable` skips: every ASCII byte up to 0x20 and every
  /// non-ASCII scalar that is White_Space, a separator (Z*), a control (Cc) or a format character
  /// (Cf) — a superset of what `\s` matches (ICU: White_Space) and of the line terminators `$` may
  /// stand before, and none of them is an Nd scalar or a dash. So the first (last) scalar not
  /// skipped is the pattern's first (last) `\d` or dash whenever the pattern matches.
  /// `RestoreOrderS9Tests` checks both against the patterns on the corpus lines and on lines
  /// with every Nd scalar and every White_Space/Z scalar at either end.
  enum Gate: Sendable {
    case always, url, digit, picture, dash, date, dateline

    static func of(_ patterns: [String], default defaults: [String], _ gate: Gate) -> Gate {
      patterns == defaults ? gate : .always
    }

    func passes(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
      switch self {
      case .always: return true
      case .url:
        // The pattern is anchored: after the leading `\s*` comes "http" or "www.".
        guard let f = Self.firstSignificant(buf), f >= 0x80 || f == 0x68 || f == 0x77 else { return false }
        return Self.find(buf, "://") || Self.find(buf, "www.")
      case .digit:
        // Every date pattern is anchored at both ends (`^\s*` … `\s*$`) and has a `\d` right after
        // the leading `\s*` (the first and third) or right before the trailing `\s*` (the first
        // and second): one of the two bytes must be able to be (part of) a `\d`.
        guard let f = Self.firstSignificant(buf), let l = Self.lastSignificant(buf),
          f >= 0x80 || f &- 0x30 < 10 || l >= 0x80 || l &- 0x30 < 10
        else { return false }
        return Self.hasDecimalDigit(buf)
      case .picture:
        return Self.find(buf, "Photo") || Self.find(buf, "Illustration") || Self.find(buf, "Composite")
          || Self.find(buf, "Picture")
      case .date:
        guard let (first, last) = Self.significantScalars(buf) else { return false }
        return Self.isDecimalDigit(first) || Self.isDecimalDigit(last)
      case .dateline:
        guard let (_, last) = Self.significantScalars(buf) else { return false }
        return last == 0x2D || last == 0x2013 || last == 0x2014
      case .dash:
        for (i, b) in buf.enumerated() {
          if b == 0x2D { return true }
          if b == 0xE2 && i + 2 < buf.count && buf[i + 1] == 0x80 && (buf[i + 2] == 0x93 || buf[i + 2] == 0x94) {
            return true
          }
        }
        return false
      }
    }

    /// The first and the last scalar of the bytes that `isSkippable` does not skip (nil when every
    /// scalar is skipped). Only the ends are read: ASCII bytes up to 0x20 one by one, a non-ASCII
    /// scalar decoded (from its lead byte at the front, back over its continuation bytes at the end).
    static func significantScalars(_ buf: UnsafeBufferPointer<UInt8>) -> (UInt32, UInt32)? {
      let n = buf.count
      var i = 0
      var first: UInt32? = nil
      while i < n {
        let b = buf[i]
        if b <= 0x20 {
          i += 1
          continue
        }
        let (v, len) = Self.decode(buf, at: i)
        if Self.isSkippable(v) {
          i += len
          continue
        }
        first = v
        break
      }
      guard let first else { return nil }
      var e = n
      while e > i {
        let b = buf[e - 1]
        if b <= 0x20 {
          e -= 1
          continue
        }
        var s = e - 1
        while s > i && buf[s] & 0xC0 == 0x80 { s -= 1 }
        let (v, _) = Self.decode(buf, at: s)
        if Self.isSkippable(v) {
          e = s
          continue
        }
        return (first, v)
      }
      return (first, first)  // cannot happen: the first significant scalar stops the loop
    }

    /// The scalar whose UTF-8 sequence starts at `i` (valid UTF-8, as in a String) and its length.
    @inline(__always) static func decode(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
      let b = buf[i]
      if b < 0x80 { return (UInt32(b), 1) }
      let len = b >= 0xF0 ? 4 : (b >= 0xE0 ? 3 : 2)
      guard i + len <= buf.count else { return (0xFFFD, buf.count - i) }
      var v = UInt32(b) & (len == 2 ? 0x1F : (len == 3 ? 0x0F : 0x07))
      for k in 1..<len { v = (v << 6) | (UInt32(buf[i + k]) & 0x3F) }
      return (v, len)
    }

    /// Skipped at the ends of a line by the anchored gates: ASCII up to 0x20, and non-ASCII
    /// White_Space, Z*, Cc and Cf scalars (see `Gate`). No Nd scalar and no dash is skipped.
    static func isSkippable(_ v: UInt32) -> Bool {
      if v <= 0x20 { return true }
      if v < 0x80 { return false }
      guard let s = Unicode.Scalar(v) else { return true }
      if s.properties.isWhitespace { return true }
      switch s.properties.generalCategory {
      case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format: return true
      default: return false
      }
    }

    /// Whether the scalar is Nd (what ICU's `\d` matches).
    static func isDecimalDigit(_ v: UInt32) -> Bool {
      if v < 0x80 { return v &- 0x30 < 10 }
      guard let s = Unicode.Scalar(v) else { return false }
      return s.properties.generalCategory == .decimalNumber
    }

    /// Whether the bytes hold a scalar of general category Nd (what ICU's `\d` matches).
    static func hasDecimalDigit(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
      // No Nd scalar lies below U+0660 or in U+2000–U+9FFF (punctuation, quotes, dashes,
      // symbols, box drawing, CJK; `ClassifyGateTests` checks this over every scalar): only the
      // other non-ASCII scalars are decoded and looked up.
      let n = buf.count
      var i = 0
      let table = Self.ndTable  // read once: no lazy-initialisation check per scalar
      while i < n {
        let b = buf[i]
        if b < 0x80 {
          if b &- 0x30 < 10 { return true }
          i += 1
          continue
        }
        if b < 0xD9 || (b >= 0xE2 && b <= 0xE9) || b < 0xC0 {
          i += 1  // a continuation byte, or the lead of a scalar that cannot be Nd
          continue
        }
        let len = b >= 0xF0 ? 4 : (b >= 0xE0 ? 3 : 2)
        guard i + len <= n else { return true }  // cannot happen in a String; run the patterns
        var v = UInt32(b) & (len == 2 ? 0x1F : (len == 3 ? 0x0F : 0x07))
        for k in 1..<len { v = (v << 6) | (UInt32(buf[i + k]) & 0x3F) }
        if v >= Self.ndTableStart && v < Self.ndTableEnd {
          let x = Int(v - Self.ndTableStart)
          if table[x >> 6] >> UInt64(x & 63) & 1 != 0 { return true }
        } else if let s = Unicode.Scalar(v), s.properties.generalCategory == .decimalNumber {
          return true
        }
        i += len
      }
      return false
    }

    /// The first byte that is not an ASCII control or space (every ASCII byte `\s` can match is
    /// one of those; a non-ASCII byte is returned as it is: it may belong to a `\s` or a `\d`, and
    /// the gates let it through), or nil when there is none.
    @inline(__always) static func firstSignificant(_ buf: UnsafeBufferPointer<UInt8>) -> UInt8? {
      for b in buf where b > 0x20 { return b }
      return nil
    }

    /// The last such byte.
    @inline(__always) static func lastSignificant(_ buf: UnsafeBufferPointer<UInt8>) -> UInt8? {
      var i = buf.count
      while i > 0 {
        i -= 1
        if buf[i] > 0x20 { return buf[i] }
      }
      return nil
    }

    /// The scalars U+0640–U+1FFF (the lead bytes D9–E1 the digit gate decodes: Arabic, the Indic
    /// scripts, Thai, …), one bit each: set iff the scalar's general category is Nd. Built from
    /// `generalCategory` itself, so the look-up answers exactly as the call does.
    static let ndTableStart: UInt32 = 0x640
    static let ndTableEnd: UInt32 = 0x2000
    static let ndTable: [UInt64] = {
      var t = [UInt64](repeating: 0, count: Int(ndTableEnd - ndTableStart + 63) / 64)
      for v in ndTableStart..<ndTableEnd {
        if let s = Unicode.Scalar(v), s.properties.generalCategory == .decimalNumber {
          let x = Int(v - ndTableStart)
          t[x >> 6] |= 1 << UInt64(x & 63)
        }
      }
      return t
    }()

    /// Whether the ASCII `needle` occurs in the bytes.
    static func find(_ buf: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
      let m = needle.utf8CodeUnitCount
      let n = buf.count
      guard m > 0, n >= m else { return false }
      let p = needle.utf8Start
      let first = p[0]
      guard let base = buf.baseAddress else { return false }
      // Each candidate start (a byte equal to the needle's first) in order, found by `memchr`
      // among the starts that leave room for the needle (`findReference` is the byte loop).
      var i = 0
      while i + m <= n {
        guard let q = memchr(base + i, Int32(first), n - m + 1 - i) else { return false }
        i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(q))
        var k = 1
        while k < m && buf[i + k] == p[k] { k += 1 }
        if k == m { return true }
        i += 1
      }
      return false
    }

    /// `find` byte by byte (tests).
    static func findReference(_ buf: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
      let m = needle.utf8CodeUnitCount
      let n = buf.count
      guard m > 0, n >= m else { return false }
      let p = needle.utf8Start
      var i = 0
      while i + m <= n {
        var k = 0
        while k < m && buf[i + k] == p[k] { k += 1 }
        if k == m { return true }
        i += 1
      }
      return false
    }
  }

  public init(
    caption: [String], credit: [String], date: [String], url: [String], dateline: [String],
    headlineMaxWords: Int
  ) throws {
    func compile(_ xs: [String]) throws -> [NSRegularExpression] { try xs.map { try RegexCache.compile($0) } }
    self.caption = try compile(caption)
    self.credit = try compile(credit)
    self.date = try compile(date)
    self.url = try compile(url)
    self.dateline = try compile(dateline)
    self.headlineMaxWords = headlineMaxWords
    urlGate = Gate.of(url, default: Self.defaultURL, .url)
    dateGate = Gate.of(date, default: Self.defaultDate, .date)
    creditGate = Gate.of(credit, default: Self.defaultCredit, .picture)
    captionGate = Gate.of(caption, default: Self.defaultCaption, .picture)
    datelineGate = Gate.of(dateline, default: Self.defaultDateline, .dateline)
  }

  /// Whether the last visible character ends a sentence.
  public static func endsLikeSentence(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { endsLikeSentence($0) }
  }

  /// Whether the last visible character of the UTF-8 bytes ends a sentence.
  public static func endsLikeSentence(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    let e = Bytes.visibleEnd(buf)
    guard e > 0 else { return false }
    let b = buf[e - 1]
    if b == 0x2E || b == 0x21 || b == 0x3F || b == 0x3A { return true }
    // … (U+2026)
    return e >= 3 && buf[e - 3] == 0xE2 && buf[e - 2] == 0x80 && b == 0xA6
  }

  /// A line that ends like a sentence, is longer than a date and holds no `/` (so no URL): a body
  /// sentence whatever the patterns say (the classifier's hot path, bytes only).
  public static func isPlainBody(_ text: String) -> Bool {
    text.utf8.count > 40 && endsLikeSentence(text) && !text.utf8.contains(0x2F)
  }

  static func matches(_ res: [NSRegularExpression], _ text: String) -> Bool {
    let ns = text as NSString
    let range = NSRange(location: 0, length: ns.length)
    for r in res where r.firstMatch(in: text, range: range) != nil { return true }
    return false
  }

  /// With `gates: false` (tests) every pattern runs: the reference for the byte gates.
  public func classify(_ text: String, gates: Bool = true) -> FragmentKind {
    var copy = text
    return copy.withUTF8 { buf -> FragmentKind in
      if buf.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
      // The hot path: a line that ends like a sentence and holds no space-free run long enough for a
      // URL, nor is short enough to be a date, is a body sentence (no regular expression runs).
      let ends = Self.endsLikeSentence(buf)
      if buf.count > 40 && ends && !buf.contains(0x2F) { return .body }
      // Each list runs only on a line its byte gate lets through (a gate never rejects a line the
      // list matches, so the outcome is the same).
      func hit(_ gate: Gate, _ res: [NSRegularExpression]) -> Bool {
        (!gates || gate.passes(buf)) && Self.matches(res, text)
      }
      if hit(urlGate, url) { return .url }
      if hit(dateGate, date) { return .date }
      if ends { return .body }
      if hit(creditGate, credit) { return .credit }
      if hit(captionGate, caption) { return .caption }
      if hit(datelineGate, dateline) { return .dateline }
      var words = 0
      var inWord = false
      for b in buf {
        let space = b == 0x20 || b == 0x09
        if !space && !inWord { words += 1 }
        inWord = !space
      }
      if words < 3 { return .unknown }
      return words <= headlineMaxWords ? .headline : .standfirst
    }
  }

  /// Whether `classify(text)` is `.body`, without the patterns that cannot decide it: a line that
  /// does not end like a sentence is never a body line (`classify` returns `.body` only where
  /// `ends` holds: at the hot path, or after the URL and date lists failed), and one that does is
  /// a body line unless it is blank (it cannot be: it has a visible last character), or the URL or
  /// the date list matches it. So the credit, caption and dateline lists never run here.
  /// `RestoreOrderS9Tests` checks it against `classify` on corpus and hand-made lines.
  public func isBody(_ text: String) -> Bool {
    var copy = text
    return copy.withUTF8 { buf -> Bool in
      guard Self.endsLikeSentence(buf) else { return false }
      if buf.count > 40 && !buf.contains(0x2F) { return true }
      if (urlGate.passes(buf) && Self.matches(url, text)) || (dateGate.passes(buf) && Self.matches(date, text)) {
        return false
      }
      return true
    }
  }

  /// Whether each pattern list matches the line, with every gate off (tests: the reference).
  func patternMatches(_ text: String) -> (url: Bool, date: Bool, credit: Bool, caption: Bool, dateline: Bool) {
    (Self.matches(url, text), Self.matches(date, text), Self.matches(credit, text), Self.matches(caption, text),
     Self.matches(dateline, text))
  }

  /// Whether each gate lets the line through (tests).
  func gatesPass(_ text: String) -> (url: Bool, date: Bool, credit: Bool, caption: Bool, dateline: Bool) {
    var copy = text
    return copy.withUTF8 { buf in
      (urlGate.passes(buf), dateGate.passes(buf), creditGate.passes(buf), captionGate.passes(buf),
       datelineGate.passes(buf))
    }
  }
}
