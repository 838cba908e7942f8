import Yams

/// The `dedup:` section of a rules file, checked as strictly as the stages.
extension RulesLoader {
  static let dedupKeys = [
    "exact", "near", "num_perm", "bands", "ngram", "threshold", "boilerplate", "boilerplate_min_docs",
    "boilerplate_min_length", "seed",
  ]

  func parseDedup(_ node: Node, base: DedupConfig, file: String) throws -> DedupConfig {
    guard let m = node.mapping else {
      throw err(file, node, "'dedup' must be a mapping with keys: \(Self.list(Self.dedupKeys))")
    }
    try checkKeys(m, allowed: Self.dedupKeys, file: file, what: "in 'dedup'")
    var c = base
    func bool(_ k: String) throws -> Bool? {
      guard let v = m[k] else { return nil }
      guard v.scalar != nil, let b = v.bool else { throw err(file, v, "'\(k)' must be true or false") }
      return b
    }
    func int(_ k: String, _ range: ClosedRange<Int>) throws -> Int? {
      guard let v = m[k] else { return nil }
      guard v.scalar != nil, let i = v.int, range.contains(i) else {
        throw err(file, v, "'\(k)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
      }
      return i
    }
    if let b = try bool("exact") { c.exact = b }
    if let b = try bool("near") { c.near = b }
    if let b = try bool("boilerplate") { c.boilerplate = b }
    if let i = try int("num_perm", 8...1024) { c.numPerm = i }
    if let i = try int("bands", 1...1024) { c.bands = i }
    if let i = try int("ngram", 1...32) { c.ngram = i }
    if let i = try int("boilerplate_min_docs", 2...Int(Int32.max)) { c.boilerplateMinDocs = i }
    if let i = try int("boilerplate_min_length", 1...100_000) { c.boilerplateMinLength = i }
    if let i = try int("seed", 0...Int.max) { c.seed = UInt64(i) }
    if let v = m["threshold"] {
      guard v.scalar != nil, let d = v.float, d > 0, d <= 1 else {
        throw err(file, v, "'threshold' must be a number in (0, 1]")
      }
      c.threshold = d
    }
    if c.numPerm % c.bands != 0 {
      throw err(file, m["bands"] ?? m["num_perm"] ?? node, "'num_perm' (\(c.numPerm)) must be a multiple of 'bands' (\(c.bands))")
    }
    return c
  }
}
