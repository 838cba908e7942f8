import Foundation

/// Noun-or-verb classes of lower-case words from word bigram counts (word-classes.txt, built by
/// scripts/build-word-classes.py from symspellpy's bigram dictionary, Google Books Ngram data):
/// how often a word follows a determiner (`the lawyer`) versus a word that a verb follows
/// (`to lawyer`, `they said`). Lines `WORD CLASS`, CLASS one of `n9` (≥ 90 % of those uses after a
/// determiner), `n6` (≥ 60 %), `m` (≥ 20 %), `v` (< 20 %).
///
/// repair-apostrophes uses `n9` where it needs a word that a possessive is followed by: a name +
/// s before it (`praised Warrens campaign`, `the Houses decision`) is a possessive in context
/// (see `nameContext`). WordNet's noun class (class-file) holds only nouns with no verb sense, so
/// it misses `campaign`, `decision`, `report`; the bigram counts say how a word is mostly used.
/// (Tried and dropped: the class as one more mined naive-Bayes feature of the lower-case
/// possessive score; on the dev fold it moved the threshold without a better ranking.)
struct WordClassMap: Sendable {
  static let names = ["n9", "n6", "m", "v"]
  /// Word hash (as SlotView hashes it: lower-cased) → index in `names`.
  var classOf = HashLineMap()
  var loaded = false

  init() {}

  /// `WORD CLASS` lines (other lines are skipped).
  init(_ bytes: [UInt8]) {
    var map = HashLineMap(capacity: 16384)
    let classBytes = Self.names.map { Array($0.utf8) }
    // On the bytes in place (no Array per line): the lines of `split(separator: 0x0A)` (empty
    // ones have no space and are skipped either way), cut at the first space; the key is
    // `hashLowered` of the word, which is `ByteWordSet.hash(Bytes.lowered(word))`.
    bytes.withUnsafeBufferPointer { buf in
      Bytes.forEachSpacedLine(buf) { i, sp, j in
        guard sp >= 0 else { return }
        let rest = UnsafeBufferPointer(rebasing: buf[(sp + 1)..<j])
        guard let c = classBytes.firstIndex(where: { $0.elementsEqual(rest) }) else { return }
        map.insertIfAbsent(RepairApostrophes.hashLowered(buf, i, sp), c)
      }
    }
    classOf = map
    loaded = !bytes.isEmpty
  }

  /// The class name of a word hash, nil when the word is not listed.
  func name(_ h: UInt64) -> String? { classOf[h].map { Self.names[$0] } }
}

/// word-classes.txt, read and parsed on first use.
typealias LazyWordClasses = LazyLexicon<WordClassMap>

extension PossessiveScorer {
  /// The next word is noun-like by the bigram counts (class n9). False without a class file.
  @inline(__always)
  func nounLike(_ next: SlotView) -> Bool {
    classes.loaded && next.hasWord && classes.classOf[next.hash] == 0
  }
}
