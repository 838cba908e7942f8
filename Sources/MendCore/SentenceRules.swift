import CICU

/// Sentence boundaries computed on UTF-8 bytes, without ICU's break iterator: the UAX #29 sentence
/// rules (SB5–SB11) over the Sentence_Break property (read from ICU, so the Unicode version is
/// ICU's), followed by the break suppressions ICU applies for `@ss=standard`, emulated step by
/// step after ICU's `SimpleFilteredSentenceBreakIterator` (including its quirks: a break after
/// `U.S. ` is not suppressed, because `U.S.A.` is also on the list).
///
/// Only for locales whose sentence rules are ICU's root rules (language `en`); a text holding a
/// paragraph separator (CR, LF, NEL, U+2028, U+2029) is left to ICU. `SentenceSegmenterFastPathTests`
/// checks the result against ICU on every paragraph of the evaluation corpus and on generated text.
final class SentenceRules: @unchecked Sendable {
  // Sentence_Break values as ICU numbers them (UCHAR_SENTENCE_BREAK).
  static let other: UInt8 = 0, aTerm: UInt8 = 1, close: UInt8 = 2, format: UInt8 = 3
  static let lower: UInt8 = 4, numeric: UInt8 = 5, oLetter: UInt8 = 6, sep: UInt8 = 7
  static let sp: UInt8 = 8, sTerm: UInt8 = 9, upper: UInt8 = 10, cr: UInt8 = 11
  static let extend: UInt8 = 12, lf: UInt8 = 13, sContinue: UInt8 = 14

  /// Class of each ASCII byte. Immutable after init (shared by all threads).
  let ascii: UnsafeMutablePointer<UInt8>
  /// Bytes the scan must look at: `.`, `!`, `?`, CR, LF and every byte ≥ 0x80.
  let stop: UnsafeMutablePointer<Bool>
  /// Whether the stop bytes are exactly `.` `!` `?` LF CR and ≥ 0x80, so the scan may test eight
  /// bytes at a time.
  let wordScan: Bool
  /// ICU's suppression tries: reversed entries and prefixes (backwards), partial entries (forwards).
  let backwards: ByteTrie
  let forwards: ByteTrie

  /// The rules for a locale, or nil when ICU's own iterator must be used.
  static func forLocale(_ locale: String) -> SentenceRules? {
    switch locale {
    case "en@ss=standard": return englishStandard
    case "en": return english
    default: return nil
    }
  }

  private static let englishStandard = SentenceRules(locale: "en@ss=standard")
  private static let english = SentenceRules(locale: "en")

  private init?(locale: String) {
    var base = [CChar](repeating: 0, count: 64)
    guard mend_locale_base_name(locale, &base, 64) >= 0,
      String(decoding: base.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "en"
    else { return nil }
    ascii = .allocate(capacity: 128)
    stop = .allocate(capacity: 256)
    var asciiOK = true
    for b in 0..<128 {
      let c = UInt8(truncatingIfNeeded: mend_sentence_break_property(UInt32(b)))
      ascii[b] = c
      // The scan below assumes no ASCII character extends another.
      if c == Self.extend || c == Self.format { asciiOK = false }
    }
    for b in 0..<256 {
      stop[b] = b >= 0x80 || b == 0x0A || b == 0x0D || (b < 0x80 && (ascii[b] == Self.aTerm || ascii[b] == Self.sTerm))
    }
    var expected = [Bool](repeating: false, count: 128)
    for b in [0x21, 0x2E, 0x3F, 0x0A, 0x0D] { expected[b] = true }
    let stopTable = stop
    wordScan = (0..<128).allSatisfy { stopTable[$0] == expected[$0] }
    guard asciiOK, let list = Self.suppressions(locale), let tries = Self.buildTries(list) else {
      ascii.deallocate()
      stop.deallocate()
      return nil
    }
    (backwards, forwards) = tries
  }

  /// ICU's suppression list for the locale (empty without `ss=standard`); nil on error or when
  /// an entry is not ASCII (the byte tries below would not match ICU's code-point tries).
  private static func suppressions(_ locale: String) -> [[UInt8]]? {
    var cap: Int32 = 4096
    while true {
      var buf = [CChar](repeating: 0, count: Int(cap))
      let n = mend_sentence_suppressions(locale, &buf, cap)
      if n < 0 { return nil }
      if n > cap {
        cap = n
        continue
      }
      let bytes = buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }
      let entries = bytes.split(separator: 0x0A).map(Array.init)
      if entries.contains(where: { $0.contains { $0 >= 0x80 } }) { return nil }
      return entries
    }
  }

