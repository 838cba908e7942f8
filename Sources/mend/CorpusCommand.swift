import ArgumentParser
import CZlib
import Foundation
import MendCore

#if canImport(Glibc)
  import Glibc
#endif

/// Counts of one batch, or of the whole run.
struct CorpusStats {
  var documents = 0
  var changedDocuments = 0
  var inputBytes: Int64 = 0
  var outputBytes: Int64 = 0
  var malformed = 0
  var skipped = 0
  var inputErrors = 0
  var suggestions = 0
  var perStage: [String: Int] = [:]
  var duplicatesExact = 0
  var duplicatesNear = 0
  var boilerplateLines = 0

  mutating func add(_ o: CorpusStats) {
    documents += o.documents
    changedDocuments += o.changedDocuments
    inputBytes += o.inputBytes
    outputBytes += o.outputBytes
    malformed += o.malformed
    skipped += o.skipped
    inputErrors += o.inputErrors
    suggestions += o.suggestions
    for (k, v) in o.perStage { perStage[k, default: 0] += v }
    duplicatesExact += o.duplicatesExact
    duplicatesNear += o.duplicatesNear
    boilerplateLines += o.boilerplateLines
  }

  func render(format: OutputFormat, command: String, seconds: Double, jobs: Int, stageOrder: [String]) -> String {
    let mbps = Double(inputBytes) / 1e6 / max(seconds, 1e-9)
    let stages = stageOrder.filter { perStage[$0] != nil } + perStage.keys.filter { !stageOrder.contains($0) }.sorted()
    if format == .json {
      var s = "{\"command\":\"\(command)\",\"documents\":\(documents),\"changed_documents\":\(changedDocuments)"
      s += ",\"bytes_in\":\(inputBytes),\"bytes_out\":\(outputBytes)"
      s += String(format: ",\"seconds\":%.3f,\"mb_per_s\":%.2f", seconds, mbps)
      s += ",\"jobs\":\(jobs),\"changes\":{"
      s += stages.map { "\"\($0)\":\(perStage[$0]!)" }.joined(separator: ",")
      s += "},\"suggestions\":\(suggestions),\"malformed_lines\":\(malformed),\"skipped_lines\":\(skipped)"
      s += ",\"input_errors\":\(inputErrors),\"duplicates_exact\":\(duplicatesExact),\"duplicates_near\":\(duplicatesNear)"
      s += ",\"boilerplate_lines_removed\":\(boilerplateLines)}"
      return s
    }
    var s = "mend \(command): \(Progress.group(documents)) documents, "
    s += String(format: "%.1f MB in, %.1f MB out, %.2f s, %.1f MB/s, %d job%@", Double(inputBytes) / 1e6, Double(outputBytes) / 1e6, seconds, mbps, jobs, jobs == 1 ? "" : "s")
    if command != "dedup" { s += "\n  changed documents: \(Progress.group(changedDocuments))" }
    if !stages.isEmpty {
      s += "\n  changes per stage: " + stages.map { "\($0) \(perStage[$0]!)" }.joined(separator: ", ")
    }
    if suggestions > 0 { s += "\n  suggestions (not applied): \(suggestions)" }
    if duplicatesExact + duplicatesNear + boilerplateLines > 0 || command == "dedup" {
      s += "\n  duplicates removed: \(duplicatesExact) exact, \(duplicatesNear) near; boilerplate lines removed: \(boilerplateLines)"
    }
    if malformed > 0 { s += "\n  malformed lines: \(malformed)" + (skipped > 0 ? " (skipped)" : " (passed through unchanged)") }
    if inputErrors > 0 { s += "\n  input errors: \(inputErrors)" }
    return s
  }
}

