import Foundation
import Testing

@testable import MendCore

/// Session 13: wrong removals the default pipeline made on text nobody tuned it on — the package
/// descriptions (METADATA) of the 115 Python packages installed on this machine, Markdown and
/// reStructuredText (`mend fix --explain`), each a case below (cut from the file), with the
/// removal that must survive next to it. The code blocks found there are `CodeBlocksS13Tests`.
@Suite struct WildTextS13Tests {
  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Repo.pipeline.clean(s)
    return (r.text, r.changes)
  }

  /// colorama: a hard-wrapped paragraph whose line stops inside a new sentence that opens as the
  /// line did. `remove-tandem-repeats` took it for X Y X and removed the second opening.
  @Test func aSentenceGoingOnOnTheNextLineIsNoTandemRepeat() {
    let s = WRAP + "\n"
    #expect(fix(s).text == s)
  }

  @Test func tandemRepeatsStillRemoved() {
    // The same line ending the sentence, or followed by a new one: the repeat goes.
    let a = "Chinese leader marks birthday | Chinese leader marks birthday\nThe call came on Wednesday.\n"
    #expect(fix(a).text == "Chinese leader marks birthday\nThe call came on Wednesday.\n")
    let b = "Xi Jinping assures Putin of support - Xi Jinping assures Putin of support\nthe article goes on.\n"
    #expect(fix(b).text == b)  // a lower-case line after one that stops inside a sentence: kept
  }

  /// executing: a heading removed as a near-duplicate of its entry in the table of contents.
  @Test func headingsStayWhenTheTableOfContentsNamesThem() {
    let r = fix(TOC + "\n")
    #expect(r.changes.filter { $0.applied && $0.stage != "normalize-unicode" }.isEmpty)
    #expect(r.text.contains("\n### Getting the source code of the node\n"))
  }

  /// regex: a reStructuredText title (over a line of ^^^) repeats the sentence that introduced
  /// the feature.
  @Test func titlesOverAnUnderlineStay() {
    let s = """
      This module supports Unicode 17.0.0. Full Unicode case-folding is supported.

      Full Unicode case-folding is supported
      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

      Markdown titles too
      ===================

      Markdown titles too

      """
    let r = fix(s)
    #expect(r.text.contains("Full Unicode case-folding is supported\n^^^"))
    #expect(r.text.contains("Markdown titles too\n==="))
  }

  /// pydantic's changelog lists an entry again, extended, under the next release.
  @Test func listItemsAreNoNearDuplicatesOfEachOther() {
    let s = """
      v2.11.0b1:
      * Add a check_version function to the core module by @Viicos in https://github.com/pydantic/pydantic/pull/11324

      v2.11.0:
      * Add a check_version function to the core module by @Viicos in https://github.com/pydantic/pydantic/pull/11324 and #11400

      """
    #expect(fix(s).text == s)
  }

  /// jmespath: two sentences that differ only in their inline code.
  @Test func sentencesWhoseCodeDiffersAreNoNearDuplicates() {
    let s = """
      The expression: ``foo.bar[*].name`` will return ["one", "two"].
      The ``*`` can also be used for hash types.
      The expression: ``foo.*.name`` will return ["one", "two"].

      """
    #expect(fix(s).text == s)
    // The same code, one copy truncated: still a near-duplicate.
    let t = """
      Run ``make check`` before you send a patch to the list, as the maintainers ask.
      Some other sentence sits between the two copies here.
      Run ``make check`` before you send a patch to the list.

      """
    #expect(fix(t).text.components(separatedBy: "make check").count == 2)
  }

  /// Perl's Config.pod (POD) and swift-argument-parser's Validation article (Markdown): reference
  /// documentation says the same under each item or section.
  @Test func repeatsInOtherSectionsStay() {
    let pod = """
      =item C<d_dbminitproto>

      This variable is defined but not used by Configure.
      The value is the empty string and is not useful.

      =item C<d_dirfd>

      This variable is defined but not used by Configure.
      The value is the empty string and is not useful.

      """
    #expect(fix(pod).text == pod)
    let md = """
      ### Validating Arguments

      You can throw your own errors. Errors that conform to `CustomStringConvertible` or `LocalizedError` provide the best experience for users.

      ### Handling Transform Errors

      In addition, you can throw your own errors. Errors that conform to `CustomStringConvertible` or `LocalizedError` provide the best experience for users.

      """
    #expect(fix(md).text == md)
    #expect(DedupText.sections(Document(text: md)) == [1, 1, 1, 1, 2, 2, 2])
    #expect(DedupText.sections(Document(text: "No heading here.\nNone at all.")) == nil)
    // A root prompt is no heading.
    #expect(DedupText.sections(Document(text: "Text.\n# mdadm --detail /dev/md1\nMore.")) == nil)
  }

  /// GNU NEWS files and Debian changelogs: a note in square brackets under each entry, and
  /// outline headings (`** Bug fixes`) in each release.
  @Test func bracketNotesAndOutlineHeadingsStay() {
    let s = """
      * Noteworthy changes in release 9.1 (2022-04-15) [stable]

      ** Bug fixes

        chmod -R no longer exits with error status when encountering symlinks.
        All files would be processed correctly, but the exit status was incorrect.
        [bug introduced in coreutils-9.0]

        If 'cp -Z A B' checks B's status and some other process then removes B,
        cp no longer creates B with a too-generous SELinux security context.
        [bug introduced in coreutils-9.0]

      * Noteworthy changes in release 9.0 (2021-09-24) [stable]

      ** Changes to the build process

        The configure script now checks for a working C compiler.

      * Noteworthy changes in release 8.32 (2020-03-05) [stable]

      ** Changes to the build process

        The configure script no longer checks for an old compiler.

      """
    let r = fix(s)
    #expect(r.changes.filter { $0.applied && $0.stage != "normalize-unicode" }.isEmpty)
    // An elided quote is no note: `[...] text [...]` repeated still goes.
    let q = "[...] he offered honest services such as chairing the office of the president [...]\nOther news.\n[...] he offered honest services such as chairing the office of the president [...]\n"
    #expect(fix(q).text == "[...] he offered honest services such as chairing the office of the president [...]\nOther news.\n")
  }

  /// gcloud's man pages: the same command again with one more argument.
  @Test func shellCommandsAreCode() {
    let s = GCLOUD + "\n"
    #expect(fix(s).changes.filter { $0.applied && $0.stage != "normalize-unicode" }.isEmpty)
    // A dollar amount is no prompt.
    let news = "Prices rose to $ 5 million in the first half of the year, officials said on Monday.\nOther news.\nPrices rose to $ 5 million in the first half of the year.\n"
    #expect(fix(news).text == "Prices rose to $ 5 million in the first half of the year, officials said on Monday.\nOther news.\n")
  }

  /// PropertyTests with more seeds (6 000, pieces of code blocks added): a repaired mojibake
  /// sequence, a composed `é` or a removed control can start another sequence, which the second
  /// run repaired. One run now reaches the fixed point.
  @Test(arguments: ["e\u{301}\u{201D}\u{201C}&#8217;e\u{301}\n", "Ã©\u{2019}\u{201C} text\n", "Ã©\u{7}\u{2019}\u{2019}its\n"])
  func normalizeReachesAFixedPointInOneRun(_ s: String) {
    let once = fix(s).text
    #expect(fix(once).text == once)
  }

  /// News text keeps its repairs: a near-duplicate standfirst sentence and a repeated line.
  @Test func newsDedupUnchanged() {
    let s = """
      The mayor said the bridge would reopen on Monday after repairs to its deck.
      Traffic was diverted through the town centre for most of the week.
      The mayor said the bridge would reopen on Monday after repairs.

      """
    #expect(fix(s).text == "The mayor said the bridge would reopen on Monday after repairs to its deck.\nTraffic was diverted through the town centre for most of the week.\n")
  }
}

