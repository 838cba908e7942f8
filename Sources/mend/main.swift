import ArgumentParser

/// `mend` repairs scraped English text. The default subcommand is `fix`, so `mend FILE` works.
struct Mend: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mend",
    abstract: "Repair scraped English text: Unicode, stripped apostrophes, duplicates, shuffled order.",
    discussion: """
      Exit codes: 0 ok, 1 changes found under --check, 64 usage error, 65 input error \
      (invalid UTF-8, binary or unreadable file), 78 rules error.
      """,
    version: "0.1.0",
    subcommands: [Fix.self, CorpusCommand.self, DedupCommand.self, DedupKeys.self, Segment.self, TestRules.self, ListStages.self],
    defaultSubcommand: Fix.self
  )
}

Mend.main()
