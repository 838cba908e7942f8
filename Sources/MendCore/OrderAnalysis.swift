import CICU

/// The analysed sentences of one document in flat arrays: one key pool with per-sentence ranges
/// for the nine key lists, the unary features n × 16, the openings. `OrderModel.analyze` builds
/// it, and `sentences()` turns it into `[OrderModel.Sentence]` (the same values, plus the change
/// reasons' signals) only when the decline test lets the document through. The decline test
/// (hard signs, the random-order z) reads it directly: no array per sentence, no copy of a
/// `Sentence` per look-up.
public struct OrderAnalysis: Sendable {
  /// The key lists of a sentence, in the order of their ranges in `offsets`.
  enum List: Int, CaseIterable {
    case long, last, short, entity, acronymsDefined, acronymsUsed, indefinite, definite, content
  }
  /// The number of lists (a literal, so hot loops read no lazily initialised global).
  static var lists: Int { 9 }

  public internal(set) var count: Int
  /// The key pool; sentence i's list l is `keys[offsets[i * lists + l] ..< offsets[i * lists + l + 1]]`
  /// (sorted, each key once).
  var keys: [UInt64] = []
  var offsets: [Int] = [0]
  /// Unary features, `Feature.unaryCount` per sentence.
  var unary: [Double] = []
  var opens: [Bool] = []
  /// Which opening the sentence has: 0 none, 1 pronoun, 2 connective, 3 back-reference.
  var opening: [UInt8] = []

  init(count: Int) {
    self.count = count
    keys.reserveCapacity(count * 24)
    offsets.reserveCapacity(count * Self.lists + 1)
    unary.reserveCapacity(count * OrderModel.Feature.unaryCount)
    opens.reserveCapacity(count)
    opening.reserveCapacity(count)
  }

  /// The flat form of analysed sentences (for the `[Sentence]` entry points).
  init(_ ss: [OrderModel.Sentence]) {
    self.init(count: ss.count)
    for s in ss {
      for list in [
        s.longKeys, s.lastKeys, s.shortKeys, s.entityKeys, s.acronymsDefined, s.acronymsUsed, s.indefinite, s.definite,
        s.content,
      ] {
        keys += list
        offsets.append(keys.count)
      }
      unary += s.unary
      opens.append(s.opensWithReference)
      opening.append(0)
    }
  }

  @inline(__always) func range(_ i: Int, _ l: List) -> Range<Int> {
    offsets[i * Self.lists + l.rawValue]..<offsets[i * Self.lists + l.rawValue + 1]
  }

  /// The analysed sentences as `Sentence` values, with the change reasons' signals.
  public func sentences() -> [OrderModel.Sentence] {
    var out: [OrderModel.Sentence] = []
    out.reserveCapacity(count)
    let u = OrderModel.Feature.unaryCount
    for i in 0..<count {
      var s = OrderModel.Sentence()
      s.unary = Array(unary[(i * u)..<((i + 1) * u)])
      s.longKeys = Array(keys[range(i, .long)])
      s.lastKeys = Array(keys[range(i, .last)])
      s.shortKeys = Array(keys[range(i, .short)])
      s.entityKeys = Array(keys[range(i, .entity)])
      s.acronymsDefined = Array(keys[range(i, .acronymsDefined)])
      s.acronymsUsed = Array(keys[range(i, .acronymsUsed)])
      s.indefinite = Array(keys[range(i, .indefinite)])
      s.definite = Array(keys[range(i, .definite)])
      s.content = Array(keys[range(i, .content)])
      s.opensWithReference = opens[i]
      switch opening[i] {
      case 1: s.signals.append("opens with a pronoun")
      case 2: s.signals.append("opens with a connective")
      case 3: s.signals.append("opens with a back-reference")
      default: break
      }
      if s.unary[OrderModel.Feature.shortReferences.rawValue] > 0 {
        s.signals.append("refers to a name given in full elsewhere")
      }
      if s.unary[OrderModel.Feature.introductions.rawValue] > 0 {
        s.signals.append("introduces a name used short elsewhere")
      }
      out.append(s)
    }
    return out
  }
}

/// Membership of a word hash in every word list of the model at once (one look-up per token
/// instead of one per list): a bit per list, open addressing.
struct WordListFlags: Sendable {
  static let function: UInt16 = 1
  static let pronoun: UInt16 = 2
  static let connective: UInt16 = 4
  static let backReference: UInt16 = 8
  static let title: UInt16 = 16
  static let day: UInt16 = 32
  static let summary: UInt16 = 64
  static let later: UInt16 = 128
  static let background: UInt16 = 256
  static let attribution: UInt16 = 512

  var table: [UInt64]
  var flags: [UInt16]
  let shift: UInt64
  var zeroFlags: UInt16 = 0
  /// Session 10: a 4096-bit map per flag mask the hot loops ask about (`function`, and `function`
  /// or `title`): bit `k >> 52` is set for every key `k` of the table (and for 0, through
  /// `zeroFlags`) whose flags meet the mask. A clear bit therefore means `self[k] & mask == 0`,
  /// exactly (the same key always has the same bit); a set bit says nothing, and the table is
  /// asked as before. Most content words and names miss the map and skip the probe.
  var functionMap = [UInt64](repeating: 0, count: 64)
  var functionTitleMap = [UInt64](repeating: 0, count: 64)

