import Foundation
import Testing

/// Session 8: a repaired document's lines that no stage changed are copied from the record's
/// own bytes (`JSONString.encode(document:into:source:value:)`), runs of them joined by `\n` in
/// one piece, instead of being escaped again; and the decoder's skip loop stops at the bytes
/// its facts are about (one combined mask).
@Suite struct CorpusFastPathS8Tests {
  /// The reference for the raw copy is the escaping writer itself: every record is written
  /// twice, once with its lines as plain bytes (copyable) and once with a `\/` in every line
  /// (the same text, but no line is free of escapes, so every line is escaped again). Both must
  /// come out byte for byte the same. The articles are repaired by the default pipeline, which
  /// changes some lines (space runs added here, apostrophes, entities), removes some (a tandem
  /// copy of a paragraph added here) and may move some, so unchanged lines sit next to changed,
  /// removed and moved ones; lines also hold `\"`, `\\` (an escaped backslash before `n` too, and
  /// at a line's end) and `\u00e9` escapes. Fails if the copy ignores where a line came from:
  /// joining two unchanged lines that were not next to each other in the record (the removed
  /// copy between them would come back), or copying a line whose text changed.
  @Test func copiedLinesEqualEscapedLines() throws {
    let dir = CLI.scratch("s8raw")
    let articles = try CLI.articles(limit: 120, every: 2)
    try #require(articles.count > 50)
    var rng = TestRandom(state: 8)
    // JSON pieces put inside lines (each decodes to the same text in both variants).
    let tricky = ["\\\"", "\\\\", "\\\\n", "\\u00e9", "&amp;", "  ", "x  y", "\\t"]
    var plain = ""
    var escaped = ""
    for (id, text) in articles {
      var lines: [String] = []
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var json = String(decoding: try JSONSerialization.data(withJSONObject: [String(line)], options: [.withoutEscapingSlashes]), as: UTF8.self)
        json = String(json.dropFirst(2).dropLast(2))  // the string's body
        let r = Int.random(in: 0..<10, using: &rng)
        if r == 0 {
          lines.append(json)
          lines.append(json)  // a tandem copy: a stage removes it
        } else if r == 1, json.count > 10 {
          let cut = json.index(json.startIndex, offsetBy: Int.random(in: 0..<json.count, using: &rng))
          // Insert a piece at a character boundary that is not inside an escape.
          if !json[..<cut].suffix(6).contains("\\") {
            lines.append(String(json[..<cut]) + tricky[Int.random(in: 0..<tricky.count, using: &rng)] + String(json[cut...]))
          } else {
            lines.append(json)
          }
        } else if r == 2 {
          lines.append(json + "\\\\")  // ends with a backslash: the next line follows `\\\n`
        } else {
          lines.append(json)
        }
      }
      // `/` at the end of every line: plain in one variant, `\/` in the other.
      // A space before the first line: every record is repaired (a record no stage changes is
      // written as it was read, `\/` included).
      let a = " " + lines.map { $0 + "/" }.joined(separator: "\\n")
      let b = " " + lines.map { $0 + "\\/" }.joined(separator: "\\n")
      plain += "{\"id\":\"\(id)\",\"text\":\"\(a)\",\"n\":1}\n"
      escaped += "{\"id\":\"\(id)\",\"text\":\"\(b)\",\"n\":1}\n"
    }
    let inA = dir + "/a.jsonl"
    let inB = dir + "/b.jsonl"
    try plain.write(toFile: inA, atomically: true, encoding: .utf8)
    try escaped.write(toFile: inB, atomically: true, encoding: .utf8)
    let outA = try CLI.run(["corpus", inA, "--jobs", "1", "--changes-field", "changes"])
    let outB = try CLI.run(["corpus", inB, "--jobs", "1", "--changes-field", "changes"])
    #expect(outA.status == 0, "\(outA.stderr)")
    #expect(outB.status == 0, "\(outB.stderr)")
    let la = outA.stdout.split(separator: 0x0A)
    let lb = outB.stdout.split(separator: 0x0A)
    #expect(la.count == articles.count && lb.count == articles.count)
    let differ = zip(la, lb).filter { !$0.0.elementsEqual($0.1) }.count
    #expect(differ == 0)
    // The records were repaired (so written through the document writer), and lines were
    // removed (a tandem copy) in some of them.
    let changed = zip(la, plain.split(separator: "\n")).filter { !$0.0.elementsEqual(Data($0.1.utf8)) }.count
    #expect(changed > articles.count / 2)
    #expect(outA.stderr.contains("remove-tandem-repeats") || outA.stderr.contains("remove-repeated-sentences"))
    // Every output record is valid JSON whose text has no `\/` left (all were decoded).
    for line in la {
      let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
      #expect(object?["text"] is String)
    }
  }

  /// The decoder's stops — a quote (`\"`), a backslash escape, '&', DEL, a space after a space,
  /// a non-ASCII character — at every offset 0…40 of a plain run, in lines of both variants
  /// (copyable or not): `mend corpus` with only normalize-unicode gives `mend fix`'s repair of
  /// each line. Fails when the combined stop mask misses one of them (the facts would be wrong;
  /// debug builds also assert them exactly).
  @Test func everyFactByteIsFoundAtEveryOffset() throws {
    let dir = CLI.scratch("s8stops")
    let pieces: [(json: String, text: String)] = [
      ("\\\"", "\""), ("\\n", "\n"), ("&amp;", "&amp;"), ("&", "&"), ("\u{7F}", "\u{7F}"), ("  ", "  "), (" ", " "),
      ("é", "é"), ("\\u0020 ", "  "), ("\u{A0}", "\u{A0}"), ("!", "!"), ("%", "%"),
    ]
    var records = ""
    var texts: [String] = []
    for (k, p) in pieces.enumerated() {
      for offset in 0...40 {
        let run = String(repeating: "a", count: offset)
        let tail = String(repeating: "b", count: 40 - offset)
        records += "{\"text\":\"\(run)\(p.json)\(tail) z\(k)\"}\n"
        texts.append("\(run)\(p.text)\(tail) z\(k)")
        // The space pair's second byte exactly at each offset too (the byte before a chunk).
        records += "{\"text\":\"\(run) \(p.json) \(tail)\"}\n"
        texts.append("\(run) \(p.text) \(tail)")
      }
    }
    _ = try CorpusFastPathS7Tests.normalizedBothWays(records: records, texts: texts, dir: dir)
  }
}

