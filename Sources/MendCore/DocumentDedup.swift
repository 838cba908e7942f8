/// Cross-document deduplication: exact duplicates (a 128-bit hash of the normalised text),
/// near-duplicates (MinHash over word n-gram shingles, LSH banding, then a signature check
/// against the threshold) and boilerplate lines that recur in many documents.
///
/// Pure and deterministic: `fingerprint` may run on any thread; `DedupIndex.add` must be called
/// in input order (keep-first) and from one thread.
public struct DedupConfig: Sendable, Equatable {
  /// Remove documents whose normalised text equals an earlier one's.
  public var exact = true
  /// Remove documents whose estimated Jaccard similarity to an earlier kept one is ≥ threshold.
  public var near = true
  /// Number of MinHash permutations (signature length).
  public var numPerm = 128
  /// LSH bands; `numPerm` must be a multiple. With r = numPerm/bands rows, pairs of similarity
  /// s collide in some band with probability 1 - (1 - s^r)^bands (32 × 4: 99.97% at s = 0.7;
  /// candidates are then confirmed against `threshold`).
  public var bands = 32
  /// Words per shingle.
  public var ngram = 5
  /// Estimated Jaccard similarity at or above which a candidate pair is a duplicate.
  public var threshold = 0.7
  /// Remove lines that recur in many documents from all but the first document that has them.
  public var boilerplate = true
  /// A line is boilerplate when at least this many kept documents contain it.
  public var boilerplateMinDocs = 10
  /// Lines shorter than this (in bytes, after trimming) are never boilerplate.
  public var boilerplateMinLength = 30
  /// Seed of the permutations (changing it changes which borderline pairs are found).
  public var seed: UInt64 = 0x6D65_6E64

  public init() {}
}

/// A 128-bit hash.
public struct Hash128: Hashable, Sendable {
  public let a: UInt64
  public let b: UInt64
}

/// What dedup needs of one document, computed in parallel.
public struct DocFingerprint: Sendable {
  /// Hash of the normalised text (nil for a document with no words: never a duplicate).
  public var exact: Hash128?
  /// MinHash signature (empty when near-dedup is off or the text has no words).
  public var signature: [UInt32]
  /// Hashes of the document's boilerplate-eligible lines (distinct within the document).
  public var lineHashes: [UInt64]
}

/// Stable hashing (not Swift's per-process seeded `Hasher`): the same on every run.
@usableFromInline enum StableHash {
  @inline(__always) @usableFromInline static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// FNV-1a 64 over bytes, finished with a mix.
  @inline(__always) static func bytes(_ p: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
    var h = seed
    for c in p {
      h ^= UInt64(c)
      h = h &* 0x100_0000_01B3
    }
    return mix(h)
  }
}

public struct MinHasher: Sendable {
  public let config: DedupConfig
  let a: [UInt64]
  let b: [UInt64]

  public init(_ config: DedupConfig) {
    self.config = config
    var s = config.seed
    var a: [UInt64] = []
    var b: [UInt64] = []
    for _ in 0..<config.numPerm {
      s = StableHash.mix(s)
      a.append(s | 1)
      s = StableHash.mix(s)
      b.append(s)
    }
    self.a = a
    self.b = b
  }

  @inline(__always) static func isWordByte(_ c: UInt8) -> Bool {
    // ASCII letters and digits, and every byte of a non-ASCII character.
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c >= 0x80
  }

