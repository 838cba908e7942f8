import CICU

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The cheap document pass shared by `remove-repeated-sentences` and `remove-near-duplicates`:
/// one byte pass per line gives the line's words (the tokenizer's `Token`s, identical to
/// `DedupText.tokenize`) and its pseudo-sentences ("pieces"), without the sentence segmenter.
/// From it each stage proves, for most documents, that it has nothing to do; only documents (for
/// `remove-repeated-sentences`: only lines) with a possible candidate go through the exact path
/// (sentence segmentation, units, sketches, alignment), which is unchanged.
///
/// ## Why every real unit is a run of whole pieces
///
/// A stage's unit is a whole line or one sentence of it, and sentences come from the segmenter,
/// which applies the UAX #29 sentence rules (ICU's, or `SentenceRules`' emulation of them, plus
/// suppressions that only remove breaks). Under those rules a break falls only
/// (1) after `SATerm Close* Sp*` (SB9–SB11), or (2) after a paragraph separator (CR, LF, NEL,
/// U+2028, U+2029). A piece starts at the line's first word and at the first word after any
/// "trigger" byte standing between two words: `.`, `!`, `?`, a control byte, or a non-ASCII
/// character the tokenizer treats as punctuation or an apostrophe. In a *regular* line (below)
/// every break is followed by a piece start:
/// - an ASCII SATerm (`.` `!` `?`) or CR/LF is a trigger. `!`, `?` and control bytes always end a
///   word. A `.` is inside a word only when the tokenizer joins it (`3.5`, `U.S`, `e.g`), i.e. a
///   letter or digit follows directly; then SB6 (ATerm × Numeric), SB7 ((Upper|Lower) ATerm ×
///   Upper) and SB8 (ATerm × … Lower) forbid a break, except for a digit or a non-letter before
///   the `.` and a capital after it (`5.Next`): such a line is irregular.
/// - Close characters between the SATerm and the break are ASCII punctuation (no word), `«` `»`
///   and the curly quotes (punctuation or apostrophe-like for the tokenizer, so no word starts
///   before them: an apostrophe-like character only continues a word already started, and the
///   SATerm before it ended that word); Sp characters are spaces (no word).
/// - a non-ASCII character the tokenizer reads as a letter but whose Sentence_Break class is
///   ATerm, STerm, Close, Sp, Sep, CR or LF (a danda, U+2028, NEL, a fullwidth bracket:
///   `breakerClass`, from ICU's property) may stand only at the end of a word, and then the
///   next word starts a piece; followed by a letter in the same word it makes the line
///   irregular. An Extend or Format character (a combining mark) that starts a word makes the
///   line irregular (inside a word, SB5 attaches it to the letter before). The ASCII letters and
///   digits are Upper, Lower or Numeric.
/// So a unit starts at a piece start, its tokens are exactly the line's tokens from there
/// (the tokenizer's state is fresh at a piece start, and no line token crosses the next unit's
/// start), and it ends where the next unit, hence a piece, starts: a unit is a run of whole
/// consecutive pieces. Irregular lines are handed to the exact path.
extension DedupText {
  /// The words and pieces of one document's lines.
  final class DocScan {
    /// The lines scanned: the document's own array, held (one reference, not a copy of each
    /// line), so the second stage reuses the pass when the first changed nothing (`matches`).
    var fragments: [Fragment] = []
    var lineCount: Int { fragments.count }
    /// The words of all lines: `tokens[0..<tokenCount]`. The buffers below are kept from one
    /// document to the next (one scan per thread, in the units cache) and written through
    /// pointers, without appends.
    let tokens = Grow<Token>()
    var tokenCount = 0
    /// The byte offset in its line of each token's first byte (`tokens`' order): the units of a
    /// regular line take their tokens from here (`unitTokens`) instead of tokenising again.
    let tokenByte = Grow<Int32>()
    /// The end offset in its line of each ASCII token whose hash is not made yet (-1: the token's
    /// hash is in `tokens`). The scan only finds words (their prefix, length and digits); a hash
    /// is made from the bytes when a stage needs it (`hashOf`, `ensureLine`), so the words of
    /// lines and documents that a cheaper test settles are never hashed.
    let tokenEnd = Grow<Int32>()
    /// Whether all of line f's tokens have their hashes.
    let lineHashed = Grow<Bool>()
    /// The document's bytes, line after line (line f from `lineByte[f]`): the lazy hashes read them.
    let bytes = Grow<UInt8>()
    let lineByte = Grow<Int32>()
    /// Tokens of line f: `lineToken[f]..<lineToken[f+1]`.
    let lineToken = Grow<Int32>()
    /// First token of each piece (`pieceCount` of them); pieces of line f:
    /// `linePiece[f]..<linePiece[f+1]`.
    let pieceToken = Grow<Int32>()
    var pieceCount = 0
    let linePiece = Grow<Int32>()
    /// Lines where the argument above does not hold: they go to the exact path.
    let irregular = Grow<Bool>()
    var anyIrregular = false
    /// Words with non-ASCII letters seen recently (their normalisation goes through ICU).
    let nonASCIIWords = NonASCIIWords()
    /// Reusable buffers of the candidate searches (`repeatCandidates`, `nearDuplicateLines`).
    let scratch = ScanScratch()
    /// The byte masks of the line being scanned (`scanWords`).
    let masks = Grow<UInt64>()

    /// Line f's words and their first bytes, when the line is regular (nil otherwise). Under the
    /// argument above, the tokens of a unit s..<e of the line (a run of whole pieces, trimmed of
    /// spaces) are exactly the line's tokens that start in s..<e: `tokenize` on s..<e reads the
    /// same bytes from a fresh state at a piece start (it looks back at most two bytes, inside
    /// the line, as the scan does), and no line token crosses s or e (a token ends at a space,
    /// and a unit's end is the next unit's start). The scan's tokens are `tokenize`'s
    /// (`scanLineGivesTheTokenizersWords`); the units built either way are compared in
    /// `unitsFromTheScanAreTheTokenizersUnits`.
    func line(_ f: Int) -> ScannedLine? {
      if irregular.p[f] { return nil }
      ensureLine(f)
      let t0 = Int(lineToken.p[f])
      return ScannedLine(tokens: tokens.p + t0, starts: tokenByte.p + t0, count: Int(lineToken.p[f + 1]) - t0)
    }

    /// The hash of token k of line f (made from its bytes on first use; the same as
    /// `tokenize`'s, `scanLineGivesTheTokenizersWords`).
    @inline(__always)
    func hashOf(_ k: Int, line f: Int) -> UInt64 {
      let e = tokenEnd.p[k]
      if e < 0 { return tokens.p[k].hash }
      let h = DedupText.lazyHash(bytes.p + Int(lineByte.p[f]), Int(tokenByte.p[k]), Int(e), DedupText.lowerAlnumTable)
      tokens.p[k].hash = h
      tokenEnd.p[k] = -1
      return h
    }

    /// Make the hashes of line f's tokens.
    func ensureLine(_ f: Int) {
      if lineHashed.p[f] { return }
      // The buffers through local pointers (no access checks per token).
      let toks = tokens.p
      let ends = tokenEnd.p
      let starts = tokenByte.p
      let base = bytes.p + Int(lineByte.p[f])
      let low = DedupText.lowerAlnumTable
      for k in Int(lineToken.p[f])..<Int(lineToken.p[f + 1]) where ends[k] >= 0 {
        toks[k].hash = DedupText.lazyHash(base, Int(starts[k]), Int(ends[k]), low)
        ends[k] = -1
      }
      lineHashed.p[f] = true
    }

    func ensureAll() {
      for f in 0..<lineCount { ensureLine(f) }
    }

    func matches(_ document: Document) -> Bool {
      let fs = document.fragments
      if fs.count != fragments.count { return false }
      // The same storage is the same lines: while this scan holds the array, a change to the
      // document's copy (a line edited, removed or moved) copies it first, on write.
      if fs.withUnsafeBufferPointer({ $0.baseAddress }) == fragments.withUnsafeBufferPointer({ $0.baseAddress }) {
        return true
      }
      // Otherwise line by line, by bytes (O(1) for the same string storage; a line made NFC has
      // other bytes, and other word offsets, though Swift's `==` holds it equal).
      for k in 0..<fs.count where !Document.sameUTF8(fs[k].text, fragments[k].text) { return false }
      return true
    }

    func fill(_ document: Document) {
      let count = document.fragments.count
      fragments = document.fragments
      anyIrregular = false
      // A line of n bytes holds at most (n + 1) / 2 words (each but the last is followed by a
      // byte that ends it), and at most as many pieces, so the storage is sized once.
      var total = 0
      for f in document.fragments { total += f.text.utf8.count }
      let needed = total / 2 + count + 1
      let toks = tokens.reserve(needed)
      let starts = tokenByte.reserve(needed)
      let ends = tokenEnd.reserve(needed)
      let pieces = pieceToken.reserve(needed)
      let lt = lineToken.reserve(count + 1)
      let lp = linePiece.reserve(count + 1)
      let irr = irregular.reserve(count + 1)
      let hashed = lineHashed.reserve(count + 1)
      let lb = lineByte.reserve(count + 1)
      let all = bytes.reserve(total + 1)
      let words = nonASCIIWords
      var nt = 0
      var np = 0
      var nb = 0
      var anyIrr = false
      for (k, f) in document.fragments.enumerated() {
        lt[k] = Int32(nt)
        lp[k] = Int32(np)
        lb[k] = Int32(truncatingIfNeeded: nb)
        hashed[k] = false
        // The line's bytes are copied into the document's buffer and scanned there.
        let n =
          f.text.utf8.withContiguousStorageIfAvailable { src -> Int in
            if let b = src.baseAddress { (all + nb).update(from: b, count: src.count) }
            return src.count
          }
          ?? {
            var text = f.text
            return text.withUTF8 { src -> Int in
              if let b = src.baseAddress { (all + nb).update(from: b, count: src.count) }
              return src.count
            }
          }()
        let scanned = DedupText.scanWords(
          UnsafeBufferPointer(start: all + nb, count: n), out: toks + nt, starts: starts + nt, ends: ends + nt, first: nt,
          pieces: pieces + np, words: words, masks: masks.reserve(6 * (n / 64 + 1)))
        nb += n
        nt += scanned.words
        np += scanned.pieces
        irr[k] = scanned.irregular
        if scanned.irregular { anyIrr = true }
      }
      close(lines: count, tokens: nt, pieces: np, bytes: nb, anyIrregular: anyIrr)
    }

