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
    subcommands: [Fix.self, CorpusCommand.self, DedupCommand.self, DedupKeys.self, DedupApply.self, Segment.self, TestRules.self, ListStages.self],
    defaultSubcommand: Fix.self
  )
}

// `mend PATH...` (the default subcommand, no options) skips the parser: its reflection over six
// subcommands costs several milliseconds of start-up. Everything else goes through ArgumentParser.
let arguments = Array(CommandLine.arguments.dropFirst())
let subcommandNames: Set<String> = ["fix", "corpus", "dedup", "dedup-keys", "dedup-apply", "segment", "test-rules", "stages", "help"]
#if DEBUG
  precondition(subcommandNames == Set(Mend.configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]))
#endif
if !arguments.isEmpty && arguments.allSatisfy({ !$0.hasPrefix("-") }) && !subcommandNames.contains(arguments[0]) {
  let fix = Fix.withDefaults(paths: arguments)
  #if DEBUG
    if let parsed = try? Fix.parse(arguments) {
      precondition(String(reflecting: parsed) == String(reflecting: fix), "Fix.withDefaults is out of date")
    }
  #endif
  do {
    try fix.run()
  } catch {
    Mend.exit(withError: error)
  }
} else {
  Mend.main()
}
