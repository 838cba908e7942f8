import ArgumentParser
import Foundation
import MendCore

/// `mend dedup-keys`: the map step of cross-document dedup beyond one machine. For every input
/// line it writes exactly one output line (so a Spark job can zip the two): the record's id, its
/// exact-duplicate hash, its MinHash signature and its LSH band keys, computed with the rules
/// file's `dedup:` settings — the same fingerprints `mend dedup` decides on. Deciding (keep-first
/// over the band collisions) is the reduce step; `scripts/spark/mend_spark.py` does it.
struct DedupKeys: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dedup-keys",
    abstract: "Print each JSONL record's dedup fingerprint (exact hash, MinHash signature, LSH band keys).",
    discussion: """
      One output line per input line, in input order: \
      {"id":ID,"exact":HEX|null,"sig":HEX|null,"bands":[HEX,...],"threshold":T,"lines":[HEX,...],\
      "min_docs":N} for a record (`lines`: the hashes of its lines that may be boilerplate, and \
      `min_docs`: in how many kept documents a line must occur to be boilerplate; both only when \
      boilerplate removal is on), \
      {"skip":"blank"} for a blank line and {"skip":"malformed"} for a line that is not a JSON \
      object (also reported on stderr as FILE:LINE:COL). `exact` is null for a record without \
      words; `sig` and `bands` are null/empty when near-duplicate detection is off. Exit 0 even \
      when lines are malformed (they are marked, nothing is lost); 74 on I/O errors, 78 on a \
      rules error. This is the map step of scripts/spark/mend_spark.py, which feeds each \
      partition on stdin with --source and --first-line, so that records without an id are named \
      SOURCE:LINE and malformed lines are reported at their place in the original file.
      """)

  @OptionGroup var fingerprint: DedupFingerprintOptions

  @Option(name: .shortAndLong, help: "Worker threads (default: the number of cores).")
  var jobs: Int = OrderedPool<Int, Int>.defaultJobs

  @Option(name: .long, help: "The name stdin's lines come from (default '<stdin>'): in ids of records without one, and in messages.")
  var source: String?

  @Option(name: .long, help: "The line number, in --source, of stdin's first line (default 1).")
  var firstLine: Int = 1

  @Argument(help: "JSONL files (.jsonl or .jsonl.gz); '-' or nothing reads stdin.")
  var inputs: [String] = []

  func validate() throws {
    if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if firstLine < 1 { throw ValidationError("--first-line must be at least 1") }
    if source != nil || firstLine != 1, !(inputs.isEmpty || inputs == ["-"]) {
      throw ValidationError("--source and --first-line name stdin; they cannot be used with input files")
    }
  }

  func run() throws {
    let config = try fingerprint.config()
    let fields = fingerprint.fields
    let files = inputs.isEmpty ? ["-"] : inputs
    let hasher = MinHasher(config)
    let index = DedupIndex(config)
    let idField = fingerprint.idField
    let stdinName = source ?? "<stdin>"
    let lineOffset = firstLine - 1
    let out: OutputFile
    do { out = try OutputFile(path: nil) } catch let e as InputError { throw fail(e.description, code: Exit.io) }
    let pool = OrderedPool<(String, LineBatchReader.Batch), ([UInt8], [String])>(
      jobs: jobs, makeState: { () },
      work: { _, item in
        let stdin = item.0 == "-"
        return Self.keysBatch(
          item.1, path: stdin ? stdinName : item.0, lineOffset: stdin ? lineOffset : 0, fields: fields, idField: idField,
          hasher: hasher, index: index)
      })
    var ioError: InputError? = nil
    for path in files {
      let reader: LineBatchReader
      do { reader = try LineBatchReader(path: path, batchBytes: 1 << 20) } catch let e as InputError {
        throw fail(e.description, code: Exit.io)
      }
      let batches = AnySequence {
        AnyIterator { () -> (String, LineBatchReader.Batch)? in
          do {
            if let b = try reader.next() { return (path, b) }
          } catch let e as InputError { ioError = ioError ?? e } catch {}
          return nil
        }
      }
      pool.run(batches) { r in
        for m in r.1 { Stderr.print(m) }
        do { try out.write(r.0) } catch let e as InputError { ioError = ioError ?? e } catch {}
      }
      if let e = ioError { throw fail(e.description, code: Exit.io) }
    }
  }

  static func keysBatch(
    _ batch: LineBatchReader.Batch, path: String, lineOffset: Int = 0, fields: [String], idField: String, hasher: MinHasher,
    index: DedupIndex
  ) -> ([UInt8], [String]) {
    var out: [UInt8] = []
    var messages: [String] = []
    let threshold = Array(String(hasher.config.threshold).utf8)
    DedupCommand.forEachLine(batch) { line, batchLineNo in
      let lineNo = batchLineNo + lineOffset
      if DedupCommand.isBlank(line) {
        out.append(contentsOf: #"{"skip":"blank"}"#.utf8)
        out.append(0x0A)
        return
      }
      guard let members = DedupCommand.scanRecord(line, path: path, lineNo: lineNo, messages: &messages) else {
        out.append(contentsOf: #"{"skip":"malformed"}"#.utf8)
        out.append(0x0A)
        return
      }
      let texts = DedupCommand.texts(line, members, fields: fields).map(\.1)
      let fp = hasher.fingerprint(texts)
      out.append(contentsOf: #"{"id":"#.utf8)
      out.append(contentsOf: DedupCommand.idBytes(line, members, idField: idField, path: path, lineNo: lineNo))
      out.append(contentsOf: #","exact":"#.utf8)
      if let e = fp.exact {
        out.append(0x22)
        hex(e.a, into: &out)
        hex(e.b, into: &out)
        out.append(0x22)
      } else {
        out.append(contentsOf: "null".utf8)
      }
      out.append(contentsOf: #","sig":"#.utf8)
      let keys = index.bandKeys(fp.signature)
      if fp.signature.isEmpty {
        out.append(contentsOf: "null".utf8)
      } else {
        out.append(0x22)
        for v in fp.signature { hex32(v, into: &out) }
        out.append(0x22)
      }
      out.append(contentsOf: #","bands":["#.utf8)
      for (k, key) in keys.enumerated() {
        if k > 0 { out.append(0x2C) }
        out.append(0x22)
        hex(key, into: &out)
        out.append(0x22)
      }
      out.append(contentsOf: #"],"threshold":"#.utf8)
      out.append(contentsOf: threshold)
      if hasher.config.boilerplate {
        out.append(contentsOf: #","lines":["#.utf8)
        for (k, h) in fp.lineHashes.enumerated() {
          if k > 0 { out.append(0x2C) }
          out.append(0x22)
          hex(h, into: &out)
          out.append(0x22)
        }
        out.append(contentsOf: #"],"min_docs":\#(hasher.config.boilerplateMinDocs)"#.utf8)
      }
      out.append(contentsOf: "}\n".utf8)
    }
    return (out, messages)
  }

  static let digits = Array("0123456789abcdef".utf8)

  static func hex(_ v: UInt64, into out: inout [UInt8]) {
    for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((v >> UInt64(shift)) & 0xF)]) }
  }

  static func hex32(_ v: UInt32, into out: inout [UInt8]) {
    for shift in stride(from: 28, through: 0, by: -4) { out.append(digits[Int((v >> UInt32(shift)) & 0xF)]) }
  }
}