    /// The end marks after the last of `lines` lines (their tokens, pieces and bytes) and the
    /// totals.
    func close(lines count: Int, tokens nt: Int, pieces np: Int, bytes nb: Int, anyIrregular anyIrr: Bool) {
      lineToken.p[count] = Int32(nt)
      linePiece.p[count] = Int32(np)
      lineByte.p[count] = Int32(truncatingIfNeeded: nb)
      tokenCount = nt
      pieceCount = np
      anyIrregular = anyIrr
    }

    /// The scan of the document's lines when they are the scanned lines with some removed (the
    /// stage before removed lines and changed none): each kept line's words, pieces and bytes
    /// moved down over the removed ones, in place, instead of scanning every line again. A line's
    /// scan depends only on its bytes (the scan starts each line fresh), so the result is
    /// `fill`'s (`compactingAScanGivesTheScanOfTheKeptLines`). False, with the scan unchanged,
    /// when a line of the document is not one of the scanned lines in order.
    func compact(to document: Document) -> Bool {
      let new = document.fragments
      let count = new.count
      let old = fragments.count
      if count >= old { return false }
      // The old line each new line is (the first equal one not yet taken: equal lines have equal
      // scans, so which copy is taken does not matter).
      var from = [Int](repeating: 0, count: count)
      var j = 0
      for k in 0..<count {
        while j < old && !Document.sameUTF8(new[k].text, fragments[j].text) { j += 1 }
        if j == old { return false }
        from[k] = j
        j += 1
      }
      let lt = lineToken.p
      let lp = linePiece.p
      let lb = lineByte.p
      let toks = tokens.p
      let starts = tokenByte.p
      let ends = tokenEnd.p
      let pieces = pieceToken.p
      let all = bytes.p
      var nt = 0
      var np = 0
      var nb = 0
      var anyIrr = false
      // Every destination is at or below its source (k ≤ from[k]), so moving line by line, in
      // order, never overwrites what a later line still needs.
      for k in 0..<count {
        let f = from[k]
        let t0 = Int(lt[f])
        let t1 = Int(lt[f + 1])
        let p0 = Int(lp[f])
        let p1 = Int(lp[f + 1])
        let b0 = Int(lb[f])
        let b1 = Int(lb[f + 1])
        if t0 != nt {
          memmove(toks + nt, toks + t0, (t1 - t0) * MemoryLayout<Token>.stride)
          memmove(starts + nt, starts + t0, (t1 - t0) * MemoryLayout<Int32>.stride)
          memmove(ends + nt, ends + t0, (t1 - t0) * MemoryLayout<Int32>.stride)
        }
        // A piece holds the index of its first token: moved down by as much as the tokens.
        let shift = Int32(t0 - nt)
        for q in 0..<(p1 - p0) { pieces[np + q] = pieces[p0 + q] - shift }
        if b0 != nb { memmove(all + nb, all + b0, b1 - b0) }
        lt[k] = Int32(nt)
        lp[k] = Int32(np)
        lb[k] = Int32(truncatingIfNeeded: nb)
        lineHashed.p[k] = lineHashed.p[f]
        irregular.p[k] = irregular.p[f]
        if irregular.p[k] { anyIrr = true }
        nt += t1 - t0
        np += p1 - p0
        nb += b1 - b0
      }
      close(lines: count, tokens: nt, pieces: np, bytes: nb, anyIrregular: anyIrr)
      fragments = new
      return true
    }

    /// The scan of a document, reused from the previous stage when its lines are unchanged, and
    /// compacted when the previous stage only removed lines.
    static func of(_ document: Document, segmenter: SentenceSegmenter) -> DocScan {
      let cache = UnitsCache.of(segmenter)
      if let s = cache.scan, s.matches(document) { return s }
      if let s = cache.scan, s.compact(to: document) { return s }
      let s = cache.scan ?? DocScan()
      s.fill(document)
      cache.scan = s
      return s
    }

    static func of(_ document: Document) -> DocScan {
      let s = DocScan()
      s.fill(document)
      return s
    }

    /// `remove-repeated-sentences`' candidate lines. A unit of at least `minWords` words starts
    /// at a piece start and ends where a piece ends (the next piece's start or the line's end),
    /// and its words are the line's words in between, so two equal units give equal
    /// fingerprints of their first `minWords` words (taken at every piece start), of their last
    /// `minWords` words (taken at every piece end), and equal word counts. A regular line none of
    /// whose (start, end, count) triples occurs at another place in the document holds no unit
    /// that repeats another, nor the first copy of one. (Triples are formed only in lines that
    /// have both a start and an end fingerprint occurring twice.) Nil: no candidate at all.
    func repeatCandidates(minWords: Int) -> [Bool]? {
      let lines = lineCount
      let pieces = pieceCount
      let toks = self.tokens.p
      let lineToken = self.lineToken.p
      let linePiece = self.linePiece.p
      let pieceToken = self.pieceToken.p
      // Per piece: the fingerprint of the first words from its start and of the last words
      // before its start (0: none); per line, of its last words. A fingerprint is a multiply per
      // word and one final mix: only equality matters (the same words give the same value), and
      // two windows that look equal wrongly only make more candidates. It is made of the words'
      // `shape` (first four normalised bytes and length), not their hashes: equal words have
      // equal shapes, so equal units still give equal fingerprints (words of the same shape
      // only look equal wrongly, which makes more candidates), and no word is hashed here.
      let startFP = scratch.startFP.reserve(pieces)
      let endFP = scratch.endFP.reserve(pieces)
      let lineEndFP = scratch.lineEndFP.reserve(lines)
      let all = scratch.all.reserve(2 * pieces + lines)
      var nAll = 0
      for f in 0..<lines {
        let start = Int(lineToken[f])
        let end = Int(lineToken[f + 1])
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        if end - start < minWords {
          for p in p0..<p1 {
            startFP[p] = 0
            endFP[p] = 0
          }
          lineEndFP[f] = 0
          continue
        }
        for p in p0..<p1 {
          let t = Int(pieceToken[p])
          startFP[p] = 0
          endFP[p] = 0
          if t + minWords <= end {
            var h: UInt64 = 0x51_7CC1_B727_220A
            for k in t..<(t + minWords) { h = (h ^ DedupText.shape(toks[k])) &* 0x9E37_79B9_7F4A_7C15 }
            h = DedupText.mix(h)
            startFP[p] = h | 1
            all[nAll] = h | 1
            nAll += 1
          }
          if t - minWords >= start {
            var h: UInt64 = 0x2F1E_5D3C_4B7A_6989
            for k in (t - minWords)..<t { h = (h ^ DedupText.shape(toks[k])) &* 0x9E37_79B9_7F4A_7C15 }
            h = DedupText.mix(h)
            endFP[p] = h & ~1
            all[nAll] = h & ~1
            nAll += 1
          }
        }
        var h: UInt64 = 0x2F1E_5D3C_4B7A_6989
        for k in (end - minWords)..<end { h = (h ^ DedupText.shape(toks[k])) &* 0x9E37_79B9_7F4A_7C15 }
        h = DedupText.mix(h)
        lineEndFP[f] = h & ~1
        all[nAll] = h & ~1
        nAll += 1
      }
      if nAll < 2 && !anyIrregular { return nil }
      // Fingerprints seen twice (start ones are odd, end ones even; 0 is never one).
      let counts = scratch.table.begin(nAll)
      for k in 0..<nAll { counts.increment(all[k]) }
      @inline(__always) func twice(_ h: UInt64) -> Bool { h != 0 && counts.value(h) >= 2 }
      // Triples of the lines with a repeated start and a repeated end.
      var triples: [UInt64] = []
      var tripleLine: [Int32] = []
      var forced: [Int] = []
      for f in 0..<lines {
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        let end = Int(lineToken[f + 1])
        var hasStart = false
        var hasEnd = twice(lineEndFP[f])
        for p in p0..<p1 {
          if twice(startFP[p]) { hasStart = true }
          if twice(endFP[p]) { hasEnd = true }
        }
        if !(hasStart && hasEnd) { continue }
        // A line of many pieces would make too many triples: it is a candidate as it is.
        if p1 - p0 > 64 {
          forced.append(f)
          continue
        }
        for p in p0..<p1 where twice(startFP[p]) {
          let t = Int(pieceToken[p])
          // Ends: later pieces' starts, then the line's end.
          var q = p + 1
          while q <= p1 {
            let (e, fp) = q < p1 ? (Int(pieceToken[q]), endFP[q]) : (end, lineEndFP[f])
            q += 1
            if e - t < minWords || !twice(fp) { continue }
            triples.append(DedupText.mix(startFP[p] ^ DedupText.mix(fp &+ UInt64(e - t))))
            tripleLine.append(Int32(f))
          }
        }
      }
      var out: [Bool]? = nil
      func mark(_ f: Int) {
        if out == nil { out = [Bool](repeating: false, count: lines) }
        out![f] = true
      }
      if triples.count >= 2 {
        let table = scratch.table.begin(triples.count)
        for (k, h) in triples.enumerated() {
          let first = table.value(h) - 1
          if first >= 0 {
            mark(Int(tripleLine[Int(first)]))
            mark(Int(tripleLine[k]))
          } else {
            table.set(h, Int32(k + 1))
          }
        }
      }
      if anyIrregular {
        let irregular = self.irregular.p
        for f in 0..<lines where irregular[f] { mark(f) }
      }
      for f in forced { mark(f) }
      return out
    }

