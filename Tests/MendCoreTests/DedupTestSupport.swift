import Foundation

@testable import MendCore

/// Runs one stage with its default options (some overridden), as the pipeline would.
enum StageRun {
  static func run(
    _ spec: StageSpec, _ text: String, _ overrides: [String: OptionValue] = [:]
  ) -> (text: String, changes: [Change], document: Document) {
    var values: [String: OptionValue] = [:]
    for o in spec.options { values[o.name] = o.defaultValue }
    for (k, v) in overrides { values[k] = v }
    let stage = try! spec.make(StageOptions(values: values, baseDirectory: Repo.path("rules")))
    let pipeline = Pipeline(entries: [Pipeline.Entry(id: spec.id, stage: stage)], abbreviations: Repo.rules.abbreviations)
    let (doc, log) = pipeline.run(Document(text: text))
    return (doc.text, log.changes, doc)
  }

  /// Verse with a refrain: short lines whose sentences run on (a refrain test, and no
  /// hard-wrapped text).
  static let poem = """
    The river runs down to the sea,
    and the boats go out with the tide.
    Come home, come home to me,
    The river runs down to the sea,
    the gulls are calling wide.
    Come home, come home to me,

    """

  static func exampleLines() -> [String] {
    let text = (try? String(contentsOfFile: Repo.path("examples/guardian-2022-06-15-xi-putin.txt"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }
}

/// The library's seeded generator, for reproducible test data.
typealias TestRandom = SplitMix64

/// A segmenter (default rules' abbreviations) of the calling thread, kept under `key`, as the
/// pipeline keeps one per thread: a segmenter holds caches (sentences, the dedup scan and units),
/// and the suites run in parallel (one shared segmenter raced between them and crashed a CI run).
func threadSegmenter(_ key: String) -> SentenceSegmenter {
  if let s = Thread.current.threadDictionary[key] as? SentenceSegmenter { return s }
  let s = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
  Thread.current.threadDictionary[key] = s
  return s
}

/// Deterministic pseudo-words for long-document tests.
extension SplitMix64 {
  init(state: UInt64) { self.init(seed: state) }

  /// 50 000 distinct pseudo-words, made once.
  static let vocabulary: [String] = {
    var r = TestRandom(state: 1)
    var seen = Set<String>()
    var out: [String] = []
    let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
    while out.count < 50_000 {
      let n = Int(r.next() % 7) + 3
      var w: [UInt8] = []
      for _ in 0..<n { w.append(letters[Int(r.next() % 26)]) }
      let s = String(decoding: w, as: UTF8.self)
      if seen.insert(s).inserted { out.append(s) }
    }
    return out
  }()

  mutating func word() -> String {
    Self.vocabulary[Int(next() % UInt64(Self.vocabulary.count))]
  }

  mutating func sentence(words: Int) -> String {
    var s = "Z"  // a capital start, as a sentence has
    for _ in 0..<words {
      s += word()
      s += " "
    }
    s.removeLast()
    return s + "."
  }
}
