/// Code, commands and program output inside a document (a tutorial's code block, a terminal
/// session, a configuration file, a table of numbers): their lines repeat on purpose (`}`,
/// `0 8 34 0 active sync /dev/sdd2`, `"name": "demo",`), and removing a copy breaks them. The
/// dedup stages neither remove such a line or sentence nor keep it as the copy of another.
///
/// A unit looks like code when it has at least three tokens (runs of non-space bytes) and fewer
/// than half of them are plain words, or two tokens or more, at most half of them plain words and
/// one technical (`Files: src/eval.c`, `"region": "us-west-2",`; see `isTechnical`). A plain word
/// is letters only (ASCII or any non-ASCII letter byte), with
/// inner hyphens or apostrophes, no lower-case letter followed by a capital (`RaidDevice`,
/// `getValue`), and at most ASCII punctuation of prose around them (quotes, brackets, `, . ; : !
/// ?`). News prose, numbers and dates included (`Friday, January 4, 2019`: two words of four),
/// stays above the line; on the Wikinews corpus no sentence of a Latin-script article falls below
/// it. Looked at only for a unit about to be removed, so it costs nothing elsewhere.
public enum CodeLines {
  static let option = OptionSpec(
    "code", .bool, default: .bool(true),
    help: "Leave lines and sentences that look like code, commands or program output alone (at least 3 tokens, fewer than half of them plain words): they are neither removed nor kept as the copy of another. Two sentences whose inline code spans (`x`, ``x``) differ are not near-duplicates.")

  /// Whether a line looks like code, commands or program output, which the dedup stages leave
  /// alone (for tools such as `mend-eval dedup`, which injects no copy of such a line).
  public static func looksLikeCode(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { looksLikeCode($0) }
  }

  /// Whether `bytes` looks like code (see the type's comment).
  static func looksLikeCode(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if isShellCommand(bytes) { return true }
    var tokens = 0
    var words = 0
    var technical = false
    var i = 0
    let n = bytes.count
    while i < n {
      while i < n && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
      if i == n { break }
      var e = i
      while e < n && bytes[e] != 0x20 && bytes[e] != 0x09 { e += 1 }
      tokens += 1
      if isWord(bytes, i, e) { words += 1 }
      if !technical { technical = isTechnical(bytes, i, e) }
      i = e
    }
    return (tokens >= 3 && 2 * words < tokens) || (tokens >= 2 && 2 * words <= tokens && technical)
  }

  /// A command at a shell prompt: `$ ` and a lower-case letter, `.` or `/` (`$ gcloud services
  /// enable my-service`, `$ ./configure`, `$ sudo make install`; not `$ 5 million`). Man pages and
  /// READMEs show the same command again with one more argument.
  static func isShellCommand(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
    guard i + 2 < b.count, b[i] == 0x24, b[i + 1] == 0x20 else { return false }
    let c = b[i + 2]
    return Bytes.isLower(c) || c == 0x2E || c == 0x2F
  }

  /// A token of code: it starts a comment (`//`, `#`), is a key in quotes (`"region":`), holds a
  /// mark of code inside (`/ \ _ = { }
  /// < > [ ] | $ # @ ~ ^ * ( ) ; :` between its first and last byte: `src/eval.c`, `a=b`,
  /// `foo(x)`), or a dot between two letters (`ssh.service`, `register.c`).
  static func isTechnical(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
    if b[s] == 0x23 || (e - s >= 2 && b[s] == 0x2F && b[s + 1] == 0x2F) { return true }
    // A JSON or YAML key in quotes: `"region":`.
    if e - s >= 3 && b[e - 1] == 0x3A && b[e - 2] == 0x22 { return true }
    if e - s < 3 { return false }
    for k in (s + 1)..<(e - 1) {
      switch b[k] {
      case 0x2F, 0x5C, 0x5F, 0x3D, 0x7B, 0x7D, 0x3C, 0x3E, 0x5B, 0x5D, 0x7C, 0x24, 0x23, 0x40, 0x7E, 0x5E, 0x2A, 0x28,
        0x29, 0x3B, 0x3A:
        return true
      case 0x2E:
        if (Bytes.isUpper(b[k - 1]) || Bytes.isLower(b[k - 1])) && (Bytes.isUpper(b[k + 1]) || Bytes.isLower(b[k + 1])) { return true }
      default: break
      }
    }
    return false
  }

