import Foundation
import Testing

@testable import MendCore

/// `position-words` and `weight-position` (session 22): a sentence's mean score of its listed
/// words (how much earlier than an article's middle those words' sentences sit in news) is one
/// more unary feature of the ordering model.
@Suite struct RestoreOrderPositionS22Tests {
  static var table: String { Repo.path("rules/lexicons/order-positions.txt") }

  /// Every line of the table is `WORD SCORE ARTICLES SUM COUNT`, sorted, each word once, in at
  /// least as many articles as its header says, and its score is the one its own sum and count
  /// give with the header's shrinkage (the shrunk mean position the builder writes), so the file
  /// was not edited by hand.
  @Test func tableIsConsistent() throws {
    let text = try String(contentsOfFile: Self.table, encoding: .utf8)
    let header = text.split(separator: "\n").filter { $0.hasPrefix("#") }.joined(separator: " ")
    let shrink = try #require(
      header.firstMatch(of: #/\(COUNT \+ (\d+)\)/#).flatMap { Double($0.1) }, "no shrinkage in the header")
    let minArticles = try #require(
      header.firstMatch(of: #/words in at least (\d+) articles/#).flatMap { Int($0.1) }, "no minimum in the header")
    var previous = ""
    var rows = 0
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let cols = line.split(separator: "\t").map(String.init)
      try #require(cols.count == 5, "\(line)")
      let word = cols[0]
      #expect(word > previous, "not sorted or repeated: \(word)")
      #expect(word.allSatisfy { $0 >= "a" && $0 <= "z" }, "\(word)")
      previous = word
      let score = try #require(Double(cols[1]))
      let articles = try #require(Int(cols[2]))
      let sum = try #require(Double(cols[3]))
      let count = try #require(Double(cols[4]))
      #expect(articles >= minArticles)
      #expect(count >= Double(articles))
      #expect(sum >= 0 && sum <= count)
      let expected = 0.5 - (sum + shrink * 0.5) / (count + shrink)
      #expect(abs(score - expected) < 1e-3, "\(word): \(score) vs \(expected)")
      rows += 1
    }
    #expect(rows > 1000)
  }

  /// The byte reader of the table gives every score `Double(_:)` gives, under the key
  /// `OrderModel.hash` gives the word.
  @Test func loaderReadsWhatDoubleReads() throws {
    let loaded = try RestoreOrder.loadPositions(Self.table)
    let text = try String(contentsOfFile: Self.table, encoding: .utf8)
    var rows = 0
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let cols = line.split(separator: "\t").map(String.init)
      #expect(loaded[OrderModel.hash(cols[0])] == Double(cols[1]), "\(line)")
      rows += 1
    }
    #expect(loaded.count == rows)
    for s in ["0.1958", "-0.0036", "12", "-3.5", "0.0001", "7."] {
      let b = Array(s.utf8)
      let v = b.withUnsafeBufferPointer { RestoreOrder.parseDecimal($0, 0, b.count) }
      #expect(v == Double(s), "\(s)")
    }
    for s in ["", "-", "1e5", "abc", "1.2.3", "."] {
      let b = Array(s.utf8)
      #expect(b.withUnsafeBufferPointer { RestoreOrder.parseDecimal($0, 0, b.count) } == nil, "\(s)")
    }
  }

