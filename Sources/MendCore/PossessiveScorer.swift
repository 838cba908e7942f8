import Foundation

/// Naive-Bayes odds that a stripped `X+s` that is also a plain word (`nations`, `years`, `Earths`,
/// `NASAs`) was a singular possessive, from counts mined on real text (`possessive-stats.txt`,
/// built by scripts/mine-possessive-stats.py from the fit split only): the form itself, the next
/// and previous words, and the next word's shape.
struct PossessiveScorer: Sendable {
  /// Feature hash → possessive count << 32 | plain count.
  let counts: HashLineMap
  let logPrior: Double

  init(text bytes: [UInt8]) {
    var counts = HashLineMap(capacity: 4096)
    func number(_ s: ArraySlice<UInt8>) -> Int32? {
      guard !s.isEmpty else { return nil }
      var v: Int32 = 0
      for d in s {
        guard Bytes.isDigit(d) else { return nil }
        v = v &* 10 &+ Int32(d - 0x30)
      }
      return v
    }
    for line in bytes.split(separator: 0x0A) {
      let parts = line.split(separator: 0x20)
      guard parts.count == 3, let a = number(parts[1]), let b = number(parts[2]) else { continue }
      counts.insertIfAbsent(parts[0].withUnsafeBufferPointer { ByteWordSet.hash($0) }, Int(a) << 32 | Int(b))
    }
    self.counts = counts
    let t = Self.pair(counts[ByteWordSet.hash("total")] ?? (1 << 32 | 1))
    logPrior = log((Double(t.0) + 1) / (Double(t.1) + 1))
  }

  @inline(__always)
  static func pair(_ v: Int) -> (Int, Int) { (v >> 32, v & 0xFFFF_FFFF) }

  static func shape(_ v: SlotView) -> String {
    guard v.hasWord, let buf = v.buf else { return "punct" }
    if Bytes.isDigit(buf[v.ws]) { return "num" }
    if v.capitalised { return "cap" }
    if v.count > 4 && v.endsWith(0x65, 0x64) { return "ed" }
    if v.count > 5 && v.endsWith(0x6E, 0x67) && Bytes.lower(buf[v.we - 3]) == 0x69 { return "ing" }
    if v.count > 4 && v.endsWith(0x6C, 0x79) { return "ly" }
    if v.count > 3 && v.lastByte() == 0x73 { return "s" }
    return "other"
  }

  static let shapeHashes: [String: UInt64] = {
    var m: [String: UInt64] = [:]
    for s in ["punct", "num", "cap", "ed", "ing", "ly", "s", "other"] { m[s] = ByteWordSet.hash("ns:" + s) }
    return m
  }()
  static let nextPunct = ByteWordSet.hash("n:<punct>")
  static let prevPunct = ByteWordSet.hash("p:<punct>")

  /// FNV-1a of a prefix and then lower-cased bytes, finished like ByteWordSet.hash.
  @inline(__always)
  static func hash(prefix: StaticString, _ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    prefix.withUTF8Buffer { p in
      for b in p {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
      }
    }
    for i in s..<e {
      h ^= UInt64(Bytes.lower(buf[i]))
      h = h &* 0x100_0000_01b3
    }
    h ^= h >> 29
    h = h &* 0xbf58_476d_1ce4_e5b9
    h ^= h >> 32
    return h == 0 ? 1 : h
  }

  func features(_ buf: UnsafeBufferPointer<UInt8>, token s: Int, _ e: Int, next: SlotView, prev: SlotView) -> [(String, UInt64)] {
    var out: [(String, UInt64)] = []
    out.append(("t", Self.hash(prefix: "t:", buf, s, e)))
    if next.hasWord, let b = next.buf { out.append(("n", Self.hash(prefix: "n:", b, next.ws, next.we))) } else { out.append(("n", Self.nextPunct)) }
    if prev.hasWord, let b = prev.buf { out.append(("p", Self.hash(prefix: "p:", b, prev.ws, prev.we))) } else { out.append(("p", Self.prevPunct)) }
    out.append(("ns", Self.shapeHashes[Self.shape(next)]!))
    return out
  }

  /// The next word's shape as an index into `shapeHashList` (same order as `shape`).
  @inline(__always)
  static func shapeIndex(_ v: SlotView) -> Int {
    guard v.hasWord, let buf = v.buf else { return 0 }
    if Bytes.isDigit(buf[v.ws]) { return 1 }
    if v.capitalised { return 2 }
    if v.count > 4 && v.endsWith(0x65, 0x64) { return 3 }
    if v.count > 5 && v.endsWith(0x6E, 0x67) && Bytes.lower(buf[v.we - 3]) == 0x69 { return 4 }
    if v.count > 4 && v.endsWith(0x6C, 0x79) { return 5 }
    if v.count > 3 && v.lastByte() == 0x73 { return 6 }
    return 7
  }

