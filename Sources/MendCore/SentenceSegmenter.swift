import CICU

/// Sentence boundaries from ICU (`en@ss=standard` by default), corrected with the abbreviation list
/// from the rules (ICU alone splits after titles such as `Gen.` and inside some `U.S.` uses).
///
/// Not thread-safe: every pipeline run makes its own (a clone of a shared template is cheap).
public final class SentenceSegmenter {
  private let iterator: UnsafeMutableRawPointer
  private let abbreviations: Set<[UInt8]>
  private var breaks: [Int32] = Array(repeating: 0, count: 256)

  public init(locale: String = "en@ss=standard", abbreviations: [String] = []) {
    guard let it = mend_sentence_iterator_open(locale) ?? mend_sentence_iterator_open("en") else {
      fatalError("ICU could not open a sentence break iterator for \(locale)")
    }
    iterator = it
    self.abbreviations = Set(abbreviations.map { Array($0.utf8) })
  }

  deinit { mend_sentence_iterator_close(iterator) }

  /// Results for recent texts: several stages ask for the sentences of the same line, and
  /// hashing a line is far cheaper than breaking it again.
  private var cache: [String: [Range<Int>]] = [:]

  /// The dedup stages' units of recent lines (`DedupText.UnitsCache`), kept here because a
  /// segmenter belongs to one thread and lives across the stages of a run.
  var dedupUnitsCache: AnyObject?

  /// Sentence byte ranges of a text, covering it whole (each range keeps its trailing spaces).
  public func sentences(in text: String) -> [Range<Int>] {
    if let hit = cache[text] { return hit }
    var copy = text
    let result = copy.withUTF8 { buf in sentences(inUTF8: buf) }
    if cache.count >= 8192 { cache.removeAll(keepingCapacity: true) }
    cache[text] = result
    return result
  }

  /// The sentences of a text as substrings, without their trailing spaces.
  public func sentenceStrings(in text: String) -> [Substring] {
    let utf8 = text.utf8
    return sentences(in: text).compactMap { r -> Substring? in
      let a = utf8.index(utf8.startIndex, offsetBy: r.lowerBound)
      var b = utf8.index(utf8.startIndex, offsetBy: r.upperBound)
      while b > a, utf8[utf8.index(before: b)] == 0x20 { b = utf8.index(before: b) }
      return a == b ? nil : Substring(utf8[a..<b])
    }
  }

  /// Sentence byte ranges of UTF-8 bytes, covering them whole.
  public func sentences(inUTF8 buf: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    let n = buf.count
    if n == 0 { return [] }
    // Fast path: no sentence-final punctuation before the last few bytes means one sentence.
    var hasTerminal = false
    var i = 0
    while i < n {
      let b = buf[i]
      if b == 0x2E || b == 0x21 || b == 0x3F || b >= 0x80 { hasTerminal = true; break }
      i += 1
    }
    if !hasTerminal { return [0..<n] }
    var count = buf.withMemoryRebound(to: CChar.self) { cbuf in
      mend_sentence_breaks16(iterator, cbuf.baseAddress, Int32(n), &breaks, Int32(breaks.count))
    }
    if count > breaks.count {
      breaks = Array(repeating: 0, count: Int(count) + 16)
      count = buf.withMemoryRebound(to: CChar.self) { cbuf in
        mend_sentence_breaks16(iterator, cbuf.baseAddress, Int32(n), &breaks, Int32(breaks.count))
      }
    }
    if count <= 0 { return [0..<n] }
    var out: [Range<Int>] = []
    var start = 0
    for k in 0..<Int(count) {
      let end = Int(breaks[k])
      if end < n && endsWithAbbreviation(buf, start, end) { continue }
      out.append(start..<end)
      start = end
    }
    if start < n { out.append(start..<n) }
    return out
  }

  private func endsWithAbbreviation(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    if abbreviations.isEmpty { return false }
    var e = end
    while e > start, buf[e - 1] == 0x20 || buf[e - 1] == 0x09 { e -= 1 }
    guard e > start, buf[e - 1] == 0x2E else { return false }
    var s = e - 1
    while s > start, buf[s - 1] != 0x20 && buf[s - 1] != 0x09 && buf[s - 1] != 0x28 { s -= 1 }
    return abbreviations.contains(Array(buf[s..<e]))
  }
}
