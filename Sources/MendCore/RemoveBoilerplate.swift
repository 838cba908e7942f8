import Foundation

/// Whole lines of page furniture that scrapers keep (share buttons, `Read more`, newsletter
/// prompts, a `Photograph: ...` credit standing alone in the body), listed as patterns in the rules
/// file. A line is removed only when a pattern matches all of it.
public struct RemoveBoilerplate: Stage {
  public static let id = "remove-boilerplate"

  static let spec = StageSpec(
    id: id,
    summary: "Remove lines that are page furniture: each pattern must match the whole line (after trimming spaces).",
    options: [
      OptionSpec("patterns", .regexList, default: .list([]), help: "Regular expressions (ICU syntax) matched against the whole line."),
      OptionSpec("case-insensitive", .bool, default: .bool(true), help: "Match patterns without regard to case."),
      OptionSpec("max-bytes", .int, default: .int(160), help: "Longer lines are never boilerplate (and are not matched, which keeps the stage fast)."),
      OptionSpec("max-words", .int, default: .int(16), help: "Lines with more words are never boilerplate."),
    ],
    make: { try RemoveBoilerplate(options: $0) })

  /// NSRegularExpression is immutable and documented as thread-safe.
  final class Patterns: @unchecked Sendable {
    let combined: NSRegularExpression?
    let each: [(String, NSRegularExpression)]
    /// The ways a match can start, derived from the patterns (nil: not derivable): lines that
    /// start otherwise never reach the regex engine.
    let prefixes: RegexPrefixFilter?
    init(_ patterns: [String], caseInsensitive: Bool) throws {
      prefixes = RegexPrefixFilter(patterns: patterns, caseInsensitive: caseInsensitive)
      let opts: NSRegularExpression.Options = caseInsensitive ? [.caseInsensitive] : []
      each = try patterns.map { ($0, try NSRegularExpression(pattern: "^(?:" + $0 + ")$", options: opts)) }
      combined =
        patterns.isEmpty
        ? nil : try NSRegularExpression(pattern: "^(?:" + patterns.map { "(?:" + $0 + ")" }.joined(separator: "|") + ")$", options: opts)
    }
  }

  let patterns: Patterns
  let maxBytes: Int
  let maxWords: Int

  public init(options: StageOptions) throws {
    patterns = try Patterns(options.list("patterns"), caseInsensitive: options.bool("case-insensitive"))
    maxBytes = options.int("max-bytes")
    maxWords = options.int("max-words")
  }

  public func run(_ document: inout Document, _ context: inout StageContext) {
    guard let combined = patterns.combined else { return }
    // The document is rebuilt only when a line goes (most have none).
    var removed: [Int] = []
    for (i, f) in document.fragments.enumerated() where match(f.text, combined) {
      let which = patterns.each.first { match(f.text, $0.1) }?.0 ?? "?"
      context.record(
        rule: "pattern", action: .remove, line: f.line, column: 1, before: f.text, after: "",
        reason: "boilerplate: the whole line matches /\(which)/")
      removed.append(i)
    }
    if removed.isEmpty { return }
    var out: [Fragment] = []
    out.reserveCapacity(document.fragments.count - removed.count)
    var r = 0
    for (i, f) in document.fragments.enumerated() {
      if r < removed.count && removed[r] == i {
        r += 1
      } else {
        out.append(f)
      }
    }
    document.fragments = out
  }

  func match(_ text: String, _ re: NSRegularExpression) -> Bool {
    var t = text
    let quick = t.withUTF8 { buf -> Bool in
      let n = buf.count
      if n == 0 || n > maxBytes { return false }
      if let f = patterns.prefixes {
        // The trimmed line's start (bytes; the same as trimming characters when the first
        // remaining byte is ASCII, and mayMatch passes any non-ASCII start).
        var s = 0
        var e = n
        while s < e && (buf[s] == 0x20 || buf[s] == 0x09) { s += 1 }
        while e > s && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09) { e -= 1 }
        if !f.mayMatch(UnsafeBufferPointer(rebasing: buf[s..<e])) { return false }
      }
      var words = 0
      var inWord = false
      for b in buf {
        let w = b != 0x20 && b != 0x09
        if w && !inWord { words += 1 }
        inWord = w
      }
      return words <= maxWords
    }
    if !quick { return false }
    var trimmed = Substring(text)
    while let f = trimmed.first, f == " " || f == "\t" { trimmed = trimmed.dropFirst() }
    while let l = trimmed.last, l == " " || l == "\t" { trimmed = trimmed.dropLast() }
    let ns = String(trimmed) as NSString
    return re.firstMatch(in: String(trimmed), options: [], range: NSRange(location: 0, length: ns.length)) != nil
  }
}
