import Foundation
import Testing

@testable import MendCore

/// Session 10: the function-word maps (`WordListFlags.functionMap`, `functionTitleMap`) that let
/// `contentKeys` and `scanCaps` skip the word-list probe, `contentKeys` writing into a fixed buffer,
/// and `countQuickSigns` on one per-document key table (`SignTable`). Each must answer exactly as
/// the table, the `append` loop and the four hash sets (`countQuickSignsReference`) did.
@Suite struct RestoreOrderS10Tests {
  static var model: OrderModel { RestoreOrderTests.stage.model }

  static func weights() -> [Double] { OrderModel.Feature.allCases.map { _ in 0.5 } }

  /// A model whose lists hold long, common content words (and their plurals, possessive and
  /// hyphenated forms), so the maps must keep them out of the content words and out of names.
  static func customModel() -> OrderModel {
    let extra = ["government", "minister", "reported", "people", "years", "city"]
    return OrderModel(
      weights: weights(), adjacentOverlap: 1, adjacentEntity: 0, adjacentReference: 0,
      functionWords: RestoreOrder.defaultFunctionWords + extra,
      pronouns: RestoreOrder.defaultPronouns + ["themselves"],
      connectives: RestoreOrder.defaultConnectives + ["meanwhile"],
      backReferences: RestoreOrder.defaultBackReferences, titles: RestoreOrder.defaultTitles + ["police", "council"],
      dayWords: RestoreOrder.defaultDayWords, summaryVerbs: RestoreOrder.defaultSummaryVerbs,
      laterWords: RestoreOrder.defaultLaterWords, backgroundWords: RestoreOrder.defaultBackgroundWords,
      attributionWords: RestoreOrder.defaultAttributionWords)
  }