  init(_ lists: [(UInt16, [UInt64])]) {
    var total = 0
    for (_, ks) in lists { total += ks.count }
    shift = openAddressShift(count: total, slotsPerKey: 4)
    table = [UInt64](repeating: 0, count: 1 << Int(64 - shift))
    flags = [UInt16](repeating: 0, count: table.count)
    for (flag, ks) in lists {
      for k in ks {
        if k == 0 {
          zeroFlags |= flag
          continue
        }
        let i = openAddressInsertSlot(table, k, shift: shift)
        table[i] = k
        flags[i] |= flag
      }
    }
    for (flag, ks) in lists {
      for k in ks {
        if flag & Self.function != 0 { functionMap[Int(k >> 58)] |= 1 << ((k >> 52) & 63) }
        if flag & (Self.function | Self.title) != 0 { functionTitleMap[Int(k >> 58)] |= 1 << ((k >> 52) & 63) }
      }
    }
  }

  /// The lists `k` is in (the same answers as each list's `KeySet.contains`).
  @inline(__always) subscript(_ k: UInt64) -> UInt16 {
    if k == 0 { return zeroFlags }
    return table.withUnsafeBufferPointer { t in
      guard let i = openAddressSlot(t, k, shift: shift) else { return 0 }
      return flags.withUnsafeBufferPointer { $0[i] }
    }
  }
}

/// The shift of an open-addressing table for `count` keys with at least `slotsPerKey` slots a key:
/// 2^bits slots (bits ≥ 4), probed from `(k · 0x9E3779B97F4A7C15) >> (64 − bits)`.
func openAddressShift(count: Int, slotsPerKey: Int) -> UInt64 {
  var bits: UInt64 = 4
  while (1 << bits) < count * slotsPerKey { bits += 1 }
  return 64 - bits
}

/// Where key `k` (not 0) goes in an open-addressing table: its own slot, or the first empty one
/// on its probe path (`KeySet`, `WordListFlags`, `PositionTable` build with it).
@inline(__always) func openAddressInsertSlot(_ table: [UInt64], _ k: UInt64, shift: UInt64) -> Int {
  let mask = table.count - 1
  var i = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
  while table[i] != 0 && table[i] != k { i = (i + 1) & mask }
  return i
}

/// The slot of key `k` (not 0) in an open-addressing table of a power-of-two size whose empty
/// slots hold 0, probed linearly from the Fibonacci hash `(k · 0x9E3779B97F4A7C15) >> shift`;
/// nil when the table does not hold it (`WordListFlags`, `PositionTable`).
@inline(__always) func openAddressSlot(_ t: UnsafeBufferPointer<UInt64>, _ k: UInt64, shift: UInt64) -> Int? {
  let mask = t.count - 1
  var i = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
  while true {
    let v = t[i]
    if v == k { return i }
    if v == 0 { return nil }
    i = (i + 1) & mask
  }
}

/// `position-words` as an open-addressing table (word key → score), probed like
/// `WordListFlags`: a few instructions a token where a `Dictionary` hashed every key with SipHash.
public struct PositionTable: Sendable, Equatable {
  var keys: [UInt64]
  var scores: [Double]
  let shift: UInt64
  public private(set) var count = 0

  public init(_ entries: [UInt64: Double] = [:]) {
    shift = openAddressShift(count: entries.count, slotsPerKey: 4)
    keys = [UInt64](repeating: 0, count: 1 << Int(64 - shift))
    scores = [Double](repeating: 0, count: keys.count)
    for (k, v) in entries where k != 0 {
      let i = openAddressInsertSlot(keys, k, shift: shift)
      if keys[i] == 0 { count += 1 }
      keys[i] = k
      scores[i] = v
    }
  }

  public var isEmpty: Bool { count == 0 }

  /// The word's score, or nil when the table does not list it.
  @inline(__always) public subscript(_ k: UInt64) -> Double? {
    if k == 0 || count == 0 { return nil }
    return keys.withUnsafeBufferPointer { t in
      guard let i = openAddressSlot(t, k, shift: shift) else { return nil }
      return scores.withUnsafeBufferPointer { $0[i] }
    }
  }
}

extension OrderModel {
  /// Sorted key slices of a flat analysis (pointers into its pool).
  typealias Keys = UnsafeBufferPointer<UInt64>

  @inline(__always) static func contains(_ xs: Keys, _ k: UInt64) -> Bool {
    var lo = 0
    var hi = xs.count
    while lo < hi {
      let m = (lo + hi) >> 1
      if xs[m] < k { lo = m + 1 } else { hi = m }
    }
    return lo < xs.count && xs[lo] == k
  }

  /// |a ∩ b \ c|, all sorted (c empty: |a ∩ b|), as `overlap` on arrays.
  @inline(__always) static func overlap(_ a: Keys, _ b: Keys, minus c: Keys? = nil) -> Int {
    var i = 0
    var j = 0
    var n = 0
    while i < a.count && j < b.count {
      let x = a[i]
      let y = b[j]
      if x < y {
        i += 1
      } else if x > y {
        j += 1
      } else {
        if c == nil || c!.isEmpty || !contains(c!, x) { n += 1 }
        i += 1
        j += 1
      }
    }
    return n
  }

