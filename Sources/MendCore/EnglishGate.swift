/// Whether text is English, for `repair-apostrophes` (option `english-only`): its repairs are
/// English (`las` → `la's`, `im` → `I'm`, `itd` → `it'd` are Spanish, Croatian and Slovene words
/// ruined), and scraped corpora hold documents and quoted paragraphs in other languages.
///
/// The measure is the share of a text's Latin-script words that are English function words
/// (`the`, `and`, `of`, `which`, ...: the list leaves out words that other languages written in
/// Latin letters use too, such as `a`, `i`, `in`, `to`, `is`, `was`, `on`, `me`, `so`, `do`, `die`).
/// Words in other scripts are not counted (an English–Hindi interview is English where it is
/// Latin). Measured (`scripts/english-share.py`) on the fit split of the Wikinews corpus, every
/// paragraph with its apostrophes stripped, and on the 420 test pages of the chardet encoding
/// detector (real pages and texts in 20 languages): English documents ≥ 0.125 (136 words or
/// more), English paragraphs of 25 words or more ≥ 0.067; the 56 documents in other languages
/// written in Latin letters ≤ 0.016 (but one test page of English markup, 0.074). `min-english`
/// is 0.04, between them. A line is English as soon as two of its first 25 words are function
/// words (in English text, within the first few words: the test costs little), and not English
/// when its first 25 have none; any other line is judged by its paragraph (`aroundWords`), then
/// by its whole document (session 18: before, by the document's first 300 words, which an
/// English licence header over a translation could fill).
struct EnglishGate: Sendable {
  static let defaultWords = [
    "the", "and", "of", "that", "for", "with", "this", "are", "have", "from", "had", "not", "but", "they", "he",
    "she", "his", "her", "we", "you", "been", "has", "were", "which", "will", "would", "there", "their", "it", "be",
    "by", "or", "an", "as", "what", "when", "who", "about", "said", "more", "one", "all", "can", "also", "its",
    "your", "our", "them", "if", "just", "how", "out", "up", "very", "did", "because", "than", "then", "into",
    "only", "other", "some", "could", "should", "these", "those", "why", "where",
  ]

  /// The words, each packed (lower-case ASCII, at most 8 letters), in an open-addressing table
  /// of 256 slots (0: empty) indexed by the packed word's mixed top byte.
  let table: [UInt64]
  let minShare: Double
  /// The Latin-script words a line is judged on (`lineNeed`); a document of fewer is not judged
  /// (it counts as English).
  let minWords: Int

  init(words: [String], minShare: Double, minWords: Int) {
    var t = [UInt64](repeating: 0, count: 256)
    var stored = 0
    // At most 255 words (one slot stays empty, so every look-up ends); more are not looked for.
    for w in Set(words.map { $0.lowercased() }).sorted() where stored < 255 {
      guard let k = Self.pack(Array(w.utf8)) else { continue }
      var i = Self.slot(k)
      while t[i] != 0 && t[i] != k { i = (i + 1) & 255 }
      if t[i] == 0 { stored += 1 }
      t[i] = k
    }
    table = t
    self.minShare = minShare
    self.minWords = max(1, minWords)
  }

  @inline(__always) static func slot(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 56) }

  /// A lower-case ASCII word of 1 to 8 letters as one number (nil otherwise).
  static func pack(_ bytes: [UInt8]) -> UInt64? {
    if bytes.isEmpty || bytes.count > 8 { return nil }
    var k: UInt64 = 0
    for b in bytes {
      guard Bytes.isLower(b) else { return nil }
      k = k << 8 | UInt64(b)
    }
    return k
  }

  /// Counts one token `buf[s..<e]` of the stage's tokenizer (`RepairApostrophes.tokenize`, or
  /// a run of its token masks): a word when it has an ASCII letter and every non-ASCII character
  /// in it is a two-byte letter of U+00C0–U+027F (lead byte C3–C9: Latin letters with
  /// diacritics); English when it is ASCII letters only, at most 8 of them, one of the words.
  @inline(__always)
  func count(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ words: inout Int, _ english: inout Int) {
    var letters = 0
    var key: UInt64 = 0
    var i = s
    var plain = true
    while i < e {
      let c = p[i]
      if c < 0x80 {
        let l = c | 0x20
        if l &- 0x61 < 26 {
          letters += 1
          key = key << 8 | UInt64(l)
        } else {
          plain = false
        }
        i += 1
      } else if c >= 0xC3 && c <= 0xC9 && i + 1 < e && p[i + 1] & 0xC0 == 0x80 {
        plain = false
        i += 2
      } else {
        return
      }
    }
    if letters == 0 { return }
    words += 1
    guard plain && letters <= 8 else { return }
    var k = Self.slot(key)
    while true {
      let v = table[k]
      if v == key {
        english += 1
        return
      }
      if v == 0 { return }
      k = (k + 1) & 255
    }
  }

  /// The share of a line from its token masks (`RepairApostrophes.lineMasks`: bit j of word w
  /// set when byte 64w + j is a token byte, the runs being the tokens), counting stopped once
  /// `maxWords` words or `enough` English words are counted (`count` on each run).
  func share(
    _ p: UnsafePointer<UInt8>, _ n: Int, masks: UnsafePointer<UInt64>, maxWords: Int = .max, enough: Int = .max
  ) -> (words: Int, english: Int) {
    var words = 0
    var english = 0
    let nw = (n + 63) >> 6
    var pos = 0
    while pos < n && words < maxWords && english < enough {
      var w = pos >> 6
      var bits = masks[w] & (~UInt64(0) << UInt64(pos & 63))
      while bits == 0 {
        w += 1
        if w >= nw { return (words, english) }
        bits = masks[w]
      }
      let s = (w << 6) + bits.trailingZeroBitCount
      var w2 = s >> 6
      var clear = ~masks[w2] & (~UInt64(0) << UInt64(s & 63))
      var e = n
      while true {
        if clear != 0 {
          e = min(n, (w2 << 6) + clear.trailingZeroBitCount)
          break
        }
        w2 += 1
        if w2 >= nw { break }
        clear = ~masks[w2]
      }
      pos = e
      count(p, s, e, &words, &english)
    }
    return (words, english)
  }

  @inline(__always)
  func isEnglish(_ s: (words: Int, english: Int)) -> Bool {
    Double(s.english) >= minShare * Double(s.words)
  }

  /// English words that make a line English among its first `minWords` words: twice the share
  /// (2 of 25 for 0.04). With none, a line of that many words is not English; with fewer than
  /// this, or fewer words, its document decides. (On the fit split's English paragraphs of 25
  /// words or more: 1 of 2 174 has none in its first 25 words, 8 have one; of the 451 such lines
  /// of the chardet pages in other Latin-script languages, 411 have none, 28 one, 12 two or
  /// more, mostly markup or English quoted there.)
  var lineNeed: Int { 2 * max(1, Int((minShare * Double(minWords)).rounded(.up))) }
  /// A line too short to judge is judged on this many words of the lines around it first.
  var aroundWords: Int { 2 * minWords }
}
