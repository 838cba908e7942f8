import Foundation
import Testing

@testable import MendCore

/// The cheap decline path of `restore-order` must count exactly what the reference count does:
/// the stage leaves a document early on this count, so a lean pass that counted less would lose
/// reorders.
@Suite struct RestoreOrderQuickTests {
  static var stage: RestoreOrder { RestoreOrderTests.stage }

  /// Articles of the evaluation corpus, each as one fragment a line: split crudely at ". " before
  /// a capital (as `scripts/make-bench-input.py --sentences` does), in order and shuffled.
  static func corpusDocs() throws -> [[String]] {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var out: [[String]] = []
    var rng = SplitMix64(seed: 5)
    for line in text.split(separator: "\n") {
      let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      var lines: [String] = []
      for p in obj?["paragraphs"] as? [String] ?? [] {
        var cur = ""
        let chars = Array(p)
        for (i, c) in chars.enumerated() {
          cur.append(c)
          if (c == "." || c == "?" || c == "!") && i + 2 < chars.count && chars[i + 1] == " "
            && (chars[i + 2].isUppercase || chars[i + 2] == "\"" || chars[i + 2] == "“")
          {
            lines.append(cur)
            cur = ""
          }
        }
        let rest = cur.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { lines.append(rest) }
      }
      guard lines.count >= 3 else { continue }
      out.append(lines.map { $0.trimmingCharacters(in: .whitespaces) })
      var shuffled = lines
      shuffled.shuffle(using: &rng)
      out.append(shuffled)
    }
    return out
  }

  /// scanCaps' eight-byte lane goes on through a lower-case word split across chunks and hands
  /// the word's tail to `skipLowerWordTail` where it stops: words that start lower-case and go on
  /// with a capital, a digit, an apostrophe, a hyphen or a non-ASCII letter, at every offset,
  /// after one or two all-lower chunks, must give what the byte-by-byte loop gives.
  @Test func scanCapsLaneThroughSplitWords() {
    let model = RestoreOrderTests.stage.model
    var reference = model
    reference.quickFastLane = false
    var caps = 0
    for tail in ["Phone", "X", "9th", "’s Putin", "'s Putin", "-Putin", "éPutin", "Putin", "s Putin", ", Putin"] {
      for lead in ["i", "longwordsplit", "abcdefghijklmnopqrstuvwx"] {
        for k in 0...17 {
          var line = "The cat " + String(repeating: "a", count: k) + " " + lead + tail + " met Xi Jinping."
          var a: [OrderModel.QuickCap] = []
          var b: [OrderModel.QuickCap] = []
          var oa = 0
          var ob = 0
          let text = line
          let (ra, rb) = line.withUTF8 { buf in
            (
              model.scanCaps(buf, line: 0, checkOpening: true, caps: &a, opening: &oa),
              reference.scanCaps(buf, line: 0, checkOpening: true, caps: &b, opening: &ob)
            )
          }
          #expect(ra == rb && oa == ob, "\(text)")
          #expect(a.map(\.key) == b.map(\.key) && a.map(\.inRun) == b.map(\.inRun), "\(text)")
          caps += b.count
        }
      }
    }
    #expect(caps > 1000)
  }

  /// Lazy openings: with `zMin`, `quickSigns` reads a line's opening only where `opening` needs
  /// it or the bounds on z cannot settle `z < zMin`. The count and `z < zMin` must be those of the
  /// reference that reads every line's opening (`lazyOpens = false`), for thresholds at each
  /// document's own z and its neighbouring doubles (where a bound taken a hair too far flips the
  /// answer) and at the rules' value; where it says the openings were counted, the expectation
  /// and variance are bit for bit the reference's.
  @Test func lazyOpeningsKeepTheZDecision() throws {
    let model = Self.stage.model
    var reference = model
    reference.lazyOpens = false
    var docs: [[String]] = [
      ["He said so.", "Putin met Xi Jinping.", "But Putin left.", "The deal was signed by Xi Jinping.", "It", "They met Putin."],
      ["The FSB said it.", "However, the Federal Security Service (FSB) arrested two men.", "FSB agents left.", "She"],
    ]
    docs += try Self.corpusDocs()
    var skipped = 0
    var counted = 0
    var rulesSkipped = 0
    var rulesReached = 0
    for lines in docs {
      let plain = lines.map { FragmentClassifier.isPlainBody($0) }
      let full = reference.quickSigns(lines, plainBody: plain, expectationFrom: 2)
      let z = full.z
      for zMin in [z, z.nextUp, z.nextDown, z + 1e-7, z - 1e-7, z + 0.3, z - 0.3, Self.stage.signsZMin] {
        let a = model.quickSigns(lines, plainBody: plain, expectationFrom: 2, zMin: zMin)
        let b = reference.quickSigns(lines, plainBody: plain, expectationFrom: 2, zMin: zMin)
        #expect(a.count == b.count && (a.z < zMin) == (b.z < zMin), "\(zMin) \(lines.prefix(3))")
        if zMin == Self.stage.signsZMin && b.count >= 2 {
          rulesReached += 1
          if !a.opensExact { rulesSkipped += 1 }
        }
        if a.opensExact {
          #expect(a.expected.bitPattern == b.expected.bitPattern && a.variance.bitPattern == b.variance.bitPattern)
          if b.count >= 2 { counted += 1 }
        } else {
          skipped += 1
        }
      }
    }
    #expect(skipped > 100 && counted > 500, "\(skipped) \(counted) \(rulesSkipped)/\(rulesReached)")
  }

