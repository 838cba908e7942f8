import Foundation
import Testing

@testable import MendCore

/// The classifier's byte gates (`FragmentClassifier.Gate`) skip a pattern list on a line only when
/// no pattern of the list could match it. Checked here against the patterns themselves on every
/// line of the evaluation corpus (paragraphs and crude sentence splits) and on hand-made lines
/// that sit at each gate's edge: a gate that rejected one line a pattern accepts fails the test.
@Suite struct RestoreOrderGateTests {
  static var classifier: FragmentClassifier { RestoreOrderTests.stage.classifier }

  static let handMade: [String] = [
    "20240105", "  20240105  ", "２０２４０１０５", "٢٠٢٤٠١٠٥", "Friday, January 4, 2019", "4 January 2019",
    "January ２０１９", "Wednesday, June 15, ٢٠٢٢", "2022-06-15", "2022-06-15T10:30:00Z", " 2022-06-15 12:00 ",
    "https://example.com/a/b", "  http://x.y  ", "www.example.org", "See https://example.com.",
    "Photograph: Reuters", "Photos: AP/Getty", "Photograph: Alexei Druzhinin/AP", "Illustration: Guardian Design",
    "Composite: Getty", "Pictures Reuters", "Xi Jinping and Vladimir Putin in Moscow. Photograph: Sputnik/AFP",
    "A man walks. Photo Reuters", "WASHINGTON —", "PARIS (AP) -", "NEW YORK, N.Y. –", "LONDON—",
    "He was 45.", "It rose 3/4.", "Read more at example/com.", "Photo", "photo: reuters", "WWW.EXAMPLE.COM",
    "HTTPS://EXAMPLE.COM", "Le 5 mai.", "Ünïcödé — déjà vu", "“Quoted,” he said.", "\u{00A0}20240105\u{00A0}",
    "\u{2003}www.example.com", "𝟐𝟎𝟐𝟒𝟎𝟏𝟎𝟓", "۲۰۲۴۰۱۰۵", "߀߁߂߃߄߅߆߇", "১২৩৪৫৬৭৮",
    "“Déjà” — ٢٠٢٤-٠١-٠٥", "Mai ⁲⁳ ²³ ½", "\t20240105", "20240105\t", "\u{3000}2022-06-15", "January 4, 2019\u{00A0}",
    "\u{2003}January 4, 2019", "x20240105", "20240105x", "\thttps://example.com", "\u{00A0}https://example.com",
    " www.example.com ", "xhttps://example.com", "Ahttps://example.com", "January 2019.", "4 January 2019 \u{2028}",
  ]

