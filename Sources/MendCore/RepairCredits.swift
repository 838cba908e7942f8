#if canImport(Glibc)
  import Glibc
#endif

/// Restore the punctuation a scraper stripped from picture credits in captions:
/// `Photograph Alexei DruzhininAP` → `Photograph: Alexei Druzhinin/AP`. The credit words and the
/// agencies are data in the rules file; a credit is repaired only when it ends in a known agency
/// (glued to a name, or standing alone) at the end of the line or glued to the next text.
public struct RepairCredits: Stage {
  public static let id = "repair-credits"

  static let spec = StageSpec(
    id: id,
    summary: "Restore ':' and '/' in picture credits (Photograph Alexei DruzhininAP → Photograph: Alexei Druzhinin/AP).",
    options: [
      OptionSpec("credit-words", .stringList, default: .list(["Photograph", "Photographs", "Photo", "Photos", "Illustration", "Composite", "Image", "Picture", "Graphic"]), help: "Words that open a credit."),
      OptionSpec("agencies", .stringList, default: .list(["AP", "Reuters", "AFP", "Getty Images", "EPA", "PA", "Shutterstock", "Bloomberg"]), help: "Agencies and sources that end a credit (case-sensitive)."),
      OptionSpec("max-name-words", .int, default: .int(5), help: "Most words between the credit word and the agency."),
    ],
    make: { RepairCredits(options: $0) })

