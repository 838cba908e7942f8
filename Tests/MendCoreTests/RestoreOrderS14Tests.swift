import Foundation
import Testing

@testable import MendCore

/// Session 14: a name given surname first (`Xi Jinping`, then `Xi`) is a hard sign of disorder
/// when its bare form comes first, like a bare surname before a Western full name.
@Suite struct RestoreOrderS14Tests {
  static let stage = RestoreOrderTests.stage

  static func sentences(_ model: OrderModel, _ lines: [String]) -> Int {
    OrderModel.violations(model.analyze(lines), order: Array(0..<lines.count))
  }

  static func quick(_ model: OrderModel, _ lines: [String]) -> Int {
    model.quickViolations(lines, plainBody: lines.map { FragmentClassifier.isPlainBody($0) })
  }

  /// The stage's model without the rule (as before session 14).
  static var without: OrderModel {
    var m = stage.model
    m.notSurnames = nil
    return m
  }

  @Test func bareSurnameFirstNameBeforeItsFullFormIsASign() {
    let lines = [
      "According to state media, Xi praised the good momentum of relations.",
      "Xi Jinping has assured Vladimir Putin of support on Wednesday.",
      "Moscow welcomed the call.",
    ]
    #expect(Self.sentences(Self.stage.model, lines) == 1)
    #expect(Self.quick(Self.stage.model, lines) >= 1)
    // Before session 14 only a run's last word counted.
    #expect(Self.sentences(Self.without, lines) == 0)
    // In order (the full name first) there is no sign.
    let inOrder = [lines[1], lines[0], lines[2]]
    #expect(Self.sentences(Self.stage.model, inOrder) == 0)
    #expect(Self.quick(Self.stage.model, inOrder) == 0)
  }

  @Test func commonWordsFirstNamesAndPlacesStartNoSurnameFirstName() {
    // A capitalised lexicon entry (a first name, a demonym), a lower-case word of three letters
    // or more, and a run that ends in a common word (a place's institution) are no such names.
    let cases: [[String]] = [
      ["European leaders met in Brussels on Monday.", "The European Union agreed new sanctions.", "Talks go on."],
      ["Vladimir was not named in the report.", "Vladimir Putin spoke on Wednesday.", "Talks go on."],
      ["Federal officials declined to comment.", "The Federal Reserve raised rates on Wednesday.", "Markets fell."],
      [
        "Appliances came from Dolgellau, Harlech and Barmouth.", "The manager of Barmouth Publicity called it a blow.",
        "The hotel closed.",
      ],
    ]
    for lines in cases {
      #expect(Self.sentences(Self.stage.model, lines) == 0, "\(lines[0])")
      #expect(Self.quick(Self.stage.model, lines) == 0, "\(lines[0])")
    }
  }

  @Test func exclusionKeysFromALexicon() {
    let text = Array("# comment\nEuropean\nfederal\nxi\nab\nVladimir\r\n\n".utf8)
    let keys = OrderModel.notSurnameKeys(lexiconText: text)
    #expect(keys == keys.sorted())
    let set = Set(keys)
    #expect(set.contains(OrderModel.hash("european")))
    #expect(set.contains(OrderModel.hash("federal")))
    #expect(set.contains(OrderModel.hash("vladimir")))
    // Two-letter lower-case entries are letter names and abbreviations, not words a name starts with.
    #expect(!set.contains(OrderModel.hash("xi")))
    #expect(!set.contains(OrderModel.hash("ab")))
    #expect(!set.contains(OrderModel.hash("# comment")))
    #expect(keys.count == 3)
  }

  /// The quick count stays an upper bound of the full one with the rule on, on the corpus in
  /// order and shuffled.
  @Test func quickCountBoundsTheFullCount() throws {
    var docs = try RestoreOrderQuickTests.corpusDocs()
    if docs.isEmpty { docs = try RestoreOrderPrecheckTests.documents(limit: 150) }
    var rng = SplitMix64(seed: 14)
    var checked = 0
    var surnameSigns = 0
    for doc in docs.prefix(300) {
      var shuffled = doc
      shuffled.shuffle(using: &rng)
      for lines in [doc, shuffled] {
        let body = lines.filter { Self.stage.kind(of: $0) == .body }
        let full = Self.sentences(Self.stage.model, body)
        #expect(Self.quick(Self.stage.model, lines) >= full)
        if full > Self.sentences(Self.without, body) { surnameSigns += 1 }
        checked += 1
      }
    }
    #expect(checked >= 200)
    #expect(surnameSigns > 0)
  }

  /// The sign table and the four-set reference agree with the rule on (random caps over a tiny
  /// key universe, some keys excluded).
  @Test func signTableAgreesWithTheReferenceOnSurnameFirstRuns() {
    var rng = SplitMix64(seed: 1414)
    var withSurnames = 0
    for round in 0..<10_000 {
      let universe = UInt64(2 + round % 9)
      let (caps, lines) = RestoreOrderS10Tests.randomCaps(&rng, universe: universe)
      let plain = (0..<lines).map { _ in rng.next() % 4 != 0 }
      let excluded = KeySet((0..<universe).filter { _ in rng.next() % 2 == 0 })
      for from in [0, Int.max] {
        let a = OrderModel.countQuickSigns(caps, opening: 0, plainBody: plain, expectationFrom: from, notSurnames: excluded)
        let b = OrderModel.countQuickSignsReference(
          caps, opening: 0, plainBody: plain, expectationFrom: from, notSurnames: excluded)
        #expect(RestoreOrderS10Tests.same(a, b, ""), "round \(round)")
        let c = OrderModel.countQuickSigns(caps, opening: 0, plainBody: plain, expectationFrom: from)
        if a.count > c.count { withSurnames += 1 }
      }
    }
    #expect(withSurnames > 200)
  }
}