  /// The two tries exactly as `SimpleFilteredBreakIteratorBuilder::build` makes them.
  private static func buildTries(_ list: [[UInt8]]) -> (ByteTrie, ByteTrie)? {
    let partialValue: UInt8 = 1
    let matchValue: UInt8 = 2
    // ICU's set: sorted by code unit, no repeats (ASCII: byte order).
    var strs: [[UInt8]] = []
    for s in list.sorted(by: { $0.lexicographicallyPrecedes($1) }) where strs.last != s { strs.append(s) }
    var partials = [UInt8](repeating: 0, count: strs.count)  // 0, or suppress-in-reverse | add-to-forward
    var back: [([UInt8], UInt8)] = []
    var fwd: [([UInt8], UInt8)] = []
    for i in strs.indices {
      // An entry with a '.' before its end ("Ph.D.") is partial: its prefix up to that '.'
      // goes backwards, every entry sharing that prefix goes forwards.
      guard let nn = strs[i].firstIndex(of: 0x2E), nn + 1 != strs[i].count else { continue }
      let prefix = strs[i][...nn]
      func shares(_ j: Int) -> Bool { strs[j].count > nn && strs[j][...nn].elementsEqual(prefix) }
      // Entries sharing a prefix are neighbours in sorted order.
      var lo = i
      while lo > 0 && shares(lo - 1) { lo -= 1 }
      var hi = i
      while hi + 1 < strs.count && shares(hi + 1) { hi += 1 }
      var sameAs = -1
      for j in lo...hi where j != i {
        if partials[j] == 0 {
          partials[j] = 3
        } else if partials[j] & 1 != 0 {
          sameAs = j
        }
      }
      if sameAs == -1 && partials[i] == 0 {
        back.append((prefix.reversed(), partialValue))
        partials[i] = 3
      }
    }
    for i in strs.indices {
      if partials[i] == 0 {
        back.append((strs[i].reversed(), matchValue))
      } else {
        fwd.append((strs[i], matchValue))
      }
    }
    guard let b = ByteTrie(back), let f = ByteTrie(fwd) else { return nil }
    return (b, f)
  }

  /// Whether ICU's filter suppresses the break at `k` (0 < k < n), as `breakExceptionAt` decides.
  func suppressed(_ p: UnsafePointer<UInt8>, _ k: Int, _ n: Int) -> Bool {
    if backwards.isEmpty { return false }
    // ICU assumes one space follows the abbreviation ("Mr. |Brown").
    var q = p[k - 1] == 0x20 ? k - 1 : k
    var node: Int32 = 0
    var bestPos = -1
    var bestValue: UInt8 = 0
    while q > 0 {
      let b = p[q - 1]
      if b >= 0x80 { break }
      guard let next = backwards.child(node, b) else { break }
      q -= 1
      node = next
      let v = backwards.value(node)
      if v != 0 {
        bestPos = q
        bestValue = v
      }
      if !backwards.hasNext(node) { break }
    }
    if bestPos < 0 { return false }
    if bestValue == 2 { return true }
    if forwards.isEmpty { return false }
    // A partial match ("Ph." of "Ph.D."): the forwards trie must match from there on.
    node = 0
    var matches = true  // ICU starts from USTRINGTRIE_INTERMEDIATE_VALUE
    q = bestPos
    while q < n {
      let b = p[q]
      guard b < 0x80, let next = forwards.child(node, b) else {
        matches = false
        break
      }
      q += 1
      node = next
      if !forwards.hasNext(node) { break }  // a final value: matches
    }
    return matches
  }

