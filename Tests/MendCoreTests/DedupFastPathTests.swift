import Foundation
import Testing

@testable import MendCore

/// The cheap document pass (`DedupText.DocScan`) that lets `remove-repeated-sentences` and
/// `remove-near-duplicates` skip documents and lines: it must give the tokenizer's own words, its
/// premises about sentence breaks must hold, and the stages must give the same output with and
/// without it (on the evaluation corpus, undamaged and damaged, and on hand-made edge cases that
/// a too aggressive skip would lose).
@Suite struct DedupFastPathTests {
  static func stage<S: Stage>(_ spec: StageSpec, fast: Bool, _ overrides: [String: OptionValue] = [:]) -> S {
    var values: [String: OptionValue] = [:]
    for o in spec.options { values[o.name] = o.defaultValue }
    for (k, v) in overrides { values[k] = v }
    return try! spec.make(StageOptions(values: values, baseDirectory: Repo.path("rules"))) as! S
  }

  /// remove-repeated-sentences then remove-near-duplicates, with or without the fast path.
  static func run(_ text: String, fast: Bool, _ overrides: [String: OptionValue] = [:]) -> (String, [Change]) {
    var rs: RemoveRepeatedSentences = stage(RemoveRepeatedSentences.spec, fast: fast, overrides)
    var nd: RemoveNearDuplicates = stage(RemoveNearDuplicates.spec, fast: fast, overrides)
    rs.fastPath = fast
    nd.fastPath = fast
    let pipeline = Pipeline(
      entries: [Pipeline.Entry(id: RemoveRepeatedSentences.id, stage: rs), Pipeline.Entry(id: RemoveNearDuplicates.id, stage: nd)],
      abbreviations: Repo.rules.abbreviations)
    let (doc, log) = pipeline.run(Document(text: text))
    return (doc.text, log.changes)
  }

  /// The fast and the full path give the same text (and, with `sameChanges`, the same change
  /// records), and the full path really removes something with `stage`: the case is not vacuous.
  static func expectFastIsFull(
    _ text: String, removedBy stage: String, _ what: Comment? = nil, sameChanges: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let fast = run(text, fast: true)
    let full = run(text, fast: false)
    #expect(full.1.contains { $0.stage == stage && $0.action == .remove }, what, sourceLocation: sourceLocation)
    #expect(fast.0 == full.0, sourceLocation: sourceLocation)
    if sameChanges { #expect(describe(fast.1) == describe(full.1), sourceLocation: sourceLocation) }
  }

  static func describe(_ changes: [Change]) -> [String] {
    changes.map { "\($0.stage)/\($0.rule) \($0.action) \($0.line):\($0.column) \($0.before.debugDescription) \($0.reason)" }
  }

  /// A segmenter per thread, as the pipeline has: the dedup scan and units cache live with the
  /// segmenter, and the tests run in parallel (one shared segmenter raced between them).
  static var segmenter: SentenceSegmenter { threadSegmenter("DedupFastPathTests.segmenter") }

  /// Whether the cheap pass alone (nil: undecided) and the whole fast path let the document
  /// through to the full path.
  static func nearDuplicateMayHold(_ text: String) -> (lines: Bool, stage: Bool) {
    let nd: RemoveNearDuplicates = stage(RemoveNearDuplicates.spec, fast: true)
    let doc = Document(text: text)
    let pairs = DedupText.DocScan.of(doc).nearDuplicateLines(
      minWords: nd.minWords, maxWords: nd.maxWords, minContainment: nd.minContainment, minCoverage: nd.minCoverage,
      soft: nd.softSet, sketch: nd.sketch)
    return (pairs == nil || !pairs!.isEmpty, !nd.fastPathSkips(doc, segmenter))
  }

  // MARK: the premises

  /// `scanLine` must give exactly `tokenize`'s words: the fingerprints and stems are built on them.
  @Test func scanLineGivesTheTokenizersWords() throws {
    var lines = [
      "U.S. President Joe Biden said 3.5% of 850,000 people met at 18:00 in Washington, D.C.",
      "Trump’s ‘plan’ — “a disaster”, he said. Don't! It's 5.Next week… (Really?) [Yes.]",
      "Café naïve façade ÉCOLE Straße ﬁnance Ａｂｃ हाँ। 東京 e.g. i.e. a.m. 5.30pm A.B.C.D",
      "", "   ", "x", "'quoted' `tick` ''double'' ’’ ‘‘", "a\u{2028}b\u{85}c\u{0301}d\td",
    ]
    // The word runs are found 8 bytes at a time (`alnumRun`): every ASCII byte and a non-ASCII
    // letter at each place of an 8-byte window, in long words, words of digits and mixed ones.
    for b in UInt8(1)...UInt8(0x7F) {
      let c = String(UnicodeScalar(b))
      for k in 0..<10 {
        let head = String("Abcdefghij9876543210".prefix(k))
        lines.append(head + c + "Klmnopqrstu12345678Vw " + head + c + "0123456789.5Xy" + c)
      }
    }
    for k in 0..<10 {
      let head = String("abcdefghij".prefix(k))
      lines.append(head + "é" + "klmnopqrstuvwxyz " + head + "’s" + "0123456789 " + head)
    }
    if let paras = try? SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")) {
      lines += paras.prefix(3000)
    }
    var mismatches = 0
    for line in lines {
      var t = line
      t.withUTF8 { buf in
        var a: [DedupText.Token] = []
        DedupText.tokenize(buf, 0..<buf.count, into: &a)
        var b: [DedupText.Token] = []
        var pieces: [Int32] = []
        _ = DedupText.scanLine(buf, tokens: &b, pieces: &pieces)
        let same =
          a.count == b.count
          && zip(a, b).allSatisfy { $0.hash == $1.hash && $0.prefix == $1.prefix && $0.length == $1.length && $0.isNumber == $1.isNumber }
        if !same { mismatches += 1 }
        #expect(same, "\(line.debugDescription)")
        #expect(pieces.isEmpty == a.isEmpty)
      }
    }
    #expect(lines.count > 8)
    #expect(mismatches == 0)
  }

