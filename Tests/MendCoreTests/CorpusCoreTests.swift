import Foundation
import MendCore
import Testing

@Suite struct CorpusCoreTests {
  @Test func libraryEntryPointCleansAString() throws {
    let mend = try Mend(rulesPath: Repo.defaultRules)
    let r = mend.clean("Moscowâ€™s sovereignty")
    #expect(r.text == "Moscow’s sovereignty")
    #expect(r.changed)
    #expect(r.applied.contains { $0.stage == "normalize-unicode" })
    let same = mend.clean("Plain text.\n", segmenter: mend.makeSegmenter())
    #expect(same.text == "Plain text.\n" && !same.changed && same.changes.isEmpty)
  }

  @Test func minHashEstimatesJaccard() {
    var cfg = DedupConfig()
    cfg.numPerm = 256
    cfg.bands = 32
    let h = MinHasher(cfg)
    // Two word sequences sharing 80 of 100 words in order; 5-gram Jaccard known exactly.
    let a = (0..<200).map { UInt64($0) }
    var b = a
    for i in stride(from: 0, to: 200, by: 40) { b[i] = 10_000 + UInt64(i) }
    func shingles(_ w: [UInt64]) -> Set<[UInt64]> { Set((0...(w.count - 5)).map { Array(w[$0..<($0 + 5)]) }) }
    let sa = shingles(a)
    let sb = shingles(b)
    let truth = Double(sa.intersection(sb).count) / Double(sa.union(sb).count)
    let x = h.signature(words: a)
    let y = h.signature(words: b)
    let est = x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in MinHasher.similarity(p, q) } }
    #expect(abs(est - truth) < 0.1, "estimate \(est), truth \(truth)")
  }

  @Test func indexIsKeepFirst() {
    let cfg = DedupConfig()
    let h = MinHasher(cfg)
    let idx = DedupIndex(cfg)
    let base = (0..<60).map { "word\($0)" }.joined(separator: " ")
    #expect(idx.add(h.fingerprint([base])) == .keep)
    #expect(idx.add(h.fingerprint(["  " + base.uppercased() + "\n"])) == .exact(of: 0))
    #expect(idx.add(h.fingerprint(["something else entirely, nothing shared with it at all"])) == .keep)
    let near = base.replacingOccurrences(of: "word30 ", with: "other ")
    if case .near(let of, let sim) = idx.add(h.fingerprint([near])) {
      #expect(of == 0 && sim >= 0.7)
    } else {
      Issue.record("near duplicate not found")
    }
    // Texts without words never match each other.
    #expect(idx.add(h.fingerprint(["..."])) == .keep)
    #expect(idx.add(h.fingerprint(["..."])) == .keep)
  }

  @Test func dedupSectionIsCheckedStrictly() throws {
    let dir = NSTemporaryDirectory() + "/mend-dedup-rules-\(UUID().uuidString.prefix(6))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let ok = dir + "/ok.yml"
    try "version: 1\nextends: default\ndedup:\n  threshold: 0.8\n  num_perm: 64\n  bands: 8\n".write(toFile: ok, atomically: true, encoding: .utf8)
    let set = try RuleSet.load(path: ok, defaultPath: Repo.defaultRules)
    #expect(set.dedup.threshold == 0.8 && set.dedup.numPerm == 64 && set.dedup.bands == 8 && set.dedup.ngram == 5)
    #expect(Repo.rules.dedup == DedupConfig())
    for (yaml, line, col, msg) in [
      ("dedup:\n  treshold: 0.8\n", 3, 3, "unknown key 'treshold'"),
      ("dedup:\n  threshold: 1.5\n", 3, 14, "'threshold' must be a number in (0, 1]"),
      ("dedup:\n  num_perm: 100\n  bands: 16\n", 4, 10, "must be a multiple"),
      ("dedup:\n  near: maybe\n", 3, 9, "'near' must be true or false"),
    ] {
      let p = dir + "/bad.yml"
      try ("version: 1\n" + yaml).write(toFile: p, atomically: true, encoding: .utf8)
      #expect {
        try RuleSet.load(path: p)
      } throws: { e in
        guard let e = e as? RulesError else { return false }
        return e.line == line && e.column == col && e.message.contains(msg)
      }
    }
  }
}