/// `mend corpus`: repair a corpus (JSONL shards, gzip or not, or directories and globs of text
/// files) on every core, output in input order.
struct CorpusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "corpus",
    abstract: "Repair a corpus: JSONL records (.jsonl, .jsonl.gz) or text files, on all cores, output in input order.",
    discussion: """
      JSONL: the --field values (strings, or arrays of strings) are repaired and spliced back into \
      the original bytes; every other byte of the record is kept. A malformed line is reported as \
      FILE:LINE:COL and passed through unchanged (or left out with --skip-malformed). Text files \
      (anything not named .jsonl/.ndjson/.json[.gz]) are rewritten with --in-place or under \
      --output-dir, or else written as JSONL records {"path": ..., "text": ...}. Output to a file \
      ending in .gz is gzip-compressed (in parallel). The summary goes to stderr (or --summary FILE).
      Exit codes: 0 ok, 1 changes found under --check, 64 usage, 65 input errors (malformed lines \
      included), 78 rules error.
      """)

  @Argument(help: "JSONL files (.jsonl, .jsonl.gz), text files, directories or globs; '-' or nothing reads JSONL from stdin.")
  var inputs: [String] = []

  @Option(name: .long, help: "A rules file (may extend the default with 'extends: default').")
  var rules: String?

  @Option(name: .long, help: "A JSONL field to repair (repeatable; a string or an array of strings).")
  var field: [String] = []

  @Option(name: .long, help: "Add to each record this field with the count of applied changes per stage.")
  var changesField: String?

  @Option(name: .shortAndLong, help: "Output file ('.gz' compresses); default stdout.")
  var output: String?

  @Option(name: .long, help: "Text-file inputs: write repaired files under this directory (same relative paths).")
  var outputDir: String?

  @Flag(name: .shortAndLong, help: "Text-file inputs: rewrite each file in place, atomically.")
  var inPlace = false

  @Flag(name: .long, help: "Write nothing; exit 1 if any document would change.")
  var check = false

  @Option(name: .shortAndLong, help: "Worker threads (default: the number of cores).")
  var jobs: Int = OrderedPool<Int, Int>.defaultJobs

  @Option(name: .long, help: "Bytes of input per batch (memory is bounded by about 2 × jobs + 2 batches).")
  var batchBytes: Int = 1 << 20

  @Flag(name: .long, help: "Leave malformed JSONL lines out of the output (still reported) instead of passing them through.")
  var skipMalformed = false

  @Option(name: .long, help: "Summary format: text or json.")
  var format: OutputFormat = .text

  @Option(name: .long, help: "Write the summary to this file instead of stderr.")
  var summary: String?

  @Flag(name: .long, inversion: .prefixedNo, help: "Show a progress bar on stderr (default: only when stderr is a terminal).")
  var progress: Bool?

  @Option(name: .long, help: "gzip level for a .gz output (1 fastest - 9 smallest).")
  var gzipLevel: Int = 6

  @Option(name: .long, help: "With directories: only files matching this glob (repeatable).")
  var include: [String] = []

  @Option(name: .long, help: "With directories: skip files or folders matching this glob (repeatable).")
  var exclude: [String] = []

  @Flag(name: .long, help: "Do not print each malformed line to stderr (they are still counted).")
  var quietMalformed = false

  @Option(name: .long, help: "Side file ('.gz' compresses): one JSON line per line or sentence a stage removed, with its source file, record line, record id, field, text and the stage's reason, so nothing is lost.")
  var removed: String?

  @Option(name: .long, help: "Side file ('.gz' compresses): one JSON line per change a stage made or suggested — edits, removals, moves — with its source file, record line, record id, field, line, column, before, after, whether it was applied, and the stage's reason (the corpus form of 'mend --format json').")
  var changeLog: String?

  @Option(name: .long, help: "The field that identifies a record in --removed and --change-log (default 'id'; records without it are named FILE:LINE).")
  var idField: String = "id"

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if batchBytes < 1024 { throw ValidationError("--batch-bytes must be at least 1024") }
    if !(1...9).contains(gzipLevel) { throw ValidationError("--gzip-level must be 1 to 9") }
    if inPlace && outputDir != nil { throw ValidationError("--in-place and --output-dir cannot be combined") }
    if check && (inPlace || outputDir != nil || output != nil) {
      throw ValidationError("--check writes nothing; it cannot be combined with --in-place, --output-dir or --output")
    }
    if check && removed != nil { throw ValidationError("--check writes nothing; it cannot be combined with --removed") }
    if check && changeLog != nil { throw ValidationError("--check writes nothing; it cannot be combined with --change-log") }
  }

  enum Item {
    case lines(path: String, batch: LineBatchReader.Batch)
    case textFile(path: String, relative: String)
  }

  struct Result {
    var output: [UInt8] = []
    /// The batch's lines of the `--removed` side file (JSON lines), in input order.
    var removed: [UInt8] = []
    /// The batch's lines of the `--change-log` side file (JSON lines), in input order.
    var changeLog: [UInt8] = []
    var stats = CorpusStats()
    var messages: [String] = []
    /// The last record was left out (so its newline is too).
    var lastSkipped = false
    /// While true, every record so far is written exactly as it was read, and `output` holds
    /// nothing yet: a batch that stays so is handed on as its own input array (no copy). The first
    /// record written differently first copies the bytes before it (`diverge`).
    var passThrough = false
    /// The batch's bytes while `processLines` runs (valid only inside it).
    var batchBase: UnsafePointer<UInt8>? = nil
    var batchCount = 0

    /// Write a record as it was read.
    @inline(__always) mutating func keep(_ line: UnsafeBufferPointer<UInt8>) {
      if !passThrough { output.append(contentsOf: line) }
    }

    /// About to write something other than `line` as it was read (or to leave it out): leave
    /// pass-through mode, copying every byte of the batch before `line` into `output`.
    mutating func diverge(at line: UnsafeBufferPointer<UInt8>) {
      guard passThrough, let base = batchBase, let at = line.baseAddress else { return }
      passThrough = false
      output.reserveCapacity(batchCount + batchCount / 16)
      output.append(contentsOf: UnsafeBufferPointer(start: base, count: base.distance(to: at)))
    }
  }

  func run() throws {
    let set: RuleSet
    let pipeline: Pipeline
    do {
      set = try RulesLocator.load(userRules: rules)
      pipeline = try Pipeline(rules: set)
    } catch let e as RulesError {
      throw fail(e.description, code: Exit.rules)
    }
    let fields = field.isEmpty ? ["text"] : field
    let files: [String]
    do {
      files = try InputExpander.expand(inputs, include: include, exclude: exclude)
    } catch let e as InputError {
      throw fail(e.description, code: Exit.input)
    }
    let textFiles = files.filter { !InputExpander.isJSONL($0) }
    if !textFiles.isEmpty && files.contains("-") {
      throw fail("stdin ('-') is read as JSONL and cannot be mixed with text files", code: Exit.usage)
    }
    if (inPlace || outputDir != nil) && textFiles.count != files.count {
      throw fail("--in-place and --output-dir apply to text files only; JSONL inputs go to --output", code: Exit.usage)
    }
    let processor = RecordProcessor(
      pipeline: pipeline, fields: fields, changesField: changesField, skipMalformed: skipMalformed,
      check: check, reportMalformed: !quietMalformed, removedFile: removed != nil, changeLogFile: changeLog != nil,
      idField: idField)
    let roots = inputs.filter { $0 != "-" }
    let outDir = outputDir
    let inPlace = inPlace
    let check = check
    let gzipLevel = Int32(gzipLevel)

    /// An output file, or nil when `wanted` is false; on failure the ones opened before are
    /// abandoned and the run stops with an I/O error.
    func open(_ path: String?, wanted: Bool = true, after opened: [OutputFile?]) throws -> OutputFile? {
      guard wanted else { return nil }
      do {
        return try OutputFile(path: path)
      } catch let e as InputError {
        for o in opened { o?.abandon() }
        throw fail(e.description, code: Exit.io)
      }
    }
    let out = try open(output, wanted: !(check || inPlace || outDir != nil), after: [])
    let gzipOut = out?.gzip ?? false
    let side = try open(removed, wanted: removed != nil, after: [out])
    let gzipSide = side?.gzip ?? false
    let logFile = try open(changeLog, wanted: changeLog != nil, after: [out, side])
    let gzipLog = logFile?.gzip ?? false
    let total = files.reduce(Int64(0)) { $0 + ($1 == "-" ? 0 : InputExpander.fileSize($1)) }
    let progress = Progress(enabled: self.progress, totalBytes: total)
    var stats = CorpusStats()
    var rawDone: Int64 = 0
    let started = Date()
    mend_tune_malloc()

    let pool = OrderedPool<Item, Result>(
      jobs: jobs, makeState: { pipeline.makeSegmenter() },
      work: { seg, item in
        var r: Result
        switch item {
        case .lines(let path, let batch):
          r = processor.processLines(batch, path: path, segmenter: seg)
        case .textFile(let path, let rel):
          r = processor.processTextFile(path, relative: rel, outputDir: outDir, inPlace: inPlace, segmenter: seg)
        }
        if gzipOut && !r.output.isEmpty { r.output = Gzip.member(r.output, level: gzipLevel) }
        if gzipSide && !r.removed.isEmpty { r.removed = Gzip.member(r.removed, level: gzipLevel) }
        if gzipLog && !r.changeLog.isEmpty { r.changeLog = Gzip.member(r.changeLog, level: gzipLevel) }
        return r
      })

    // The producer: batches of every input, in order.
    var readerError: InputError? = nil
    var currentReader: LineBatchReader? = nil
    var fileIndex = 0
    var finishedRaw: Int64 = 0
    let items = AnySequence<Item> {
      AnyIterator<Item> {
        while fileIndex < files.count {
          let path = files[fileIndex]
          if !InputExpander.isJSONL(path) {
            fileIndex += 1
            finishedRaw += InputExpander.fileSize(path)
            return .textFile(path: path, relative: Self.relative(path, roots: roots))
          }
          do {
            if currentReader == nil { currentReader = try LineBatchReader(path: path, batchBytes: batchBytes) }
            if let b = try currentReader!.next() {
              rawDone = finishedRaw + currentReader!.rawOffset
              return .lines(path: path, batch: b)
            }
          } catch let e as InputError {
            readerError = e
            Stderr.print("mend: " + e.description)
          } catch {}
          if path != "-" { finishedRaw += InputExpander.fileSize(path) }
          rawDone = finishedRaw
          currentReader = nil
          fileIndex += 1
        }
        return nil
      }
    }

    var writeError: InputError? = nil
    pool.run(items) { r in
      for m in r.messages { Stderr.print(m) }
      if let out, writeError == nil {
        do { try out.write(r.output) } catch let e as InputError { writeError = e } catch {}
      }
      if let side, writeError == nil {
        do { try side.write(r.removed) } catch let e as InputError { writeError = e } catch {}
      }
      if let logFile, writeError == nil {
        do { try logFile.write(r.changeLog) } catch let e as InputError { writeError = e } catch {}
      }
      stats.add(r.stats)
      progress.documents = stats.documents
      progress.inputBytes = stats.inputBytes
      progress.update(rawDone: rawDone)
    }
    progress.finish()
    if readerError != nil { stats.inputErrors += 1 }
    if let e = writeError {
      out?.abandon()
      side?.abandon()
      logFile?.abandon()
      throw fail(e.description, code: Exit.io)
    }
    do {
      try out?.commit()
      try side?.commit()
      try logFile?.commit()
    } catch let e as InputError { throw fail(e.description, code: Exit.io) }
    let seconds = Date().timeIntervalSince(started)
    let text = stats.render(format: format, command: "corpus", seconds: seconds, jobs: jobs, stageOrder: pipeline.entries.map(\.id))
    if let summary {
      try? (text + "\n").write(toFile: summary, atomically: !OutputFile.isSpecial(summary), encoding: .utf8)
    } else {
      Stderr.print(text)
    }
    if stats.inputErrors > 0 || stats.malformed > 0 { throw ExitCode(Exit.input) }
    if check && stats.changedDocuments > 0 { throw ExitCode(Exit.changes) }
  }

  /// A text file's path relative to the directory argument it was found under.
  static func relative(_ path: String, roots: [String]) -> String {
    for r in roots {
      let root = r.hasSuffix("/") ? r : r + "/"
      if path.hasPrefix(root) { return String(path.dropFirst(root.count)) }
    }
    return (path as NSString).lastPathComponent
  }
}