  /// The argument at `DocScan` needs every letter of a word whose Sentence_Break class can end,
  /// close or space a sentence, separate paragraphs or extend a character to make its line
  /// irregular.
  @Test func breakerLettersMakeALineIrregular() {
    for v in UInt32(0x80)..<0x3_0000 where DedupText.nonASCIIKind(v) == 0 {
      let c = DedupText.sentenceBreakProperty(v)
      let expected: UInt8 =
        [SentenceRules.aTerm, SentenceRules.sTerm, SentenceRules.close, SentenceRules.sp, SentenceRules.sep, SentenceRules.cr, SentenceRules.lf]
        .contains(c) ? 1 : [SentenceRules.extend, SentenceRules.format].contains(c) ? 2 : 0
      if DedupText.breakerClass(v) != expected { Issue.record("U+\(String(v, radix: 16)) class \(c)") }
    }
    for b in UInt32(0)..<0x80 where DedupText.isASCIIAlnum(UInt8(b)) {
      #expect([SentenceRules.upper, SentenceRules.lower, SentenceRules.numeric].contains(DedupText.sentenceBreakProperty(b)))
    }
    func scan(_ line: String) -> (irregular: Bool, tokens: Int, pieces: [Int32]) {
      var t = line
      return t.withUTF8 { buf in
        var toks: [DedupText.Token] = []
        var pieces: [Int32] = []
        let irregular = DedupText.scanLine(buf, tokens: &toks, pieces: &pieces)
        return (irregular, toks.count, pieces)
      }
    }
    for line in ["ab हाँ।Next words here", "end. \u{0301}Next", "a\u{2028}b", "x\u{85}y", "5.Next time", "the 1.A list", "a’.B test", "x）y z"] {
      #expect(scan(line).irregular, "\(line.debugDescription)")
    }
    for line in ["Café naïve € ██ Москва 東京 said. Next", "U.S. and e.g. 3.5 and D.C. Next", "Trump’s ‘plan’ — “a disaster”.", "नमस्ते।  मेरा नाम अकरम है।"] {
      #expect(!scan(line).irregular, "\(line.debugDescription)")
    }
    // A word ending in a danda: the next word starts a piece.
    #expect(scan("मेरा नाम है। Next one").pieces == [0, 3])
  }

