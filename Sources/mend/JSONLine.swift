/// Byte-level JSON for JSONL records: validate a line, find top-level values by key, decode and
/// encode strings, and splice new values into the original bytes so that every other byte of the
/// record stays as it was.
import MendCore

#if canImport(Glibc)
  import Glibc
#endif

struct JSONSyntaxError: Error {
  /// 0-based byte offset in the line.
  let offset: Int
  let message: String
}

struct JSONLineScanner {
  let b: UnsafeBufferPointer<UInt8>
  var i = 0
  /// String values of these keys are scanned without checking their UTF-8
  /// (`skipStringUnvalidated`): the caller decodes them anyway, and the decoder validates (see
  /// `RecordProcessor.prepareFast`). Empty (the default): every byte is checked, as always.
  var unvalidatedKeys: [String] = []
  /// The value ranges that were scanned without checking their UTF-8, and the number of escapes
  /// in each (a bound on its line breaks).
  var unvalidated: [Range<Int>] = []
  var unvalidatedEscapes: [Int] = []
  /// With `unvalidatedKeys`: the string value of each such key's first member is decoded while
  /// it is scanned (`JSONString.decodeString`, which checks everything the checking scan checks
  /// and the UTF-8 too), instead of being skipped here and decoded later: one pass over the
  /// bytes instead of two. Later members with the same key are skipped as `unvalidated`.
  var decodeValues = false
  var decoded: [(range: Range<Int>, document: Document)] = []

  init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

  /// The top-level object's members: key (decoded) and value byte range. Also returns the offset of
  /// the closing brace. Throws for anything that is not exactly one JSON object (whitespace around
  /// it is allowed).
  mutating func scanRecord() throws -> (members: [(key: String, value: Range<Int>)], close: Int) {
    // A UTF-8 byte-order mark before a record (Windows tools write one at the start of a file;
    // `cat` of such files puts one at the start of a line) is read as space: the record is
    // repaired and the mark, which no edit touches, stays where it was.
    if i == 0 && b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
    skipSpace()
    guard i < b.count, b[i] == UInt8(ascii: "{") else {
      throw JSONSyntaxError(offset: i, message: i < b.count ? "expected '{' at the start of a record" : "empty record")
    }
    i += 1
    var members: [(String, Range<Int>)] = []
    skipSpace()
    if peek() == UInt8(ascii: "}") {
      let close = i
      i += 1
      try finish()
      return ([], close)
    }
    while true {
      skipSpace()
      guard peek() == UInt8(ascii: "\"") else { throw JSONSyntaxError(offset: i, message: "expected a string key") }
      let ks = i
      try skipString()
      let key = try JSONString.decode(UnsafeBufferPointer(rebasing: b[ks..<i]), base: ks)
      skipSpace()
      guard peek() == UInt8(ascii: ":") else { throw JSONSyntaxError(offset: i, message: "expected ':' after a key") }
      i += 1
      skipSpace()
      let vs = i
      if !unvalidatedKeys.isEmpty && peek() == UInt8(ascii: "\"") && unvalidatedKeys.contains(key) {
        if decodeValues && !members.contains(where: { $0.0 == key }) {
          let (document, end) = try JSONString.decodeString(b, at: i, lines: (b.count - i) / 64 + 1)
          i = end
          decoded.append((vs..<i, document))
        } else {
          unvalidatedEscapes.append(try skipStringUnvalidated())
          unvalidated.append(vs..<i)
        }
      } else {
        try skipValue(depth: 1)
      }
      members.append((key, vs..<i))
      skipSpace()
      guard let c = peek() else { throw JSONSyntaxError(offset: i, message: "unterminated object") }
      if c == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if c == UInt8(ascii: "}") {
        let close = i
        i += 1
        try finish()
        return (members, close)
      }
      throw JSONSyntaxError(offset: i, message: "expected ',' or '}' in an object")
    }
  }

  mutating func finish() throws {
    skipSpace()
    if i < b.count { throw JSONSyntaxError(offset: i, message: "unexpected text after the record") }
  }

  @inline(__always) func peek() -> UInt8? { i < b.count ? b[i] : nil }

  @inline(__always) mutating func skipSpace() {
    while i < b.count {
      let c = b[i]
      if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else { break }
    }
  }

  mutating func skipValue(depth: Int) throws {
    guard depth < 512 else { throw JSONSyntaxError(offset: i, message: "nesting too deep") }
    guard let c = peek() else { throw JSONSyntaxError(offset: i, message: "expected a value") }
    switch c {
    case UInt8(ascii: "\""): try skipString()
    case UInt8(ascii: "{"):
      i += 1
      skipSpace()
      if peek() == UInt8(ascii: "}") {
        i += 1
        return
      }
      while true {
        skipSpace()
        guard peek() == UInt8(ascii: "\"") else { throw JSONSyntaxError(offset: i, message: "expected a string key") }
        try skipString()
        skipSpace()
        guard peek() == UInt8(ascii: ":") else { throw JSONSyntaxError(offset: i, message: "expected ':' after a key") }
        i += 1
        skipSpace()
        try skipValue(depth: depth + 1)
        skipSpace()
        guard let d = peek() else { throw JSONSyntaxError(offset: i, message: "unterminated object") }
        i += 1
        if d == UInt8(ascii: ",") { continue }
        if d == UInt8(ascii: "}") { return }
        throw JSONSyntaxError(offset: i - 1, message: "expected ',' or '}' in an object")
      }
    case UInt8(ascii: "["):
      i += 1
      skipSpace()
      if peek() == UInt8(ascii: "]") {
        i += 1
        return
      }
      while true {
        skipSpace()
        try skipValue(depth: depth + 1)
        skipSpace()
        guard let d = peek() else { throw JSONSyntaxError(offset: i, message: "unterminated array") }
        i += 1
        if d == UInt8(ascii: ",") { continue }
        if d == UInt8(ascii: "]") { return }
        throw JSONSyntaxError(offset: i - 1, message: "expected ',' or ']' in an array")
      }
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
    default: throw JSONSyntaxError(offset: i, message: "unexpected character")
    }
  }