    /// See the routing in `nearDuplicateLines`.
    static let exactPathOpenWords = 8_000

    /// The key of a word's stem in `quickSetAside`: the first four normalised bytes of a word of
    /// at least 4 bytes that is not a number, the word's `shape` (its first four bytes and its
    /// length: the word itself up to 4 bytes) otherwise. Two words whose stems are equal for
    /// `nearDuplicateLines` (and for `similarity`: an identical word, or an inflection — both of
    /// at least 4 bytes, not numbers, the same first 4 bytes) have equal keys: the same prefix,
    /// or, for identical words, the same shape. A key of one kind can equal one of the other
    /// kind only when it looks equal wrongly (a prefix key has length 0 in the shape's place,
    /// and every word has a length of at least 1), which only counts more.
    @inline(__always)
    static func quickKey(_ t: Token) -> UInt64 {
      t.length >= 4 && !t.isNumber ? UInt64(t.prefix) : DedupText.shape(t)
    }

    /// Whether the document provably holds no pair for `remove-near-duplicates`, by a weaker and
    /// cheaper form of `nearDuplicateLines`' set-aside test (true: no pair; false: not decided
    /// here, the full test runs). Session 10: on news-20MB ~76 % and on corpus-20MB ~93 % of the
    /// documents are settled by the set-aside test, and this form settles nearly all of them for
    /// a few operations a word (no soft-word look-up per word, no hash, no stem numbers, no
    /// table to clear).
    ///
    /// Why true is safe. `nearDuplicateLines` shows that a pair needs a run of consecutive pieces
    /// C of one line with at least `min-words` words, a content word, and no piece holding a
    /// content stem that occurs in no other piece (D lies outside C and holds all C's content
    /// stems). Here each word's stem key (`quickKey`: words with equal stems have equal keys)
    /// picks a slot of a table of counters (2^b ≥ 8 × the words; different keys may share a
    /// slot), and a slot counts the pieces that touch it: it keeps the last piece that touched it
    /// (a number above `quickBase`, which grows from document to document, so older slots read
    /// as untouched) and a count that only grows — 1 at a document's first touch, 2 at a touch
    /// by another piece (a piece touches the slot of every word it holds, soft words included).
    /// So a slot that counts 1 was touched by one piece only, and a stem whose slot counts 1
    /// occurs in one piece only: a piece with a content word (tested exactly, as the full pass
    /// does: `soft`'s shapes, then the hash when the shape is a longer soft word's) whose slot
    /// counts 1 holds a content stem of its own, and the full test sets it aside too. Runs of
    /// the other pieces are then taken as the full test takes them, except that every run is
    /// assumed to hold a content word (more runs). No run of `min-words` words: no pair.
    /// With `openWords`, every line is examined (no early answer) and the words of the pieces
    /// not set aside, in lines of at least `min-words` words, are added to it.
    func quickSetAside(minWords: Int, soft: WordSet, openWords: UnsafeMutablePointer<Int>? = nil) -> Bool {
      let lines = lineCount
      let pieces = pieceCount
      let nd = scratch.near
      // Piece numbers (from quickBase + 1) are kept in 30 bits; the table is cleared when they
      // would pass them.
      if pieces >= 1 << 28 { return false }
      var bits = 10
      while 1 << bits < 8 * tokenCount { bits += 1 }
      let size = 1 << bits
      if size > nd.quickZeroed || nd.quickBase + UInt32(pieces + 1) >= 1 << 29 {
        let t = nd.quick.reserve(size)
        t.initialize(repeating: 0, count: nd.quick.capacity)
        nd.quickZeroed = nd.quick.capacity
        nd.quickBase = 0
      }
      let table = nd.quick.p
      let base = nd.quickBase
      nd.quickBase = base + UInt32(pieces + 1)
      let shift = UInt64(64 - bits)
      let toks = tokens.p
      let lineToken = self.lineToken.p
      let linePiece = self.linePiece.p
      let pieceToken = self.pieceToken.p
      // Slot: (last piece's number) << 2 | pieces counted (1 or 2).
      for f in 0..<lines {
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        let lineEnd = Int(lineToken[f + 1])
        for p in p0..<p1 {
          let t0 = Int(pieceToken[p])
          let t1 = p + 1 < p1 ? Int(pieceToken[p + 1]) : lineEnd
          let mark = base &+ UInt32(truncatingIfNeeded: p + 1)
          for k in t0..<t1 {
            let s = Int(truncatingIfNeeded: (DocScan.quickKey(toks[k]) &* 0x9E37_79B9_7F4A_7C15) &>> shift)
            let m = table[s] &>> 2
            if m != mark { table[s] = mark &<< 2 | (m > base ? 2 : 1) }
          }
        }
      }
      let byShape = soft.shapes != nil
      let shapes = soft.shapes ?? soft
      var settled = true
      for f in 0..<lines {
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        let lineEnd = Int(lineToken[f + 1])
        if lineEnd - Int(lineToken[f]) < minWords { continue }
        var n = 0
        for p in p0..<p1 {
          let t0 = Int(pieceToken[p])
          let t1 = p + 1 < p1 ? Int(pieceToken[p + 1]) : lineEnd
          var aside = false
          for k in t0..<t1 {
            let t = toks[k]
            let s = Int(truncatingIfNeeded: (DocScan.quickKey(t) &* 0x9E37_79B9_7F4A_7C15) &>> shift)
            if table[s] & 3 != 1 { continue }
            // A stem of this piece only: the piece is set aside when the word is a content word.
            if byShape {
              if shapes.contains(DedupText.shape(t) &* 0x9E37_79B9_7F4A_7C15) && (t.length <= 4 || soft.contains(hashOf(k, line: f))) {
                continue
              }
            } else if soft.contains(hashOf(k, line: f)) {
              continue
            }
            aside = true
            break
          }
          if aside {
            n = 0
            continue
          }
          n += t1 - t0
          if let openWords {
            openWords.pointee += t1 - t0
            if n >= minWords { settled = false }
            continue
          }
          if n >= minWords { return false }
        }
      }
      return settled
    }

    /// `mask` &= `cover` over `words` 64-bit words (a run of pieces' lines narrowed by one more
    /// piece's cover); false when no line is left.
    @inline(__always) static func intersect(
      _ mask: UnsafeMutablePointer<UInt64>, _ cover: UnsafePointer<UInt64>, _ words: Int
    ) -> Bool {
      var any: UInt64 = 0
      for w in 0..<words {
        mask[w] &= cover[w]
        any |= mask[w]
      }
      return any != 0
    }

