/// A lexicon file: one entry a line, `#` comments, blank lines ignored. Lines of the form
/// `from->to` map a word to its repair; a trailing comma (`from->to,`) marks an ambiguous entry
/// that is only suggested, as in codespell's dictionaries.
public struct Lexicon: Sendable {
  public struct Entry: Sendable, Equatable {
    public let replacement: String
    public let ambiguous: Bool
  }

  public let entries: [String: Entry]
  public let words: Set<String>

  public init(text: String) {
    var entries: [String: Entry] = [:]
    var words = Set<String>()
    for line in Lexicon.lines(text) {
      if let r = line.range(of: "->") {
        let from = String(line[..<r.lowerBound])
        var to = String(line[r.upperBound...])
        let ambiguous = to.hasSuffix(",")
        if ambiguous { to.removeLast() }
        entries[from] = Entry(replacement: to, ambiguous: ambiguous)
      } else {
        words.insert(line)
      }
    }
    self.entries = entries
    self.words = words
  }

  /// The meaningful lines of a lexicon file (comments and blanks dropped, whitespace trimmed).
  public static func lines(_ text: String) -> [String] {
    var out: [String] = []
    for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
      var s = Substring(raw)
      while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
      while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
      if s.isEmpty || s.first == "#" { continue }
      out.append(String(s))
    }
    return out
  }
}