private let WRAP = #"""
      If you're on an older version of Windows, and your stdout/stderr are pointing to
      a Windows console, then this will wrap ``sys.stdout`` and/or ``sys.stderr`` in a
      magic file object that intercepts ANSI escape sequences and issues the
      appropriate Win32 calls to emulate them.

      In all other circumstances, it does nothing whatsoever. Basically the idea is
      that this makes Windows act like Unix with respect to ANSI escape handling.

      It's safe to call this function multiple times. It's safe to call this function
      on non-Windows platforms, but it won't do anything. It's safe to call this
      function when one or both of your stdout/stderr are redirected to a file – it
      won't do anything to those streams.

      Alternatively, you can use the older interface with more features (but also more
      potential footguns):
      """#

private let TOC = #"""
      Requires-Dist: littleutils; extra == "tests"
      Requires-Dist: rich; python_version >= "3.11" and extra == "tests"

      # executing

      [![Build Status](https://github.com/alexmojaki/executing/workflows/Tests/badge.svg?branch=master)](https://github.com/alexmojaki/executing/actions) [![Coverage Status](https://coveralls.io/repos/github/alexmojaki/executing/badge.svg?branch=master)](https://coveralls.io/github/alexmojaki/executing?branch=master) [![Supports Python versions 3.5+, including PyPy](https://img.shields.io/pypi/pyversions/executing.svg)](https://pypi.python.org/pypi/executing)

      This mini-package lets you get information about what a frame is currently doing, particularly the AST node being executed.

      * [Usage](#usage)
          * [Getting the AST node](#getting-the-ast-node)
          * [Getting the source code of the node](#getting-the-source-code-of-the-node)
          * [Getting the `__qualname__` of the current function](#getting-the-__qualname__-of-the-current-function)
          * [The Source class](#the-source-class)
      * [Installation](#installation)
      * [How does it work?](#how-does-it-work)
      * [Is it reliable?](#is-it-reliable)
      * [Which nodes can it identify?](#which-nodes-can-it-identify)
      * [Projects that use this](#projects-that-use-this)

      ## Usage

      ### Getting the AST node

      ```python
      import executing

      node = executing.Source.executing(frame).node
      ```

      Then `node` will be an AST node (from the `ast` standard library module) or None if the node couldn't be identified (which may happen often and should always be checked).

      `node` will always be the same instance for multiple calls with frames at the same point of execution.

      If you have a traceback object, pass it directly to `Source.executing()` rather than the `tb_frame` attribute to get the correct node.

      ### Getting the source code of the node

      For this you will need to separately install the [`asttokens`](https://github.com/gristlabs/asttokens) library, then obtain an `ASTTokens` object:

      ```python
      executing.Source.executing(frame).source.asttokens()
      ```
      """#

private let GCLOUD = #"""

      GCLOUD_ALPHA_API-GATEWAY_GATGeneralICGCLOUD_ALPHA_API-GATEWAY_GATEWAYS_LIST(1)

      NAME
             gcloud alpha api-gateway gateways list - list API Gateways

      SYNOPSIS
             gcloud  alpha  api-gateway  gateways list [--location=LOCATION] [--fil‐
      \#t      ter=EXPRESSION]\#t  [--limit=LIMIT]      [--page-size=PAGE_SIZE]
      \#t      [--sort-by=[FIELD,...]] [GCLOUD_WIDE_FLAG ...]

      DESCRIPTION
             (ALPHA) List API Gateways.

      EXAMPLES
             To list all gateways, run:

      \#t $ gcloud alpha api-gateway gateways list

             To list all gateways within the 'us-central1' location:

      \#t $ gcloud alpha api-gateway gateways list --location=us-central1

      FLAGS
      \#t Location  resource  -\#tParent\#tlocation which gateways will be listed
      \#t from. This
      \#t   represents a Cloud resource. (NOTE) Some attributes are  not\#t given
      \#t   arguments in this group but can be set in other ways.

      \#t   To set the project attribute:

      \#t   — provide  the argument --location on the command line with a fully
      \#t     specified name;

      \#t   — Location for API and API Configs. Defaults to a wildcard  with  a
      \#t     fully specified name;

      \#t   — provide the argument --project on the command line;

      \#t   — set the property core/project.
      """#