    /// The pairs of lines (f, ℓ) where `remove-near-duplicates` may find a pair of units (C in
    /// line f, D in line ℓ, possibly f = ℓ); empty: provably none in the document; nil: not
    /// decided here (an irregular line, a very long document, more than `maxPairs` pairs).
    ///
    /// Why false is safe, from the stage's own definitions (`RemoveNearDuplicates.run` and
    /// `similarity`). A pair (u later, c earlier) is removed only when both of these hold:
    /// 1. it was a candidate: u's sketch (its `sketch` distinct content words, i.e. words not in
    ///    `soft-words`, with the smallest hashes) and c's share at least min(2, |sketch(u)|)
    ///    words; units with an empty sketch neither look for candidates nor are indexed.
    /// 2. `similarity` accepts it, which requires that one copy, C, has no leftover content word
    ///    in any gap (`onlyX && onlyY` is a veto): every content word of C is either aligned with
    ///    an identical word of the other copy D or paired in its gap with a content word of D
    ///    that shares its first 4 normalised bytes (an inflection, both ≥ 4 bytes, not numbers).
    ///    So every content word of C has its *stem* (the 4-byte prefix for such words, the word
    ///    itself otherwise) among D's content stems. And C has at least `min-words` words
    ///    (`similarity` rejects a pair whose shorter copy has fewer; C is one of the two).
    /// 3. one copy holds the other's sketch: at most `maxMissing` (2) words of sketch(u) are
    ///    missing from c's words, or of sketch(c) from u's.
    /// From 1: C and D share at least one identical content word, and at least two when C has two
    /// different content stems (D then has two as well, so both sketches have ≥ 2 words).
    /// From 3: with s = the number of different content stems of C (D has all of them, so both
    /// C and D have ≥ s different content words and sketches of ≥ min(`sketch`, s) words), C
    /// and D share at least min(`sketch`, s) − `maxMissing` identical content words.
    /// D is another unit, inside one line ℓ and disjoint from C; units are runs of whole pieces
    /// (see above). Hence a pair needs some line to hold a run of consecutive pieces C with
    /// ≥ `min-words` words and ≥ 1 content word, and a line ℓ (when ℓ is C's own line: outside
    /// the piece in question) that holds the stems of all C's content words, and C's identical
    /// content words as often as 1 and 3 require (counted over C's word occurrences, which can
    /// only be more; s is bounded below by the largest count of one piece of the run), and D's
    /// words are bounded and C's words must be found in D often enough for the alignment (see
    /// `window`). When no run qualifies, the stage would change nothing, whatever
    /// `max-inserted-words`, `short-words`, `max-posting` or `max-checks` are; `min-words`,
    /// `max-words`, `min-containment`, `min-coverage`, `sketch` and `soft-words` are read from the
    /// stage's options (a threshold of 0 or less only drops its bound, never makes it unsafe).
    /// Filters (1 024 bits per line and per piece) can only say "present" wrongly, and two stems
    /// can only look equal wrongly (a stem's hash), which keeps the test conservative. Which
    /// lines hold a stem (the covers) and which pieces of a line do (the window sets) are kept by
    /// the stem's number in an exact table, not by filter bits. A piece with a stem that occurs
    /// in no other piece is in no C (D lies outside C), so runs stop there and a document where
    /// no line has a run of such pieces long enough is settled before any line set is built.
    func nearDuplicateLines(
      minWords: Int, maxWords: Int, minContainment: Double, minCoverage: Double, soft: WordSet, sketch: Int,
      maxPairs: Int = 64
    ) -> [(Int, Int)]? {
      if anyIrregular { return nil }
      let lines = lineCount
      let pieces = pieceCount
      let lineToken = self.lineToken.p
      let linePiece = self.linePiece.p
      let pieceToken = self.pieceToken.p
      if lines == 0 || pieces < 2 || tokenCount < minWords { return [] }
      var longest = 0
      for f in 0..<lines { longest = max(longest, Int(lineToken[f + 1] - lineToken[f])) }
      if longest < minWords { return [] }
      // Very long documents take the exact path (the index below is stems × lines bits).
      if lines > 8192 { return nil }
      // Most documents are settled by the set-aside test below; a cheaper, weaker form of it
      // settles nearly all of those first, without the soft-word look-ups, stem numbers and
      // filters of the passes below (`quickSetAside`, where the argument is).
      //
      // Routing (session 10): a document with more than `exactPathOpenWords` words in pieces
      // that the quick test does not set aside goes to the exact path at once (nil), before the
      // passes below. Nil and the full stage are both exact (nil only sends the document to
      // `RemoveNearDuplicates.run`'s full path, which decides every pair itself), so the
      // threshold cannot change the output, only where the work is done. Measured: on
      // news-20MB and frag-20MB every document above 11 500 such words ran out of the search
      // budget below after all the linear passes (the 21 and 16 copies of an English/Hindi
      // interview: ~5 M instructions each of wasted passes), and every document the proof
      // settled had at most 5 721; 8 000 lies between. Only documents of more words than that
      // count them (the count needs the whole second pass of `quickSetAside`).
      if tokenCount > DocScan.exactPathOpenWords {
        var open = 0
        let settled = withUnsafeMutablePointer(to: &open) { quickSetAside(minWords: minWords, soft: soft, openWords: $0) }
        if settled { return [] }
        if open > DocScan.exactPathOpenWords { return nil }
      } else if quickSetAside(minWords: minWords, soft: soft) {
        return []
      }
      let fw = 16  // 1 024-bit filters
      let mw = (lines + 63) >> 6  // a set of lines
      // Per piece: filters of its content words' stems and of the words themselves; its words;
      // its content words (the filter bit of the stem, of the word); the smallest and largest
      // stem and the number of different stems.
      let nd = scratch.near
      let pieceStem = nd.pieceStem.reserve(pieces * fw)
      // Each word's filter bit (soft ones too); a window's filters of its exact content words
      // and of all its words are made from these bits when its stems pass (rarely).
      let allBit = nd.allBit.reserve(tokenCount + 1)
      let lineExact = nd.lineExact.reserve(lines * fw)
      let cover = nd.cover.reserve(pieces * mw)
      let pieceWords = nd.pieceWords.reserve(pieces)
      let contentStart = nd.contentStart.reserve(pieces + 1)
      let stemLow = nd.stemLow.reserve(pieces)
      let stemHigh = nd.stemHigh.reserve(pieces)
      let stemCount = nd.stemCount.reserve(pieces)
      let stemBit = nd.stemBit.reserve(tokenCount + 1)
      let exactBit = nd.exactBit.reserve(tokenCount + 1)
      let scratch = nd.small.reserve(4 * fw + mw)
      // The stems of C as sets of a line's pieces (`window`).
      let stemMask = nd.stemMask.reserve(tokenCount + 1)
      // `window`'s sets of line f's stems in other lines: line ℓ's are at memoStart[ℓ] when
      // memoMark[ℓ] is the current generation (a new one for each line f).
      let memoCapacity = 1 << 18
      let memo = nd.memo.reserve(memoCapacity)
      let memoMark = nd.memoMark.reserve(lines)
      memoMark.update(repeating: 0, count: lines)
      let memoStart = nd.memoStart.reserve(lines)
      var memoGeneration: Int32 = 0
      var memoCount = 0
      @inline(__always) func has(_ filter: UnsafeMutablePointer<UInt64>, _ bit: UInt16) -> Bool {
        filter[Int(bit >> 6)] & (1 << UInt64(bit & 63)) != 0
      }
      var nContent = 0
      // Each content word's stem (for `blocked` below) and its token.
      let stemOf = nd.stemOf.reserve(tokenCount + 1)
      let contentTok = nd.contentTok.reserve(tokenCount + 1)
      let toks = self.tokens.p
      let byShape = soft.shapes != nil
      let shapes = soft.shapes ?? soft
      // First only what the set-aside test below needs (the stems of the content words): most
      // documents are settled there, and the filters, bits and counts of the second pass are
      // made only for the others. Both passes visit the same tokens in the same order, so the
      // result is the one of a single pass.
      for f in 0..<lines {
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        let lineEnd = Int(lineToken[f + 1])
        for p in p0..<p1 {
          let t0 = Int(pieceToken[p])
          let t1 = p + 1 < p1 ? Int(pieceToken[p + 1]) : lineEnd
          pieceWords[p] = Int32(t1 - t0)
          contentStart[p] = Int32(nContent)
          for k in t0..<t1 {
            let t = toks[k]
            // The stage's own tokens (a word with non-ASCII letters is NFKC-normalised and
            // lower-cased as there), so soft words and stems are exactly the stage's.
            // A word is hashed only when its shape is a soft word's: a soft word has a soft
            // word's shape, and a word of at most 4 bytes with a soft word's shape is that word
            // (its shape is the word), so only longer ones need the hash to tell.
            if byShape {
              if shapes.contains(DedupText.shape(t) &* 0x9E37_79B9_7F4A_7C15)
                && (t.length <= 4 || soft.contains(hashOf(k, line: f)))
              {
                continue
              }
            } else if soft.contains(hashOf(k, line: f)) {
              continue
            }
            // One multiply for a prefix stem: stems are only compared for equality (and their
            // top bits pick filter bits and table slots), and two stems that look equal wrongly
            // only keep more pairs. A word shorter than 4 bytes (not a number) is its shape (the
            // word itself, one multiply, no hash); a number's stem is its hash.
            stemOf[nContent] =
              t.length >= 4 && !t.isNumber
              ? (UInt64(t.prefix) | 0x5354_454D_0000_0000) &* 0x9E37_79B9_7F4A_7C15
              : t.isNumber ? hashOf(k, line: f) : DedupText.shape(t) &* 0xC2B2_AE3D_27D4_EB4F
            contentTok[nContent] = Int32(truncatingIfNeeded: k)
            nContent &+= 1
          }
        }
      }
      contentStart[pieces] = Int32(nContent)
      // Each different stem gets a number (exact: a table keyed by the stem), and a piece that
      // no C can contain is set aside. Every content stem of C is among D's stems, and D is
      // another unit (in another line, or in C's line outside C), so it lies outside C's pieces:
      // a stem that occurs in one piece only cannot be C's, and that piece is in no C.
      let stemId = nd.stemId.reserve(tokenCount + 1)
      let blocked = nd.blocked.reserve(pieces)
      var nStems = 0
      do {
        let ids = self.scratch.table.begin(nContent)
        let stemPiece = nd.stemPiece.reserve(nContent + 1)
        let stemShared = nd.stemShared.reserve(nContent + 1)
        for p in 0..<pieces {
          for c in Int(contentStart[p])..<Int(contentStart[p + 1]) {
            let stem = stemOf[c]
            let v = ids.insertIfMissing(stem, Int32(nStems + 1))
            if v == 0 {
              stemPiece[nStems] = Int32(p)
              stemShared[nStems] = false
              stemId[c] = Int32(nStems)
              nStems += 1
            } else {
              let id = Int(v) - 1
              stemId[c] = Int32(id)
              if stemPiece[id] != Int32(p) { stemShared[id] = true }
            }
          }
        }
        // A line needs a run of unblocked pieces with `min-words` words and a content word.
        var open = false
        for f in 0..<lines {
          var n = 0
          var content = false
          for p in Int(linePiece[f])..<Int(linePiece[f + 1]) {
            var b = false
            for c in Int(contentStart[p])..<Int(contentStart[p + 1]) where !stemShared[Int(stemId[c])] {
              b = true
              break
            }
            blocked[p] = b
            if b {
              n = 0
              content = false
              continue
            }
            n += Int(pieceWords[p])
            if contentStart[p + 1] > contentStart[p] { content = true }
            if n >= minWords && content { open = true }
          }
        }
        if !open { return [] }
      }
      // For each stem, the set of lines holding it (exact: the stems' numbers, not filter bits),
      // and each piece's cover: the lines holding all its content stems, its own line only when
      // the line's other pieces hold all of them (a blocked piece: none; a piece without content
      // words: every line). Made before the second pass, from the stem numbers alone (they were
      // made after it, with the own-line test on 1 024-bit filters of the line's other pieces;
      // the exact test here keeps a subset of those lines, and the argument below holds for it).
      if nStems * mw > 1 << 22 { return nil }
      let linesWith = nd.linesWith.reserve(nStems * mw)
      linesWith.update(repeating: 0, count: nStems * mw)
      for f in 0..<lines {
        let fBit: UInt64 = 1 << UInt64(f & 63)
        for c in Int(contentStart[Int(linePiece[f])])..<Int(contentStart[Int(linePiece[f + 1])]) {
          linesWith[Int(stemId[c]) * mw + (f >> 6)] |= fBit
        }
      }
      // Whether a stem occurs in two pieces of the line in question (exact, by the stems'
      // numbers: `stemLine` is the last line it was seen in, `stemFirst` its first piece there).
      let stemLine = nd.stemLine.reserve(nStems)
      stemLine.update(repeating: -1, count: nStems)
      let stemFirst = nd.stemFirst.reserve(nStems)
      let stemTwice = nd.stemTwice.reserve(nStems)
      for f in 0..<lines {
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        let f32 = Int32(truncatingIfNeeded: f)
        for p in p0..<p1 {
          for c in Int(contentStart[p])..<Int(contentStart[p + 1]) {
            let id = Int(stemId[c])
            if stemLine[id] != f32 {
              stemLine[id] = f32
              stemFirst[id] = Int32(truncatingIfNeeded: p)
              stemTwice[id] = false
            } else if stemFirst[id] != Int32(truncatingIfNeeded: p) {
              stemTwice[id] = true
            }
          }
        }
        let fBit: UInt64 = 1 << UInt64(f & 63)
        for p in p0..<p1 {
          let cv = cover + p * mw
          if blocked[p] {
            for w in 0..<mw { cv[w] = 0 }
            continue
          }
          for w in 0..<mw { cv[w] = ~0 }
          var any: UInt64 = 0
          var own = true
          for c in Int(contentStart[p])..<Int(contentStart[p + 1]) {
            let id = Int(stemId[c])
            if !stemTwice[id] { own = false }
            let row = linesWith + id * mw
            any = 0
            for w in 0..<mw {
              cv[w] &= row[w]
              any |= cv[w]
            }
            if any == 0 { break }
          }
          // Its own line only when the line's other pieces hold all p's stems (D lies outside
          // C, so outside p).
          if !own { cv[f >> 6] &= ~fBit }
        }
      }
      // Why a cover may leave out a line: a pair's C (a run of whole pieces of line f) has all
      // its content stems among D's (the argument above), and D lies in one line ℓ; so ℓ holds
      // every stem of every piece p of C, i.e. ℓ is in p's cover. When ℓ = f, D lies outside
      // C, hence outside p, so the line's other pieces hold all p's stems. (Two stems that look
      // equal wrongly share a number and only add lines.)
      //
      // The pre-check (a document-level certificate before the per-word second pass): a pair
      // needs a run i...j of consecutive pieces of one line f with at least `min-words` words
      // and a content word, whose covers meet in a line (the line of D). The search below tries
      // exactly such runs (it stops a run as soon as the covers' intersection is empty, and looks
      // only at the lines in it), so when no line has one, it would return no pair: the document
      // is settled here, before the filters, bits and counts of the second pass are made. The
      // work is bounded; past the bound the document goes on to the second pass.
      do {
        var open = false
        var steps = 4 * tokenCount + 10_000
        let mask = scratch
        search: for f in 0..<lines {
          let p0 = Int(linePiece[f])
          let p1 = Int(linePiece[f + 1])
          if Int(lineToken[f + 1] - lineToken[f]) < minWords { continue }
          for i in p0..<p1 where !blocked[i] {
            var n = 0
            var content = false
            for w in 0..<mw { mask[w] = ~0 }
            for j in i..<p1 {
              steps -= mw
              if steps < 0 {
                open = true
                break search
              }
              if !DocScan.intersect(mask, cover + j * mw, mw) { break }
              n += Int(pieceWords[j])
              if contentStart[j + 1] > contentStart[j] { content = true }
              if n >= minWords && content {
                open = true
                break search
              }
            }
          }
        }
        if !open { return [] }
      }
      // The passes below test words by their filter bits. A word's bit comes from its shape
      // (first four bytes and length), not its hash: equal words have equal shapes, so a word
      // present sets its bit as before, and a different word of the same shape only sets a bit
      // that looks present wrongly, which these filters allow already (they only keep more
      // pairs). So the words of these documents are not hashed either.
      // The second pass (documents not settled by the set-aside test): per piece, filters of its
      // content words' stems (and per line of the words themselves), each word's filter bit (soft
      // ones too; a window's filters of its exact content words and of all its words are made
      // from these bits when its stems pass, rarely), the smallest and largest stem and the
      // number of different stems.
      pieceStem.update(repeating: 0, count: pieces * fw)
      lineExact.update(repeating: 0, count: lines * fw)
      // The number of different stems of a piece, up to `sketch` (by the stems' exact numbers:
      // a stem is new in piece p when the last piece it was counted for is not p).
      let lastPiece = nd.lastPiece.reserve(nStems)
      lastPiece.update(repeating: -1, count: nStems)
      for k in 0..<tokenCount { allBit[k] = UInt16(truncatingIfNeeded: (DedupText.shape(toks[k]) &* 0x9E37_79B9_7F4A_7C15) >> 54) }
      for f in 0..<lines {
        let le = lineExact + f * fw
        for p in Int(linePiece[f])..<Int(linePiece[f + 1]) {
          var low = UInt64.max
          var high: UInt64 = 0
          var nDistinct = 0
          let ps = pieceStem + p * fw
          for c in Int(contentStart[p])..<Int(contentStart[p + 1]) {
            let stem = stemOf[c]
            let sb = UInt16(truncatingIfNeeded: stem >> 54)
            let eb = UInt16(truncatingIfNeeded: (DedupText.shape(toks[Int(contentTok[c])]) &* 0x9E37_79B9_7F4A_7C15) >> 54)
            ps[Int(sb >> 6)] |= 1 << UInt64(sb & 63)
            le[Int(eb >> 6)] |= 1 << UInt64(eb & 63)
            stemBit[c] = sb
            exactBit[c] = eb
            low = min(low, stem)
            high = max(high, stem)
            let id = Int(stemId[c])
            if lastPiece[id] != Int32(truncatingIfNeeded: p) {
              lastPiece[id] = Int32(truncatingIfNeeded: p)
              nDistinct &+= 1
            }
          }
          stemCount[p] = Int32(min(nDistinct, sketch))
          stemLow[p] = low
          stemHigh[p] = high
        }
      }
      // `window`'s table of each stem as a set of one line's pieces (all 0 between uses).
      let bitPieces = nd.bitPieces.reserve(nStems)
      bitPieces.update(repeating: 0, count: nStems)
      // D is one unit of ℓ: a run of its pieces with at least `min-words` and at most `max-words`
      // words, and at most |C| / `min-coverage` (the aligned words are at most |C| and at least
      // min-coverage × |D|). Extending a run of pieces only adds words, so for each first piece
      // of ℓ the longest run within that bound is the one to test; when ℓ is C's own line, D lies
      // before or after C.
      //
      // And `similarity` needs the alignment (a common subsequence of all words, soft ones too)
      // to cover min-containment × the shorter copy (≥ `min-words` words) and min-coverage × the
      // longer (≥ |C|): C's words found in D, counted over C's occurrences, are at least that.
      let winStem = scratch
      let winExact = scratch + fw
      let winAll = scratch + 2 * fw
      let alignedFloor = max(minContainment * Double(minWords), 0)
      // Work is bounded (a few operations per word of the document); past the bound the
      // document takes the exact path (which gives the same output: the bound only moves work).
      // 4 per word (16 before session 9): on news-20MB and frag-20MB the same documents run out
      // with 2, 4, 8 or 16 per word (21 and 16 long interviews whose lines share most content
      // words; given all the work they need, they have more than `maxPairs` pairs anyway), and
      // at 16 each spent ~2.5 M instructions more on the search before running out.
      var budget = 4 * tokenCount + 50_000
      func window(_ f: Int, _ first: Int, _ last: Int, _ l: Int, words n: Int, need: Int) -> Bool {
        let aligned = max(alignedFloor, minCoverage * Double(n))
        let k0 = Int(pieceToken[first])
        let k1 = k0 + n
        let cap = minCoverage > 0 ? min(maxWords, Int((Double(n) / minCoverage).rounded(.down))) : maxWords
        let q0 = Int(linePiece[l])
        let q1 = Int(linePiece[l + 1])
        let c0 = Int(contentStart[first])
        let c1 = Int(contentStart[last + 1])
        // For a line of at most 64 pieces, each stem of C as the set of ℓ's pieces that hold it
        // (C's own pieces left out), so a window holds all C's stems when it meets every set.
        // The sets of all content words of line f in line ℓ are made once per (f, ℓ) and kept
        // while f is the line being searched.
        let useMasks = q1 - q0 <= 64
        if useMasks {
          let cf0 = Int(contentStart[Int(linePiece[f])])
          let cf1 = Int(contentStart[Int(linePiece[f + 1])])
          if memoMark[l] != memoGeneration {
            if memoCount + (cf1 - cf0) > memoCapacity {
              memoGeneration += 1
              memoCount = 0
            }
            if memoCount + (cf1 - cf0) <= memoCapacity {
              // Each stem of ℓ as the set of ℓ's pieces holding it (a set per stem, cleared again
              // after use).
              for q in q0..<q1 {
                for c in Int(contentStart[q])..<Int(contentStart[q + 1]) { bitPieces[Int(stemId[c])] |= 1 << UInt64(q - q0) }
              }
              for c in cf0..<cf1 { memo[memoCount + c - cf0] = bitPieces[Int(stemId[c])] }
              for c in Int(contentStart[q0])..<Int(contentStart[q1]) { bitPieces[Int(stemId[c])] = 0 }
              budget -= 2 * Int(contentStart[q1] - contentStart[q0]) + (cf1 - cf0) + 4
              memoMark[l] = memoGeneration
              memoStart[l] = Int32(memoCount)
              memoCount += cf1 - cf0
            }
          }
          var own: UInt64 = 0
          if l == f { for q in first...last { own |= 1 << UInt64(q - q0) } }
          if memoMark[l] == memoGeneration {
            let base = Int(memoStart[l]) - cf0
            for c in c0..<c1 {
              let m = memo[base + c] & ~own
              if m == 0 { return false }
              stemMask[c - c0] = m
            }
            budget -= c1 - c0
          } else {
            for c in c0..<c1 {
              let bit = stemBit[c]
              let wi = Int(bit >> 6)
              let bm: UInt64 = 1 << UInt64(bit & 63)
              var m: UInt64 = 0
              for q in q0..<q1 where pieceStem[q * fw + wi] & bm != 0 { m |= 1 << UInt64(q - q0) }
              m &= ~own
              if m == 0 { return false }
              stemMask[c - c0] = m
            }
            budget -= (c1 - c0) * (q1 - q0) / 4 + 4
          }
        }
        // The window of each first piece a is the longest run from a within the bounds (two
        // pointers: its end b never moves back as a grows, within one side of C). A window whose
        // end equals the previous window's end is a subset of it, and every test below (words,
        // stems, hits, aligned words) can only fail on a subset of a window where it failed, so
        // it is skipped.
        func side(_ lo: Int, _ hi: Int) -> Bool {
          var b = lo
          var m = 0
          var prevEnd = -1
          for a in lo..<hi {
            if b <= a {
              b = a
              m = 0
            } else {
              m -= Int(pieceWords[a - 1])
            }
            while b < hi && m + Int(pieceWords[b]) <= cap {
              m += Int(pieceWords[b])
              b += 1
            }
            budget -= 2
            if b == prevEnd { continue }
            prevEnd = b
            if m < minWords { continue }
            // Stems first (the test that fails most), then the exact words, then all words.
            if useMasks {
              let width = b - a
              let win: UInt64 = (width >= 64 ? ~0 : (1 << UInt64(width)) &- 1) << UInt64(a - q0)
              budget -= c1 - c0
              var ok = true
              for c in 0..<(c1 - c0) where stemMask[c] & win == 0 {
                ok = false
                break
              }
              if !ok { continue }
            } else {
              for w in 0..<fw { winStem[w] = 0 }
              budget -= 2 * (b - a) + 4
              for q in a..<b {
                for w in 0..<fw { winStem[w] |= pieceStem[q * fw + w] }
              }
              var ok = true
              for c in c0..<c1 where !has(winStem, stemBit[c]) {
                ok = false
                break
              }
              if !ok { continue }
            }
            for w in 0..<fw {
              winExact[w] = 0
              winAll[w] = 0
            }
            let t0 = Int(pieceToken[a])
            let t1 = b < q1 ? Int(pieceToken[b]) : Int(lineToken[l + 1])
            budget -= 2 * (t1 - t0) + 8
            for c in Int(contentStart[a])..<Int(contentStart[b]) {
              let e = exactBit[c]
              winExact[Int(e >> 6)] |= 1 << UInt64(e & 63)
            }
            for k in t0..<t1 {
              let e = allBit[k]
              winAll[Int(e >> 6)] |= 1 << UInt64(e & 63)
            }
            var hits = 0
            for c in c0..<c1 where has(winExact, exactBit[c]) { hits += 1 }
            if hits < need { continue }
            var found = 0
            for k in k0..<k1 where has(winAll, allBit[k]) { found += 1 }
            if Double(found) >= aligned { return true }
          }
          return false
        }
        // D lies before or after C in C's own line.
        if l == f { return side(q0, first) || side(last + 1, q1) }
        return side(q0, q1)
      }
      // Every run of consecutive pieces of a line, with the lines covering all of it.
      let mask = scratch + 4 * fw
      var pairs: [(Int, Int)] = []
      var pairSet = Set<Int>()
      for f in 0..<lines {
        let p0 = Int(linePiece[f])
        let p1 = Int(linePiece[f + 1])
        if Int(lineToken[f + 1] - lineToken[f]) < minWords { continue }
        memoGeneration += 1
        memoCount = 0
        for i in p0..<p1 where !blocked[i] {
          var n = 0
          var content = false
          var low = UInt64.max
          var high: UInt64 = 0
          var stems = 0
          for w in 0..<mw { mask[w] = ~0 }
          for j in i..<p1 {
            if budget < 0 { return nil }
            budget -= mw
            if !DocScan.intersect(mask, cover + j * mw, mw) { break }
            n += Int(pieceWords[j])
            if contentStart[j + 1] > contentStart[j] {
              content = true
              low = min(low, stemLow[j])
              high = max(high, stemHigh[j])
              stems = max(stems, Int(stemCount[j]))
            }
            if n < minWords || !content { continue }
            let need = max(low != high ? 2 : 1, min(sketch, stems) - RemoveNearDuplicates.maxMissing)
            let c0 = Int(contentStart[i])
            let c1 = Int(contentStart[j + 1])
            for w in 0..<mw {
              var bits = mask[w]
              while bits != 0 {
                let l = w * 64 + bits.trailingZeroBitCount
                bits &= bits &- 1
                if l >= lines { break }
                if l != f {
                  var hits = 0
                  for c in c0..<c1 where has(lineExact + l * fw, exactBit[c]) { hits += 1 }
                  if hits < need { continue }
                }
                budget -= c1 - c0
                if pairSet.contains(f * lines + l) { continue }
                if window(f, i, j, l, words: n, need: need) {
                  pairSet.insert(f * lines + l)
                  pairs.append((f, l))
                  if pairs.count > maxPairs { return nil }
                }
              }
            }
          }
        }
      }
      return pairs
    }
  }

