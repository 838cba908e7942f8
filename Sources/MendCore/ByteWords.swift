import Foundation

/// A set of short byte strings (words) with fast build and lookup: open addressing over 64-bit
/// FNV-1a hashes, so a 75 000-word lexicon loads in about a millisecond and a lookup is a hash
/// and one or two probes. A false positive needs two different words with one 64-bit hash.
public struct ByteWordSet: Sendable {
  private var table: [UInt64]
  private var mask: Int
  public private(set) var count = 0

  public init(capacity: Int = 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    table = [UInt64](repeating: 0, count: size)
    mask = size - 1
  }

  /// The words of a lexicon file's text: one a line, `#` comments and blank lines skipped.
  public init(lexiconText bytes: [UInt8]) {
    let (lines, hashes) = Self.lexiconHashes(bytes)
    self.init(capacity: lines + 1)
    // The hashes are inserted grouped by the top bits of their home slot, so the inserts walk the
    // table region by region instead of missing the cache on each one (the same set as inserting
    // in file order; only the probe layout differs).
    insertGrouped(hashes)
  }

  /// The newline count and the line hashes of a lexicon file, in one pass over each line
  /// (it scans a line for its end, trims it and then hashes it). A line is trimmed of spaces and
  /// tabs in front and of spaces, tabs and CRs at the end; the hash is taken while looking for the
  /// line's end and taken again only when the line ends in one of those bytes. Lines
  /// that are empty after trimming or start with `#` are skipped. `PossessiveScorerTests.lexiconHashesAsLines`
  /// compares it with the line-by-line form.
  static func lexiconHashes(_ bytes: [UInt8]) -> (lines: Int, hashes: [UInt64]) {
    var lines = 0
    for b in bytes where b == 0x0A { lines += 1 }
    var hashes: [UInt64] = []
    hashes.reserveCapacity(lines + 1)
    bytes.withUnsafeBufferPointer { buf in
      let n = buf.count
      var start = 0
      while start <= n {
        var s = start
        while s < n && (buf[s] == 0x20 || buf[s] == 0x09) { s += 1 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = s
        while i < n {
          let b = buf[i]
          if b == 0x0A { break }
          h = (h ^ UInt64(b)) &* 0x100_0000_01b3
          i += 1
        }
        // The hash runs to the line's end; a line that ends in a space, tab or CR (rare) is
        // hashed again up to its last other byte.
        var e = i
        if e > s && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09 || buf[e - 1] == 0x0D) {
          while e > s && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09 || buf[e - 1] == 0x0D) { e -= 1 }
          h = 0xcbf2_9ce4_8422_2325
          for q in s..<e { h = (h ^ UInt64(buf[q])) &* 0x100_0000_01b3 }
        }
        if e > s && buf[s] != 0x23 { hashes.append(finish(h)) }
        start = i + 1
      }
    }
    return (lines, hashes)
  }

  /// Insert many hashes, grouped (counting sort) by the top 8 bits of their home slot.
  mutating func insertGrouped(_ hashes: [UInt64]) {
    if (count + hashes.count) * 2 > table.count || table.count < 4096 {
      for h in hashes { insert(hash: h) }
      return
    }
    let shift = (mask + 1).trailingZeroBitCount - 8
    var starts = [Int](repeating: 0, count: 257)
    for h in hashes { starts[((Int(truncatingIfNeeded: h) & mask) >> shift) + 1] += 1 }
    for b in 0..<256 { starts[b + 1] += starts[b] }
    var grouped = [UInt64](repeating: 0, count: hashes.count)
    var next = starts
    for h in hashes {
      let b = (Int(truncatingIfNeeded: h) & mask) >> shift
      grouped[next[b]] = h
      next[b] += 1
    }
    var added = 0
    let mask = self.mask
    table.withUnsafeMutableBufferPointer { t in
      for h in grouped {
        var i = Int(truncatingIfNeeded: h) & mask
        var dup = false
        while t[i] != 0 {
          if t[i] == h { dup = true; break }
          i = (i + 1) & mask
        }
        if !dup {
          t[i] = h
          added += 1
        }
      }
    }
    count += added
  }

  public init<S: Sequence>(words: S) where S.Element == String {
    let ws = Array(words)
    self.init(capacity: ws.count)
    for w in ws { insert(w) }
  }

  @inline(__always)
  static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in p {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return finish(h)
  }

  /// The final mix of `hash` (never 0, the empty slot).
  @inline(__always)
  static func finish(_ x: UInt64) -> UInt64 {
    var h = x
    h ^= h >> 29
    h = h &* 0xbf58_476d_1ce4_e5b9
    h ^= h >> 32
    return h == 0 ? 1 : h
  }

  public static func hash(_ s: String) -> UInt64 {
    var s = s
    return s.withUTF8 { hash($0) }
  }

  public static func hash(_ a: [UInt8]) -> UInt64 {
    a.withUnsafeBufferPointer { hash($0) }
  }

  public mutating func insert(_ s: String) { insert(hash: Self.hash(s)) }

  mutating func insert(hash h: UInt64) {
    if (count + 1) * 2 > table.count { grow() }
    var i = Int(truncatingIfNeeded: h) & mask
    while table[i] != 0 {
      if table[i] == h { return }
      i = (i + 1) & mask
    }
    table[i] = h
    count += 1
  }

  private mutating func grow() {
    let old = table
    table = [UInt64](repeating: 0, count: old.count * 2)
    mask = table.count - 1
    count = 0
    for h in old where h != 0 { insert(hash: h) }
  }

  @inline(__always)
  public func contains(hash h: UInt64) -> Bool {
    // 0 marks an empty slot (`hash` never returns it), so it is never a member.
    if h == 0 { return false }
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let v = table[i]
      if v == h { return true }
      if v == 0 { return false }
      i = (i + 1) & mask
    }
  }

  @inline(__always)
  public func contains(_ p: UnsafeBufferPointer<UInt8>) -> Bool { contains(hash: Self.hash(p)) }

  public func contains(_ a: [UInt8]) -> Bool { contains(hash: Self.hash(a)) }

  public func contains(_ s: String) -> Bool { contains(hash: Self.hash(s)) }

  /// Every stored hash (to build filters over the set).
  func forEachHash(_ body: (UInt64) -> Void) {
    for h in table where h != 0 { body(h) }
  }

  /// Read a lexicon file's bytes (the rules loader has already checked that it exists).
  public static func load(path: String) throws -> ByteWordSet {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LexiconLoadError(path: path)
    }
    return ByteWordSet(lexiconText: [UInt8](data))
  }
}

