#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a fragment is, as far as the classifying stage could tell.
public enum FragmentKind: String, Codable, Sendable, CaseIterable {
  case unknown, blank, caption, credit, date, url, headline, standfirst, dateline, body
}

/// One line of the input: the unit mend never merges or splits.
public struct Fragment: Sendable, Equatable {
  /// The line's text. Setting or mutating it in any way forgets `facts` (they described the old
  /// text).
  public var text: String {
    didSet {
      facts = []
      sourceOffset = -1
    }
  }
  /// 1-based line in the input.
  public var line: Int
  public var kind: FragmentKind
  /// What is known about the bytes of `text` (a hint for stages that would otherwise scan them;
  /// empty = nothing known). It can only describe the current text: it is set when the fragment
  /// is made, and any change of `text` empties it (`didSet`), so a stage that edits a line —
  /// wherever it runs in the pipeline — leaves no stale facts behind. Copies of a fragment carry
  /// text and facts together.
  public private(set) var facts: TextFacts
  /// Where the text's bytes may be found as they are in the input its reader decoded it from
  /// (the corpus decoder: a line with no escape, at this byte offset of its JSONL record), or
  /// -1. Only a hint: a writer that uses it compares the bytes there with the text first. Like
  /// `facts`, forgotten whenever the text changes. (Stored in 32 bits; Fragment stays 32 bytes.)
  public private(set) var sourceOffset: Int {
    get { Int(source) - 1 }
    set { source = newValue >= 0 && newValue < Int(UInt32.max) ? UInt32(newValue + 1) : 0 }
  }
  private var source: UInt32 = 0

  public init(text: String, line: Int, kind: FragmentKind = .unknown) {
    self.text = text
    self.line = line
    self.kind = kind
    self.facts = []
  }

  /// A fragment read from input bytes: `facts` as in `init(text:line:kind:facts:)`, and the
  /// offset of the text's bytes in that input (`sourceOffset`).
  public init(text: String, line: Int, kind: FragmentKind = .unknown, facts: TextFacts, sourceOffset: Int) {
    self.init(text: text, line: line, kind: kind, facts: facts)
    self.sourceOffset = sourceOffset
  }

  /// A fragment whose text's facts are known: `facts` must be `TextFacts.of` the text's bytes
  /// (or empty). Debug builds check it.
  public init(text: String, line: Int, kind: FragmentKind = .unknown, facts: TextFacts) {
    self.text = text
    self.line = line
    self.kind = kind
    self.facts = facts
    assert(facts.isEmpty || facts == TextFacts.of(text), "Fragment: facts do not describe the text")
  }

  /// Fragments are equal when their text (its bytes: NFD and NFC are equal Strings), line and
  /// kind are (`facts` is a hint about the text).
  public static func == (a: Fragment, b: Fragment) -> Bool {
    Document.sameUTF8(a.text, b.text) && a.line == b.line && a.kind == b.kind
  }

  public var isBlank: Bool {
    text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
  }
}

/// A text as mend sees it: an ordered list of fragments (lines).
public struct Document: Sendable, Equatable {
  public var fragments: [Fragment]
  /// Whether the input ended with a line break (kept on output).
  public var endsWithNewline: Bool

  public init(fragments: [Fragment], endsWithNewline: Bool) {
    self.fragments = fragments
    self.endsWithNewline = endsWithNewline
  }

  /// Split text into fragments on LF. (CR and CRLF are turned into LF by the normalisation stage
  /// when it runs; they are left alone here so that nothing changes without a change record.)
  public init(text: String) {
    var frags: [Fragment] = []
    var ends = false
    let utf8 = text.utf8
    // Newline offsets first (a byte loop), then slices: String(Substring) copies without
    // validating again.
    var offsets: [Int] = []
    var copy = text
    let n = copy.withUTF8 { buf -> Int in
      var i = 0
      while i < buf.count {
        if buf[i] == 0x0A { offsets.append(i) }
        i += 1
      }
      return buf.count
    }
    frags.reserveCapacity(offsets.count + 1)
    var start = 0
    var startIndex = utf8.startIndex
    for (k, nl) in offsets.enumerated() {
      let endIndex = utf8.index(startIndex, offsetBy: nl - start)
      frags.append(Fragment(text: String(Substring(utf8[startIndex..<endIndex])), line: k + 1))
      startIndex = utf8.index(after: endIndex)
      start = nl + 1
    }
    if start < n {
      frags.append(Fragment(text: String(Substring(utf8[startIndex..<utf8.endIndex])), line: offsets.count + 1))
    } else if n > 0 {
      ends = true
    }
    self.init(fragments: frags, endsWithNewline: ends)
  }