  /// Prose punctuation that may stand around a word.
  @inline(__always)
  static func isWrapping(_ b: UInt8) -> Bool {
    switch b {
    case 0x22, 0x27, 0x28, 0x29, 0x5B, 0x5D, 0x2C, 0x2E, 0x3B, 0x3A, 0x21, 0x3F: return true
    default: return false
    }
  }

  /// The last byte of ‘ ’ “ ” (E2 80 98, 99, 9C, 9D).
  @inline(__always)
  static func isCurlyQuote(_ c: UInt8) -> Bool { c == 0x98 || c == 0x99 || c == 0x9C || c == 0x9D }

  static func isWord(_ b: UnsafeBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Bool {
    var s = s0
    var e = e0
    while s < e && isWrapping(b[s]) { s += 1 }
    while e > s && isWrapping(b[e - 1]) { e -= 1 }
    // UTF-8 curly quotes around the word (‘ ’ “ ”: E2 80 98/99/9C/9D).
    while e - s >= 3 && b[s] == 0xE2 && b[s + 1] == 0x80 && isCurlyQuote(b[s + 2]) { s += 3 }
    while e - s >= 3 && b[e - 3] == 0xE2 && b[e - 2] == 0x80 && isCurlyQuote(b[e - 1]) { e -= 3 }
    if s == e { return false }
    var prevLower = false
    var prevJoin = true  // no hyphen or apostrophe first
    var k = s
    while k < e {
      let c = b[k]
      if c >= 0x80 {
        // A non-ASCII letter (or other character): counted as a letter; a curly apostrophe
        // inside (’) joins like '.
        if e - k >= 3 && c == 0xE2 && b[k + 1] == 0x80 && b[k + 2] == 0x99 {
          if prevJoin { return false }
          prevJoin = true
          k += 3
          continue
        }
        prevLower = false
        prevJoin = false
        k += 1
        continue
      }
      if c >= 0x61 && c <= 0x7A {
        prevLower = true
        prevJoin = false
      } else if c >= 0x41 && c <= 0x5A {
        if prevLower { return false }
        prevJoin = false
      } else if c == 0x2D || c == 0x27 {
        if prevJoin { return false }
        prevJoin = true
        prevLower = false
      } else {
        return false
      }
      k += 1
    }
    return !prevJoin
  }

  /// Whether the unit's text looks like code.
  static func looksLikeCode(_ u: DedupText.Unit, _ document: Document) -> Bool {
    var text = document.fragments[u.fragment].text
    return text.withUTF8 { buf in
      let r = u.range.clamped(to: 0..<buf.count)
      return looksLikeCode(UnsafeBufferPointer(rebasing: buf[r]))
    }
  }

  /// The inline code spans of a unit, in order: the text between a run of backticks and the next
  /// run of as many (Markdown `` `x` ``, reStructuredText ``` ``x`` ```). Words alone cannot tell
  /// `The expression ``foo.bar[*].name`` will return ...` from `The expression ``foo.*.name``
  /// will return ...` (jmespath's description): two sentences that differ in their code say
  /// different things, and `remove-near-duplicates` keeps both (with `code`).
  static func codeSpans(_ u: DedupText.Unit, _ document: Document) -> [[UInt8]] {
    var text = document.fragments[u.fragment].text
    return text.withUTF8 { buf in
      let r = u.range.clamped(to: 0..<buf.count)
      var spans: [[UInt8]] = []
      var i = r.lowerBound
      while i < r.upperBound {
        guard buf[i] == 0x60 else {
          i += 1
          continue
        }
        var k = i
        while k < r.upperBound && buf[k] == 0x60 { k += 1 }
        let run = k - i
        // The closing run: the next run of exactly as many backticks.
        var j = k
        var close = -1
        while j < r.upperBound {
          if buf[j] != 0x60 {
            j += 1
            continue
          }
          var m = j
          while m < r.upperBound && buf[m] == 0x60 { m += 1 }
          if m - j == run {
            close = j
            break
          }
          j = m
        }
        if close < 0 { break }
        spans.append(Array(buf[k..<close]))
        i = close + run
      }
      return spans
    }
  }
}
