import CICU
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Shared machinery of the dedup stages (`remove-tandem-repeats`, `remove-repeated-sentences`,
/// `remove-near-duplicates`): a normalised word key that ignores case, punctuation, apostrophes,
/// quotes, spacing and Unicode form; the units (whole lines, or the sentences of a line with more
/// than one); the completeness score that decides which copy stays; and the code that applies
/// removals (and the move of a kept line to the first copy's place) with a change for each.
enum DedupText {
  /// A normalised word: its hash and where it is in the fragment's UTF-8 bytes.
  struct Token {
    var hash: UInt64
    /// The first (up to) 4 normalised bytes, for the inflection check (`claim`/`claims`).
    var prefix: UInt32
    var length: Int32
    var isNumber: Bool
  }

  @inline(__always)
  static func isASCIIAlnum(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
  }

  /// Non-ASCII scalars that are punctuation or space for the key (the rest count as letters).
  @inline(__always)
  static func nonASCIIKind(_ v: UInt32) -> UInt8 {
    // 1 = apostrophe-like (dropped, the word goes on); 2 = separator; 0 = letter.
    switch v {
    case 0x2018, 0x2019, 0x201B, 0x02BC, 0x2032, 0x00B4: return 1
    case 0x00A0, 0x00AB, 0x00BB, 0x00B7, 0x201A, 0x201C, 0x201D, 0x201E, 0x201F, 0x2010...0x2017,
      0x2020...0x2027, 0x2030...0x205E, 0x2000...0x200F, 0x3000...0x3003, 0xFEFF, 0x00A1, 0x00BF,
      0x00A7, 0x00B6, 0x2033...0x203A, 0x00AD:
      return 2
    default: return 0
    }
  }

  static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
  static let fnvPrime: UInt64 = 0x100_0000_01b3

  /// Tokenise `buf[range]` into normalised words, appending to `out`. ASCII words are hashed as
  /// they are read; a word with non-ASCII letters is re-read and normalised (rare in English).
  /// `words` (optional) keeps the tokens of non-ASCII words by their bytes: the same bytes give
  /// the same token, so it only saves the ICU normalisation.
  static func tokenize(
    _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [Token], words: NonASCIIWords? = nil
  ) {
    var i = range.lowerBound
    let end = range.upperBound
    var h = fnvOffset
    var prefix: UInt32 = 0
    var len: Int32 = 0
    var digits = false
    var nonASCII = false
    var tokStart = -1
    while true {
      var boundary = i >= end
      var step = 1
      if !boundary {
        let b = buf[i]
        if b < 0x80 {
          if isASCIIAlnum(b) {
            let c = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if tokStart < 0 { tokStart = i }
            h = (h ^ UInt64(c)) &* fnvPrime
            if len < 4 { prefix |= UInt32(c) << (8 * UInt32(len)) }
            len += 1
            if c <= 0x39 { digits = true }
          } else if (b == 0x27 || b == 0x60) && len > 0 && i + 1 < end && isASCIIAlnum(buf[i + 1]) {
            // an apostrophe inside a word: dropped, so `Moscow's` keys as `Moscows`
          } else if (b == 0x2C || b == 0x2E || b == 0x3A) && digits && i + 1 < end && buf[i + 1] >= 0x30
            && buf[i + 1] <= 0x39 && buf[i - 1] >= 0x30 && buf[i - 1] <= 0x39
          {
            // inside a number: `850,000` keys as `850000`, `18:00` as `1800`
          } else if b == 0x2E && len > 0 && i + 1 < end && isASCIIAlnum(buf[i + 1])
            && (i < 2 || !isASCIIAlnum(buf[i - 2]))
          {
            // inside an acronym: `D.C.` keys as `dc`, `U.S.` as `us`
          } else {
            boundary = true
          }
        } else {
          let (v, n) = scalar(buf, i, end)
          step = n
          switch nonASCIIKind(v) {
          case 1: break  // apostrophe-like: dropped (a closing quote at a word's end too)
          case 2: boundary = true
          default:
            if tokStart < 0 { tokStart = i }
            len += Int32(n)
            nonASCII = true
          }
        }
      }
      if boundary {
        if len > 0 {
          if nonASCII {
            let r = tokStart..<min(i, end)
            out.append(words?.token(buf, r) ?? nonASCIIToken(normalizedBytes(buf, r)))
          } else {
            out.append(Token(hash: mix(h), prefix: prefix, length: len, isNumber: digits))
          }
          h = fnvOffset
          prefix = 0
          len = 0
          digits = false
          nonASCII = false
        }
        tokStart = -1
        if i >= end { break }
      }
      i += step
    }
  }

  @inline(__always)
  static func scalar(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> (UInt32, Int) {
    let b = buf[i]
    var v: UInt32
    var n: Int
    if b >= 0xF0 {
      v = UInt32(b & 0x07)
      n = 4
    } else if b >= 0xE0 {
      v = UInt32(b & 0x0F)
      n = 3
    } else if b >= 0xC0 {
      v = UInt32(b & 0x1F)
      n = 2
    } else {
      v = UInt32(b)
      n = 1
    }
    if i + n > end { n = end - i }
    // The continuation bytes unrolled (the same values as a loop over 1..<n).
    if n == 3 {
      v = (v << 12) | UInt32(buf[i + 1] & 0x3F) << 6 | UInt32(buf[i + 2] & 0x3F)
    } else if n == 2 {
      v = (v << 6) | UInt32(buf[i + 1] & 0x3F)
    } else if n == 4 {
      v = (v << 18) | UInt32(buf[i + 1] & 0x3F) << 12 | UInt32(buf[i + 2] & 0x3F) << 6 | UInt32(buf[i + 3] & 0x3F)
    }
    return (v, n)
  }

  /// The bytes of a word as the key sees them: ASCII lower-cased, apostrophes and the joiners
  /// inside numbers and acronyms left out.
  static func normalizedBytes(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> [UInt8] {
    var out: [UInt8] = []
    var i = r.lowerBound
    while i < r.upperBound {
      let b = buf[i]
      if b < 0x80 {
        if isASCIIAlnum(b) { out.append((b >= 0x41 && b <= 0x5A) ? b | 0x20 : b) }
        i += 1
      } else {
        let (v, n) = scalar(buf, i, r.upperBound)
        if nonASCIIKind(v) == 0 { out.append(contentsOf: buf[i..<(i + n)]) }
        i += n
      }
    }
    return out
  }

  /// A word with non-ASCII letters: lower-cased and NFKC-normalised (ICU) before hashing, so the
  /// key does not depend on case or Unicode form. Rare in English text, so not on the hot path.
  static func nonASCIIToken(_ bytes: [UInt8]) -> Token {
    var s = String(decoding: bytes, as: UTF8.self).lowercased()
    let n = s.utf8.count
    var outPtr: UnsafeMutablePointer<CChar>?
    let m = s.withCString { mend_normalize($0, Int32(n), Int32(MEND_NFKC), &outPtr) }
    if m >= 0, let p = outPtr {
      s = String(
        decoding: UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: Int(m)),
        as: UTF8.self)
      mend_free(p)
    }
    var h = fnvOffset
    var prefix: UInt32 = 0
    var len: Int32 = 0
    var digits = false
    var scalars = 0
    var prefixEnd: UInt64 = 0  // the hash of the bytes of the first four scalars
    var ascii = true
    for c in s.utf8 {
      h = (h ^ UInt64(c)) &* fnvPrime
      if len < 4 { prefix |= UInt32(c) << (8 * UInt32(len)) }
      len += 1
      if c >= 0x80 { ascii = false }
      if c & 0xC0 != 0x80 { scalars += 1 }
      if scalars <= 4 { prefixEnd = h }
      if c >= 0x30 && c <= 0x39 { digits = true }
    }
    // The inflection stem (`claim`/`claims`: the same first four bytes) is the first four
    // letters of a word that is not ASCII after normalising: four bytes are one letter and a
    // piece of the next in Devanagari, Cyrillic or Greek, which made every two words that begin
    // alike inflections of each other (and the dedup stages' proofs useless on such text). A
    // word longer than 4 bytes gets the hash of its first four scalars (of the whole word when it
    // has fewer: only the same word is then its inflection); up to 4 bytes the prefix stays the
    // word itself, as `shape` needs.
    if !ascii && len > 4 { prefix = UInt32(truncatingIfNeeded: mix(prefixEnd) >> 32) }
    return Token(hash: mix(h), prefix: prefix, length: len, isNumber: digits)
  }

  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The hash of one word as the tokenizer would give it (for word lists from the rules).
  static func wordHash(_ word: String) -> UInt64? {
    var toks: [Token] = []
    var w = word
    w.withUTF8 { tokenize($0, 0..<$0.count, into: &toks) }
    return toks.count == 1 ? toks[0].hash : nil
  }

  static func wordSet(_ words: [String]) -> Set<UInt64> {
    Set(words.compactMap(wordHash))
  }

  /// A unit the dedup stages compare: a whole line, or one sentence of a line with several.
  struct Unit {
    var fragment: Int
    /// The fragment's 1-based input line.
    var line: Int
    /// Byte range in the fragment's text (sentence, without trailing spaces).
    var range: Range<Int>
    var wholeLine: Bool
    var tokenStart: Int
    var tokenEnd: Int
    var key: UInt64
    var terminal: Bool
    var bytes: Int
    /// Capital letters: a lower-cased copy loses to the original.
    var capitals: Int
    /// The unit's index in the units cache (where its sketch is kept).
    var cached: Int = -1
  }

  struct Units {
    var units: [Unit] = []
    var tokens: [Token] = []
    /// Units of each fragment: `firstUnit[f]..<firstUnit[f+1]`.
    var firstUnit: [Int] = []
    /// The cache the units came from.
    var cache: UnitsCache?

    func tokens(of u: Unit) -> ArraySlice<Token> { tokens[u.tokenStart..<u.tokenEnd] }
  }

  /// Whether a line may hold more than one sentence: a `.`, `!` or `?` (possibly followed by
  /// closing quotes or brackets) then a space and more text. Lines without one skip ICU.
  static func mayHaveSeveralSentences(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = buf.count
    var i = 0
    while i < n {
      let b = buf[i]
      if b == 0x2E || b == 0x21 || b == 0x3F {
        var j = i + 1
        while j < n,
          buf[j] == 0x22 || buf[j] == 0x27 || buf[j] == 0x29 || buf[j] == 0x5D || buf[j] == 0xE2 || buf[j] == 0x80
            || buf[j] == 0x9D || buf[j] == 0x99 || buf[j] == 0x2E
        { j += 1 }
        if j < n - 1 && buf[j] == 0x20 { return true }
        i = j
      } else {
        i += 1
      }
    }
    return false
  }

  static func capitals(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
    var c = 0
    var k = r.lowerBound
    // 8 bytes at a time: with v = a byte's low 7 bits, v + 0x3F has bit 7 set exactly when
    // v ≥ 0x41 and v + 0x25 when v ≥ 0x5B (no sum exceeds 0xFF, so no carry crosses bytes); a
    // byte ≥ 0x80 is not a capital.
    if let base = buf.baseAddress {
      let high: UInt64 = 0x8080_8080_8080_8080
      while k + 8 <= r.upperBound {
        let w = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self).littleEndian
        let v = w & 0x7F7F_7F7F_7F7F_7F7F
        let m = (v &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(v &+ 0x2525_2525_2525_2525) & ~w & high
        // m has at most bit 7 of each byte: shifted to bit 0, the multiply adds the eight bytes
        // into the top one (at most 8, no carry out). No popcount instruction on this target.
        c += Int(truncatingIfNeeded: ((m >> 7) &* 0x0101_0101_0101_0101) >> 56)
        k += 8
      }
    }
    while k < r.upperBound {
      if buf[k] >= 0x41 && buf[k] <= 0x5A { c += 1 }
      k += 1
    }
    return c
  }

  @inline(__always)
  static func isTerminal(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
    var e = range.upperBound
    while e > range.lowerBound {
      let b = buf[e - 1]
      // Skip closing quotes and brackets (ASCII, and the last byte of ” ’).
      if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D || b == 0x9D || b == 0x99 || b == 0x80 || b == 0xE2 {
        e -= 1
        continue
      }
      return b == 0x2E || b == 0x21 || b == 0x3F || (b == 0xA6 && e >= 3 && buf[e - 3] == 0xE2)
    }
    return false
  }

  /// A fast hash of a line's bytes (8 at a time), for the units cache; equality is confirmed
  /// with `memcmp`.
  static func lineHash(_ buf: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = buf.count
    guard let base = buf.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
    var i = 0
    while i + 8 <= n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n {
      tail |= UInt64(buf[i]) << shift
      shift += 8
      i += 1
    }
    return mix(h ^ tail)
  }

  /// Build the units of a document. Sentences come from the context's segmenter, and only for
  /// lines that may hold more than one. A line's units (sentence ranges, tokens, keys) depend only
  /// on its text, so they are kept in a cache that lives with the segmenter (one per thread): the
  /// second sentence stage, and every repeated line, reuse them instead of breaking and
  /// tokenising again.
  static func units(
    _ document: Document, segmenter: SentenceSegmenter, sentences: Bool, only: [Bool]? = nil, scanTokens: Bool = false
  ) -> Units {
    let cache = UnitsCache.of(segmenter)
    cache.trim()
    // The document's cheap pass, when it is this document's: its tokens of regular lines are the
    // units' tokens (see `DocScan.line`).
    let scan = scanTokens ? cache.scan.flatMap { $0.matches(document) ? $0 : nil } : nil
    var result = Units()
    result.firstUnit.reserveCapacity(document.fragments.count + 1)
    result.units.reserveCapacity(document.fragments.count)
    for (fi, fragment) in document.fragments.enumerated() {
      result.firstUnit.append(result.units.count)
      if let only, !only[fi] { continue }
      var text = fragment.text
      let e = text.withUTF8 { buf -> Int in
        if buf.isEmpty { return -1 }
        return cache.entry(
          for: buf, text: fragment.text, sentences: sentences, segmenter: segmenter, scanned: scan?.line(fi))
      }
      if e < 0 { continue }
      let entry = cache.entries[e]
      for k in Int(entry.first)..<Int(entry.first + entry.count) {
        let c = cache.units[k]
        result.units.append(
          Unit(
            fragment: fi, line: fragment.line, range: c.range, wholeLine: entry.whole, tokenStart: c.tokenStart,
            tokenEnd: c.tokenEnd, key: c.key, terminal: c.terminal, bytes: c.range.count, capitals: Int(c.capitals),
            cached: k))
      }
    }
    result.firstUnit.append(result.units.count)
    result.tokens = cache.tokens
    result.cache = cache
    return result
  }

  /// The units of the lines seen recently by one segmenter (so by one thread): line text -> its
  /// sentence units and their tokens. Emptied when it grows large.
  /// One regular line's words from the document's scan, with each word's first byte.
  struct ScannedLine {
    let tokens: UnsafePointer<Token>
    let starts: UnsafePointer<Int32>
    let count: Int
  }

  final class UnitsCache {
    struct Entry {
      var text: String
      var sentences: Bool
      var whole: Bool
      var first: Int32
      var count: Int32
    }
    struct CachedUnit {
      var range: Range<Int>
      var tokenStart: Int
      var tokenEnd: Int
      var key: UInt64
      var terminal: Bool
      var capitals: Int32
    }
    var tokens: [Token] = []
    var units: [CachedUnit] = []
    var entries: [Entry] = []
    /// The last document's cheap pass (`DocScan`), shared by the sentence stages.
    var scan: DocScan?
    /// The tokens of recent words with non-ASCII letters (ICU normalisation saved on a repeat).
    let nonASCIIWords = NonASCIIWords()
    var table = HashTable64(capacity: 1024)
    var bytes = 0

    /// The repeat prefilter's fingerprints of recent lines (`linesWithRepeatCandidates`).
    struct FingerprintEntry {
      var text: String
      var minWords: Int
      var range: Range<Int>
    }
    var fingerprintStore: [UInt64] = []
    var fingerprintEntries: [FingerprintEntry] = []
    var fingerprintTable = HashTable64(capacity: 1024)

    /// The near-duplicate sketch of each cached unit (computed on first use, for one
    /// configuration of soft words and sketch size): its words, a 256-bit filter of the unit's
    /// words and one of its sketch words (a bit per word: a bit of the sketch missing from the
    /// other unit's filter is a word the other unit lacks).
    var sketchConfig: UInt64 = 0
    var sketchStart: [Int32] = []
    var sketchCount: [UInt8] = []
    var sketchWords: [UInt64] = []
    var wordFilter: [SIMD4<UInt64>] = []
    var sketchFilter: [SIMD4<UInt64>] = []

    static func of(_ segmenter: SentenceSegmenter) -> UnitsCache {
      if let c = segmenter.dedupUnitsCache as? UnitsCache { return c }
      let cache = UnitsCache()
      segmenter.dedupUnitsCache = cache
      return cache
    }

    func trim() {
      // Small bounds: the cache serves the stages of one document and lines that recur in nearby
      // documents; grown large it only costs page faults and cache misses (measured: a 64 MB
      // bound made the dedup stages slower on text whose lines do not recur). Tokens: 65 536
      // (250 000 before session 17): the array grew to 12 MB across the bench's long interviews,
      // each doubling into fresh pages (~3 000 page faults a 20 MB run, a tenth of its system
      // time); at 65 536 news-20MB runs ~2 600 fewer faults for the same instructions.
      if tokens.count > 65_536 || entries.count > 30_000 || bytes > 4_000_000 || fingerprintStore.count > 250_000
        || fingerprintEntries.count > 30_000
      {
        tokens.removeAll(keepingCapacity: true)
        units.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        table = HashTable64(capacity: 1024)
        bytes = 0
        fingerprintStore.removeAll(keepingCapacity: true)
        fingerprintEntries.removeAll(keepingCapacity: true)
        fingerprintTable = HashTable64(capacity: 1024)
        sketchStart.removeAll(keepingCapacity: true)
        sketchCount.removeAll(keepingCapacity: true)
        sketchWords.removeAll(keepingCapacity: true)
        wordFilter.removeAll(keepingCapacity: true)
        sketchFilter.removeAll(keepingCapacity: true)
      }
    }

    /// The fingerprints of a line (a range of `fingerprintStore`), computed on a miss.
    func fingerprints(for buf: UnsafeBufferPointer<UInt8>, text: String, minWords: Int) -> Range<Int> {
      let h = DedupText.lineHash(buf) ^ (UInt64(minWords) &* 0x9E37_79B9_7F4A_7C15)
      let hit = fingerprintTable[h]
      if let e32 = hit {
        let e = fingerprintEntries[Int(e32)]
        if e.minWords == minWords && e.text.utf8.count == buf.count {
          var t = e.text
          let same = t.withUTF8 { memcmp($0.baseAddress!, buf.baseAddress!, buf.count) == 0 }
          if same { return e.range }
        }
      }
      let start = fingerprintStore.count
      DedupText.lineFingerprints(buf, minWords: minWords, into: &fingerprintStore)
      let range = start..<fingerprintStore.count
      if hit == nil {
        fingerprintTable[h] = Int32(fingerprintEntries.count)
        fingerprintEntries.append(FingerprintEntry(text: text, minWords: minWords, range: range))
        bytes += buf.count
      }
      return range
    }

    /// Make the sketch arrays cover every cached unit, for this configuration (another
    /// configuration empties them).
    func prepareSketches(config: UInt64) {
      if config != sketchConfig {
        sketchConfig = config
        sketchStart = []
        sketchCount = []
        sketchWords = []
        wordFilter = []
        sketchFilter = []
      }
      let missing = units.count - sketchStart.count
      if missing > 0 {
        sketchStart.append(contentsOf: repeatElement(-1, count: missing))
        sketchCount.append(contentsOf: repeatElement(0, count: missing))
        wordFilter.append(contentsOf: repeatElement(SIMD4<UInt64>(), count: missing))
        sketchFilter.append(contentsOf: repeatElement(SIMD4<UInt64>(), count: missing))
      }
    }

    @inline(__always)
    static func filterBit(_ h: UInt64) -> SIMD4<UInt64> {
      var v = SIMD4<UInt64>()
      v[Int(h >> 62)] = 1 << ((h >> 56) & 63)
      return v
    }

    /// The entry of a line, built on a miss.
    func entry(
      for buf: UnsafeBufferPointer<UInt8>, text: String, sentences: Bool, segmenter: SentenceSegmenter,
      scanned: ScannedLine? = nil
    ) -> Int {
      let h = DedupText.lineHash(buf) ^ (sentences ? 0 : 0x5A5A_5A5A)
      if let e32 = table[h] {
        let e = Int(e32)
        if entries[e].sentences == sentences && entries[e].text.utf8.count == buf.count {
          var t = entries[e].text
          let same = t.withUTF8 { memcmp($0.baseAddress!, buf.baseAddress!, buf.count) == 0 }
          if same { return e }
        }
        return build(buf, text: text, sentences: sentences, segmenter: segmenter, hash: nil, scanned: scanned)
      }
      return build(buf, text: text, sentences: sentences, segmenter: segmenter, hash: h, scanned: scanned)
    }

    private func build(
      _ buf: UnsafeBufferPointer<UInt8>, text: String, sentences: Bool, segmenter: SentenceSegmenter, hash: UInt64?,
      scanned: ScannedLine?
    ) -> Int {
      let n = buf.count
      let ranges: [Range<Int>]
      if sentences && DedupText.mayHaveSeveralSentences(buf) {
        ranges = segmenter.sentences(inUTF8: buf)
      } else {
        ranges = [0..<n]
      }
      let first = units.count
      // The scan's next token of the line (its tokens are in byte order).
      var k = 0
      for r in ranges {
        var e = r.upperBound
        while e > r.lowerBound && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09) { e -= 1 }
        var s = r.lowerBound
        while s < e && (buf[s] == 0x20 || buf[s] == 0x09) { s += 1 }
        if s == e { continue }
        let t0 = tokens.count
        if let sc = scanned {
          // The line's tokens that start in s..<e: a regular line's units are runs of whole
          // pieces and no token crosses a unit's start or end, so these are exactly the tokens
          // `tokenize` gives for s..<e (the argument at `DocScan`).
          while k < sc.count && Int(sc.starts[k]) < s { k += 1 }
          let k0 = k
          while k < sc.count && Int(sc.starts[k]) < e { k += 1 }
          tokens.append(contentsOf: UnsafeBufferPointer(start: sc.tokens + k0, count: k - k0))
        } else {
          DedupText.tokenize(buf, s..<e, into: &tokens, words: nonASCIIWords)
        }
        let t1 = tokens.count
        if t1 == t0 { continue }
        var key: UInt64 = 0x9E37_79B9_7F4A_7C15
        // Through a buffer pointer: one access to the class's array for the unit, not one a word.
        tokens.withUnsafeBufferPointer { tb in
          for k in t0..<t1 { key = DedupText.mix(key ^ tb[k].hash) &+ UInt64(k - t0) }
        }
        units.append(
          CachedUnit(
            range: s..<e, tokenStart: t0, tokenEnd: t1, key: key, terminal: DedupText.isTerminal(buf, s..<e),
            capitals: Int32(DedupText.capitals(buf, s..<e))))
      }
      let index = entries.count
      entries.append(
        Entry(
          text: text, sentences: sentences, whole: ranges.count == 1, first: Int32(first),
          count: Int32(units.count - first)))
      bytes += n
      if let h = hash { table[h] = Int32(index) }
      return index
    }
  }

  /// The completeness score of a unit: more words, then terminal punctuation, then the body's
  /// past-tense attribution (`said`) over a headline's present tense (`says`), then more bytes
  /// (a copy that kept its punctuation and apostrophes). Attribution counts 0.5 for the first
  /// past-tense word and 0.1 for each further one (at most 0.9, less than a word): `Reuters
  /// reported ... said the ban` is the body's copy of `Reuters reported ... says the ban`
  /// (session 21: with one point for any number, the two tied and the first copy, the `says`
  /// one, stayed).
  static func completeness(_ u: Unit, _ units: Units, pastAttribution: Set<UInt64>) -> Double {
    var score = Double(u.tokenEnd - u.tokenStart)
    if u.terminal { score += 1 }
    var past = 0
    for t in units.tokens(of: u) where pastAttribution.contains(t.hash) { past += 1 }
    return score + attributionBonus(past) + Double(u.bytes) / 1_000_000 + Double(u.capitals) / 1_000_000_000
  }

  /// What `count` past-tense attribution words add to a unit's completeness (less than a word).
  static func attributionBonus(_ count: Int) -> Double { count > 0 ? min(0.5 + 0.1 * Double(count - 1), 0.9) : 0 }

  /// Removals decided by a stage, applied in one pass so that fragments keep their identity.
  struct Plan {
    struct Removal {
      var unit: Unit
      var kept: Unit
      var reason: String
      var rule: String
      var similarity: Double
    }
    var removals: [Removal] = []
    /// A kept whole line that moves to the position of a removed earlier copy: fragment -> slot.
    var moves: [Int: Int] = [:]
  }

  /// Apply a plan: remove whole lines (action `.remove`), remove sentences inside lines (action
  /// `.remove` with the column), and move a kept line to the first copy's place (action `.move`).
  static func apply(_ plan: Plan, to document: inout Document, _ context: inout StageContext) {
    if plan.removals.isEmpty { return }
    let frags = document.fragments
    var byFragment: [Int: [Plan.Removal]] = [:]
    for r in plan.removals { byFragment[r.unit.fragment, default: []].append(r) }
    var removedFragment = [Bool](repeating: false, count: frags.count)
    var newText: [Int: String] = [:]
    for fi in byFragment.keys.sorted() {
      let rs = byFragment[fi]!.sorted { $0.unit.range.lowerBound < $1.unit.range.lowerBound }
      let f = frags[fi]
      var text = f.text
      let n = text.utf8.count
      var covered = 0
      for r in rs { covered += r.unit.range.count }
      // Whole line gone when the removed units cover all its non-space text.
      let allGone =
        rs.contains { $0.unit.wholeLine }
        || text.withUTF8 { buf in
          var removed = [Bool](repeating: false, count: n)
          for r in rs { for k in r.unit.range { removed[k] = true } }
          for k in 0..<n where !removed[k] && buf[k] != 0x20 && buf[k] != 0x09 { return false }
          return true
        }
      if allGone {
        let r = rs[0]
        removedFragment[fi] = true
        context.record(
          rule: r.rule, action: .remove, line: f.line, column: 1, before: f.text, after: "",
          confidence: r.similarity, reason: r.reason)
        continue
      }
      let bytes = Array(text.utf8)
      // Record left to right, counting columns as we go (linear in the line, however many
      // sentences it loses), then copy what stays in one pass: each removed sentence goes with
      // the spaces after it.
      var column = 1
      var pos = 0
      for r in rs {
        let lo = r.unit.range.lowerBound
        while pos < lo {
          if bytes[pos] & 0xC0 != 0x80 { column += 1 }
          pos += 1
        }
        let before = String(decoding: bytes[r.unit.range], as: UTF8.self)
        context.record(
          rule: r.rule, action: .remove, line: f.line, column: column, before: before, after: "",
          confidence: r.similarity, reason: r.reason)
      }
      var kept: [UInt8] = []
      kept.reserveCapacity(bytes.count)
      var cursor = 0
      for r in rs {
        let lo = r.unit.range.lowerBound
        if lo > cursor { kept.append(contentsOf: bytes[cursor..<lo]) }
        var e = r.unit.range.upperBound
        while e < bytes.count && (bytes[e] == 0x20 || bytes[e] == 0x09) { e += 1 }
        cursor = max(cursor, e)
      }
      if cursor < bytes.count { kept.append(contentsOf: bytes[cursor...]) }
      var out = kept
      while let last = out.last, last == 0x20 || last == 0x09 { out.removeLast() }
      text = String(decoding: out, as: UTF8.self)
      newText[fi] = text
    }
    var slotFilledBy: [Int: Int] = [:]
    for (from, slot) in plan.moves where removedFragment[slot] && !removedFragment[from] {
      slotFilledBy[slot] = from
    }
    var out: [Fragment] = []
    out.reserveCapacity(frags.count)
    let movedAway = Set(slotFilledBy.values)
    for (fi, f) in frags.enumerated() {
      if removedFragment[fi] {
        if let from = slotFilledBy[fi] {
          var g = frags[from]
          if let t = newText[from] { g.text = t }
          context.record(
            rule: "keep-first-position", action: .move, line: g.line, column: 1, before: g.text, after: g.text,
            reason: "the kept copy moves to line \(f.line), where the removed copy was first")
          out.append(g)
        }
        continue
      }
      if movedAway.contains(fi) { continue }
      var g = f
      if let t = newText[fi] { g.text = t }
      out.append(g)
    }
    document.fragments = out
  }

  static func percent(_ x: Double) -> String {
    let v = (x * 100).rounded() / 100
    return String(v)
  }
}

extension DedupText {
  /// Which copy of a pair stays, and where: the shared rule of the dedup stages.
  struct Keeper {
    enum Policy: String { case complete, first }
    let policy: Policy
    let moveToFirst: Bool
    let pastAttribution: Set<UInt64>

    init(options: StageOptions) {
      policy = Policy(rawValue: options.string("keep")) ?? .complete
      moveToFirst = options.string("position") == "first"
      pastAttribution = DedupText.wordSet(options.list("past-attribution"))
    }

    /// Decide between the earlier kept unit `c` and a later copy `u`; returns the kept unit index
    /// and records the removal (and a move) in the plan.
    func resolve(
      _ c: Int, _ u: Int, units: DedupText.Units, removed: inout [Bool], plan: inout DedupText.Plan, rule: String,
      similarity: Double, what: String
    ) -> Int {
      let cu = units.units[c]
      let uu = units.units[u]
      var keep = c
      var drop = u
      if policy == .complete
        && DedupText.completeness(uu, units, pastAttribution: pastAttribution)
          > DedupText.completeness(cu, units, pastAttribution: pastAttribution)
      {
        keep = u
        drop = c
      }
      removed[drop] = true
      let ku = units.units[keep]
      let du = units.units[drop]
      var reason = "\(what) of line \(lineLabel(ku, units))"
      reason += what != "near-duplicate" ? "" : " (word containment \(DedupText.percent(similarity)))"
      reason += keep == u ? "; kept the more complete later copy" : "; kept the earlier copy"
      plan.removals.append(.init(unit: du, kept: ku, reason: reason, rule: rule, similarity: similarity))
      if keep == u && moveToFirst && cu.wholeLine && uu.wholeLine {
        let slot = plan.moves[cu.fragment] ?? cu.fragment
        plan.moves[cu.fragment] = nil
        plan.moves[uu.fragment] = slot
      }
      return keep
    }

    func lineLabel(_ u: DedupText.Unit, _ units: DedupText.Units) -> String {
      "\(u.line)"
    }
  }

  static let keeperOptions: [OptionSpec] = [
    OptionSpec(
      "keep", .choice(["complete", "first"]), default: .string("complete"),
      help:
        "Which copy stays: the more complete one (more words, terminal punctuation, past-tense attribution; ties keep the first) or always the first."
    ),
    OptionSpec(
      "position", .choice(["first", "kept"]), default: .string("first"),
      help: "Where a kept whole line goes when a later copy wins: to the first copy's position, or where it was."),
    OptionSpec(
      "past-attribution", .stringList,
      default: .list(["said", "told", "added", "reported", "stated", "announced", "explained", "according"]),
      help: "Words of a body's attribution that make a copy more complete than a headline's 'says'."),
  ]
}

/// A hash map from 64-bit hashes (already well mixed) to Int32, with linear probing: the dedup
/// stages look up a few words per sentence, and Swift's `Dictionary` (SipHash) is several times
/// slower at it.
struct HashTable64 {
  private var keys: [UInt64]
  private var values: [Int32]
  private var used: [Bool]
  private var mask: Int
  private(set) var count = 0

  init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    keys = [UInt64](repeating: 0, count: size)
    values = [Int32](repeating: 0, count: size)
    used = [Bool](repeating: false, count: size)
    mask = size - 1
  }

  init(_ words: Set<UInt64>) {
    self.init(capacity: words.count)
    for w in words { self[w] = 1 }
  }

  @inline(__always)
  func contains(_ key: UInt64) -> Bool { self[key] != nil }

  subscript(key: UInt64) -> Int32? {
    @inline(__always) get {
      var i = Int(truncatingIfNeeded: key) & mask
      while used[i] {
        if keys[i] == key { return values[i] }
        i = (i + 1) & mask
      }
      return nil
    }
    set {
      guard let v = newValue else { return }  // removal is not needed by the stages
      var i = Int(truncatingIfNeeded: key) & mask
      while used[i] {
        if keys[i] == key {
          values[i] = v
          return
        }
        i = (i + 1) & mask
      }
      used[i] = true
      keys[i] = key
      values[i] = v
      count += 1
      if count * 2 > mask { grow() }
    }
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldValues = values
    let oldUsed = used
    let size = (mask + 1) * 2
    keys = [UInt64](repeating: 0, count: size)
    values = [Int32](repeating: 0, count: size)
    used = [Bool](repeating: false, count: size)
    mask = size - 1
    count = 0
    for i in oldUsed.indices where oldUsed[i] { self[oldKeys[i]] = oldValues[i] }
  }
}

