/// Code blocks (`code-blocks:` in the rules file): Markdown fenced blocks (`fenced`) and
/// reStructuredText literal and doctest blocks (`literal`, see `literalRanges`).
///
/// A Markdown fence — a line of three or more backticks or tildes, after any indent (fences
/// inside list items are indented) — opens a block, and the next line of the same character, at
/// least as many of them and nothing but spaces after them, closes it; a block that is never
/// closed runs to the end of the document, as CommonMark has it. A backtick line with another
/// backtick after its fence (```` ```x``` ````) is inline code, not a fence. The lines of a block,
/// its fences included, are code, commands and program output: READMEs, package descriptions and
/// converted web pages repeat such lines on purpose (`xray_recorder.end_subsegment()` in every
/// example) and hold words that look like stripped apostrophes (`# ltdl is required to support
/// dynamic crypto libs loading`).
///
/// The stages the rules list leave those lines alone. The default rules list every stage,
/// normalize-unicode included: its trimming and space runs would break a block's indentation and
/// alignment, and its entity decoding would change `&amp;` in an HTML example; so a block's lines
/// come out byte for byte as they went in, a CR before a line end included. Before the first
/// listed stage runs, each block is set aside and a blank line holds its place (a paragraph
/// break, which is what the block was to the prose around it), and after the last one each block
/// goes back where its blank line is then. So the stages neither edit, remove nor move a line of
/// a block, nor take one as the copy of another, and the prose around a block is repaired as
/// before. Nothing is recorded for the set-aside lines (nothing changes in them). A placeholder is
/// known by its line number (the block's first line, which no other fragment has while the block
/// is aside) and its empty text; should a stage have dropped one, its block goes back before the
/// first line that came after it in the input.
public enum CodeBlocks {
  /// The `code-blocks:` section of a rules file.
  public struct Config: Sendable, Equatable {
    /// Whether Markdown fenced blocks are code.
    public var fenced = false
    /// Whether reStructuredText literal blocks and doctest blocks are code (`literalRanges`).
    public var literal = false
    /// Whether text tables and reStructuredText substitution definitions are kept as they are
    /// (`tableRanges`).
    public var tables = false
    /// The stages that leave the lines of a code block alone.
    public var stages: [String] = []

    public init(fenced: Bool = false, literal: Bool = false, tables: Bool = false, stages: [String] = []) {
      self.fenced = fenced
      self.literal = literal
      self.tables = tables
      self.stages = stages
    }

    /// Whether any kind of block is looked for.
    var any: Bool { fenced || literal || tables }
  }

  /// The blocks taken out of a document, with the line number of each one's placeholder.
  public struct SetAside: Sendable {
    var blocks: [[Fragment]]
    var lines: [Int]
  }

  /// A fence at the start of the line (after spaces and tabs): its character and length, and
  /// whether only spaces follow it (a closing fence must be bare). Nil: no fence.
  static func fence(_ buf: UnsafeBufferPointer<UInt8>) -> (char: UInt8, count: Int, bare: Bool)? {
    let n = buf.count
    var i = 0
    while i < n && (buf[i] == 0x20 || buf[i] == 0x09) { i += 1 }
    // (A CR before the line's end counts as a space: the fences are found before
    // normalize-unicode has made CRLF line ends LF.)
    guard i < n, buf[i] == 0x60 || buf[i] == 0x7E else { return nil }
    let c = buf[i]
    var k = i
    while k < n && buf[k] == c { k += 1 }
    let count = k - i
    guard count >= 3 else { return nil }
    var bare = true
    for j in k..<n {
      let b = buf[j]
      if b == 0x60 && c == 0x60 { return nil }  // ```x``` is inline code
      if b != 0x20 && b != 0x09 && b != 0x0D { bare = false }
    }
    return (c, count, bare)
  }