  /// A token's shape: its first four normalised bytes and its normalised length, both functions
  /// of the normalised word (as its hash is), so equal words have equal shapes. For a word of at
  /// most 4 bytes the shape is the word itself. Known without hashing the word.
  @inline(__always)
  static func shape(_ t: Token) -> UInt64 {
    UInt64(t.prefix) | UInt64(UInt32(bitPattern: t.length)) &<< 32
  }

  /// A fixed set of word hashes read through a pointer (the soft words, looked up for every
  /// word of a document): open addressing, 0 marks an empty slot (a hash of 0 is kept apart).
  final class WordSet: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt64>
    let mask: Int
    let hasZero: Bool
    /// The words' shapes (`shape` × 0x9E37_79B9_7F4A_7C15, so that slots spread), when the set
    /// was made from the words (`init(words:)`): `DocScan.nearDuplicateLines` then hashes only
    /// the words with a soft word's shape.
    let shapes: WordSet?

    /// The words (each a single token for `tokenize`; others are left out, as `wordSet` does)
    /// by hash, with their shapes.
    convenience init(words: [String]) {
      var hashes = Set<UInt64>()
      var shapes = Set<UInt64>()
      for w in words {
        var toks: [Token] = []
        var s = w
        s.withUTF8 { DedupText.tokenize($0, 0..<$0.count, into: &toks) }
        if toks.count != 1 { continue }
        hashes.insert(toks[0].hash)
        shapes.insert(DedupText.shape(toks[0]) &* 0x9E37_79B9_7F4A_7C15)
      }
      self.init(hashes, shapes: WordSet(shapes))
    }

