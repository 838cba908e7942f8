import Foundation
import Testing

@testable import MendCore

/// `OrderModel.contentKeys` reads a token of lower-case ASCII letters through a fast lane (the run's
/// end 8 bytes at a time, no hash for words of < 4 bytes). Its keys must be exactly the content words
/// of `analyzeFlat` (which reads the `tokenize` tokens, a separate word loop) at every edge of the
/// lane: every byte after the run, every run length, every offset in the 8-byte window.
@Suite struct RestoreOrderS8bTests {
  static var model: OrderModel { RestoreOrderTests.stage.model }

  /// The run end byte by byte (the reference for the 8-byte scan).
  static func scalarRunEnd(_ bytes: [UInt8], from i: Int) -> Int {
    var j = i
    while j < bytes.count && bytes[j] >= 0x61 && bytes[j] <= 0x7A { j += 1 }
    return j
  }

  /// Every start offset 0–15, run length 0–19 (letters cycling a–z, so 'a' and 'z' both occur),
  /// every byte value after the run, and lower-case letters after that byte (a scan that missed the
  /// stop byte would run on).
  @Test func lowerRunEndIsTheByteScan() {
    var checked = 0
    for offset in 0..<16 {
      for length in 0..<20 {
        for stop in 0...255 {
          var bytes = [UInt8](repeating: 0x61, count: offset)
          for k in 0..<length { bytes.append(0x61 + UInt8((k * 7 + offset) % 26)) }
          bytes.append(UInt8(stop))
          bytes += Array("zzqa".utf8).prefix((offset + stop) % 5)
          let fast = bytes.withUnsafeBufferPointer { OrderModel.lowerRunEnd($0, from: offset) }
          #expect(fast == Self.scalarRunEnd(bytes, from: offset), "offset \(offset) length \(length) stop \(stop)")
          checked += 1
        }
        // The run up to the end of the buffer (no stop byte).
        var bytes = [UInt8](repeating: 0x62, count: offset)
        for k in 0..<length { bytes.append(0x7A - UInt8(k % 26)) }
        let fast = bytes.withUnsafeBufferPointer { OrderModel.lowerRunEnd($0, from: offset) }
        #expect(fast == bytes.count)
      }
    }
    #expect(checked == 16 * 20 * 256)
  }

  /// The content keys of `lines`, sentence by sentence, against `analyzeFlat`; returns how many
  /// content words were compared.
  @discardableResult
  static func compare(_ lines: [String]) -> Int {
    let m = model
    let (keys, offs) = m.contentKeys(lines)
    let flat = m.analyzeFlat(lines)
    #expect(offs.count == lines.count + 1)
    var words = 0
    for i in 0..<lines.count {
      let expected = Array(flat.keys[flat.range(i, .content)])
      let got = Array(keys[offs[i]..<offs[i + 1]])
      #expect(got == expected, "\(lines[i].debugDescription)")
      words += expected.count
    }
    return words
  }

  /// Words of 1–14 bytes (ending in "s" or not, content or function words) at every offset of the
  /// 8-byte window, followed by each kind of byte the word loop treats differently: a space,
  /// punctuation, an apostrophe or hyphen that joins (or not), a capital, a digit, non-ASCII
  /// letters, a curly apostrophe, a dash (U+2014), the end of the line.
  @Test func contentKeysAtTheLanesEdges() {
    let stems = [
      "bridges", "abcdefghijklmnopqrs", "about", "there", "which", "news", "plans", "is", "its", "Bridges",
      "Abcdefghijklmnopqrs", "ABCDEFGHIJ",
    ]
    let after = [
      "", " ", ".", ",", ";", ")", "\"", "'", "'s", "' ", "-", "-x", "- ", "A", "Ab", "9", "é", "\u{2019}s",
      "\u{2019}", "\u{2014}", "\u{201D}", "\t", "s", "_", "/",
    ]
    var lines: [String] = []
    for stem in stems {
      for length in 1...min(14, stem.count) {
        let word = String(stem.prefix(length))
        for offset in 0..<9 {
          let pad = String(repeating: "x", count: offset)
          for a in after {
            lines.append(pad + " " + word + a + " closing words")
            lines.append(word + a)
          }
        }
      }
    }
    let words = Self.compare(lines)
    #expect(words > 1_000)
  }

  /// Real text: corpus documents (as in the pre-check tests) through both word loops.
  @Test func contentKeysOnCorpusText() throws {
    var words = 0
    let docs = try RestoreOrderPrecheckTests.documents(limit: 120)
    for body in docs { words += Self.compare(body) }
    #expect(words > 10_000 || docs.count < 20)
  }

  /// `sortUnique` (in place, insertion sort up to 16 elements, else the library sort) against a
  /// plain reference: the elements before `from` untouched, the rest sorted with each value once;
  /// sizes around the 16-element switch, many duplicates and none, extreme values.
  @Test func sortUniqueIsSortedAndUnique() {
    var rng = SplitMix64(seed: 8)
    var checked = 0
    for count in 0..<40 {
      for start in [0, 1, 3] where start <= count {
        for spread in [UInt64(3), 1 << 20, UInt64.max] {
          var xs = (0..<count).map { _ in spread == .max ? UInt64.random(in: 0...UInt64.max, using: &rng) : UInt64.random(in: 0..<spread, using: &rng) }
          if count > 4 {
            xs[count - 1] = .max
            xs[start] = 0
          }
          let expected = Array(xs[..<start]) + Array(Set(xs[start...])).sorted()
          OrderModel.sortUnique(&xs, from: start)
          #expect(xs == expected, "count \(count) start \(start)")
          checked += 1
        }
      }
    }
    #expect(checked > 300)
  }
}