  mutating func literal(_ s: StaticString) throws {
    let n = s.utf8CodeUnitCount
    guard i + n <= b.count else { throw JSONSyntaxError(offset: i, message: "invalid literal") }
    let p = s.utf8Start
    for k in 0..<n where b[i + k] != p[k] { throw JSONSyntaxError(offset: i, message: "invalid literal") }
    i += n
  }

  mutating func skipNumber() throws {
    let start = i
    if peek() == UInt8(ascii: "-") { i += 1 }
    guard let c = peek(), c >= 0x30 && c <= 0x39 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
    if c == 0x30 { i += 1 } else { while let d = peek(), d >= 0x30 && d <= 0x39 { i += 1 } }
    if peek() == UInt8(ascii: ".") {
      i += 1
      guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
      while let d = peek(), d >= 0x30 && d <= 0x39 { i += 1 }
    }
    if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      i += 1
      if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
      guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
      while let d = peek(), d >= 0x30 && d <= 0x39 { i += 1 }
    }
  }

  /// Skip a string (from its opening quote to after its closing quote), checking escapes, control
  /// characters and UTF-8.
  mutating func skipString() throws {
    let start = i
    i += 1
    let n = b.count
    let raw = UnsafeRawPointer(b.baseAddress!)
    while i < n {
      // Plain ASCII bytes (no quote, backslash or control character): thirty-two, then sixteen
      // at a time with SSE2 compares (`SWAR.hasSpecialJSONByte16`), then eight with word tricks.
      while i + 32 <= n {
        let x = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
        let y = raw.loadUnaligned(fromByteOffset: i + 16, as: SIMD16<UInt8>.self)
        if SWAR.hasSpecialJSONByte16(x, y) { break }
        i += 32
      }
      while i + 16 <= n {
        if SWAR.hasSpecialJSONByte16(raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)) { break }
        i += 16
      }
      while i + 8 <= n {
        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if SWAR.hasSpecialJSONByte(x) { break }
        i += 8
      }
      guard i < n else { break }
      let c = b[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return
      }
      if c == UInt8(ascii: "\\") {
        guard i + 1 < n else { break }
        i += try escapeLength(at: i)
        continue
      }
      if c < 0x20 { throw JSONSyntaxError(offset: i, message: "control character in a string (must be escaped)") }
      if c < 0x80 {
        i += 1
        continue
      }
      let len = UTF8Check.sequenceLength(b, i)
      if len == 0 { throw JSONSyntaxError(offset: i, message: "invalid UTF-8") }
      i += len
    }
    throw JSONSyntaxError(offset: start, message: "unterminated string")
  }

  /// The length of the escape whose backslash is at `i` (2, or 6 for `\uXXXX`; the caller has
  /// checked that a byte follows it); an invalid escape is a syntax error at `i`.
  @inline(__always)
  func escapeLength(at i: Int) throws -> Int {
    try Self.escapeLength(b, at: i)
  }

  @inline(__always)
  static func escapeLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) throws -> Int {
    let n = b.count
    switch b[i + 1] {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
      UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      return 2
    case UInt8(ascii: "u"):
      guard i + 5 < n, (2...5).allSatisfy({ JSONString.hex(b[i + $0]) != nil }) else {
        throw JSONSyntaxError(offset: i, message: "invalid \\u escape")
      }
      return 6
    default:
      throw JSONSyntaxError(offset: i, message: "invalid escape")
    }
  }

  /// `skipString` without the UTF-8 check: stops at a quote, a backslash or a control character
  /// only (sixteen bytes at a time), and checks escapes and control characters as `skipString`
  /// does. Accepts every string `skipString` accepts, and more (invalid UTF-8), so a caller must
  /// validate the value's bytes itself before trusting it.
  /// Returns the number of escapes in the string.
  @discardableResult
  mutating func skipStringUnvalidated() throws -> Int {
    let start = i
    var escapes = 0
    i += 1
    let n = b.count
    let raw = UnsafeRawPointer(b.baseAddress!)
    while i < n {
      i = SWAR.skipToQuoteBackslashControl(raw, from: i, to: n)
      guard i < n else { break }
      let c = b[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return escapes
      }
      if c == UInt8(ascii: "\\") {
        guard i + 1 < n else { break }
        escapes += 1
        i += try escapeLength(at: i)
        continue
      }
      if c < 0x20 { throw JSONSyntaxError(offset: i, message: "control character in a string (must be escaped)") }
      i += 1
    }
    throw JSONSyntaxError(offset: start, message: "unterminated string")
  }

  /// Element ranges of an array value (already validated).
  static func arrayElements(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> [Range<Int>] {
    var s = JSONLineScanner(UnsafeBufferPointer(rebasing: b[r]))
    var out: [Range<Int>] = []
    s.i = 1
    s.skipSpace()
    if s.peek() == UInt8(ascii: "]") { return [] }
    while s.i < s.b.count {
      s.skipSpace()
      let st = s.i
      do { try s.skipValue(depth: 1) } catch { return out }
      out.append((st + r.lowerBound)..<(s.i + r.lowerBound))
      s.skipSpace()
      guard let d = s.peek() else { break }
      s.i += 1
      if d == UInt8(ascii: "]") { break }
    }
    return out
  }
}

