import Foundation
import Testing

@testable import MendCore

/// Hard-wrapped text (e-mail, licences, release notes, plain-text books): a line end inside a
/// paragraph is not a fragment end. Found on text nobody tuned mend on: the dedup stages removed
/// wrapped lines of the GNU licences as "near-duplicates" (`b) Convey the object code in, or
/// embodied in, a physical product` after the same words in clause a), breaking clause b), and a
/// `were` at the start of a wrapped line became `we're`.
@Suite struct HardWrapTests {
  /// The articles of the evaluation corpus, each a list of paragraphs.
  static let articles: [[String]] = {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return obj?["paragraphs"] as? [String]
    }
  }()

  /// Greedy wrap at `width` characters; each break replaces one space (as `mend-eval --wrap`).
  static func wrap(_ p: String, _ width: Int = 72) -> String {
    var scalars = Array(p.unicodeScalars)
    var lineStart = 0
    var lastSpace = -1
    for i in scalars.indices {
      if scalars[i] == " " { lastSpace = i }
      if i - lineStart >= width && lastSpace > lineStart {
        scalars[lastSpace] = "\n"
        lineStart = lastSpace + 1
      }
    }
    var v = String.UnicodeScalarView()
    v.append(contentsOf: scalars)
    return String(v)
  }

  static func wrapped(_ paragraphs: [String], _ width: Int = 72) -> String {
    paragraphs.map { wrap($0.replacingOccurrences(of: "\n", with: " "), width) }.joined(separator: "\n\n")
  }

  static func stripped(_ p: String) -> String {
    String(String.UnicodeScalarView(p.unicodeScalars.filter { !"'\u{2019}\"\u{201C}\u{201D}".unicodeScalars.contains($0) }))
  }

  /// The default pipeline with some stages' options overridden, or only the stages in `only`.
  static func pipeline(_ overrides: [String: [String: OptionValue]] = [:], only: Set<String>? = nil) -> Pipeline {
    var entries: [Pipeline.Entry] = []
    for e in Repo.pipeline.entries where only?.contains(e.id) ?? true {
      if let o = overrides[e.id], let spec = StageRegistry.spec(e.id), let config = Repo.rules.stages.first(where: { $0.id == e.id }) {
        var values = config.options.values
        for (k, v) in o { values[k] = v }
        entries.append(Pipeline.Entry(id: e.id, stage: try! spec.make(StageOptions(values: values, baseDirectory: config.options.baseDirectory))))
      } else {
        entries.append(e)
      }
    }
    return Pipeline(entries: entries, sentenceLocale: Repo.pipeline.sentenceLocale, abbreviations: Repo.pipeline.abbreviations)
  }

  static func stage(_ id: String, _ overrides: [String: OptionValue] = [:]) -> Pipeline {
    pipeline([id: overrides], only: [id])
  }

  // MARK: detection

  @Test func realArticlesWrappedAreFoundAndAsTheyAreAreNot() throws {
    try #require(Self.articles.count >= 200, "the evaluation corpus is missing")
    var found = 0
    var eligible = 0
    for a in Self.articles {
      // A paragraph a line (as published) and a sentence a line (scraped fragments): never.
      #expect(HardWrap.softEnds(Document(text: a.joined(separator: "\n"))) == nil)
      let sentences = a.flatMap { p in p.components(separatedBy: ". ").map { $0.hasSuffix(".") ? $0 : $0 + "." } }
      #expect(HardWrap.softEnds(Document(text: sentences.joined(separator: "\n"))) == nil)
      let text = Self.wrapped(a)
      if text.split(separator: "\n").count < 12 { continue }
      eligible += 1
      if HardWrap.softEnds(Document(text: text)) != nil { found += 1 }
    }
    #expect(eligible >= 200)
    #expect(found * 100 >= eligible * 95, "found \(found) of \(eligible) wrapped articles")
  }

  /// Verse runs its sentences over short lines: its line ends stay fragment ends, so a refrain
  /// is the rules' call (`keep-refrains`), not a piece of a sentence.
  @Test func verseIsNotWrapped() {
    #expect(HardWrap.softEnds(Document(text: StageRun.poem)) == nil)
  }

  /// Lines of closing quotes and brackets only: nothing before them ends a sentence (the scan
  /// back over them once read before the line's first byte: FastPathS7Tests' random texts
  /// crashed the debug build).
  @Test(arguments: ["’", "”", "’’", "\"", "'”)", " ” ", "a’", "x.’", "’’’’"])
  func linesOfClosingQuotes(_ line: String) {
    let s = HardWrap.fullShape(line)
    #expect(!s.blank)
    #expect(s.open == !line.contains("."))
    #expect(HardWrap.shape(line).open == s.open)
  }

  @Test func theBundledExampleIsNotWrapped() {
    #expect(HardWrap.softEnds(Document(text: StageRun.exampleLines().joined(separator: "\n"))) == nil)
  }

  @Test func softEndsFollowTheSentence() throws {
    let text = """
      The committee will publish the report in the autumn, after the
      consultation has closed and the responses have been read.
      The minister said the report would be ready before the end of the
      year, but officials warned of delays in the count of responses
      received by post:
      - the letters from abroad
      - the late forms
      """
    let soft = try #require(HardWrap.softEnds(Document(text: text)))
    #expect(soft == [true, false, true, true, false, false, false])
  }

  // MARK: dedup

  /// Two list items that share their opening words, wrapped: no line of either is a copy.
  static let clauses = """
    You may send the report in one of these ways, provided that you
    also keep a copy in the office that filed the claim:
    a) Send the printed report by post, or deliver it by hand, to the
    office named in the notice, together with the signed form that
    the notice asks for.
    b) Send the printed report by post, or deliver it by hand, to the
    office named in the notice, together with a written statement
    that the form will follow within thirty days.
    """

  @Test func wrappedClausesLoseNoLine() {
    for id in ["remove-repeated-sentences", "remove-near-duplicates"] {
      let on = Self.stage(id).clean(Self.clauses)
      #expect(on.text == Self.clauses, "\(id)")
      #expect(on.changes.isEmpty, "\(id)")
    }
    // The gap this closes: with hard-wrap off, lines of clause b) go as copies of clause a)'s
    // (keep-structure off too: since session 13 it keeps the list item lines b) and a) anyway).
    let off = Self.stage("remove-near-duplicates", ["hard-wrap": .bool(false), "keep-structure": .bool(false)]).clean(Self.clauses)
    #expect(off.changes.contains { $0.action == .remove })
  }

  @Test func aWholeSentenceRepeatedInsideWrappedLinesStillGoes() {
    let text = """
      The first release fixed the crash on start-up. This has been fixed
      in the tools as well, and the manual was updated for the new menu.
      The second release fixed the search. This has been fixed in the
      tools as well. It also added a new colour for the toolbar buttons.
      The third release is due in the spring, with the new printing code.
      """
    // `This has been fixed in the tools as well` is cut by line ends in both places: it stays;
    // the complete sentence `It also added ...` is no copy of anything. Nothing goes.
    #expect(Repo.pipeline.clean(text).changes.allSatisfy { $0.action != .remove })
    let repeated = text + "\nThe second release fixed the search.\n"
    let r = Repo.pipeline.clean(repeated)
    #expect(r.changes.filter { $0.action == .remove }.count == 1)
  }

  /// Real articles, wrapped at 72: the default pipeline removes no more than it removes from the
  /// same articles a paragraph a line (there, only sentences an article itself repeats).
  @Test func wrappedRealArticlesLoseNothing() throws {
    try #require(Self.articles.count >= 200, "the evaluation corpus is missing")
    var wrappedRemovals = 0
    var plainRemovals = 0
    var offRemovals = 0
    let off = Self.pipeline(["remove-repeated-sentences": ["hard-wrap": .bool(false)], "remove-near-duplicates": ["hard-wrap": .bool(false)]])
    for a in Self.articles.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
      let text = Self.wrapped(a)
      wrappedRemovals += Repo.pipeline.clean(text).changes.filter { $0.action == .remove && $0.applied }.count
      plainRemovals += Repo.pipeline.clean(a.joined(separator: "\n")).changes.filter { $0.action == .remove && $0.applied }.count
      offRemovals += off.clean(text).changes.filter { $0.action == .remove && $0.applied }.count
    }
    #expect(wrappedRemovals <= plainRemovals, "wrapped \(wrappedRemovals), a paragraph a line \(plainRemovals)")
    // Without hard-wrap, pieces of wrapped sentences go as copies of other pieces.
    #expect(offRemovals > wrappedRemovals, "without hard-wrap \(offRemovals), with \(wrappedRemovals)")
  }

  // MARK: apostrophes

  @Test func apostrophesReadAcrossLineEnds() {
    let p = Self.stage("repair-apostrophes")
    let text = """
      The two ministers met in the capital on Monday, and they
      were going to sign the agreement on Tuesday, but the talks broke
      down because
      were still far apart on the question of the border, one said.
      """
    let out = p.clean(text)
    let lines = out.text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[1].hasPrefix("were going"))  // `they were`: no sentence starts at the line
    #expect(lines[3].hasPrefix("we're still"))  // `because we're`: the word before is on line 3
    let c = out.changes.filter(\.applied)
    #expect(c.count == 1)
    #expect(c.first?.line == 4 && c.first?.column == 1)
  }

  @Test func changesKeepTheirLineAndColumn() {
    let p = Self.stage("repair-apostrophes")
    let text = """
      The council said on Monday that the plan would go ahead and that
      residents who dont agree can write to the office before the end of
      the month, though most of them wont, a spokesman said after the
      meeting on Monday.
      """
    let out = p.clean(text)
    let c = out.changes.filter(\.applied).map { "\($0.line):\($0.column) \($0.before)" }
    #expect(c == ["2:15 dont", "3:32 wont"])
    #expect(out.text.contains("residents who don't agree") && out.text.contains("most of them won't, a"))
  }

  /// Stripped articles, wrapped: the repairs are those of the same articles a paragraph a line.
  @Test func wrappedRepairsEqualParagraphRepairs() throws {
    try #require(Self.articles.count >= 200, "the evaluation corpus is missing")
    let p = Self.stage("repair-apostrophes")
    var compared = 0
    for a in Self.articles.enumerated().filter({ $0.offset % 4 == 0 }).map(\.element) {
      let damaged = a.map { Self.stripped($0.replacingOccurrences(of: "\n", with: " ")) }
      let plain = p.clean(damaged.joined(separator: "\n")).text.split(separator: "\n", omittingEmptySubsequences: false)
      let wrapped = p.clean(Self.wrapped(damaged)).text.components(separatedBy: "\n\n").map { $0.replacingOccurrences(of: "\n", with: " ") }
      #expect(wrapped.count == plain.count)
      for (w, q) in zip(wrapped, plain) where w != String(q) {
        Issue.record("wrapped \(w.debugDescription) != \(String(q).debugDescription)")
      }
      compared += 1
    }
    #expect(compared >= 50)
  }
}
