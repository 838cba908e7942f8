import Foundation

/// Tells what a fragment (line) is: caption, credit, date, URL, dateline, headline, standfirst or
/// body sentence, from the patterns of the `restore-order` stage's rules.
///
/// Lines that end like a sentence (`.`, `!`, `?`, `:`, possibly followed by a closing quote or
/// bracket) are body sentences without running a regular expression; only the few other lines
/// (metadata, captions, headlines) are matched against the patterns.
public struct FragmentClassifier: @unchecked Sendable {
  // NSRegularExpression is immutable after creation and safe to share between threads.
  let caption: [NSRegularExpression]
  let credit: [NSRegularExpression]
  let date: [NSRegularExpression]
  let url: [NSRegularExpression]
  let dateline: [NSRegularExpression]
  let headlineMaxWords: Int

  public init(
    caption: [String], credit: [String], date: [String], url: [String], dateline: [String],
    headlineMaxWords: Int
  ) throws {
    func compile(_ xs: [String]) throws -> [NSRegularExpression] { try xs.map { try RegexCache.compile($0) } }
    self.caption = try compile(caption)
    self.credit = try compile(credit)
    self.date = try compile(date)
    self.url = try compile(url)
    self.dateline = try compile(dateline)
    self.headlineMaxWords = headlineMaxWords
  }

  /// Whether the last visible character ends a sentence.
  public static func endsLikeSentence(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { endsLikeSentence($0) }
  }

  /// Whether the last visible character of the UTF-8 bytes ends a sentence.
  public static func endsLikeSentence(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
    do {
      var e = buf.count
      while e > 0 && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09) { e -= 1 }
      // Skip closing quotes and brackets: " ' ) ] ” ’
      while e > 0 {
        let b = buf[e - 1]
        if b == 0x22 || b == 0x27 || b == 0x29 || b == 0x5D {
          e -= 1
        } else if e >= 3 && buf[e - 3] == 0xE2 && buf[e - 2] == 0x80 && (b == 0x9D || b == 0x99) {
          e -= 3
        } else {
          break
        }
      }
      guard e > 0 else { return false }
      let b = buf[e - 1]
      if b == 0x2E || b == 0x21 || b == 0x3F || b == 0x3A { return true }
      // … (U+2026)
      return e >= 3 && buf[e - 3] == 0xE2 && buf[e - 2] == 0x80 && b == 0xA6
    }
  }

  /// A line that ends like a sentence, is longer than a date and holds no `/` (so no URL): a body
  /// sentence whatever the patterns say (the classifier's hot path, bytes only).
  public static func isPlainBody(_ text: String) -> Bool {
    text.utf8.count > 40 && endsLikeSentence(text) && !text.utf8.contains(0x2F)
  }

  static func matches(_ res: [NSRegularExpression], _ text: String) -> Bool {
    let ns = text as NSString
    let range = NSRange(location: 0, length: ns.length)
    for r in res where r.firstMatch(in: text, range: range) != nil { return true }
    return false
  }

  public func classify(_ text: String) -> FragmentKind {
    if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
    // The hot path: a line that ends like a sentence and holds no space-free run long enough for a
    // URL, nor is short enough to be a date, is a body sentence (no regular expression runs).
    if Self.isPlainBody(text) { return .body }
    if Self.matches(url, text) { return .url }
    if Self.matches(date, text) { return .date }
    if Self.endsLikeSentence(text) { return .body }
    if Self.matches(credit, text) { return .credit }
    if Self.matches(caption, text) { return .caption }
    if Self.matches(dateline, text) { return .dateline }
    var words = 0
    var inWord = false
    for b in text.utf8 {
      let space = b == 0x20 || b == 0x09
      if !space && !inWord { words += 1 }
      inWord = !space
    }
    if words < 3 { return .unknown }
    return words <= headlineMaxWords ? .headline : .standfirst
  }
}