enum UTF8Check {
  @inline(__always)
  static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    let c = b[i]
    if c < 0x80 { return 1 }
    let n = b.count
    switch c {
    case 0xC2...0xDF:
      return i + 1 < n && b[i + 1] & 0xC0 == 0x80 ? 2 : 0
    case 0xE0...0xEF:
      guard i + 2 < n, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80 else { return 0 }
      if c == 0xE0 && b[i + 1] < 0xA0 { return 0 }
      if c == 0xED && b[i + 1] >= 0xA0 { return 0 }
      return 3
    case 0xF0...0xF4:
      guard i + 3 < n, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80, b[i + 3] & 0xC0 == 0x80 else { return 0 }
      if c == 0xF0 && b[i + 1] < 0x90 { return 0 }
      if c == 0xF4 && b[i + 1] >= 0x90 { return 0 }
      return 4
    default:
      return 0
    }
  }

  static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    while i < b.count {
      if b[i] < 0x80 {
        i += 1
        continue
      }
      let l = sequenceLength(b, i)
      if l == 0 { return i }
      i += l
    }
    return nil
  }
}

enum JSONString {
  @inline(__always) static func hex(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c - 0x30)
    case 0x41...0x46: return UInt32(c - 0x41 + 10)
    case 0x61...0x66: return UInt32(c - 0x61 + 10)
    default: return nil
    }
  }

  /// Decode a validated JSON string (with its quotes). A lone surrogate escape is an error (a
  /// Swift String cannot hold it, and mend will not alter it silently).
  static func decode(_ s: UnsafeBufferPointer<UInt8>, base: Int = 0) throws -> String {
    let body = UnsafeBufferPointer(rebasing: s[1..<(s.count - 1)])
    if !body.contains(UInt8(ascii: "\\")) { return String(decoding: body, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(body.count)
    var i = 0
    func u4(_ at: Int) -> UInt32 {
      (hex(body[at])! << 12) | (hex(body[at + 1])! << 8) | (hex(body[at + 2])! << 4) | hex(body[at + 3])!
    }
    while i < body.count {
      // Copy the run up to the next backslash in one go.
      var j = i
      while j < body.count && body[j] != UInt8(ascii: "\\") { j += 1 }
      if j > i {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: body[i..<j]))
        i = j
        continue
      }
      let e = body[i + 1]
      switch e {
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var v = u4(i + 2)
        i += 6
        if v >= 0xD800 && v < 0xDC00 {
          guard i + 5 < body.count, body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u") else {
            throw JSONSyntaxError(offset: base + 1 + i - 6, message: "lone surrogate escape")
          }
          let lo = u4(i + 2)
          guard lo >= 0xDC00 && lo < 0xE000 else {
            throw JSONSyntaxError(offset: base + 1 + i - 6, message: "lone surrogate escape")
          }
          v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
          i += 6
        } else if v >= 0xDC00 && v < 0xE000 {
          throw JSONSyntaxError(offset: base + 1 + i - 6, message: "lone surrogate escape")
        }
        out.append(contentsOf: String(Character(Unicode.Scalar(v)!)).utf8)
        continue
      default: out.append(e)  // \" \\ \/
      }
      i += 2
    }
    return String(decoding: out, as: UTF8.self)
  }

  static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// Append `s` as a JSON string (with quotes): escapes `"`, `\` and control characters; every
  /// other character is written as UTF-8.
  static func encode(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { appendEscaped($0, into: &out) }
    out.append(UInt8(ascii: "\""))
  }

  static func encoded(_ s: String) -> [UInt8] {
    var o: [UInt8] = []
    encode(s, into: &o)
    return o
  }
}

/// Build a new record from the original bytes with some value ranges replaced, and optionally
/// one member inserted before the closing brace.
struct Splice {
  var edits: [(range: Range<Int>, bytes: [UInt8])] = []
  /// Values replaced by a document's text, written as a JSON string straight into the output by
  /// `apply` (`JSONString.encode(document:into:)`, the same bytes as an edit of its encoding,
  /// without encoding into a buffer first and copying that).
  var documents: [(range: Range<Int>, document: Document)] = []

  var isEmpty: Bool { edits.isEmpty && documents.isEmpty }

  func apply(to b: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    var pos = 0
    if documents.isEmpty {
      for e in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[pos..<e.range.lowerBound]))
        out.append(contentsOf: e.bytes)
        pos = e.range.upperBound
      }
    } else {
      // Edits as indices (>= 0) and documents as ~index (< 0), in the order of their ranges.
      let order = (edits.indices.map { (edits[$0].range.lowerBound, $0) } + documents.indices.map { (documents[$0].range.lowerBound, ~$0) })
        .sorted { $0.0 < $1.0 }
      for (start, k) in order {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[pos..<start]))
        if k >= 0 {
          out.append(contentsOf: edits[k].bytes)
          pos = edits[k].range.upperBound
        } else {
          JSONString.encode(document: documents[~k].document, into: &out, source: b, value: documents[~k].range)
          pos = documents[~k].range.upperBound
        }
      }
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[pos..<b.count]))
  }
}