  /// Class of the code point starting at `i` and the index after it.
  @inline(__always)
  func codePoint(_ p: UnsafePointer<UInt8>, _ i: Int, _ cache: ClassCache) -> (UInt8, Int) {
    let b0 = p[i]
    if b0 < 0x80 { return (ascii[Int(b0)], i + 1) }
    var cp: UInt32
    var len: Int
    if b0 < 0xE0 {
      cp = UInt32(b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F)
      len = 2
    } else if b0 < 0xF0 {
      cp = UInt32(b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
      len = 3
    } else {
      cp =
        UInt32(b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
        | UInt32(p[i + 3] & 0x3F)
      len = 4
    }
    return (cache.lookup(cp), i + len)
  }

  /// A unit of SB5: a code point with the Extend and Format characters that follow it.
  @inline(__always)
  func unit(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ cache: ClassCache) -> (UInt8, Int) {
    let (c, e0) = codePoint(p, i, cache)
    var e = e0
    if c == Self.sep || c == Self.cr || c == Self.lf { return (c, e) }
    while e < n && p[e] >= 0x80 {
      let (c2, e2) = codePoint(p, e, cache)
      if c2 != Self.extend && c2 != Self.format { break }
      e = e2
    }
    return (c, e)
  }

  /// Whether the unit before `i` is Upper or Lower (Extend and Format skipped, SB5).
  func upperOrLowerBefore(_ p: UnsafePointer<UInt8>, _ i: Int, _ cache: ClassCache) -> Bool {
    var j = i
    while j > 0 {
      var s = j - 1
      while s > 0 && p[s] & 0xC0 == 0x80 { s -= 1 }
      let (c, _) = codePoint(p, s, cache)
      if c == Self.extend || c == Self.format {
        j = s
        continue
      }
      return c == Self.upper || c == Self.lower
    }
    return false
  }

  /// Whether any of eight bytes is ≥ 0x80 or one of `.` `!` `?` LF CR (the classic test for
  /// a zero byte, applied to the word XOR each value).
  @inline(__always)
  static func mayStop(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & high }
    return (w & high) | hasZero(w ^ (ones &* 0x2E)) | hasZero(w ^ (ones &* 0x21)) | hasZero(w ^ (ones &* 0x3F))
      | hasZero(w ^ (ones &* 0x0A)) | hasZero(w ^ (ones &* 0x0D)) != 0
  }

  /// The offset of the first of sixteen bytes that `mayStop` flags, or 16 (SSE2 compares; the
  /// mask is tested as two words, which compiles to one `movmsk`, where `any(_:)` would reduce it
  /// byte by byte; the offset comes from the words' trailing zeros).
  @inline(__always)
  static func stopOffset16(_ v: SIMD16<UInt8>) -> Int {
    let m =
      (v .== splat16(0x2E)) .| (v .== splat16(0x21)) .| (v .== splat16(0x3F))
      .| (v .== splat16(0x0A)) .| (v .== splat16(0x0D)) .| (v .>= splat16(0x80))
    let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
    if w[0] | w[1] == 0 { return 16 }
    // Byte j of the vector is byte j of the words (little-endian), 0xFF where it may stop.
    return w[0] != 0 ? w[0].trailingZeroBitCount >> 3 : 8 + w[1].trailingZeroBitCount >> 3
  }

  /// Sixteen copies of a byte, built from two words: `SIMD16(repeating:)` compiled to a loop of
  /// sixteen stores here, run at every call (3.5× slower `mend segment`), not to a constant.
  @inline(__always)
  static func splat16(_ b: UInt8) -> SIMD16<UInt8> {
    let x = UInt64(b) &* 0x0101_0101_0101_0101
    return unsafeBitCast(SIMD2<UInt64>(x, x), to: SIMD16<UInt8>.self)
  }

  @inline(__always) static func isParaSep(_ c: UInt8) -> Bool { c == sep || c == cr || c == lf }

  /// The sentence boundaries of valid UTF-8 (after 0, the last one n) appended to `out`; false
  /// when the text holds a paragraph separator (then ICU must decide).
  func breaks(_ buf: UnsafeBufferPointer<UInt8>, into out: inout [Int], cache: ClassCache) -> Bool {
    let n = buf.count
    guard n > 0, let p = buf.baseAddress else { return true }
    var i = 0
    scan: while i < n {
      // Skip to the next byte that can matter, sixteen and then eight at a time while none is near.
      if wordScan {
        var found = false
        while i + 16 <= n {
          let o = Self.stopOffset16(UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<UInt8>.self))
          i += o
          if o < 16 {
            found = true
            break
          }
        }
        while !found && i + 8 <= n {
          let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
          if Self.mayStop(w) { break }
          i += 8
        }
      }
      while i < n && !stop[Int(p[i])] { i += 1 }
      if i >= n { break }
      // Only a terminator (or a paragraph separator) starts work; any other code point is
      // stepped over on its own. (Before, a unit with its Extend/Format tail was stepped over;
      // the tail's code points are Extend or Format, never a terminator or separator, so stepping
      // them one at a time stops at the same places.) Runs of non-ASCII letters (Devanagari, …)
      // stay in this loop.
      var (c, e) = codePoint(p, i, cache)
      while c != Self.aTerm && c != Self.sTerm {
        if Self.isParaSep(c) { return false }
        i = e
        // Three-byte code points that are neither a terminator nor a separator (the letters and
        // marks of Devanagari, Bengali, Thai, CJK, ...) would only be stepped over one at a
        // time: skipped by a bit of their block's mask instead, without decoding them.
        // Two-byte ones (Cyrillic, Greek, Arabic, Hebrew, ...) likewise.
        while i + 1 < n {
          let b0 = p[i]
          if b0 & 0xF0 == 0xE0 {
            if i + 2 >= n || !cache.quiet(b0, p[i + 1], p[i + 2]) { break }
            i += 3
          } else if b0 & 0xE0 == 0xC0 {
            if !cache.quiet2(b0, p[i + 1]) { break }
            i += 2
          } else {
            break
          }
        }
        guard i < n, p[i] >= 0x80 else { continue scan }
        (c, e) = codePoint(p, i, cache)
      }
      // SB5: the terminator's unit takes the Extend and Format characters after it.
      while e < n && p[e] >= 0x80 {
        let (c2, e2) = codePoint(p, e, cache)
        if c2 != Self.extend && c2 != Self.format { break }
        e = e2
      }
      // SB9, SB10: SATerm Close* Sp* holds together.
      var k = e
      while k < n {
        let (c2, e2) = unit(p, k, n, cache)
        if c2 != Self.close {
          if Self.isParaSep(c2) { return false }
          break
        }
        k = e2
      }
      while k < n {
        let (c2, e2) = unit(p, k, n, cache)
        if c2 != Self.sp {
          if Self.isParaSep(c2) { return false }
          break
        }
        k = e2
      }
      if k >= n { break }
      let (cn, _) = unit(p, k, n, cache)
      var join = false
      if cn == Self.sContinue || cn == Self.aTerm || cn == Self.sTerm {
        join = true  // SB8a
      } else if c == Self.aTerm {
        if k == e && cn == Self.numeric {
          join = true  // SB6
        } else if k == e && cn == Self.upper && upperOrLowerBefore(p, i, cache) {
          join = true  // SB7
        } else {
          // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower
          var m = k
          while m < n {
            let (cm, em) = unit(p, m, n, cache)
            if cm == Self.lower {
              join = true
              break
            }
            if cm == Self.oLetter || cm == Self.upper || cm == Self.aTerm || cm == Self.sTerm { break }
            if Self.isParaSep(cm) { return false }
            m = em
          }
        }
      }
      if !join && !suppressed(p, k, n) { out.append(k) }
      i = k
    }
    out.append(n)
    return true
  }
}