  static func lines() throws -> [String] {
    var out = handMade
    for doc in try RestoreOrderQuickTests.corpusDocs() { out += doc }
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    if FileManager.default.fileExists(atPath: path) {
      for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        out += obj?["paragraphs"] as? [String] ?? []
        for k in ["title", "url", "date"] { if let v = obj?[k] as? String { out.append(v) } }
      }
    }
    return out
  }

  /// `Gate.find` (memchr for the first byte) answers as the byte loop, on every test line and on
  /// each needle at every offset, cut short and with its first byte repeated before it.
  @Test func findEqualsTheByteLoop() throws {
    typealias G = FragmentClassifier.Gate
    var lines = try Self.lines()
    for (needle, text) in [("://", "://"), ("www.", "www."), ("Photo", "Photo"), ("Illustration", "Illustration")] {
      for k in 0...9 {
        let pad = String(repeating: "x", count: k)
        lines += [pad + text, text + pad, pad + text + pad, pad + String(text.dropLast()), String(needle.first!) + pad + text]
        lines.append(pad + String(text.first!) + String(text.first!) + String(text.dropFirst()))
      }
    }
    let needles: [StaticString] = ["://", "www.", "Photo", "Illustration", "Composite", "Picture"]
    var found = 0
    for text in lines {
      var line = text
      line.withUTF8 { buf in
        for (i, needle) in needles.enumerated() {
          let fast = G.find(buf, needle)
          #expect(fast == G.findReference(buf, needle), "\(i) \(text)")
          if fast { found += 1 }
        }
      }
    }
    #expect(found >= 120)
  }

  @Test func theDefaultRulesHaveEveryGate() {
    let c = Self.classifier
    for gate in [c.urlGate, c.dateGate, c.creditGate, c.captionGate, c.datelineGate] {
      if case .always = gate { Issue.record("a default pattern list has no gate: rules/mend.yml differs from FragmentClassifier.default…") }
    }
  }

  @Test func noGateRejectsALineItsPatternsMatch() throws {
    let c = Self.classifier
    let all = try Self.lines()
    #expect(all.count > 1000)
    var matched = [0, 0, 0, 0, 0]
    var skipped = [0, 0, 0, 0, 0]
    for line in all {
      let m = c.patternMatches(line)
      let g = c.gatesPass(line)
      let pairs = [(m.url, g.url), (m.date, g.date), (m.credit, g.credit), (m.caption, g.caption), (m.dateline, g.dateline)]
      for (k, (match, pass)) in pairs.enumerated() {
        if match {
          matched[k] += 1
          if !pass { Issue.record("gate \(k) rejects a line its patterns match: \(line)") }
        } else if !pass {
          skipped[k] += 1
        }
      }
      #expect(c.classify(line) == c.classify(line, gates: false), "\(line)")
    }
    // Every list matches some line here (so a too strict gate shows), and every gate saves work.
    for k in 0..<5 {
      #expect(matched[k] >= 2, "list \(k) matches too few test lines")
      #expect(skipped[k] > all.count / 2, "gate \(k) skips too few lines")
    }
  }

  /// The digit gate decodes no scalar below U+0660 nor in U+2000–U+9FFF: no Nd lies there, and it
  /// lets every Nd scalar through, alone and inside a line.
  /// The digit gate's table answers for each of its scalars as `generalCategory` does: a line of
  /// one such scalar between letters passes iff the scalar is Nd.
  @Test func digitTableIsTheCategory() {
    typealias G = FragmentClassifier.Gate
    var nd = 0
    for v in G.ndTableStart..<G.ndTableEnd {
      guard let s = Unicode.Scalar(v) else { continue }
      let isNd = s.properties.generalCategory == .decimalNumber
      if isNd { nd += 1 }
      var text = "Le " + String(Character(s)) + " mai"
      #expect(text.withUTF8 { G.hasDecimalDigit($0) } == isNd, "U+\(String(v, radix: 16))")
    }
    #expect(nd >= 200)
  }

  @Test func digitGateLetsEveryDecimalDigitThrough() {
    var nd = 0
    for v in UInt32(0x80)...0x10FFFF {
      guard let s = Unicode.Scalar(v), s.properties.generalCategory == .decimalNumber else { continue }
      nd += 1
      #expect(v >= 0x660 && !(0x2000...0x9FFF).contains(v), "U+\(String(v, radix: 16))")
      var text = "Le “" + String(Character(s)) + "” mai"
      let pass = text.withUTF8 { FragmentClassifier.Gate.hasDecimalDigit($0) }
      #expect(pass, "U+\(String(v, radix: 16))")
      // The whole gate: the digit first or last after the (ASCII or any non-ASCII) padding.
      for var line in [String(Character(s)) + " mai", "Le " + String(Character(s)), "\u{00A0}" + String(Character(s)) + "\u{3000}"] {
        #expect(line.withUTF8 { FragmentClassifier.Gate.digit.passes($0) }, "U+\(String(v, radix: 16))")
      }
    }
    #expect(nd > 500)
    var plain = "Déjà vu — “quoted” █ 〇 ½ ²"
    #expect(!plain.withUTF8 { FragmentClassifier.Gate.digit.passes($0) })
    #expect(!plain.withUTF8 { FragmentClassifier.Gate.hasDecimalDigit($0) })
  }

  /// The anchors of the date and URL gates: a digit neither first nor last, a URL not first, is
  /// rejected; first or last (after ASCII spaces and controls, or behind any non-ASCII byte) passes.
  @Test func anchoredGatesLookAtBothEnds() {
    #expect(!FragmentClassifier.Gate.digit.passes(line: "He was 45 then."))
    #expect(!FragmentClassifier.Gate.digit.passes(line: "  Le 5 mai  "))
    #expect(FragmentClassifier.Gate.digit.passes(line: "  5 mai"))
    #expect(FragmentClassifier.Gate.digit.passes(line: "mai 2019\t"))
    #expect(FragmentClassifier.Gate.digit.passes(line: "\u{2003}mai 2019 x"))
    #expect(!FragmentClassifier.Gate.url.passes(line: "See https://example.com"))
    #expect(FragmentClassifier.Gate.url.passes(line: " \thttps://example.com"))
    #expect(FragmentClassifier.Gate.url.passes(line: "www.example.com"))
    #expect(FragmentClassifier.Gate.url.passes(line: "\u{00A0}xhttps://example.com"))
    #expect(!FragmentClassifier.Gate.url.passes(line: "   "))
    #expect(!FragmentClassifier.Gate.digit.passes(line: ""))
  }

  @Test func otherPatternsRunOnEveryLine() throws {
    let c = try FragmentClassifier(
      caption: ["Foto"], credit: FragmentClassifier.defaultCredit, date: [#"^\w+ \d+$"#], url: ["ftp:"],
      dateline: [#"^[A-Z]+ =$"#], headlineMaxWords: 14)
    if case .always = c.urlGate {} else { Issue.record("url gate on other patterns") }
    if case .always = c.captionGate {} else { Issue.record("caption gate on other patterns") }
    if case .always = c.datelineGate {} else { Issue.record("dateline gate on other patterns") }
    if case .picture = c.creditGate {} else { Issue.record("default credit patterns lost their gate") }
    #expect(c.classify("ftp://x") == .url)
    #expect(c.classify("Foto Reuters") == .caption)
    #expect(c.classify("PARIS =") == .dateline)
  }
}

extension FragmentClassifier.Gate {
  /// Whether a line passes the gate (the gate reads the line's UTF-8 bytes).
  func passes(line: String) -> Bool {
    var s = line
    return s.withUTF8 { passes($0) }
  }
}