  /// `scanCaps` without the opening (`needOpens: false`) appends exactly the same capitalised
  /// words, with the same flags (`first` included: the lane may start after the first word, never
  /// before it), as with it; and `opensOnly` returns what the whole scan returns.
  @Test func scanCapsWithoutOpeningSameCaps() throws {
    let model = Self.stage.model
    var lines = [
      "Putin met Xi.", "Xi", "he", "The FSB (FSB) met.", "a Putin", "a b Putin Vladimir", "But Xi Jinping’s aides met.",
      "in 2020 Putin said", "é Putin", "x-Y Zed", "x Putin's Putin", "“Putin” said", "He", "He said",
    ]
    for doc in try Self.corpusDocs().prefix(200) { lines += doc }
    var compared = 0
    for line in lines {
      var line = line
      line.withUTF8 { buf in
        var a: [OrderModel.QuickCap] = []
        var b: [OrderModel.QuickCap] = []
        var c: [OrderModel.QuickCap] = []
        var oa = 0
        var ob = 0
        var oc = 0
        _ = model.scanCaps(buf, line: 7, checkOpening: false, needOpens: false, caps: &a, opening: &oa)
        let whole = model.scanCaps(buf, line: 7, checkOpening: false, needOpens: true, caps: &b, opening: &ob)
        let first = model.scanCaps(buf, line: 7, checkOpening: false, opensOnly: true, caps: &c, opening: &oc)
        #expect(first == whole)
        #expect(a.map(\.key) == b.map(\.key) && a.map(\.stem) == b.map(\.stem) && a.map(\.line) == b.map(\.line))
        #expect(a.map(\.first) == b.map(\.first) && a.map(\.inRun) == b.map(\.inRun))
        #expect(a.map(\.allCaps) == b.map(\.allCaps) && a.map(\.inParens) == b.map(\.inParens))
        compared += b.count
      }
    }
    #expect(compared > 1000)
  }

  @Test func leanQuickCountEqualsTheTokenizedCount() throws {
    var docs: [[String]] = [
      ["Putin said the talks went well.", "Chinese president Xi Jinping spoke to Vladimir Putin on Wednesday.", "Putin thanked him."],
      ["The FSB said the suspects were detained.", "The Federal Security Service (FSB) arrested two men on Monday in Moscow.", "But they denied it."],
      ["In addition, Xi’s aides met Putin’s.", "Xi Jinping’s Xi-led talks (BRICS) — with “Putin”.", "They…", "It", "Vladimir Putin's BRICS plan."],
      ["The pair met.", "20240105", "The leaders' talks went on.", "Chancellor Olaf Scholz met Scholz’s ally Scholzs."],
    ]
    docs += try Self.corpusDocs()
    #expect(docs.count > 400)
    var nonZero = 0
    for lines in docs {
      let plain = lines.map { FragmentClassifier.isPlainBody($0) }
      let lean = Self.stage.model.quickViolations(lines, plainBody: plain)
      let reference = Self.stage.model.quickViolationsTokenized(lines, plainBody: plain)
      #expect(lean == reference, "\(lines.prefix(3))")
      if lean >= 2 { nonZero += 1 }
    }
    // The comparison means something only if the count is often at the decline threshold.
    #expect(nonZero > 100)
  }