  /// Fingerprint a document (several fields are given as separate texts).
  public func fingerprint(_ texts: [String]) -> DocFingerprint {
    var wordHashes: [UInt64] = []
    var exactA: UInt64 = 0xCBF2_9CE4_8422_2325
    var exactB: UInt64 = 0x8422_2325_CBF2_9CE4
    var lineHashes: [UInt64] = []
    var word: [UInt8] = []
    word.reserveCapacity(64)
    var emitted = false
    var pendingSpace = false
    for var text in texts {
      text.withUTF8 { buf in
        // Words (lower-cased ASCII letters and digits, any non-ASCII bytes) make the shingles.
        var i = 0
        let n = buf.count
        var lineStart = 0
        while i <= n {
          let c: UInt8 = i < n ? buf[i] : 0x0A
          if c == 0x0A {
            if config.boilerplate {
              let line = trimmed(buf, lineStart, i)
              if line.count >= config.boilerplateMinLength {
                lineHashes.append(StableHash.bytes(UnsafeBufferPointer(rebasing: buf[line])))
              }
            }
            lineStart = i + 1
          }
          if i < n && Self.isWordByte(c) {
            word.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
          } else if !word.isEmpty {
            let h = word.withUnsafeBufferPointer { StableHash.bytes($0) }
            wordHashes.append(h)
            word.removeAll(keepingCapacity: true)
          }
          // Exact hash: every non-space byte (lower-cased ASCII), runs of whitespace as one space,
          // leading and trailing whitespace ignored.
          if i < n {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
              if emitted { pendingSpace = true }
            } else {
              if pendingSpace {
                exactA = (exactA ^ 0x20) &* 0x100_0000_01B3
                exactB = (exactB ^ 0x20) &* 0x9E37_79B9_7F4A_7C15
                pendingSpace = false
              }
              let lc = UInt64(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
              exactA = (exactA ^ lc) &* 0x100_0000_01B3
              exactB = (exactB ^ lc) &* 0x9E37_79B9_7F4A_7C15
              emitted = true
            }
          }
          i += 1
        }
      }
      // A field boundary counts as whitespace.
      if emitted { pendingSpace = true }
    }
    if !lineHashes.isEmpty {
      lineHashes.sort()
      var u: [UInt64] = []
      u.reserveCapacity(lineHashes.count)
      for h in lineHashes where u.last != h { u.append(h) }
      lineHashes = u
    }
    if wordHashes.isEmpty {
      return DocFingerprint(exact: nil, signature: [], lineHashes: lineHashes)
    }
    let exact = config.exact ? Hash128(a: StableHash.mix(exactA), b: StableHash.mix(exactB ^ UInt64(wordHashes.count))) : nil
    guard config.near else { return DocFingerprint(exact: exact, signature: [], lineHashes: lineHashes) }
    return DocFingerprint(exact: exact, signature: signature(words: wordHashes), lineHashes: lineHashes)
  }

  func trimmed(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Range<Int> {
    var s = s
    var e = e
    while s < e && (buf[s] == 0x20 || buf[s] == 0x09 || buf[s] == 0x0D) { s += 1 }
    while e > s && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09 || buf[e - 1] == 0x0D) { e -= 1 }
    return s..<e
  }

  /// MinHash of the word n-gram shingles (a text shorter than n words is one shingle).
  public func signature(words: [UInt64]) -> [UInt32] {
    let n = max(1, config.ngram)
    let k = config.numPerm
    var sig = [UInt32](repeating: .max, count: k)
    let count = max(1, words.count - n + 1)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        sig.withUnsafeMutableBufferPointer { sig in
          for start in 0..<count {
            var h: UInt64 = 0x243F_6A88_85A3_08D3
            for j in start..<min(words.count, start + n) {
              h = StableHash.mix(h ^ words[j])
            }
            for i in 0..<k {
              let v = UInt32(truncatingIfNeeded: (a[i] &* h &+ b[i]) >> 32)
              if v < sig[i] { sig[i] = v }
            }
          }
        }
      }
    }
    return sig
  }

  /// Fraction of equal positions: the MinHash estimate of Jaccard similarity.
  public static func similarity(_ x: UnsafeBufferPointer<UInt32>, _ y: UnsafeBufferPointer<UInt32>) -> Double {
    var eq = 0
    for i in 0..<min(x.count, y.count) where x[i] == y[i] { eq += 1 }
    return Double(eq) / Double(max(1, x.count))
  }
}

/// Keep-first index of the documents seen so far.
public final class DedupIndex {
  public enum Verdict: Sendable, Equatable {
    case keep
    /// Same normalised text as document `of` (an input ordinal).
    case exact(of: Int)
    /// Estimated Jaccard similarity ≥ threshold with kept document `of`.
    case near(of: Int, similarity: Double)
  }

  public let config: DedupConfig
  private var exact: [Hash128: Int32] = [:]
  /// Band key -> the latest kept document (its kept ordinal) with that key; `chain` links older ones.
  private var bandHead: [UInt64: Int32] = [:]
  private var chain: [Int32] = []
  private var signatures: [UInt32] = []
  private var keptInput: [Int32] = []
  private var stamp: [Int32] = []
  private var counter: Int32 = 0
  /// How many documents went through `add`.
  public private(set) var count = 0
  /// Longest chain walk per band, so a degenerate bucket cannot make dedup quadratic.
  public var maxChainWalk = 256

  public init(_ config: DedupConfig, expectedDocuments: Int = 0) {
    self.config = config
    if expectedDocuments > 0 {
      exact.reserveCapacity(expectedDocuments)
      if config.near { bandHead.reserveCapacity(expectedDocuments * config.bands) }
    }
  }

  func bandKey(_ band: Int, _ sig: UnsafeBufferPointer<UInt32>, rows: Int) -> UInt64 {
    var h = UInt64(band) &* 0x9E37_79B9_7F4A_7C15
    for r in 0..<rows {
      h = StableHash.mix(h ^ UInt64(sig[band * rows + r]))
    }
    return h
  }

