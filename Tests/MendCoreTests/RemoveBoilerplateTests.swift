import Foundation
import Testing

@testable import MendCore

@Suite struct RemoveBoilerplateTests {
  static var patterns: OptionValue {
    Repo.rules.stages.first { $0.id == RemoveBoilerplate.id }!.options.values["patterns"]!
  }
  func run(_ t: String, _ o: [String: OptionValue] = [:]) -> (text: String, changes: [Change], document: Document) {
    var opts = o
    if opts["patterns"] == nil { opts["patterns"] = Self.patterns }
    return StageRun.run(RemoveBoilerplate.spec, t, opts)
  }

  @Test(arguments: [
    "Share on Facebook", "Share", "Read more", "Read more:", "Advertisement", "Photograph: Alexei Druzhinin/AP",
    "Sign up to our morning newsletter", "Facebook Twitter Email", "Click here to subscribe", "SHARE THIS ARTICLE",
  ])
  func removesWholeFurnitureLines(_ line: String) {
    let r = run("A sentence of the story.\n" + line + "\nAnother sentence.\n")
    #expect(r.text == "A sentence of the story.\nAnother sentence.\n")
    #expect(r.changes.count == 1)
    #expect(r.changes[0].action == .remove)
    #expect(r.changes[0].line == 2)
    #expect(r.changes[0].before == line)
  }

  @Test(arguments: [
    "You can read more about the treaty in the archive.",
    "Share prices fell sharply on Monday.",
    "Advertisement revenue rose by 4%.",
    "Photograph: the one that won the prize was taken in 1956. It shows a street in Paris.",
    "Facebook said it would appeal the ruling.",
  ])
  func keepsSentencesThatOnlyStartLikeFurniture(_ line: String) {
    #expect(run(line + "\n").changes.isEmpty)
  }

  @Test func caseSensitiveOption() {
    #expect(run("READ MORE\n", ["case-insensitive": .bool(false)]).text == "READ MORE\n")
    #expect(run("READ MORE\n").text == "")
  }

  @Test func noPatternsNoChanges() {
    #expect(StageRun.run(RemoveBoilerplate.spec, "Read more\n").changes.isEmpty)
  }

  @Test func longDocument() {
    var lines: [String] = []
    var rng = TestRandom(state: 3)
    for i in 0..<100_000 { lines.append(i % 100 == 0 ? "Read more" : rng.sentence(words: 10)) }
    let r = run(lines.joined(separator: "\n"))
    #expect(r.changes.count == 1000)
    #expect(r.document.fragments.count == 99_000)
  }
}

/// The prefix filter must pass every line a pattern matches (it only saves regex runs).
@Suite struct RegexPrefixFilterTests {
  func regexMatches(_ patterns: [String], _ line: String, caseInsensitive: Bool = true) -> Bool {
    let opts: NSRegularExpression.Options = caseInsensitive ? [.caseInsensitive] : []
    for p in patterns {
      let re = try! NSRegularExpression(pattern: "^(?:" + p + ")$", options: opts)
      if re.firstMatch(in: line, options: [], range: NSRange(location: 0, length: (line as NSString).length)) != nil {
        return true
      }
    }
    return false
  }

  func mayMatch(_ f: RegexPrefixFilter, _ line: String) -> Bool {
    var s = line
    return s.withUTF8 { f.mayMatch($0) }
  }

