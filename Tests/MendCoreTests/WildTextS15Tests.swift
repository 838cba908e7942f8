import Foundation
import Testing

@testable import MendCore

/// Session 15: wrong removals the default pipeline made on the licence files of this machine
/// (`/usr/share/common-licenses`, and every LICENSE and COPYING file under `/usr` and `/opt`: 260
/// different files, `mend fix --explain`). Each case is written after one of them (not copied):
/// what broke, and the removal that must survive next to it.
@Suite struct WildTextS15Tests {
  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Repo.pipeline.clean(s)
    return (r.text, r.changes)
  }

  func removals(_ s: String) -> [Change] {
    fix(s).changes.filter { $0.applied && $0.stage.hasPrefix("remove-") }
  }

  /// ICU's LICENSE: two notices that share their wording, hard-wrapped, with paragraphs in
  /// capitals. The capitals start their lines in upper case, so the document failed the
  /// hard-wrap test (a quarter of the lines going on in lower case) and each wrapped line of
  /// the second notice that repeats one of the first was removed on its own, leaving
  /// `... modify it` / `the Free Software Foundation; ...` with the lines between gone.
  static let capitals = """
    FIRST NOTICE

    Copyright 1999-2004 The Table Makers. All rights reserved.

    THE TABLES AND PROGRAMS ARE PROVIDED AS THEY ARE, WITHOUT ANY
    PROMISE OF ANY KIND, NEITHER STATED NOR IMPLIED, INCLUDING BUT
    NOT LIMITED TO ANY PROMISE THAT THEY SUIT A PARTICULAR PURPOSE
    OR THAT THEY DO NOT INFRINGE THE RIGHTS OF ANY THIRD PARTY.
    IN NO CASE SHALL THE HOLDERS OF THE COPYRIGHT BE LIABLE FOR ANY
    CLAIM OR DAMAGES THAT ARISE FROM THE USE OF THE TABLES.

    SECOND NOTICE

    Copyright 2005-2010 The Library Makers. All rights reserved.

    THE LIBRARY IS PROVIDED AS IT IS, WITHOUT ANY
    PROMISE OF ANY KIND, NEITHER STATED NOR IMPLIED, INCLUDING BUT
    NOT LIMITED TO ANY PROMISE THAT IT SUITS A PARTICULAR PURPOSE
    OR THAT IT DOES NOT INFRINGE THE RIGHTS OF ANY THIRD PARTY.
    IN NO CASE SHALL THE HOLDERS OF THE COPYRIGHT BE LIABLE FOR ANY
    CLAIM OR DAMAGES THAT ARISE FROM THE USE OF THE LIBRARY.

    """

  @Test func wrappedLinesInCapitalsAreNoFragments() {
    #expect(HardWrap.softEnds(Document(text: Self.capitals)) != nil)
    #expect(removals(Self.capitals).isEmpty)
    #expect(fix(Self.capitals).text == Self.capitals)
  }

  /// The same notice a sentence a line (not wrapped): its repeated sentences still go.
  @Test func sentencesInCapitalsAreStillRemovedWhenNotWrapped() {
    let s = """
      THE TABLES ARE PROVIDED AS THEY ARE, WITHOUT ANY PROMISE OF ANY KIND.
      IN NO CASE SHALL THE HOLDERS OF THE COPYRIGHT BE LIABLE FOR ANY CLAIM OR DAMAGES.
      The tables were made by hand over many years of careful work.
      IN NO CASE SHALL THE HOLDERS OF THE COPYRIGHT BE LIABLE FOR ANY CLAIM OR DAMAGES.
      The programs read them in a few seconds on an ordinary machine.

      """
    #expect(HardWrap.softEnds(Document(text: s)) == nil)
    #expect(removals(s).count == 1)
  }

  /// LICENSE-THIRD-PARTY files: one licence after another, each set off by a rule (a line of
  /// dashes between blank lines). Two licences of one family share sentences (`Each licensee is
  /// addressed as "you".` in both the GPL and the LGPL), and the second licence lost its copy.
  static let ruled = """
    The first component is distributed under the terms below.

    Each person who receives a copy is called the holder. The holder may share it with anyone.

    ----------------------------------------------------------------------

    The second component is distributed under other terms.

    Each person who receives a copy is called the holder. The holder may not sell it.

    ======================================================================

    The third component keeps its own notice.

    Each person who receives a copy is called the holder.

    """

  @Test func aRuleBetweenBlankLinesStartsASection() {
    #expect(DedupText.sections(Document(text: Self.ruled)) == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    #expect(removals(Self.ruled).isEmpty)
  }

  @Test func withoutTheRulesTheRepeatsGo() {
    let plain = Self.ruled.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("---") && !$0.hasPrefix("===") }.joined(separator: "\n")
    #expect(DedupText.sections(Document(text: plain)) == nil)
    #expect(removals(plain).count == 2)
  }

  /// A rule right under a line of text is that line's underline (a setext or reStructuredText
  /// title), as before: the title starts the section, not the rule.
  @Test func anUnderlineStillMarksItsTitle() {
    let s = "Intro text.\n\nTitle\n-----\n\nBody text.\n"
    #expect(DedupText.sections(Document(text: s)) == [0, 0, 1, 1, 1, 1])
  }

  /// gcloud's man pages (rendered at 80 columns): each flag's entry says `This must be
  /// specified.` and lists the same ways to set the project, and the second flag lost them.
  static let manPage = """
    REQUIRED FLAGS
         --network=NETWORK
            The network to attach. To set the project attribute:
            - provide the argument --project on the command line;
            - set the property core/project.
            This must be specified.

         --location=LOCATION
            The region of the deployment. To set the project attribute:
            - provide the argument --project on the command line;
            - set the property core/project.
            This must be specified.

    """

  @Test func eachOptionOfAManPageIsASection() {
    let s = Self.manPage
    #expect(removals(s).isEmpty)
    for term in ["--location=LOCATION", "-f, --force", "-name pattern", "--all", "-v"] {
      let bytes = Array(term.utf8)
      #expect(bytes.withUnsafeBufferPointer { DedupText.isOptionTerm($0, 0, bytes.count) }, "\(term)")
    }
    for line in ["-Article last amended: Mar 17", "-5 degrees overnight", "- a list item", "--", "--[no-]color", "---"] {
      let bytes = Array(line.utf8)
      #expect(!bytes.withUnsafeBufferPointer { DedupText.isOptionTerm($0, 0, bytes.count) }, "\(line)")
    }
  }

  /// Each entry is its own section; without the option lines there is no section at all.
  /// (Session 14's build removed the second `This must be specified.` here.)
  @Test func theOptionLinesMakeTheSections() {
    let sections = DedupText.sections(Document(text: Self.manPage))
    #expect(sections?[5] != sections?[11])
    let plain = Self.manPage.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("=NETWORK") && !$0.contains("=LOCATION") }.joined(separator: "\n")
    #expect(DedupText.sections(Document(text: plain)) == nil)
  }
}