/// Repairs the records of one batch (any thread; the segmenter is the thread's own).
struct RecordProcessor {
  let pipeline: Pipeline
  let fields: [String]
  let changesField: String?
  let skipMalformed: Bool
  let check: Bool
  let reportMalformed: Bool
  /// Write every removed fragment to `Result.removed` (`--removed`).
  var removedFile = false
  /// Write every change to `Result.changeLog` (`--change-log`).
  var changeLogFile = false
  var idField = "id"

  func processLines(_ batch: LineBatchReader.Batch, path: String, segmenter: SentenceSegmenter) -> CorpusCommand.Result {
    var r = CorpusCommand.Result()
    r.passThrough = !check
    let display = path == "-" ? "<stdin>" : path
    batch.bytes.withUnsafeBufferPointer { all in
      r.batchBase = all.baseAddress
      r.batchCount = all.count
      defer { r.batchBase = nil }
      var start = 0
      var lineNo = batch.firstLine
      while start < all.count {
        var end = all.count
        if let hit = memchr(all.baseAddress! + start, 0x0A, all.count - start) {
          end = all.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        let hasNL = end < all.count
        let line = UnsafeBufferPointer(rebasing: all[start..<end])
        r.stats.inputBytes += Int64(end - start + (hasNL ? 1 : 0))
        processRecord(line, path: display, lineNo: lineNo, into: &r, segmenter: segmenter)
        if hasNL && !r.lastSkipped && !check && !r.passThrough { r.output.append(0x0A) }
        r.lastSkipped = false
        start = end + 1
        lineNo += 1
      }
    }
    if r.passThrough {
      // Every record (and newline) was kept as read: the output is the batch itself.
      r.output = batch.bytes
      r.passThrough = false
    }
    r.stats.outputBytes = Int64(r.output.count)
    return r
  }

  func processRecord(_ line: UnsafeBufferPointer<UInt8>, path: String, lineNo: Int, into r: inout CorpusCommand.Result, segmenter: SentenceSegmenter) {
    // A blank line is not a record: kept as it is.
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
      if !check { r.keep(line) }
      return
    }
    let scanned: (members: [(key: String, value: Range<Int>)], close: Int)
    // The fast path's documents of the values `clean` visits, in that order; nil: decode there.
    var predecoded: [Document]? = nil
    if let fast = prepareFast(line) {
      scanned = fast.scanned
      predecoded = fast.documents
    } else {
      var scanner = JSONLineScanner(line)
      do {
        scanned = try scanner.scanRecord()
      } catch let e as JSONSyntaxError {
        r.stats.malformed += 1
        if reportMalformed {
          r.messages.append("\(path):\(lineNo):\(e.offset + 1): error: malformed JSONL record: \(e.message); \(skipMalformed ? "skipped" : "passed through unchanged")")
        }
        if skipMalformed {
          r.stats.skipped += 1
          r.diverge(at: line)
          r.lastSkipped = true
        } else if !check {
          r.keep(line)
        }
        return
      } catch {
        return
      }
    }
    r.stats.documents += 1
    var splice = Splice()
    var counts: [String: Int] = [:]
    var suggestions = 0
    var changed = false
    var visited = 0
    var recordID: [UInt8]? = nil
    func clean(_ range: Range<Int>, field: Int, element: Int) {
      let input: Document
      if let predecoded {
        input = predecoded[visited]
        visited += 1
      } else {
        do {
          input = try JSONString.decodeDocument(UnsafeBufferPointer(rebasing: line[range]), base: range.lowerBound)
        } catch let e as JSONSyntaxError {
          if reportMalformed {
            r.messages.append("\(path):\(lineNo):\(e.offset + 1): warning: \(e.message) in a repaired field; the value was left unchanged")
          }
          return
        } catch { return }
      }
      // Only the counts of the changes are written (summary, --changes-field): the log counts
      // them instead of keeping them.
      let (doc, log) = pipeline.runCounting(input, segmenter: segmenter, keepingRemovals: removedFile, keepingAll: changeLogFile)
      Self.count(log, into: &counts, suggestions: &suggestions)
      if (removedFile || changeLogFile) && !log.changes.isEmpty {
        if recordID == nil {
          recordID = DedupCommand.idBytes(line, scanned.members, idField: idField, path: path, lineNo: lineNo)
        }
        let name = element < 0 ? fields[field] : "\(fields[field])[\(element)]"
        for c in log.changes {
          if removedFile && c.action == .remove && c.applied {
            Self.appendRemoved(c, source: path, record: lineNo, id: recordID!, field: name, into: &r.removed)
          }
          if changeLogFile {
            Self.appendRemoved(c, source: path, record: lineNo, id: recordID!, field: name, into: &r.changeLog, full: true)
          }
        }
      }
      if !doc.hasSameText(as: input) {
        changed = true
        splice.documents.append((range, doc))
      }
    }
    for v in repairedValues(scanned.members, line) { clean(v.range, field: v.field, element: v.element) }
    if changed { r.stats.changedDocuments += 1 }
    for (k, v) in counts { r.stats.perStage[k, default: 0] += v }
    r.stats.suggestions += suggestions
    if check { return }
    if let cf = changesField {
      var obj: [UInt8] = [UInt8(ascii: "{")]
      var first = true
      for e in pipeline.entries {
        guard let n = counts[e.id] else { continue }
        if !first { obj.append(UInt8(ascii: ",")) }
        first = false
        JSONString.encode(e.id, into: &obj)
        obj.append(UInt8(ascii: ":"))
        obj.append(contentsOf: String(n).utf8)
      }
      if suggestions > 0 {
        if !first { obj.append(UInt8(ascii: ",")) }
        obj.append(contentsOf: "\"suggestions\":\(suggestions)".utf8)
      }
      obj.append(UInt8(ascii: "}"))
      if let existing = scanned.members.first(where: { $0.key == cf }) {
        splice.edits.append((existing.value, obj))
      } else {
        var ins: [UInt8] = scanned.members.isEmpty ? [] : [UInt8(ascii: ",")]
        JSONString.encode(cf, into: &ins)
        ins.append(UInt8(ascii: ":"))
        ins.append(contentsOf: obj)
        splice.edits.append((scanned.close..<scanned.close, ins))
      }
    }
    if splice.isEmpty {
      r.keep(line)
    } else {
      r.diverge(at: line)
      splice.apply(to: line, into: &r.output)
    }
  }

