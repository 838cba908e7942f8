import ArgumentParser
import Foundation
import MendCore

#if canImport(Glibc)
  import Glibc
#endif

/// `mend dedup`: remove exact and near-duplicate documents and boilerplate lines from a JSONL
/// corpus, keep-first, deterministically (the same output for any --jobs).
struct DedupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dedup",
    abstract: "Remove duplicate documents (exact and MinHash-LSH near-duplicates) and boilerplate lines from JSONL.",
    discussion: """
      Two passes over the input: the first fingerprints every record in parallel and decides, in \
      input order, which are duplicates (keep-first) and which lines recur in at least \
      boilerplate_min_docs kept documents; the second writes the kept records (boilerplate lines \
      removed from all but the first document that has them) and sends every removed document or \
      line to --removed with the id of the document it duplicates. Settings: the `dedup:` section \
      of the rules file (num_perm, bands, ngram, threshold, ...). stdin is spooled to a temporary file.
      """)

  @Argument(help: "JSONL files (.jsonl or .jsonl.gz), directories or globs; '-' or nothing reads stdin.")
  var inputs: [String] = []

  @OptionGroup var fingerprint: DedupFingerprintOptions

  @Option(name: .shortAndLong, help: "Output file for kept records ('.gz' compresses); default stdout.")
  var output: String?

  @Option(name: .long, help: "Side file for removed documents and lines ('.gz' compresses), each with the id it duplicates.")
  var removed: String

  @Option(name: .shortAndLong, help: "Worker threads (default: the number of cores).")
  var jobs: Int = OrderedPool<Int, Int>.defaultJobs

  @Option(name: .long, help: "Bytes of input per batch.")
  var batchBytes: Int = 1 << 20

  @Flag(name: .long, help: "Leave malformed JSONL lines out of the output (still reported).")
  var skipMalformed = false

  @Option(name: .long, help: "Summary format: text or json.")
  var format: OutputFormat = .text

  @Option(name: .long, help: "Write the summary to this file instead of stderr.")
  var summary: String?

  @Flag(name: .long, inversion: .prefixedNo, help: "Show a progress bar on stderr (default: only when stderr is a terminal).")
  var progress: Bool?

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if batchBytes < 1024 { throw ValidationError("--batch-bytes must be at least 1024") }
  }

  struct Pass1Record {
    var isDoc: Bool
    var id: [UInt8]
    var fp: DocFingerprint
  }

  struct Pass1Result {
    var records: [Pass1Record] = []
    var messages: [String] = []
    var stats = CorpusStats()
  }

  /// Pass-1 decisions, read by the pass-2 workers.
  final class Decisions: @unchecked Sendable {
    var dupOf: [Int32] = []
    var kind: [UInt8] = []  // 0 keep, 1 exact, 2 near
    var similarity: [Float] = []
    var ids: [[UInt8]] = []
    var boilerplate: [UInt64: Int] = [:]
  }

  func run() throws {
    let config = try fingerprint.config()
    let fields = fingerprint.fields
    var files: [String]
    do { files = try InputExpander.expand(inputs, include: [], exclude: []) } catch let e as InputError {
      throw fail(e.description, code: Exit.input)
    }
    var spool: String? = nil
    var spoolSlot: Int? = nil
    defer {
      if let spool { unlink(spool) }
      TempFiles.forget(spoolSlot)
    }
    if let i = files.firstIndex(of: "-") {
      var template = Array((NSTemporaryDirectory() + "/mend-dedup-stdin-XXXXXX").utf8CString)
      let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
      guard fd >= 0 else { throw fail("cannot create a temporary file for stdin", code: Exit.io) }
      let path = String(cString: template)
      spool = path
      spoolSlot = TempFiles.remember(path)
      var buf = [UInt8](repeating: 0, count: 1 << 20)
      while true {
        let n = buf.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress!, $0.count) }
        if n <= 0 { break }
        _ = buf.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, n) }
      }
      close(fd)
      files[i] = path
    }
    let display: (String) -> String = { $0 == spool ? "<stdin>" : $0 }
    let started = Date()
    let hasher = MinHasher(config)
    let idField = fingerprint.idField
    let skipMalformed = skipMalformed
    let total = files.reduce(Int64(0)) { $0 + InputExpander.fileSize($1) }
    let progress = Progress(enabled: self.progress, totalBytes: 2 * total)
    var stats = CorpusStats()
    let decisions = Decisions()

    // Pass 1: fingerprints in parallel, decisions in order.
    let index = DedupIndex(config, expectedDocuments: 0)
    var counter = BoilerplateCounter()
    var rawDone: Int64 = 0
    var inputErrors = 0
    func batches(_ onBatch: @escaping (Int, String, LineBatchReader.Batch) -> Void) -> AnySequence<(String, LineBatchReader.Batch)> {
      var fi = 0
      var reader: LineBatchReader? = nil
      var done: Int64 = 0
      var count = 0
      return AnySequence {
        AnyIterator {
          while fi < files.count {
            do {
              if reader == nil { reader = try LineBatchReader(path: files[fi], batchBytes: batchBytes) }
              if let b = try reader!.next() {
                rawDone = done + reader!.rawOffset
                onBatch(count, files[fi], b)
                count += 1
                return (files[fi], b)
              }
            } catch let e as InputError {
              Stderr.print("mend: " + e.description)
              inputErrors += 1
            } catch {}
            done += InputExpander.fileSize(files[fi])
            reader = nil
            fi += 1
          }
          return nil
        }
      }
    }

    let pool1 = OrderedPool<(String, LineBatchReader.Batch), Pass1Result>(
      jobs: jobs, makeState: { () },
      work: { _, item in
        Self.fingerprintBatch(item.1, path: display(item.0), fields: fields, idField: idField, hasher: hasher)
      })
    var ordinal = 0
    // Documents per batch: pass 2 reads the same batches (same reader, same sizes) and needs the
    // ordinal of each batch's first document before its worker starts.
    var batchDocuments: [Int] = []
    pool1.run(batches({ _, _, _ in })) { r in
      batchDocuments.append(r.records.count)
      for m in r.messages { Stderr.print(m) }
      stats.add(r.stats)
      for rec in r.records where rec.isDoc {
        let v = index.add(rec.fp)
        decisions.ids.append(rec.id)
        switch v {
        case .keep:
          decisions.dupOf.append(-1)
          decisions.kind.append(0)
          decisions.similarity.append(0)
          if config.boilerplate { counter.add(rec.fp.lineHashes, document: ordinal) }
        case .exact(let of):
          decisions.dupOf.append(Int32(of))
          decisions.kind.append(1)
          decisions.similarity.append(1)
          stats.duplicatesExact += 1
        case .near(let of, let sim):
          decisions.dupOf.append(Int32(of))
          decisions.kind.append(2)
          decisions.similarity.append(Float(sim))
          stats.duplicatesNear += 1
        }
        ordinal += 1
      }
      progress.documents = stats.documents
      progress.inputBytes = stats.inputBytes
      progress.update(rawDone: rawDone)
    }
    if config.boilerplate { decisions.boilerplate = counter.boilerplate(minDocs: config.boilerplateMinDocs) }
    counter = BoilerplateCounter()

    // Pass 2: write kept records (boilerplate removed) and the side file, in order.
    let out: OutputFile
    let side: OutputFile
    do {
      out = try OutputFile(path: output)
      side = try OutputFile(path: removed)
    } catch let e as InputError {
      throw fail(e.description, code: Exit.io)
    }
    let gzOut = out.gzip
    let gzSide = side.gzip
    let minLen = config.boilerplateMinLength
    let boilerplateOn = config.boilerplate && !decisions.boilerplate.isEmpty
    let pool2 = OrderedPool<(String, LineBatchReader.Batch, Int), ([UInt8], [UInt8], Int, Int64)>(
      jobs: jobs, makeState: { () },
      work: { _, item in
        var (kept, rem, lines) = Self.writeBatch(
          item.1, path: display(item.0), firstOrdinal: item.2, fields: fields, decisions: decisions,
          skipMalformed: skipMalformed, boilerplate: boilerplateOn, minLength: minLen)
        let outBytes = Int64(kept.count)
        if gzOut && !kept.isEmpty { kept = Gzip.member(kept, level: 6) }
        if gzSide && !rem.isEmpty { rem = Gzip.member(rem, level: 6) }
        return (kept, rem, lines, outBytes)
      })
    var nextOrdinal = 0
    var batchIndex = 0
    let pass2Items = batches({ _, _, _ in }).lazy.map { (path, batch) -> (String, LineBatchReader.Batch, Int) in
      let first = nextOrdinal
      nextOrdinal += batchIndex < batchDocuments.count ? batchDocuments[batchIndex] : 0
      batchIndex += 1
      return (path, batch, first)
    }
    var writeError: InputError? = nil
    let pass1Bytes = total
    pool2.run(pass2Items) { r in
      do {
        try out.write(r.0)
        try side.write(r.1)
      } catch let e as InputError { writeError = writeError ?? e } catch {}
      stats.boilerplateLines += r.2
      stats.outputBytes += r.3
      progress.update(rawDone: pass1Bytes + rawDone)
    }
    progress.finish()
    if let e = writeError {
      out.abandon()
      side.abandon()
      throw fail(e.description, code: Exit.io)
    }
    do {
      try out.commit()
      try side.commit()
    } catch let e as InputError { throw fail(e.description, code: Exit.io) }
    stats.inputErrors += inputErrors
    let seconds = Date().timeIntervalSince(started)
    let text = stats.render(format: format, command: "dedup", seconds: seconds, jobs: jobs, stageOrder: [])
    if let summary {
      try? (text + "\n").write(toFile: summary, atomically: !OutputFile.isSpecial(summary), encoding: .utf8)
    } else {
      Stderr.print(text)
    }
    if stats.inputErrors > 0 || stats.malformed > 0 { throw ExitCode(Exit.input) }
  }

  static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
  }

  static func forEachLine(_ batch: LineBatchReader.Batch, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
    batch.bytes.withUnsafeBufferPointer { all in
      var start = 0
      var lineNo = batch.firstLine
      while start < all.count {
        var end = start
        while end < all.count && all[end] != 0x0A { end += 1 }
        body(UnsafeBufferPointer(rebasing: all[start..<end]), lineNo)
        start = end + 1
        lineNo += 1
      }
    }
  }

  /// The texts of the compared fields (strings, and the strings of arrays).
  static func texts(_ line: UnsafeBufferPointer<UInt8>, _ members: [(key: String, value: Range<Int>)], fields: [String]) -> [(Range<Int>, String)] {
    var out: [(Range<Int>, String)] = []
    for f in fields {
      guard let m = members.first(where: { $0.key == f }) else { continue }
      let v = m.value
      var ranges: [Range<Int>] = []
      if line[v.lowerBound] == UInt8(ascii: "\"") {
        ranges = [v]
      } else if line[v.lowerBound] == UInt8(ascii: "[") {
        ranges = JSONLineScanner.arrayElements(line, v).filter { line[$0.lowerBound] == UInt8(ascii: "\"") }
      }
      for r in ranges {
        if let s = try? JSONString.decode(UnsafeBufferPointer(rebasing: line[r])) { out.append((r, s)) }
      }
    }
    return out
  }

  static func idBytes(_ line: UnsafeBufferPointer<UInt8>, _ members: [(key: String, value: Range<Int>)], idField: String, path: String, lineNo: Int) -> [UInt8] {
    if let m = members.first(where: { $0.key == idField }) {
      let c = line[m.value.lowerBound]
      if c == UInt8(ascii: "\"") || c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
        return Array(line[m.value])
      }
    }
    return JSONString.encoded("\(path):\(lineNo)")
  }

  /// The record's members; for a malformed line nil, with an error naming the file, line and
  /// column added to `messages`.
  static func scanRecord(
    _ line: UnsafeBufferPointer<UInt8>, path: String, lineNo: Int, messages: inout [String]
  ) -> [(key: String, value: Range<Int>)]? {
    var s = JSONLineScanner(line)
    do { return try s.scanRecord().members } catch {
      let e = error as? JSONSyntaxError
      messages.append("\(path):\(lineNo):\((e?.offset ?? 0) + 1): error: malformed JSONL record" + (e.map { ": " + $0.message } ?? ""))
      return nil
    }
  }

  static func fingerprintBatch(_ batch: LineBatchReader.Batch, path: String, fields: [String], idField: String, hasher: MinHasher) -> Pass1Result {
    var r = Pass1Result()
    forEachLine(batch) { line, lineNo in
      r.stats.inputBytes += Int64(line.count + 1)
      if isBlank(line) { return }
      guard let members = scanRecord(line, path: path, lineNo: lineNo, messages: &r.messages) else {
        r.stats.malformed += 1
        return
      }
      r.stats.documents += 1
      let texts = texts(line, members, fields: fields).map(\.1)
      r.records.append(
        Pass1Record(isDoc: true, id: idBytes(line, members, idField: idField, path: path, lineNo: lineNo), fp: hasher.fingerprint(texts)))
    }
    return r
  }

  static func writeBatch(
    _ batch: LineBatchReader.Batch, path: String, firstOrdinal: Int, fields: [String], decisions: Decisions,
    skipMalformed: Bool, boilerplate: Bool, minLength: Int
  ) -> ([UInt8], [UInt8], Int) {
    var kept: [UInt8] = []
    var removed: [UInt8] = []
    var removedLines = 0
    kept.reserveCapacity(batch.bytes.count)
    var ordinal = firstOrdinal
    let endsWithNL = batch.bytes.last == 0x0A
    var lastLineNo = batch.firstLine
    batch.bytes.withUnsafeBufferPointer { all in
      var n = 0
      for c in all where c == 0x0A { n += 1 }
      lastLineNo = batch.firstLine + n - (endsWithNL ? 1 : 0)
    }
    forEachLine(batch) { line, lineNo in
      let nl: [UInt8] = lineNo < lastLineNo || endsWithNL ? [0x0A] : []
      if isBlank(line) {
        kept.append(contentsOf: line)
        kept.append(contentsOf: nl)
        return
      }
      var s = JSONLineScanner(line)
      guard let scanned = try? s.scanRecord() else {
        if !skipMalformed {
          kept.append(contentsOf: line)
          kept.append(contentsOf: nl)
        }
        return
      }
      let me = ordinal
      ordinal += 1
      // (Only if the input changed between the passes: keep what pass 1 did not see.)
      guard me < decisions.dupOf.count else {
        kept.append(contentsOf: line)
        kept.append(contentsOf: nl)
        return
      }
      let dup = decisions.dupOf[me]
      if dup >= 0 {
        removed.append(contentsOf: "{\"id\":".utf8)
        removed.append(contentsOf: decisions.ids[me])
        removed.append(contentsOf: ",\"duplicate_of\":".utf8)
        removed.append(contentsOf: decisions.ids[Int(dup)])
        removed.append(contentsOf: (decisions.kind[me] == 1 ? ",\"kind\":\"exact\"" : ",\"kind\":\"near\"").utf8)
        removed.append(contentsOf: String(format: ",\"similarity\":%.3f,\"source\":", decisions.similarity[me]).utf8)
        JSONString.encode(path, into: &removed)
        removed.append(contentsOf: ",\"line\":\(lineNo),\"record\":".utf8)
        removed.append(contentsOf: line)
        removed.append(contentsOf: "}\n".utf8)
        return
      }
      var splice = Splice()
      if boilerplate {
        removedLines += dropLines(
          line, scanned.members, fields: fields, minLength: minLength, id: decisions.ids[me], splice: &splice, removed: &removed
        ) { h in
          guard let first = decisions.boilerplate[h], first != me else { return nil }
          return decisions.ids[first]
        }
      }
      if splice.edits.isEmpty { kept.append(contentsOf: line) } else { splice.apply(to: line, into: &kept) }
      kept.append(contentsOf: nl)
    }
    return (kept, removed, removedLines)
  }
}

