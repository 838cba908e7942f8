import ArgumentParser
import MendCore

/// `mend segment`: normalise and print one sentence per line (ICU + the abbreviation list).
struct Segment: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "segment",
    abstract: "Normalise text (the normalize-unicode stage) and print one sentence per line.")

  @Argument(help: "Files to read; '-' or nothing reads stdin.")
  var paths: [String] = []

  @Option(name: .long, help: "A rules file (may extend the default with 'extends: default').")
  var rules: String?

  @Flag(name: .long, help: "Replace invalid UTF-8 with U+FFFD instead of failing.")
  var lossy = false

  func run() throws {
    let set: RuleSet
    let pipeline: Pipeline
    do {
      set = try RulesLocator.load(userRules: rules)
      pipeline = try Pipeline(rules: set).only(["normalize-unicode"])
    } catch let e as RulesError {
      throw fail(e.description, code: Exit.rules)
    }
    let segmenter = pipeline.makeSegmenter()
    let out = Stdout.shared
    var failed = false
    for path in paths.isEmpty ? ["-"] : paths {
      do {
        let (text, _) = try InputReader.decode(try InputReader.readBytes(path), path: path, lossy: lossy)
        let (doc, _) = pipeline.run(Document(text: text), segmenter: segmenter)
        for f in doc.fragments {
          var t = f.text
          t.withUTF8 { buf in
            for r in segmenter.sentences(inUTF8: buf) {
              var e = r.upperBound
              while e > r.lowerBound && (buf[e - 1] == 0x20 || buf[e - 1] == 0x09) { e -= 1 }
              if e > r.lowerBound {
                out.writeBytes(UnsafeBufferPointer(rebasing: buf[r.lowerBound..<e]))
                out.write("\n")
              }
            }
          }
        }
      } catch let e as InputError {
        out.flush()
        Stderr.print("mend: " + e.description)
        failed = true
      }
    }
    out.flush()
    if failed { throw ExitCode(Exit.input) }
  }
}