  /// The document as text: fragments joined by LF.
  public var text: String {
    var total = fragments.isEmpty ? 0 : fragments.count - 1
    for f in fragments { total += f.text.utf8.count }
    if endsWithNewline && !fragments.isEmpty { total += 1 }
    if total == 0 { return "" }
    return String(unsafeUninitializedCapacity: total) { out in
      var pos = 0
      for (i, f) in fragments.enumerated() {
        if i > 0 {
          out[pos] = 0x0A
          pos += 1
        }
        var t = f.text
        t.withUTF8 { src in
          if let base = src.baseAddress, src.count > 0 {
            (out.baseAddress! + pos).update(from: base, count: src.count)
          }
          pos += src.count
        }
      }
      if endsWithNewline && !fragments.isEmpty {
        out[pos] = 0x0A
        pos += 1
      }
      return pos
    }
  }

  /// Whether the document has exactly the text of `other`, byte for byte (String's `==` compares
  /// canonical equivalence, so it would call an NFC-only change "no change"). Fragments a stage
  /// did not touch share their storage and compare in O(1).
  public func hasSameText(as other: Document) -> Bool {
    guard fragments.count == other.fragments.count,
      endsWithNewline == other.endsWithNewline || fragments.isEmpty
    else { return false }
    for k in fragments.indices where !Self.sameUTF8(fragments[k].text, other.fragments[k].text) { return false }
    return true
  }

  /// Whether two strings are the same value in memory: the same storage (or the same small-string
  /// bytes) with the same count and flags. True implies the same bytes (a String's bits determine
  /// its contents); false says nothing (equal texts in two storages), so callers fall back to a
  /// byte comparison.
  @inline(__always)
  public static func sameStorage(_ a: String, _ b: String) -> Bool {
    let x = unsafeBitCast(a, to: (UInt64, UInt64).self)
    let y = unsafeBitCast(b, to: (UInt64, UInt64).self)
    return x.0 == y.0 && x.1 == y.1
  }

  /// Byte equality of two strings.
  @inline(__always)
  public static func sameUTF8(_ a: String, _ b: String) -> Bool {
    if sameStorage(a, b) { return true }
    let n = a.utf8.count
    guard n == b.utf8.count else { return false }
    if n == 0 { return true }
    var a = a
    var b = b
    return a.withUTF8 { pa in
      b.withUTF8 { pb in
        pa.baseAddress! == pb.baseAddress! || memcmp(pa.baseAddress!, pb.baseAddress!, n) == 0
      }
    }
  }
}

/// Strings made from bytes that are already known to be valid UTF-8, without validating them a
/// second time (`String(decoding:as:)` validates every byte, and so does
/// `String(unsafeUninitializedCapacity:initializingUTF8With:)`).
public enum ValidatedUTF8 {
  /// A String of `bytes`. The caller must have proven the bytes valid UTF-8 — checked by an exact
  /// validator, or cut at scalar boundaries out of valid text — and `isASCII` must say exactly
  /// whether every byte is below 0x80 (the String's ASCII and NFC flags are set from it). Debug
  /// builds check both.
  @inline(__always)
  public static func string(_ bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
    assert(String(validating: bytes, as: UTF8.self) != nil, "ValidatedUTF8.string: invalid UTF-8")
    assert(isASCII == !bytes.contains(where: { $0 >= 0x80 }), "ValidatedUTF8.string: wrong isASCII")
    guard bytes.count > 0 else { return "" }
    return String(copying: UTF8Span(unchecked: bytes.span, isKnownASCII: isASCII))
  }