extension CorpusFastPathS8Tests {
  /// The writer's last sixteen bytes of a line are compared in one load: a byte that must be
  /// escaped (quote, backslash, tab, another control character) at every position of lines of
  /// 14…40 bytes, in records that are repaired (a leading space), so every line is written again.
  /// The output must be valid JSON with exactly the repaired text. Fails when the last load
  /// drops a lane it must keep (the byte would be written raw: invalid JSON or a lost escape).
  @Test func escapesNearALineEndAtEveryOffset() throws {
    let dir = CLI.scratch("s8tail")
    let pieces: [(json: String, text: String)] = [("\\\"", "\""), ("\\\\", "\\"), ("\\t", "\t"), ("\\u0001", "\u{01}"), ("\\r", "\r")]
    var records = ""
    var texts: [String] = []
    for (k, p) in pieces.enumerated() {
      for length in 14...40 {
        for at in 0..<length {
          let before = String(repeating: "a", count: at)
          let after = String(repeating: "b", count: length - at - 1)
          // A second line, unchanged, after the line with the escape (copied or not).
          records += "{\"text\":\" \(before)\(p.json)\(after)\\nplain line \(k)\"}\n"
          // Expected: the first line trimmed of spaces and tabs at its ends (the leading space
          // and a tab there), nothing else changed.
          let first = "\(before)\(p.text)\(after)".trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
          texts.append("\(first)\nplain line \(k)")
        }
      }
    }
    let input = dir + "/in.jsonl"
    try records.write(toFile: input, atomically: true, encoding: .utf8)
    let rules = try CorpusFastPathS5Tests.rules(dir, enabled: ["normalize-unicode"])
    // Controls and CR are repaired by normalize-unicode; with its controls and line ends off,
    // the text is only trimmed.
    let yml = try String(contentsOfFile: rules, encoding: .utf8)
      + "  - id: normalize-unicode\n    options:\n      controls: false\n      line-ends: false\n"
    try yml.write(toFile: rules, atomically: true, encoding: .utf8)
    let corpus = try CLI.run(["corpus", input, "--jobs", "1", "--rules", rules])
    #expect(corpus.status == 0, "\(corpus.stderr)")
    let lines = corpus.stdout.split(separator: 0x0A)
    #expect(lines.count == texts.count)
    var wrong = 0
    for (line, text) in zip(lines, texts) {
      let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
      if (object?["text"] as? String)?.utf8.elementsEqual(text.utf8) != true { wrong += 1 }
    }
    #expect(wrong == 0)
  }
}

extension CorpusFastPathS8Tests {
  /// The decoder takes a three-byte character with one 32-bit load inside a run of non-ASCII
  /// characters: after Devanagari characters (so inside such a run), a bad three-byte sequence —
  /// overlong (E0 80 80, E0 9F BF), a surrogate (ED A0 80, ED BF BF), a bad continuation byte,
  /// cut short by the closing quote — must make the record malformed ("invalid UTF-8"), and the
  /// good edge cases (E0 A0 80, ED 9F BF, EF BF BF, E1 80 80) must not. Fails when the load
  /// accepts a sequence `UTF8Check.sequenceLength` rejects.
  @Test func threeByteCharactersAreCheckedExactly() throws {
    let dir = CLI.scratch("s8utf8")
    let bad: [[UInt8]] = [
      [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xE1, 0x28, 0x80],
      [0xE1, 0x80, 0x28], [0xE1, 0xC0, 0x80], [0xE1, 0x80],
    ]
    let good: [[UInt8]] = [[0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEF, 0xBF, 0xBF], [0xE1, 0x80, 0x80]]
    let deva = Array("हिन्दी".utf8)
    for (seq, valid) in bad.map({ ($0, false) }) + good.map({ ($0, true) }) {
      var input: [UInt8] = []
      for k in 0..<6 {
        let prefix = Array(repeating: deva, count: k).flatMap { $0 }
        for tail in [[], Array("x\"".utf8.dropLast()), Array("ab".utf8)] {
          input += Array("{\"text\":\"".utf8) + prefix + seq + tail + Array("\"}\n".utf8)
        }
      }
      let path = dir + "/in.jsonl"
      try Data(input).write(to: URL(fileURLWithPath: path))
      let r = try CLI.run(["corpus", path, "--jobs", "1", "--rules", try CorpusFastPathS5Tests.rules(dir, enabled: [])])
      if valid {
        #expect(r.status == 0, "\(seq): \(r.stderr)")
      } else {
        let reported = r.stderr.components(separatedBy: "invalid UTF-8").count - 1
        #expect(r.status == 65 && reported == 18, "\(seq): \(reported) reported")
      }
    }
  }
}