struct LexiconLoadError: Error, CustomStringConvertible {
  let path: String
  var description: String { "cannot read lexicon file '\(path)'" }
}

/// UTF-8 encoding of one scalar value into a byte buffer.
public enum UTF8Bytes {
  @inline(__always)
  public static func append(_ v: UInt32, to out: inout [UInt8]) {
    if v < 0x80 {
      out.append(UInt8(v))
    } else if v < 0x800 {
      out.append(UInt8(0xC0 | v >> 6))
      out.append(UInt8(0x80 | v & 0x3F))
    } else if v < 0x10000 {
      out.append(UInt8(0xE0 | v >> 12))
      out.append(UInt8(0x80 | (v >> 6) & 0x3F))
      out.append(UInt8(0x80 | v & 0x3F))
    } else {
      out.append(UInt8(0xF0 | v >> 18))
      out.append(UInt8(0x80 | (v >> 12) & 0x3F))
      out.append(UInt8(0x80 | (v >> 6) & 0x3F))
      out.append(UInt8(0x80 | v & 0x3F))
    }
  }
}

/// Byte-level helpers for ASCII word tests.
enum Bytes {
  @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
  @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
  @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
  @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) || isDigit(b) }
  @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }

  /// The end of a line's last visible character before any trailing spaces and closing quotes
  /// and brackets (" ' ) ] ” ’); 0 when there is none.
  static func visibleEnd(_ buf: UnsafeBufferPointer<UInt8>) -> Int {
    var e = buf.count
    while e > 0 && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09) { e -= 1 }
    while e > 0 {
      let b = buf[e - 1]
      if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D {
        e -= 1
      } else if e >= 3 && buf[e - 3] == 0xE2 && buf[e - 2] == 0x80 && (b == 0x9D || b == 0x99) {
        e -= 3
      } else {
        break
      }
    }
    return e
  }
  @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }
  @inline(__always) static func upper(_ b: UInt8) -> UInt8 { isLower(b) ? b & 0xDF : b }

  static func lowered<C: Collection>(_ s: C) -> [UInt8] where C.Element == UInt8 { s.map(lower) }

  /// Each line of a `KEY VALUE` lexicon file, on the bytes in place: `body(start, space, end)`
  /// with the line's bounds in `buf` (without the newline) and its first space (-1 when none).
  @inline(__always)
  static func forEachSpacedLine(_ buf: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int) -> Void) {
    let n = buf.count
    var i = 0
    while i < n {
      var j = i
      var sp = -1
      while j < n && buf[j] != 0x0A {
        if sp < 0 && buf[j] == 0x20 { sp = j }
        j += 1
      }
      body(i, sp, j)
      i = j + 1
    }
  }
}

/// A two-probe bit filter over a ByteWordSet's hashes (about 16 bits a word, so it stays in cache
/// where the set's table does not): `mayContain` false means the set has no such hash; true
/// means ask the set.
struct HashBits: Sendable {
  private var bits: [UInt64]
  private var mask: Int