  static let shapeHashList: [UInt64] = ["punct", "num", "cap", "ed", "ing", "ly", "s", "other"].map { ByteWordSet.hash("ns:" + $0) }

  @inline(__always)
  func term(_ h: UInt64) -> Double {
    guard let v = counts[h] else { return 0 }
    let (a, b) = Self.pair(v)
    return log((Double(a) + 0.5) / (Double(b) + 0.5)) - logPrior
  }

  /// Log-odds (possessive vs plain) of X+s at s..<e (the features of `features`, without
  /// allocating).
  func score(_ buf: UnsafeBufferPointer<UInt8>, token s: Int, _ e: Int, next: SlotView, prev: SlotView) -> Double {
    var total = logPrior
    total += term(Self.hash(prefix: "t:", buf, s, e))
    if next.hasWord, let b = next.buf { total += term(Self.hash(prefix: "n:", b, next.ws, next.we)) } else { total += term(Self.nextPunct) }
    if prev.hasWord, let b = prev.buf { total += term(Self.hash(prefix: "p:", b, prev.ws, prev.we)) } else { total += term(Self.prevPunct) }
    total += term(Self.shapeHashList[Self.shapeIndex(next)])
    return total
  }

  /// The counts behind a score, for the change's reason.
  func explain(_ buf: UnsafeBufferPointer<UInt8>, token s: Int, _ e: Int, next: SlotView, prev: SlotView) -> String {
    var notes: [String] = []
    let names = [
      "t": String(decoding: Bytes.lowered(UnsafeBufferPointer(rebasing: buf[s..<e])), as: UTF8.self),
      "n": next.word ?? "<punct>", "p": prev.word ?? "<punct>", "ns": Self.shape(next),
    ]
    for (kind, h) in features(buf, token: s, e, next: next, prev: prev) {
      guard let v = counts[h] else { continue }
      let (a, b) = Self.pair(v)
      notes.append("\(kind):\(names[kind]!) \(a)/\(b)")
    }
    return notes.joined(separator: ", ")
  }
}

extension RepairApostrophes {
  /// `Macrons statement`, `praised Warrens endorsement`, `the NCAs investigation`: a capitalised
  /// name or an acronym + s whose lower-case form is also a word (macrons, warrens), after a
  /// lower-case word that is no quantity or plural determiner (`the Clintons`, `two CEOs`; `the`
  /// is allowed before an acronym) and before a lower-case noun or adjective that no verb
  /// spelling shares (`statement`, `internal`; WordNet classes `noun`, `adjective` of the
  /// class-file; no -ed word: `Egyptians raised`). Applied only when the name stands on its own in
  /// the document (see resolvePossessives). On the fit split: 82 possessives, 0 plain words.
  func nameContext(_ c: Case, prev: SlotView, next: SlotView) -> Bool {
    guard prev.hasWord, let pb = prev.buf, Bytes.isLower(pb[prev.ws]) else { return false }
    if pluralMarkers.contains(hash: prev.hash) { return false }
    if pluralDeterminers.contains(hash: prev.hash) && !(c == .upper && prev.hash == Self.theHash) { return false }
    guard next.hasWord, let nb = next.buf else { return false }
    for i in next.ws..<next.we where !Bytes.isLower(nb[i]) { return false }
    if notAfterPossessive.contains(hash: next.hash) || next.endsWith(0x65, 0x64) { return false }
    return nounClass.contains(hash: next.hash) || adjectiveClass.contains(hash: next.hash)
  }

  func namedPossessive(_ c: Candidate, standaloneLine: Int) -> Proposal {
    let baseText = String(decoding: c.base, as: UTF8.self)
    return Proposal(
      fragment: c.fragment, start: c.start, end: c.end, after: c.base + [0x27, 0x73], rule: "possessive-name",
      reason: "'\(baseText)' stands on its own (line \(standaloneLine)); '\(baseText)s' before the noun or adjective '\(c.nextWord)' after a lower-case word",
      confidence: 0.9, applied: true, inferred: true)
  }

  /// `astronomer Angelos Tsiaras`: a capitalised X+s before a capitalised word, where X is a name
  /// known only from the lexicon (SCOWL lists X's with this case and x is no lower-case word; X
  /// never stands on its own in the document), is a name far more often than a possessive (fit
  /// split: 0 possessives, 17 names), so it is only suggested.
  func suggestOnlyBeforeName(_ p: inout Proposal, _ baseText: String) {
    p.applied = false
    p.confidence = 0.5
    p.reason += "; only suggested: a capitalised word follows and '\(baseText)' never stands on its own here (a name such as Angelos Tsiaras?)"
  }
}