  /// The string values a record's fields name, in the order they are repaired: for each field,
  /// its first member's value when it is a string, or the string elements of its array.
  /// Each value comes with its field's index in `fields` and, for an array's string, its index
  /// among the array's strings (-1 for a plain string value).
  func repairedValues(_ members: [(key: String, value: Range<Int>)], _ line: UnsafeBufferPointer<UInt8>) -> [(range: Range<Int>, field: Int, element: Int)] {
    var out: [(range: Range<Int>, field: Int, element: Int)] = []
    for (fi, f) in fields.enumerated() {
      guard let m = members.first(where: { $0.key == f }) else { continue }
      let v = m.value
      if line[v.lowerBound] == UInt8(ascii: "\"") {
        out.append((v, fi, -1))
      } else if line[v.lowerBound] == UInt8(ascii: "[") {
        var k = 0
        for el in JSONLineScanner.arrayElements(line, v) where line[el.lowerBound] == UInt8(ascii: "\"") {
          out.append((el, fi, k))
          k += 1
        }
      }
    }
    return out
  }

  /// One line of the `--removed` side file: the removed text (`before`) with where it came from —
  /// the input file, the record's line in it, the record's id, the field (`text[2]` for the third
  /// string of an array) and the line and column inside the field's text — and the stage's rule
  /// and reason (which names the kept copy and the similarity for a duplicate).
  /// A text file has no record, id or field: those keys are left out.
  /// With `full` (a `--change-log` line): also the action, the text after, whether it was
  /// applied and the confidence.
  static func appendRemoved(_ c: Change, source: String, record: Int?, id: [UInt8]?, field: String?, into out: inout [UInt8], full: Bool = false) {
    out.append(contentsOf: "{\"source\":".utf8)
    JSONString.encode(source, into: &out)
    if let record { out.append(contentsOf: ",\"record\":\(record)".utf8) }
    if let id {
      out.append(contentsOf: ",\"id\":".utf8)
      out.append(contentsOf: id)
    }
    if let field {
      out.append(contentsOf: ",\"field\":".utf8)
      JSONString.encode(field, into: &out)
    }
    out.append(contentsOf: ",\"line\":\(c.line),\"column\":\(c.column),\"stage\":".utf8)
    JSONString.encode(c.stage, into: &out)
    out.append(contentsOf: ",\"rule\":".utf8)
    JSONString.encode(c.rule, into: &out)
    if full { out.append(contentsOf: ",\"action\":\"\(c.action.rawValue)\"".utf8) }
    out.append(contentsOf: ",\"before\":".utf8)
    JSONString.encode(c.before, into: &out)
    if full {
      out.append(contentsOf: ",\"after\":".utf8)
      JSONString.encode(c.after, into: &out)
      out.append(contentsOf: ",\"applied\":\(c.applied),\"confidence\":\(c.confidence)".utf8)
    }
    out.append(contentsOf: ",\"reason\":".utf8)
    JSONString.encode(c.reason, into: &out)
    out.append(contentsOf: "}\n".utf8)
  }