  /// Words of the corpus (and of the lists), hashed as the word loops hash them.
  static func corpusWords() throws -> [String] {
    var words = Set<String>()
    for doc in try RestoreOrderPrecheckTests.documents(limit: 150) {
      for line in doc {
        for w in line.split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "-" }) { words.insert(String(w)) }
      }
    }
    return Array(words).sorted()
  }

  /// A clear map bit means the table has no such flag for the key (the maps' one promise), for
  /// every list word, every corpus word, and a million random keys; and the maps are not all ones
  /// (most corpus words miss them, so the probe is skipped), else the test would prove nothing.
  @Test func mapsAnswerAsTheTable() throws {
    for m in [Self.model, Self.customModel()] {
      let f = m.wordFlags
      var keys: [UInt64] = [0, 1, UInt64.max]
      for w in try Self.corpusWords() { keys.append(OrderModel.hash(w)) }
      let lists = RestoreOrder.defaultFunctionWords + RestoreOrder.defaultPronouns + RestoreOrder.defaultConnectives
        + RestoreOrder.defaultTitles + ["government", "minister", "reported", "people", "years", "city"]
        + ["police", "council"]
      for w in lists { keys.append(OrderModel.hash(w)) }
      var rng = SplitMix64(seed: 10)
      for _ in 0..<1_000_000 { keys.append(rng.next()) }
      var missFunction = 0
      var missBoth = 0
      for k in keys {
        let fBit = f.functionMap[Int(k >> 58)] & (1 << ((k >> 52) & 63)) != 0
        let ftBit = f.functionTitleMap[Int(k >> 58)] & (1 << ((k >> 52) & 63)) != 0
        if !fBit {
          #expect(f[k] & WordListFlags.function == 0, "key \(k)")
          missFunction += 1
        }
        if !ftBit {
          #expect(f[k] & (WordListFlags.function | WordListFlags.title) == 0, "key \(k)")
          missBoth += 1
        }
      }
      #expect(missFunction > keys.count * 9 / 10)
      #expect(missBoth > keys.count * 9 / 10)
    }
  }

  /// `contentKeys` against `analyzeFlat`'s content words with lists that hold long content words:
  /// corpus documents, and lines made of those words in every form the word loops know.
  @Test func contentKeysWithLongListWords() throws {
    let m = Self.customModel()
    var lines: [String] = []
    for w in ["government", "minister", "reported", "people", "years", "city", "themselves", "meanwhile", "police"] {
      for form in [w, w + "s", w + "'s", w + "\u{2019}s", w + "-led", "non-" + w, w.capitalized, w.uppercased()] {
        lines.append("The " + form + " said the " + form + ", " + form + ".")
        lines.append(form)
      }
    }
    var docs = try RestoreOrderPrecheckTests.documents(limit: 80)
    docs.append(lines)
    var words = 0
    for body in docs {
      let (keys, offs) = m.contentKeys(body)
      let flat = m.analyzeFlat(body)
      for i in 0..<body.count {
        let expected = Array(flat.keys[flat.range(i, .content)])
        #expect(Array(keys[offs[i]..<offs[i + 1]]) == expected, "\(body[i].debugDescription)")
        words += expected.count
      }
    }
    #expect(words > 1_000)
  }

  /// The densest lines for `contentKeys`' fixed buffer (a key every five bytes: four-letter words
  /// and one space; every word a content word), and lines with no key at all.
  @Test func contentKeysAtTheBufferBound() {
    var rng = SplitMix64(seed: 4)
    let letters = Array("bcdfghjklmnpqrtvwxz".utf8)
    var lines: [String] = []
    for count in [1, 2, 3, 50, 400] {
      var words: [String] = []
      for _ in 0..<count {
        let w = (0..<4).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
        words.append(String(decoding: w, as: UTF8.self))
      }
      lines.append(words.joined(separator: " "))
      lines.append(words.joined(separator: ","))
    }
    lines += ["", "a b c", "The", "x"]
    RestoreOrderS8bTests.compare(lines)
    let (keys, offs) = Self.model.contentKeys(lines)
    #expect(offs.last == keys.count)
    #expect(keys.count > 400)
  }

  /// The caps `quickSigns` collects for a document (every line's opening read).
  static func caps(_ m: OrderModel, _ texts: [String]) -> (caps: [OrderModel.QuickCap], opening: Int) {
    var caps: [OrderModel.QuickCap] = []
    var opening = 0
    for (li, t) in texts.enumerated() {
      var t = t
      t.withUTF8 { buf in
        guard FragmentClassifier.endsLikeSentence(buf) else { return }
        _ = m.scanCaps(buf, line: Int32(li), checkOpening: li == 0, caps: &caps, opening: &opening)
      }
    }
    return (caps, opening)
  }

  /// Up to 23 random caps with keys below `universe`, on consecutive lines; and the line count.
  static func randomCaps(_ rng: inout SplitMix64, universe: UInt64) -> ([OrderModel.QuickCap], Int) {
    let n = Int(rng.next() % 24)
    var caps: [OrderModel.QuickCap] = []
    var line: Int32 = 0
    for _ in 0..<n {
      if rng.next() % 3 == 0 { line += 1 }
      let key = rng.next() % universe
      let stem = rng.next() % 3 == 0 ? rng.next() % universe : key
      let bits = rng.next()
      caps.append(
        OrderModel.QuickCap(
          key: key, stem: stem, line: line | (bits & 1 == 0 ? 0 : 1 << 30), first: bits & 2 != 0,
          inRun: bits & 4 != 0, allCaps: bits & 8 != 0, inParens: bits & 16 != 0 && bits & 32 != 0))
    }
    return (caps, Int(line) + 1)
  }

  static func same(_ a: OrderModel.QuickSigns, _ b: OrderModel.QuickSigns, _ what: String) -> Bool {
    a.count == b.count && a.expected == b.expected && a.variance == b.variance
  }

  /// `countQuickSigns` against the four-set reference on corpus documents in order and shuffled,
  /// with the stage's plain-body flags, all lines plain, none plain; the expectation too.
  @Test func signTableCountsAsTheSets() throws {
    let m = Self.model
    var docs = try RestoreOrderQuickTests.corpusDocs()
    if docs.isEmpty { docs = try RestoreOrderPrecheckTests.documents(limit: 150) }
    var nonZero = 0
    var checked = 0
    for doc in docs.prefix(600) {
      let (caps, opening) = Self.caps(m, doc)
      let plains = [doc.map { RestoreOrder.scanLine($0).1 }, doc.map { _ in true }, doc.map { _ in false }]
      for plain in plains {
        for from in [0, 2, Int.max] {
          let a = OrderModel.countQuickSigns(caps, opening: opening, plainBody: plain, expectationFrom: from)
          let b = OrderModel.countQuickSignsReference(caps, opening: opening, plainBody: plain, expectationFrom: from)
          #expect(Self.same(a, b, ""), "\(doc.prefix(2))")
          if a.count > opening { nonZero += 1 }
          checked += 1
        }
      }
    }
    #expect(checked > 300)
    #expect(nonZero > 50)
  }

  /// Random caps over a tiny key universe, so that key 0, keys that are another's `^ 1`, stems equal
  /// to other words' keys, acronyms defined and used bare, run-final words and repeated lines all
  /// occur together: the table must answer every set question as the four sets do.
  @Test func signTableOnRandomCaps() {
    var rng = SplitMix64(seed: 2026)
    var differentFromOpening = 0
    for round in 0..<20_000 {
      let universe = UInt64(2 + round % 9)
      let (caps, lines) = Self.randomCaps(&rng, universe: universe)
      let plain = (0..<lines).map { _ in rng.next() % 4 != 0 }
      let opening = Int(rng.next() % 2)
      for from in [0, Int.max] {
        let a = OrderModel.countQuickSigns(caps, opening: opening, plainBody: plain, expectationFrom: from)
        let b = OrderModel.countQuickSignsReference(caps, opening: opening, plainBody: plain, expectationFrom: from)
        #expect(Self.same(a, b, ""), "round \(round)")
        if a.count != opening { differentFromOpening += 1 }
      }
    }
    #expect(differentFromOpening > 5_000)
  }
}
