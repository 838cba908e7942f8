/// A cheap necessary condition for a whole-line regular expression: the set of the first K
/// characters any match can start with, derived from the patterns themselves, so a stage runs the
/// regex engine only on lines that start one of those ways. Exact by construction: every line a
/// pattern can match passes the filter (a superset); the regex still decides.
///
/// Only a plain subset of ICU syntax is modelled: ASCII literals, `(...)`, `(?:...)`, `|`,
/// `? * + {m} {m,} {m,n}` (also lazy or possessive), positive ASCII classes `[a-z ]`, escaped
/// punctuation and `\b`. Other constructs that are recognised (`.`, negated classes, `\d \w \s`
/// and the like, non-ASCII literals, classes with non-ASCII members) mean "anything may follow
/// from here" (they can match several characters under case folding, or non-ASCII text). A
/// pattern with anything else (anchors, look-around, inline flags, named groups, `\Q`, nested
/// sets, back-references) gives no filter at all.
struct RegexPrefixFilter: Sendable {
  /// Prefix elements: an ASCII byte (lower-cased when case-insensitive), `any` (one ASCII
  /// character), or `open` (anything may follow: the line passes).
  static let any: UInt16 = 0x100
  static let open: UInt16 = 0x101

  let k: Int
  let caseInsensitive: Bool
  /// The prefixes by their first element (an ASCII byte; `any` first elements are in every
  /// bucket), each as up to eight bytes compared at once: prefix j of bucket c is
  /// `bucketStart[c]..<bucketStart[c + 1]`, and matches the line's first bytes x when
  /// `(x ^ value[j]) & mask[j] == 0` (the mask covers its byte elements; an `any` element
  /// matches every ASCII character) and the line has at least `length[j]` ASCII characters
  /// first (its elements before `open`, or all of them).
  let bucketStart: [Int]
  let value: [UInt64]
  let mask: [UInt64]
  let length: [Int]
  /// Whether some prefix may start with the two ASCII bytes b0 b1 (lower-cased when
  /// case-insensitive): `pairs[b0 << 7 | b1]`. Most lines fail here, before the buckets.
  let pairs: [Bool]