    init(_ words: Set<UInt64>, shapes: WordSet? = nil) {
      self.shapes = shapes
      var size = 64
      while size < 4 * words.count { size <<= 1 }
      keys = .allocate(capacity: size)
      keys.initialize(repeating: 0, count: size)
      mask = size - 1
      hasZero = words.contains(0)
      for w in words where w != 0 {
        var i = Int(truncatingIfNeeded: w >> 32) & mask
        while keys[i] != 0 { i = (i + 1) & mask }
        keys[i] = w
      }
    }

    deinit { keys.deallocate() }

    @inline(__always)
    func contains(_ h: UInt64) -> Bool {
      if h == 0 { return hasZero }
      var i = Int(truncatingIfNeeded: h >> 32) & mask
      while true {
        let k = keys[i]
        if k == h { return true }
        if k == 0 { return false }
        i = (i + 1) & mask
      }
    }
  }

  /// The tokens of words with non-ASCII letters, by their bytes: normalising one (lower-casing
  /// and NFKC through ICU) costs far more than a look-up, and such words recur (names).
  final class NonASCIIWords {
    // Used by one thread at a time (the scan's and the units cache's, one per segmenter) and
    // never while another access to the same property is open: no dynamic exclusivity checks
    // (they were a quarter of this look-up's cost).
    @exclusivity(unchecked) var table = HashTable64(capacity: 1024)
    @exclusivity(unchecked) var tokens: [Token] = []
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var start: [Int32] = []

    func token(_ buf: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Token {
      let raw = UnsafeBufferPointer(rebasing: buf[r])
      let h = DedupText.lineHash(raw)
      if let e = table[h] {
        let k = Int(e)
        let s0 = Int(start[k])
        let s1 = k + 1 < start.count ? Int(start[k + 1]) : bytes.count
        if s1 - s0 == raw.count
          && (raw.isEmpty || bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + s0, raw.baseAddress!, raw.count) == 0 })
        {
          return tokens[k]
        }
        return DedupText.nonASCIIToken(DedupText.normalizedBytes(buf, r))
      }
      if tokens.count >= 50_000 {
        table = HashTable64(capacity: 1024)
        tokens.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        start.removeAll(keepingCapacity: true)
      }
      let t = DedupText.nonASCIIToken(DedupText.normalizedBytes(buf, r))
      table[h] = Int32(tokens.count)
      tokens.append(t)
      start.append(Int32(bytes.count))
      bytes.append(contentsOf: raw)
      return t
    }
  }

  /// The Sentence_Break class of a scalar the tokenizer reads as a letter, as `DocScan`'s
  /// argument needs it: 1 when it can end, close or space a sentence or separate paragraphs
  /// (ATerm, STerm, Close, Sp, Sep, CR, LF), 2 when it extends the previous character (Extend,
  /// Format), 0 otherwise. ICU's property, tabulated once for the BMP.
  @inline(__always)
  static func breakerClass(_ v: UInt32) -> UInt8 {
    scalarClass(v, scalarClassTable) >> 2
  }

  /// A scalar's `nonASCIIKind` (bits 0-1) and, for a letter (kind 0), its `breakerClass` (bits
  /// 2-3): one load from `scalarClassTable` for the BMP (the scan's non-ASCII step reads both
  /// for every non-ASCII character; the table is read through a pointer taken once per line, so
  /// neither the lazy global's check nor `nonASCIIKind`'s switch is paid per character).
  @inline(__always)
  static func scalarClass(_ v: UInt32, _ table: UnsafePointer<UInt8>) -> UInt8 {
    if v < 0x10000 { return table[Int(v)] }
    return scalarClassSlow(v)
  }

  static func scalarClassSlow(_ v: UInt32) -> UInt8 {
    let kind = nonASCIIKind(v)
    return kind != 0 ? kind : classify(sentenceBreakProperty(v)) << 2
  }

  /// `scalarClassSlow` for every BMP scalar (0 below 0x80, which the scan never asks about).
  static let scalarClassTable: UnsafePointer<UInt8> = {
    let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
    t.initialize(repeating: 0, count: 0x10000)
    for v in 0x80..<0x10000 { t[v] = scalarClassSlow(UInt32(v)) }
    return UnsafePointer(t)
  }()

  static func classify(_ c: UInt8) -> UInt8 {
    switch c {
    case SentenceRules.aTerm, SentenceRules.sTerm, SentenceRules.close, SentenceRules.sp, SentenceRules.sep,
      SentenceRules.cr, SentenceRules.lf:
      return 1
    case SentenceRules.extend, SentenceRules.format: return 2
    default: return 0
    }
  }

  /// `isASCIIAlnum` lower-cased, 0 for every other byte.
  static let lowerAlnum: [UInt8] = (0..<256).map { b -> UInt8 in
    let c = UInt8(b)
    if c >= 0x30 && c <= 0x39 { return c }
    if c >= 0x61 && c <= 0x7A { return c }
    if c >= 0x41 && c <= 0x5A { return c | 0x20 }
    return 0
  }

  /// Tokenise a whole line (the same tokens as `tokenize`) and mark its pieces (the index in
  /// `tokens` of each piece's first token, see `DocScan`). Returns whether the line is irregular.
  static func scanLine(_ buf: UnsafeBufferPointer<UInt8>, tokens out: inout [Token], pieces: inout [Int32]) -> Bool {
    let room = (buf.count + 1) / 2 + 1
    let store = UnsafeMutablePointer<Token>.allocate(capacity: room)
    let ps = UnsafeMutablePointer<Int32>.allocate(capacity: room)
    let starts = UnsafeMutablePointer<Int32>.allocate(capacity: room)
    let ends = UnsafeMutablePointer<Int32>.allocate(capacity: room)
    defer {
      store.deallocate()
      ps.deallocate()
      starts.deallocate()
      ends.deallocate()
    }
    let masks = UnsafeMutablePointer<UInt64>.allocate(capacity: 6 * (buf.count / 64 + 1))
    defer { masks.deallocate() }
    let r = scanWords(buf, out: store, starts: starts, ends: ends, first: out.count, pieces: ps, words: nil, masks: masks)
    if let p = buf.baseAddress {
      for k in 0..<r.words where ends[k] >= 0 { store[k].hash = lazyHash(p, Int(starts[k]), Int(ends[k]), lowerAlnumTable) }
    }
    out += UnsafeBufferPointer(start: store, count: r.words)
    pieces += UnsafeBufferPointer(start: ps, count: r.pieces)
    return r.irregular
  }

  /// An ASCII "trigger" byte between words (`.` `!` `?` or a control byte): the next word
  /// starts a piece (see "Why every real unit is a run of whole pieces" above).
  @inline(__always)
  static func isASCIITrigger(_ b: UInt8) -> Bool { b == 0x2E || b == 0x21 || b == 0x3F || b < 0x20 }

  /// `lowerAlnum` as a pointer (no bounds check, no lazy-global check in the loop).
  static let lowerAlnumTable: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 { p[b] = lowerAlnum[b] }
    return UnsafePointer(p)
  }()

  /// The ASCII letters and digits of a word from `i` (its first four lower-cased bytes in
  /// `prefix`), up to the first other byte. Shared by both word loops; inlined, so their state
  /// stays in registers. The word is not hashed here: its hash is made from its bytes when a
  /// stage needs it (`lazyHash`).
  @inline(__always)
  static func wordRun(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ low: UnsafePointer<UInt8>, _ i: inout Int,
    _ prefix: inout UInt32, _ len: inout Int32, _ digits: inout Bool
  ) {
    // Wrapping arithmetic (a line is far shorter than 2³¹ bytes, and len ≥ 0 counts its bytes).
    while i < n && len < 4 {
      let c = low[Int(p[i])]
      if c == 0 { return }
      prefix |= UInt32(c) &<< (8 &* UInt32(truncatingIfNeeded: len))
      len &+= 1
      if c <= 0x39 { digits = true }
      i &+= 1
    }
    let i0 = i
    alnumRun(p, n, low, &i, &digits)
    len &+= Int32(truncatingIfNeeded: i &- i0)
  }

  /// The ASCII letters and digits from `i`, up to the first other byte (`digits` set when one
  /// is a digit), 8 bytes at a time. Per byte of a little-endian word, with v = the byte's low
  /// 7 bits and x = v | 0x20 (lower case): x + 0x1F has bit 7 set exactly when x ≥ 0x61,
  /// x + 0x05 when x ≥ 0x7B, v + 0x50 when v ≥ 0x30, v + 0x46 when v ≥ 0x3A (no sum exceeds
  /// 0xFF, so no carry crosses bytes); a letter is 0x61 ≤ x ≤ 0x7A (v is then 0x41–0x5A or
  /// 0x61–0x7A), a digit 0x30 ≤ v ≤ 0x39, and a byte ≥ 0x80 is neither. The same bytes as
  /// `lowerAlnum` ≠ 0 (`scanLineGivesTheTokenizersWords`).
  @inline(__always)
  static func alnumRun(_ p: UnsafePointer<UInt8>, _ n: Int, _ low: UnsafePointer<UInt8>, _ i: inout Int, _ digits: inout Bool) {
    let high: UInt64 = 0x8080_8080_8080_8080
    var j = i
    var dig: UInt64 = 0
    while j &+ 8 <= n {
      let w = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self).littleEndian
      let v = w & 0x7F7F_7F7F_7F7F_7F7F
      let x = v | 0x2020_2020_2020_2020
      let letter = (x &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(x &+ 0x0505_0505_0505_0505)
      let digit = (v &+ 0x5050_5050_5050_5050) & ~(v &+ 0x4646_4646_4646_4646)
      let stop = (~(letter | digit) | w) & high
      if stop == 0 {
        dig |= digit
        j &+= 8
        continue
      }
      let k = stop.trailingZeroBitCount
      dig |= digit & ((UInt64(1) &<< UInt64(k & ~7)) &- 1)
      j &+= k &>> 3
      if dig & high != 0 { digits = true }
      i = j
      return
    }
    if dig & high != 0 { digits = true }
    while j < n {
      let c = low[Int(p[j])]
      if c == 0 { break }
      if c <= 0x39 { digits = true }
      j &+= 1
    }
    i = j
  }

  /// A word's first run of ASCII letters and digits from `i`, without the prefix (`runPrefix`
  /// reads it from the bytes afterwards): `wordRun` from a fresh word.
  @inline(__always)
  static func firstRun(_ p: UnsafePointer<UInt8>, _ n: Int, _ low: UnsafePointer<UInt8>, _ i: inout Int, _ digits: inout Bool) {
    alnumRun(p, n, low, &i, &digits)
  }

  /// The hash `tokenize` gives the ASCII word (no non-ASCII letter) whose bytes are s..<e: FNV-1a
  /// of its letters and digits lower-cased, then `mix`. Its other bytes (an apostrophe, a `.`
  /// `,` `:` joining it, a curly apostrophe's bytes) are exactly the ones `tokenize` leaves out,
  /// and they are the bytes for which `lowerAlnum` is 0.
  @inline(__always)
  static func lazyHash(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ low: UnsafePointer<UInt8>) -> UInt64 {
    var h = fnvOffset
    var q = p + s
    let end = p + e
    while q < end {
      let c = low[Int(q.pointee)]
      if c != 0 { h = (h ^ UInt64(c)) &* fnvPrime }
      q += 1
    }
    return mix(h)
  }

  /// The prefix `wordRun` builds for a word's first run of `len` ASCII letters and digits from
  /// `ws`: its first (up to) four bytes lower-cased, the first in the lowest byte. Lower-casing
  /// such a byte is setting bit 0x20 (a digit, 0x30–0x39, has it already).
  @inline(__always)
  static func runPrefix(_ p: UnsafePointer<UInt8>, _ n: Int, _ ws: Int, _ len: Int32) -> UInt32 {
    if len <= 0 { return 0 }
    if ws &+ 4 <= n {
      let w = UnsafeRawPointer(p + ws).loadUnaligned(as: UInt32.self).littleEndian | 0x2020_2020
      return len >= 4 ? w : w & ((1 &<< (8 &* UInt32(truncatingIfNeeded: len))) &- 1)
    }
    var x: UInt32 = 0
    for k in 0..<min(Int(len), 4) { x |= UInt32(p[ws + k] | 0x20) &<< (8 &* UInt32(k)) }
    return x
  }

  /// The ASCII byte at `i` (after a word's run) joins the word to what follows, as `tokenize`
  /// reads it: an apostrophe before a letter or digit, a `,` `.` `:` between digits, a `.`
  /// inside an acronym (which makes the line irregular when a sentence break is possible after
  /// it: before a capital with no letter before the dot, as SB7 needs Upper|Lower before ATerm).
  @inline(__always)
  static func asciiJoins(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int, len: Int32, digits: Bool, irregular: inout Bool) -> Bool {
    let c = p[i]
    if (c == 0x27 || c == 0x60) && len > 0 && i + 1 < n && isASCIIAlnum(p[i + 1]) { return true }
    if (c == 0x2C || c == 0x2E || c == 0x3A) && digits && i + 1 < n && p[i + 1] >= 0x30 && p[i + 1] <= 0x39
      && p[i - 1] >= 0x30 && p[i - 1] <= 0x39
    {
      return true
    }
    if c == 0x2E && len > 0 && i + 1 < n && isASCIIAlnum(p[i + 1]) && (i < 2 || !isASCIIAlnum(p[i - 2])) {
      let next = p[i + 1]
      let prev = p[i - 1]
      if next >= 0x41 && next <= 0x5A && !((prev | 0x20) >= 0x61 && (prev | 0x20) <= 0x7A) { irregular = true }
      return true
    }
    return false
  }

  /// `scanWordsReference` for a line without non-ASCII bytes: the same steps, less the cases of
  /// non-ASCII characters (separators, apostrophes, letters, sentence-breaking letters).
  static func scanASCIIWordsReference(
    _ p: UnsafePointer<UInt8>, _ n: Int, out: UnsafeMutablePointer<Token>, starts: UnsafeMutablePointer<Int32>,
    ends: UnsafeMutablePointer<Int32>, first: Int, pieces: UnsafeMutablePointer<Int32>
  ) -> (words: Int, pieces: Int, irregular: Bool) {
    let low = lowerAlnumTable
    var count = 0
    var np = 0
    var i = 0
    var pending = true
    var irregular = false
    while i < n {
      let b = p[i]
      if low[Int(b)] == 0 {
        if isASCIITrigger(b) { pending = true }
        i += 1
        continue
      }
      if pending {
        pieces[np] = Int32(first + count)
        np += 1
        pending = false
      }
      starts[count] = Int32(truncatingIfNeeded: i)
      let ws = i
      var digits = false
      firstRun(p, n, low, &i, &digits)
      var len = Int32(truncatingIfNeeded: i &- ws)
      var prefix = runPrefix(p, n, ws, len)
      while i < n && asciiJoins(p, n, i, len: len, digits: digits, irregular: &irregular) {
        i &+= 1
        wordRun(p, n, low, &i, &prefix, &len, &digits)
      }
      // The hash is made later, from the bytes ws..<i, for the words a stage needs (`lazyHash`).
      out[count] = Token(hash: 0, prefix: prefix, length: len, isNumber: digits)
      ends[count] = Int32(truncatingIfNeeded: i)
      count += 1
    }
    return (count, np, irregular)
  }

  /// `scanLine` writing the words to `out` and the pieces (as token indexes from `first`) to
  /// `pieces`, each with room for (n + 1) / 2 entries. Every piece starts a word, so a line has
  /// at most as many pieces as words. All state is local (no captured variables), so the loop
  /// keeps it in registers.
  /// An ASCII word's token is written without its hash (0), and its end to `ends` (its hash is
  /// `lazyHash(p, starts[k], ends[k])`); a word with non-ASCII letters gets its hash (normalised
  /// through ICU) and -1 in `ends`.
  /// This is the byte-at-a-time definition that `scanWords` (from the line's byte masks) must
  /// reproduce exactly: kept for the tests (`DedupScanSIMDS11Tests`).
  static func scanWordsReference(
    _ buf: UnsafeBufferPointer<UInt8>, out: UnsafeMutablePointer<Token>, starts: UnsafeMutablePointer<Int32>,
    ends: UnsafeMutablePointer<Int32>, first: Int, pieces: UnsafeMutablePointer<Int32>, words: NonASCIIWords?
  ) -> (words: Int, pieces: Int, irregular: Bool) {
    let n = buf.count
    guard n > 0, let p = buf.baseAddress else { return (0, 0, false) }
    // Most lines are plain ASCII (8 bytes at a time to find out): they take a loop
    // without the non-ASCII cases, which never arise in them.
    if ValidatedUTF8.allASCII(buf) {
      return scanASCIIWordsReference(p, n, out: out, starts: starts, ends: ends, first: first, pieces: pieces)
    }
    // The byte loop over the whole line (`scalarRange`, which `scanWords` also runs on the
    // stretches around non-ASCII characters).
    var count = 0
    var np = 0
    var pending = true
    var irregular = false
    scalarRange(
      buf, 0, n, pending: &pending, count: &count, np: &np, irregular: &irregular, out: out, starts: starts,
      ends: ends, first: first, pieces: pieces, words: words)
    return (count, np, irregular)
  }
}