/// Eight bytes at a time.
enum SWAR {
  static let high: UInt64 = 0x8080_8080_8080_8080
  static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

  /// 0x80 in each byte of x that is zero, exactly (no false positives).
  @inline(__always)
  static func zeroBytes(_ x: UInt64) -> UInt64 {
    ~(((x & low7) &+ low7) | x) & high
  }

  /// Whether x holds a byte that is not plain ASCII inside a JSON string: a byte >= 0x80, a
  /// control character (< 0x20), a quote or a backslash.
  @inline(__always)
  static func hasSpecialJSONByte(_ x: UInt64) -> Bool {
    if x & high != 0 { return true }
    return zeroBytes(x & 0x6060_6060_6060_6060) | zeroBytes(x ^ 0x2222_2222_2222_2222)
      | zeroBytes(x ^ 0x5C5C_5C5C_5C5C_5C5C) != 0
  }

  /// `hasSpecialJSONByte` of sixteen bytes: a byte < 0x20 or ≥ 0x80 (one signed compare: both
  /// are < 0x20 as Int8), a quote or a backslash. The mask is tested as two words (one `movmsk`;
  /// `any(_:)` reduces byte by byte and Swift's generic SIMD paths are slow).
  @inline(__always)
  static func hasSpecialJSONByte16(_ v: SIMD16<UInt8>) -> Bool {
    let m = specialMask16(v)
    let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
    return w[0] | w[1] != 0
  }

  @inline(__always)
  static func hasSpecialJSONByte16(_ v: SIMD16<UInt8>, _ u: SIMD16<UInt8>) -> Bool {
    let m = specialMask16(v) .| specialMask16(u)
    let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
    return w[0] | w[1] != 0
  }

  @inline(__always)
  static func specialMask16(_ v: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
    let s = unsafeBitCast(v, to: SIMD16<Int8>.self)
    return (s .< unsafeBitCast(splat16(0x20), to: SIMD16<Int8>.self)) .| (v .== splat16(0x22)) .| (v .== splat16(0x5C))
  }

  /// Offset (0...15) of the first quote, backslash or control character (< 0x20) among sixteen
  /// bytes, or 16 when there is none.
  @inline(__always)
  static func firstQuoteBackslashControl16(_ v: SIMD16<UInt8>) -> Int {
    firstSet16((v & splat16(0xE0)) .== splat16(0) .| (v .== splat16(0x22)) .| (v .== splat16(0x5C)))
  }

  /// Offset (0...15) of the first backslash or byte ≥ 0x80 among sixteen bytes, or 16.
  @inline(__always)
  static func firstBackslashOrHigh16(_ v: SIMD16<UInt8>) -> Int {
    let s = unsafeBitCast(v, to: SIMD16<Int8>.self)
    return firstSet16((s .< unsafeBitCast(splat16(0), to: SIMD16<Int8>.self)) .| (v .== splat16(0x5C)))
  }

  @inline(__always)
  static func quoteBackslashControl(_ v: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
    (v & splat16(0xE0)) .== splat16(0) .| (v .== splat16(0x22)) .| (v .== splat16(0x5C))
  }

  @inline(__always)
  static func backslashOrHigh(_ v: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
    let s = unsafeBitCast(v, to: SIMD16<Int8>.self)
    return (s .< unsafeBitCast(splat16(0), to: SIMD16<Int8>.self)) .| (v .== splat16(0x5C))
  }

  @inline(__always)
  static func any16(_ m: SIMDMask<SIMD16<Int8>>) -> Bool {
    let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
    return w[0] | w[1] != 0
  }