  /// The LSH band keys of a signature (empty when near-duplicate detection is off or the document
  /// has no words): the keys `add` looks candidates up by, for a dedup spread over machines.
  public func bandKeys(_ signature: [UInt32]) -> [UInt64] {
    guard config.near && signature.count == config.numPerm && config.bands > 0 else { return [] }
    let rows = config.numPerm / config.bands
    return signature.withUnsafeBufferPointer { s in (0..<config.bands).map { bandKey($0, s, rows: rows) } }
  }

  /// Decide about the next document, in input order; kept documents join the index.
  public func add(_ fp: DocFingerprint) -> Verdict {
    let ordinal = count
    count += 1
    if config.exact, let e = fp.exact {
      if let first = exact[e] { return .exact(of: Int(first)) }
    }
    let sig = fp.signature
    var keyed: [UInt64] = []
    if config.near && sig.count == config.numPerm && config.bands > 0 {
      let rows = config.numPerm / config.bands
      counter &+= 1
      var best: (Int32, Double)? = nil
      sig.withUnsafeBufferPointer { s in
        signatures.withUnsafeBufferPointer { all in
          for band in 0..<config.bands {
            let key = bandKey(band, s, rows: rows)
            keyed.append(key)
            var cur = bandHead[key] ?? -1
            var walked = 0
            while cur >= 0 && walked < maxChainWalk {
              if stamp[Int(cur)] != counter {
                stamp[Int(cur)] = counter
                let other = UnsafeBufferPointer(rebasing: all[(Int(cur) * config.numPerm)..<(Int(cur + 1) * config.numPerm)])
                let sim = MinHasher.similarity(s, other)
                if sim >= config.threshold && (best == nil || sim > best!.1) { best = (cur, sim) }
              }
              cur = chain[Int(cur) * config.bands + band]
              walked += 1
            }
          }
        }
      }
      if let (kept, sim) = best {
        return .near(of: Int(keptInput[Int(kept)]), similarity: sim)
      }
    }
    // Keep it: index it.
    let kept = Int32(keptInput.count)
    keptInput.append(Int32(ordinal))
    if config.exact, let e = fp.exact { exact[e] = Int32(ordinal) }
    if !keyed.isEmpty {
      signatures.append(contentsOf: sig)
      stamp.append(0)
      for (band, key) in keyed.enumerated() {
        chain.append(bandHead[key] ?? -1)
        _ = band
        bandHead[key] = kept
      }
    } else if config.near {
      // Keep ordinals aligned with signature storage: a document without a signature gets an
      // empty slot that no band points to.
      signatures.append(contentsOf: repeatElement(UInt32.max, count: config.numPerm))
      stamp.append(0)
      chain.append(contentsOf: repeatElement(-1, count: config.bands))
    }
    return .keep
  }
}

/// Counts, over kept documents, how many contain each line; keep-first.
public struct BoilerplateCounter: Sendable {
  /// line hash -> (count << 32) | first document ordinal (saturating count).
  public private(set) var lines: [UInt64: UInt64] = [:]

  public init() {}

  public mutating func add(_ lineHashes: [UInt64], document: Int) {
    for h in lineHashes {
      if let v = lines[h] {
        let c = v >> 32
        if c < 0xFFFF_FFFF { lines[h] = ((c + 1) << 32) | (v & 0xFFFF_FFFF) }
      } else {
        lines[h] = (1 << 32) | UInt64(UInt32(truncatingIfNeeded: document))
      }
    }
  }

  /// Boilerplate lines (hash -> the first document that has it), given the minimum count.
  public func boilerplate(minDocs: Int) -> [UInt64: Int] {
    var out: [UInt64: Int] = [:]
    for (h, v) in lines where Int(v >> 32) >= minDocs {
      out[h] = Int(v & 0xFFFF_FFFF)
    }
    return out
  }

  /// The hash that `fingerprint` gives a line (after trimming spaces, tabs and CR).
  public static func hash(line: Substring) -> UInt64 {
    var s = String(line)
    return s.withUTF8 { buf in
      var st = 0
      var e = buf.count
      while st < e && (buf[st] == 0x20 || buf[st] == 0x09 || buf[st] == 0x0D) { st += 1 }
      while e > st && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09 || buf[e - 1] == 0x0D) { e -= 1 }
      return StableHash.bytes(UnsafeBufferPointer(rebasing: buf[st..<e]))
    }
  }

  public static func trimmedLength(_ line: Substring) -> Int {
    var n = 0
    var st = line.utf8.startIndex
    var e = line.utf8.endIndex
    let u = line.utf8
    while st < e, [0x20, 0x09, 0x0D].contains(u[st]) { st = u.index(after: st) }
    while e > st, [0x20, 0x09, 0x0D].contains(u[u.index(before: e)]) { e = u.index(before: e) }
    n = u.distance(from: st, to: e)
    return n
  }
}