  /// The fenced blocks of a document, as ranges of its fragments (fence lines included), in
  /// order. Most documents have none: one look at each line's first non-blank byte.
  public static func fencedRanges(_ document: Document) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var open: (start: Int, char: UInt8, count: Int)? = nil
    for (k, f) in document.fragments.enumerated() {
      var text = f.text
      let found = text.withUTF8 { fence($0) }
      guard let found else { continue }
      if let o = open {
        if found.char == o.char && found.count >= o.count && found.bare {
          ranges.append(o.start..<(k + 1))
          open = nil
        }
      } else {
        open = (k, found.char, found.count)
      }
    }
    if let o = open { ranges.append(o.start..<document.fragments.count) }
    return ranges
  }

  /// reStructuredText's code outside the fenced blocks (Python packages describe themselves in
  /// it): a literal block — the lines indented deeper than a paragraph that ends with `::` (`The
  /// expression::`, or `::` alone), or than a code directive (`.. code-block:: python`, `..
  /// code::`, `.. sourcecode::`, `.. doctest::`, `.. testcode::`, `.. testoutput::`, `..
  /// parsed-literal::`), after the blank lines and the directive's options, up to the first
  /// non-blank line that is not deeper (blank lines at its end are not part of it), with the line
  /// that opened it (the `::` line or the directive: were a stage to remove or re-indent it, the
  /// block would not be one the next time, and a second run would change what the first left) —
  /// and a doctest block: a line starting `>>>` (after its indent) and the lines
  /// after it up to a blank one. Every other directive (`.. note::`) holds prose and is left to
  /// the stages. Ranges of fragments, in order, none inside `outside`.
  public static func literalRanges(_ document: Document, outside: [Range<Int>] = []) -> [Range<Int>] {
    let frags = document.fragments
    let n = frags.count
    var excluded = [Bool](repeating: false, count: n)
    for r in outside { for k in r { excluded[k] = true } }
    // Per line: its indent in columns (a tab to the next multiple of 8), -1 when blank, and what
    // it marks.
    var indent = [Int](repeating: -1, count: n)
    var marker = [UInt8](repeating: 0, count: n)  // 1: ends with ::, 2: code directive, 3: >>>
    var anyMark = false
    for k in 0..<n where !excluded[k] {
      var text = frags[k].text
      text.withUTF8 { buf in
        let (i, e) = HardWrap.trimmed(buf)
        if i == e { return }
        var col = 0
        for b in buf[0..<i] { col = b == 0x09 ? (col / 8 + 1) * 8 : col + 1 }
        indent[k] = col
        if e - i >= 3 && buf[i] == 0x3E && buf[i + 1] == 0x3E && buf[i + 2] == 0x3E && (e - i == 3 || buf[i + 3] == 0x20) {
          marker[k] = 3
        } else if isCodeDirective(buf, i, e) {
          marker[k] = 2
        } else if e - i >= 2 && buf[e - 1] == 0x3A && buf[e - 2] == 0x3A && !(buf[i] == 0x2E && e - i > 2 && buf[i + 1] == 0x2E) {
          // A paragraph that ends with `::` (not another directive: `.. note::`).
          marker[k] = 1
        }
        if marker[k] != 0 { anyMark = true }
      }
    }
    if !anyMark { return [] }
    var ranges: [Range<Int>] = []
    var k = 0
    while k < n {
      if excluded[k] || marker[k] == 0 {
        k += 1
        continue
      }
      if marker[k] == 3 {
        var e = k + 1
        while e < n && !excluded[e] && indent[e] >= 0 { e += 1 }
        ranges.append(k..<e)
        k = e
        continue
      }
      let base = indent[k]
      var j = k + 1
      // A directive's options (`:linenos:`) come right after it, deeper.
      if marker[k] == 2 {
        while j < n && !excluded[j] && indent[j] > base && Self.isOption(frags[j].text) { j += 1 }
      }
      while j < n && !excluded[j] && indent[j] < 0 { j += 1 }
      guard j < n, !excluded[j], indent[j] > base else {
        k += 1
        continue
      }
      var last = j
      var e = j
      while e < n && !excluded[e] && (indent[e] < 0 || indent[e] > base) {
        if indent[e] >= 0 { last = e }
        e += 1
      }
      ranges.append(k..<(last + 1))
      k = last + 1
    }
    return ranges
  }

  /// Text tables and reStructuredText substitution definitions (`tables`), as ranges of
  /// fragments, in order, none inside `outside`. Their columns are aligned with runs of spaces and
  /// their cells repeat on purpose (`cli_timestamp_format  N/A  cli_timestamp_format  N/A`), so
  /// `normalize-unicode`'s space runs and the dedup stages would break them:
  /// - a simple table (reStructuredText): a border of two or more runs of `=` separated by spaces
  ///   (`=====  ======`) with a blank line or the document's start over it, up to the first such
  ///   border (after another line) that a blank line or the document's end follows; the rows and
  ///   the `---- ----` separators between;
  /// - a grid table (reStructuredText, Emacs tables): a line of `+` and `-` or `=` that starts and
  ///   ends with `+` (`+------+-----+`) with a blank line over it or a row (`|` first) under it,
  ///   and the lines after it that start with `+` or `|`;
  /// - a pipe table (GitHub Markdown): a delimiter row — cells of `-` with an optional `:` at
  ///   either end, between `|` (`| --- | :---: |`) — under a row with a `|`, and the lines after
  ///   it that hold a `|`;
  /// - substitution definitions (`.. |lesseqgtr| unicode:: U+022DA .. LESS-THAN EQUAL TO OR
  ///   GREATER-THAN`): a run of such lines.
  public static func tableRanges(_ document: Document, outside: [Range<Int>] = []) -> [Range<Int>] {
    let frags = document.fragments
    let n = frags.count
    var excluded = [Bool](repeating: false, count: n)
    for r in outside { for k in r { excluded[k] = true } }
    // Per line: 0 blank, 1 other, 2 a simple border (`=`), 3 a grid border, 4 a delimiter row,
    // 5 a substitution definition.
    var kind = [UInt8](repeating: 0, count: n)
    var any = false
    for k in 0..<n where !excluded[k] {
      var text = frags[k].text
      kind[k] = text.withUTF8 { buf -> UInt8 in
        let (i, e) = HardWrap.trimmed(buf)
        if i == e { return 0 }
        let c = tableLine(buf, i, e)
        if c >= 2 && c <= 5 { any = true }
        return c
      }
    }
    if !any { return [] }
    func blank(_ k: Int) -> Bool { k < 0 || k >= n || kind[k] == 0 }
    func hasPipe(_ k: Int) -> Bool { frags[k].text.utf8.contains(0x7C) }
    // A grid table's row or border: `|` or `+` first.
    func row(_ j: Int) -> Bool {
      let c = frags[j].text.first { $0 != " " && $0 != "\t" }
      return c == "|" || c == "+"
    }
    var ranges: [Range<Int>] = []
    var k = 0
    while k < n {
      if excluded[k] {
        k += 1
        continue
      }
      var end = k
      switch kind[k] {
      case 2 where blank(k - 1):
        // (At most 10 000 lines: a border that no other closes costs no more than that.)
        var j = k + 2
        while j < n && j - k < 10_000 && !excluded[j] && !(kind[j] == 2 && blank(j + 1)) { j += 1 }
        if j < n && !excluded[j] && kind[j] == 2 { end = j + 1 }
      case 3 where blank(k - 1) || (k + 1 < n && !excluded[k + 1] && kind[k + 1] != 3 && row(k + 1)):
        // (Session 18: also right under a line of text when a row follows the border: vim's help
        // puts a tag over its tables, `*netrw-urls*`.)
        var j = k + 1
        while j < n && !excluded[j] && (kind[j] == 3 || row(j)) { j += 1 }
        if j > k + 1 { end = j }
      case 4 where k > 0 && !excluded[k - 1] && hasPipe(k - 1):
        var j = k + 1
        while j < n && !excluded[j] && (kind[j] == 4 || (kind[j] == 1 && hasPipe(j))) { j += 1 }
        ranges.append((k - 1)..<j)
        k = j
        continue
      case 5:
        var j = k + 1
        while j < n && !excluded[j] && kind[j] == 5 { j += 1 }
        end = j
      default:
        break
      }
      if end > k {
        ranges.append(k..<end)
        k = end
      } else {
        k += 1
      }
    }
    return ranges
  }

  /// What a non-blank line (i..<e, trimmed) is to `tableRanges`: 2 a simple border, 3 a grid
  /// border, 4 a delimiter row, 5 a substitution definition, 1 other. Most lines are settled by
  /// their first byte; a row's `|` is looked for only next to a delimiter row (`hasPipe`).
  static func tableLine(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ e: Int) -> UInt8 {
    let b = buf[i]
    // `.. |name| directive::`
    if b == 0x2E && e - i > 6 && buf[i + 1] == 0x2E && buf[i + 2] == 0x20 && buf[i + 3] == 0x7C {
      var j = i + 4
      while j < e && buf[j] != 0x7C { j += 1 }
      var w = j + 1
      while w < e && (buf[w] == 0x20 || buf[w] == 0x09) { w += 1 }
      if j > i + 4 && w > j + 1 {
        var m = w
        while m < e && (Bytes.isAlnum(buf[m]) || buf[m] == 0x2D) { m += 1 }
        if m > w && m + 1 < e && buf[m] == 0x3A && buf[m + 1] == 0x3A { return 5 }
      }
      return 1
    }
    if b == 0x3D {
      // Runs of two or more `=` separated by spaces, at least two runs (`= = = = =` is a
      // decoration).
      var runs = 0
      var j = i
      while j < e {
        if buf[j] == 0x3D {
          runs += 1
          let r = j
          while j < e && buf[j] == 0x3D { j += 1 }
          if j - r < 2 { return 1 }
        } else if buf[j] == 0x20 {
          j += 1
        } else {
          return 1
        }
      }
      return runs >= 2 ? 2 : 1
    }
    if b == 0x2B {
      guard e - i >= 3 && buf[e - 1] == 0x2B else { return 1 }
      var dashes = false
      for j in i..<e {
        let c = buf[j]
        if c == 0x2D || c == 0x3D {
          dashes = true
        } else if c != 0x2B && c != 0x3A {
          return 1
        }
      }
      return dashes ? 3 : 1
    }
    // A delimiter row: `|`, `-`, `:` and spaces only, a `|` and three `-` at least.
    guard b == 0x7C || b == 0x2D || b == 0x3A else { return 1 }
    var pipes = 0
    var dashes = 0
    for j in i..<e {
      switch buf[j] {
      case 0x7C: pipes += 1
      case 0x2D: dashes += 1
      case 0x3A, 0x20, 0x09: break
      default: return 1
      }
    }
    return pipes > 0 && dashes >= 3 ? 4 : 1
  }

  static let codeDirectives: [[UInt8]] = [
    "code-block", "code", "sourcecode", "doctest", "testcode", "testoutput", "parsed-literal",
  ].map { Array(".. \($0)::".utf8) }

  /// `.. code-block::` (and the other code directives) at `i`, with or without an argument.
  static func isCodeDirective(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ e: Int) -> Bool {
    guard e - i >= 6, buf[i] == 0x2E, buf[i + 1] == 0x2E else { return false }
    for d in codeDirectives where e - i >= d.count {
      var same = true
      for (o, b) in d.enumerated() where buf[i + o] != b {
        same = false
        break
      }
      if same && (e - i == d.count || buf[i + d.count] == 0x20) { return true }
    }
    return false
  }

  /// A directive option line: `:name:` or `:name: value` after the indent.
  static func isOption(_ s: String) -> Bool {
    let t = s.drop { $0 == " " || $0 == "\t" }
    guard t.first == ":", let close = t.dropFirst().firstIndex(of: ":") else { return false }
    return close > t.index(after: t.startIndex)
  }

  /// Which kinds of block `config` asks for some line could open: its first byte after the
  /// indent is a backtick or tilde (a fence); a `>` or `.`, or it ends with a colon (a doctest
  /// line, a directive, `::`: a literal block); a `=`, `+`, `|`, `-`, `:` or `.` (a table's
  /// border or delimiter row, a substitution definition). One look at each end of each line, and
  /// no allocation: most documents have no such line, and are done here; a document with list
  /// items (`- `) looks for tables only.
  static func mayHaveBlocks(_ document: Document, _ config: Config) -> (fenced: Bool, literal: Bool, tables: Bool) {
    var fenced = false
    var literal = false
    var tables = false
    for f in document.fragments {
      var text = f.text
      text.withUTF8 { buf in
        let (i, e) = HardWrap.trimmed(buf)
        if i == e { return }
        let b = buf[i]
        if config.fenced && (b == 0x60 || b == 0x7E) { fenced = true }
        if config.tables && (b == 0x3D || b == 0x2B || b == 0x7C || b == 0x2D || b == 0x3A || b == 0x2E) { tables = true }
        if config.literal && (b == 0x3E || b == 0x2E || buf[e - 1] == 0x3A) { literal = true }
      }
    }
    return (fenced, literal, tables)
  }

  /// The code blocks of a document that `config` asks for, in order.
  public static func ranges(_ document: Document, _ config: Config) -> [Range<Int>] {
    let may = mayHaveBlocks(document, config)
    // (A fence also holds the lines that would open other blocks: they are looked for outside it.)
    let fenced = may.fenced ? fencedRanges(document) : []
    let literal = may.literal ? literalRanges(document, outside: fenced) : []
    let before = literal.isEmpty ? fenced : (fenced + literal).sorted { $0.lowerBound < $1.lowerBound }
    guard may.tables else { return before }
    let tables = tableRanges(document, outside: before)
    if tables.isEmpty { return before }
    return (before + tables).sorted { $0.lowerBound < $1.lowerBound }
  }

  /// Take the code blocks `config` asks for out of `document`, a blank placeholder in each one's
  /// place; nil (and the document untouched) when it has none.
  public static func setAside(_ document: inout Document, _ config: Config = Config(fenced: true)) -> SetAside? {
    let ranges = ranges(document, config)
    if ranges.isEmpty { return nil }
    var aside = SetAside(blocks: [], lines: [])
    var out: [Fragment] = []
    out.reserveCapacity(document.fragments.count)
    var k = 0
    for r in ranges {
      out.append(contentsOf: document.fragments[k..<r.lowerBound])
      let block = Array(document.fragments[r])
      let line = block[0].line
      aside.blocks.append(block)
      aside.lines.append(line)
      out.append(Fragment(text: "", line: line, kind: .blank))
      k = r.upperBound
    }
    out.append(contentsOf: document.fragments[k...])
    document.fragments = out
    return aside
  }

  /// Put the blocks back where their placeholders are (see the type's comment).
  public static func restore(_ aside: SetAside, into document: inout Document) {
    var index: [Int: Int] = [:]
    for (b, line) in aside.lines.enumerated() { index[line] = b }
    var placed = [Bool](repeating: false, count: aside.blocks.count)
    var out: [Fragment] = []
    out.reserveCapacity(document.fragments.count + aside.blocks.reduce(0) { $0 + $1.count })
    for f in document.fragments {
      if let b = index[f.line], !placed[b], f.text.isEmpty {
        out.append(contentsOf: aside.blocks[b])
        placed[b] = true
      } else {
        out.append(f)
      }
    }
    for b in aside.blocks.indices where !placed[b] {
      let line = aside.lines[b]
      let at = out.firstIndex { $0.line > line } ?? out.count
      out.insert(contentsOf: aside.blocks[b], at: at)
    }
    document.fragments = out
  }
}
