import Foundation
import Testing

@testable import MendCore

/// Session 9: the anchored date and dateline gates (`FragmentClassifier.Gate.date`, `.dateline`)
/// and the body test without the kinds (`FragmentClassifier.isBody`), which the long-document
/// cohesion test of `RestoreOrder.run` uses. Each must answer as the patterns do.
@Suite struct RestoreOrderS9Tests {
  static var classifier: FragmentClassifier { RestoreOrderTests.stage.classifier }

  /// Every non-ASCII scalar `\s` may match (White_Space or Z*), and a few controls and format
  /// characters the gates also skip.
  static let spaces: [Unicode.Scalar] = {
    var out: [Unicode.Scalar] = []
    for v in UInt32(0x80)...0x10FFFF {
      guard let s = Unicode.Scalar(v) else { continue }
      let c = s.properties.generalCategory
      if s.properties.isWhitespace || c == .spaceSeparator || c == .lineSeparator || c == .paragraphSeparator {
        out.append(s)
      }
    }
    return out + ["\u{0085}", "\u{200B}", "\u{FEFF}", "\u{000B}", "\u{000C}", "\r"]
  }()

  static let decimalDigits: [Unicode.Scalar] = {
    var out: [Unicode.Scalar] = []
    for v in UInt32(0x30)...0x10FFFF {
      guard let s = Unicode.Scalar(v), s.properties.generalCategory == .decimalNumber else { continue }
      out.append(s)
    }
    return out
  }()

  /// Lines at the anchored gates' edges: dates and datelines with every space-like scalar before
  /// and after, dates written in every Nd digit, near misses.
  static func edgeLines() -> [String] {
    var out: [String] = []
    for w in spaces {
      let s = String(Character(w))
      out += [
        s + "20240105" + s, s + "2022-06-15", "2022-06-15T10:30:00Z" + s, "January 4, 2019" + s,
        s + "Friday, January 4, 2019", s + s + "4 January 2019" + s + " ", "WASHINGTON —" + s, s + "PARIS (AP) -" + s,
        "NEW YORK, N.Y. –" + s + s, "LONDON" + s + "—", s + "20240105.", "He left" + s + "—" + s + "x",
        s + "2022-06-15T10:30:00Z.", "www.example.org." + s, s + "https://example.com/a?b=1!",
      ]
    }
    for d in decimalDigits {
      let c = String(Character(d))
      out += [
        String(repeating: c, count: 8), "January 4, " + String(repeating: c, count: 4),
        String(repeating: c, count: 4) + "-" + c + c + "-" + c + c, c + " January 2019.", "Le " + c + " mai",
      ]
    }
    out += [
      "MOSCOW -", "MOSCOW - ", "Moscow —", "The year 2019.", "2019 was a year.", "In 2019", "2019-06-15 was hot.",
      "٢٠٢٤-٠١-٠٥.", "“2019”", "(2019)", "2019”", "“2019", "Match ended 3–2", "PARIS —”", "BERLIN – ’",
    ]
    return out
  }

  static func lines() throws -> [String] { try RestoreOrderGateTests.lines() + edgeLines() }