  /// Whether String itself knows the text is ASCII (`UTF8Span.isKnownASCII`, O(1) for a native
  /// string): true means every byte is < 0x80; false means it may or may not be (a String that
  /// once held non-ASCII text keeps the flag off), so use it only as a sufficient condition.
  @inline(__always)
  public static func isASCII(_ s: String) -> Bool {
    s.utf8Span.isKnownASCII
  }

  /// Whether no byte of `b` is 0x80 or above, eight bytes at a time.
  @inline(__always)
  public static func allASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let p = b.baseAddress else { return true }
    let raw = UnsafeRawPointer(p)
    let n = b.count
    var i = 0
    var acc: UInt64 = 0
    while i + 8 <= n {
      acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      i += 8
    }
    while i < n {
      acc |= UInt64(p[i])
      i += 1
    }
    return acc & 0x8080_8080_8080_8080 == 0
  }
}

/// Facts about a text's bytes, found by whoever reads them anyway (the corpus decoder makes each
/// line's String from bytes it has in hand) so that a stage can skip its own scan of a line.
/// Exact when `known` is set: each other bit is set if and only if the text has such a byte.
public struct TextFacts: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// The other bits were looked at; without this bit nothing is known.
  public static let known = TextFacts(rawValue: 1)
  /// A byte below 0x20 (tab, CR and other controls) or 0x7F.
  public static let control = TextFacts(rawValue: 2)
  /// An '&'.
  public static let ampersand = TextFacts(rawValue: 4)
  /// Two ASCII spaces (0x20) in a row.
  public static let spacePair = TextFacts(rawValue: 8)

  /// The facts of a String's UTF-8 bytes.
  public static func of(_ text: String) -> TextFacts {
    var t = text
    return t.withUTF8 { of($0) }
  }

  /// The facts of `bytes`: sixteen bytes a step (each against the byte after it for space
  /// pairs, so a pair across two steps is inside the first), then byte by byte.
  public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> TextFacts {
    guard let p = bytes.baseAddress else { return .known }
    let n = bytes.count
    let raw = UnsafeRawPointer(p)
    let c20 = splat(0x20)
    let c7F = splat(0x7F)
    let c26 = splat(0x26)
    var ctl = SIMD16<UInt8>()
    var amp = SIMD16<UInt8>()
    var pair = SIMD16<UInt8>()
    var i = 0
    while i + 17 <= n {
      let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      let u = raw.loadUnaligned(fromByteOffset: i + 1, as: SIMD16<UInt8>.self)
      // v < 0x20 (unsigned): min(v, 0x1F) == v.
      ctl |= unsafeBitCast((v .< c20) .| (v .== c7F), to: SIMD16<UInt8>.self)
      amp |= unsafeBitCast(v .== c26, to: SIMD16<UInt8>.self)
      pair |= unsafeBitCast((v .== c20) .& (u .== c20), to: SIMD16<UInt8>.self)
      i += 16
    }
    var f: TextFacts = .known
    if any(ctl) { f.insert(.control) }
    if any(amp) { f.insert(.ampersand) }
    if any(pair) { f.insert(.spacePair) }
    while i < n {
      let b = p[i]
      if b < 0x20 || b == 0x7F { f.insert(.control) }
      if b == 0x26 { f.insert(.ampersand) }
      if b == 0x20 && i + 1 < n && p[i + 1] == 0x20 { f.insert(.spacePair) }
      i += 1
    }
    return f
  }

  @inline(__always)
  static func splat(_ b: UInt8) -> SIMD16<UInt8> {
    let x = UInt64(b) &* 0x0101_0101_0101_0101
    return unsafeBitCast(SIMD2<UInt64>(x, x), to: SIMD16<UInt8>.self)
  }

  @inline(__always)
  static func any(_ v: SIMD16<UInt8>) -> Bool {
    let w = unsafeBitCast(v, to: SIMD2<UInt64>.self)
    return w[0] | w[1] != 0
  }
}
