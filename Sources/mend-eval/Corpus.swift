import ArgumentParser
import Foundation
import MendCore

/// An article of the evaluation corpus (../shared/corpora/wikinews-en/wikinews.jsonl).
struct Article {
  let id: String
  let title: String
  let paragraphs: [String]
}

/// Which articles an evaluation may fit on and which it must report on.
enum Split: String, ExpressibleByArgument, CaseIterable {
  /// Every fifth article (index % 5 == 0): never used for fitting; the figures we report.
  case test
  /// The other four fifths: free for fitting weights and thresholds.
  case fit
  case all
  /// The dev fold of the fit split (fit articles with (index / 5) % 4 == 0): for choosing a
  /// setting for data mined from the rest of the fit split.
  case dev
}

enum Corpus {
  static let defaultPath = "../shared/corpora/wikinews-en/wikinews.jsonl"

  /// `withoutDev`: leave the dev fold out (of the fit split: the articles data is mined from
  /// when a setting for it is chosen on the dev fold).
  static func load(_ path: String, split: Split, withoutDev: Bool = false) throws -> [Article] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var out: [Article] = []
    for (i, line) in text.split(separator: "\n").enumerated() {
      let keep: Bool
      switch split {
      case .test: keep = i % 5 == 0
      case .fit: keep = i % 5 != 0
      case .all: keep = true
      case .dev: keep = i % 5 != 0 && (i / 5) % 4 == 0
      }
      guard keep, !(withoutDev && i % 5 != 0 && (i / 5) % 4 == 0),
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let paragraphs = obj["paragraphs"] as? [String]
      else { continue }
      out.append(
        Article(id: obj["id"] as? String ?? "\(i)", title: obj["title"] as? String ?? "", paragraphs: paragraphs))
    }
    return out
  }

  /// The default rules of this checkout.
  static func rules(_ path: String?) throws -> RuleSet {
    try RuleSet.load(path: path ?? "rules/mend.yml", defaultPath: "rules/mend.yml")
  }
}

/// The evaluations damage text with a seeded generator, so runs are reproducible.
typealias SeededRandom = SplitMix64

/// `mend-eval corpus-stats`: what the evaluation corpus holds, per split.
struct CorpusStats: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "corpus-stats", abstract: "Count articles, paragraphs and bytes per split.")
  @Option var corpus = Corpus.defaultPath
  func run() throws {
    for split in Split.allCases {
      let a = try Corpus.load(corpus, split: split)
      let paras = a.reduce(0) { $0 + $1.paragraphs.count }
      let bytes = a.reduce(0) { $0 + $1.paragraphs.reduce(0) { $0 + $1.utf8.count } }
      print("\(split.rawValue): \(a.count) articles, \(paras) paragraphs, \(bytes) bytes")
    }
  }
}
