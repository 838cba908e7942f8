extension DedupText {
  /// The lines that may hold a unit repeated elsewhere in the document, found without the
  /// sentence segmenter. A unit of at least `minWords` words starts at the line's start or after a
  /// gap holding sentence punctuation (`.`, `!`, `?`, a control byte, or non-ASCII punctuation or
  /// space: ICU breaks sentences only there), so two equal units have equal fingerprints of their
  /// first `minWords` words at such places. A line whose fingerprints all occur once in the
  /// document cannot hold a repeat (nor be the first copy of one), and skips the segmenter and
  /// the full tokenisation.
  static func linesWithRepeatCandidates(_ document: Document, minWords: Int, segmenter: SentenceSegmenter? = nil)
    -> [Bool]
  {
    let count = document.fragments.count
    // A line's fingerprints depend only on its text: with a segmenter they are kept in its
    // per-thread cache, so a line seen before costs a hash and a compare.
    let cache = segmenter.map { UnitsCache.of($0) }
    cache?.trim()
    var fps: [UInt64] = []
    var lineEnd = [Int](repeating: 0, count: count)
    for (fi, fragment) in document.fragments.enumerated() {
      var text = fragment.text
      text.withUTF8 { buf in
        if let cache {
          let r = cache.fingerprints(for: buf, text: fragment.text, minWords: minWords)
          if !r.isEmpty { cache.fingerprintStore.withUnsafeBufferPointer { fps.append(contentsOf: $0[r]) } }
        } else {
          lineFingerprints(buf, minWords: minWords, into: &fps)
        }
      }
      lineEnd[fi] = fps.count
    }
    var table = HashTable64(capacity: fps.count + 1)
    for h in fps {
      if let c = table[h] {
        if c < 2 { table[h] = 2 }
      } else {
        table[h] = 1
      }
    }
    var out = [Bool](repeating: false, count: count)
    var k = 0
    for fi in 0..<count {
      while k < lineEnd[fi] {
        if table[fps[k]] == 2 { out[fi] = true }
        k += 1
      }
      k = lineEnd[fi]
    }
    return out
  }

  /// The fingerprints of one line: at the line's start and after each place a sentence can
  /// start, a hash of the next `minWords` words (none when fewer follow).
  static func lineFingerprints(_ buf: UnsafeBufferPointer<UInt8>, minWords: Int, into fps: inout [UInt64]) {
    var toks: [Token] = []
    let n = buf.count
    // After a candidate place: the fingerprint of the next `minWords` words.
    func add(_ from: Int) {
      toks.removeAll(keepingCapacity: true)
      tokenizePrefix(buf, from..<n, words: minWords, into: &toks)
      if toks.count < minWords { return }
      var h: UInt64 = 0x51_7CC1_B727_220A
      for t in toks { h = mix(h ^ t.hash) }
      fps.append(h)
    }
    if n == 0 { return }
    // The start of the next word at or after `from` (the tokenizer's word starts).
    func wordStart(_ from: Int) -> Int {
      var j = from
      while j < n {
        let c = buf[j]
        if c < 0x80 {
          if isASCIIAlnum(c) { return j }
          j += 1
        } else if c >= 0xC0 {
          let (v, len) = scalar(buf, j, n)
          if nonASCIIKind(v) == 0 { return j }
          j += len
        } else {
          j += 1
        }
      }
      return n
    }
    var last = wordStart(0)
    add(last)
    var i = 0
    while i < n {
      let b = buf[i]
      if b < 0x80 {
        i += 1
        if !DedupText.isASCIITrigger(b) { continue }
      } else if b >= 0xC0 {
        let (v, len) = scalar(buf, i, n)
        i += len
        if !(nonASCIIKind(v) != 0 || v == 0x85 || v == 0x2028 || v == 0x2029) { continue }
      } else {
        i += 1
        continue
      }
      let j = wordStart(i)
      if j < n && j != last {
        last = j
        add(j)
      }
    }
  }

  /// The first `words` tokens of `buf[range]` (the tokenizer's words, so equal texts give equal
  /// tokens).
  static func tokenizePrefix(
    _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, words: Int, into out: inout [Token]
  ) {
    // Tokenise growing windows: words are short, so a window of 16 bytes per word nearly always
    // suffices; the window ends at a space so no word is cut.
    var end = min(range.upperBound, range.lowerBound + 16 * words)
    while true {
      while end < range.upperBound && buf[end] != 0x20 { end += 1 }
      out.removeAll(keepingCapacity: true)
      tokenize(buf, range.lowerBound..<end, into: &out)
      if out.count >= words || end >= range.upperBound {
        if out.count > words { out.removeLast(out.count - words) }
        return
      }
      end = min(range.upperBound, end + 16 * words)
    }
  }
}
