/// Hard-wrapped text: paragraphs broken into lines of about the same width (e-mail, licences,
/// release notes, plain-text books). Inside such a paragraph a line end is not a fragment end:
/// a line is a piece of a sentence. Stages that treat lines as fragments use this to see the
/// paragraph instead: `repair-apostrophes` reads the words on both sides of a line break as
/// neighbours (`runJoined`), and the dedup stages never remove a piece of a sentence cut by a line
/// end, nor keep one as the copy another sentence repeats (`pieces`).
///
/// A document is hard-wrapped when, over the pairs of neighbouring non-blank lines, the first
/// line is short (at most `maxLineChars` characters) in at least 80 %, nearly full (at least
/// `minFullChars`) in at least half, ends inside a sentence (no `.`, `!`, `?` or `:` before
/// closing quotes and brackets) in at least half, and is followed by a line that starts with a
/// lower-case letter in at least a quarter; with three such pairs at least. Text with a sentence
/// or a paragraph a line (news, scraped fragments) fails the first tests; verse fails the second.
public enum HardWrap {
  static let maxLineChars = 100
  static let minPairs = 3
  /// Wrapped lines are nearly full: verse (`The river runs down to the sea,`) has shorter ones.
  static let minFullChars = 40

  struct LineShape {
    var blank = true
    /// Ends inside a sentence.
    var open = false
  }

