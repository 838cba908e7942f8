import Foundation
import Testing

@testable import MendCore

/// Session 12: wrong edits the default pipeline made on text nobody tuned it on — Debian's
/// licence texts and package READMEs under /usr/share (`mend fix --explain`), each a case below
/// (shortened from the file), with the repair or removal that must survive next to it.
@Suite struct WildTextS12Tests {
  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Repo.pipeline.clean(s)
    return (r.text, r.changes)
  }

  /// A word glued to code punctuation is code, not prose: `+f+{ive 5}` in a diff of
  /// diff-highlight's README became `{I've 5}`.
  @Test(arguments: [
    "-f-{our}\n+f+{ive 5}\n", "Call it as x=dont(1) here.\n", "The $ive variable and the #dont tag.\n",
    "Use <dont> or ive|cant in the table.\n", "Write `isnt` and \\dont in a string.\n",
  ])
  func wordsGluedToCodePunctuationStay(_ s: String) {
    #expect(fix(s).text == s)
  }

  @Test func proseContractionsStillRepaired() {
    #expect(fix("We dont know (and ive asked).\n").text == "We don't know (and I've asked).\n")
    #expect(fix("\"Dont go,\" she said.\n").text == "\"Don't go,\" she said.\n")
  }

  /// Two different URLs are two pages, whatever words they share: libmpfr6's README lost
  /// `https://gitlab.inria.fr/mpfr/mpfr` as a "near-duplicate" of a longer URL on the same host,
  /// and the longer one moved up to its place.
  @Test func differentURLsAreNotNearDuplicates() {
    let s = """
      You can get the latest source code by Git at Inria GitLab:

      https://gitlab.inria.fr/mpfr/mpfr

      In this case, you should read the file "doc/README.dev" in the working tree
      or online:

      https://gitlab.inria.fr/mpfr/mpfr/-/blob/4.2/doc/README.dev

      """
    #expect(fix(s).text == s)
    // The same URL twice is still an exact repeat.
    let twice =
      "The first page is here.\nhttps://example.com/a/b/c/d/e/f\nThe second is the same.\nhttps://example.com/a/b/c/d/e/f\n"
    #expect(fix(twice).changes.contains { $0.stage == RemoveRepeatedSentences.id })
  }

  /// A sentence cut by a line end (the line stops inside it and the next line goes on in lower
  /// case) is a piece, in a document that is not hard-wrapped as a whole: two wrapped HTML
  /// comments in node's README lost their middles as near-duplicates of a third (indentation
  /// left out here: normalize-unicode trims it).
  @Test func sentencesCutByALineEndAreNotRemoved() {
    let s = """
      ## TSC

      For information about the governance of the Node.js project, see the governance file.
      The project has a steering committee and a group of collaborators.
      Each of them has commit access to the repository.
      Members are listed below in alphabetical order.
      Emeriti are former members who are no longer active.
      The lists are kept up to date by scripts.

      <!-- node-core-utils and find-inactive-tsc.mjs depend on the format of the TSC
      list. If the format changes, those utilities need to be tested and
      updated. -->

      ### TSC (Technical Steering Committee)

      <!-- find-inactive-collaborators.mjs depends on the format of the emeriti list.
      If the format changes, those utilities need to be tested and updated. -->

      ### Collaborator emeriti

      """
    #expect(fix(s).text == s)
  }

  /// Lines that structure a document repeat on purpose: a lead-in ending with a colon before
  /// each example (libxmlsec1's README lost eleven `To run this example:`), and a list item in
  /// two lists (the Artistic licence lost `d) make other distribution arrangements ...`; and
  /// python3.11's README.Debian a numbered heading, whose `1.` the segmenter cuts off as a sentence).
  @Test func repeatedLeadInsAndListItemsStay() {
    let s = """
      ### sign1.c
      Signs a template file using a key from PEM file.

      To run this example:
      ./sign1 sign1-tmpl.xml rsakey.pem > sign1-res.xml

      ### sign2.c
      Signs a file using a dynamically created template and a key from PEM file.

      To run this example:
      ./sign2 sign2-doc.xml rsakey.pem > sign2-res.xml

      3. You may otherwise modify your copy of this Package in any way, provided that you do at least ONE of the following:
      a) place your modifications in the Public Domain or otherwise make them Freely Available.
      d) make other distribution arrangements with the Copyright Holder.
      4. You may distribute the programs of this Package in object code or executable form, provided that you do at least ONE of the following:
      a) distribute a Standard Version of the executables and library files, together with instructions.
      d) make other distribution arrangements with the Copyright Holder.

      It features two main topics:

      1. Release notes for the Debian packages:
      2. Notes for developers using the Debian Python packages:

      1. Release notes for the Debian packages:
      See the changelog of each package.

      """
    #expect(fix(s).text == s)
  }

  @Test func repeatedSentencesStillRemoved() {
    let s =
      "The talks ended on Monday without a deal.\nOfficials gave no reason.\nThe talks ended on Monday without a deal.\n"
    #expect(fix(s).text == "The talks ended on Monday without a deal.\nOfficials gave no reason.\n")
    // A repeated line that merely contains a colon is no lead-in.
    let c =
      "Photograph: Alexei Druzhinin, the agency said today.\nMore text here now.\nPhotograph: Alexei Druzhinin, the agency said today.\n"
    #expect(fix(c).text == "Photograph: Alexei Druzhinin, the agency said today.\nMore text here now.\n")
  }
}

/// Session 12: under a counting log (`mend corpus` without a change log) repair-apostrophes
/// writes no reasons, columns or before/after text (`explain`); the edits, their number and which
/// are suggestions must be what a full log records. Checked on every Wikinews article with its
/// apostrophes and quotes stripped, where the stage does all its work.
@Suite struct CountingLogS12Tests {
  @Test func countingLogMakesTheSameRepairs() throws {
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    try #require(FileManager.default.fileExists(atPath: path), "the evaluation corpus is missing at \(path)")
    let paras = try SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: path)
    var docs: [String] = []
    var current: [String] = []
    for p in paras {
      current.append(p.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "\u{2019}", with: "")
        .replacingOccurrences(of: "\"", with: ""))
      if current.count == 12 {
        docs.append(current.joined(separator: "\n") + "\n")
        current = []
      }
    }
    #expect(docs.count > 200)
    let pipeline = Pipeline(entries: Repo.pipeline.entries.filter { $0.id == RepairApostrophes.id })
    var applied = 0
    var suggested = 0
    for text in docs {
      let (full, log) = pipeline.run(Document(text: text))
      let (counted, counts) = pipeline.runCounting(Document(text: text))
      #expect(full.text == counted.text)
      let a = log.changes.filter(\.applied).count
      let s = log.changes.count - a
      #expect(counts.counts.reduce(0) { $0 + $1.applied } == a)
      #expect(counts.counts.reduce(0) { $0 + $1.suggestions } == s)
      applied += a
      suggested += s
    }
    #expect(applied > 1000)
    #expect(suggested > 50)
  }
}