  /// Whether the line holds a '"', '“' or '”' (E2 80 9C / 9D). Only a 0x22 or 0xE2 byte can start
  /// one: eight bytes at a time, only the bytes found equal to one of them (`zeroBytes` flags a
  /// byte iff it is zero, exactly) are looked at. `swar: false` (tests) is the byte loop.
  @inline(__always)
  static func hasQuote(_ buf: UnsafeBufferPointer<UInt8>, swar: Bool = true) -> Bool {
    let n = buf.count
    @inline(__always) func at(_ i: Int) -> Bool {
      let b = buf[i]
      if b == 0x22 { return true }
      return b == 0xE2 && i + 2 < n && buf[i + 1] == 0x80 && (buf[i + 2] == 0x9C || buf[i + 2] == 0x9D)
    }
    var i = 0
    if let base = buf.baseAddress, swar {
      let raw = UnsafeRawPointer(base)
      while i + 8 <= n {
        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        var m = RestoreOrder.zeroBytes(x ^ 0x2222_2222_2222_2222) | RestoreOrder.zeroBytes(x ^ 0xE2E2_E2E2_E2E2_E2E2)
        while m != 0 {
          if at(i + m.trailingZeroBitCount >> 3) { return true }
          m &= m - 1
        }
        i += 8
      }
    }
    while i < n {
      if at(i) { return true }
      i += 1
    }
    return false
  }

  /// A document's tokens in one flat array (sentence si holds `tokens[bounds[si]..<bounds[si + 1]]`)
  /// and each token's word-list flags (`wordFlags[key]`): the first half of `analyzeFlat`, which
  /// the neighbour-cohesion decline test (`RestoreOrder.contentAdjacentZ`) reads on its own.
  struct TokenizedDocument {
    var tokens: [Token]
    var flags: [UInt16]
    var bounds: [Int]
  }

  func tokenizeDocument(_ texts: [String]) -> TokenizedDocument {
    var all: [Token] = []
    var bytes = 0
    for t in texts { bytes += t.utf8.count }
    all.reserveCapacity(bytes / 5 + 4 * texts.count)
    var bounds: [Int] = [0]
    bounds.reserveCapacity(texts.count + 1)
    for t in texts {
      var t = t
      t.withUTF8 { buf in Self.tokenize(buf, into: &all) }
      bounds.append(all.count)
    }
    var flags = [UInt16](repeating: 0, count: all.count)
    all.withUnsafeBufferPointer { ap in
      flags.withUnsafeMutableBufferPointer { fp in
        for i in 0..<ap.count { fp[i] = wordFlags[ap[i].key] }
      }
    }
    return TokenizedDocument(tokens: all, flags: flags, bounds: bounds)
  }

  /// Each sentence's content words exactly as `analyzeFlat` lists them (`OrderAnalysis.List.content`:
  /// a token not capitalised, in no function-word list, of ≥ 4 bytes; its key without a final "s";
  /// sorted, each once), in one key pool with offsets (sentence i holds `keys[offsets[i]..<offsets[i + 1]]`),
  /// straight from the bytes: the token boundaries, keys and possessive rule of `tokenize`, but no
  /// `Token` array, and a capitalised token is skipped, not hashed (it is never a content word). A
  /// test checks it against `analyzeFlat`.
  func contentKeys(_ texts: [String]) -> (keys: [UInt64], offsets: [Int]) {
    guard lineMasks else { return contentKeysReference(texts) }
    var (out, offsets) = Self.keyRoom(texts)
    defer { out.deallocate() }
    var w = 0
    // Session 12: an ASCII line through `mend_order_content_keys` (the same keys in the same
    // order: see mend_order.c), any other line through the byte loop as before.
    withWordTable(wordFlags.functionMap, want: WordListFlags.function) { table in
      for (si, t) in texts.enumerated() {
        var t = t
        let start = w
        w = t.withUTF8 { buf -> Int in
          let c = mend_order_content_keys_path(buf.baseAddress, Int64(buf.count), out + start, table, maskPath)
          return c >= 0 ? start + Int(c) : contentKeysLine(buf, out, start)
        }
        // Sorted, each once (as `sortUnique` on the sentence's list).
        w = Self.sortUnique(out, start, w)
        offsets[si + 1] = w
      }
    }
    return (Array(UnsafeBufferPointer(start: out, count: w)), offsets)
  }

  /// Room for a document's content keys, and its offsets (all 0). Session 10: the keys are
  /// written through a pointer into memory of fixed capacity (no `append` and its uniqueness and
  /// capacity checks per key). The capacity is enough: a key comes from a token of at least 4
  /// bytes, the tokens of a line do not overlap, so a line of n bytes gives at most n / 4 keys,
  /// and the document at most its bytes / 4.
  static func keyRoom(_ texts: [String]) -> (UnsafeMutablePointer<UInt64>, [Int]) {
    var bytes = 0
    for t in texts { bytes += t.utf8.count }
    return (UnsafeMutablePointer<UInt64>.allocate(capacity: bytes / 4 + 1), [Int](repeating: 0, count: texts.count + 1))
  }

  /// `contentKeys` with every line through the byte loop (`contentKeysLine`): the reference for
  /// its vector pass over ASCII lines (tests).
  func contentKeysReference(_ texts: [String]) -> (keys: [UInt64], offsets: [Int]) {
    var (out, offsets) = Self.keyRoom(texts)
    defer { out.deallocate() }
    var w = 0
    for (si, t) in texts.enumerated() {
      var t = t
      let start = w
      w = t.withUTF8 { buf -> Int in contentKeysLine(buf, out, start) }
      // Sorted, each once (as `sortUnique` on the sentence's list).
      w = Self.sortUnique(out, start, w)
      offsets[si + 1] = w
    }
    return (Array(UnsafeBufferPointer(start: out, count: w)), offsets)
  }

