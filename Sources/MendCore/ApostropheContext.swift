#if canImport(Glibc)
  import Glibc
#endif

/// Declarative context rules for stripped forms that are also words (`its`, `were`, `well`,
/// `cant`, ...), read from the rules file.
///
/// A rule is one string: `FROM -> TO: COND; COND`, or `FROM -> TO?: ...` for a rule that only
/// suggests. A condition is `SLOT=ALTS` or `SLOT!=ALTS`, where SLOT is `prev`, `prev2`, `next`,
/// `next2`, or `word` (the token itself: `word=<cap>` holds for `Ill`, not `ill`), and ALTS is
/// `|`-separated alternatives: a word, `@class` (a word class from the `classes` option), or a marker: `<start>` (sentence or line start), `<end>` (sentence or line
/// end), `<punct>` (punctuation between), `<comma>`, `<ing>`, `<ed>`, `<ly>` (a word ending so), `<cap>` (a
/// capitalised word), `<num>` (a number). The first rule of a word whose conditions all hold
/// decides; with none, the word is left alone.
struct ContextRule: Sendable {
  enum Slot: String, Sendable {
    case prev, prev2, next, next2, word

    /// The slot's number in `FlatRules` and `RepairApostrophes.view`.
    var index: UInt8 {
      switch self {
      case .prev: 0
      case .prev2: 1
      case .next: 2
      case .next2: 3
      case .word: 4
      }
    }
  }
  enum Alt: Sendable {
    /// A word, by the hash of its lower-cased bytes.
    case word(UInt64)
    /// A class by name, with its word set resolved when the rule is parsed.
    case wordClass(String, ByteWordSet)
    case start, end, punct, comma, ing, ed, ly, cap, num
  }
  struct Condition: Sendable {
    let slot: Slot
    let negated: Bool
    let alts: [Alt]
  }

  let from: String
  let to: String
  let suggestOnly: Bool
  let conditions: [Condition]
  let text: String

  static func parse(_ s: String, classes: [String: ByteWordSet]) throws -> ContextRule {
    guard let arrow = s.range(of: "->") else { throw RuleSyntaxError(rule: s, why: "missing '->'") }
    let from = s[..<arrow.lowerBound].trimmingSpaces
    var rest = s[arrow.upperBound...]
    var condText = Substring("")
    if let colon = rest.firstIndex(of: ":") {
      condText = rest[rest.index(after: colon)...]
      rest = rest[..<colon]
    }
    var to = rest.trimmingSpaces
    var suggest = false
    if to.hasSuffix("?") {
      suggest = true
      to.removeLast()
    }
    guard !from.isEmpty, !to.isEmpty else { throw RuleSyntaxError(rule: s, why: "empty word") }
    var conds: [Condition] = []
    for part in condText.split(separator: ";") {
      let p = part.trimmingSpaces
      if p.isEmpty { continue }
      var negated = false
      let keyEnd: String.Index
      let valueStart: String.Index
      if let r = p.range(of: "!=") {
        negated = true
        keyEnd = r.lowerBound
        valueStart = r.upperBound
      } else if let r = p.range(of: "=") {
        keyEnd = r.lowerBound
        valueStart = r.upperBound
      } else {
        throw RuleSyntaxError(rule: s, why: "condition '\(p)' needs '=' or '!='")
      }
      guard let slot = Slot(rawValue: p[..<keyEnd].trimmingSpaces) else {
        throw RuleSyntaxError(rule: s, why: "unknown slot '\(p[..<keyEnd])'; expected one of: prev, prev2, next, next2, word")
      }
      var alts: [Alt] = []
      for a in p[valueStart...].split(separator: "|") {
        let t = a.trimmingSpaces
        switch t {
        case "<start>": alts.append(.start)
        case "<end>": alts.append(.end)
        case "<punct>": alts.append(.punct)
        case "<comma>": alts.append(.comma)
        case "<ing>": alts.append(.ing)
        case "<ed>": alts.append(.ed)
        case "<ly>": alts.append(.ly)
        case "<cap>": alts.append(.cap)
        case "<num>": alts.append(.num)
        default:
          if t.hasPrefix("@") {
            let name = String(t.dropFirst())
            guard classes[name] != nil else {
              throw RuleSyntaxError(rule: s, why: "unknown word class '@\(name)'; defined: \(classes.keys.sorted().joined(separator: ", "))")
            }
            alts.append(.wordClass(name, classes[name]!))
          } else if t.hasPrefix("<") {
            throw RuleSyntaxError(rule: s, why: "unknown marker '\(t)'; expected one of: <start>, <end>, <punct>, <comma>, <ing>, <ed>, <ly>, <cap>, <num>")
          } else {
            alts.append(.word(ByteWordSet.hash(t.lowercased())))
          }
        }
      }
      conds.append(Condition(slot: slot, negated: negated, alts: alts))
    }
    return ContextRule(from: from.lowercased(), to: to, suggestOnly: suggest, conditions: conds, text: s)
  }

