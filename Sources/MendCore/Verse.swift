/// Verse: songs, poems, hymns, anthems, nursery rhymes. Their repeats are on purpose (a refrain,
/// a chorus, `Puttin' on the Ritz.` four times), and a scraper does not make them, so the dedup
/// stages leave the lines of verse alone: they are neither removed nor kept as the copy another
/// line repeats, and `remove-tandem-repeats` removes only a copy glued to its twin with no
/// separator (`XX`, a scraped caption) in them.
///
/// Verse is recognised by its layout, over a document's non-blank lines or over a block of at
/// least `minLines` lines between blank lines (a poem quoted in an article):
/// - at least 80 % of the lines are short (at most `maxLineBytes` UTF-8 bytes, trimmed);
/// - at least 40 % end without a full stop (`.` or `…`, before closing quotes and brackets):
///   verse lines end at a comma, a semicolon, `!`, `?` or no mark at all, a news sentence with
///   a full stop;
/// - at least 60 % start with a capital letter or a digit (after opening quotes): each line of
///   verse starts upper-case, while a hard-wrapped paragraph's lines continue in lower case.
/// - it does not look hard-wrapped: fewer than 10 % of its lines end in a function word (`the`,
///   `of`, `and` ...: a wrap cuts anywhere, a verse line ends where a phrase ends), and fewer than
///   90 % are full (the next line's first word would not have fitted on the line within the
///   longest line's length, as a greedy wrap leaves every line). A paragraph wrapped at 40 to 72
///   characters whose lines happen to start upper-case (names) is not taken for verse.
/// News and scraped fragments (a paragraph or a sentence a line: most lines long, nearly all
/// ending a sentence) fail the first two tests. Only the short lines of a verse block are
/// protected, so a long paragraph of the same document is still deduplicated.
public enum Verse {
  static let minLines = 4
  static let maxLineBytes = 60
  static let shortShare = 0.8
  static let openShare = 0.4
  static let capitalShare = 0.6
  static let fullShare = 0.9
  static let functionEndShare = 0.1
  /// Words a wrapped line often ends in and a line of verse seldom does.
  static let functionWords: Set<String> = [
    "the", "a", "an", "of", "to", "in", "for", "with", "on", "at", "by", "from", "and", "or", "that", "is", "was",
    "as", "its", "their", "his", "her", "our", "your", "my", "this", "these", "those", "be", "are", "were", "has",
    "have", "had", "will", "would", "can", "could", "not", "but", "if", "than", "into", "about", "over", "under",
    "after", "before",
  ]

  static let option = OptionSpec(
    "verse", .bool, default: .bool(true),
    help: "Leave verse alone (songs, poems: a document, or a block of 4+ lines between blank lines, whose lines are mostly short, start upper-case and end without a full stop): its short lines are neither removed nor kept as the copy of another line.")

  struct Facts {
    var blank = true
    var short = false
    var open = false
    var capital = false
    /// Trimmed length in bytes, and the length of the first word.
    var bytes = 0
    var firstWord = 0
    /// Ends in a function word, with no mark after it.
    var functionEnd = false
  }