  /// A line that is not `WORD<TAB>SCORE` is an error naming the file and the line (a broken rules
  /// file is never half read); comments and blank lines are fine.
  @Test func malformedLineIsAnError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-pos-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = dir.appendingPathComponent("good.txt").path
    try "# header\n\nalpha\t0.1\t3\nbeta\t-0.25\n".write(toFile: good, atomically: true, encoding: .utf8)
    let table = try RestoreOrder.loadPositions(good)
    #expect(table[OrderModel.hash("alpha")] == 0.1 && table[OrderModel.hash("beta")] == -0.25)
    for (text, line) in [("alpha\t0.1\nbeta 0.2\n", 2), ("# c\nalpha\tnone\n", 2), ("\tfoo\n", 1)] {
      let bad = dir.appendingPathComponent("bad.txt").path
      try text.write(toFile: bad, atomically: true, encoding: .utf8)
      do {
        _ = try RestoreOrder.loadPositions(bad)
        Issue.record("no error for \(text.debugDescription)")
      } catch let e as RestoreOrder.PositionWordsError {
        #expect(e.line == line && e.path == bad, "\(e)")
        #expect(e.description.hasPrefix("\(bad):\(line):"))
      }
    }
  }

  /// The default rules load the table and give the feature a weight.
  @Test func defaultRulesUseTheTable() {
    let stage = RestoreOrderTests.stage
    #expect(stage.model.positions.count > 1000)
    #expect(stage.model.weights[OrderModel.Feature.position.rawValue] > 0)
    // News habits the table must have learnt: a day word and "announced" sit early.
    #expect((stage.model.positions[OrderModel.hash("yesterday")] ?? 0) > 0.1)
    #expect((stage.model.positions[OrderModel.hash("announced")] ?? 0) > 0.05)
  }

  static func model(_ positions: [String: Double]) -> OrderModel {
    var m = RestoreOrderTests.stage.model
    m.positions = PositionTable(Dictionary(uniqueKeysWithValues: positions.map { (OrderModel.hash($0.key), $0.value) }))
    return m
  }

  /// The feature is the mean score of the sentence's distinct listed words, in any case; 0 with
  /// no listed word or no table.
  @Test func featureIsTheMeanOfListedWords() {
    let m = Self.model(["alpha": 0.2, "beta": -0.1, "gamma": 0.05])
    let ss = m.analyze([
      "The alpha report came out.",
      "Alpha and beta both spoke.",
      "Alpha, alpha and ALPHA again.",
      "Nothing listed here at all.",
      "Gamma rose while beta fell and alpha held.",
    ])
    let p = OrderModel.Feature.position.rawValue
    #expect(abs(ss[0].unary[p] - 0.2) < 1e-12)
    #expect(abs(ss[1].unary[p] - 0.05) < 1e-12)
    #expect(abs(ss[2].unary[p] - 0.2) < 1e-12)
    #expect(ss[3].unary[p] == 0)
    #expect(abs(ss[4].unary[p] - (0.2 - 0.1 + 0.05) / 3) < 1e-12)
    var none = m
    none.positions = PositionTable()
    #expect(none.analyze(["The alpha report came out."])[0].unary[p] == 0)
  }

  /// With only this feature weighted, the search puts the sentences in the order of their scores.
  @Test func weightOrdersBySentenceScore() {
    var m = Self.model(["early": 0.3, "middle": 0.0, "late": -0.3])
    m.weights = Array(repeating: 0, count: OrderModel.Feature.allCases.count)
    m.weights[OrderModel.Feature.position.rawValue] = 10
    m.adjacentOverlap = 0
    m.adjacentEntity = 0
    m.adjacentReference = 0
    let texts = ["A late note came.", "An early word was given.", "The middle part followed."]
    let ss = m.analyze(texts)
    let (pair, adj) = m.scores(ss)
    let first = m.firstScores(ss)
    let order = OrderModel.search(
      pair: pair, adjacent: adj, first: first, n: 3, exactUpTo: 9, beamWidth: 8, beamUpTo: 60)
    #expect(order == [1, 2, 0])
    // Weight 0: the feature changes nothing (every order scores the same).
    m.weights[OrderModel.Feature.position.rawValue] = 0
    let (pair0, _) = m.scores(m.analyze(texts))
    #expect(pair0.allSatisfy { $0 == 0 })
  }

  /// A rules file without `position-words` gets no table (the feature is 0), and a missing file
  /// is a rules error.
  @Test func optionalAndCheckedFile() throws {
    var opts = StageOptions.defaults(for: RestoreOrder.spec, baseDirectory: Repo.path("rules"))
    let plain = try RestoreOrder(options: opts)
    #expect(plain.model.positions.isEmpty)
    opts.values["position-words"] = .string("lexicons/no-such-file.txt")
    #expect(throws: (any Error).self) { try RestoreOrder(options: opts) }
  }
}