extension DedupText {
  /// Speaker labels at the start of a unit (`((Name))` in Wikinews interviews, `Q:`, `SMITH:`):
  /// their words do not count towards a stage's `min-words`, so an interview's formulaic answer
  /// (`((Name)) Yes, definitely.`) that opens two different answers is not a repeated sentence.
  /// Checked only for a unit about to be removed, so the regex stays off the hot path.
  struct SpeakerLabels {
    let regex: NSRegularExpression?

    init(options: StageOptions) {
      let patterns = options.list("speaker-labels")
      regex =
        patterns.isEmpty
        ? nil
        : try? NSRegularExpression(pattern: "^\\s*(?:" + patterns.map { "(?:" + $0 + ")" }.joined(separator: "|") + ")")
    }

    /// The unit's words after a leading speaker label.
    func words(_ u: Unit, in document: Document) -> Int {
      let total = u.tokenEnd - u.tokenStart
      guard let regex else { return total }
      let bytes = Array(document.fragments[u.fragment].text.utf8)[u.range]
      let s = String(decoding: bytes, as: UTF8.self)
      guard let m = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)), m.range.length > 0,
        let r = Range(m.range, in: s)
      else { return total }
      var label = String(s[r])
      var toks: [Token] = []
      label.withUTF8 { DedupText.tokenize($0, 0..<$0.count, into: &toks) }
      return max(0, total - toks.count)
    }
  }

  /// Whether the unit is a bare URL: one run of bytes without a space, with `://` inside or
  /// starting with `www.` (surrounding spaces and angle brackets aside).
  static func isURL(_ u: Unit, _ document: Document) -> Bool {
    var text = document.fragments[u.fragment].text
    return text.withUTF8 { buf in
      let r = u.range.clamped(to: 0..<buf.count)
      var a = r.lowerBound
      var e = r.upperBound
      while a < e && (buf[a] == 0x20 || buf[a] == 0x09 || buf[a] == 0x3C) { a += 1 }
      while e > a && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09 || buf[e - 1] == 0x3E) { e -= 1 }
      if e - a < 5 { return false }
      var scheme = false
      for i in a..<e {
        let b = buf[i]
        if b == 0x20 || b == 0x09 { return false }
        if b == 0x3A && i + 2 < e && buf[i + 1] == 0x2F && buf[i + 2] == 0x2F && i > a { scheme = true }
      }
      return scheme
        || (buf[a] | 0x20 == 0x77 && buf[a + 1] | 0x20 == 0x77 && buf[a + 2] | 0x20 == 0x77 && buf[a + 3] == 0x2E)
    }
  }

  static let structureOption = OptionSpec(
    "keep-structure", .bool, default: .bool(true),
    help:
      "Lines that structure a document repeat on purpose from one section or list to the next: a whole line that is a short lead-in (at most 8 words, ending with a colon: `To run this example:`), a list item (`d) make other arrangements ...`, `* `, `1. `), a heading (`### Usage`, `** Bug fixes`, or a title over a line of `===`, `---`, `^^^`), a note in square brackets (`[bug introduced in grep-2.26]`) or a record's field in a document of records (a line that starts with a capitalised label, a colon and a value, in a document where two labels or more each start two lines or more: `Author:` and `Signed-off-by:` under each commit of a git log, `Files:` and `License:` in each stanza of a copyright file; a news article's repeated `Photograph: ...` credit is no record) is neither removed nor taken as the copy of another (a heading and its entry in a table of contents)."
  )

  /// Whether the unit belongs to a line that structures the document (`structureOption`): a
  /// list item (any sentence of it: the segmenter may cut `1.` off as a sentence of its own), a
  /// heading (`isHeading`, or a title over an `isUnderline` line), a note in square brackets, or a
  /// short lead-in that ends the line with a colon.
  static func isStructure(_ u: Unit, _ document: Document, records: inout Bool?) -> Bool {
    var text = document.fragments[u.fragment].text
    var field = false
    let own = text.withUTF8 { buf in
      let (a, e) = HardWrap.trimmed(buf)
      if a == e { return false }
      if (HardWrap.startsListItem(buf, a, e) && !startsWithInitial(buf, a, e)) || isHeading(buf, a, e) { return true }
      // A record's field (`Signed-off-by: ...`, `License: ...`): the sentence that holds the
      // label, in a document of records (asked below, once per document).
      if startsWithField(buf, a, e) && u.range.lowerBound <= a {
        field = true
        return false
      }
      // A note in square brackets, the whole line (`[bug introduced in coreutils-9.0]` in GNU
      // NEWS files, `[ Johannes Schauer ]` over a co-maintainer's entries in a Debian changelog).
      // (One note: the first `]` ends the line, so `[...] he offered ... [...]` is no note.)
      if buf[a] == 0x5B && buf[e - 1] == 0x5D {
        var k = a + 1
        while k < e - 1 && buf[k] != 0x5D { k += 1 }
        if k == e - 1 { return true }
      }
      guard buf[e - 1] == 0x3A, u.tokenEnd - u.tokenStart <= 8 else { return false }
      let r = u.range.clamped(to: 0..<buf.count)
      var end = r.upperBound
      while end > r.lowerBound && (buf[end - 1] == 0x20 || buf[end - 1] == 0x09) { end -= 1 }
      return end >= e
    }
    if field {
      if records == nil { records = isRecords(document) }
      if records! { return true }
    }
    // A title over an underline (the next line is looked at only when this one is no structure).
    return own || (u.fragment + 1 < document.fragments.count && isUnderline(document.fragments[u.fragment + 1].text))
  }

  /// A line that opens with a capital's initial rather than a list's letter (session 21): a
  /// capital, `. `, then a lower-case letter (`E. coli`, `P. damicornis`: a species) or another
  /// capital's initial (`J. K. Rowling`). A list's `A. Introduction` and `a. make ...` stay items.
  static func startsWithInitial(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    guard a + 3 < e, Bytes.isUpper(buf[a]), buf[a + 1] == 0x2E, buf[a + 2] == 0x20 else { return false }
    let c = buf[a + 3]
    if Bytes.isLower(c) { return true }
    return Bytes.isUpper(c) && a + 4 < e && buf[a + 4] == 0x2E
  }

  /// Whether the document is a list of records with fields: at least two labels (`startsWithField`)
  /// that each start two lines or more (`Author:` and `Date:` in a git log, `Files:` and
  /// `License:` in a Debian copyright file, `Requires-Dist:` and `Classifier:` in METADATA). A
  /// news article's `Photograph: ...` credit, twice, is no record: a repeated credit still goes.
  static func isRecords(_ document: Document) -> Bool {
    var counts: [UInt64: Int] = [:]
    var twice = 0
    for f in document.fragments {
      var text = f.text
      let label: UInt64? = text.withUTF8 { buf in
        let (a, e) = HardWrap.trimmed(buf)
        guard startsWithField(buf, a, e) else { return nil }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = a
        while buf[i] != 0x3A {
          h = (h ^ UInt64(Bytes.lower(buf[i]))) &* 0x100_0000_01b3
          i += 1
        }
        return h
      }
      guard let label else { continue }
      let n = counts[label, default: 0] + 1
      counts[label] = n
      if n == 2 {
        twice += 1
        if twice >= 2 { return true }
      }
    }
    return false
  }

  /// A line that starts with a field's label, as records write them (RFC 822 headers, git
  /// trailers, Debian control and copyright files, Python's METADATA): a name of 2 to 30 letters,
  /// digits and inner hyphens that starts with a capital letter, then `:` and a space or tab, then
  /// a value (`Signed-off-by: Ann <a@b.org>`, `License: GPL-2+`, `Date:   Fri Jun 6`).
  static func startsWithField(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    guard a < e, Bytes.isUpper(buf[a]) else { return false }
    var i = a + 1
    while i < e && (Bytes.isAlnum(buf[i]) || (buf[i] == 0x2D && i + 1 < e && Bytes.isAlnum(buf[i + 1]))) { i += 1 }
    guard i - a >= 2 && i - a <= 30 && i + 2 < e && buf[i] == 0x3A && (buf[i + 1] == 0x20 || buf[i + 1] == 0x09) else {
      return false
    }
    i += 1
    while i < e && (buf[i] == 0x20 || buf[i] == 0x09) { i += 1 }
    return i < e
  }

  static func startsWithField(_ line: [UInt8]) -> Bool {
    line.withUnsafeBufferPointer { startsWithField($0, 0, $0.count) }
  }

  static let sectionsOption = OptionSpec(
    "sections", .bool, default: .bool(true),
    help:
      "A sentence that repeats one in another section of a structured document (a heading between them: `## Usage`, `** Bug fixes`, a title over a line of `===`, `---` or `^^^`, POD's `=head2` or `=item`, an option that opens its entry in a man page (`--location=LOCATION`), a line wholly in bold that stands as a paragraph (`**Example 2: To copy a report**`), a line of options only (`--width WIDTH, -w WIDTH`, even right under the previous option's text), a reStructuredText directive (`.. class:: Name(args)`), an item's name standing as a paragraph (one word shaped as a name: `pg_dump@cluster.service`, `build_timeout`, `config.yaml`; not a URL), an entry's label opening a paragraph (`bpo-38792: ...`, `CVE-2021-44228: ...`: letters and digits, then a colon), a block set aside as code, or a rule: such a line with a blank line over it) is kept: reference documentation says the same thing under each item on purpose (`This variable is defined but not used by Configure.`). Within a section, and in text without headings, repeats go as before."
  )

  /// Each fragment's section (the number of heading lines before it and at it, see
  /// `sectionsOption`), or nil when the document has no heading.
  static func sections(_ document: Document) -> [Int32]? {
    let frags = document.fragments
    var out: [Int32]? = nil
    var current: Int32 = 0
    // Per line: 0 blank, 1 text, 2 a heading by its own marks, 3 an underline (`isUnderline`),
    // 4 an option (`isOptionTerm`), 5 a line in bold (`isBoldLine`), 6 a list of options
    // (`isOptionList`), 7 a reStructuredText directive (`isDirective`), 8 an item's name
    // (`isNameLine`), 9 an entry's label (`startsWithEntryLabel`).
    func look(_ k: Int) -> UInt8 {
      var text = frags[k].text
      return text.withUTF8 { buf -> UInt8 in
        let (s, e) = HardWrap.trimmed(buf)
        if s == e { return 0 }
        // Headings, POD commands and underlines all start with ASCII punctuation; of the lines
        // that start with a letter or digit only an item's name opens an entry.
        let b = buf[s]
        if Bytes.isAlnum(b) { return isNameLine(buf, s, e) ? 8 : startsWithEntryLabel(buf, s, e) ? 9 : 1 }
        guard b > 0x20 && b < 0x7F else { return 1 }
        if isHeading(buf, s, e) { return 2 }
        if isOptionList(buf, s, e) { return 6 }
        if isOptionTerm(buf, s, e) { return 4 }
        if isBoldLine(buf, s, e) { return 5 }
        if isDirective(buf, s, e) { return 7 }
        if isNameLine(buf, s, e) { return 8 }
        // POD: =head1 ... =head4, =item.
        if b == 0x3D && e - s >= 5 {
          let w = (buf[s + 1], buf[s + 2], buf[s + 3], buf[s + 4])
          if w == (0x68, 0x65, 0x61, 0x64) || w == (0x69, 0x74, 0x65, 0x6D) { return 2 }
        }
        return isUnderline(buf) ? 3 : 1
      }
    }
    var next = frags.isEmpty ? 0 : look(0)
    // The line before (0 blank; also at the document's start).
    var before: UInt8 = 0
    for k in frags.indices {
      let this = next
      next = k + 1 < frags.count ? look(k + 1) : 0
      // A heading, a title over its underline, or (session 15) a rule: a line like an underline
      // with no title over it (a blank line or the document's start before it), the `-----`
      // or `=====` between the licences of a LICENSE-THIRD-PARTY file.
      // And an option that opens its entry: under a blank line, a heading or another option
      // (in a wrapped paragraph a line may start with an option it goes on to explain:
      // `-z pack-relative-relocs option, which ...` in glibc's NEWS).
      // And (session 16) a line in bold that stands as a paragraph of its own (a blank line or
      // the document's start over it): the pseudo-heading of Markdown and reStructuredText
      // (`**Example 2: To copy a report**`), not a bold line inside a paragraph.
      // And (session 17) the place of a block set aside (code, a table; `CodeBlocks`): prose
      // after a code block speaks of that block (`This command produces no output.` after each
      // of two commands; `Note that the division by zero takes place.` after two programs).
      // And (session 18) a line of options and their arguments only, wherever it stands (a
      // `--help` text puts each option right under the previous one's description); a
      // reStructuredText directive (`.. class:: Name(args)`); and an item's name standing as a
      // paragraph of its own (`pg_dump@cluster.service`, `config.yaml`, `parse_args()`), or an
      // entry's label opening a paragraph (`bpo-38792: Close a calltip ...` in a NEWS file).
      defer { before = this }
      if this == 2 || (this != 0 && next == 3) || (this == 3 && before == 0)
        || (this == 4 && (before == 0 || before == 2 || before == 4)) || (this == 5 && before == 0)
        || this == 6 || this == 7 || ((this == 8 || this == 9) && before == 0)
        || frags[k].kind == .blank
      {
        if out == nil { out = [Int32](repeating: 0, count: frags.count) }
        current += 1
      }
      out?[k] = current
    }
    return out
  }

  /// A Markdown ATX heading: one to six `#` and a space (`### Load configuration`); or an
  /// outline heading of Emacs outline and Org files (GNU NEWS files): two to six `*` and a space
  /// (`** Bug fixes`; one `*` is a list item). Not when a single `#` is followed by what looks like
  /// code (`# mdadm --detail /dev/md1`, a command at a root prompt).
  static func isHeading(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    let c = buf[a]
    guard c == 0x23 || c == 0x2A else { return false }
    var i = a
    while i < e && buf[i] == c { i += 1 }
    let n = i - a
    guard n >= (c == 0x23 ? 1 : 2) && n <= 6 && i < e && (buf[i] == 0x20 || buf[i] == 0x09) else { return false }
    // A root shell prompt is no heading: `# mdadm --detail /dev/md1`. Only one `#` can be a
    // prompt (session 18: `### DEP0002: `require('_linklist')`` is a heading with code in it).
    return n > 1 || !CodeLines.looksLikeCode(UnsafeBufferPointer(rebasing: buf[i..<e]))
  }

  /// A line wholly in bold, Markdown's and reStructuredText's strong emphasis: `**` (or `__`), a
  /// text that does not start with a space and holds no other `**`, then `**` (a colon may
  /// follow: `**Note**:`), at most 160 bytes (a heading, not a paragraph set in bold).
  /// `**Note:** the text goes on` and `**a** and **b**` are no bold line.
  static func isBoldLine(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e0: Int) -> Bool {
    var e = e0
    if e - a > 1 && buf[e - 1] == 0x3A { e -= 1 }
    guard e - a >= 5 && e0 - a <= 160 else { return false }
    let c = buf[a]
    guard (c == 0x2A || c == 0x5F) && buf[a + 1] == c && buf[e - 1] == c && buf[e - 2] == c else { return false }
    let first = buf[a + 2]
    guard first != c && first != 0x20 && first != 0x09 && buf[e - 3] != 0x20 else { return false }
    var i = a + 2
    while i < e - 3 {
      if buf[i] == c && buf[i + 1] == c { return false }
      i += 1
    }
    return true
  }

  /// A command-line option that opens its entry in a man page or a `--help` text: one dash and a
  /// lower-case letter, or two dashes and a lower-case letter or digit, the option's name running
  /// on in lower-case letters, digits and dashes to the line's end or to a space, `=`, `,` or `[`
  /// (`--location=LOCATION`, `-f, --force`, `-name pattern`). Each option's entry is a section: gcloud's man pages say `This must be specified.`
  /// under every required flag. (`-Article last amended` and `-5 degrees` are no option.)
  static func isOptionTerm(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    guard e - a >= 2, buf[a] == 0x2D else { return false }
    var i = a + 1
    if buf[i] == 0x2D {
      i += 1
      guard i < e, Bytes.isLower(buf[i]) || Bytes.isDigit(buf[i]) else { return false }
    } else {
      guard Bytes.isLower(buf[i]) else { return false }
    }
    while i < e && (Bytes.isLower(buf[i]) || Bytes.isDigit(buf[i]) || buf[i] == 0x2D) { i += 1 }
    if i == e { return true }
    let b = buf[i]
    return b == 0x20 || b == 0x09 || b == 0x3D || b == 0x2C || b == 0x5B
  }

  /// A line of command-line options and their arguments only (`--to-toml, -t`,
  /// `--width WIDTH, -w WIDTH`, `--format {json,yaml}`, `-o FILE, --output=FILE`): options (a
  /// dash and a letter, or two dashes and a letter or digit, then letters, digits, `-`, `_`,
  /// and anything after `=` or `[`) and argument names (upper case: `WIDTH`; or in brackets:
  /// `{1.1,1.2}`, `<order>`, `[asc|desc]`), separated by spaces, commas or `|`, the first an
  /// option. A line of prose that starts with an option goes on in lower-case words and is none
  /// (`-z pack-relative-relocs option, which ...`).
  static func isOptionList(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    var i = a
    var first = true
    while i < e {
      while i < e && (buf[i] == 0x20 || buf[i] == 0x09 || buf[i] == 0x2C || buf[i] == 0x7C) { i += 1 }
      if i == e { break }
      // One item: up to a separator outside brackets.
      let s = i
      var depth = 0
      while i < e {
        let b = buf[i]
        if b == 0x7B || b == 0x5B || b == 0x3C || b == 0x28 {
          depth += 1
        } else if b == 0x7D || b == 0x5D || b == 0x3E || b == 0x29 {
          depth -= 1
        } else if depth <= 0 && (b == 0x20 || b == 0x09 || b == 0x2C || b == 0x7C) {
          break
        }
        i += 1
      }
      if depth != 0 { return false }
      if buf[s] == 0x2D {
        var k = s + 1
        if k < i && buf[k] == 0x2D { k += 1 }
        guard k < i && (Bytes.isAlpha(buf[k]) || (k == s + 2 && Bytes.isDigit(buf[k]))) else { return false }
        while k < i && (Bytes.isAlnum(buf[k]) || buf[k] == 0x2D || buf[k] == 0x5F) { k += 1 }
        guard k == i || buf[k] == 0x3D || buf[k] == 0x5B else { return false }
      } else if first {
        return false
      } else if buf[s] == 0x7B || buf[s] == 0x5B || buf[s] == 0x3C {
        continue  // a bracketed argument (balanced: depth is 0)
      } else {
        var upper = false
        for k in s..<i {
          let b = buf[k]
          if Bytes.isUpper(b) {
            upper = true
          } else if !(Bytes.isDigit(b) || b == 0x5F || b == 0x2D) {
            return false
          }
        }
        if !upper { return false }
      }
      first = false
    }
    return !first
  }

  static func isOptionList(_ line: [UInt8]) -> Bool {
    line.withUnsafeBufferPointer { isOptionList($0, 0, $0.count) }
  }

  /// A reStructuredText directive: `..`, a space, a name (letters, digits, `-`, `_`, `:`) and
  /// `::` (`.. class:: Name(args)`, `.. py:function:: parse(text)`, `.. note::`).
  static func isDirective(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    guard e - a >= 6, buf[a] == 0x2E, buf[a + 1] == 0x2E, buf[a + 2] == 0x20, Bytes.isAlpha(buf[a + 3]) else { return false }
    var i = a + 3
    while i + 1 < e {
      let b = buf[i]
      if b == 0x3A && buf[i + 1] == 0x3A { return true }
      guard Bytes.isAlnum(b) || b == 0x2D || b == 0x5F || b == 0x3A else { return false }
      i += 1
    }
    return false
  }

  /// A line that starts with an entry's label: one word of letters and digits, both, with
  /// inner `-` or `_` (an issue's or a rule's number: `bpo-38792`, `CVE-2021-44228`, `DEP0002`,
  /// `GH-1234`), then `:` and a space (NEWS files and changelogs open each entry with one).
  static func startsWithEntryLabel(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    var i = a
    var letter = false
    var digit = false
    while i < e {
      let b = buf[i]
      if Bytes.isAlpha(b) {
        letter = true
      } else if Bytes.isDigit(b) {
        digit = true
      } else if !((b == 0x2D || b == 0x5F) && i > a && i + 1 < e && Bytes.isAlnum(buf[i + 1])) {
        break
      }
      i += 1
    }
    return letter && digit && i - a <= 30 && i + 1 < e && buf[i] == 0x3A && buf[i + 1] == 0x20
  }

  /// An item's name on a line of its own, as reference documentation lists services, files,
  /// functions and keys: one word (no space), 3 to 80 bytes, with a letter, ending in a letter,
  /// a digit or `)`, and shaped as a name, not a word of prose: an `@`, a `_`, `::`, `()`, a
  /// path (`/` or `~/` first), or a dot between two letters (`units.service`, `config.yaml`,
  /// `os.path`). Not a URL (`://`, `www.`), so a scraped article's URL line opens nothing.
  static func isNameLine(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    guard e - a >= 3 && e - a <= 80 else { return false }
    let last = buf[e - 1]
    guard Bytes.isAlnum(last) || last == 0x29 else { return false }
    var letter = false
    var shaped = buf[a] == 0x2F || (buf[a] == 0x7E && buf[a + 1] == 0x2F)
    for i in a..<e {
      let b = buf[i]
      if b == 0x20 || b == 0x09 || b >= 0x80 { return false }
      if Bytes.isAlpha(b) {
        letter = true
      } else if b == 0x40 || b == 0x5F {
        shaped = true
      } else if b == 0x3A {
        if i + 2 < e && buf[i + 1] == 0x2F && buf[i + 2] == 0x2F { return false }
        if i + 1 < e && buf[i + 1] == 0x3A { shaped = true }
      } else if b == 0x28 {
        if i + 1 < e && buf[i + 1] == 0x29 { shaped = true }
      } else if b == 0x2E && i > a && i + 1 < e && Bytes.isAlpha(buf[i - 1]) && Bytes.isAlpha(buf[i + 1]) {
        shaped = true
      }
    }
    if e - a >= 4 && buf[a] | 0x20 == 0x77 && buf[a + 1] | 0x20 == 0x77 && buf[a + 2] | 0x20 == 0x77 && buf[a + 3] == 0x2E {
      return false
    }
    return letter && shaped
  }

  /// The line under a title in Markdown (setext) and reStructuredText: three or more of one
  /// punctuation character and nothing else (`=====`, `-----`, `^^^^^`).
  static func isUnderline(_ line: String) -> Bool {
    var text = line
    return text.withUTF8 { isUnderline($0) }
  }

  static func isUnderline(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var c: UInt8 = 0
    var count = 0
    for b in bytes where b != 0x20 && b != 0x09 && b != 0x0D {
      if count == 0 {
        guard b > 0x20 && b < 0x7F && !Bytes.isAlnum(b) else { return false }
        c = b
      } else if b != c {
        return false
      }
      count += 1
    }
    return count >= 3
  }

  static let hardWrapOption = OptionSpec(
    "hard-wrap", .bool, default: .bool(true),
    help:
      "A piece of a sentence cut by a line end is never removed nor kept as the copy of another: in hard-wrapped text (paragraphs broken into lines of about the same width: e-mail, licences, plain-text books) at every soft line end, elsewhere where a line stops inside a sentence and the next goes on in lower case (a wrapped comment in a README, a sentence a scraper broke in two)."
  )

  static let speakerLabelOption = OptionSpec(
    "speaker-labels", .regexList,
    default: .list([#"\(\([^()]{1,80}\)\)"#, #"(?:Q|A|[A-Z][A-Z.'’ -]{1,30}):(?=\s)"#]),
    help:
      "Speaker labels at the start of a sentence (interview transcripts); their words do not count towards min-words.")
}
