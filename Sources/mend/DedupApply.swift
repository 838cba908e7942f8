import ArgumentParser
import Foundation
import MendCore

/// `mend dedup-apply`: the last map step of cross-document dedup beyond one machine. The Spark job
/// (scripts/spark/mend_spark.py) counts, over the kept documents, how many contain each line that
/// `mend dedup-keys` listed, and sends every kept record back through this command prefixed with
/// the boilerplate lines to remove from it; the lines are removed exactly as `mend dedup` removes
/// them on one machine.
struct DedupApply: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dedup-apply",
    abstract: "Remove given boilerplate lines from JSONL records (the apply step of scripts/spark/mend_spark.py).",
    discussion: """
      Every input line is DIRECTIVE<TAB>RECORD. DIRECTIVE is empty or a JSON object \
      {"HASH":ID,...}: the boilerplate hashes (as `mend dedup-keys` prints them in `lines`) of \
      lines to remove from this record, each with the id of the first document that has the line, \
      and optionally "id":ID, the name of this record in R lines (the Spark job passes the name \
      `mend dedup-keys` gave it, FILE:LINE for a record without an id field). \
      Every input line gives one output line K<TAB>RECORD (the record with those lines removed from \
      its --field strings, or unchanged), followed by one line R<TAB>{"id":...,"duplicate_of":..., \
      "kind":"boilerplate","field":...,"text":...} per removed line. A line without a TAB or with a \
      malformed DIRECTIVE is reported on stderr as <stdin>:LINE:COL and passed through unchanged \
      (exit 65 at the end); a malformed RECORD is passed through unchanged.
      """)

  @OptionGroup var fingerprint: DedupFingerprintOptions

  func run() throws {
    let config = try fingerprint.config()
    let fields = fingerprint.fields
    let idField = fingerprint.idField
    let out: OutputFile
    let reader: LineBatchReader
    do {
      out = try OutputFile(path: nil)
      reader = try LineBatchReader(path: "-", batchBytes: 1 << 20)
    } catch let e as InputError { throw fail(e.description, code: Exit.io) }
    var errors = 0
    while true {
      let batch: LineBatchReader.Batch
      do {
        guard let b = try reader.next() else { break }
        batch = b
      } catch let e as InputError { throw fail(e.description, code: Exit.io) }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(batch.bytes.count + batch.bytes.count / 8)
      DedupCommand.forEachLine(batch) { line, lineNo in
        if let message = Self.apply(line, fields: fields, idField: idField, minLength: config.boilerplateMinLength, lineNo: lineNo, into: &bytes) {
          Stderr.print(message)
          errors += 1
        }
      }
      do { try out.write(bytes) } catch let e as InputError { throw fail(e.description, code: Exit.io) }
    }
    do { try out.commit() } catch let e as InputError { throw fail(e.description, code: Exit.io) }
    if errors > 0 { throw ExitCode(Exit.input) }
  }

  /// Apply one DIRECTIVE<TAB>RECORD line; returns an error message for a malformed directive.
  static func apply(
    _ line: UnsafeBufferPointer<UInt8>, fields: [String], idField: String, minLength: Int, lineNo: Int, into out: inout [UInt8]
  ) -> String? {
    out.append(contentsOf: "K\t".utf8)
    guard let tab = line.firstIndex(of: 0x09) else {
      out.append(contentsOf: line)
      out.append(0x0A)
      return "<stdin>:\(lineNo):1: error: dedup-apply expects DIRECTIVE<TAB>RECORD; line passed through"
    }
    let record = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
    if tab == 0 {
      out.append(contentsOf: record)
      out.append(0x0A)
      return nil
    }
    var drop: [UInt64: [UInt8]] = [:]
    var givenId: [UInt8]? = nil
    let directive = UnsafeBufferPointer(rebasing: line[..<tab])
    var ds = JSONLineScanner(directive)
    do {
      for m in try ds.scanRecord().members {
        if m.key == "id" {
          givenId = Array(directive[m.value])
          continue
        }
        guard let h = UInt64(m.key, radix: 16) else {
          throw JSONSyntaxError(offset: m.value.lowerBound, message: "'\(m.key)' is not a hexadecimal line hash")
        }
        drop[h] = Array(directive[m.value])
      }
    } catch {
      out.append(contentsOf: record)
      out.append(0x0A)
      let e = error as? JSONSyntaxError
      return "<stdin>:\(lineNo):\((e?.offset ?? 0) + 1): error: malformed dedup-apply directive: \(e?.message ?? "\(error)"); line passed through"
    }
    var rs = JSONLineScanner(record)
    guard let scanned = try? rs.scanRecord() else {
      out.append(contentsOf: record)
      out.append(0x0A)
      return nil
    }
    var splice = Splice()
    var removed: [UInt8] = []
    let id = givenId ?? DedupCommand.idBytes(record, scanned.members, idField: idField, path: "<stdin>", lineNo: lineNo)
    _ = DedupCommand.dropLines(record, scanned.members, fields: fields, minLength: minLength, id: id, splice: &splice, removed: &removed) { drop[$0] }
    if splice.edits.isEmpty { out.append(contentsOf: record) } else { splice.apply(to: record, into: &out) }
    out.append(0x0A)
    // One R<TAB> line per side-file record.
    var start = 0
    while start < removed.count {
      var end = start
      while removed[end] != 0x0A { end += 1 }
      out.append(contentsOf: "R\t".utf8)
      out.append(contentsOf: removed[start...end])
      start = end + 1
    }
    return nil
  }
}