  /// From `i`, the offset of the first quote, backslash or control character in raw[..<n], or
  /// the first offset with fewer than sixteen bytes left before `n` (the caller finishes those
  /// byte by byte): 64 bytes a step (one test of the four masks together), then 16. Exact: a
  /// 64-byte step is taken only when none of its bytes is flagged.
  @inline(__always)
  static func skipToQuoteBackslashControl(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> Int {
    skipUnflagged(raw, from: i, to: n, quoteBackslashControl)
  }

  /// For `n - 16 < i < n` and `n ≥ 16`: the offset of the first quote, backslash or control
  /// character in raw[i..<n], or `n` — the sixteen bytes raw[n - 16 ..< n] compared at once,
  /// lanes before `i` dropped. Exact on the lanes it keeps.
  @inline(__always)
  static func lastQuoteBackslashControl(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> Int {
    let base = n - 16
    var w = unsafeBitCast(quoteBackslashControl(raw.loadUnaligned(fromByteOffset: base, as: SIMD16<UInt8>.self)), to: SIMD2<UInt64>.self)
    let d = i - base  // 1...15
    if d < 8 {
      w[0] &= ~0 << UInt64(8 * d)
    } else {
      w[0] = 0
      w[1] &= ~0 << UInt64(8 * (d - 8))
    }
    if w[0] != 0 { return base + w[0].trailingZeroBitCount >> 3 }
    if w[1] != 0 { return base + 8 + w[1].trailingZeroBitCount >> 3 }
    return n
  }

  /// `skipToQuoteBackslashControl` for a quote, a backslash, a control character or a byte ≥ 0x80.
  @inline(__always)
  static func skipToSpecial(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> Int {
    skipUnflagged(raw, from: i, to: n, specialMask16)
  }

  /// `skipToQuoteBackslashControl` for a backslash or a byte ≥ 0x80.
  @inline(__always)
  static func skipToBackslashOrHigh(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> Int {
    skipUnflagged(raw, from: i, to: n, backslashOrHigh)
  }

  /// From `i`, the offset of the first byte `flag` marks, or the first offset with fewer than
  /// sixteen bytes left before `n`: 64 bytes a step while none is flagged, then 16.
  @inline(__always)
  static func skipUnflagged(
    _ raw: UnsafeRawPointer, from i: Int, to n: Int, _ flag: (SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>>
  ) -> Int {
    var i = i
    while i + 64 <= n {
      let a = flag(raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self))
      let b = flag(raw.loadUnaligned(fromByteOffset: i + 16, as: SIMD16<UInt8>.self))
      let c = flag(raw.loadUnaligned(fromByteOffset: i + 32, as: SIMD16<UInt8>.self))
      let d = flag(raw.loadUnaligned(fromByteOffset: i + 48, as: SIMD16<UInt8>.self))
      if any16(a .| b .| c .| d) { break }
      i += 64
    }
    while i + 16 <= n {
      let k = firstSet16(flag(raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)))
      i += k
      if k < 16 { return i }
    }
    return i
  }

  /// Offset (0...15) of the first set lane of a sixteen-byte compare mask, or 16. The mask is
  /// read as two words (each lane is 0x00 or 0xFF).
  @inline(__always)
  static func firstSet16(_ m: SIMDMask<SIMD16<Int8>>) -> Int {
    let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
    if w[0] != 0 { return w[0].trailingZeroBitCount >> 3 }
    if w[1] != 0 { return 8 + w[1].trailingZeroBitCount >> 3 }
    return 16
  }

  /// Sixteen copies of a byte, built from two words (`SIMD16(repeating:)` may compile to a loop
  /// of sixteen stores at every use instead of a constant).
  @inline(__always)
  static func splat16(_ b: UInt8) -> SIMD16<UInt8> {
    let x = UInt64(b) &* 0x0101_0101_0101_0101
    return unsafeBitCast(SIMD2<UInt64>(x, x), to: SIMD16<UInt8>.self)
  }

  /// `hasSpecialJSONByte` of either word.
  @inline(__always)
  static func hasSpecialJSONByte(_ x: UInt64, _ y: UInt64) -> Bool {
    if (x | y) & high != 0 { return true }
    return zeroBytes(x & 0x6060_6060_6060_6060) | zeroBytes(x ^ 0x2222_2222_2222_2222) | zeroBytes(x ^ 0x5C5C_5C5C_5C5C_5C5C)
      | zeroBytes(y & 0x6060_6060_6060_6060) | zeroBytes(y ^ 0x2222_2222_2222_2222) | zeroBytes(y ^ 0x5C5C_5C5C_5C5C_5C5C) != 0
  }

  /// Whether x holds a byte that must be escaped in a JSON string: a control character, a quote or
  /// a backslash (bytes >= 0x80 are written as they are).
  @inline(__always)
  static func hasEscapedJSONByte(_ x: UInt64) -> Bool {
    // A byte < 0x20 has bits 5 and 6 clear; a byte >= 0x80 with them clear is masked out.
    (zeroBytes(x & 0xE0E0_E0E0_E0E0_E0E0) | zeroBytes(x ^ 0x2222_2222_2222_2222)
      | zeroBytes(x ^ 0x5C5C_5C5C_5C5C_5C5C)) != 0
  }
}

extension SWAR {
  /// The decoder's stops among sixteen bytes `v` (with `u` the sixteen bytes one before them):
  /// a byte < 0x20, DEL or ≥ 0x80 (`v + 1` as a signed byte is then < 0x21: 0x7F and 0xFF wrap
  /// to -128 and 0, 0x80...0xFE to negatives, 0x00...0x1F to 1...0x20; and no other byte gives
  /// that), a quote or '&' (`v | 4` is 0x26 exactly for 0x22 and 0x26), a backslash, and a space
  /// after a space (`v | u` is 0x20 exactly when both are 0x20 or 0x00, and a 0x00 is itself a
  /// stop — or, as the byte before, one the decoder never passes). A superset of what the
  /// decoder must look at; it checks every stop byte itself.
  @inline(__always)
  static func decodeStopMask(_ v: SIMD16<UInt8>, _ u: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
    let s = unsafeBitCast(v &+ splat16(1), to: SIMD16<Int8>.self)
    let low = s .< unsafeBitCast(splat16(0x21), to: SIMD16<Int8>.self)
    return low .| ((v | splat16(0x04)) .== splat16(0x26)) .| (v .== splat16(0x5C)) .| ((v | u) .== splat16(0x20))
  }

  /// From `i` (≥ 1: the byte before is read), the offset of the first decoder stop
  /// (`decodeStopMask`), or the first offset with fewer than sixteen bytes left before `n`.
  @inline(__always)
  static func skipToDecodeStop(_ raw: UnsafeRawPointer, from i: Int, to n: Int) -> Int {
    var i = i
    while i + 32 <= n {
      let a = decodeStopMask(
        raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self),
        raw.loadUnaligned(fromByteOffset: i - 1, as: SIMD16<UInt8>.self))
      let b = decodeStopMask(
        raw.loadUnaligned(fromByteOffset: i + 16, as: SIMD16<UInt8>.self),
        raw.loadUnaligned(fromByteOffset: i + 15, as: SIMD16<UInt8>.self))
      if any16(a .| b) {
        let k = firstSet16(a)
        return k < 16 ? i + k : i + 16 + firstSet16(b)
      }
      i += 32
    }
    while i + 16 <= n {
      let k = firstSet16(
        decodeStopMask(
          raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self),
          raw.loadUnaligned(fromByteOffset: i - 1, as: SIMD16<UInt8>.self)))
      i += k
      if k < 16 { return i }
    }
    return i
  }
}

extension JSONString {
  /// A JSON string value's bytes are not valid UTF-8 (only a value scanned by
  /// `skipStringUnvalidated` can get here): the caller goes back to the checking scanner.
  struct InvalidUTF8: Error {}

