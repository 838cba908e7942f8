import Foundation

/// Naive-Bayes odds that a stripped `X+s` that is also a plain word (`nations`, `years`, `Earths`,
/// `NASAs`) was a singular possessive, from counts mined on real text (`possessive-stats.txt`,
/// built by scripts/mine-possessive-stats.py from the fit split only): the form itself, the next
/// and previous words, and the next word's shape.
struct PossessiveScorer: Sendable {
  let counts: [UInt64: (Int32, Int32)]
  let logPrior: Double

  init(text bytes: [UInt8]) {
    var counts: [UInt64: (Int32, Int32)] = [:]
    for line in bytes.split(separator: 0x0A) {
      let parts = line.split(separator: 0x20)
      guard parts.count == 3, let a = Int32(String(decoding: parts[1], as: UTF8.self)),
        let b = Int32(String(decoding: parts[2], as: UTF8.self))
      else { continue }
      counts[ByteWordSet.hash(Array(parts[0]))] = (a, b)
    }
    self.counts = counts
    let t = counts[ByteWordSet.hash(Array("total".utf8))] ?? (1, 1)
    logPrior = log((Double(t.0) + 1) / (Double(t.1) + 1))
  }

  static func shape(_ w: [UInt8]?, capitalised: Bool) -> String {
    guard let w, let f = w.first else { return "punct" }
    if Bytes.isDigit(f) { return "num" }
    if capitalised { return "cap" }
    for suf in ["ed", "ing", "ly", "s"] where w.count > suf.utf8.count + 2 && w.suffix(suf.utf8.count).elementsEqual(suf.utf8) {
      return suf
    }
    return "other"
  }

  /// Log-odds (possessive vs plain) and the features that moved it most.
  func score(token: [UInt8], next: SlotView, prev: SlotView) -> (Double, String) {
    var feats: [[UInt8]] = []
    feats.append(Array("t:".utf8) + Bytes.lowered(token))
    feats.append(Array("n:".utf8) + (next.word ?? Array("<punct>".utf8)))
    feats.append(Array("p:".utf8) + (prev.word ?? Array("<punct>".utf8)))
    feats.append(Array("ns:".utf8) + Array(Self.shape(next.word, capitalised: next.capitalised).utf8))
    var s = logPrior
    var notes: [String] = []
    for f in feats {
      guard let (a, b) = counts[ByteWordSet.hash(f)] else { continue }
      let d = log((Double(a) + 0.5) / (Double(b) + 0.5)) - logPrior
      s += d
      notes.append("\(String(decoding: f, as: UTF8.self)) \(a)/\(b)")
    }
    return (s, notes.joined(separator: ", "))
  }
}
