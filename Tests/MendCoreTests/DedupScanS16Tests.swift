import Foundation
import Testing

@testable import MendCore

/// Session 16: the document scan shared by the two sentence stages is compacted, not made again,
/// when `remove-repeated-sentences` removed lines and changed none.
@Suite struct DedupScanS16Tests {
  /// Every array of a scan that describes lines 0..<lineCount, with the lazy hashes made.
  struct Snapshot: Equatable {
    var tokens: [[UInt64]] = []
    var tokenByte: [Int32] = []
    var lineToken: [Int32] = []
    var pieceToken: [Int32] = []
    var linePiece: [Int32] = []
    var lineByte: [Int32] = []
    var irregular: [Bool] = []
    var anyIrregular = false
    var bytes: [UInt8] = []

    init(_ s: DedupText.DocScan) {
      s.ensureAll()
      let lines = s.lineCount
      for k in 0..<s.tokenCount {
        let t = s.tokens.p[k]
        tokens.append([t.hash, UInt64(t.prefix), UInt64(bitPattern: Int64(t.length)), t.isNumber ? 1 : 0])
        tokenByte.append(s.tokenByte.p[k])
      }
      lineToken = (0...lines).map { s.lineToken.p[$0] }
      pieceToken = (0..<s.pieceCount).map { s.pieceToken.p[$0] }
      linePiece = (0...lines).map { s.linePiece.p[$0] }
      lineByte = (0...lines).map { s.lineByte.p[$0] }
      irregular = (0..<lines).map { s.irregular.p[$0] }
      anyIrregular = s.anyIrregular
      bytes = Array(UnsafeBufferPointer(start: s.bytes.p, count: Int(s.lineByte.p[lines])))
    }
  }

  static func documents() -> [[String]] {
    var docs: [[String]] = [
      [
        "He met Mr. Smith.  Then he left.", "5.Next time we go. Then the 1.A list is read.",
        "Café naïve façade ÉCOLE Straße ﬁnance Ａｂｃ हाँ। 東京 e.g. i.e. a.m. 5.30pm A.B.C.D",
        "He met Mr. Smith.  Then he left.", "ab हाँ।Next words here. And more.", "", "x",
        "a\u{2028}b. c\u{85}d. x）y z. Done.",
      ]
    ]
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    if let paras = try? SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: path) {
      let lines = paras.prefix(1500).flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
      for start in stride(from: 0, to: lines.count, by: 30) { docs.append(Array(lines[start..<min(lines.count, start + 30)])) }
    }
    var rng = TestRandom(state: 16)
    for _ in 0..<40 {
      docs.append(
        (0..<12).map { _ in
          DedupScanSIMDS11Tests.randomLine(&rng, length: 20 + Int(rng.next() % 300), ascii: rng.next() % 3 == 0)
        })
    }
    return docs
  }

  @Test func compactingAScanGivesTheScanOfTheKeptLines() throws {
    let docs = Self.documents()
    #expect(docs.count > 40)
    var rng = TestRandom(state: 160)
    var compacted = 0
    var lines = 0
    for texts in docs {
      let doc = Document(fragments: texts.enumerated().map { Fragment(text: $0.element, line: $0.offset + 1) }, endsWithNewline: false)
      let segmenter = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
      let scan = DedupText.DocScan.of(doc, segmenter: segmenter)
      // Some lines' hashes made before the removal (a stage reads lines lazily).
      for f in 0..<scan.lineCount where rng.next() % 2 == 0 { scan.ensureLine(f) }
      var kept = doc
      kept.fragments = doc.fragments.enumerated().filter { _ in rng.next() % 4 != 0 }.map { $0.element }
      if kept.fragments.count == doc.fragments.count { kept.fragments.removeLast() }
      #expect(scan.compact(to: kept), "the kept lines are the scanned lines with some removed")
      let again = DedupText.DocScan.of(kept, segmenter: segmenter)
      #expect(again === scan, "the compacted scan is the cache's")
      #expect(again.lineCount == kept.fragments.count)
      let fresh = DedupText.DocScan.of(kept)
      #expect(Snapshot(again) == Snapshot(fresh), "\(texts.prefix(3))")
      compacted += 1
      lines += kept.fragments.count
    }
    #expect(compacted == docs.count)
    #expect(lines > 1000)
  }

  @Test func aChangedOrAddedLineIsScannedAgain() {
    let doc = Document(text: "One sentence here.\nAnother one there.\nA third line.")
    let segmenter = SentenceSegmenter(locale: "en@ss=standard", abbreviations: Repo.rules.abbreviations)
    let scan = DedupText.DocScan.of(doc, segmenter: segmenter)
    // A line edited (and one removed): not a subsequence, so no compaction.
    var edited = doc
    edited.fragments = [doc.fragments[0], Fragment(text: "A third line, edited.", line: 3)]
    #expect(!scan.compact(to: edited))
    #expect(scan.lineCount == 3, "a refused compaction leaves the scan as it was")
    // Lines moved: not in order.
    var moved = doc
    moved.fragments = [doc.fragments[2], doc.fragments[0]]
    #expect(!scan.compact(to: moved))
    // Nothing removed: `matches` decides, not compaction.
    #expect(!scan.compact(to: doc))
    let again = DedupText.DocScan.of(edited, segmenter: segmenter)
    #expect(Snapshot(again) == Snapshot(DedupText.DocScan.of(edited)))
  }

  /// The two stages in the default order on a document where the first removes a line: the
  /// output is the same as with the stages run on separate segmenters (no shared scan).
  @Test func theSecondStageAfterARemovalGivesTheSameOutput() throws {
    let text = [
      "The council met on Tuesday to discuss the new bridge over the river.",
      "Residents said the bridge would bring traffic into the old town.",
      "The council met on Tuesday to discuss the new bridge over the river.",
      "Residents said the bridge would bring more traffic into the old town centre, a spokesperson said.",
      "हाँ। यह एक परीक्षण वाक्य है जो कई बार दोहराया गया है।",
      "हाँ। यह एक परीक्षण वाक्य है जो कई बार दोहराया गया है।",
    ].joined(separator: "\n")
    let pipeline = try Pipeline(rules: Repo.rules).only(["remove-repeated-sentences", "remove-near-duplicates"])
    #expect(pipeline.entries.count == 2)
    let (out1, log1) = pipeline.run(Document(text: text), segmenter: pipeline.makeSegmenter())
    // The same stages one at a time, each with a fresh segmenter (a fresh scan).
    var doc = Document(text: text)
    var changes: [Change] = []
    for id in ["remove-repeated-sentences", "remove-near-duplicates"] {
      let one = pipeline.only([id])
      let (d, log) = one.run(doc, segmenter: one.makeSegmenter())
      doc = d
      changes += log.changes
    }
    #expect(out1 == doc)
    #expect(log1.changes.count == changes.count)
    #expect(log1.changes.contains { $0.stage == "remove-repeated-sentences" })
    #expect(log1.changes.contains { $0.stage == "remove-near-duplicates" })
  }
}