  /// Classes from a lexicon file of `CLASS WORD` lines (rules/lexicons/apostrophe-classes.txt,
  /// built from WordNet by scripts/build-apostrophe-classes.py).
  static func classFile(_ bytes: [UInt8]) -> [String: ByteWordSet] {
    // On bytes, no String or Array per line: about 30 k lines are read at every start.
    var names: [[UInt8]] = []
    var hashes: [[UInt64]] = []
    var cur = -1
    bytes.withUnsafeBufferPointer { buf in
      Self.forEachSpacedLine(buf) { i, sp, j in
        guard sp > i && sp + 1 < j && buf[i] != 0x23 else { return }
        let name = UnsafeBufferPointer(rebasing: buf[i..<sp])
        let k: Int
        // The class of the line before first (the file is grouped by class); names are distinct,
        // so an equal name there is the one `firstIndex` finds.
        if cur >= 0 && Self.sameBytes(names[cur], name) {
          k = cur
        } else if let f = names.firstIndex(where: { Self.sameBytes($0, name) }) {
          k = f
        } else {
          names.append(Array(name))
          hashes.append([])
          k = names.count - 1
        }
        cur = k
        hashes[k].append(RepairApostrophes.hashLowered(buf, sp + 1, j))
      }
    }
    var out: [String: ByteWordSet] = [:]
    for (name, hs) in zip(names, hashes) {
      var set = ByteWordSet(capacity: hs.count)
      set.insertGrouped(hs)
      out[String(decoding: name, as: UTF8.self)] = set
    }
    return out
  }

  /// `classFile` through `TableCache` (the same sets as building them): the class names' bytes
  /// (length first, then packed eight a word) and each class's set, one after the other.
  static func cachedClassFile(_ bytes: [UInt8]) -> [String: ByteWordSet] {
    let stored = TableCache.tables(kind: "apostrophe-classes", inputs: [bytes]) {
      var out: [[UInt64]] = []
      for (name, set) in classFile(bytes).sorted(by: { $0.key < $1.key }) {
        let b = Array(name.utf8)
        var packed = [UInt64(b.count)]
        for i in stride(from: 0, to: b.count, by: 8) {
          var w: UInt64 = 0
          for k in i..<min(i + 8, b.count) { w |= UInt64(b[k]) << UInt64(8 * (k - i)) }
          packed.append(w)
        }
        out.append(packed)
        out += set.storage
      }
      return out
    }
    var out: [String: ByteWordSet] = [:]
    guard stored.count % 3 == 0 else { return classFile(bytes) }
    for i in stride(from: 0, to: stored.count, by: 3) {
      let packed = stored[i]
      guard let len = packed.first.map({ Int(truncatingIfNeeded: $0) }), len >= 0, (len + 7) / 8 == packed.count - 1,
        let set = ByteWordSet(storage: stored[(i + 1)..<(i + 3)])
      else { return classFile(bytes) }
      var b: [UInt8] = []
      for k in 0..<len { b.append(UInt8(truncatingIfNeeded: packed[1 + k / 8] >> UInt64(8 * (k % 8)))) }
      out[String(decoding: b, as: UTF8.self)] = set
    }
    return out
  }