extension DedupText {
  /// The buffers of `DocScan`'s candidate searches, kept from one document to the next.
  final class ScanScratch {
    let startFP = Grow<UInt64>()
    let endFP = Grow<UInt64>()
    let lineEndFP = Grow<UInt64>()
    let all = Grow<UInt64>()
    let table = StampTable()
    let near = NearScratch()
  }

  /// The buffers of `DocScan.nearDuplicateLines`.
  final class NearScratch {
    let pieceStem = Grow<UInt64>()
    let allBit = Grow<UInt16>()
    let lineExact = Grow<UInt64>()
    let linesWith = Grow<UInt64>()
    let cover = Grow<UInt64>()
    let pieceWords = Grow<Int32>()
    let contentStart = Grow<Int32>()
    let stemLow = Grow<UInt64>()
    let stemHigh = Grow<UInt64>()
    let stemCount = Grow<Int32>()
    let stemBit = Grow<UInt16>()
    let exactBit = Grow<UInt16>()
    let small = Grow<UInt64>()
    let stemMask = Grow<UInt64>()
    let memo = Grow<UInt64>()
    let memoMark = Grow<Int32>()
    let memoStart = Grow<Int32>()
    let bitPieces = Grow<UInt64>()
    let lastPiece = Grow<Int32>()
    let stemOf = Grow<UInt64>()
    let contentTok = Grow<Int32>()
    let blocked = Grow<Bool>()
    let stemLine = Grow<Int32>()
    let stemFirst = Grow<Int32>()
    let stemTwice = Grow<Bool>()
    let stemId = Grow<Int32>()
    let stemPiece = Grow<Int32>()
    let stemShared = Grow<Bool>()
    /// `DocScan.quickSetAside`'s counters, the piece number they count from, and how many of
    /// them are zeroed (they are cleared only when the table grows or the numbers run out).
    let quick = Grow<UInt32>()
    var quickBase: UInt32 = 0
    var quickZeroed = 0
  }