  /// The fast way into a record: each repaired field's string value is scanned, checked and
  /// decoded in one pass (`JSONString.decodeString`, which checks what the checking scan checks
  /// plus the UTF-8); a later value of the same key (only the first is repaired) is scanned
  /// without its UTF-8 check (`skipStringUnvalidated`) and checked here. Nil when anything is not plainly fine — a syntax error, invalid
  /// UTF-8, a lone surrogate escape — and the caller then scans and decodes the checking way,
  /// which reports exactly what it always did. Conservative: the lenient scan accepts every
  /// record the checking scan accepts, with the same members and ranges (the two differ only in
  /// checking UTF-8, and a continuation byte is never a quote or backslash), and every byte it
  /// did not check is checked before the result is used.
  func prepareFast(_ line: UnsafeBufferPointer<UInt8>) -> (scanned: (members: [(key: String, value: Range<Int>)], close: Int), documents: [Document])? {
    var scanner = JSONLineScanner(line)
    scanner.unvalidatedKeys = fields
    scanner.decodeValues = true
    guard let scanned = try? scanner.scanRecord() else { return nil }
    let values = repairedValues(scanned.members, line)
    var documents: [Document] = []
    documents.reserveCapacity(values.count)
    for (v, _, _) in values {
      // A field's string value was decoded (and checked) while the record was scanned; an
      // array's elements were checked by the scan and are decoded here.
      if let k = scanner.decoded.firstIndex(where: { $0.range == v }) {
        documents.append(scanner.decoded[k].document)
        continue
      }
      guard let d = try? JSONString.decodeDocument(UnsafeBufferPointer(rebasing: line[v]), base: v.lowerBound)
      else { return nil }
      documents.append(d)
    }
    for u in scanner.unvalidated where !values.contains(where: { $0.range == u }) {
      if UTF8Check.firstInvalid(UnsafeBufferPointer(rebasing: line[u])) != nil { return nil }
    }
    return (scanned, documents)
  }