  /// `Bytes.forEachSpacedLine` (each line's start, first space or -1, end) with `memchr` for the
  /// line end and the space (the byte loop took ~10 instructions a byte of the ~540 kB file).
  @inline(__always)
  static func forEachSpacedLine(_ buf: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int) -> Void) {
    let n = buf.count
    guard let base = buf.baseAddress else { return }
    var i = 0
    while i < n {
      let j = memchr(base + i, 0x0A, n - i).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? n
      let sp = j > i ? memchr(base + i, 0x20, j - i).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? -1 : -1
      body(i, sp, j)
      i = j + 1
    }
  }

  /// `a.elementsEqual(b)` (the generic one took ~170 instructions a call, once per class-file line).
  @inline(__always)
  static func sameBytes(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && a.withUnsafeBufferPointer { x in x.count == 0 || memcmp(x.baseAddress!, b.baseAddress!, x.count) == 0 }
  }

  /// Parse `name: w1 w2 w3` class definitions (added to `base`, the classes of a class file).
  static func parseClasses(_ lines: [String], base: [String: ByteWordSet] = [:]) throws -> [String: ByteWordSet] {
    var out = base
    for l in lines {
      guard let c = l.firstIndex(of: ":") else {
        throw RuleSyntaxError(rule: l, why: "a class is 'name: word word ...'")
      }
      let name = l[..<c].trimmingSpaces
      let words = l[l.index(after: c)...].split(separator: " ").map { String($0).lowercased() }
      var set = out[name] ?? ByteWordSet(capacity: words.count)
      for w in words { set.insert(w) }
      out[name] = set
    }
    return out
  }
}

struct RuleSyntaxError: Error, CustomStringConvertible {
  let rule: String
  let why: String
  var description: String { "context rule '\(rule)': \(why)" }
}

/// What surrounds a token, as the context rules see it. The neighbouring word is kept as a byte
/// range and a hash of its lower-cased bytes, so looking at context allocates nothing.
struct SlotView {
  var buf: UnsafeBufferPointer<UInt8>? = nil
  var ws = 0
  var we = 0
  /// Hash of the lower-cased word when the gap to it is only spaces; 0 when there is none.
  var hash: UInt64 = 0
  var start = false
  var end = false
  var punct = false
  var comma = false
  var capitalised = false

  var hasWord: Bool { hash != 0 }
  var count: Int { we - ws }

  /// Make `buf[s..<e]` the view's word: its bytes, lower-cased hash and written capital.
  mutating func setWord(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) {
    self.buf = buf
    ws = s
    we = e
    hash = RepairApostrophes.hashLowered(buf, s, e)
    capitalised = Bytes.isUpper(buf[s])
  }

  /// The word, lower-cased (for reasons and tests; not on the hot path).
  var word: String? {
    guard hasWord, let buf else { return nil }
    return String(decoding: Bytes.lowered(UnsafeBufferPointer(rebasing: buf[ws..<we])), as: UTF8.self)
  }

  @inline(__always)
  func endsWith(_ a: UInt8, _ b: UInt8) -> Bool {
    guard hasWord, let buf, we - ws > 4 else { return false }
    return Bytes.lower(buf[we - 2]) == a && Bytes.lower(buf[we - 1]) == b
  }

  @inline(__always)
  func lastByte() -> UInt8 {
    guard hasWord, let buf else { return 0 }
    return Bytes.lower(buf[we - 1])
  }

  func matches(_ alt: ContextRule.Alt, classes: [String: ByteWordSet]) -> Bool {
    switch alt {
    case .word(let h): return hash == h
    case .wordClass(_, let set): return hasWord && set.contains(hash: hash)
    case .start: return start
    case .end: return end
    case .punct: return punct
    case .comma: return comma
    case .ing:
      guard hasWord, let buf, we - ws > 4 else { return false }
      return Bytes.lower(buf[we - 3]) == 0x69 && endsWith(0x6E, 0x67)
    case .ed: return endsWith(0x65, 0x64)
    case .ly: return endsWith(0x6C, 0x79)
    case .cap: return capitalised && hasWord
    case .num: return hasWord && buf.map { Bytes.isDigit($0[ws]) } ?? false
    }
  }
}

extension StringProtocol {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}