extension DedupCommand {
  /// Remove from the record's string fields every line (trimmed length ≥ minLength) for which
  /// `duplicateOf` (given the line's boilerplate hash) names the id of the document it
  /// duplicates; the edits go to `splice`, one side-file record per removed line to `removed`.
  /// Returns the number of lines removed. Shared by `mend dedup` and `mend dedup-apply`.
  static func dropLines(
    _ line: UnsafeBufferPointer<UInt8>, _ members: [(key: String, value: Range<Int>)], fields: [String], minLength: Int,
    id: [UInt8], splice: inout Splice, removed: inout [UInt8], duplicateOf: (UInt64) -> [UInt8]?
  ) -> Int {
    var count = 0
    for f in fields {
      guard let m = members.first(where: { $0.key == f }), line[m.value.lowerBound] == UInt8(ascii: "\"") else { continue }
      guard let text = try? JSONString.decode(UnsafeBufferPointer(rebasing: line[m.value])) else { continue }
      var keptLines: [Substring] = []
      var dropped = false
      // Split at LF bytes, as the fingerprint's line hashes are (a CRLF pair is one Character,
      // so a String split at "\n" left a CRLF text one line); a line keeps its CR.
      for u in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
        let l = Substring(u)
        if BoilerplateCounter.trimmedLength(l) >= minLength, let of = duplicateOf(BoilerplateCounter.hash(line: l)) {
          dropped = true
          count += 1
          removed.append(contentsOf: "{\"id\":".utf8)
          removed.append(contentsOf: id)
          removed.append(contentsOf: ",\"duplicate_of\":".utf8)
          removed.append(contentsOf: of)
          removed.append(contentsOf: ",\"kind\":\"boilerplate\",\"field\":".utf8)
          JSONString.encode(f, into: &removed)
          removed.append(contentsOf: ",\"text\":".utf8)
          JSONString.encode(String(l), into: &removed)
          removed.append(contentsOf: "}\n".utf8)
        } else {
          keptLines.append(l)
        }
      }
      if dropped { splice.edits.append((m.value, JSONString.encoded(keptLines.joined(separator: "\n")))) }
    }
    return count
  }
}

/// What `dedup` and `dedup-keys` fingerprint: the rules' `dedup:` settings, the compared fields,
/// the id field.
struct DedupFingerprintOptions: ParsableArguments {
  @Option(name: .long, help: "A rules file whose `dedup:` section sets the parameters.")
  var rules: String?

  @Option(name: .long, help: "The text field(s) compared (repeatable; a string or an array of strings).")
  var field: [String] = []

  @Option(name: .long, help: "The field that identifies a record (default 'id'; records without it are named FILE:LINE).")
  var idField: String = "id"

  /// The compared fields (`text` when none is given).
  var fields: [String] { field.isEmpty ? ["text"] : field }

  /// The `dedup:` section of the rules (exit 78 on a rules error).
  func config() throws -> DedupConfig {
    do { return try RulesLocator.load(userRules: rules).dedup } catch let e as RulesError {
      throw fail(e.description, code: Exit.rules)
    }
  }
}