  /// No anchored gate rejects a line its patterns match; the edge lines make each gate decide on
  /// lines the patterns match only through a non-ASCII space or a non-ASCII digit, so a gate that
  /// skipped too few scalars, or looked at one end only, fails here.
  @Test func anchoredGatesLetEveryMatchThrough() throws {
    let c = Self.classifier
    if case .date = c.dateGate {} else { Issue.record("the default date list lost its anchored gate") }
    if case .dateline = c.datelineGate {} else { Issue.record("the default dateline list lost its anchored gate") }
    var dates = 0
    var datelines = 0
    var datesSkipped = 0
    var datelinesSkipped = 0
    var nonASCIIEdges = 0
    let all = try Self.lines()
    for line in all {
      let m = c.patternMatches(line)
      let g = c.gatesPass(line)
      if m.date {
        dates += 1
        if !g.date {
          Issue.record("date gate rejects a date line: \(line.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        if line.unicodeScalars.first.map({ $0.value >= 0x80 }) ?? false { nonASCIIEdges += 1 }
      } else if !g.date {
        datesSkipped += 1
      }
      if m.dateline {
        datelines += 1
        if !g.dateline {
          Issue.record("dateline gate rejects a dateline: \(line.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        if line.unicodeScalars.last.map({ $0.value >= 0x80 }) ?? false { nonASCIIEdges += 1 }
      } else if !g.dateline {
        datelinesSkipped += 1
      }
    }
    // The test has teeth: many matches, many through non-ASCII edges, and the gates skip most lines.
    #expect(dates > 500)
    #expect(datelines > 40)
    #expect(nonASCIIEdges > 500)
    #expect(datesSkipped > all.count / 2)
    #expect(datelinesSkipped > all.count / 2)
  }

  /// Lines that end like a sentence but hold a digit (a year, a figure, a date) at either end are
  /// the ones the old digit gate let through to the patterns; the anchored gate rejects those whose
  /// ends are not digits.
  @Test func anchoredGatesRejectWhatCannotMatch() {
    #expect(!FragmentClassifier.Gate.date.passes(line: "He was 45 then."))
    #expect(!FragmentClassifier.Gate.date.passes(line: "In 2019 it rose.”"))
    #expect(!FragmentClassifier.Gate.date.passes(line: "Hare: 3 …"))
    #expect(FragmentClassifier.Gate.date.passes(line: "\u{00A0}2019 was the year"))
    #expect(FragmentClassifier.Gate.date.passes(line: "Hare: 3\u{2003}"))
    #expect(FragmentClassifier.Gate.date.passes(line: "٣"))
    #expect(!FragmentClassifier.Gate.dateline.passes(line: "A well-known man"))
    #expect(!FragmentClassifier.Gate.dateline.passes(line: "WASHINGTON — The president said."))
    #expect(FragmentClassifier.Gate.dateline.passes(line: "WASHINGTON —\u{00A0}"))
    #expect(FragmentClassifier.Gate.dateline.passes(line: "x -"))
    #expect(!FragmentClassifier.Gate.date.passes(line: ""))
    #expect(!FragmentClassifier.Gate.date.passes(line: " \u{00A0}\u{3000} "))
    #expect(!FragmentClassifier.Gate.dateline.passes(line: "\u{2028}"))
  }

  /// `isBody` is `classify(_:) == .body` on every corpus and edge line (and the classifier's gates
  /// do not change `classify`).
  @Test func isBodyIsTheBodyKind() throws {
    let c = Self.classifier
    var body = 0
    var other = 0
    var endsNotBody = 0
    for line in try Self.lines() {
      let kind = c.classify(line)
      #expect(kind == c.classify(line, gates: false), "\(line)")
      #expect(c.isBody(line) == (kind == .body), "\(kind): \(line)")
      if kind == .body { body += 1 } else { other += 1 }
      if kind != .body && FragmentClassifier.endsLikeSentence(line) { endsNotBody += 1 }
    }
    #expect(body > 1000)
    #expect(other > 1000)
    // Lines that end like a sentence and are still no body line (a date or URL list matched).
    #expect(endsNotBody > 20)
  }

  /// `scanLine`'s sixteen-byte step answers as the byte loop with each pattern it looks for
  /// ("x. T", "x! \"", "x? T", a '/') at every offset of lines of 1–56 bytes, so across the
  /// sixteen-byte blocks, their halves and the eight-byte and byte tails.
  @Test func scanLineBlocksAreTheByteLoop() {
    let patterns = ["e. T", "e! \"", "e? T", "/", "E. T", "e. t", "e.  T", "e. /", ". T", "e.\u{00A0}T"]
    var multi = 0
    var slash = 0
    var checked = 0
    for length in 1...56 {
      let filler = Array("abcdefghij klmnopqrs tuvwxyz abcdefghij klmnopqrs tuvwxyz ab".utf8)
      for p in patterns {
        let pat = Array(p.utf8)
        for at in 0..<length {
          var bytes = Array(filler.prefix(length))
          for (k, b) in pat.enumerated() where at + k < length { bytes[at + k] = b }
          for end in [[], Array(".".utf8)] {
            let line = String(decoding: bytes + end, as: UTF8.self)
            let fast = RestoreOrder.scanLine(line)
            let reference = RestoreOrder.scanLine(line, swar: false)
            #expect(fast == reference, "\(line)")
            if reference.0 { multi += 1 }
            if !reference.1 && line.utf8.count > 40 && line.hasSuffix(".") { slash += 1 }
            checked += 1
          }
        }
      }
    }
    #expect(multi > 2_000 && slash > 500 && checked > 10_000, "\(multi) \(slash) \(checked)")
  }

  /// The second word's pair key, now hashed after `scanCaps`' word loop: the opening it finds
  /// ("In addition", "For example", ...) is the one the tokenized reference finds, for second
  /// words in every case, with possessives, joiners, curly apostrophes and non-ASCII bytes.
  @Test func openingPairKeyIsThePairKey() {
    let model = RestoreOrderTests.stage.model
    let firsts = ["In", "IN", "in", "For", "FOR", "As", "Even", "After", "By", "X", "Putin’s", "(In", "In-", "Él"]
    let seconds = [
      "addition", "ADDITION", "Addition", "addition’s", "addition's", "add-ition", "additions", "example", "Example",
      "instance", "well", "WELL", "so", "that", "contrast", "turn", "response", "tur’n", "ñ", "addition—", "“addition”",
      "the", "x1", "additionX",
    ]
    var pairHits = 0
    var checked = 0
    for f in firsts {
      for w in seconds {
        for tail in ["", ",", " the talks went on.", ", he said."] {
          let text = f + " " + w + tail
          var line = text
          line.withUTF8 { buf in
            var caps: [OrderModel.QuickCap] = []
            var opening = 0
            let opens = model.scanCaps(buf, line: 0, checkOpening: true, caps: &caps, opening: &opening)
            let ts = OrderModel.tokenize(buf)
            var reference = false
            var viaPair = false
            if let t0 = ts.first {
              viaPair = ts.count > 1 && model.connectives.contains(OrderModel.pairKey(buf, t0, ts[1]))
              reference =
                model.pronouns.contains(t0.key) || model.connectives.contains(t0.key) || viaPair
                || (t0.key == OrderModel.keyThe && ts.count > 1
                  && (model.backReferences.contains(ts[1].key) || model.backReferences.contains(ts[1].stemKey)))
            }
            #expect(opens == reference, "\(text)")
            #expect(opening == (reference ? 1 : 0), "\(text)")
            if viaPair { pairHits += 1 }
            checked += 1
          }
        }
      }
    }
    #expect(pairHits > 40 && checked > 1000, "\(pairHits) \(checked)")
  }

  /// `run` tests neighbour cohesion before the ICU probe (and, on long documents, before the hard
  /// signs): with every early cohesion test on (long-document threshold 0 and the rules' 200) the
  /// output lines and change records equal those with none (`adjacentPrecheck` off: the full
  /// analysis alone declines), with `adjacent-z-max` at each document's own figure and its
  /// neighbouring doubles, and the other decline tests as in the rules or switched off.
  @Test func earlyCohesionKeepsEveryOutcome() throws {
    var reordered = 0
    var kept = 0
    for lines in try RestoreOrderS8Tests.documents(limit: 60) {
      let base = RestoreOrderTests.stage
      let body = lines.filter { base.kind(of: $0) == .body }
      guard body.count >= 3 else { continue }
      let (aZ, variants) = RestoreOrderS8Tests.declineVariants(base, body: body)
      for (on, threshold) in variants {
        let (reference, early) = RestoreOrderS8Tests.earlyAndReference(on, lines)
        for (from, a) in early {
          #expect(a.0 == reference.0, "threshold \(threshold), aZ \(aZ), from \(from): \(lines.first ?? "")")
          #expect(a.1 == reference.1, "threshold \(threshold), aZ \(aZ), from \(from): \(lines.first ?? "")")
        }
        if reference.0 != lines { reordered += 1 } else { kept += 1 }
      }
    }
    #expect(reordered > 0 && kept > 0, "\(reordered) \(kept)")
  }
}