  @Test func passesEveryShortStringAPatternMatches() {
    let patterns = ["a{2,3}b", "(ab|c)*d", "x?y+z", "[a-c ]{0,3}x", "b\\.c?", "(?:z|yy)a+?", "cab{1,}", "d\\bx"]
    let alphabet = ["a", "b", "c", "d", "x", "y", "z", "A", " ", "."]
    var all: [String] = [""]
    var frontier: [String] = [""]
    for _ in 0..<4 {
      frontier = frontier.flatMap { s in alphabet.map { s + $0 } }
      all += frontier
    }
    for ci in [true, false] {
      for longest in [3, 4] {
        let f = RegexPrefixFilter(patterns: patterns, caseInsensitive: ci, longest: longest)!
        var rejected = 0
        for s in all {
          let m = regexMatches(patterns, s, caseInsensitive: ci)
          let may = mayMatch(f, s)
          if m { #expect(may, "\(s) matches but was filtered out") }
          if !may { rejected += 1 }
        }
        #expect(rejected > all.count / 2)
      }
    }
    // Longer strings with the default (longest) prefixes.
    var rng = TestRandom(state: 11)
    for ci in [true, false] {
      let f = RegexPrefixFilter(patterns: patterns, caseInsensitive: ci)!
      var matched = 0
      var rejected = 0
      for _ in 0..<30_000 {
        var s = ""
        for _ in 0..<Int(rng.next() % 12) { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        if rng.next() % 2 == 0 { s = "aab" + s }  // some that match the first pattern's start
        let may = mayMatch(f, s)
        if regexMatches(patterns, s, caseInsensitive: ci) {
          matched += 1
          #expect(may, "\(s) matches but was filtered out")
        }
        if !may { rejected += 1 }
      }
      #expect(matched > 10)
      #expect(rejected > 2_000)  // strings of eight characters or more that start no way a pattern can
    }
  }

  @Test func passesTheRulesPatternsOnFurnitureLines() {
    guard case .list(let patterns) = RemoveBoilerplateTests.patterns else {
      Issue.record("no patterns")
      return
    }
    let f = RegexPrefixFilter(patterns: patterns, caseInsensitive: true)
    #expect(f != nil)
    guard let f else { return }
    let pieces = [
      "Share", "share this", "on", "via", "article", "Facebook", "twitter", "X", "Read more", "here", ":", "…",
      "Photograph", "Photos:", "Image:", "AP", "/", "Reuters", "Sign up", "to", "for", "our", "the", "morning",
      "newsletter", ".", "!", "Advertisement", "Related", "stories", "Most popular", "click", "tap", "subscribe",
      "copy link", "email", "Illustration", "Composite", "photograph", "Alexei", "Druzhinin/AP", "recommended",
    ]
    var rng = TestRandom(state: 7)
    var matched = 0
    for _ in 0..<20_000 {
      var line = ""
      for j in 0..<Int(rng.next() % 5 + 1) {
        if j > 0 && rng.next() % 4 != 0 { line += " " }
        line += pieces[Int(rng.next() % UInt64(pieces.count))]
      }
      if rng.next() % 3 == 0 { line = line.uppercased() }
      if regexMatches(patterns, line) {
        matched += 1
        #expect(mayMatch(f, line), "\(line) matches but was filtered out")
      }
    }
    #expect(matched > 100)
    // Eight characters decide: "What ..." and "Most of ..." do not start like whatsapp or most popular.
    #expect(f.k == 8)
    #expect(!mayMatch(f, "What the talks meant."))
    #expect(!mayMatch(f, "Most of the talks went on."))
    #expect(!mayMatch(f, "The talks went on."))
    #expect(!mayMatch(f, "Moscow said on Monday that the talks would go on."))
    #expect(mayMatch(f, "ſhare"))  // non-ASCII start: the regex decides (case folding)
  }

  /// A non-ASCII character among a line's first k that cannot fold to ASCII matches no byte of a
  /// prefix (session 12: lines that start with a curly quote, a dash or a redaction block no
  /// longer reach the regex engine). Every BMP character is tried alone, at the start, inside
  /// and at the end of text that a pattern matches, against the rules' patterns and a few that
  /// ICU's full case folding can reach from one character (ß → ss, ﬁ → fi, K → k, ſ → s).
  @Test func charactersThatCannotFoldToASCIIAreFilteredExactly() throws {
    guard case .list(let rules) = RemoveBoilerplateTests.patterns else {
      Issue.record("no patterns")
      return
    }
    let patterns = rules + ["ss", "st", "fi", "k", "s", "a.c", "x[a-z ]y", "hare on (x|y)"]
    let f = try #require(RegexPrefixFilter(patterns: patterns, caseInsensitive: true))
    let re = try NSRegularExpression(
      pattern: "^(?:" + patterns.map { "(?:" + $0 + ")" }.joined(separator: "|") + ")$", options: [.caseInsensitive])
    func matches(_ line: String) -> Bool {
      re.firstMatch(in: line, options: [], range: NSRange(location: 0, length: (line as NSString).length)) != nil
    }
    var filtered = 0
    var matched = 0
    for v in 0x80...0xFFFF {
      guard let c = Unicode.Scalar(v) else { continue }
      for line in ["\(c)", "\(c)hare on x", "s\(c)", "Read more\(c)", "Photo: \(c)", "\(c)s", "S\(c)are"] {
        let may = mayMatch(f, line)
        if matches(line) {
          matched += 1
          #expect(may, "\(line) (U+\(String(v, radix: 16))) matches but was filtered out")
        }
        if !may { filtered += 1 }
      }
    }
    #expect(matched > 20)
    #expect(filtered > 100_000)
    let rulesFilter = try #require(RegexPrefixFilter(patterns: rules, caseInsensitive: true))
    for line in ["“Share on Facebook,” he said.", "— Read more", "█████ was redacted.", "हिन्दी में", "«Photo»"] {
      #expect(!mayMatch(rulesFilter, line))
    }
    #expect(mayMatch(rulesFilter, "Photo: José Martí/AP"))  // non-ASCII after the fixed start
  }

  @Test(arguments: [
    "^abc", "abc$", "(?i)abc", "(?=a)bc", "\\p{L}bc", ".*x", "[^a]bc", "\\Qab\\E", "(?<n>ab)", "a[[b]]",
  ])
  func givesNoFilterForUnmodelledStarts(_ p: String) {
    #expect(RegexPrefixFilter(patterns: ["read more", p], caseInsensitive: true) == nil)
  }

  @Test func anythingAfterUnmodelledPartsPasses() {
    let f = RegexPrefixFilter(patterns: ["ab.c", "xé+", "q\\d"], caseInsensitive: true)!
    #expect(mayMatch(f, "abzzzz"))
    #expect(mayMatch(f, "xssss"))
    #expect(mayMatch(f, "q1"))
    #expect(!mayMatch(f, "acbdefghij"))
    #expect(!mayMatch(f, "zzzzzzzzzz"))
  }
}
