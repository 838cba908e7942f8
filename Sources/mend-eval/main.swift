import ArgumentParser

/// `mend-eval`: damage real text the way scrapers do, run mend's pipeline, and score the repair
/// against the original. Each evaluation is one subcommand in its own file.
struct MendEval: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mend-eval",
    abstract: "Measure mend on real text with injected damage (precision, recall, order, dedup).",
    subcommands: [
      CorpusStats.self,
      DocDedupEval.self,
      DedupEval.self,
      Apostrophes.self,
      Throughput.self,
      OrderEval.self,
    ]
  )
}

MendEval.main()