  /// Decode a JSON string value (with its quotes, escapes and control characters already
  /// checked by the scanner) straight into a document: one fragment per line, exactly as
  /// `Document(text: decode(s))`, without building the whole text (`decodeString` on the value).
  /// Throws `InvalidUTF8` for invalid UTF-8 and a `JSONSyntaxError` for a lone surrogate escape.
  /// `lines`: the number of fragments expected, if known (room is reserved for them).
  static func decodeDocument(_ s: UnsafeBufferPointer<UInt8>, base: Int = 0, lines expected: Int = 0) throws -> Document {
    do {
      let (document, end) = try decodeString(s, at: 0, lines: expected, sourceBase: base)
      assert(end == s.count, "decodeDocument: not one JSON string")
      return document
    } catch let e as JSONSyntaxError {
      throw JSONSyntaxError(offset: base + e.offset, message: e.message)
    }
  }

  /// Scan and decode the JSON string that starts at `b[start]` (its opening quote) in one pass,
  /// straight into a document: one fragment per line, exactly as `Document(text: decode(...))`.
  /// Returns the document and the offset after the closing quote. Checks everything
  /// `JSONLineScanner.skipString` checks — a control character, an invalid escape, an
  /// unterminated string (a `JSONSyntaxError`), invalid UTF-8 (`InvalidUTF8`) — and rejects a
  /// lone surrogate escape (a `JSONSyntaxError` at its backslash), so whatever it accepts the
  /// checking scan accepts too, with the same end. Each line's String is made without validating
  /// again (its bytes were just checked), and with its `TextFacts`, which are exact (computed
  /// from the line's final bytes). Lines with no escape are made from the record's bytes
  /// directly. `lines`: room to reserve for fragments.
  /// A line with no escape records where its bytes are (`Fragment.sourceOffset`: its offset
  /// in `b` plus `sourceBase`), for `encode(document:into:source:value:)`.
  static func decodeString(
    _ b: UnsafeBufferPointer<UInt8>, at start: Int, lines expected: Int = 0, sourceBase: Int = 0
  ) throws -> (Document, Int) {
    let n = b.count
    let p = b.baseAddress!
    let raw = UnsafeRawPointer(p)
    var frags: [Fragment] = []
    if expected > 0 { frags.reserveCapacity(expected) }
    var scratch: [UInt8] = []
    var usingScratch = false
    var ascii = true  // no byte ≥ 0x80 in the line so far (raw or decoded)
    var segStart = start + 1
    var i = start + 1
    var lines = 0

    func u4(_ at: Int) -> UInt32 {
      (hex(p[at])! << 12) | (hex(p[at + 1])! << 8) | (hex(p[at + 2])! << 4) | hex(p[at + 3])!
    }
    // The line's `TextFacts`, found on the way (exact; see the skip loop below): `pairs` — two
    // raw spaces in a row; `ampDel` — a raw '&' or DEL (then the facts are counted on the
    // line's bytes at its end: rare); `control` — an escape that decodes to a byte < 0x20;
    // `unknown` — a \u escape that decodes to an ASCII character (it could pair with a raw
    // space, or be an '&'): the line gets no facts.
    var pairs = false
    var ampDel = false
    var control = false
    var unknown = false
    func make(_ bytes: UnsafeBufferPointer<UInt8>, source: Int) -> Fragment {
      let text = ValidatedUTF8.string(bytes, isASCII: ascii)
      let facts: TextFacts
      if unknown {
        facts = []
      } else if ampDel {
        facts = TextFacts.of(bytes)
      } else {
        var f: TextFacts = .known
        if pairs { f.insert(.spacePair) }
        if control { f.insert(.control) }
        facts = f
      }
      pairs = false
      ampDel = false
      control = false
      unknown = false
      return Fragment(text: text, line: lines, facts: facts, sourceOffset: source)
    }
    // Every line is valid UTF-8: its raw pieces were checked byte by byte below (cut only at a
    // backslash, an ASCII byte, so at scalar boundaries), and an escape adds a whole scalar
    // (lone surrogates are rejected); `ascii` saw every byte ≥ 0x80 of both.
    func emitLine(upTo end: Int) {
      lines += 1
      if usingScratch {
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + segStart, count: end - segStart))
        frags.append(scratch.withUnsafeBufferPointer { make($0, source: -1) })
        scratch.removeAll(keepingCapacity: true)
        usingScratch = false
      } else {
        frags.append(make(UnsafeBufferPointer(start: p + segStart, count: end - segStart), source: sourceBase + segStart))
      }
      ascii = true
    }

