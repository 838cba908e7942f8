import ArgumentParser
import Foundation
import MendCore

/// `mend-eval dedup`: real articles, one sentence per line, with injected duplicates (a line
/// doubled in place, an exact copy, a near copy) at random positions; the dedup stages run and the
/// result is compared with the original, line by line (fragments keep their input line numbers).
struct DedupEval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dedup",
    abstract:
      "Doubled lines, exact and near-duplicate sentences injected into real articles: how many are removed, and is the complete copy kept?"
  )

  @Option var corpus = Corpus.defaultPath
  @Option var split: Split = .test
  @Option var rules: String?
  @Option(help: "Seed of the damage.") var seed: UInt64 = 4
  @Option(help: "Rounds of damage per article (each injects one of each kind).") var rounds = 3
  @Option(help: "Print this many misses of each kind.") var show = 0
  @Option(
    help:
      "Also run the undamaged articles hard-wrapped at this many characters (a blank line between paragraphs) and count the removals; 0 skips it."
  ) var wrap = 72
  @Option(help: "Write the damaged input of each missed duplicate into this folder.") var dumpMisses: String?
  @Option(
    help:
      "Instead of the evaluation: time the pipeline on the files of this folder (or this file), in memory, one document per file, in CPU seconds of this thread."
  )
  var speed: String?

  static let stageIDs: Set<String> = [
    "remove-boilerplate", "remove-tandem-repeats", "remove-repeated-sentences", "remove-near-duplicates",
  ]

  enum Kind: String, CaseIterable {
    case exact
    case exactLower = "exact-lowercase"
    case exactStripped = "exact-no-punctuation"
    case truncated, says, dropped
  }

  struct Injection {
    var kind: Kind
    var original: Int  // index of the original line in the article
    var line: Int  // input line of the injected copy (1-based)
  }

  func run() throws {
    if let speed { return try measureSpeed(speed) }
    let set = try Corpus.rules(rules)
    let full = try Pipeline(rules: set)
    let pipeline = Pipeline(
      entries: full.entries.filter { Self.stageIDs.contains($0.id) }, sentenceLocale: full.sentenceLocale,
      abbreviations: full.abbreviations)
    let segmenter = pipeline.makeSegmenter()
    let articles = try Corpus.load(corpus, split: split)
    var rng = SeededRandom(seed: seed)

    var cleanRemovals: [Change] = []
    // Removals on the undamaged articles, sorted: the article itself holds the same words
    // elsewhere (and that copy stays), holds a near copy that stays, or neither.
    var sourceExact: [Change] = []
    var sourceNear: [(removed: Change, kept: String)] = []
    var falsePositives: [Change] = []
    // Texts the stages remove from an undamaged article as a repeat of the article's own copy.
    var sourceRepeatTexts = Set<String>()
    var lostSourceRepeats = 0
    var cleanLines = 0
    var wrappedLines = 0
    var wrappedRemovals: [Change] = []
    var doubled = 0
    var doubledFixed = 0
    var total: [Kind: Int] = [:]
    var resolved: [Kind: Int] = [:]
    var complete: [Kind: Int] = [:]
    var lost = 0
    var originalLines = 0
    var shown: [String: Int] = [:]

    func showMiss(_ what: String, _ text: String) {
      if shown[what, default: 0] < show {
        shown[what, default: 0] += 1
        print("miss [\(what)] \(text)")
      }
    }

    for article in articles {
      var lines: [String] = []
      for p in article.paragraphs {
        var t = p
        let ranges = t.withUTF8 { segmenter.sentences(inUTF8: $0) }
        let bytes = Array(p.utf8)
        for r in ranges {
          let s = String(decoding: bytes[r], as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
          if !s.isEmpty { lines.append(s) }
        }
      }
      if lines.count < 4 { continue }
      if wrap > 0 {
        let text =
          article.paragraphs.map { Apostrophes.hardWrap($0.replacingOccurrences(of: "\n", with: " "), width: wrap) }
          .joined(separator: "\n\n") + "\n"
        wrappedLines += text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        wrappedRemovals += pipeline.run(Document(text: text), segmenter: segmenter).1.changes.filter {
          $0.applied && $0.action == .remove
        }
      }
      cleanLines += lines.count
      let (cleanDoc, cleanLog) = pipeline.run(
        Document(text: lines.joined(separator: "\n") + "\n"), segmenter: segmenter)
      let applied = cleanLog.changes.filter { $0.applied }
      cleanRemovals += applied
      var cleanOut: [Int: String] = [:]
      for f in cleanDoc.fragments { cleanOut[f.line] = f.text }
      for c in applied where c.action == .remove {
        // The kept copy is named in the reason ("... of line N"); it must survive in the output.
        let kept = Self.keptLine(c.reason).flatMap { cleanOut[$0] }
        let sameWords = kept.map { Self.words($0) == Self.words(c.before) } ?? false
        let sameWordsElsewhere = cleanOut.values.contains { Self.words($0) == Self.words(c.before) }
        if sameWords || (c.stage == "remove-repeated-sentences" && sameWordsElsewhere) {
          sourceExact.append(c)
          sourceRepeatTexts.insert(c.before)
        } else if let kept, c.stage == "remove-near-duplicates" {
          sourceNear.append((c, kept))
          sourceRepeatTexts.insert(c.before)
        } else {
          falsePositives.append(c)
        }
      }

      for _ in 0..<rounds {
        originalLines += lines.count
        var damaged: [(text: String, original: Int?)] = lines.enumerated().map { ($0.element, $0.offset) }
        // 1. A line doubled in place: glued or with a separator.
        let eligible = lines.indices.filter { words(lines[$0]) >= 4 && lines[$0].utf8.count >= 20 }
        var doubledIndex: Int?
        var doubledText = ""
        if let i = eligible.randomElement(using: &rng) {
          let x = lines[i]
          let seps = ["", " ", " | ", " - ", x.last == "." ? " " : ". "]
          damaged[i].text = x + seps.randomElement(using: &rng)! + x
          doubledText = damaged[i].text
          doubledIndex = i
        }
        // 2. One exact copy and one near copy, each inserted at a random position.
        var injections: [(Kind, Int, String)] = []
        let exactKinds: [Kind] = [.exact, .exactLower, .exactStripped]
        // Lines the rules keep on purpose are not copied: shorter than `min-words` (4) words, or
        // code, commands and program output (`code`).
        let exactPool = lines.indices.filter {
          $0 != doubledIndex && words(lines[$0]) >= 4 && !CodeLines.looksLikeCode(lines[$0])
        }
        var exactIndex: Int?
        if let j = exactPool.randomElement(using: &rng) {
          exactIndex = j
          let kind = exactKinds.randomElement(using: &rng)!
          let t: String
          switch kind {
          case .exactLower: t = lines[j].lowercased()
          case .exactStripped:
            t = String(lines[j].unicodeScalars.filter { !Self.strip.contains($0) }.map(Character.init))
          default: t = lines[j]
          }
          injections.append((kind, j, t))
        }
        let nearPool = lines.indices.filter {
          $0 != doubledIndex && $0 != exactIndex && words(lines[$0]) >= 10 && !CodeLines.looksLikeCode(lines[$0])
        }
        if let k = nearPool.randomElement(using: &rng) {
          var kinds: [Kind] = [.truncated, .dropped]
          if lines[k].contains(" said") { kinds.append(.says) }
          let kind = kinds.randomElement(using: &rng)!
          injections.append((kind, k, nearCopy(lines[k], kind, &rng)))
        }
        for (kind, orig, text) in injections {
          let at = Int.random(in: 0...damaged.count, using: &rng)
          damaged.insert((text, nil), at: at)
          total[kind, default: 0] += 1
          _ = orig
        }
        // Find where each injection ended up (input line numbers).
        var inj: [Injection] = []
        var originalLine = [Int](repeating: 0, count: lines.count)
        var used = Set<Int>()
        for (n, d) in damaged.enumerated() {
          if let o = d.original { originalLine[o] = n + 1 }
        }
        for (kind, orig, text) in injections {
          if let n = damaged.indices.first(where: {
            damaged[$0].original == nil && damaged[$0].text == text && !used.contains($0)
          }) {
            used.insert(n)
            inj.append(Injection(kind: kind, original: orig, line: n + 1))
          }
        }
        let input = damaged.map(\.text).joined(separator: "\n") + "\n"
        let (doc, _) = pipeline.run(Document(text: input), segmenter: segmenter)
        var byLine: [Int: String] = [:]
        var texts: [String: Int] = [:]
        for f in doc.fragments {
          byLine[f.line] = f.text
          texts[f.text, default: 0] += 1
        }
        if let i = doubledIndex {
          doubled += 1
          // Fixed: the line is its one copy again, or, for a line the article itself repeats
          // word for word, it went as on the undamaged article (removed as a repeat of the copy
          // that stays).
          let asUndamaged =
            byLine[originalLine[i]] == nil && sourceRepeatTexts.contains(lines[i]) && texts[lines[i]] != nil
          if byLine[originalLine[i]] == lines[i] || asUndamaged {
            doubledFixed += 1
          } else {
            showMiss("doubled", doubledText + "\n   -> " + (byLine[originalLine[i]] ?? "(removed)"))
            if let dir = dumpMisses {
              try? input.write(
                toFile: "\(dir)/miss-doubled-\(article.id)-\(originalLine[i]).txt", atomically: true, encoding: .utf8)
            }
          }
        }
        for x in inj {
          let copySurvives = byLine[x.line] != nil
          // The original survives when its line does, or, for a sentence the article itself
          // repeats word for word, when one of its copies does (remove-repeated-sentences keeps
          // one of those copies, not always the one the injection copied).
          let twins = lines.indices.filter { lines[$0] == lines[x.original] }
          let origLine = twins.map { originalLine[$0] }.first { byLine[$0] != nil } ?? originalLine[x.original]
          let origSurvives = byLine[origLine] != nil
          if copySurvives != origSurvives {
            resolved[x.kind, default: 0] += 1
            let kept = byLine[x.line] ?? byLine[origLine]!
            if kept == lines[x.original] {
              complete[x.kind, default: 0] += 1
            } else {
              showMiss("complete-\(x.kind.rawValue)", "kept: \(kept)\n   original: \(lines[x.original])")
            }
          } else {
            showMiss(x.kind.rawValue, "\(damaged[x.line - 1].text)\n   original: \(lines[x.original])")
            if let dir = dumpMisses {
              try? input.write(
                toFile: "\(dir)/miss-\(x.kind.rawValue)-\(article.id)-\(x.line).txt", atomically: true, encoding: .utf8)
            }
          }
        }
        // Original sentences lost: an original text that no output line carries any more (a
        // sentence the source itself repeats counts as kept when one copy stays).
        for t in Set(lines) where texts[t] == nil {
          if sourceRepeatTexts.contains(t) {
            lostSourceRepeats += 1
          } else {
            lost += 1
            showMiss("lost", t)
          }
        }
      }
    }

    func pct(_ a: Int, _ b: Int) -> String {
      b == 0 ? "n/a" : String(format: "%.1f%% (%d/%d)", 100 * Double(a) / Double(b), a, b)
    }
    let exactKinds: [Kind] = [.exact, .exactLower, .exactStripped]
    let nearKinds: [Kind] = [.truncated, .says, .dropped]
    func sum(_ d: [Kind: Int], _ ks: [Kind]) -> Int { ks.reduce(0) { $0 + d[$1, default: 0] } }
    print("mend-eval dedup: split \(split.rawValue), seed \(seed), \(articles.count) articles, \(rounds) rounds each")
    print(
      "undamaged articles: \(cleanLines) lines, dedup changes: \(cleanRemovals.count) (\(cleanRemovals.filter { $0.action == .remove }.count) removals)"
    )
    print("  repeats the article itself holds, same words (one copy stays): \(sourceExact.count)")
    for c in sourceExact.prefix(max(show, 10)) {
      print("    line \(c.line) [\(c.stage)/\(c.rule)] '\(c.before)': \(c.reason)")
    }
    print("  near repeats the article itself holds (one copy stays): \(sourceNear.count)")
    for (c, kept) in sourceNear.prefix(max(show, 10)) {
      print("    line \(c.line) [\(c.stage)/\(c.rule)] '\(c.before)'\n      kept: '\(kept)'")
    }
    print("  other removals (false positives): \(falsePositives.count)")
    for c in falsePositives.prefix(max(show, 10)) {
      print("    line \(c.line) [\(c.stage)/\(c.rule)] '\(c.before)': \(c.reason)")
    }
    if wrap > 0 {
      print(
        "undamaged articles hard-wrapped at \(wrap) characters: \(wrappedLines) lines, \(wrappedRemovals.count) removals"
      )
      for c in wrappedRemovals.prefix(max(show, 10)) {
        print("    line \(c.line) [\(c.stage)/\(c.rule)] '\(c.before)': \(c.reason)")
      }
    }
    print("doubled lines fixed:      \(pct(doubledFixed, doubled))")
    print("exact duplicates removed: \(pct(sum(resolved, exactKinds), sum(total, exactKinds)))")
    for k in exactKinds { print("  \(k.rawValue): \(pct(resolved[k, default: 0], total[k, default: 0]))") }
    print("near-duplicates removed:  \(pct(sum(resolved, nearKinds), sum(total, nearKinds)))")
    for k in nearKinds { print("  \(k.rawValue): \(pct(resolved[k, default: 0], total[k, default: 0]))") }
    let allKinds = exactKinds + nearKinds
    print("complete copy kept:       \(pct(sum(complete, allKinds), sum(resolved, allKinds)))")
    for k in allKinds { print("  \(k.rawValue): \(pct(complete[k, default: 0], resolved[k, default: 0]))") }
    print("original sentences lost:  \(lost) of \(originalLines) (distinct texts no output line carries)")
    print(
      "  not counted above: \(lostSourceRepeats) removed as a near repeat of the article's own copy, as on the undamaged article"
    )
  }

  func measureSpeed(_ path: String) throws {
    var isDir: ObjCBool = false
    FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    let files =
      isDir.boolValue
      ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
    let docs = try files.map { try String(contentsOfFile: $0, encoding: .utf8) }
    let mb = Double(docs.reduce(0) { $0 + $1.utf8.count }) / 1_000_000
    let full = try Pipeline(rules: try Corpus.rules(rules))
    func make(_ entries: [Pipeline.Entry]) -> Pipeline {
      Pipeline(
        entries: entries, sentenceLocale: full.sentenceLocale, abbreviations: full.abbreviations,
        codeBlocks: full.codeBlocks)
    }
    var runs: [(String, Pipeline)] = [
      ("no stages (split into lines and join)", make([])),
      ("pipeline without dedup stages", make(full.entries.filter { !Self.stageIDs.contains($0.id) })),
      ("whole pipeline", full),
      ("dedup stages only", make(full.entries.filter { Self.stageIDs.contains($0.id) })),
    ]
    for e in full.entries where Self.stageIDs.contains(e.id) { runs.append(("  " + e.id + " alone", make([e]))) }
    print(String(format: "%d documents, %.1f MB (CPU time of one thread)", docs.count, mb))
    for (name, p) in runs {
      let seg = p.makeSegmenter()
      var ts = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
      let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
      var lines = 0
      for d in docs { lines += p.run(Document(text: d), segmenter: seg).0.fragments.count }
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
      let t = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 - t0
      print(
        name.padding(toLength: 42, withPad: " ", startingAt: 0)
          + String(format: "%7.2f s %8.1f MB/s  (%d lines out)", t, mb / t, lines))
    }
  }

  static let strip: Set<Unicode.Scalar> = [".", ",", ";", ":", "'", "\"", "’", "‘", "“", "”", "!", "?"]
  static let negations: Set<String> = ["not", "no", "never", "nor", "without", "cannot"]

  /// Words as mend's dedup stages count them for `min-words`: runs of letters and digits, not
  /// counting a speaker label at the start (`((Jaya))`, `Q:`; interview transcripts) nor marks
  /// such as `[...]`. Session 21: the injections drew from lines of four space-separated tokens,
  /// so `((Jaya))  No sir, no.` and `And to heal [...]` became exact copies the rules keep on
  /// purpose (`min-words`: repeats shorter than four words stay).
  func words(_ s: String) -> Int {
    var t = Substring(s)
    if let r = t.range(
      of: #"^\s*(?:\(\([^()]{1,80}\)\)|(?:Q|A|[A-Z][A-Z.'’ -]{1,30}):(?=\s))"#, options: .regularExpression)
    {
      t = t[r.upperBound...]
    }
    return Self.words(String(t)).count
  }

  /// A text's words, lower-cased, without punctuation or apostrophes (to tell an exact repeat).
  static func words(_ s: String) -> [String] {
    s.lowercased().unicodeScalars.filter { !"'’‘".unicodeScalars.contains($0) }
      .split { !CharacterSet.alphanumerics.contains($0) }.map { String(String.UnicodeScalarView($0)) }
  }

  /// The line a removal's reason names as the kept copy ("... of line 34 ...").
  static func keptLine(_ reason: String) -> Int? {
    guard let r = reason.range(of: " of line ") else { return nil }
    return Int(reason[r.upperBound...].prefix { $0.isNumber })
  }

  /// A near copy of a sentence: truncated (60–90% of its words, no final punctuation), `said`
  /// made `says`, or one word dropped (not the first, not a negation).
  func nearCopy(_ s: String, _ kind: Kind, _ rng: inout SeededRandom) -> String {
    var w = s.split(separator: " ").map(String.init)
    switch kind {
    case .truncated:
      let keep = max(6, Int((Double(w.count) * Double.random(in: 0.6...0.9, using: &rng)).rounded()))
      w = Array(w.prefix(min(keep, w.count - 1)))
      while let last = w.last, let c = last.last, ",;:".contains(c) { w[w.count - 1] = String(last.dropLast()) }
      return w.joined(separator: " ")
    case .says:
      return s.replacingOccurrences(of: " said", with: " says")
    default:
      let candidates = (1..<w.count).filter { !Self.negations.contains(w[$0].lowercased()) }
      if let d = candidates.randomElement(using: &rng) { w.remove(at: d) }
      return w.joined(separator: " ")
    }
  }
}