  /// One line's content keys (unsorted, in line order) written to `out` from `start`; returns the
  /// new end. The byte loop of `contentKeys`.
  @inline(__always)
  func contentKeysLine(_ buf: UnsafeBufferPointer<UInt8>, _ out: UnsafeMutablePointer<UInt64>, _ start: Int) -> Int {
    let function = WordListFlags.function
    let n = buf.count
    var w = start
    // Not a function word: the map's bit is clear (exact, see `functionMap`) or the
    // table says so.
    @inline(__always) func put(_ key: UInt64, _ stored: UInt64) {
      if wordFlags.functionMap[Int(truncatingIfNeeded: key >> 58)] & (1 << ((key >> 52) & 63)) == 0
        || wordFlags[key] & function == 0
      {
        out[w] = stored
        w += 1
      }
    }
    var i = 0
    while i < n {
      let b = buf[i]
      // The lower-case lane first (session 9: most tokens start with a–z; the tests below
      // all fail for such a byte, so taking it first changes nothing but their cost).
      if b &- 0x61 < 26 {
        // Fast lane for the usual token, lower-case ASCII letters only (`lowerRunEnd`).
        // Conservative: the general loop below, from a lower-case letter, takes every letter
        // of the run [i, e) through its first branch (stem = h, h = FNV step of the byte,
        // last = the byte) and then, at buf[e], breaks when e == n or buf[e] is neither a
        // word byte (A-Z, 0-9, ≥ 0x80, which includes 0xE2) nor an apostrophe or hyphen (the
        // only other bytes it may take): `endsLowerToken`. Exactly then the token is [i, e):
        // no possessive, key = FNV of the run, stemKey = FNV of the run without its last
        // byte when that is an "s", else the key; and a token of < 4 bytes is never a content
        // word, so it is not hashed at all. Any other byte at e leaves the lane, and the
        // general loop reads the token from i as before.
        let e = Self.lowerRunEnd(buf, from: i)
        if e == n {
          if e - i >= 4 {
            let stem = Self.lowerRunHash(buf, i, e - 1)
            let last = buf[e - 1]
            let key = (stem ^ UInt64(last)) &* Self.fnvPrime
            put(key, last == 0x73 ? stem : key)
          }
          i = e
          continue
        }
        let c = buf[e]
        if Self.endsLowerToken(c) {
          if e - i >= 4 {
            let stem = Self.lowerRunHash(buf, i, e - 1)
            let last = buf[e - 1]
            let key = (stem ^ UInt64(last)) &* Self.fnvPrime
            put(key, last == 0x73 ? stem : key)
          }
          // A space after the token: the loop would only step over it (`b == 0x20`).
          i = c == 0x20 ? e + 1 : e
          continue
        }
      }
      if b == 0x20 {
        i += 1
        continue
      }
      if b == 0xE2 && i + 2 < n && buf[i + 1] == 0x80 {
        i += 3
        continue
      }
      if !Self.isWordByte(b) {
        i += 1
        continue
      }
      if b &- 0x41 < 26 {
        // Capitalised: only its end (the word loop of `tokenize`, as `skipLowerWordTail` runs it).
        // Its first byte (A-Z) is one `skipLowerWordTail` takes as a word byte: start after it.
        i = skipLowerWordTail(buf, from: i + 1)
        continue
      }
      let tokenStart = i
      var j = i
      var h = Self.fnvOffset
      var stem = Self.fnvOffset
      var last: UInt8 = 0
      var possessiveAt = -1
      while j < n {
        let c = buf[j]
        if c &- 0x61 < 26 {
          stem = h
          h = (h ^ UInt64(c)) &* Self.fnvPrime
          last = c
          j += 1
          continue
        }
        if Self.isWordByte(c) {
          if c == 0xE2 && j + 2 < n && buf[j + 1] == 0x80 { break }
          stem = h
          h = (h ^ UInt64(Self.lower(c))) &* Self.fnvPrime
          last = c
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
      i = j
      guard j - tokenStart >= 4 else { continue }
      var key = h
      var stemKey = last == 0x73 ? stem : h
      if possessiveAt > 0 {
        key = Self.lowerHash(buf, tokenStart, possessiveAt)
        stemKey = key
      }
      put(key, stemKey)
    }
    return w
  }

  /// The end of the run of lower-case ASCII letters (0x61–0x7A) from `i`, 8 bytes at a time. Per
  /// byte of a little-endian word, with v = the byte's low 7 bits: v + 0x1F has bit 7 set exactly
  /// when v ≥ 0x61 and v + 0x05 exactly when v ≥ 0x7B (no sum exceeds 0xFF, so no carry crosses
  /// bytes); the byte is a lower-case letter when the first is set, the second not, and the byte's
  /// own bit 7 is clear. The first byte that is not one stops the run (a test compares it with a
  /// byte-by-byte scan at every offset of the 8-byte window).
  @inline(__always)
  static func lowerRunEnd(_ buf: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
    let n = buf.count
    var j = i
    guard let base = buf.baseAddress else { return j }
    let high: UInt64 = 0x8080_8080_8080_8080
    while j &+ 8 <= n {
      let w = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self).littleEndian
      let v = w & 0x7F7F_7F7F_7F7F_7F7F
      let stop = (~((v &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(v &+ 0x0505_0505_0505_0505)) | w) & high
      if stop != 0 { return j &+ (stop.trailingZeroBitCount &>> 3) }
      j &+= 8
    }
    while j < n && buf[j] &- 0x61 < 26 { j &+= 1 }
    return j
  }

  /// A byte at which `contentKeys`' word loop ends a token whatever follows: not a word byte
  /// (`isWordByte`: A-Z, a-z, 0-9, ≥ 0x80) and not an apostrophe or hyphen (which it takes inside a
  /// word when a word byte follows).
  @inline(__always) static func endsLowerToken(_ c: UInt8) -> Bool {
    c == 0x20 || (!isWordByte(c) && c != 0x27 && c != 0x2D)  // a space, the usual case, first
  }

  /// FNV-1a of `buf[from..<to]` (lower-case letters: no case folding needed), two bytes a step.
  @inline(__always) static func lowerRunHash(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> UInt64 {
    var k = fnvOffset
    var p = from
    while p &+ 2 <= to {
      k = (k ^ UInt64(buf[p])) &* fnvPrime
      k = (k ^ UInt64(buf[p &+ 1])) &* fnvPrime
      p &+= 2
    }
    if p < to { k = (k ^ UInt64(buf[p])) &* fnvPrime }
    return k
  }

  /// Analyse the sentences of one document (each a string of one sentence) into flat arrays.
  public func analyzeFlat(_ texts: [String]) -> OrderAnalysis {
    analyzeFlat(texts, tokenizeDocument(texts))
  }

  /// `analyzeFlat` from the document's tokens (`tokenizeDocument(texts)`).
  func analyzeFlat(_ texts: [String], _ doc: TokenizedDocument) -> OrderAnalysis {
    var quotes: [Bool] = []
    var years: [Bool] = []
    var pairKeys: [UInt64] = []
    quotes.reserveCapacity(texts.count)
    years.reserveCapacity(texts.count)
    pairKeys.reserveCapacity(texts.count)
    return doc.tokens.withUnsafeBufferPointer { allp in
      for (si, t) in texts.enumerated() {
        var t = t
        t.withUTF8 { buf in
          let first = doc.bounds[si]
          let end = doc.bounds[si + 1]
          var y = false
          for g in first..<end where allp[g].end - allp[g].start == 4 {
            let tok = allp[g]
            let a = buf[tok.start]
            let b = buf[tok.start + 1]
            if ((a == 0x31 && b == 0x39) || (a == 0x32 && b == 0x30)) && buf[tok.start + 2] >= 0x30
              && buf[tok.start + 2] <= 0x39 && buf[tok.start + 3] >= 0x30 && buf[tok.start + 3] <= 0x39
            {
              y = true
              break
            }
          }
          years.append(y)
          quotes.append(Self.hasQuote(buf))
          // The first two words as one key (two-word connectives: "In addition").
          pairKeys.append(end - first >= 2 ? Self.pairKey(buf, allp[first], allp[first + 1]) : 0)
        }
      }
      return doc.flags.withUnsafeBufferPointer { fp in
        analyzeFlat(tokens: allp, flags: fp, bounds: doc.bounds, quotes: quotes, years: years, pairKeys: pairKeys)
      }
    }
  }

  func analyzeFlat(
    tokens allp: UnsafeBufferPointer<Token>, flags fp: UnsafeBufferPointer<UInt16>, bounds: [Int], quotes: [Bool],
    years: [Bool], pairKeys: [UInt64]
  ) -> OrderAnalysis {
    typealias F = WordListFlags
    let count = bounds.count - 1
    let keyA = Self.keyA
    let keyAn = Self.keyAn
    let keyThe = Self.keyThe
    // Document-level: capitalised words seen anywhere not at the start of a sentence.
    var capKeys = GrowingKeySet(capacity: 64)
    var innerCapKeys = GrowingKeySet(capacity: 64)
    // Words of multi-word names anywhere ("Xi" of "Xi Jinping"), so that a sentence may open with one.
    var nameKeys = GrowingKeySet(capacity: 64)
    for si in 0..<count {
      let lo = bounds[si]
      let hi = bounds[si + 1]
      for g in lo..<hi {
        let t = allp[g]
        guard t.capitalized && fp[g] & F.function == 0 else { continue }
        capKeys.insert(t.key)
        if g > lo { innerCapKeys.insert(t.key) }
        if g + 1 < hi && allp[g + 1].capitalized && !allp[g + 1].breakBefore && fp[g + 1] & F.function == 0 {
          nameKeys.insert(t.key)
          nameKeys.insert(allp[g + 1].key)
        }
      }
    }
    var out = OrderAnalysis(count: count)
    // Per-sentence buffers, reused.
    var isEntity: [Bool] = []
    var keys: [UInt64] = []
    // One buffer per key list (separate arrays: no nested copy-on-write check per append).
    var longL: [UInt64] = []
    var lastL: [UInt64] = []
    var shortL: [UInt64] = []
    var entityL: [UInt64] = []
    var definedL: [UInt64] = []
    var usedL: [UInt64] = []
    var indefiniteL: [UInt64] = []
    var definiteL: [UInt64] = []
    var contentL: [UInt64] = []
    var row = [Double](repeating: 0, count: Feature.unaryCount)
    var seenKeys: [UInt64] = []
    let surnameSet = notSurnames?.set()
    for si in 0..<count {
      let lo = bounds[si]
      let m = bounds[si + 1] - lo
      let ts = UnsafeBufferPointer(rebasing: allp[lo..<(lo + m)])
      let fs = UnsafeBufferPointer(rebasing: fp[lo..<(lo + m)])
      longL.removeAll(keepingCapacity: true)
      lastL.removeAll(keepingCapacity: true)
      shortL.removeAll(keepingCapacity: true)
      entityL.removeAll(keepingCapacity: true)
      definedL.removeAll(keepingCapacity: true)
      usedL.removeAll(keepingCapacity: true)
      indefiniteL.removeAll(keepingCapacity: true)
      definiteL.removeAll(keepingCapacity: true)
      contentL.removeAll(keepingCapacity: true)
      // Entity-like tokens.
      isEntity.removeAll(keepingCapacity: true)
      isEntity.append(contentsOf: repeatElement(false, count: m))
      keys.removeAll(keepingCapacity: true)
      keys.append(contentsOf: repeatElement(0, count: m))
      var hasTitle = false
      for i in 0..<m {
        let t = ts[i]
        var k = t.key
        // "Xis", "Chinas": a possessive whose apostrophe was stripped, when the bare name occurs.
        if t.capitalized && t.stemKey != t.key && capKeys.contains(t.stemKey) { k = t.stemKey }
        keys[i] = k
        guard t.capitalized, fs[i] & (F.function | F.title) == 0 else { continue }
        if i == 0 {
          let nextCap = m > 1 && ts[1].capitalized && !ts[1].breakBefore && fs[1] & F.function == 0
          isEntity[i] = nextCap || innerCapKeys.contains(t.key) || innerCapKeys.contains(k) || nameKeys.contains(k)
        } else {
          isEntity[i] = true
        }
      }
      for i in 0..<m where fs[i] & F.title != 0 && ts[i].capitalized {
        if i + 1 < m && isEntity[i + 1] && !ts[i + 1].breakBefore { hasTitle = true }
      }
      // Name sequences.
      var i = 0
      var fullNames = 0
      while i < m {
        guard isEntity[i] else {
          i += 1
          continue
        }
        var j = i + 1
        while j < m && isEntity[j] && !ts[j].breakBefore { j += 1 }
        let len = j - i
        if len >= 2 {
          fullNames += 1
          lastL.append(keys[j - 1])
          // A name given surname first (`Xi Jinping`, then `Xi`): its first word too.
          // (see `OrderModel.notSurnames`; the run's last word is no common word either).
          if Self.surnameFirst(keys[i], surnameSet) && Self.surnameFirst(keys[j - 1], surnameSet) {
            lastL.append(keys[i])
          }
        }
        for p in i..<j {
          if ts[p].allCaps && !ts[p].inParens && len == 1 {
            usedL.append(keys[p])
          }
          if ts[p].allCaps && ts[p].inParens {
            definedL.append(keys[p])
            continue
          }
          if len >= 2 {
            longL.append(keys[p])
          } else {
            shortL.append(keys[p])
          }
          entityL.append(keys[p])
        }
        i = j
      }
      // Determiners, content words, word lists.
      var any: UInt16 = 0
      var later = false
      for i in 0..<m {
        let t = ts[i]
        let k = t.key
        let f = fs[i]
        any |= f
        if i > 0 && f & F.later != 0 { later = true }
        if !t.capitalized || i == 0 {
          if k == keyA || k == keyAn || k == keyThe {
            var p = i + 1
            while p < m && p <= i + 2 && !ts[p].breakBefore && !ts[p].capitalized {
              if fs[p] & F.function == 0 {
                if k == keyThe {
                  definiteL.append(ts[p].stemKey)
                } else {
                  indefiniteL.append(ts[p].stemKey)
                }
              }
              p += 1
            }
          }
          if f & F.function == 0 && t.end - t.start >= 4 && !t.capitalized {
            contentL.append(t.stemKey)
          }
        }
      }
      // Openings.
      for x in 0..<row.count { row[x] = 0 }
      var opening: UInt8 = 0
      if m > 0 {
        if fs[0] & F.pronoun != 0 {
          opening = 1
        } else if fs[0] & F.connective != 0 || (m > 1 && wordFlags[pairKeys[si]] & F.connective != 0) {
          opening = 2
        } else if ts[0].key == keyThe && m > 1
          && (fs[1] & F.backReference != 0 || wordFlags[ts[1].stemKey] & F.backReference != 0)
        {
          opening = 3
        }
      }
      if opening == 1 { row[Feature.pronounStart.rawValue] = 1 }
      if opening == 2 { row[Feature.connectiveStart.rawValue] = 1 }
      if opening == 3 { row[Feature.backReferenceStart.rawValue] = 1 }
      out.opening.append(opening)
      out.opens.append(opening != 0)
      row[Feature.dayWord.rawValue] = any & F.day != 0 ? 1 : 0
      row[Feature.title.rawValue] = hasTitle ? 1 : 0
      row[Feature.fullNames.rawValue] = Double(min(fullNames, 3))
      row[Feature.summaryVerb.rawValue] = any & F.summary != 0 ? 1 : 0
      row[Feature.quote.rawValue] = quotes[si] ? 1 : 0
      row[Feature.length.rawValue] = min(Double(m) / 25, 2)
      row[Feature.laterWord.rawValue] = later ? 1 : 0
      row[Feature.year.rawValue] = years[si] ? 1 : 0
      row[Feature.background.rawValue] = any & F.background != 0 ? 1 : 0
      row[Feature.attribution.rawValue] = any & F.attribution != 0 ? 1 : 0
      if !positions.isEmpty {
        // The mean score of the sentence's distinct listed words. A word seen before in the
        // sentence is found among the listed ones so far, looked at only when a 64-bit filter
        // of their keys says it may be there.
        var sum = 0.0
        var filter: UInt64 = 0
        seenKeys.removeAll(keepingCapacity: true)
        for i in 0..<m {
          let k = ts[i].key
          guard let v = positions[k] else { continue }
          let bit: UInt64 = 1 << (k >> 58)
          if filter & bit != 0 && seenKeys.contains(k) { continue }
          filter |= bit
          seenKeys.append(k)
          sum += v
        }
        row[Feature.position.rawValue] = seenKeys.isEmpty ? 0 : sum / Double(seenKeys.count)
      }
      out.unary += row
      // In the order of `OrderAnalysis.List`.
      func put(_ list: inout [UInt64]) {
        Self.sortUnique(&list)
        out.keys += list
        out.offsets.append(out.keys.count)
      }
      put(&longL)
      put(&lastL)
      put(&shortL)
      put(&entityL)
      put(&definedL)
      put(&usedL)
      put(&indefiniteL)
      put(&definiteL)
      put(&contentL)
    }
    // Document-level features: references and introductions across sentences, centrality.
    let n = count
    if n > 1 {
      var longCount = KeyCounter(capacity: 64)
      var shortCount = KeyCounter(capacity: 64)
      var docFreq = KeyCounter(capacity: 256)
      let u = Feature.unaryCount
      let keysOf = out.keys
      let offs = out.offsets
      keysOf.withUnsafeBufferPointer { kp in
        @inline(__always) func slice(_ i: Int, _ l: OrderAnalysis.List) -> Keys {
          let b = i * OrderAnalysis.lists + l.rawValue
          return UnsafeBufferPointer(rebasing: kp[offs[b]..<offs[b + 1]])
        }
        for i in 0..<n {
          for k in slice(i, .long) { longCount.add(k) }
          for k in slice(i, .short) { shortCount.add(k) }
          for k in slice(i, .content) { docFreq.add(k) }
          for k in slice(i, .entity) { docFreq.add(k &+ 1) }
        }
        for i in 0..<n {
          let long = slice(i, .long)
          let short = slice(i, .short)
          let content = slice(i, .content)
          let entity = slice(i, .entity)
          var refs = 0
          var intros = 0
          for k in short where Self.contains(long, k) == false {
            if longCount[k] > 0 { refs += 1 }
          }
          for k in long {
            let others = shortCount[k] - (Self.contains(short, k) ? 1 : 0)
            if others > 0 { intros += 1 }
          }
          // Centrality: how widely this sentence's words recur (a cheap stand-in for "shares a
          // word with how many others").
          var shared = 0
          for k in content { shared += min(max(docFreq[k], 1) - 1, 1) }
          for k in entity { shared += min(max(docFreq[k &+ 1], 1) - 1, 1) }
          let total = content.count + entity.count
          out.unary[i * u + Feature.shortReferences.rawValue] = Double(min(refs, 3))
          out.unary[i * u + Feature.introductions.rawValue] = Double(min(intros, 3))
          out.unary[i * u + Feature.centrality.rawValue] = total == 0 ? 0 : Double(shared) / Double(total)
        }
      }
    }
    return out
  }

  // MARK: The decline test on the flat analysis

  /// Each sentence's unary score Σ_k w_k·u_k.
  public func unaryScores(_ a: OrderAnalysis) -> [Double] {
    let u = Feature.unaryCount
    var out = [Double](repeating: 0, count: a.count)
    for i in 0..<a.count {
      var s = 0.0
      for k in 0..<u { s += weights[k] * a.unary[i * u + k] }
      out[i] = s
    }
    return out
  }

  /// Score of opening the text with each sentence.
  public func firstScores(_ a: OrderAnalysis) -> [Double] {
    a.opens.map { $0 ? firstReference : 0 }
  }

  /// Hard signs of disorder in an order (see `violations(_:order:)`).
  public static func violations(_ a: OrderAnalysis, order: [Int]) -> Int {
    guard let first = order.first else { return 0 }
    var v = a.opens[first] ? 1 : 0
    var long = GrowingKeySet(capacity: 32)
    var defined = GrowingKeySet(capacity: 8)
    return a.keys.withUnsafeBufferPointer { kp -> Int in
      @inline(__always) func slice(_ i: Int, _ l: OrderAnalysis.List) -> Keys {
        UnsafeBufferPointer(rebasing: kp[a.range(i, l)])
      }
      for i in 0..<a.count {
        // Only surnames count here: a first word ("European" of "European Union") is too often an
        // adjective or a word of its own.
        for k in slice(i, .last) { long.insert(k) }
        for k in slice(i, .acronymsDefined) { defined.insert(k) }
      }
      var seen = GrowingKeySet(capacity: 64)
      var seenAcronyms = GrowingKeySet(capacity: 8)
      for i in order {
        let short = slice(i, .short)
        let longs = slice(i, .long)
        let used = slice(i, .acronymsUsed)
        let def = slice(i, .acronymsDefined)
        for k in short where long.contains(k) && !seen.contains(k) && !contains(longs, k) { v += 1 }
        for k in used where defined.contains(k) && !seenAcronyms.contains(k) && !contains(def, k) { v += 1 }
        for k in short { seen.insert(k) }
        for k in longs { seen.insert(k) }
        for k in used { seenAcronyms.insert(k) }
        for k in def { seenAcronyms.insert(k) }
      }
      return v
    }
  }

  /// Directional pair features g(a, b) (before antisymmetrising), as `directional(_:_:)`.
  @inline(__always) static func directional(_ kp: Keys, _ offs: UnsafeBufferPointer<Int>, _ a: Int, _ b: Int) -> (
    Double, Double, Double
  ) {
    @inline(__always) func slice(_ i: Int, _ l: OrderAnalysis.List) -> Keys {
      let x = i * OrderAnalysis.lists + l.rawValue
      return UnsafeBufferPointer(rebasing: kp[offs[x]..<offs[x + 1]])
    }
    let name = Double(min(overlap(slice(a, .long), slice(b, .short), minus: slice(b, .long)), 3))
    let acr = Double(
      min(overlap(slice(a, .acronymsDefined), slice(b, .acronymsUsed), minus: slice(b, .acronymsDefined)), 2))
    let ind = Double(min(overlap(slice(a, .indefinite), slice(b, .definite), minus: slice(b, .indefinite)), 2))
    return (name, acr, ind)
  }

  /// The directional part of the pair scores where it is not zero (see `directionalPairs(_:)`
  /// on sentences: the same list, in the same order).
  public func directionalPairs(_ an: OrderAnalysis) -> [(Int, Int, Double)] {
    let n = an.count
    struct Entry: Comparable {
      var key: UInt64
      var index: Int
      static func < (x: Entry, y: Entry) -> Bool { x.key != y.key ? x.key < y.key : x.index < y.index }
    }
    return an.keys.withUnsafeBufferPointer { kp in
      an.offsets.withUnsafeBufferPointer { offs in
        @inline(__always) func slice(_ i: Int, _ l: OrderAnalysis.List) -> Keys {
          let x = i * OrderAnalysis.lists + l.rawValue
          return UnsafeBufferPointer(rebasing: kp[offs[x]..<offs[x + 1]])
        }
        var longIndex: [Entry] = []
        var acronymIndex: [Entry] = []
        var indefiniteIndex: [Entry] = []
        for i in 0..<n {
          for k in slice(i, .long) { longIndex.append(Entry(key: k, index: i)) }
          for k in slice(i, .acronymsDefined) { acronymIndex.append(Entry(key: k, index: i)) }
          for k in slice(i, .indefinite) { indefiniteIndex.append(Entry(key: k, index: i)) }
        }
        longIndex.sort()
        acronymIndex.sort()
        indefiniteIndex.sort()
        var candidates: [Int] = []
        func add(_ index: [Entry], _ k: UInt64, _ b: Int) {
          var lo = 0
          var hi = index.count
          while lo < hi {
            let m = (lo + hi) >> 1
            if index[m].key < k { lo = m + 1 } else { hi = m }
          }
          while lo < index.count && index[lo].key == k {
            let a = index[lo].index
            if a != b { candidates.append(min(a, b) * n + max(a, b)) }
            lo += 1
          }
        }
        for b in 0..<n {
          if !longIndex.isEmpty { for k in slice(b, .short) { add(longIndex, k, b) } }
          if !acronymIndex.isEmpty { for k in slice(b, .acronymsUsed) { add(acronymIndex, k, b) } }
          if !indefiniteIndex.isEmpty { for k in slice(b, .definite) { add(indefiniteIndex, k, b) } }
        }
        candidates = Self.sortedUnique(candidates)
        let wName = weights[Feature.nameIntroduction.rawValue]
        let wAcr = weights[Feature.acronymIntroduction.rawValue]
        let wInd = weights[Feature.indefiniteBeforeDefinite.rawValue]
        var out: [(Int, Int, Double)] = []
        for c in candidates {
          let a = c / n
          let b = c % n
          let ab = Self.directional(kp, offs, a, b)
          let ba = Self.directional(kp, offs, b, a)
          let d = wName * (ab.0 - ba.0) + wAcr * (ab.1 - ba.1) + wInd * (ab.2 - ba.2)
          if d != 0 { out.append((a, b, d)) }
        }
        return out
      }
    }
  }

  /// The neighbour score of "b right after a" (the same as `adjacency(_:_:)` on sentences).
  @inline(__always)
  func adjacency(_ kp: Keys, _ offs: UnsafeBufferPointer<Int>, _ opens: UnsafeBufferPointer<Bool>, _ a: Int, _ b: Int)
    -> Double
  {
    @inline(__always) func slice(_ i: Int, _ l: OrderAnalysis.List) -> Keys {
      let x = i * OrderAnalysis.lists + l.rawValue
      return UnsafeBufferPointer(rebasing: kp[offs[x]..<offs[x + 1]])
    }
    let ca = slice(a, .content)
    let cb = slice(b, .content)
    let inter = Self.overlap(ca, cb)
    return adjacency(
      overlap: inter, union: ca.count + cb.count - inter,
      sharedName: Self.overlap(slice(a, .entity), slice(b, .entity)) > 0,
      opens: opens[b])
  }

  /// The neighbour score from its parts (shared content words, their union, a shared name,
  /// whether the second sentence opens with a reference), as `adjacency(_:_:)` combines them.
  @inline(__always)
  func adjacency(overlap inter: Int, union: Int, sharedName: Bool, opens: Bool) -> Double {
    let jac = union == 0 ? 0 : Double(inter) / Double(union)
    let ent = sharedName ? 1.0 : 0.0
    let shared = inter > 0 || ent > 0
    return adjacentOverlap * jac + adjacentEntity * ent + (shared && opens ? adjacentReference : 0)
  }
}
