import ArgumentParser
import Foundation
import MendCore

/// `mend-eval order`: real articles, one sentence per line, shuffled with a fixed seed; how well
/// `restore-order` restores the original order (Kendall τ, perfect matches), and whether it leaves
/// the same articles alone when they are already in order. `--fit` fits the model's weights, the
/// neighbour weights and the gain threshold on the fit split and prints them as rules options.
struct OrderEval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "order",
    abstract: "Sentence-order restoration: Kendall tau and perfect matches on shuffled articles; untouched share on articles in order.")

  @Option var corpus = Corpus.defaultPath
  @Option var rules: String?
  @Option var split: Split = .test
  @Option var seed: UInt64 = 42
  @Flag(help: "Fit weights and the gain threshold on the fit split and print them as YAML options.")
  var fit = false
  @Option(help: "With --fit: the share of in-order fit articles that must stay untouched.")
  var untouchedTarget = 0.995
  @Flag(help: "Switch the decline test off (as a user who knows the input is shuffled would) to measure the ordering model alone.")
  var assumeShuffled = false
  @Flag(help: "Time the default pipeline with and without restore-order on news-sized documents (use a release build).")
  var bench = false
  @Option(help: "With --bench: rounds over the documents (the fastest round counts).")
  var rounds = 5
  @Flag(help: "Print one line per article.")
  var verbose = false
  @Flag(help: "Print the decline-test statistics of every article of the split, in order and shuffled, as TSV.")
  var dump = false
  @Option(help: "Write restore-order's position-words table (the words of the fit split's body lines: score, articles, summed relative position, occurrences) to this file and stop.")
  var buildPositions: String?
  @Flag(help: "With --build-positions: also leave out the dev fold of the fit split (fit articles with (index / 5) % 4 == 0), to choose weight-position on it.")
  var holdOutDev = false
  @Flag(help: "With --fit: keep the rules' feature and neighbour weights and fit only the decline thresholds.")
  var keepWeights = false
  @Option(help: "With --build-positions: pseudo-occurrences at the middle that shrink a word's mean position (rare words say little).")
  var positionShrink = 50.0
  @Option(help: "With --build-positions: the fewest articles a word must occur in to be listed.")
  var positionMinArticles = 3
  @Option(help: "With --dump: read documents as given (JSONL, the field 'text', one fragment a line) instead of the corpus split, and print one row each (shuffled = 0).")
  var jsonl: String?

  /// An article as one sentence per line.
  struct Doc {
    let id: String
    let lines: [String]
  }

  func docs(_ articles: [Article], segmenter: SentenceSegmenter) -> [Doc] {
    articles.compactMap { a in
      var lines: [String] = []
      for p in a.paragraphs {
        var p = p
        let ranges = p.withUTF8 { segmenter.sentences(inUTF8: $0) }
        let bytes = Array(p.utf8)
        for r in ranges {
          let s = String(decoding: bytes[r], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
          if !s.isEmpty { lines.append(s.replacingOccurrences(of: "\n", with: " ")) }
        }
      }
      return lines.count >= 2 ? Doc(id: a.id, lines: lines) : nil
    }
  }

  static func kendallTau(_ p: [Int]) -> Double {
    let n = p.count
    if n < 2 { return 1 }
    var disc = 0
    for i in 0..<n {
      for j in (i + 1)..<n where p[i] > p[j] { disc += 1 }
    }
    return 1 - 2 * Double(disc) / Double(n * (n - 1) / 2)
  }

  /// Original indices of the output lines (duplicates matched in order).
  static func recover(_ out: [String], _ original: [String]) -> [Int]? {
    var where_: [String: [Int]] = [:]
    for (i, l) in original.enumerated() { where_[l, default: []].append(i) }
    var p: [Int] = []
    for l in out {
      guard var q = where_[l], !q.isEmpty else { return nil }
      p.append(q.removeFirst())
      where_[l] = q
    }
    return p.count == original.count ? p : nil
  }

  func run() throws {
    let ruleSet = try Corpus.rules(rules)
    guard let config = ruleSet.stages.first(where: { $0.id == RestoreOrder.id }) else {
      throw ValidationError("the rules have no stage '\(RestoreOrder.id)'")
    }
    var options = config.options
    if assumeShuffled {
      options.values["given-order-z-max"] = .double(1e9)
      options.values["adjacent-z-max"] = .double(1e9)
      options.values["min-violations"] = .int(0)
      options.values["signs-z-min"] = .double(-1e9)
      options.values["cohesion-window"] = .int(0)
      options.values["gain-threshold"] = .double(-1e9)
    }
    let stage = try RestoreOrder(options: options)
    let segmenter = SentenceSegmenter(
      locale: ruleSet.sentenceLocale, abbreviations: ruleSet.abbreviations, initials: ruleSet.sentenceInitials)
    if let buildPositions {
      try runBuildPositions(stage, segmenter: segmenter, to: buildPositions)
      return
    }
    if fit {
      try runFit(stage, segmenter: segmenter)
      return
    }
    if bench {
      try runBench(ruleSet, segmenter: segmenter)
      return
    }
    if dump {
      try runDump(stage, segmenter: segmenter)
      return
    }
    let articles = try Corpus.load(corpus, split: split)
    let ds = docs(articles, segmenter: segmenter)
    // This stage alone, so that other stages' edits do not blur the comparison.
    var only = ruleSet
    for i in only.stages.indices {
      only.stages[i].enabled = only.stages[i].id == RestoreOrder.id
      if only.stages[i].id == RestoreOrder.id { only.stages[i].options = options }
    }
    let pipeline = try Pipeline(rules: only)
    var rng = SeededRandom(seed: seed)
    var tauIn = 0.0, tauOut = 0.0, bodyTauIn = 0.0, bodyTauOut = 0.0
    var perfectIn = 0, perfectOut = 0, untouched = 0, reordered = 0, lost = 0, moves = 0
    var sentences = 0
    var leadIn = 0, leadOut = 0
    for d in ds {
      sentences += d.lines.count
      // In order: must come out exactly as it went in.
      let text = d.lines.joined(separator: "\n") + "\n"
      let (same, _) = pipeline.clean(text, segmenter: segmenter)
      if same == text { untouched += 1 } else if verbose { print("\(d.id): in-order article changed") }
      // Shuffled.
      var perm = Array(0..<d.lines.count)
      perm.shuffle(using: &rng)
      let shuffled = perm.map { d.lines[$0] }
      let (out, changes) = pipeline.clean(shuffled.joined(separator: "\n") + "\n", segmenter: segmenter)
      moves += changes.filter { $0.action == .move }.count
      var outLines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if outLines.last == "" { outLines.removeLast() }
      guard let p = Self.recover(outLines, d.lines) else {
        lost += 1
        continue
      }
      if outLines != shuffled { reordered += 1 }
      tauIn += Self.kendallTau(perm)
      tauOut += Self.kendallTau(p)
      if perm == Array(0..<perm.count) { perfectIn += 1 }
      if p == Array(0..<p.count) { perfectOut += 1 }
      // Body only: without the dateline paragraph ("Friday, January 4, 2019") that layout places.
      let body = Set((0..<d.lines.count).filter { stage.kind(of: d.lines[$0]) == .body })
      let bIn = perm.filter { body.contains($0) }
      let bOut = p.filter { body.contains($0) }
      if let l = bIn.min() {
        if bIn.first == l { leadIn += 1 }
        if bOut.first == l { leadOut += 1 }
      }
      bodyTauIn += Self.kendallTau(bIn)
      bodyTauOut += Self.kendallTau(bOut)
      if verbose {
        print("\(d.id): n=\(d.lines.count) tau \(f(Self.kendallTau(perm))) -> \(f(Self.kendallTau(p))) body \(f(Self.kendallTau(bOut)))")
      }
    }
    let n = Double(ds.count)
    print("restore-order on \(split.rawValue) split: \(ds.count) articles, \(sentences) sentences (mean \(f(Double(sentences) / n)) per article), seed \(seed)")
    print("shuffled input:   mean Kendall tau \(f(tauIn / n)) (body only \(f(bodyTauIn / n))), perfect \(perfectIn)/\(ds.count)")
    print("restored output:  mean Kendall tau \(f(tauOut / n)) (body only \(f(bodyTauOut / n))), perfect \(perfectOut)/\(ds.count) (\(pct(Double(perfectOut) / n)))")
    print("lead sentence first in the body: shuffled \(leadIn)/\(ds.count), restored \(leadOut)/\(ds.count)")
    print("shuffled articles reordered: \(reordered)/\(ds.count); move changes: \(moves); lines lost: \(lost) articles")
    print("in-order articles left exactly as they were: \(untouched)/\(ds.count) (\(pct(Double(untouched) / n)))")
  }

  /// Solve h·x = g (k×k, symmetric positive definite) by Gaussian elimination.
  static func solve(_ h: [Double], _ g: [Double], _ k: Int) -> [Double] {
    var a = h
    var b = g
    for c in 0..<k {
      var piv = c
      for r in c..<k where abs(a[r * k + c]) > abs(a[piv * k + c]) { piv = r }
      if piv != c {
        for j in 0..<k { a.swapAt(c * k + j, piv * k + j) }
        b.swapAt(c, piv)
      }
      let d = a[c * k + c]
      if abs(d) < 1e-12 { continue }
      for r in 0..<k where r != c {
        let fct = a[r * k + c] / d
        if fct == 0 { continue }
        for j in 0..<k { a[r * k + j] -= fct * a[c * k + j] }
        b[r] -= fct * b[c]
      }
    }
    return (0..<k).map { abs(a[$0 * k + $0]) < 1e-12 ? 0 : b[$0] / a[$0 * k + $0] }
  }

  func f(_ x: Double) -> String { String(format: "%.3f", x) }
  func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

  // MARK: Speed

  static func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  func runBench(_ ruleSet: RuleSet, segmenter: SentenceSegmenter) throws {
    let articles = try Corpus.load(corpus, split: split)
    let ds = docs(articles, segmenter: segmenter)
    var without = ruleSet
    for i in without.stages.indices where without.stages[i].id == RestoreOrder.id { without.stages[i].enabled = false }
    let full = try Pipeline(rules: ruleSet)
    let base = try Pipeline(rules: without)
    // Prose: one paragraph a line, as news is usually scraped. Fragmented: one sentence a line,
    // shuffled (the stage's full work: classify, segment, model, search).
    let prose = articles.map { $0.paragraphs.joined(separator: "\n") + "\n" }
    var rng = SeededRandom(seed: seed)
    let fragmented = ds.map { d -> String in
      var l = d.lines
      l.shuffle(using: &rng)
      return l.joined(separator: "\n") + "\n"
    }
    let inOrder = ds.map { $0.lines.joined(separator: "\n") + "\n" }
    let short = zip(ds, fragmented).filter { $0.0.lines.count <= 40 }.map(\.1)
    func time(_ p: Pipeline, _ texts: [String]) -> Double {
      var best = Double.infinity
      for _ in 0..<max(rounds, 1) {
        // CPU time of this process, not wall time: the machine is shared.
        let start = Self.cpuSeconds()
        var sink = 0
        for t in texts { sink &+= p.clean(t, segmenter: segmenter).text.utf8.count }
        let secs = Self.cpuSeconds() - start
        if sink < 0 { print(sink) }
        best = min(best, secs)
      }
      return best
    }
    print("restore-order speed (CPU time), \(split.rawValue) split, release build advised; fastest of \(rounds) rounds")
    for (name, texts) in [("prose (paragraph lines)", prose), ("fragmented, shuffled", fragmented), ("fragmented, in order", inOrder), ("fragmented, shuffled, <= 40 sentences", short)] {
      let bytes = Double(texts.reduce(0) { $0 + $1.utf8.count })
      let tb = time(base, texts)
      let tf = time(full, texts)
      print("\(name): \(texts.count) docs, \(Int(bytes / Double(texts.count))) bytes/doc; without \(f(bytes / tb / 1e6)) MB/s, with \(f(bytes / tf / 1e6)) MB/s; restore-order adds \(pct((tf - tb) / tb)) (\(f((tf - tb) / Double(texts.count) * 1e6)) µs/doc)")
    }
  }

  // MARK: Decline statistics

  func runDump(_ stage: RestoreOrder, segmenter: SentenceSegmenter) throws {
    var ds: [Doc] = []
    if let jsonl {
      let data = try String(contentsOfFile: jsonl, encoding: .utf8)
      for line in data.split(separator: "\n") {
        guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let text = obj["text"] as? String
        else { continue }
        let id = obj["id"] as? String ?? "\(ds.count)"
        ds.append(Doc(id: id, lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
      }
    } else {
      ds = docs(try Corpus.load(corpus, split: split), segmenter: segmenter)
    }
    var rng = SeededRandom(seed: seed)
    print("id\tshuffled\tlines\tbody\tviolations\tz\tadjz\tpairz\tgiven\texpected\tqz\ttau\tqv\tqe\tqvar\tqvz\tquotes\twinz")
    for d in ds {
      var perm = Array(0..<d.lines.count)
      perm.shuffle(using: &rng)
      let variants = jsonl == nil ? [(0, Array(0..<d.lines.count)), (1, perm)] : [(0, Array(0..<d.lines.count))]
      for (sh, p) in variants {
        let lines = p.map { d.lines[$0] }
        let body = (0..<lines.count).filter { stage.kind(of: lines[$0]) == .body }
        let c = stage.model.quickCohesion(lines)
        var row = "\(d.id)\t\(sh)\t\(lines.count)\t\(body.count)"
        var winz = "-"
        if body.count >= 3 {
          let dec = stage.decide(body.map { lines[$0] })
          if let w = dec.windowAdjacentZ { winz = f(w) }
          let orig = dec.order.map { p[body[$0]] }
          row += "\t\(dec.givenViolations)\t\(f(dec.givenZ))\t\(f(dec.adjacentZ))\t\(f(dec.pairZ))"
          row += "\t\(c.given)\t\(f(c.expected))\t\(f(c.z))\t\(f(Self.kendallTau(orig)))"
          let q = stage.model.quickSigns(lines, plainBody: lines.map { FragmentClassifier.isPlainBody($0) })
          row += "\t\(q.count)\t\(f(q.expected))\t\(f(q.variance))\t\(f(q.z))"
        } else {
          row += "\t0\t0\t0\t0\t\(c.given)\t\(f(c.expected))\t\(f(c.z))\t0\t0\t0\t0\t0"
        }
        row += "\t\(QuoteSigns.count(lines.filter { !$0.allSatisfy(\.isWhitespace) }))\t\(winz)"
        print(row)
      }
    }
  }

  // MARK: Fitting

  // MARK: Position words

  /// Each distinct word (ASCII letters, lower-cased) of each line, with the line's relative
  /// position i / (n − 1): an article's contribution to the position-words table.
  static func positionContributions(_ lines: [String]) -> [String: (sum: Double, count: Double)] {
    var out: [String: (sum: Double, count: Double)] = [:]
    let n = lines.count
    guard n >= 2 else { return out }
    for (i, line) in lines.enumerated() {
      let r = Double(i) / Double(n - 1)
      var seen = Set<String>()
      var word: [UInt8] = []
      func flush() {
        if !word.isEmpty {
          seen.insert(String(decoding: word, as: UTF8.self))
          word.removeAll(keepingCapacity: true)
        }
      }
      for b in line.utf8 {
        if (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) { word.append(b | 0x20) } else { flush() }
      }
      flush()
      for w in seen {
        let old = out[w] ?? (0, 0)
        out[w] = (old.sum + r, old.count + 1)
      }
    }
    return out
  }

  /// How much earlier than the middle a word's sentences sit: its mean relative position shrunk
  /// toward 0.5 by `positionShrink` pseudo-occurrences there, subtracted from 0.5.
  func positionScore(sum: Double, count: Double) -> Double {
    0.5 - (sum + positionShrink * 0.5) / (count + positionShrink)
  }

  /// The fit split's body lines (the lines `--fit` reads), one array an article; `withoutDev`:
  /// without the dev fold.
  func fitBodies(_ stage: RestoreOrder, segmenter: SentenceSegmenter, withoutDev: Bool = false) throws -> [[String]] {
    let articles = try Corpus.load(corpus, split: .fit, withoutDev: withoutDev)
    return docs(articles, segmenter: segmenter).map { d in d.lines.filter { stage.kind(of: $0) == .body } }
      .filter { $0.count >= 3 }
  }

  /// Sums over articles of `positionContributions`, with the number of articles of each word.
  static func positionTotals(_ bodies: [[String]]) -> [String: (sum: Double, count: Double, articles: Int)] {
    var totals: [String: (sum: Double, count: Double, articles: Int)] = [:]
    for b in bodies {
      for (w, c) in positionContributions(b) {
        let old = totals[w] ?? (0, 0, 0)
        totals[w] = (old.sum + c.sum, old.count + c.count, old.articles + 1)
      }
    }
    return totals
  }

  func runBuildPositions(_ stage: RestoreOrder, segmenter: SentenceSegmenter, to path: String) throws {
    let bodies = try fitBodies(stage, segmenter: segmenter, withoutDev: holdOutDev)
    let totals = Self.positionTotals(bodies)
    let k = positionShrink == positionShrink.rounded() ? String(Int(positionShrink)) : String(positionShrink)
    var out =
      "# restore-order position-words (WORD, SCORE, ARTICLES, SUM, COUNT): SCORE = 0.5 - (SUM + \(k) * 0.5) / (COUNT + \(k)),\n"
    out +=
      "# how much earlier than an article's middle (relative position 0...1) the word's sentences sit, shrunk toward 0.\n"
    out +=
      "# Built by scripts/build-order-positions.sh (mend-eval order --build-positions) from \(bodies.count) articles of the\n"
    out +=
      "# fit split\(holdOutDev ? " less its dev fold" : "") of Wikinews (CC BY 2.5); words in at least \(positionMinArticles) articles.\n"
    var n = 0
    for w in totals.keys.sorted() {
      let t = totals[w]!
      guard t.articles >= positionMinArticles else { continue }
      out +=
        "\(w)\t\(String(format: "%.4f", positionScore(sum: t.sum, count: t.count)))\t\(t.articles)\t\(String(format: "%.4f", t.sum))\t\(Int(t.count))\n"
      n += 1
    }
    try out.write(toFile: path, atomically: true, encoding: .utf8)
    print("\(n) words from \(bodies.count) articles -> \(path)")
  }

  /// For `--fit`: each fit article's position-words table without its own words (leave one out),
  /// so that the weights and thresholds are fitted on articles scored as unseen ones. Nil when
  /// the rules list no position-words file (or it holds no raw columns).
  func leaveOneOutPositions(_ bodies: [[String]]) -> [PositionTable]? {
    let totals = Self.positionTotals(bodies)
    return bodies.map { b in
      var table: [UInt64: Double] = [:]
      let own = Self.positionContributions(b)
      for (w, t) in totals {
        let o = own[w]
        let articles = t.articles - (o == nil ? 0 : 1)
        guard articles >= positionMinArticles else { continue }
        table[OrderModel.hash(w)] = positionScore(sum: t.sum - (o?.sum ?? 0), count: t.count - (o?.count ?? 0))
      }
      return PositionTable(table)
    }
  }

  func runFit(_ stage: RestoreOrder, segmenter: SentenceSegmenter) throws {
    let ds = try fitBodies(stage, segmenter: segmenter)
    let base = stage.model
    // With position words: each article's own table (leave one out); the table in the rules is
    // the one built from all these articles (`--build-positions`).
    let loo = base.positions.isEmpty ? nil : leaveOneOutPositions(ds)
    func forArticle(_ i: Int, _ m: OrderModel) -> OrderModel {
      guard let loo else { return m }
      var m = m
      m.positions = loo[i]
      return m
    }
    if loo != nil { print("# position words: each fit article scored with a table built without it") }
    let analysed = ds.indices.map { forArticle($0, base).analyze(ds[$0]) }
    // 1. Logistic regression on pairwise precedence: P(a before b) = σ(w·φ(a, b)), all pairs.
    // Every article weighs the same (a few long interviews would otherwise hold most pairs).
    var xs: [[Double]] = []
    var ws: [Double] = []
    for ss in analysed {
      let pairs = Double(ss.count * (ss.count - 1) / 2)
      for i in 0..<ss.count {
        for j in (i + 1)..<ss.count {
          xs.append(OrderModel.pairFeatures(ss[i], ss[j]))
          ws.append(1 / pairs)
        }
      }
    }
    let k = OrderModel.Feature.allCases.count
    var w = [Double](repeating: 0, count: k)
    if keepWeights { w = base.weights }
    // Each feature alone: how often its sign agrees with the true order, when it is not zero.
    for (i, feat) in OrderModel.Feature.allCases.enumerated() {
      var pos = 0.0
      var nz = 0.0
      for (x, wt) in zip(xs, ws) where x[i] != 0 {
        nz += wt
        if x[i] > 0 { pos += wt }
      }
      print("# \(feat.optionName): non-zero in \(f(nz)) articles' worth of pairs, earlier sentence has more of it in \(nz == 0 ? "-" : f(pos / nz))")
    }
    // Newton's method (iteratively reweighted least squares) with a small L2 penalty.
    let lambda = 0.5
    let m = ws.reduce(0, +)
    for _ in 0..<(keepWeights ? 0 : 12) {
      var g = [Double](repeating: 0, count: k)
      var h = [Double](repeating: 0, count: k * k)
      for (x, wt) in zip(xs, ws) {
        var z = 0.0
        for i in 0..<k { z += w[i] * x[i] }
        let p = 1 / (1 + exp(-z))
        let r = wt * (1 - p)  // −d/dz log σ(z) = −(1 − σ(z))
        let c = wt * p * (1 - p)
        for i in 0..<k where x[i] != 0 {
          g[i] -= r * x[i]
          for j in 0..<k where x[j] != 0 { h[i * k + j] += c * x[i] * x[j] }
        }
      }
      for i in 0..<k {
        g[i] += lambda * w[i]
        h[i * k + i] += lambda
      }
      let step = Self.solve(h, g, k)
      for i in 0..<k { w[i] -= step[i] }
    }
    var loss = 0.0
    var correct = 0.0
    for (x, wt) in zip(xs, ws) {
      var z = 0.0
      for i in 0..<k { z += w[i] * x[i] }
      loss += wt * (z > -30 ? log(1 + exp(-z)) : -z)
      if z > 0 { correct += wt }
    }
    print("# fit: \(ds.count) articles, \(xs.count) sentence pairs; pair accuracy \(f(correct / m)) (articles weighted equally), log-loss \(f(loss / m))")

    // 2. Neighbour weights by grid search on the fit split's shuffled articles (mean tau).
    var rng = SeededRandom(seed: seed &+ 1)
    let perms: [[Int]] = ds.map { d in
      var p = Array(0..<d.count)
      p.shuffle(using: &rng)
      return p
    }
    func model(_ ov: Double, _ en: Double, _ re: Double) -> OrderModel {
      var mm = base
      mm.weights = w
      mm.adjacentOverlap = ov
      mm.adjacentEntity = en
      mm.adjacentReference = re
      return mm
    }
    var best = (tau: -2.0, ov: 0.0, en: 0.0, re: 0.0)
    let neighbourGrid =
      keepWeights ? [[base.adjacentOverlap], [base.adjacentEntity], [base.adjacentReference]] : [[0.0, 1, 3, 9], [0.0, 1, 3], [0.0, 1, 3]]
    for ov in neighbourGrid[0] {
      for en in neighbourGrid[1] {
        for re in neighbourGrid[2] {
          let mm = model(ov, en, re)
          var tau = 0.0
          for (i, (d, p)) in zip(ds, perms).enumerated() {
            let dec = stage.with(model: forArticle(i, mm)).decide(p.map { d[$0] })
            tau += Self.kendallTau(dec.order.map { p[$0] })
          }
          tau /= Double(ds.count)
          if tau > best.tau { best = (tau, ov, en, re) }
        }
      }
    }
    print("# neighbour weights by grid search: mean tau \(f(best.tau)) on shuffled fit articles (threshold not applied)")

    // 3. Decline thresholds. The z of the given order: the highest value that still leaves
    // `untouchedTarget` of in-order articles alone; the gain: reported for both kinds.
    let st = stage.with(model: model(best.ov, best.en, best.re))
    let inOrder = ds.indices.map { stage.with(model: forArticle($0, st.model)).decide(ds[$0]) }
    let shuffled = ds.indices.map { i in stage.with(model: forArticle(i, st.model)).decide(perms[i].map { ds[i][$0] }) }
    func q(_ xs: [Double]) -> String {
      [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 1].map { f(xs[min(xs.count - 1, Int(Double(xs.count - 1) * $0))]) }.joined(separator: " ")
    }
    print("# given-order z, quantiles 0 1 5 25 50 75 95 100%: in order \(q(inOrder.map(\.givenZ).sorted())); shuffled \(q(shuffled.map(\.givenZ).sorted()))")
    print("# adjacent z: in order \(q(inOrder.map(\.adjacentZ).sorted())); shuffled \(q(shuffled.map(\.adjacentZ).sorted()))")
    print("# pair z: in order \(q(inOrder.map(\.pairZ).sorted())); shuffled \(q(shuffled.map(\.pairZ).sorted()))")
    print("# violations, same quantiles: in order \(q(inOrder.map { Double($0.givenViolations) }.sorted())); shuffled \(q(shuffled.map { Double($0.givenViolations) }.sorted()))")
    // The rule (z ≤ zMax and violations ≥ vMin) that lets the most shuffled articles through
    // while leaving `untouchedTarget` of in-order articles alone.
    func grid(_ xs: [Double]) -> [Double] {
      let s: [Double] = xs.sorted()
      var out: [Double] = []
      for i in 0...40 { out.append(s[min(s.count - 1, i * (s.count - 1) / 40)]) }
      out.append(1e9)
      return out
    }
    let zGrid = grid(inOrder.map(\.givenZ) + shuffled.map(\.givenZ))
    let aGrid = grid(inOrder.map(\.adjacentZ) + shuffled.map(\.adjacentZ))
    typealias Rule = (through: Int, z: Double, a: Double, v: Int)
    // The rule that lets the most shuffled articles through while no more than the allowed share
    // of in-order articles would be touched even with every z threshold `margin` higher.
    func choose(_ idx: [Int], margin: Double) -> Rule {
      var rule: Rule = (-1, -100, -100, 1)
      for v in 0...3 {
        for z in zGrid {
          for a in aGrid {
            var touched = 0
            var through = 0
            for i in idx {
              let d = inOrder[i]
              if d.givenZ <= z + margin && d.adjacentZ <= a + margin && !d.windowDeclines && d.givenViolations >= v { touched += 1 }
              let e = shuffled[i]
              if e.givenZ <= z && e.adjacentZ <= a && !e.windowDeclines && e.givenViolations >= v { through += 1 }
            }
            if Double(idx.count - touched) < untouchedTarget * Double(idx.count) { continue }
            if through > rule.through { rule = (through, z, a, v) }
          }
        }
      }
      return rule
    }
    // The margin by 5-fold cross-validation on the fit split: the smallest one whose held-out
    // in-order articles stay untouched at least 99.5 % of the time.
    var margin = 0.0
    for m in [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0] {
      var touched = 0
      var through = 0
      for fold in 0..<5 {
        let train = (0..<ds.count).filter { $0 % 5 != fold }
        let r = choose(train, margin: m)
        for i in 0..<ds.count where i % 5 == fold {
          let d = inOrder[i]
          if d.givenZ <= r.z && d.adjacentZ <= r.a && !d.windowDeclines && d.givenViolations >= r.v { touched += 1 }
          let e = shuffled[i]
          if e.givenZ <= r.z && e.adjacentZ <= r.a && !e.windowDeclines && e.givenViolations >= r.v { through += 1 }
        }
      }
      print("# margin \(m): held-out in-order touched \(touched)/\(ds.count), shuffled let through \(through)/\(ds.count)")
      margin = m
      if Double(touched) <= 0.005 * Double(ds.count) { break }
    }
    let rule = choose(Array(0..<ds.count), margin: margin)
    for v in 0...3 {
      var r: Rule = (-1, 0, 0, v)
      for z in zGrid {
        for a in aGrid {
          let touched = inOrder.filter { $0.givenZ <= z + margin && $0.adjacentZ <= a + margin && !$0.windowDeclines && $0.givenViolations >= v }.count
          if Double(ds.count - touched) < untouchedTarget * Double(ds.count) { continue }
          let through = shuffled.filter { $0.givenZ <= z && $0.adjacentZ <= a && !$0.windowDeclines && $0.givenViolations >= v }.count
          if through > r.through { r = (through, z, a, v) }
        }
      }
      print("# with min-violations \(v): best lets \(r.through)/\(ds.count) through (z-max \(f(r.z)), adjacent-z-max \(f(r.a)))")
    }
    let zMax = rule.z
    let threshold = 0.0
    // The quick signs' z: the shuffled fit articles the rule lets through fix the bound (the
    // lowest z among them, less a margin of 0.5), so the new test takes none of them away.
    func signsZ(_ lines: [String]) -> Double {
      st.model.quickSigns(lines, plainBody: lines.map { FragmentClassifier.isPlainBody($0) }).z
    }
    var lowest = Double.infinity
    for (i, e) in shuffled.enumerated() where e.givenZ <= rule.z && e.adjacentZ <= rule.a && !e.windowDeclines && e.givenViolations >= rule.v {
      lowest = min(lowest, signsZ(perms[i].map { ds[i][$0] }))
    }
    let signsZMin = (lowest - 0.5).isFinite ? lowest - 0.5 : -1e9
    let alsoDeclined = inOrder.indices.filter { i in
      let d = inOrder[i]
      return d.givenZ <= rule.z && d.adjacentZ <= rule.a && !d.windowDeclines && d.givenViolations >= rule.v && signsZ(ds[i]) < signsZMin
    }.count
    let inOrderLow = ds.filter { signsZ($0) < signsZMin }.count
    print("# quick signs z of shuffled articles let through: lowest \(f(lowest)); in-order articles below \(f(signsZMin)): \(inOrderLow)/\(ds.count) (\(alsoDeclined) of them touched by the other conditions)")
    print("# shuffled fit articles the decline test lets through: \(rule.through)/\(ds.count)")
    // The figure the evaluation reports, on the fit split: mean tau of the output over the
    // shuffled articles (the model's order where the rule lets it through, else the input's).
    var tauOut = 0.0
    for (i, e) in shuffled.enumerated() {
      let through =
        e.givenZ <= rule.z && e.adjacentZ <= rule.a && !e.windowDeclines && e.givenViolations >= rule.v
        && signsZ(perms[i].map { ds[i][$0] }) >= signsZMin
      tauOut += Self.kendallTau(through ? e.order.map { perms[i][$0] } : perms[i])
    }
    print("# mean tau of the output on the shuffled fit articles, decline test applied: \(f(tauOut / Double(ds.count)))")
    print("# paste into rules/mend.yml under restore-order's options:")
    for (i, feat) in OrderModel.Feature.allCases.enumerated() {
      print("      \(feat.optionName): \(f(w[i]))")
    }
    print("      weight-adjacent-overlap: \(best.ov)")
    print("      weight-adjacent-entity: \(best.en)")
    print("      weight-adjacent-reference: \(best.re)")
    print("      gain-threshold: \(f(threshold))")
    print("      given-order-z-max: \(f(zMax))")
    print("      min-violations: \(rule.v)")
    print("      adjacent-z-max: \(f(min(rule.a, 1e6)))")
    print("      signs-z-min: \(f(signsZMin))")
  }
}