  /// nil when some pattern is outside the modelled subset or its prefixes are too many.
  init?(patterns: [String], caseInsensitive: Bool, maxPrefixes: Int = 4096, longest: Int = 8) {
    var nodes: [Node] = []
    for p in patterns {
      var parser = Parser(Array(p.unicodeScalars), caseInsensitive: caseInsensitive)
      guard let n = parser.parseAll() else { return nil }
      nodes.append(n)
    }
    let whole = Node.alt(nodes)
    // The longest prefixes whose set stays small select best (lines like "What ..." or "Most of
    // ..." start like "whatsapp" and "most popular" only for four characters).
    for k in [8, 6, 4, 3, 2, 1] where k <= longest {
      let sets = PrefixSets(cap: maxPrefixes)
      guard let set = sets.prefixes(whole, k) else { continue }
      // A pattern that may start with anything (or match the empty line only) filters nothing.
      if set.contains(where: { $0.isEmpty || $0[0] == Self.open }) { return nil }
      var b = [[[UInt16]]](repeating: [], count: 128)
      var two = [Bool](repeating: false, count: 128 * 128)
      for s in set.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        let firsts = s[0] == Self.any ? Array(0..<128) : [Int(s[0])]
        for f in firsts { b[f].append(s) }
        // The second bytes it allows: one, or any (an `any` or `open` element, or a prefix of
        // one element, which passes whatever follows).
        let seconds = s.count >= 2 && s[1] < 0x80 ? [Int(s[1])] : Array(0..<128)
        for f in firsts { for c in seconds { two[f << 7 | c] = true } }
      }
      var starts = [0]
      var values: [UInt64] = []
      var masks: [UInt64] = []
      var lengths: [Int] = []
      for bucket in b {
        for s in bucket {
          let n = s.firstIndex(of: Self.open) ?? s.count
          var v: UInt64 = 0
          var m: UInt64 = 0
          for i in 0..<n where s[i] < 0x100 {
            v |= UInt64(s[i]) << UInt64(8 * i)
            m |= 0xFF << UInt64(8 * i)
          }
          values.append(v)
          masks.append(m)
          lengths.append(n)
        }
        starts.append(values.count)
      }
      self.k = k
      self.caseInsensitive = caseInsensitive
      bucketStart = starts
      value = values
      mask = masks
      length = lengths
      pairs = two
      return
    }
    return nil
  }

  /// Whether a match of any pattern can be the whole of `t` (the trimmed line): false only when
  /// none can. An ASCII line matches only if some element of the set is a prefix of it (a whole
  /// match, a match before a final line terminator, or the first k characters) or reaches `open`
  /// within it.
  @inline(__always)
  func mayMatch(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = t.count
    guard n > 0, let base = t.baseAddress else { return true }
    // The first k bytes (k ≤ 8), the first at the low end.
    let m = min(k, n)
    var x: UInt64 = 0
    if m == 8 {
      x = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self).littleEndian
    } else {
      for i in 0..<m { x |= UInt64(base[i]) << UInt64(8 * i) }
    }
    // The characters before the first non-ASCII one are its bytes. A non-ASCII character within
    // the first k matches no element but `open` when it cannot fold to ASCII (below); one that
    // can (ſ, K, ß, ﬁ...) lets the line through.
    var ascii = m
    let high = x & 0x8080_8080_8080_8080
    if high != 0 {
      let i = high.trailingZeroBitCount >> 3
      if mayFoldToASCII(t, i) { return true }
      ascii = i
    }
    // Every prefix's first element is a byte or `any` (an `open` one gives no filter).
    if ascii == 0 { return false }
    if caseInsensitive {
      // A..Z to a..z in each ASCII byte (b + 0x3F reaches bit 7 from 0x41, b + 0x25 from 0x5B;
      // the sums of bytes before the first non-ASCII one carry into no other byte, and the
      // bytes from it on are compared by no prefix that can match: `length` ≤ `ascii`).
      let upper = (x &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(x &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
      x |= upper >> 2
    }
    let first = Int(x & 0x7F)
    if ascii >= 2 && !pairs[first << 7 | Int((x >> 8) & 0x7F)] { return false }
    // A line shorter than a prefix (or with a non-ASCII character inside it) could only match a
    // shorter element of the set, which is tested on its own.
    for j in bucketStart[first]..<bucketStart[first + 1] where length[j] <= ascii && (x ^ value[j]) & mask[j] == 0 {
      return true
    }
    return false
  }

  /// Whether the character at byte i (a lead byte ≥ 0x80 of valid UTF-8) could match an ASCII
  /// element of a pattern: only under case-insensitive matching, which compares full case
  /// foldings, and only when its folding differs from itself (ICU folds ſ to s, K to k, ß to
  /// ss, ﬁ to fi; a character that folds to itself is not ASCII, so it equals no ASCII
  /// character or string). Punctuation, symbols, spaces, and the letters of caseless scripts
  /// never change when folded: a line that starts with “, —, █ or देवनागरी fails here.
  func mayFoldToASCII(_ t: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
    if !caseInsensitive { return false }
    let b = t[i]
    let len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
    guard i + len <= t.count else { return true }
    var v = UInt32(b) & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F)
    for j in 1..<len { v = v << 6 | UInt32(t[i + j] & 0x3F) }
    guard let s = Unicode.Scalar(v) else { return true }
    return s.properties.changesWhenCaseFolded
  }

  indirect enum Node {
    case seq([Node])
    case alt([Node])
    /// One character from the set (ASCII bytes, already case-closed).
    case chars([UInt8])
    /// Anything may follow (see the type's comment).
    case open
    /// Zero-width and always allowed here (`\b`): modelled as the empty string.
    case empty
    case repeatNode(Node, min: Int, max: Int?)
  }

  struct Parser {
    let s: [Unicode.Scalar]
    var i = 0
    let ci: Bool

    init(_ s: [Unicode.Scalar], caseInsensitive: Bool) {
      self.s = s
      ci = caseInsensitive
    }

    mutating func parseAll() -> Node? {
      guard let n = parseAlt(), i == s.count else { return nil }
      return n
    }

    mutating func parseAlt() -> Node? {
      var branches: [Node] = []
      guard let first = parseSeq() else { return nil }
      branches.append(first)
      while i < s.count && s[i] == "|" {
        i += 1
        guard let b = parseSeq() else { return nil }
        branches.append(b)
      }
      return branches.count == 1 ? branches[0] : .alt(branches)
    }

    mutating func parseSeq() -> Node? {
      var items: [Node] = []
      while i < s.count && s[i] != "|" && s[i] != ")" {
        guard let a = parseAtom(), let q = parseQuantifier(a) else { return nil }
        items.append(q)
      }
      return .seq(items)
    }

    func chars(_ c: Unicode.Scalar) -> Node {
      guard c.isASCII else { return .open }
      let b = UInt8(c.value)
      return .chars([ci ? Bytes.lower(b) : b])
    }

    mutating func parseAtom() -> Node? {
      let c = s[i]
      switch c {
      case "(":
        i += 1
        if i < s.count && s[i] == "?" {
          guard i + 1 < s.count && s[i + 1] == ":" else { return nil }
          i += 2
        }
        guard let n = parseAlt(), i < s.count, s[i] == ")" else { return nil }
        i += 1
        return n
      case "[":
        i += 1
        return parseClass()
      case ".":
        i += 1
        return .open
      case "\\":
        guard i + 1 < s.count else { return nil }
        let e = s[i + 1]
        i += 2
        if e == "b" { return .empty }
        if "dDwWsShHvVRX".unicodeScalars.contains(e) { return .open }
        if e.isASCII && !e.properties.isAlphabetic && !("0"..."9").contains(e) { return chars(e) }
        return nil
      case "^", "$", ")", "*", "+", "?", "{", "}", "]":
        return nil
      default:
        i += 1
        return chars(c)
      }
    }

    /// After `[`: a positive class of ASCII characters and ranges, or `.open` for negated and
    /// non-ASCII classes; nil for nested sets, escapes and POSIX names.
    mutating func parseClass() -> Node? {
      var negated = false
      if i < s.count && s[i] == "^" {
        negated = true
        i += 1
      }
      var members = Set<UInt8>()
      var nonASCII = false
      while i < s.count && s[i] != "]" {
        var c = s[i]
        if c == "[" || c == "&" || c == "{" || c == "}" || c == "$" { return nil }
        if c == "\\" {
          guard i + 1 < s.count else { return nil }
          let e = s[i + 1]
          guard e.isASCII && !e.properties.isAlphabetic && !("0"..."9").contains(e) else { return nil }
          c = e
          i += 1
        }
        i += 1
        var hi = c
        if i + 1 < s.count && s[i] == "-" && s[i + 1] != "]" {
          hi = s[i + 1]
          if hi == "\\" || hi == "[" { return nil }
          i += 2
        }
        guard c.value <= hi.value else { return nil }
        if !c.isASCII || !hi.isASCII {
          nonASCII = true
          continue
        }
        for v in c.value...hi.value {
          let b = UInt8(v)
          if ci {
            members.insert(Bytes.lower(b))
          } else {
            members.insert(b)
          }
        }
      }
      guard i < s.count, s[i] == "]" else { return nil }
      i += 1
      if negated || nonASCII || members.isEmpty { return .open }
      return .chars(members.sorted())
    }

    mutating func parseQuantifier(_ a: Node) -> Node? {
      guard i < s.count else { return a }
      var n: Node
      switch s[i] {
      case "?":
        n = .repeatNode(a, min: 0, max: 1)
        i += 1
      case "*":
        n = .repeatNode(a, min: 0, max: nil)
        i += 1
      case "+":
        n = .repeatNode(a, min: 1, max: nil)
        i += 1
      case "{":
        i += 1
        guard let lo = number() else { return nil }
        var hi: Int? = lo
        if i < s.count && s[i] == "," {
          i += 1
          hi = number()
        }
        guard i < s.count, s[i] == "}" else { return nil }
        i += 1
        if let h = hi, h < lo { return nil }
        n = .repeatNode(a, min: lo, max: hi)
      default: return a
      }
      // Lazy and possessive forms match a subset of the same strings.
      if i < s.count && (s[i] == "?" || s[i] == "+") { i += 1 }
      // A quantifier on a quantifier is not modelled.
      if i < s.count && (s[i] == "?" || s[i] == "*" || s[i] == "+" || s[i] == "{") { return nil }
      return n
    }

    mutating func number() -> Int? {
      var v = 0
      var digits = 0
      while i < s.count, let d = Int(String(s[i])), ("0"..."9").contains(s[i]) {
        v = v * 10 + d
        digits += 1
        i += 1
        if v > 100_000 { return nil }
      }
      return digits > 0 ? v : nil
    }
  }

  /// The prefix sets: for a node and a length k, every string s of length <= k such that s is the
  /// first k characters of a match (length k, or ending in `open`), or a whole match shorter than
  /// k. A sequence asks each item only for as many characters as its shortest live prefix still
  /// needs (so `sign up [a-z ]{0,40}` never expands the class).
  struct PrefixSets {
    let cap: Int

    func done(_ p: [UInt16], _ k: Int) -> Bool { p.count >= k || p.last == RegexPrefixFilter.open }

    func concat(_ a: Set<[UInt16]>, _ b: Set<[UInt16]>, _ k: Int) -> Set<[UInt16]>? {
      var out = Set<[UInt16]>()
      for x in a {
        if done(x, k) {
          out.insert(x)
          continue
        }
        for y in b {
          var z = x + y
          if z.count > k { z.removeLast(z.count - k) }
          out.insert(z)
          if out.count > cap { return nil }
        }
      }
      return out.count > cap ? nil : out
    }

    /// The characters still needed after the live (not yet done) prefixes of `acc`; 0 when none.
    func needed(_ acc: Set<[UInt16]>, _ k: Int) -> Int {
      var shortest = k
      var live = false
      for x in acc where !done(x, k) {
        live = true
        shortest = min(shortest, x.count)
      }
      return live ? k - shortest : 0
    }

    func prefixes(_ n: Node, _ k: Int) -> Set<[UInt16]>? {
      switch n {
      case .empty: return [[]]
      case .open: return [[RegexPrefixFilter.open]]
      case .chars(let cs): return cs.count > cap ? nil : Set(cs.map { [UInt16($0)] })
      case .seq(let items):
        var acc: Set<[UInt16]> = [[]]
        for it in items {
          let rem = needed(acc, k)
          if rem == 0 { break }
          guard let p = prefixes(it, rem), let c = concat(acc, p, k) else { return nil }
          acc = c
        }
        return acc
      case .alt(let bs):
        var out = Set<[UInt16]>()
        for b in bs {
          guard let p = prefixes(b, k) else { return nil }
          out.formUnion(p)
          if out.count > cap { return nil }
        }
        return out
      case .repeatNode(let a, let lo, let hi):
        // Beyond k copies nothing new fits in k characters (a copy is empty or adds one).
        guard let p = prefixes(a, k) else { return nil }
        var acc: Set<[UInt16]> = [[]]
        for _ in 0..<min(lo, k) {
          if needed(acc, k) == 0 { break }
          guard let c = concat(acc, p, k) else { return nil }
          acc = c
        }
        let extra = hi.map { min($0 - lo, k) } ?? k
        var optional = p
        optional.insert([])
        for _ in 0..<extra {
          if needed(acc, k) == 0 { break }
          guard let c = concat(acc, optional, k) else { return nil }
          if c == acc { break }
          acc = c
        }
        return acc
      }
    }
  }
}