  /// The facts of one line: a look at its two ends, and its length.
  static func facts(_ text: String) -> Facts {
    var text = text
    return text.withUTF8 { buf in
      var f = Facts()
      let (a, e) = HardWrap.trimmed(buf)
      if a == e { return f }
      f.blank = false
      f.bytes = e - a
      f.short = e - a <= maxLineBytes
      var w = a
      while w < e && buf[w] != 0x20 && buf[w] != 0x09 { w += 1 }
      f.firstWord = w - a
      // The end, before closing quotes and brackets (ASCII, and UTF-8 ’ ” »).
      var z = e
      while z > a {
        let b = buf[z - 1]
        if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D || b == 0x7D || b == 0x2A || b == 0x5F {
          z -= 1
        } else if z - a >= 3 && buf[z - 3] == 0xE2 && buf[z - 2] == 0x80 && (buf[z - 1] == 0x99 || buf[z - 1] == 0x9D) {
          z -= 3
        } else if z - a >= 2 && buf[z - 2] == 0xC2 && buf[z - 1] == 0xBB {
          z -= 2
        } else {
          break
        }
      }
      if DedupText.isASCIIAlnum(buf[e - 1]) {
        var w = e
        while w > a && buf[w - 1] != 0x20 && buf[w - 1] != 0x09 { w -= 1 }
        if e - w <= 6 {
          let word = String(decoding: UnsafeBufferPointer(rebasing: buf[w..<e]), as: UTF8.self).lowercased()
          f.functionEnd = functionWords.contains(word)
        }
      }
      if z == a {
        f.open = true
      } else {
        let b = buf[z - 1]
        let ellipsis = z - a >= 3 && buf[z - 3] == 0xE2 && buf[z - 2] == 0x80 && b == 0xA6
        f.open = !(b == 0x2E || ellipsis)
      }
      // The start, after opening quotes, brackets and other ASCII marks, and UTF-8 ‘ “ «.
      var s = a
      while s < e {
        let b = buf[s]
        if b < 0x80 && !DedupText.isASCIIAlnum(b) {
          s += 1
        } else if e - s >= 3 && b == 0xE2 && buf[s + 1] == 0x80 && (buf[s + 2] == 0x98 || buf[s + 2] == 0x9C) {
          s += 3
        } else if e - s >= 2 && b == 0xC2 && buf[s + 1] == 0xAB {
          s += 2
        } else {
          break
        }
      }
      if s < e {
        let b = buf[s]
        f.capital = (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
      }
      return f
    }
  }

  /// Whether these lines (non-blank ones counted) read as verse.
  static func reads(_ facts: ArraySlice<Facts>) -> Bool {
    var n = 0
    var short = 0
    var open = 0
    var capital = 0
    var longest = 0
    var functionEnds = 0
    for f in facts where !f.blank {
      n += 1
      if f.functionEnd { functionEnds += 1 }
      if f.short { short += 1 }
      if f.open { open += 1 }
      if f.capital { capital += 1 }
      longest = max(longest, f.bytes)
    }
    if n < minLines { return false }
    let d = Double(n)
    guard
      Double(short) >= shortShare * d && Double(open) >= openShare * d && Double(capital) >= capitalShare * d
        && Double(functionEnds) < functionEndShare * d
    else {
      return false
    }
    // Full lines (a greedy wrap's), over the pairs of neighbouring non-blank lines.
    var pairs = 0
    var full = 0
    var i = facts.startIndex
    while i + 1 < facts.endIndex {
      let a = facts[i]
      let b = facts[i + 1]
      if !a.blank && !b.blank {
        pairs += 1
        if a.bytes + 1 + b.firstWord > longest { full += 1 }
      }
      i += 1
    }
    return pairs == 0 || Double(full) < fullShare * Double(pairs)
  }

  /// For each line of the document: whether it is a short line of verse. nil when none is.
  ///
  /// The common case is settled on the lines' lengths alone: a first pass marks each line blank
  /// or not and short or not (exactly: from its byte count when it neither starts nor ends with
  /// white space, else from `facts`), and only a range that can pass `reads`' first test (the
  /// document, or a block of `minLines` lines or more between blank lines, with `shortShare` of
  /// its lines short) has its lines' other facts looked at. A range that fails the short test
  /// fails `reads`, so the answer is the same as looking at every line.
  public static func lines(_ document: Document) -> [Bool]? {
    let frags = document.fragments
    let n = frags.count
    if n < minLines { return nil }
    // Quicker still, with no array: a document with no line that may be blank (none empty or
    // starting with white space) is one block, and it cannot read as verse when even counting
    // every line that may be short (at most maxLineBytes bytes, or ending in white space) as
    // short leaves it below shortShare.
    var mayBeBlank = false
    var mayBeShort = 0
    for f in frags {
      let u = f.text.utf8
      guard let first = u.first, let last = u.last, first != 0x20, first != 0x09 else {
        mayBeBlank = true
        break
      }
      if u.count <= maxLineBytes || last == 0x20 || last == 0x09 || last == 0x0D { mayBeShort += 1 }
    }
    if !mayBeBlank && Double(mayBeShort) < shortShare * Double(n) { return nil }
    var blank = [Bool](repeating: false, count: n)
    var short = [Bool](repeating: false, count: n)
    for (i, f) in frags.enumerated() {
      let u = f.text.utf8
      guard let first = u.first, let last = u.last else {
        blank[i] = true
        continue
      }
      if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 || last == 0x0D {
        let x = facts(f.text)
        blank[i] = x.blank
        short[i] = x.short
      } else {
        short[i] = u.count <= maxLineBytes
      }
    }
    func mayRead(_ r: Range<Int>) -> Bool {
      var lines = 0
      var shorts = 0
      for i in r where !blank[i] {
        lines += 1
        if short[i] { shorts += 1 }
      }
      return lines >= minLines && Double(shorts) >= shortShare * Double(lines)
    }
    var out = [Bool](repeating: false, count: n)
    var any = false
    /// Marks the range's short lines when it reads as verse.
    func mark(_ r: Range<Int>) -> Bool {
      let shapes = r.map { facts(frags[$0].text) }
      guard reads(shapes[...]) else { return false }
      for (k, i) in r.enumerated() where shapes[k].short && !shapes[k].blank {
        out[i] = true
        any = true
      }
      return true
    }
    if !(mayRead(0..<n) && mark(0..<n)) {
      // Blocks between blank lines.
      var start = 0
      while start < n {
        while start < n && blank[start] { start += 1 }
        var end = start
        while end < n && !blank[end] { end += 1 }
        if end - start >= minLines && end - start < n && mayRead(start..<end) { _ = mark(start..<end) }
        start = end
      }
    }
    return any ? out : nil
  }

  /// For each dedup unit: whether it lies in a protected line of verse; nil when none does.
  static func units(_ units: [DedupText.Unit], _ document: Document) -> [Bool]? {
    guard let lines = lines(document) else { return nil }
    return units.map { lines[$0.fragment] }
  }
}
