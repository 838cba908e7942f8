import Foundation
import Testing

@testable import MendCore

/// Code, commands and program output. Found on text nobody tuned mend on: on 396 Markdown, RST and
/// text files of this machine the dedup stages removed 14 198 lines and sentences, nearly all of
/// them code or program output that repeats on purpose (`Files: src/eval.c`, `"region":
/// "us-west-2",`), and on the Debian Administrator's Handbook (HTML turned into text, as a scraper
/// does) terminal sessions lost their repeated lines.
@Suite struct CodeLinesS10Tests {
  static func code(_ s: String) -> Bool {
    var t = s
    return t.withUTF8 { CodeLines.looksLikeCode($0) }
  }

  @Test(arguments: [
    "0 8 34 0 active sync /dev/sdd2",
    "Files: src/register.c",
    "\"region\": \"us-west-2\",",
    "const key = scryptSync(password, 'salt', 24);",
    "# mdadm --detail /dev/md1",
    "assert.throws(throwingSecond, /Second$/);",
    "Mar 31 17:30:36 mirtuel systemd[1]: Unit ssh.service entered",
  ])
  func codeLooksLikeCode(_ s: String) {
    #expect(Self.code(s), "\(s)")
  }

  /// A table header of plain words is prose to this test (a known limit).
  @Test func aHeaderOfWordsIsNoCode() {
    #expect(!Self.code("LV VG Attr LSize Pool Origin Data% Meta%"))
  }

  @Test(arguments: [
    "China claims to be neutral, but its behavior makes clear that it is still investing in close ties to Russia.",
    "Friday, January 4, 2019",
    "Nadal beat Federer 6-3, 6-4, 7-5 on Sunday.",
    "The U.S. Senate voted 53-47 on Tuesday.",
    "Visit www.example.com for details.",
    "“It’s over,” she said: “we’re done.”",
    "Путин и Си Цзиньпин провели переговоры в среду.",
    "Photograph: Alexei Druzhinin/AP",
    "Rescuers search the rubble in Magnitogorsk",
  ])
  func proseIsNoCode(_ s: String) {
    #expect(!Self.code(s), "\(s)")
  }

  /// No sentence of four words or more of the Wikinews corpus looks like code, except the few
  /// that quote a file name or a command (counted, and bounded).
  @Test func newsIsNoCode() {
    let segmenter = SentenceSegmenter(abbreviations: Repo.rules.abbreviations)
    var sentences = 0
    var flagged: [String] = []
    for paragraphs in HardWrapTests.articles {
      for p in paragraphs {
        let bytes = Array(p.utf8)
        for r in segmenter.sentences(in: p) {
          let s = String(decoding: bytes[r], as: UTF8.self).trimmingCharacters(in: .whitespaces)
          if s.split(separator: " ").count < 4 { continue }
          sentences += 1
          if Self.code(s) { flagged.append(s) }
        }
      }
    }
    #expect(sentences > 10_000)
    #expect(flagged.count <= 10, "\(flagged)")
  }

  static let session = """
    The array was built with mdadm and checked twice.
    # mdadm --detail /dev/md1
    Number Major Minor RaidDevice State
    0 8 34 0 active sync /dev/sdd2
    1 8 50 1 active sync /dev/sdd3
    After the disk failed, the same command showed the change.
    # mdadm --detail /dev/md1
    Number Major Minor RaidDevice State
    0 8 34 0 active sync /dev/sdd2
    1 8 50 1 faulty /dev/sdd3

    """

  @Test func aTerminalSessionKeepsItsRepeats() {
    // Short lines that mostly start upper-case and end without a full stop also read as verse
    // (Verse), which keeps them too; the verse test is off here to see the code test alone.
    let noVerse: [String: OptionValue] = ["verse": .bool(false)]
    let r = StageRun.run(RemoveRepeatedSentences.spec, Self.session, noVerse)
    // The command and the status line stay; only the header (all plain words) is a repeat.
    #expect(r.text.components(separatedBy: "# mdadm --detail /dev/md1").count == 3)
    #expect(r.text.components(separatedBy: "0 8 34 0 active sync /dev/sdd2").count == 3)
    #expect(r.changes.allSatisfy { !Self.code($0.before) })
    // The gap this closes: without the code test both repeats go.
    let off = StageRun.run(RemoveRepeatedSentences.spec, Self.session, ["code": .bool(false), "verse": .bool(false)])
    #expect(off.text.components(separatedBy: "0 8 34 0 active sync /dev/sdd2").count == 2)
    // A prose sentence repeated next to code still goes.
    let prose = Self.session + "The array was built with mdadm and checked twice.\n"
    #expect(StageRun.run(RemoveRepeatedSentences.spec, prose, noVerse).changes.contains { $0.before.hasPrefix("The array was built") })
    // With the verse test on (the default) the whole session, a document of short lines, stays.
    #expect(StageRun.run(RemoveRepeatedSentences.spec, Self.session).text == Self.session)
  }

  @Test func nearCopiesOfCodeStay() {
    let js = """
      const total = items.reduce((a, b) => a + b, 0);
      console.log(total);
      const total = items.reduce((a, b) => a + b, 1);

      """
    #expect(StageRun.run(RemoveNearDuplicates.spec, js).changes.isEmpty)
  }
}