  /// Every article of the evaluation corpus, in order and split crudely into one sentence a line
  /// (about as the frag benchmark input is), comes out unchanged.
  @Test func crudelySplitArticlesInOrderAreLeftAlone() throws {
    let docs = try Self.corpusDocs()
    var changed: [String] = []
    var checked = 0
    for (i, lines) in docs.enumerated() where i % 2 == 0 {
      let text = lines.joined(separator: "\n") + "\n"
      let out = RestoreOrderTests.pipeline.clean(text).text
      if out != text { changed.append(lines[0]) }
      checked += 1
    }
    #expect(checked > 250 || docs.isEmpty)
    #expect(changed.isEmpty, "\(changed)")
  }

  /// The quick signs' z: text in order shows far fewer hard signs than a random order of its
  /// lines; the same lines shuffled show about as many as chance. The decline test cuts between.
  @Test func quickSignsZSeparatesOrderFromShuffle() throws {
    let docs = try Self.corpusDocs()
    guard !docs.isEmpty else { return }
    var inOrderBelow = 0
    var shuffledBelow = 0
    var inOrderCounted = 0
    var shuffledCounted = 0
    for (i, lines) in docs.enumerated() {
      let q = Self.stage.model.quickSigns(lines, plainBody: lines.map { FragmentClassifier.isPlainBody($0) })
      guard q.count >= Self.stage.minViolations else { continue }
      if i % 2 == 0 {
        inOrderCounted += 1
        if q.z < Self.stage.signsZMin { inOrderBelow += 1 }
      } else {
        shuffledCounted += 1
        if q.z < Self.stage.signsZMin { shuffledBelow += 1 }
      }
    }
    // Among documents with enough signs to be reordered at all, the rule declines a good share
    // of those in order and few shuffled ones.
    #expect(Double(inOrderBelow) > 0.25 * Double(inOrderCounted))
    #expect(Double(shuffledBelow) < 0.05 * Double(shuffledCounted))
  }

  /// An article in order (a ship's disappearance, Wikinews 2019-0008, split crudely and with one
  /// word a line swapped, as the copy in bench-data/frag-20MB.jsonl) that shows two hard signs (a
  /// "Dr." line of its own, a surname used before a line that names the person in full) although a
  /// random order of its lines would show five, and on which the coherence model's z is wrong
  /// (−2.6). Before the quick signs' z was part of the decline test, the stage moved 39 of its lines.
  @Test func inOrderArticleWithFarFewerSignsThanChanceIsLeftAlone() throws {
    let text = try String(
      contentsOfFile: Repo.path("Tests/fixtures/order/wikinews-2019-0008-crude-split.txt"), encoding: .utf8)
    let lines = text.split(separator: "\n").map(String.init)
    let q = Self.stage.model.quickSigns(lines, plainBody: lines.map { FragmentClassifier.isPlainBody($0) })
    #expect(q.count >= Self.stage.minViolations)
    #expect(q.z < Self.stage.signsZMin)
    #expect(RestoreOrderTests.pipeline.clean(text).text == text)
    // Without the signs' z the rest of the decline test lets it through: the gap this rule closes.
    var rules = Repo.rules
    for i in rules.stages.indices {
      rules.stages[i].enabled = rules.stages[i].id == RestoreOrder.id
      if rules.stages[i].id == RestoreOrder.id { rules.stages[i].options.values["signs-z-min"] = .double(-1e9) }
    }
    let without = try Pipeline(rules: rules)
    #expect(without.clean(text).text != text)
  }

  /// The one-sentence-a-line check stops early only when the share can no longer be reached: a
  /// document exactly at `fragmented-share` (3 of its 4 body lines hold one sentence, the first
  /// holds two) is still reordered. An early exit off by one line would leave it alone.
  @Test func oneSentenceCheckAtTheShareStillReorders() throws {
    var rules = Repo.rules
    for i in rules.stages.indices {
      rules.stages[i].enabled = rules.stages[i].id == RestoreOrder.id
      if rules.stages[i].id == RestoreOrder.id { rules.stages[i].options.values["fragmented-share"] = .double(0.75) }
    }
    let pipeline = try Pipeline(rules: rules)
    let text = """
      Photograph: Jane Roe/AP
      The pair signed the agreement in Berlin. It runs for ten years.
      20240105
      Scholz said the pact would be ratified this year.
      German chancellor Olaf Scholz and French president Emmanuel Macron met on Friday to sign a defence pact.
      Macron called the deal historic.

      """
    let (out, changes) = pipeline.clean(text)
    #expect(out != text)
    #expect(changes.contains { $0.action == .move })
    // One more line of two sentences and the share is out of reach: left alone.
    let prose = text.replacingOccurrences(of: "Macron called the deal historic.", with: "Macron called the deal historic. He spoke in Paris.")
    #expect(pipeline.clean(prose).text == prose)
  }
}