  let creditWords: [[UInt8]]
  /// Agencies as word lists, longest first.
  let agencies: [[[UInt8]]]
  let maxNameWords: Int
  /// Bytes a credit word starts with, as a 256-entry table (faster than a Set on every byte).
  let firstBytes: [Bool]
  /// The smallest and largest of those bytes when all are ASCII (lets the skip test look at eight
  /// bytes at once); nil otherwise.
  let firstRange: (lo: UInt8, hi: UInt8)?
  /// Up to four ASCII first bytes, each repeated in the eight bytes of a word (an equality test
  /// selects better than the range); empty otherwise.
  let firstWords: [UInt64]
  /// The distinct first bytes when there are at most four, all ASCII (else empty).
  let firstList: [UInt8]
  /// Those bytes (padded to four with repeats of the last), each in the sixteen lanes of a vector.
  let firstLanes: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)
  /// (first byte, second byte) of every credit word as a 65 536-bit set, when every credit word
  /// has two bytes or more (else empty): `isCreditStart` leaves on one bit test at the many
  /// capitals that start no credit word (`I `, `Ch`, `Go`).
  let firstPairs: [UInt64]

  init(options: StageOptions) {
    creditWords = options.list("credit-words").map { Array($0.utf8) }
    agencies = options.list("agencies").map { $0.split(separator: " ").map { Array($0.utf8) } }
      .sorted { $0.reduce(0) { $0 + $1.count } > $1.reduce(0) { $0 + $1.count } }
    maxNameWords = options.int("max-name-words")
    var table = [Bool](repeating: false, count: 256)
    for w in creditWords { if let f = w.first { table[Int(f)] = true } }
    firstBytes = table
    let firsts = creditWords.compactMap(\.first)
    if let lo = firsts.min(), let hi = firsts.max(), lo > 0, hi < 0x80 { firstRange = (lo, hi) } else { firstRange = nil }
    let distinct = Set(firsts).sorted()
    // Padded to four with repeats of the first.
    firstList = firstRange != nil && distinct.count <= 4 ? distinct : []
    firstWords = firstRange != nil && distinct.count <= 4 ? (0..<4).map { UInt64(distinct[min($0, distinct.count - 1)]) &* 0x0101_0101_0101_0101 } : []
    let lane = { (k: Int) in SIMD16<UInt8>(repeating: distinct.isEmpty ? 0 : distinct[min(k, distinct.count - 1)]) }
    firstLanes = (lane(0), lane(1), lane(2), lane(3))
    var pairs = [UInt64](repeating: 0, count: 1024)
    for w in creditWords where w.count >= 2 {
      let k = Int(w[0]) << 8 | Int(w[1])
      pairs[k >> 6] |= 1 << UInt64(k & 63)
    }
    firstPairs = creditWords.allSatisfy { $0.count >= 2 } ? pairs : []
  }

  /// Whether the line holds a credit word followed by a space or a colon, where a credit word
  /// starts a word or follows a lower-case letter.
  func hasCredit(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = buf.count
    var i = 0
    if !firstList.isEmpty, let base = UnsafeRawPointer(buf.baseAddress) {
      // A few distinct ASCII first bytes (P, I, C, G): sixteen bytes a step, the lanes equal to
      // one of them (vector compares, gathered to a 16-bit mask), and only those positions are
      // checked, in one pass over the line (four memchr passes before, one call each per line).
      // The same positions as the loop below: `isCreditStart` is false wherever the byte is no
      // first byte.
      let (f0, f1, f2, f3) = firstLanes
      let high: UInt64 = 0x8080_8080_8080_8080
      while i + 16 <= n {
        let v = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
        let m = (v .== f0) .| (v .== f1) .| (v .== f2) .| (v .== f3)
        let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        if w[0] | w[1] != 0 {
          var bits = RepairApostrophes.gatherHigh(w[0] & high) | RepairApostrophes.gatherHigh(w[1] & high) << 8
          while bits != 0 {
            if isCreditStart(buf, i + bits.trailingZeroBitCount) { return true }
            bits &= bits &- 1
          }
        }
        i += 16
      }
      while i < n {
        if isCreditStart(buf, i) { return true }
        i += 1
      }
      return false
    }
    if let (lo, hi) = firstRange, let base = UnsafeRawPointer(buf.baseAddress) {
      // Eight bytes at a time: skip words with no byte in lo...hi (exact SWAR range test on
      // bytes below 0x80; bytes from 0x80 never start a credit word here).
      let ones: UInt64 = 0x0101_0101_0101_0101
      let low7 = ones &* 0x7F
      let high = ones &* 0x80
      let m = UInt64(lo) - 1  // lo > 0: a credit word never starts with NUL
      let nn = UInt64(hi) + 1
      let useEq = !firstWords.isEmpty
      let (w0, w1, w2, w3) = useEq ? (firstWords[0], firstWords[1], firstWords[2], firstWords[3]) : (0, 0, 0, 0)
      while i + 8 <= n {
        let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        var hit: UInt64 = 0
        if useEq {
          // A zero byte in x ^ w where x has the byte, exact per byte (no borrow from a
          // neighbour), so only the flagged bytes are checked.
          let v0 = x ^ w0
          let v1 = x ^ w1
          let v2 = x ^ w2
          let v3 = x ^ w3
          hit =
            ~(((v0 & low7) &+ low7) | v0) & high | ~(((v1 & low7) &+ low7) | v1) & high
            | ~(((v2 & low7) &+ low7) | v2) & high | ~(((v3 & low7) &+ low7) | v3) & high
        } else {
          let t = x & low7
          hit = ((ones &* (127 + nn)) &- t) & ~x & (t &+ ones &* (127 - m)) & high
        }
        if hit == 0 { i += 8; continue }
        if useEq {
          // Each flagged byte is one of the first bytes: the others cannot start a credit word.
          while hit != 0 {
            if isCreditStart(buf, i + hit.trailingZeroBitCount >> 3) { return true }
            hit &= hit &- 1
          }
          i += 8
          continue
        }
        let end = i + 8
        while i < end {
          if isCreditStart(buf, i) { return true }
          i += 1
        }
      }
    }
    while i < n {
      if isCreditStart(buf, i) { return true }
      i += 1
    }
    return false
  }

  @inline(__always)
  func isCreditStart(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
    let n = buf.count
    guard firstBytes[Int(buf[i])] && (i == 0 || buf[i - 1] == 0x20 || Bytes.isLower(buf[i - 1])) else { return false }
    // A credit word of two bytes or more matches only where its first two bytes are these two
    // (and needs a byte after it, so none matches at i + 1 == n).
    if !firstPairs.isEmpty {
      guard i + 1 < n else { return false }
      let k = Int(buf[i]) << 8 | Int(buf[i + 1])
      if firstPairs[k >> 6] & (1 << UInt64(k & 63)) == 0 { return false }
    }
    for w in creditWords where i + w.count < n {
      var ok = true
      for j in 1..<w.count where buf[i + j] != w[j] { ok = false; break }
      if ok && (buf[i + w.count] == 0x20 || buf[i + w.count] == 0x3A) { return true }
    }
    return false
  }

  public func run(_ document: inout Document, _ context: inout StageContext) {
    for fi in document.fragments.indices {
      var text = document.fragments[fi].text
      // Skip fast: the line must hold a credit word followed by a space or a colon.
      let found = text.withUTF8 { self.hasCredit($0) }
      if !found { continue }
      let b = Array(text.utf8)
      var inserts: [(at: Int, byte: UInt8, rule: String, reason: String)] = []
      var i = 0
      while i < b.count {
        // Skip fast: a credit word starts with one of a few capitals.
        guard firstBytes[Int(b[i])], i == 0 || b[i - 1] == 0x20 || Bytes.isLower(b[i - 1]) else { i += 1; continue }
        var matched: [UInt8]?
        for w in creditWords where i + w.count < b.count && b[i..<(i + w.count)].elementsEqual(w) {
          let after = b[i + w.count]
          if after == 0x20 || after == 0x3A { matched = w; break }
        }
        guard let w = matched else { i += 1; continue }
        if let found = parseCredit(b, from: i + w.count) {
          let word = String(decoding: w, as: UTF8.self)
          if !found.hasColon {
            inserts.append((i + w.count, 0x3A, "credit-colon", "credit word '\(word)' before a credit that ends in the agency '\(found.agency)'"))
          }
          if let slash = found.slashAt {
            inserts.append((slash, 0x2F, "credit-slash", "agency '\(found.agency)' glued to the photographer's name after '\(word)'"))
          }
          i = found.end
        } else {
          i += w.count
        }
      }
      if inserts.isEmpty { continue }
      var out = b
      for ins in inserts.reversed() { out.insert(ins.byte, at: ins.at) }
      let line = document.fragments[fi].line
      var shift = 0
      for ins in inserts {
        let column = b[0..<ins.at].reduce(1) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) } + shift
        let left = ins.at > 0 ? String(decoding: b[max(0, ins.at - 12)..<ins.at], as: UTF8.self) : ""
        let right = String(decoding: b[ins.at..<min(b.count, ins.at + 4)], as: UTF8.self)
        context.record(
          rule: ins.rule, line: line, column: column, before: left + right,
          after: left + String(UnicodeScalar(ins.byte)) + right, confidence: 0.95, reason: ins.reason)
        shift += 1
      }
      document.fragments[fi].text = String(decoding: out, as: UTF8.self)
    }
  }

  struct Found {
    var hasColon: Bool
    var slashAt: Int?
    var agency: String
    var end: Int
  }

  /// After a credit word: `[:] Name Name NameAGENCY` or `[:] AGENCY`, ending at the line end or
  /// glued to capitalised text.
  func parseCredit(_ b: [UInt8], from start: Int) -> Found? {
    var p = start
    let hasColon = b[p] == 0x3A
    if hasColon { p += 1 }
    guard p < b.count, b[p] == 0x20 else { return nil }
    p += 1
    var words: [(Int, Int)] = []
    var q = p
    while q < b.count && words.count <= maxNameWords + 1 {
      var e = q
      while e < b.count && b[e] != 0x20 { e += 1 }
      guard e > q else { break }
      words.append((q, e))
      q = e + 1
    }
    // The agency alone (Photograph Reuters / Photograph Getty Images): colon only.
    for a in agencies where a.count <= words.count {
      var ok = true
      for (k, part) in a.enumerated() {
        let (s, e) = words[k]
        if k < a.count - 1 {
          if !b[s..<e].elementsEqual(part) { ok = false; break }
        } else {
          guard e - s >= part.count, b[s..<(s + part.count)].elementsEqual(part) else { ok = false; break }
          let rest = s + part.count
          if rest < e && !(Bytes.isUpper(b[rest]) && rest + 1 < e && Bytes.isLower(b[rest + 1])) { ok = false; break }
          if rest == e && e < b.count { ok = false; break }  // more text follows: not sure
        }
      }
      if ok && !hasColon {
        return Found(hasColon: false, slashAt: nil, agency: a.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "), end: words[a.count - 1].1)
      }
    }
    // Names, the last one with the agency glued on.
    for (k, (s, e)) in words.enumerated() where k < maxNameWords {
      guard Bytes.isUpper(b[s]) else { return nil }
      if b[s..<e].contains(0x2F) {
        // Already has its slash: only the colon may be missing.
        guard let slash = b[s..<e].firstIndex(of: 0x2F), slash + 1 < e, Bytes.isUpper(b[slash + 1]) else { return nil }
        return hasColon ? nil : Found(hasColon: false, slashAt: nil, agency: String(decoding: b[(slash + 1)..<e], as: UTF8.self), end: e)
      }
      for a in agencies {
        let first = a[0]
        var cut = s + 1
        while cut + first.count <= e {
          if Bytes.isLower(b[cut - 1]) && b[cut..<(cut + first.count)].elementsEqual(first) {
            let rest = cut + first.count
            var end = rest
            var ok = true
            if a.count == 1 {
              if rest < e && !(Bytes.isUpper(b[rest]) && rest + 1 < e && Bytes.isLower(b[rest + 1])) { ok = false }
              if rest == e && e < b.count && k + 1 < words.count { ok = false }
            } else {
              ok = rest == e && k + a.count - 1 < words.count
              if ok {
                for j in 1..<a.count {
                  let (ws, we) = words[k + j]
                  if j == a.count - 1 {
                    ok = we - ws >= a[j].count && b[ws..<(ws + a[j].count)].elementsEqual(a[j])
                    end = ws + a[j].count
                  } else {
                    ok = b[ws..<we].elementsEqual(a[j])
                  }
                  if !ok { break }
                }
              }
            }
            if ok {
              _ = end
              return Found(hasColon: hasColon, slashAt: cut, agency: a.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "), end: e)
            }
          }
          cut += 1
        }
      }
    }
    return nil
  }
}