  /// Trimmed bounds of a line (spaces, tabs and a CR).
  @inline(__always)
  static func trimmed(_ buf: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
    var a = 0
    var e = buf.count
    while a < e && (buf[a] == 0x20 || buf[a] == 0x09) { a += 1 }
    while e > a && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09 || buf[e - 1] == 0x0D) { e -= 1 }
    return (a, e)
  }

  /// Whether the line is blank and whether it ends inside a sentence: a look at its two ends.
  /// The common line (no space at either end, a sentence end last) is settled on its first and
  /// last bytes, without a copy of the string.
  @inline(__always)
  static func shape(_ text: String) -> LineShape {
    let quick = text.utf8.withContiguousStorageIfAvailable { buf -> LineShape? in
      let n = buf.count
      if n == 0 { return LineShape() }
      let first = buf[0]
      let last = buf[n - 1]
      if first != 0x20 && first != 0x09 && (last == 0x2E || last == 0x21 || last == 0x3F || last == 0x3A) {
        return LineShape(blank: false, open: false)
      }
      return nil
    }
    if let quick, let quick { return quick }
    return fullShape(text)
  }

  static func fullShape(_ text: String) -> LineShape {
    var text = text
    return text.withUTF8 { buf in
      var s = LineShape()
      let (a, e) = trimmed(buf)
      if a == e { return s }
      s.blank = false
      // The last byte before closing quotes and brackets (ASCII, and ” ’ as E2 80 9D / 99).
      var k = e - 1
      while k >= a {
        let b = buf[k]
        if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D {
          k -= 1
          continue
        }
        if (b == 0x9D || b == 0x99) && k >= a + 2 && buf[k - 1] == 0x80 && buf[k - 2] == 0xE2 {
          k -= 3
          continue
        }
        break
      }
      // A line of closing quotes and brackets only ends no sentence.
      if k < a {
        s.open = true
        return s
      }
      let last = buf[k]
      s.open = !(last == 0x2E || last == 0x21 || last == 0x3F || last == 0x3A)
      return s
    }
  }

  /// Whether the line has at most `maxLineChars` characters (scalars), its first byte is a
  /// lower-case letter, it starts a list item, and it is written in capitals (`capitals`).
  static func start(_ text: String) -> (short: Bool, full: Bool, lower: Bool, item: Bool, capitals: Bool) {
    var text = text
    return text.withUTF8 { buf in
      let (a, e) = trimmed(buf)
      if a == e { return (true, false, false, false, false) }
      // Characters, not bytes (a line of Hindi takes three bytes a letter); stops past the limit.
      var chars = 0
      if e - a >= minFullChars {
        var i = a
        while i < e && chars <= maxLineChars {
          if buf[i] & 0xC0 != 0x80 { chars += 1 }
          i += 1
        }
      }
      let lower = Bytes.isLower(buf[a])
      return (chars <= maxLineChars, chars >= minFullChars, lower, startsListItem(buf, a, e), !lower && capitals(buf, a, e))
    }
  }

  /// `* `, `- `, `+ `, `• `, `1. `, `12) `, `a) `, `(b) `: a list item starts here.
  /// A line in capitals: at least `minCapitals` ASCII capital letters and no lower-case ASCII
  /// letter (`THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF`). Legal text wraps its
  /// capital paragraphs like the rest, but their lines cannot go on in lower case.
  static func capitals(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    var upper = 0
    for i in a..<e {
      let b = buf[i]
      if Bytes.isLower(b) { return false }
      if Bytes.isUpper(b) { upper += 1 }
    }
    return upper >= minCapitals
  }

  static let minCapitals = 4

  static func startsListItem(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ e: Int) -> Bool {
    func spaceAt(_ i: Int) -> Bool { i < e && (buf[i] == 0x20 || buf[i] == 0x09) }
    let b = buf[a]
    if (b == 0x2A || b == 0x2D || b == 0x2B) && spaceAt(a + 1) { return true }
    if b == 0xE2 && a + 2 < e && buf[a + 1] == 0x80 && buf[a + 2] == 0xA2 && spaceAt(a + 3) { return true }
    var i = a
    if b == 0x28 { i += 1 }
    let d = i
    while i < e && i - d < 3 && Bytes.isDigit(buf[i]) { i += 1 }
    if i == d && i < e && (Bytes.isLower(buf[i]) || Bytes.isUpper(buf[i])) { i += 1 }
    if i == d || i >= e { return false }
    return (buf[i] == 0x29 || (buf[i] == 0x2E && b != 0x28)) && spaceAt(i + 1)
  }

  /// Soft line ends in a document that is not hard-wrapped as a whole (session 12: two wrapped
  /// HTML comments in node's README lost their middles as near-duplicates of a third): line f
  /// is long (at least `minFullChars` characters, not a heading or a date line), stops inside a
  /// sentence on a lower-case letter or a comma, and line f + 1 goes on in lower case (not a
  /// list item) (before session 18: and ends that sentence within its first `maxTailWords`
  /// words: `list. If the format ...`, `updated. -->`; see below). Nil when there is none (most
  /// documents).
  static func localSoftEnds(_ document: Document) -> [Bool]? {
    let frags = document.fragments
    var soft: [Bool]? = nil
    let n = frags.count
    // Session 18: a wrapped paragraph (a Debian copyright file's licence notices lost
    // `but WITHOUT ANY WARRANTY; without even the implied warranty of`): two line ends in a row
    // where a long line stops inside a sentence and the next goes on in lower case, however
    // long its sentence runs; inside such a run a line may also go on with a word in capitals
    // (`MERCHANTABILITY or FITNESS`). One such line end alone is no wrap: a sentence a scraper
    // lowered, or one that follows a cut, still counts as a sentence of its own (the dedup
    // evaluation's lower-cased copies). Both tests in one pass over the lines that stop inside
    // a sentence.
    var runsOn = [Bool](repeating: false, count: n)
    var any = false
    for f in 0..<max(0, n - 1) where shape(frags[f].text).open && endsMidSentence(frags[f].text) {
      let next = frags[f + 1].text
      if tailStart(next) {
        if soft == nil { soft = [Bool](repeating: false, count: n) }
        soft![f] = true
      }
      if goesOn(next, capitalsToo: f > 0 && runsOn[f - 1]) {
        runsOn[f] = true
        any = true
      }
    }
    guard any else { return soft }
    for f in 0..<max(0, n - 1) where runsOn[f] && ((f > 0 && runsOn[f - 1]) || runsOn[f + 1]) {
      if soft == nil { soft = [Bool](repeating: false, count: n) }
      soft![f] = true
    }
    return soft
  }

  /// A line that starts in lower case (not a list item), or, with `capitalsToo`, with a word in
  /// capitals of at least `minCapitals` letters.
  static func goesOn(_ text: String, capitalsToo: Bool) -> Bool {
    var text = text
    return text.withUTF8 { buf in
      let (a, e) = trimmed(buf)
      if a == e || startsListItem(buf, a, e) { return false }
      if Bytes.isLower(buf[a]) { return true }
      guard capitalsToo else { return false }
      var i = a
      while i < e && Bytes.isUpper(buf[i]) { i += 1 }
      return i - a >= minCapitals && (i == e || buf[i] == 0x20 || buf[i] == 0x2C || buf[i] == 0x3B)
    }
  }

  static let maxTailWords = 4

  /// At least `minFullChars` characters, the last a lower-case ASCII letter or a comma.
  static func endsMidSentence(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { buf in
      let (a, e) = trimmed(buf)
      if e - a < minFullChars { return false }
      let last = buf[e - 1]
      return Bytes.isLower(last) || last == 0x2C
    }
  }

  /// A lower-case start (not a list item) whose sentence ends (`.`, `!` or `?` before a space or
  /// the line's end) within its first `maxTailWords` words.
  static func tailStart(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { buf in
      let (a, e) = trimmed(buf)
      if a == e || !Bytes.isLower(buf[a]) || startsListItem(buf, a, e) { return false }
      var words = 1
      var i = a
      while i < e {
        let b = buf[i]
        if b == 0x2E || b == 0x21 || b == 0x3F {
          if i + 1 == e || buf[i + 1] == 0x20 || buf[i + 1] == 0x09 { return true }
        } else if b == 0x20 && i + 1 < e && buf[i + 1] != 0x20 {
          words += 1
          if words > maxTailWords { return false }
        }
        i += 1
      }
      return false
    }
  }

  /// For each fragment, whether its sentence runs on into the next fragment (a soft line end);
  /// nil when the document does not look hard-wrapped (the common case, settled on line lengths
  /// before any byte is read when few neighbouring lines are short).
  public static func softEnds(_ document: Document) -> [Bool]? {
    let frags = document.fragments
    let n = frags.count
    if n < minPairs + 1 { return nil }
    // First the ends of the lines, in one pass that allocates nothing: text with a sentence or
    // a paragraph a line ends its lines with a period, and stops here, usually before its
    // middle. A pair (f, f+1) of non-blank lines is open when f is; the test needs open pairs
    // >= closed pairs, and closed pairs only grow while pairs <= n - 1, so more than (n - 1) / 2
    // closed pairs settle it.
    var pairs = 0
    var open = 0
    var closed = 0
    var previous = shape(frags[0].text)
    for f in 1..<n {
      let current = shape(frags[f].text)
      if !previous.blank && !current.blank {
        pairs += 1
        if previous.open {
          open += 1
        } else {
          closed += 1
          if closed * 2 > n - 1 { return nil }
        }
      }
      previous = current
    }
    guard pairs >= minPairs, open >= closed else { return nil }
    let shapes = frags.map { shape($0.text) }
    let starts = frags.map { start($0.text) }
    var short = 0
    var full = 0
    var lowerNext = 0
    for f in 0..<(n - 1) where !shapes[f].blank && !shapes[f + 1].blank {
      if starts[f].short { short += 1 }
      if starts[f].full { full += 1 }
      // Session 15: a line in capitals counts as going on (ICU's LICENSE: two notices with
      // paragraphs in capitals, where only 14 % of the lines start in lower case, lost wrapped
      // lines of the second notice that repeat lines of the first). It does not make a line end
      // soft below: a capital paragraph's sentence ends at its period like any other.
      if starts[f + 1].lower || starts[f + 1].capitals { lowerNext += 1 }
    }
    guard short * 5 >= pairs * 4, full * 2 >= pairs, lowerNext * 4 >= pairs else { return nil }
    var soft = [Bool](repeating: false, count: n)
    for f in 0..<(n - 1) where !shapes[f].blank && !shapes[f + 1].blank && !starts[f + 1].item {
      soft[f] = shapes[f].open || starts[f + 1].lower
    }
    return soft
  }

  /// The continuation lines of list items, by input line, with the indentation each keeps
  /// (`continuationIndent`): a line under a list item (`itemColumn`) or under another such line,
  /// no blank line between (what `normalize-unicode`'s `keep-list-indent` keeps). Nil when there
  /// is none (most documents: no line starts with a space; the fragments are read through the
  /// array's storage, without a copy of each).
  static func listContinuations(_ document: Document) -> [Int: Int]? {
    document.fragments.withUnsafeBufferPointer { frags -> [Int: Int]? in
      var out: [Int: Int]? = nil
      var openFor = -1  // the last continuation (its index) and the column it goes on at
      var openColumn = -1
      for k in 1..<max(1, frags.count) where frags[k].text.utf8.first == 0x20 {
        let column = openFor == k - 1 ? openColumn : itemColumn(frags[k - 1].text)
        guard column > 0, let w = continuationIndent(frags[k].text, column) else { continue }
        if out == nil { out = [:] }
        out![frags[k].line] = w
        openFor = k
        openColumn = column
      }
      return out
    }
  }

  /// The indentation a line keeps as the continuation of a list item whose text starts at
  /// `column`: exactly that many spaces, then text that starts no item; nil otherwise (and for
  /// a line with a CR, which a step may split).
  static func continuationIndent(_ line: String, _ column: Int) -> Int? {
    var text = line
    return text.withUTF8 { buf -> Int? in
      let n = buf.count
      var a = 0
      while a < n && buf[a] == 0x20 { a += 1 }
      if a != column || a == n || buf[a] == 0x09 || startsListItem(buf, a, n) { return nil }
      if buf[a...].contains(0x0D) { return nil }
      return a
    }
  }

  /// The column where a list item's text starts (its indent, its marker and the spaces after
  /// it; `•` counts one column), or -1 when the line starts no item.
  static func itemColumn(_ line: String) -> Int {
    var text = line
    return text.withUTF8 { buf -> Int in
      let n = buf.count
      var a = 0
      while a < n && buf[a] == 0x20 { a += 1 }
      guard a < n, startsListItem(buf, a, n) else { return -1 }
      var i = a
      var width = 0
      while i < n && buf[i] != 0x20 && buf[i] != 0x09 {
        if buf[i] & 0xC0 != 0x80 { width += 1 }
        i += 1
      }
      var spaces = 0
      while i < n && buf[i] == 0x20 {
        spaces += 1
        i += 1
      }
      // A tab after the marker, or nothing after it: no column to go on at.
      if i == n || buf[i] == 0x09 { return -1 }
      return a + width + spaces
    }
  }

  /// The lines that go on with a list item above them, no blank line between: indented ones (the
  /// indentation `normalize-unicode` keeps, `listContinuations`), and with `unindented`
  /// every such line (in a document hard-wrapped as a whole a blank line ends a paragraph, so a
  /// line under an item is the item going on). Nil when there is none; without `unindented`, a
  /// document with no indented line is settled by one look at each line's first byte.
  static func underListItems(_ document: Document, unindented: Bool) -> [Bool]? {
    let frags = document.fragments
    if !unindented && !frags.contains(where: { let b = $0.text.utf8.first; return b == 0x20 || b == 0x09 }) {
      return nil
    }
    var out: [Bool]? = nil
    var item = false
    for (f, frag) in frags.enumerated() {
      var text = frag.text
      let (blank, starts, indented) = text.withUTF8 { buf -> (Bool, Bool, Bool) in
        let (a, e) = trimmed(buf)
        return a == e ? (true, false, false) : (false, startsListItem(buf, a, e), a > 0)
      }
      if blank {
        item = false
      } else if starts {
        item = true
      } else if item && (indented || unindented) {
        if out == nil { out = [Bool](repeating: false, count: frags.count) }
        out![f] = true
      } else {
        item = false
      }
    }
    return out
  }

  /// For each dedup unit, whether it is a piece of a sentence cut by a soft line end: it starts
  /// its line and the line before runs on into it, or it ends its line and the line runs on.
  /// nil when the document is not hard-wrapped.
  ///
  /// Session 16: a line that goes on with the list item above it is left alone like a piece
  /// (`underListItems`): changelogs end several items with the same credit (`Contributed by Jane
  /// Roe in #37.`), on an item's own line or on the line under it, and the credit belongs to its
  /// item.
  static func pieces(_ units: [DedupText.Unit], _ document: Document) -> [Bool]? {
    let whole = softEnds(document)
    let soft = whole ?? localSoftEnds(document)
    let underItem = underListItems(document, unindented: whole != nil)
    if soft == nil && underItem == nil { return nil }
    var out = [Bool](repeating: false, count: units.count)
    var bounds: (fragment: Int, start: Int, end: Int) = (-1, 0, 0)
    for (i, u) in units.enumerated() {
      let f = u.fragment
      if let underItem, underItem[f] {
        out[i] = true
        continue
      }
      guard let soft else { continue }
      let runsIn = f > 0 && soft[f - 1]
      if !runsIn && !soft[f] { continue }
      if bounds.fragment != f {
        var text = document.fragments[f].text
        bounds = text.withUTF8 { buf in
          let (a, e) = trimmed(buf)
          return (f, a, e)
        }
      }
      out[i] = (runsIn && u.range.lowerBound <= bounds.start) || (soft[f] && u.range.upperBound >= bounds.end)
    }
    return out
  }

  /// Run `body` (a stage that edits words in place and never removes a line) on the document
  /// with each wrapped paragraph joined into one fragment, a space for each soft line end; then
  /// split the result back into the original lines and move each change to its line and column
  /// (columns counted in the input, as the stage reports them). Returns false, having changed
  /// nothing, when the document has no wrapped paragraph or the stage changed a line's spaces
  /// (the split would be unsafe): the caller then runs the stage on the lines as they are.
  static func runJoined(
    _ document: inout Document, _ context: inout StageContext, soft: [Bool],
    _ body: (inout Document, inout StageContext) -> Void
  ) -> Bool {
    let frags = document.fragments
    // Paragraphs: maximal runs of lines joined by soft ends.
    var groups: [Range<Int>] = []
    var f = 0
    while f < frags.count {
      var g = f
      while g + 1 < frags.count && soft[g] { g += 1 }
      groups.append(f..<(g + 1))
      f = g + 1
    }
    if groups.count == frags.count { return false }
    var joined = Document(fragments: [], endsWithNewline: document.endsWithNewline)
    joined.fragments.reserveCapacity(groups.count)
    for g in groups {
      if g.count == 1 {
        joined.fragments.append(frags[g.lowerBound])
      } else {
        let text = frags[g].map(\.text).joined(separator: " ")
        joined.fragments.append(Fragment(text: text, line: frags[g.lowerBound].line, kind: frags[g.lowerBound].kind))
      }
    }
    var sub = StageContext(
      stageID: context.stageID,
      log: ChangeLog(
        countsOnly: context.log.countsOnly, keepingRemovals: context.log.keepsRemovals, keepingAll: context.log.keepsAll
      ),
      segmenter: context.segmenter)
    body(&joined, &sub)
    guard joined.fragments.count == groups.count else { return false }
    // Split each joined paragraph at its joining spaces: the k-th line ends before the space
    // that follows the spaces of lines 0...k and the k joins before it.
    var result = frags
    for (gi, g) in groups.enumerated() {
      if g.count == 1 {
        result[g.lowerBound] = joined.fragments[gi]
        continue
      }
      let out = joined.fragments[gi].text
      if out == frags[g].map(\.text).joined(separator: " ") { continue }
      var ends: [Int] = []
      var spacesBefore = 0
      for k in g.dropLast() {
        spacesBefore += frags[k].text.utf8.reduce(0) { $0 + ($1 == 0x20 ? 1 : 0) } + 1
        ends.append(spacesBefore)
      }
      let outBytes = Array(out.utf8)
      let total = frags[g].reduce(0) { s, fr in s + fr.text.utf8.reduce(0) { $0 + ($1 == 0x20 ? 1 : 0) } } + g.count - 1
      guard outBytes.reduce(0, { $0 + ($1 == 0x20 ? 1 : 0) }) == total else { return false }
      var seen = 0
      var lineStart = 0
      var k = 0
      // Only lines whose text changed are set (setting a text forgets its facts).
      func set(_ line: Int, _ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        if text != result[line].text { result[line].text = text }
      }
      for (i, b) in outBytes.enumerated() where b == 0x20 {
        seen += 1
        if k < ends.count && seen == ends[k] {
          set(g.lowerBound + k, outBytes[lineStart..<i])
          lineStart = i + 1
          k += 1
        }
      }
      set(g.upperBound - 1, outBytes[lineStart...])
    }
    // Changes: a paragraph's column (in scalars of the joined input) to its line and column.
    var groupOfLine: [Int: Int] = [:]
    for (gi, g) in groups.enumerated() where g.count > 1 { groupOfLine[frags[g.lowerBound].line] = gi }
    func place(_ line: Int, _ column: Int) -> (Int, Int) {
      guard let gi = groupOfLine[line] else { return (line, column) }
      var start = 1
      for k in groups[gi] {
        let len = frags[k].text.unicodeScalars.count
        if column < start + len + 1 || k == groups[gi].upperBound - 1 { return (frags[k].line, column - start + 1) }
        start += len + 1
      }
      return (line, column)
    }
    context.log.absorb(sub.log) { c in
      (c.line, c.column) = place(c.line, c.column)
    }
    document.fragments = result
    return true
  }
}

extension ChangeLog {
  /// Append another log's records (and counts) after this one's, each change passed through
  /// `remap` first.
  mutating func absorb(_ other: ChangeLog, remap: (inout Change) -> Void) {
    for var c in other.changes {
      remap(&c)
      record(c)
    }
    for c in other.counts {
      for _ in 0..<c.applied { count(stage: c.stage, applied: true) }
      for _ in 0..<c.suggestions { count(stage: c.stage, applied: false) }
    }
  }
}