  /// Every sentence the segmenter finds in a regular line starts at a piece.
  @Test func sentencesStartAtPieces() throws {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    try #require(FileManager.default.fileExists(atPath: path))
    var lines = try SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: path)
    lines += ["He met Mr. Smith.  Then he left.", "It cost $3.50. Next, the U.S. team won 3-2. “Good!” she said.", "5.Next time"]
    let segmenter = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
    var checked = 0
    for line in lines {
      var t = line
      t.withUTF8 { buf in
        var toks: [DedupText.Token] = []
        var pieces: [Int32] = []
        let irregular = DedupText.scanLine(buf, tokens: &toks, pieces: &pieces)
        if irregular { return }
        // Token starts, by re-tokenising growing prefixes is costly: use the sentence ranges
        // instead: the tokens of the text before each sentence must end at a piece start.
        for r in segmenter.sentences(inUTF8: buf) where r.lowerBound > 0 {
          var before: [DedupText.Token] = []
          DedupText.tokenize(buf, 0..<r.lowerBound, into: &before)
          var inside: [DedupText.Token] = []
          DedupText.tokenize(buf, r, into: &inside)
          if inside.isEmpty { continue }
          checked += 1
          #expect(pieces.contains(Int32(before.count)), "\(line.debugDescription) sentence at \(r)")
          // and the sentence's words are the line's words from there
          let k = before.count
          #expect(k + inside.count <= toks.count && zip(inside, toks[k...]).allSatisfy { $0.hash == $1.hash }, "\(line.debugDescription)")
        }
      }
    }
    #expect(checked > 1000)
  }

  /// The units built from the scan's tokens (regular lines) are the units `tokenize` gives: same
  /// ranges, tokens and keys, for lines of the evaluation corpus and for edge cases (irregular
  /// lines, whose units must be tokenised: `5.Next` is one word for the line, two sentences for
  /// the segmenter).
  @Test func unitsFromTheScanAreTheTokenizersUnits() throws {
    var lines = [
      "He met Mr. Smith.  Then he left.", "It cost $3.50. Next, the U.S. team won 3-2. “Good!” she said.",
      "5.Next time we go. Then the 1.A list is read.", "Trump’s ‘plan’ — “a disaster”, he said. Don't! It's 5.Next week… (Really?) [Yes.]",
      "Café naïve façade ÉCOLE Straße ﬁnance Ａｂｃ हाँ। 東京 e.g. i.e. a.m. 5.30pm A.B.C.D", "ab हाँ।Next words here. And more.",
      "a\u{2028}b. c\u{85}d. x）y z. Done.", "  Leading and trailing spaces.   Two sentences here.  ", "x",
    ]
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    if let paras = try? SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: path) { lines += paras.prefix(2000) }
    // Separate segmenters: each has its own units cache (keyed by the line's text).
    let plain = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
    let scanned = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
    var compared = 0
    var fromScan = 0
    for start in stride(from: 0, to: lines.count, by: 40) {
      let doc = Document(text: lines[start..<min(lines.count, start + 40)].joined(separator: "\n"))
      let scan = DedupText.DocScan.of(doc, segmenter: scanned)
      for f in 0..<doc.fragments.count where scan.line(f) != nil { fromScan += 1 }
      let a = DedupText.units(doc, segmenter: plain, sentences: true)
      let b = DedupText.units(doc, segmenter: scanned, sentences: true, scanTokens: true)
      #expect(a.units.count == b.units.count)
      for (x, y) in zip(a.units, b.units) {
        compared += 1
        let same =
          x.range == y.range && x.key == y.key && x.fragment == y.fragment
          && a.tokens(of: x).elementsEqual(b.tokens(of: y)) {
            $0.hash == $1.hash && $0.prefix == $1.prefix && $0.length == $1.length && $0.isNumber == $1.isNumber
          }
        #expect(same, "\(doc.fragments[x.fragment].text.debugDescription) \(x.range)")
      }
    }
    #expect(compared > 2000)
    #expect(fromScan > 1000)
  }

  // MARK: near-duplicates a too aggressive skip would lose

  @Test(arguments: [
    // an inflection (rejected / rejects): the stems, not the words, must be compared
    "The regional council rejected the proposal to build a second bridge over the river on Tuesday.\nOther news followed.\nThe regional council rejects the proposal to build a second bridge over the river",
    // the copy is a sentence inside a paragraph, after an abbreviation (a piece of its own)
    "Mr. Kowalski announced that the factory in Gdansk will close before December.\nShares fell. Mr. Kowalski said the factory in Gdansk will close before December, costing jobs.",
    // both copies in one line
    "Police arrested fourteen protesters outside the embassy on Sunday. Police arrested fourteen protesters outside the embassy",
    // the contained copy is the longer one (extra soft words), dropped word in the other
    "Engineers finished the new tunnel under the harbour in March.\nEngineers finished the new tunnel under harbour in March.",
    // numbers are stems of their own (cut copy)
    "The 2024 budget gives 3,500 nurses a raise of 4.5 percent from July onwards.\nThe 2024 budget gives 3,500 nurses a raise of 4.5 percent",
  ])
  func nearDuplicateIsStillRemoved(_ text: String) {
    let mayHold = Self.nearDuplicateMayHold(text)
    #expect(mayHold.lines, "the cheap pass would skip this document")
    #expect(mayHold.stage, "the fast path would skip this document")
    Self.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, "the case must be a real near-duplicate")
  }

  /// `nearDuplicateLines`' window search: the copy is one sentence of a long paragraph, after and
  /// before other sentences, so the window that holds it is not the first one tried, several
  /// windows end at the same piece, and a paragraph of more than 64 pieces takes the search
  /// without piece sets. A search that skipped a window it must test loses these.
  @Test(arguments: [10, 30, 70])
  func nearDuplicateInsideALongParagraphIsStillRemoved(_ sentences: Int) {
    let fillers = [
      "Rain fell.", "Trade slowed in spring.", "A quiet week for markets followed.", "Nobody spoke.",
      "The ferry left at dawn with ninety passengers aboard.", "Crowds gathered.",
    ]
    var r = TestRandom(state: UInt64(sentences))
    var before: [String] = []
    var after: [String] = []
    for k in 0..<sentences {
      let s = fillers[Int(r.next() % UInt64(fillers.count))]
      if k < sentences * 2 / 3 { before.append(s) } else { after.append(s) }
    }
    // The first line is the contained copy (the sentence in the paragraph has two more content
    // words), so only a window of the paragraph can hold it.
    let contained = "Engineers from Lyon finished the new tunnel under the harbour in March."
    let longer = "Engineers from Lyon finished the new tunnel under the harbour in March, weeks early."
    let text = contained + "\n" + (before + [longer] + after).joined(separator: " ")
    let mayHold = Self.nearDuplicateMayHold(text)
    #expect(mayHold.lines, "the cheap pass would skip this document")
    #expect(mayHold.stage, "the fast path would skip this document")
    Self.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, "the case must be a real near-duplicate")
  }

  /// The same sentence twice in one paragraph, with the other sentences between: the search must
  /// look on both sides of the sentence (and not count the sentence's own words as the copy's).
  @Test func nearDuplicateOnBothSidesInOneLine() {
    let a = "The regional council rejected the proposal to build a second bridge over the river on Tuesday."
    let b = "The regional council rejects the proposal to build a second bridge over the river."
    let filler = "Rain fell. Trade slowed in spring. Nobody spoke."
    for text in [a + " " + filler + " " + b, b + " " + filler + " " + a, filler + " " + a + " " + filler + " " + b + " " + filler] {
      let mayHold = Self.nearDuplicateMayHold(text)
      #expect(mayHold.lines, "\(text)")
      Self.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, sameChanges: false)
    }
    // A sentence alone in its line with nothing like it elsewhere: no pair, not even with itself.
    #expect(!Self.nearDuplicateMayHold(a + " " + filler).lines)
  }

  /// `nearDuplicateLines` sets aside every piece with a content stem that occurs in no other
  /// piece (no other unit can hold all its stems). A long document where every sentence has a
  /// word of its own is then settled at once (the 1 024-bit line filters alone cannot: they fill
  /// up), and a copy of one sentence, placed so that its words occur only in the original, must
  /// still be found: in another line, right after the original in its line, and as a cut copy
  /// whose own word is an inflection (a stem, not the word, is shared). A filter that also set
  /// aside stems seen twice, stems of one line, or exact words seen once loses one of these.
  /// The proof hashes a word only when its shape (first four bytes and length) is a soft
  /// word's; a longer word with a soft word's shape (`reporter`, `reported`) is still a content
  /// word. Here it is the only content word of the copy: taking it for a soft word would leave
  /// the run without a content word and lose the pair.
  @Test func wordWithASoftWordsShapeIsContent() {
    let text = "He was the reporter of it, police said.\nSomething else entirely happened here today.\nHe was the reporter of it"
    #expect(Self.nearDuplicateMayHold(text).lines)
    Self.expectFastIsFull(text, removedBy: RemoveNearDuplicates.id, "the case must be a real near-duplicate")
  }

  @Test(arguments: [0, 1, 2, 3])
  func pieceWithAStemOfItsOwnIsSetAside(_ variant: Int) {
    var r = TestRandom(state: 77)
    let shared = (0..<30).map { _ in r.word() }
    func sentence(_ own: String) -> String {
      var words = (0..<7).map { _ in shared[Int(r.next() % UInt64(shared.count))] }
      words.insert(own, at: Int(r.next() % 8))
      return "Z" + words.joined(separator: " ") + "."
    }
    // Words of their own (no two, nor one and a shared word, with the same first four letters:
    // the same stem).
    var stems = Set(shared.map { $0.prefix(4) })
    var ownWords: [String] = []
    while ownWords.count < 1_200 {
      let w = r.word() + "ed"
      if stems.insert(w.prefix(4)).inserted { ownWords.append(w) }
    }
    var lines: [String] = []
    for _ in 0..<400 { lines.append((0..<3).map { _ in sentence(ownWords.removeLast()) }.joined(separator: " ")) }
    let text = lines.joined(separator: "\n")
    if variant == 0 {
      // Also as three paragraphs of 400 sentences: there the line filters of the own-line test
      // fill up, and without the set-aside the search inside each paragraph exceeds the work
      // bound (nil).
      var paragraphs: [String] = []
      for k in 0..<3 { paragraphs.append(lines[(k * 133)..<((k + 1) * 133)].joined(separator: " ")) }
      for doc in [text, paragraphs.joined(separator: "\n")] {
        let pairs = DedupText.DocScan.of(Document(text: doc)).nearDuplicateLines(
          minWords: 6, maxWords: 200, minContainment: 0.8, minCoverage: 0.5, soft: DedupText.WordSet([]), sketch: 8)
        #expect(pairs != nil && pairs!.isEmpty, "every piece has a stem of its own: no pair")
      }
      return
    }
    let target = "The regional council rejected the proposal to build a second bridge over the river on Tuesday."
    var damaged = lines
    switch variant {
    case 1:  // the copy in another line
      damaged[10] += " " + target
      damaged[300] += " " + target.replacingOccurrences(of: " on Tuesday.", with: "")
    case 2:  // the copy right after the original, in its line
      damaged[10] += " " + target + " " + target.replacingOccurrences(of: " on Tuesday.", with: "")
    default:  // a cut copy whose words of its own are inflected (rejected / rejecting)
      damaged[10] += " " + target
      damaged[300] = target.replacingOccurrences(of: "rejected", with: "rejecting").replacingOccurrences(of: " on Tuesday.", with: ".") + " " + damaged[300]
    }
    let joined = damaged.joined(separator: "\n")
    let mayHold = Self.nearDuplicateMayHold(joined)
    #expect(mayHold.lines, "the cheap pass would skip this document")
    #expect(mayHold.stage, "the fast path would skip this document")
    Self.expectFastIsFull(joined, removedBy: RemoveNearDuplicates.id, "the case must be a real near-duplicate")
  }

  @Test(arguments: [
    // the copy differs in case and punctuation, which split the first into two pieces
    "Police said, “the road will reopen on Monday.”\nTraffic was light! police said the road will reopen on monday",
    // a sentence repeated inside one line, after an abbreviation
    "Mr. Smith arrived late to the meeting. He apologised. Mr. Smith arrived late to the meeting.",
    // a whole line repeated, with curly quotes and apostrophes
    "“It’s the council’s decision,” the mayor told us.\nOther text here for the reader.\n\"It's the councils decision\" the mayor told us",
  ])
  func repeatIsStillRemoved(_ text: String) {
    let scan = DedupText.DocScan.of(Document(text: text))
    #expect(scan.repeatCandidates(minWords: 4) != nil, "the cheap pass would skip this document")
    Self.expectFastIsFull(text, removedBy: RemoveRepeatedSentences.id, "the case must be a real repeat")
  }

  @Test func unrelatedSentencesAreSkipped() {
    // Sentences that share words but none holds all of another's content words: provably no pair.
    let text = """
      The regional council met on Tuesday to discuss the bridge.
      Engineers say the river crossing needs repairs before winter. The mayor disagreed.
      Residents of the northern district collected signatures against the plan.
      """
    #expect(!Self.nearDuplicateMayHold(text).lines)
    let scan = DedupText.DocScan.of(Document(text: text))
    #expect(scan.repeatCandidates(minWords: 4) == nil)
  }

  // MARK: the same output with and without the fast path

  /// Articles of the evaluation corpus, a paragraph a line and a sentence a line, undamaged and
  /// with copies injected as the dedup evaluation does (exact, lower-cased, cut, says for said, a
  /// word dropped, a copy inside another paragraph).
  @Test func sameOutputWithAndWithoutTheFastPath() throws {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    try #require(FileManager.default.fileExists(atPath: path))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var articles: [[String]] = []
    for line in text.split(separator: "\n") {
      let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      if let p = obj?["paragraphs"] as? [String] { articles.append(p.flatMap { $0.split(separator: "\n").map(String.init) }) }
    }
    let every = Int(ProcessInfo.processInfo.environment["MEND_FASTPATH_EVERY"] ?? "") ?? 4
    let segmenter = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
    var r = TestRandom(state: 11)
    var docs = 0
    var removals = 0
    var skippedND = 0
    var differences: [String] = []
    for (ai, paras) in articles.enumerated() where ai % every == 0 && !paras.isEmpty {
      let sentences = paras.flatMap { p in segmenter.sentenceStrings(in: p).map(String.init) }
      for perSentence in [false, true] {
        let lines = perSentence ? sentences : paras
        if lines.isEmpty { continue }
        var damaged = lines
        for _ in 0..<3 {
          let s = sentences[Int(r.next() % UInt64(sentences.count))]
          var words = s.split(separator: " ").map(String.init)
          let copy: String
          switch r.next() % 6 {
          case 0: copy = s
          case 1: copy = s.lowercased()
          case 2: copy = words.prefix(max(1, words.count * Int(6 + r.next() % 4) / 10)).joined(separator: " ")
          case 3: copy = s.replacingOccurrences(of: " said", with: " says")
          case 4:
            if words.count > 3 { words.remove(at: 1 + Int(r.next() % UInt64(words.count - 2))) }
            copy = words.joined(separator: " ")
          default: copy = s
          }
          let at = Int(r.next() % UInt64(damaged.count + 1))
          if r.next() % 3 == 0 && at < damaged.count {
            damaged[at] += " " + copy
          } else {
            damaged.insert(copy, at: at)
          }
        }
        for doc in [lines, damaged] {
          let joined = doc.joined(separator: "\n")
          docs += 1
          if !Self.nearDuplicateMayHold(joined).stage { skippedND += 1 }
          let fast = Self.run(joined, fast: true)
          let full = Self.run(joined, fast: false)
          removals += full.1.filter { $0.action == .remove }.count
          if fast.0 != full.0 || Self.describe(fast.1) != Self.describe(full.1) {
            differences.append("article \(ai) (\(perSentence ? "sentences" : "paragraphs")): \(Self.describe(full.1)) vs \(Self.describe(fast.1))")
          }
        }
      }
    }
    print("fast path vs full path: \(docs) documents, \(removals) removals, \(skippedND) skipped by the near-duplicate proof, \(differences.count) differences")
    #expect(docs > 100)
    #expect(removals > 100)
    #expect(differences.isEmpty, "\(differences.prefix(5).joined(separator: "\n"))")
  }
}