  /// Applied changes per stage and suggestions of a counting log (`Pipeline.runCounting`), as
  /// `count(log.changes, ...)` counts a full one.
  static func count(_ log: ChangeLog, into counts: inout [String: Int], suggestions: inout Int) {
    for c in log.counts {
      suggestions += c.suggestions
      if c.applied > 0 { counts[c.stage, default: 0] += c.applied }
    }
  }

  /// Applied changes per stage and suggestions. A stage's changes come together, so the
  /// dictionary is touched once per run of one stage, not once per change.
  static func count(_ changes: [Change], into counts: inout [String: Int], suggestions: inout Int) {
    var k = 0
    let n = changes.count
    while k < n {
      let stage = changes[k].stage
      var applied = 0
      while k < n && changes[k].stage == stage {
        if changes[k].applied { applied += 1 } else { suggestions += 1 }
        k += 1
      }
      if applied > 0 { counts[stage, default: 0] += applied }
    }
  }

  func processTextFile(_ path: String, relative: String, outputDir: String?, inPlace: Bool, segmenter: SentenceSegmenter) -> CorpusCommand.Result {
    var r = CorpusCommand.Result()
    do {
      let bytes = try InputReader.readBytes(path)
      r.stats.inputBytes = Int64(bytes.count)
      if let nul = InputReader.binaryOffset(bytes) {
        r.messages.append("mend: \(path): skipped: binary file (NUL byte at offset \(nul))")
        return r
      }
      let (text, _) = try InputReader.decode(bytes, path: path, lossy: false)
      r.stats.documents = 1
      let (doc, log) = pipeline.run(Document(text: text), segmenter: segmenter)
      var counts: [String: Int] = [:]
      Self.count(log.changes, into: &counts, suggestions: &r.stats.suggestions)
      for (k, v) in counts { r.stats.perStage[k, default: 0] += v }
      if removedFile {
        for c in log.changes where c.action == .remove && c.applied {
          Self.appendRemoved(c, source: path, record: nil, id: nil, field: nil, into: &r.removed)
        }
      }
      if changeLogFile {
        for c in log.changes { Self.appendRemoved(c, source: path, record: nil, id: nil, field: nil, into: &r.changeLog, full: true) }
      }
      let out = doc.text
      let same = Document.sameUTF8(out, text)
      if !same { r.stats.changedDocuments = 1 }
      if check { return r }
      if inPlace {
        if !same { try AtomicWriter.write(out, to: path) }
        r.stats.outputBytes = Int64(out.utf8.count)
      } else if let dir = outputDir {
        let target = dir + "/" + relative
        try FileManager.default.createDirectory(
          atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: target, contents: Data(out.utf8)) else {
          throw InputError(path: target, message: "cannot write file")
        }
        r.stats.outputBytes = Int64(out.utf8.count)
      } else {
        var rec: [UInt8] = Array("{\"path\":".utf8)
        JSONString.encode(path, into: &rec)
        rec.append(contentsOf: ",\"\(fields.first ?? "text")\":".utf8)
        JSONString.encode(out, into: &rec)
        if let cf = changesField {
          rec.append(UInt8(ascii: ","))
          JSONString.encode(cf, into: &rec)
          rec.append(contentsOf: ":{".utf8)
          rec.append(contentsOf: pipeline.entries.compactMap { e in counts[e.id].map { "\"\(e.id)\":\($0)" } }.joined(separator: ",").utf8)
          rec.append(UInt8(ascii: "}"))
        }
        rec.append(contentsOf: "}\n".utf8)
        r.output = rec
        r.stats.outputBytes = Int64(rec.count)
      }
    } catch let e as InputError {
      r.messages.append("mend: " + e.description)
      r.stats.inputErrors += 1
    } catch {
      r.messages.append("mend: \(path): error: \(error)")
      r.stats.inputErrors += 1
    }
    return r
  }
}
