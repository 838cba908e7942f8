import ArgumentParser
import Foundation
import MendCore

/// `mend-eval apostrophes`: strip ' ’ and double quotes from real articles, run the apostrophe
/// stage, and score precision and recall over the tokens that had an apostrophe in the original.
struct Apostrophes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apostrophes",
    abstract: "Precision and recall of apostrophe repair on real text with apostrophes stripped.")

  @Option var corpus = Corpus.defaultPath
  @Option var split: Split = .test
  @Option(help: "Rules file (default: rules/mend.yml).") var rules: String?
  @Option(help: "Write the damaged paragraphs (one a line) to this file and stop.") var writeDamaged: String?
  @Option(help: "Score this file (the damaged paragraphs repaired by another tool, one a line) instead of running mend.") var scoreFile: String?
  @Option(help: "Name for the scored tool in the report.") var label = "mend"
  @Option(help: "Print up to N errors (use on the fit split only).") var showErrors = 0
  @Option(help: "Hard-wrap every paragraph at this many characters (a line break replaces a space; a blank line between paragraphs), as e-mail and plain-text books are, before repairing; 0 keeps a paragraph a line.") var wrap = 0
  @Flag(help: "Score only the dev fold of the fit split (fit articles with (index / 5) % 4 == 0), to choose thresholds for counts mined without it (scripts/mine-possessive-stats.py --hold-out-dev).") var dev = false

  static let ambiguous: Set<String> = [
    "it's", "we're", "we'll", "can't", "won't", "i'll", "he'll", "she'll", "i'd", "let's", "she'd",
    "we'd", "who's", "he's",
  ]
  static let sContractions: Set<String> = [
    "that's", "there's", "what's", "here's", "where's", "how's", "she's", "when's", "why's",
  ]
  static let categories = ["possessive 's", "n't", "'re 've 'll 'd 'm 's", "ambiguous (its/it's...)", "names and other", "plural possessive s'"]

  static func category(_ core: String) -> Int {
    let l = core.lowercased()
    if l.hasSuffix("s'") { return 5 }
    if ambiguous.contains(l) { return 3 }
    if l.hasSuffix("n't") { return 1 }
    if sContractions.contains(l) || ["'re", "'ve", "'ll", "'d", "'m"].contains(where: { l.hasSuffix($0) }) { return 2 }
    if l.hasSuffix("'s") { return 0 }
    return 4
  }

  /// The token without surrounding punctuation; ’ as '; a closing quote dropped.
  static func core(_ chunk: Substring) -> String {
    var s = Array(chunk.replacingOccurrences(of: "’", with: "'").unicodeScalars)
    func alnum(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c.properties.numericType != nil }
    while let f = s.first, !alnum(f) { s.removeFirst() }
    while let l = s.last, !alnum(l) && l != "'" { s.removeLast() }
    while s.last == "'" {
      if s.count >= 2 && (s[s.count - 2] == "s" || s[s.count - 2] == "S") { break }
      s.removeLast()
      while let l = s.last, !alnum(l) && l != "'" { s.removeLast() }
    }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: s)
    return String(out)
  }

  /// Greedy hard wrap at `width` characters: each line break replaces one space, so joining the
  /// lines with spaces gives the paragraph back exactly. A word longer than the width stays whole.
  static func hardWrap(_ p: String, width: Int) -> String {
    var out = String.UnicodeScalarView()
    var lineStart = 0
    var lastSpace = -1
    var scalars = Array(p.unicodeScalars)
    for i in scalars.indices {
      if scalars[i] == " " { lastSpace = i }
      if i - lineStart >= width && lastSpace > lineStart {
        scalars[lastSpace] = "\n"
        lineStart = lastSpace + 1
      }
    }
    out.append(contentsOf: scalars)
    return String(out)
  }

  static func damage(_ p: String) -> (reference: String, damaged: String) {
    var r = String.UnicodeScalarView()
    var d = String.UnicodeScalarView()
    for var c in p.unicodeScalars {
      // One paragraph stays one line.
      if c == "\n" || c == "\r" { c = " " }
      if c == "\"" || c == "\u{201C}" || c == "\u{201D}" { continue }
      r.append(c)
      if c == "'" || c == "\u{2019}" { continue }
      d.append(c)
    }
    return (String(r), String(d))
  }

  func run() throws {
    var articles = try Corpus.load(corpus, split: dev ? .all : split)
    if dev {
      articles = articles.enumerated().filter { $0.offset % 5 != 0 && ($0.offset / 5) % 4 == 0 }.map(\.element)
    }
    let ruleSet = try Corpus.rules(rules)
    let full = try Pipeline(rules: ruleSet)
    let entries = full.entries.filter { $0.id.hasPrefix("repair-apostrophes") }
    guard !entries.isEmpty else { throw ValidationError("the rules have no repair-apostrophes stage") }
    let pipeline = Pipeline(
        entries: entries, sentenceLocale: full.sentenceLocale, abbreviations: full.abbreviations, codeBlocks: full.codeBlocks)
    let seg = pipeline.makeSegmenter()

    var references: [String] = []
    var damagedDocs: [[String]] = []
    for a in articles {
      var doc: [String] = []
      for p in a.paragraphs {
        let (r, d) = Self.damage(p)
        references.append(r)
        doc.append(d)
      }
      damagedDocs.append(doc)
    }
    let wrapWidth = wrap
    /// A document's text: a paragraph a line, or hard-wrapped paragraphs with blank lines between.
    func text(_ paragraphs: [String]) -> String {
      wrapWidth > 0 ? paragraphs.map { Self.hardWrap($0, width: wrapWidth) }.joined(separator: "\n\n") : paragraphs.joined(separator: "\n")
    }
    /// The paragraphs back from a repaired text (wrapped lines joined with the spaces they replaced).
    func paragraphs(_ out: String) -> [String] {
      if wrapWidth == 0 { return out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
      return out.components(separatedBy: "\n\n").map { $0.replacingOccurrences(of: "\n", with: " ") }
    }
    if let path = writeDamaged {
      try (damagedDocs.flatMap { $0 }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      print("wrote \(references.count) damaged paragraphs to \(path)")
      return
    }

    var outputs: [String] = []
    // The changes recorded on each output line (for --show-errors).
    var lineChanges: [[Change]] = []
    var suggestions = 0
    var edits = 0
    var bytes = 0
    let start = Date()
    if let path = scoreFile {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      outputs = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if outputs.last == "" { outputs.removeLast() }
      guard outputs.count == references.count else {
        throw ValidationError("\(path) has \(outputs.count) lines; expected \(references.count)")
      }
    } else {
      for doc in damagedDocs {
        let text = text(doc)
        bytes += text.utf8.count
        let (out, changes) = pipeline.clean(text, segmenter: seg)
        suggestions += changes.filter { !$0.applied }.count
        edits += changes.filter(\.applied).count
        let lines = paragraphs(out)
        precondition(lines.count == doc.count, "paragraph count changed")
        var perLine = [[Change]](repeating: [], count: lines.count)
        if wrapWidth == 0 {
          for c in changes where c.line >= 1 && c.line <= lines.count { perLine[c.line - 1].append(c) }
        }
        lineChanges += perLine
        outputs += lines
      }
    }
    let seconds = Date().timeIntervalSince(start)

    var tp = [Int](repeating: 0, count: 6)
    var fp = tp
    var fn = tp
    var shown = 0
    for (li, (r, o)) in zip(references, outputs).enumerated() {
      let rc = r.split(separator: " ", omittingEmptySubsequences: false)
      let oc = o.split(separator: " ", omittingEmptySubsequences: false)
      guard rc.count == oc.count else {
        // The other tool changed spacing: count every apostrophe token of the line as missed.
        for c in rc { let k = Self.core(c); if k.contains("'") { fn[Self.category(k)] += 1 } }
        continue
      }
      for (j, (a, b)) in zip(rc, oc).enumerated() {
        let ka = Self.core(a)
        let kb = Self.core(b)
        let ra = ka.contains("'")
        let rb = kb.contains("'")
        if !ra && !rb { continue }
        if ka == kb { tp[Self.category(ka)] += 1; continue }
        if ra { fn[Self.category(ka)] += 1 }
        if rb { fp[Self.category(kb)] += 1 }
        if shown < showErrors {
          shown += 1
          let window = oc[max(0, j - 5)..<min(oc.count, j + 6)].joined(separator: " ")
          print("  \(ra ? (rb ? "WRONG" : "MISS ") : "FALSE") \(ka) -> \(kb)   | \(window)")
          if li < lineChanges.count {
            let stripped = ka.replacingOccurrences(of: "'", with: "")
            for c in lineChanges[li] where c.before.replacingOccurrences(of: "'", with: "") == stripped || c.after == kb {
              print("      \(c.applied ? "applied" : "suggested") \(c.rule): \(c.before) -> \(c.after): \(c.reason)")
            }
          }
        }
      }
    }

    func pr(_ t: Int, _ p: Int, _ n: Int) -> String {
      let prec = t + p == 0 ? 1 : Double(t) / Double(t + p)
      let rec = t + n == 0 ? 1 : Double(t) / Double(t + n)
      return String(format: "precision %.4f  recall %.4f  (tp %d, fp %d, fn %d)", prec, rec, t, p, n)
    }
    print("\(label) on the \(dev ? "dev fold of the fit" : split.rawValue) split: \(articles.count) articles, \(references.count) paragraphs")
    for (i, name) in Self.categories.enumerated() {
      print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(pr(tp[i], fp[i], fn[i]))")
    }
    let T = tp[0..<5].reduce(0, +)
    let P = fp[0..<5].reduce(0, +)
    let N = fn[0..<5].reduce(0, +)
    print("  \("all internal apostrophes".padding(toLength: 28, withPad: " ", startingAt: 0)) \(pr(T, P, N))")

    if scoreFile == nil {
      print("  edits applied \(edits), suggestions \(suggestions); \(String(format: "%.1f", Double(bytes) / 1e6 / max(seconds, 1e-9))) MB/s (this build, stage only)")
      // The undamaged original: every applied edit is a false alarm.
      var originalEdits = 0
      var originalChanges: [Change] = []
      for a in articles {
        let (_, changes) = pipeline.clean(text(a.paragraphs), segmenter: seg)
        let applied = changes.filter(\.applied)
        originalEdits += applied.count
        originalChanges += applied
      }
      print("  edits on the undamaged original: \(originalEdits)")
      for c in originalChanges.prefix(showErrors) { print("    \(c.before) -> \(c.after): \(c.reason)") }
    }
  }
}

/// `mend-eval throughput`: the whole default pipeline on the corpus articles with apostrophes
/// and quotes stripped, one document per article, on one core.
struct Throughput: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "throughput", abstract: "MB/s of the default pipeline on damaged corpus articles (one core).")
  @Option var corpus = Corpus.defaultPath
  @Option(help: "Rules file (default: rules/mend.yml).") var rules: String?
  @Option(help: "Passes over the corpus.") var repeats = 10
  @Flag(help: "Run on the undamaged articles.") var original = false

  func run() throws {
    let articles = try Corpus.load(corpus, split: .all)
    let t0 = Date()
    let pipeline = try Pipeline(rules: try Corpus.rules(rules))
    print(String(format: "rules loaded and stages built in %.1f ms", Date().timeIntervalSince(t0) * 1000))
    let seg = pipeline.makeSegmenter()
    let docs = articles.map { a in
      a.paragraphs.map { original ? $0 : Apostrophes.damage($0).damaged }.joined(separator: "\n")
    }
    let bytes = docs.reduce(0) { $0 + $1.utf8.count } * repeats
    var changes = 0
    let start = Date()
    for _ in 0..<repeats {
      for d in docs { changes += pipeline.clean(d, segmenter: seg).changes.count }
    }
    let s = Date().timeIntervalSince(start)
    print(String(format: "%.1f MB in %.2f s: %.1f MB/s (%d changes; stages: %@)", Double(bytes) / 1e6, s, Double(bytes) / 1e6 / s, changes, pipeline.entries.map(\.id).joined(separator: ", ")))
  }
}