/// Sentence_Break classes of non-ASCII code points, looked up in ICU once per code point below
/// U+3040 (Latin, Greek, Cyrillic, Indic scripts, general punctuation) and every time above.
/// Belongs to one segmenter, hence to one thread.
final class ClassCache {
  static let size = 0x3040
  private var table: UnsafeMutablePointer<UInt8>?

  @inline(__always)
  func lookup(_ cp: UInt32) -> UInt8 {
    if cp < UInt32(Self.size) {
      if let t = table {
        let v = t[Int(cp)]
        if v != 0xFF { return v }
        let c = UInt8(truncatingIfNeeded: mend_sentence_break_property(cp))
        t[Int(cp)] = c
        return c
      }
      let t = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.size)
      t.initialize(repeating: 0xFF, count: Self.size)
      table = t
      return lookup(cp)
    }
    return UInt8(truncatingIfNeeded: mend_sentence_break_property(cp))
  }

  /// For each block of 64 code points from U+0000 to U+FFFF (the first two bytes of their
  /// three-byte UTF-8 form; then, from 1024, U+0000 to U+07FF by the lead byte of their
  /// two-byte form), the set of those that are a terminator (ATerm, STerm) or a paragraph
  /// separator, filled at first sight from the property itself (all ones: not yet known; a
  /// block whose every code point is one would only be worked out again each time).
  private var loud: UnsafeMutablePointer<UInt64>?

  /// Whether the three-byte code point `b0 b1 b2` is neither a terminator nor a separator.
  @inline(__always)
  func quiet(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
    let k = Int(b0 & 0x0F) << 6 | Int(b1 & 0x3F)
    var m = loud?[k] ?? .max
    if m == .max { m = fillLoud(k) }
    return (m >> UInt64(b2 & 0x3F)) & 1 == 0
  }

  /// Whether the two-byte code point `b0 b1` is neither a terminator nor a separator (the
  /// blocks of U+0080 to U+07FF sit after those of the three-byte forms in `loud`).
  @inline(__always)
  func quiet2(_ b0: UInt8, _ b1: UInt8) -> Bool {
    let k = 1024 + Int(b0 & 0x1F)
    var m = loud?[k] ?? .max
    if m == .max { m = fillLoud(k) }
    return (m >> UInt64(b1 & 0x3F)) & 1 == 0
  }

  private func fillLoud(_ k: Int) -> UInt64 {
    let q: UnsafeMutablePointer<UInt64>
    if let existing = loud {
      q = existing
    } else {
      q = UnsafeMutablePointer<UInt64>.allocate(capacity: 1024 + 32)
      q.initialize(repeating: .max, count: 1024 + 32)
      loud = q
    }
    var m: UInt64 = 0
    for j in 0..<64 {
      // Blocks 1024... are U+0000 to U+07FF by their two-byte lead (0 and 1: overlong, unused).
      let c = lookup(UInt32((k < 1024 ? k : k - 1024) << 6 | j))
      if c == SentenceRules.aTerm || c == SentenceRules.sTerm || SentenceRules.isParaSep(c) { m |= 1 << UInt64(j) }
    }
    q[k] = m
    return m
  }

  deinit {
    table?.deallocate()
    loud?.deallocate()
  }
}