    while true {
      // To the next byte that is not plain: a quote, backslash, control character or byte ≥ 0x80
      // (the decoder acts on those) or a byte a fact is about — '&', DEL, or a space whose byte
      // before is a space — thirty-two then sixteen bytes a step (`SWAR.decodeStopMask`, one
      // combined mask: facts bytes are rare, so they are stops handled below like the others
      // rather than masks kept per chunk). Every byte passed over is ASCII, stays as it is and
      // changes no fact. Exact: a space pair in the decoded line is two raw spaces in a row — no
      // escape decodes to nothing or ends with a space, and the one that decodes to a space
      // (\u0020) makes the line's facts unknown — and the bytes before the line (the `n` of
      // `\n`, the opening quote) are never spaces; the chunk is compared with itself loaded one
      // byte back (`i - 1` is at least `start`, the opening quote).
      i = SWAR.skipToDecodeStop(raw, from: i, to: n)
      guard i < n else { throw JSONSyntaxError(offset: start, message: "unterminated string") }
      let c = p[i]
      if c == UInt8(ascii: "\"") { break }
      if c >= 0x80 {
        // A run of non-ASCII characters (a word of Devanagari, Cyrillic...) in one loop.
        ascii = false
        repeat {
          // A three-byte character (Devanagari, most punctuation) with one 32-bit load: lead
          // E1...EC or EE...EF, or E0 with a second byte ≥ 0xA0, or ED with one < 0xA0, and two
          // continuation bytes — exactly the three-byte sequences `sequenceLength` accepts;
          // anything else (other lengths, errors) goes through it.
          if i + 4 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            if w & 0x00C0_C0F0 == 0x0080_80E0 {
              let lead = w & 0xFF
              let b1 = (w >> 8) & 0xFF
              if !(lead == 0xE0 && b1 < 0xA0) && !(lead == 0xED && b1 >= 0xA0) {
                i += 3
                continue
              }
            }
          }
          let len = UTF8Check.sequenceLength(b, i)
          if len == 0 { throw InvalidUTF8() }
          i += len
        } while i < n && p[i] >= 0x80
        continue
      }
      if c < 0x20 { throw JSONSyntaxError(offset: i, message: "control character in a string (must be escaped)") }
      if c != UInt8(ascii: "\\") {
        // A byte a fact is about (a stop of the skip), or a plain byte of the last few (fewer
        // than sixteen left): its facts one by one.
        if c == 0x26 || c == 0x7F { ampDel = true }
        if c == 0x20 && p[i - 1] == 0x20 { pairs = true }
        i += 1
        continue
      }
      guard i + 1 < n else { throw JSONSyntaxError(offset: start, message: "unterminated string") }
      let len = try JSONLineScanner.escapeLength(b, at: i)
      let j = i
      let e = p[j + 1]
      if e == UInt8(ascii: "n") {
        emitLine(upTo: j)
        i = j + 2
        segStart = i
        continue
      }
      scratch.append(contentsOf: UnsafeBufferPointer(start: p + segStart, count: j - segStart))
      usingScratch = true
      i = j + len
      switch e {
      case UInt8(ascii: "b"):
        scratch.append(0x08)
        control = true
      case UInt8(ascii: "f"):
        scratch.append(0x0C)
        control = true
      case UInt8(ascii: "r"):
        scratch.append(0x0D)
        control = true
      case UInt8(ascii: "t"):
        scratch.append(0x09)
        control = true
      case UInt8(ascii: "u"):
        var v = u4(j + 2)
        if v >= 0xD800 && v < 0xDC00 {
          guard i + 5 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u"),
            (2...5).allSatisfy({ hex(p[i + $0]) != nil })
          else {
            throw JSONSyntaxError(offset: j, message: "lone surrogate escape")
          }
          let lo = u4(i + 2)
          guard lo >= 0xDC00 && lo < 0xE000 else {
            throw JSONSyntaxError(offset: j, message: "lone surrogate escape")
          }
          v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
          i += 6
        } else if v >= 0xDC00 && v < 0xE000 {
          throw JSONSyntaxError(offset: j, message: "lone surrogate escape")
        }
        if v == 0x0A {
          // An escaped line feed (\u000a) ends the line like \n.
          segStart = i
          emitLine(upTo: i)
          continue
        }
        if v >= 0x80 { ascii = false } else { unknown = true }
        UTF8Bytes.append(v, to: &scratch)
      default: scratch.append(e)  // \" \\ \/
      }
      segStart = i
    }
    let close = i
    if usingScratch || segStart < close {
      emitLine(upTo: close)
      return (Document(fragments: frags, endsWithNewline: false), close + 1)
    }
    return (Document(fragments: frags, endsWithNewline: lines > 0), close + 1)
  }

  /// Append the bytes of `b` escaped for a JSON string (no quotes), as `encode` does.
  static func appendEscaped(_ buf: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    guard let base = buf.baseAddress else { return }
    let raw = UnsafeRawPointer(base)
    let n = buf.count
    var runStart = 0
    var i = 0
    while i < n {
      // To the next byte that needs an escape (the same set as `hasEscapedJSONByte`: control
      // characters, quote, backslash), 64 and 16 bytes at a time; the last bytes one by one.
      i = SWAR.skipToQuoteBackslashControl(raw, from: i, to: n)
      if i < n && i + 16 > n && n >= 16 {
        // Fewer than sixteen bytes left: the last sixteen of the buffer in one load, without
        // the lanes before `i` (looked at already), instead of byte by byte.
        i = SWAR.lastQuoteBackslashControl(raw, from: i, to: n)
      }
      guard i < n else { break }
      let c = buf[i]
      if c >= 0x20 && c != 0x22 && c != 0x5C {
        i += 1
        continue
      }
      out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
      i += 1
      runStart = i
      out.append(0x5C)
      switch c {
      case 0x22: out.append(0x22)
      case 0x5C: out.append(0x5C)
      case 0x0A: out.append(UInt8(ascii: "n"))
      case 0x0D: out.append(UInt8(ascii: "r"))
      case 0x09: out.append(UInt8(ascii: "t"))
      case 0x08: out.append(UInt8(ascii: "b"))
      case 0x0C: out.append(UInt8(ascii: "f"))
      default:
        out.append(UInt8(ascii: "u"))
        out.append(0x30)
        out.append(0x30)
        out.append(hexDigits[Int(c >> 4)])
        out.append(hexDigits[Int(c & 15)])
      }
    }
    out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart))
  }

  /// `encode(document:into:)` for a document decoded from `source[value]`, a JSON string value
  /// the scanner accepted (quotes included): the same bytes, but a fragment whose text is found,
  /// byte for byte, where its `sourceOffset` says is copied from there instead of escaped, and
  /// runs of such fragments joined by `\n` in the source are copied in one piece.
  ///
  /// Conservative, whatever the offsets are (`rawSpan` checks each): a region of the value's body
  /// (between its quotes) that equals the text, holds no backslash and does not follow one,
  /// holds no quote either (in an accepted string every quote of the body follows a backslash
  /// that starts an escape) and no control character (none is accepted raw), so escaping the
  /// text (quote, backslash, controls) leaves it as it is: the region's bytes are its encoding.
  /// Two such regions with exactly `\n` between them are the encoding of the two texts joined by
  /// a line feed: that backslash follows the first region's last byte, or — the region empty —
  /// the byte before it, neither of them a backslash, so it starts an escape.
  static func encode(document: Document, into out: inout [UInt8], source: UnsafeBufferPointer<UInt8>, value: Range<Int>) {
    var total = out.count + 2 + 2 * document.fragments.count
    for f in document.fragments { total += f.text.utf8.count }
    if out.capacity < total { out.reserveCapacity(max(total, out.capacity * 2)) }
    out.append(UInt8(ascii: "\""))
    let body = (value.lowerBound + 1)..<(value.upperBound - 1)
    let sp = source.baseAddress!
    var spanStart = 0
    var spanEnd = -1  // no span pending
    for (k, f) in document.fragments.enumerated() {
      var t = f.text
      t.withUTF8 { tb in
        let r = f.sourceOffset
        if r >= 0 && rawSpan(tb, at: r, in: source, body: body) {
          if spanEnd >= 0 && k > 0 && r == spanEnd + 2 && sp[spanEnd] == 0x5C && sp[spanEnd + 1] == UInt8(ascii: "n") {
            spanEnd = r + tb.count
            return
          }
          if spanEnd >= 0 { out.append(contentsOf: UnsafeBufferPointer(start: sp + spanStart, count: spanEnd - spanStart)) }
          if k > 0 {
            out.append(0x5C)
            out.append(UInt8(ascii: "n"))
          }
          spanStart = r
          spanEnd = r + tb.count
          return
        }
        if spanEnd >= 0 {
          out.append(contentsOf: UnsafeBufferPointer(start: sp + spanStart, count: spanEnd - spanStart))
          spanEnd = -1
        }
        if k > 0 {
          out.append(0x5C)
          out.append(UInt8(ascii: "n"))
        }
        appendEscaped(tb, into: &out)
      }
    }
    if spanEnd >= 0 { out.append(contentsOf: UnsafeBufferPointer(start: sp + spanStart, count: spanEnd - spanStart)) }
    if document.endsWithNewline && !document.fragments.isEmpty {
      out.append(0x5C)
      out.append(UInt8(ascii: "n"))
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Whether `source[r ..< r + text.count]` lies in `body`, does not follow a backslash, holds
  /// none, and equals `text` (then it is `text`'s JSON encoding: see `encode(document:into:source:value:)`).
  @inline(__always)
  static func rawSpan(_ text: UnsafeBufferPointer<UInt8>, at r: Int, in source: UnsafeBufferPointer<UInt8>, body: Range<Int>) -> Bool {
    let n = text.count
    guard r >= body.lowerBound, r <= body.upperBound - n else { return false }
    let at = source.baseAddress! + r
    if r > body.lowerBound && source[r - 1] == 0x5C { return false }
    guard n > 0 else { return true }
    return memcmp(at, text.baseAddress!, n) == 0 && memchr(at, 0x5C, n) == nil
  }

  /// Append a document's text (fragments joined by LF) as a JSON string with quotes: the same
  /// bytes as `encode(document.text, into:)`, without building the text.
  static func encode(document: Document, into out: inout [UInt8]) {
    // Room for the text and its line breaks (escapes may still grow it).
    var total = out.count + 2 + 2 * document.fragments.count
    for f in document.fragments { total += f.text.utf8.count }
    if out.capacity < total { out.reserveCapacity(max(total, out.capacity * 2)) }
    out.append(UInt8(ascii: "\""))
    for (k, f) in document.fragments.enumerated() {
      if k > 0 {
        out.append(0x5C)
        out.append(UInt8(ascii: "n"))
      }
      var t = f.text
      t.withUTF8 { appendEscaped($0, into: &out) }
    }
    if document.endsWithNewline && !document.fragments.isEmpty {
      out.append(0x5C)
      out.append(UInt8(ascii: "n"))
    }
    out.append(UInt8(ascii: "\""))
  }
}