  init(_ set: ByteWordSet = ByteWordSet()) {
    var size = 1 << 12
    while size < set.count * 16 { size <<= 1 }
    var bits = [UInt64](repeating: 0, count: size >> 6)
    let mask = size - 1
    set.forEachHash { h in
      let a = Int(truncatingIfNeeded: h >> 20) & mask
      let b = Int(truncatingIfNeeded: h >> 42) & mask
      bits[a >> 6] |= 1 << UInt64(a & 63)
      bits[b >> 6] |= 1 << UInt64(b & 63)
    }
    self.bits = bits
    self.mask = mask
  }

  @inline(__always)
  func mayContain(_ h: UInt64) -> Bool {
    let a = Int(truncatingIfNeeded: h >> 20) & mask
    let b = Int(truncatingIfNeeded: h >> 42) & mask
    return bits.withUnsafeBufferPointer { $0[a >> 6] & (1 << UInt64(a & 63)) != 0 && $0[b >> 6] & (1 << UInt64(b & 63)) != 0 }
  }
}

/// A map from 64-bit word hashes to a small value (the first line a word was seen on), with
/// open addressing: cheaper per insert than a Swift Dictionary on the hot path.
struct HashLineMap {
  private var keys: [UInt64]
  private var values: [Int64]
  private var mask: Int
  private var count = 0

  init(capacity: Int = 64) {
    var size = 64
    while size < capacity * 2 { size <<= 1 }
    keys = [UInt64](repeating: 0, count: size)
    values = [Int64](repeating: 0, count: size)
    mask = size - 1
  }

  /// Keep the first value stored for a key.
  @inline(__always)
  mutating func insertIfAbsent(_ h: UInt64, _ v: Int) {
    if (count + 1) * 2 > keys.count { grow() }
    var i = Int(truncatingIfNeeded: h) & mask
    while keys[i] != 0 {
      if keys[i] == h { return }
      i = (i + 1) & mask
    }
    keys[i] = h
    values[i] = Int64(v)
    count += 1
  }

  subscript(_ h: UInt64) -> Int? {
    var i = Int(truncatingIfNeeded: h) & mask
    while keys[i] != 0 {
      if keys[i] == h { return Int(values[i]) }
      i = (i + 1) & mask
    }
    return nil
  }

  private mutating func grow() {
    let oldK = keys
    let oldV = values
    keys = [UInt64](repeating: 0, count: oldK.count * 2)
    values = [Int64](repeating: 0, count: oldK.count * 2)
    mask = keys.count - 1
    count = 0
    for i in oldK.indices where oldK[i] != 0 { insertIfAbsent(oldK[i], Int(oldV[i])) }
  }
}

// The stored form of the tables for `TableCache` (Lexicon.swift): the exact storage, so a table
// restored from it answers every lookup as the table it was taken from. The big arrays are stored
// as they are (read back without a copy), the small numbers in an array of their own.
extension ByteWordSet {
  /// The open-addressing table, then [count].
  var storage: [[UInt64]] { [table, [UInt64(count)]] }

  /// The set `storage` was taken from (nil when the arrays cannot be one: the table's size is no
  /// power of two of at least 16, or the count is larger than it).
  init?(storage s: ArraySlice<[UInt64]>) {
    guard s.count == 2 else { return nil }
    let t = s[s.startIndex]
    let size = t.count
    let c = s[s.startIndex + 1]
    guard size >= 16, size & (size - 1) == 0, c.count == 1, c[0] <= UInt64(size) else { return nil }
    self.init(capacity: 0)
    table = t
    mask = size - 1
    count = Int(c[0])
  }
}

extension HashLineMap {
  /// The keys, the values (as bit patterns), then [count].
  var storage: [[UInt64]] { [keys, values.map { UInt64(bitPattern: $0) }, [UInt64(count)]] }

  init?(storage s: ArraySlice<[UInt64]>) {
    guard s.count == 3 else { return nil }
    let k = s[s.startIndex]
    let v = s[s.startIndex + 1]
    let c = s[s.startIndex + 2]
    let size = k.count
    guard size >= 64, size & (size - 1) == 0, v.count == size, c.count == 1, c[0] <= UInt64(size) else { return nil }
    self.init(capacity: 0)
    keys = k
    values = v.map { Int64(bitPattern: $0) }
    mask = size - 1
    count = Int(c[0])
  }
}

extension HashBits {
  /// The bits, then [mask].
  var storage: [[UInt64]] { [bits, [UInt64(mask)]] }

  init?(storage s: ArraySlice<[UInt64]>) {
    guard s.count == 2 else { return nil }
    let b = s[s.startIndex]
    let m = s[s.startIndex + 1]
    guard b.count >= 1, b.count & (b.count - 1) == 0, m.count == 1, m[0] == UInt64(b.count * 64 - 1) else { return nil }
    self.init()
    bits = b
    mask = Int(m[0])
  }
}
