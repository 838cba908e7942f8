import ArgumentParser
import MendCore

#if canImport(Glibc)
  import Glibc
#endif

/// `mend segment`: normalise and print one sentence per line (ICU's rules + the abbreviation list).
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

  /// Lines are normalised and segmented a block at a time: the same result as one document
  /// (normalize-unicode works line by line), without holding every line of a large file as a
  /// String at once. 32 KiB (was 256 KiB): a block's lines are still in the CPU cache when the
  /// segmenter reads them after normalize-unicode.
  static let blockBytes = 1 << 15

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
        // The whole file is read and checked first: invalid UTF-8 prints nothing of the file.
        // Valid bytes are segmented as they are (no String copy of the whole file); anything
        // else goes through `InputReader.decode` (its error, or the --lossy repair).
        let bytes = try InputReader.readBytes(path)
        if bytes.withUnsafeBufferPointer({ InputReader.isValidUTF8($0) }) {
          bytes.withUnsafeBufferPointer { buf in
            Self.segment(buf, pipeline: pipeline, segmenter: segmenter, blockBytes: Self.blockBytes, out: out)
          }
        } else {
          var (text, _) = try InputReader.decode(bytes, path: path, lossy: lossy)
          text.withUTF8 { buf in
            Self.segment(buf, pipeline: pipeline, segmenter: segmenter, blockBytes: Self.blockBytes, out: out)
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

  /// Normalise and segment valid UTF-8 text, a block of whole lines at a time.
  static func segment(
    _ buf: UnsafeBufferPointer<UInt8>, pipeline: Pipeline, segmenter: SentenceSegmenter, blockBytes: Int, out: Stdout
  ) {
    let n = buf.count
    guard let base = buf.baseAddress else { return }
    var start = 0
    var line = 1
    while start < n {
      var frags: [Fragment] = []
      var i = start
      while i < n {
        let e = memchr(base + i, 0x0A, n - i).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
        frags.append(
          Fragment(text: String(decoding: UnsafeBufferPointer(rebasing: buf[i..<e]), as: UTF8.self), line: line))
        line += 1
        i = e + 1
        // A block ends after a line; never before one that starts with a byte-order mark (the
        // stage treats a BOM on the first line of a document differently).
        if i - start >= blockBytes && !(i + 2 < n && buf[i] == 0xEF && buf[i + 1] == 0xBB && buf[i + 2] == 0xBF) {
          break
        }
      }
      start = i
      let (doc, _) = pipeline.run(Document(fragments: frags, endsWithNewline: false), segmenter: segmenter)
      for f in doc.fragments {
        var t = f.text
        t.withUTF8 { tb in
          for r in segmenter.sentences(inUTF8: tb) {
            var e = r.upperBound
            while e > r.lowerBound && (tb[e - 1] == 0x20 || tb[e - 1] == 0x09) { e -= 1 }
            if e > r.lowerBound {
              out.writeBytes(UnsafeBufferPointer(rebasing: tb[r.lowerBound..<e]))
              out.write("\n")
            }
          }
        }
      }
    }
  }
}