/// A small trie over bytes: node 0 is the root; each node has a value (0 = none) and its edges.
struct ByteTrie: Sendable {
  private var values: [UInt8] = [0]
  private var edgeStart: [Int32] = []
  private var edgeBytes: [UInt8] = []
  private var edgeTargets: [Int32] = []

  var isEmpty: Bool { values.count == 1 }

  /// Nil when a key repeats (ICU's trie builder rejects that too).
  init?(_ entries: [([UInt8], UInt8)]) {
    var kids: [[(UInt8, Int32)]] = [[]]
    for (key, value) in entries {
      var node = 0
      for b in key {
        if let c = kids[node].first(where: { $0.0 == b }) {
          node = Int(c.1)
        } else {
          kids.append([])
          values.append(0)
          kids[node].append((b, Int32(kids.count - 1)))
          node = kids.count - 1
        }
      }
      if values[node] != 0 { return nil }
      values[node] = value
    }
    for k in kids {
      edgeStart.append(Int32(edgeBytes.count))
      for (b, t) in k {
        edgeBytes.append(b)
        edgeTargets.append(t)
      }
    }
    edgeStart.append(Int32(edgeBytes.count))
    // Nodes with many edges (the one after the final '.' of the reversed entries has one per
    // letter that ends an entry) get a direct table over ASCII bytes: a suppression test walks
    // through that node at every sentence end.
    denseBlock = Array(repeating: -1, count: kids.count)
    for (node, k) in kids.enumerated() where k.count > 6 && k.allSatisfy({ $0.0 < 0x80 }) {
      denseBlock[node] = Int32(dense.count)
      var block = [Int32](repeating: 0, count: 128)
      for (b, t) in k { block[Int(b)] = t }
      dense += block
    }
  }

  /// Per node: the start of its 128-entry table in `dense`, or -1 (edges searched one by one).
  private var denseBlock: [Int32] = []
  /// Child per ASCII byte (0: none; the root is never a child).
  private var dense: [Int32] = []

  @inline(__always) func value(_ node: Int32) -> UInt8 { values[Int(node)] }
  @inline(__always) func hasNext(_ node: Int32) -> Bool { edgeStart[Int(node) + 1] > edgeStart[Int(node)] }

  @inline(__always)
  func child(_ node: Int32, _ b: UInt8) -> Int32? {
    let block = denseBlock[Int(node)]
    if block >= 0 {
      guard b < 0x80 else { return nil }
      let t = dense[Int(block) + Int(b)]
      return t == 0 ? nil : t
    }
    var e = Int(edgeStart[Int(node)])
    let end = Int(edgeStart[Int(node) + 1])
    while e < end {
      if edgeBytes[e] == b { return edgeTargets[e] }
      e += 1
    }
    return nil
  }
}