  /// A hash map from 64-bit hashes (already well mixed) to Int32, reused from one document to
  /// the next without clearing: a slot is in use only when its stamp is the current generation.
  final class StampTable {
    private let keys = Grow<UInt64>()
    private let values = Grow<Int32>()
    private let stamps = Grow<UInt32>()
    private var slots = 0
    private var generation: UInt32 = 0

    /// An empty map for up to n keys (the previous one's entries are forgotten).
    func begin(_ n: Int) -> View {
      var size = 16
      while size < 2 * n { size <<= 1 }
      if size > slots {
        slots = size
        keys.reserve(size)
        values.reserve(size)
        stamps.reserve(size).initialize(repeating: 0, count: size)
        generation = 0
      }
      generation &+= 1
      if generation == 0 {
        stamps.p.update(repeating: 0, count: slots)
        generation = 1
      }
      return View(keys: keys.p, values: values.p, stamps: stamps.p, mask: size - 1, generation: generation)
    }

    /// The map in use (it must not outlive the next `begin`); a missing key reads as 0.
    struct View {
      let keys: UnsafeMutablePointer<UInt64>
      let values: UnsafeMutablePointer<Int32>
      let stamps: UnsafeMutablePointer<UInt32>
      let mask: Int
      let generation: UInt32

      @inline(__always)
      func slot(_ key: UInt64) -> (Int, Bool) {
        // The high bits: a prefix stem is one multiply, whose low bits depend only on the
        // prefix's low bits (its first letter), so they would crowd a few slots. The slot does
        // not change what the map holds. (The top bits, tried in session 9, cost 12 M more
        // instructions on news-20MB, here and in `WordSet`; not examined further.)
        var i = Int(truncatingIfNeeded: key >> 32) & mask
        while stamps[i] == generation {
          if keys[i] == key { return (i, true) }
          i = (i + 1) & mask
        }
        return (i, false)
      }

      @inline(__always)
      func value(_ key: UInt64) -> Int32 {
        let (i, found) = slot(key)
        return found ? values[i] : 0
      }

      @inline(__always)
      func set(_ key: UInt64, _ v: Int32) {
        let (i, found) = slot(key)
        if !found {
          stamps[i] = generation
          keys[i] = key
        }
        values[i] = v
      }

      /// The key's value, or 0 after inserting it with value v.
      @inline(__always)
      func insertIfMissing(_ key: UInt64, _ v: Int32) -> Int32 {
        let (i, found) = slot(key)
        if found { return values[i] }
        stamps[i] = generation
        keys[i] = key
        values[i] = v
        return 0
      }

      /// Count a key (up to 2: "seen twice" is all the callers ask).
      @inline(__always)
      func increment(_ key: UInt64) {
        let (i, found) = slot(key)
        if found {
          values[i] = min(2, values[i] + 1)
        } else {
          stamps[i] = generation
          keys[i] = key
          values[i] = 1
        }
      }
    }
  }

  /// A buffer kept from one document to the next: grown (its contents dropped) when too small,
  /// read and written through its pointer. For plain values only (no references).
  final class Grow<T> {
    private(set) var p: UnsafeMutablePointer<T>
    private(set) var capacity = 0

    init() { p = .allocate(capacity: 1) }
    deinit { p.deallocate() }

    /// Room for n values (previous contents are not kept when it grows).
    @discardableResult
    func reserve(_ n: Int) -> UnsafeMutablePointer<T> {
      if n > capacity {
        p.deallocate()
        capacity = max(n, 2 * capacity)
        p = .allocate(capacity: capacity)
      }
      return p
    }

    subscript(i: Int) -> T { p[i] }
  }
}

extension DedupText {
  /// ICU's Sentence_Break property of a scalar (for the tests that check the argument above).
  static func sentenceBreakProperty(_ v: UInt32) -> UInt8 {
    UInt8(truncatingIfNeeded: mend_sentence_break_property(v))
  }
}

