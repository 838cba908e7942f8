import ArgumentParser
import Foundation
import MendCore

/// `mend-eval docdedup`: inject exact and near copies of real articles into the corpus, run the
/// cross-document dedup that `mend dedup` uses, and score it: precision over removed documents,
/// recall per kind of damage, and recall split by the copy's true 5-gram Jaccard similarity.
struct DocDedupEval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "docdedup",
    abstract: "Precision and recall of cross-document dedup (exact + MinHash-LSH) on articles with injected copies.")

  @Option var corpus = Corpus.defaultPath
  @Option(help: "Which articles: test (every 5th), fit or all. Nothing is fitted: the parameters are the rules' defaults.")
  var split: Split = .all
  @Option var rules: String?
  @Option(help: "Copies injected per original article (on average).")
  var copiesPerArticle: Double = 1
  @Option var seed: UInt64 = 2026

  enum Damage: String, CaseIterable {
    case exactSpacingCase = "exact (spacing/case)"
    case words1 = "near: 1% words replaced"
    case words3 = "near: 3% words replaced"
    case words5 = "near: 5% words replaced"
    case words10 = "near: 10% words replaced"
    case dropParagraph = "near: one paragraph dropped"
    case truncate20 = "near: last 20% cut"
  }

  func run() throws {
    let set = try Corpus.rules(rules)
    let cfg = set.dedup
    let articles = try Corpus.load(corpus, split: split)
    var rng = SeededRandom(seed: seed)
    struct Doc {
      let text: String
      let source: Int?  // index of the original for an injected copy
      let damage: Damage?
    }
    var docs: [Doc] = []
    var originals: [Int] = []  // doc index of each article
    let fillers = ["said", "report", "Tuesday", "government", "people", "alpha", "city", "new"]
    for (i, a) in articles.enumerated() {
      originals.append(docs.count)
      docs.append(Doc(text: a.paragraphs.joined(separator: "\n"), source: nil, damage: nil))
      guard i > 0 else { continue }
      var n = Int(copiesPerArticle)
      if Double.random(in: 0..<1, using: &rng) < copiesPerArticle - Double(n) { n += 1 }
      for _ in 0..<n {
        let s = Int.random(in: 0..<i, using: &rng)
        let src = docs[originals[s]].text
        let d = Damage.allCases.randomElement(using: &rng)!
        var t = src
        switch d {
        case .exactSpacingCase:
          t = " " + String(decoding: src.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self).replacingOccurrences(of: " ", with: "  ") + "\n"
        case .words1, .words3, .words5, .words10:
          let rate = d == .words1 ? 0.01 : d == .words3 ? 0.03 : d == .words5 ? 0.05 : 0.10
          var w = src.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
          for _ in 0..<max(1, Int((Double(w.count) * rate).rounded())) {
            w[Int.random(in: 0..<w.count, using: &rng)] = fillers.randomElement(using: &rng)!
          }
          t = w.joined(separator: " ")
        case .dropParagraph:
          var p = src.split(separator: "\n").map(String.init)
          if p.count > 1 { p.remove(at: Int.random(in: 0..<p.count, using: &rng)) }
          t = p.joined(separator: "\n")
        case .truncate20:
          let w = src.split(separator: " ")
          t = w.prefix(max(1, w.count * 4 / 5)).joined(separator: " ")
        }
        docs.append(Doc(text: t, source: originals[s], damage: d))
      }
    }

    let hasher = MinHasher(cfg)
    let index = DedupIndex(cfg)
    var removed: [(Int, Int)] = []  // (doc, duplicate of)
    let start = Date()
    for (i, d) in docs.enumerated() {
      switch index.add(hasher.fingerprint([d.text])) {
      case .keep: break
      case .exact(let of), .near(let of, _): removed.append((i, of))
      }
    }
    let secs = Date().timeIntervalSince(start)

    let removedSet = Dictionary(removed, uniquingKeysWith: { a, _ in a })
    let injected = docs.indices.filter { docs[$0].source != nil }
    let tp = removed.filter { docs[$0.0].source != nil }.count
    let originalsRemoved = removed.filter { docs[$0.0].source == nil }
    print("cross-document dedup on \(corpus) (split \(split.rawValue)): \(articles.count) articles + \(injected.count) injected copies")
    print(String(format: "params: num_perm %d, bands %d, ngram %d, threshold %.2f; %.2f s", cfg.numPerm, cfg.bands, cfg.ngram, cfg.threshold, secs))
    print(String(format: "removed %d: precision %.3f (%d originals removed), recall %.3f", removed.count, Double(tp) / Double(max(1, removed.count)), originalsRemoved.count, Double(tp) / Double(max(1, injected.count))))
    for (doc, of) in originalsRemoved.prefix(5) {
      print("  original removed: \(articles[originals.firstIndex(of: doc) ?? 0].id) as a duplicate of doc \(of)")
    }
    for d in Damage.allCases {
      let ids = injected.filter { docs[$0].damage == d }
      let found = ids.filter { removedSet[$0] != nil }.count
      print("  " + d.rawValue.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " %4d copies, recall %.3f", ids.count, Double(found) / Double(max(1, ids.count))))
    }
    // Recall against the true word 5-gram Jaccard of each copy and its source.
    var above = (0, 0)
    var below = (0, 0)
    for i in injected {
      let j = Self.jaccard(docs[i].text, docs[docs[i].source!].text, n: cfg.ngram)
      let hit = removedSet[i] != nil ? 1 : 0
      if j >= cfg.threshold { above = (above.0 + 1, above.1 + hit) } else { below = (below.0 + 1, below.1 + hit) }
    }
    print(String(format: "  true Jaccard >= %.2f: %d copies, recall %.3f", cfg.threshold, above.0, Double(above.1) / Double(max(1, above.0))))
    print(String(format: "  true Jaccard <  %.2f: %d copies, found %.3f (signature estimate above the threshold by sampling noise)", cfg.threshold, below.0, Double(below.1) / Double(max(1, below.0))))
  }

  static func words(_ s: String) -> [String] {
    var out: [String] = []
    var cur: [UInt8] = []
    for c in s.utf8 {
      let w = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c >= 0x80
      if w { cur.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c) } else if !cur.isEmpty {
        out.append(String(decoding: cur, as: UTF8.self))
        cur = []
      }
    }
    if !cur.isEmpty { out.append(String(decoding: cur, as: UTF8.self)) }
    return out
  }

  static func jaccard(_ a: String, _ b: String, n: Int) -> Double {
    func sh(_ w: [String]) -> Set<String> {
      if w.count < n { return [w.joined(separator: " ")] }
      return Set((0...(w.count - n)).map { w[$0..<($0 + n)].joined(separator: " ") })
    }
    let x = sh(words(a))
    let y = sh(words(b))
    return Double(x.intersection(y).count) / Double(max(1, x.union(y).count))
  }
}
