import CZlib
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a file (gzip or plain, detected by its bytes) or stdin in batches of whole lines.
final class LineBatchReader {
  let path: String
  private let handle: UnsafeMutableRawPointer
  private var carry: [UInt8] = []
  private var eof = false
  private var nextLine = 1
  let batchBytes: Int

  struct Batch {
    var bytes: [UInt8]
    /// 1-based line number of the first line in the batch.
    var firstLine: Int
  }

  init(path: String, batchBytes: Int) throws {
    self.path = path
    self.batchBytes = max(1024, batchBytes)
    let h: UnsafeMutableRawPointer?
    if path == "-" {
      h = mend_gz_dopen_read(dup(0))
    } else {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue {
        throw InputError(path: path, message: "is a directory")
      }
      h = mend_gz_open_read(path)
    }
    guard let h else { throw InputError(path: path, message: "cannot open file: \(String(cString: strerror(errno)))") }
    handle = h
  }

  private let chunkSize = 1 << 20
  private let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)

  deinit {
    mend_gz_close(handle)
    chunk.deallocate()
  }

  /// Compressed bytes consumed so far (the file's own size at the end).
  var rawOffset: Int64 { max(0, mend_gz_raw_offset(handle)) }

  /// The next batch of whole lines (the last line may lack its newline), or nil at the end.
  func next() throws -> Batch? {
    // The common case reads straight into the batch's own storage (no copy through `chunk`):
    // until the batch holds `batchBytes` and a newline is found past the carried bytes, or the
    // input ends, or the storage is full (a line longer than a chunk: the loop below goes on).
    let capacity = max(batchBytes, carry.count) + chunkSize
    var readError: Int32 = 0
    var buf = [UInt8](unsafeUninitializedCapacity: capacity) { b, count in
      let base = b.baseAddress!
      carry.withUnsafeBufferPointer { c in
        if let cb = c.baseAddress, c.count > 0 { base.update(from: cb, count: c.count) }
      }
      count = carry.count
      while !eof && count < batchBytes {
        let want = min(chunkSize, max(1 << 16, batchBytes - count), capacity - count)
        let n = mend_gz_read(handle, base + count, UInt32(want))
        if n < 0 {
          readError = -1
          return
        }
        if n == 0 {
          eof = true
          if mend_gz_error(handle) != nil { readError = 1 }
          return
        }
        count += Int(n)
      }
    }
    if readError < 0 {
      let msg = mend_gz_error(handle).map { String(cString: $0) } ?? "read error"
      throw InputError(path: path, message: "cannot read (\(msg)) after line \(nextLine)")
    }
    if readError > 0, let msg = mend_gz_error(handle).map({ String(cString: $0) }) {
      throw InputError(path: path, message: "truncated or corrupt gzip data (\(msg)) after line \(nextLine)")
    }
    carry = []
    var searchFrom = 0
    var lastNL = -1
    while true {
      // Find the last newline if we have enough bytes.
      if buf.count >= batchBytes || eof {
        if buf.count > searchFrom {
          let from = searchFrom
          let k = buf.withUnsafeBufferPointer { b -> Int in
            var k = b.count - 1
            while k >= from && b[k] != 0x0A { k -= 1 }
            return k >= from ? k : -1
          }
          if k >= 0 { lastNL = k }
        }
        if lastNL >= 0 || eof { break }
        searchFrom = buf.count
      }
      let want = min(chunkSize, max(1 << 16, batchBytes - buf.count))
      let n = mend_gz_read(handle, chunk, UInt32(want))
      if n < 0 {
        let msg = mend_gz_error(handle).map { String(cString: $0) } ?? "read error"
        throw InputError(path: path, message: "cannot read (\(msg)) after line \(nextLine)")
      }
      buf.append(contentsOf: UnsafeBufferPointer(start: chunk, count: Int(n)))
      if n == 0 {
        eof = true
        if let msg = mend_gz_error(handle).map({ String(cString: $0) }) {
          throw InputError(path: path, message: "truncated or corrupt gzip data (\(msg)) after line \(nextLine)")
        }
      }
    }
    if buf.isEmpty { return nil }
    if lastNL >= 0 && lastNL + 1 < buf.count {
      carry = Array(buf[(lastNL + 1)...])
      buf.removeLast(buf.count - lastNL - 1)
    }
    let first = nextLine
    var lines = buf.withUnsafeBufferPointer { Self.countNewlines($0) }
    if buf.last != 0x0A { lines += 1 }
    nextLine += lines
    return Batch(bytes: buf, firstLine: first)
  }
}

extension LineBatchReader {
  /// Line feeds in a buffer, eight bytes at a time.
  static func countNewlines(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = b.baseAddress else { return 0 }
    var count = 0
    var p = UnsafeRawPointer(base)
    let end = UnsafeRawPointer(base + b.count)
    while p < end, let hit = memchr(p, 0x0A, p.distance(to: end)) {
      count += 1
      p = UnsafeRawPointer(hit) + 1
    }
    return count
  }
}

/// Where corpus output goes: a file (written to a temporary beside it and renamed at the end,
/// keeping an existing file's mode), a device or pipe (`/dev/null`, a FIFO: written directly —
/// renaming over it would replace the device node with a file), or stdout.
final class OutputFile {
  let path: String?
  let gzip: Bool
  private let fd: Int32
  private var tmp: String?
  /// The temporary file's slot in `TempFiles` (removed on SIGINT, SIGTERM, SIGHUP).
  private var tempSlot: Int?
  /// Written straight to `path` (a device, FIFO or socket); closed by `commit` or `abandon`.
  private var direct = false
  private(set) var bytesWritten: Int64 = 0

  /// Whether `path` exists and is not a regular file (or a link to one): such a target is written
  /// in place, never replaced by a rename.
  static func isSpecial(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG
  }

  init(path: String?) throws {
    self.path = path
    if let path, path != "-" {
      gzip = path.hasSuffix(".gz")
      if Self.isSpecial(path) {
        let f = open(path, O_WRONLY)
        guard f >= 0 else { throw InputError(path: path, message: "cannot open output: \(String(cString: strerror(errno)))") }
        fd = f
        direct = true
        return
      }
      var st = stat()
      let mode = stat(path, &st) == 0 ? st.st_mode & 0o7777 : 0o644
      let dir = (path as NSString).deletingLastPathComponent
      var template = Array(((dir.isEmpty ? "." : dir) + "/." + (path as NSString).lastPathComponent + ".mend-XXXXXX").utf8CString)
      let f = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
      guard f >= 0 else { throw InputError(path: path, message: "cannot create output: \(String(cString: strerror(errno)))") }
      fchmod(f, mode)
      fd = f
      tmp = String(cString: template)
      tempSlot = TempFiles.remember(tmp!)
    } else {
      gzip = false
      fd = 1
    }
  }

  func write(_ bytes: [UInt8]) throws {
    guard !bytes.isEmpty else { return }
    try bytes.withUnsafeBytes { p in
      var off = 0
      while off < p.count {
        let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
        if n <= 0 {
          if n < 0 && errno == EINTR { continue }
          throw InputError(path: path ?? "<stdout>", message: "write failed: \(String(cString: strerror(errno)))")
        }
        off += n
      }
    }
    bytesWritten += Int64(bytes.count)
  }

  /// Finish: rename the temporary over the target.
  func commit() throws {
    if direct {
      if gzip && bytesWritten == 0 { try write(Gzip.member([], level: 6)) }
      close(fd)
      direct = false
      return
    }
    guard let tmp, let path else { return }
    if gzip && bytesWritten == 0 {
      // An empty corpus still makes a valid (empty) gzip file.
      try write(Gzip.member([], level: 6))
    }
    fsync(fd)
    close(fd)
    guard rename(tmp, path) == 0 else {
      throw InputError(path: path, message: "rename failed: \(String(cString: strerror(errno)))")
    }
    TempFiles.forget(tempSlot)
    tempSlot = nil
    self.tmp = nil
  }

  /// Give up: remove the temporary.
  func abandon() {
    if direct {
      close(fd)
      direct = false
    }
    if let tmp {
      close(fd)
      unlink(tmp)
      TempFiles.forget(tempSlot)
      tempSlot = nil
      self.tmp = nil
    }
  }

  deinit { abandon() }
}

enum Gzip {
  /// One complete gzip member (members concatenate into a valid .gz, as pigz writes).
  static func member(_ bytes: [UInt8], level: Int32) -> [UInt8] {
    let cap = mend_gzip_bound(bytes.count)
    var out = [UInt8](repeating: 0, count: cap)
    let n = bytes.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        mend_gzip_member(src.baseAddress, src.count, dst.baseAddress, cap, level)
      }
    }
    precondition(n > 0, "zlib failed to compress a batch")
    out.removeLast(cap - n)
    return out
  }
}

/// Expand the command line's inputs: files, directories (walked, sorted) and globs.
enum InputExpander {
  static func expand(_ args: [String], include: [String], exclude: [String]) throws -> [String] {
    if args.isEmpty { return ["-"] }
    var out: [String] = []
    let fm = FileManager.default
    for a in args {
      if a == "-" {
        out.append(a)
        continue
      }
      var isDir: ObjCBool = false
      if fm.fileExists(atPath: a, isDirectory: &isDir) {
        if isDir.boolValue { out += walk(a, include: include, exclude: exclude) } else { out.append(a) }
        continue
      }
      if a.contains(where: { "*?[".contains($0) }) {
        var g = glob_t()
        defer { globfree(&g) }
        let r = Glibc.glob(a, 0, nil, &g)
        if r == 0 {
          var matches: [String] = []
          for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { matches.append(String(cString: p)) }
          }
          for m in matches.sorted() {
            if fm.fileExists(atPath: m, isDirectory: &isDir), isDir.boolValue {
              out += walk(m, include: include, exclude: exclude)
            } else {
              out.append(m)
            }
          }
          continue
        }
        throw InputError(path: a, message: "no file matches this pattern")
      }
      throw InputError(path: a, message: "no such file or directory")
    }
    return out
  }

  static func walk(_ root: String, include: [String], exclude: [String]) -> [String] {
    var files: [String] = []
    let fm = FileManager.default
    guard let it = fm.enumerator(atPath: root) else { return [] }
    while let rel = it.nextObject() as? String {
      let name = (rel as NSString).lastPathComponent
      let full = root.hasSuffix("/") ? root + rel : root + "/" + rel
      var isDir: ObjCBool = false
      fm.fileExists(atPath: full, isDirectory: &isDir)
      if name.hasPrefix(".") || exclude.contains(where: { fnmatch($0, rel, 0) == 0 || fnmatch($0, name, 0) == 0 }) {
        if isDir.boolValue { it.skipDescendants() }
        continue
      }
      if isDir.boolValue { continue }
      if !include.isEmpty && !include.contains(where: { fnmatch($0, rel, 0) == 0 || fnmatch($0, name, 0) == 0 }) { continue }
      // A walk repairs the files in the tree: a symbolic link (to a file anywhere, maybe one the
      // walk reaches anyway) is not followed, and a FIFO, socket or device is no text file (a
      // FIFO would block the read). Named on the command line, a link is followed.
      var st = stat()
      if lstat(full, &st) == 0 {
        let kind = st.st_mode & S_IFMT
        if kind == S_IFLNK {
          Stderr.print("mend: \(full): skipped: symbolic link (name it to repair the file it points to)")
          continue
        }
        if kind != S_IFREG {
          Stderr.print("mend: \(full): skipped: not a regular file")
          continue
        }
      }
      files.append(full)
    }
    return files.sorted()
  }

  static func isJSONL(_ path: String) -> Bool {
    let p = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
    return path == "-" || p.hasSuffix(".jsonl") || p.hasSuffix(".ndjson") || p.hasSuffix(".json")
  }

  static func fileSize(_ path: String) -> Int64 {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : 0
  }
}

/// A one-line progress display on stderr, only when stderr is a terminal.
final class Progress {
  let enabled: Bool
  let totalBytes: Int64
  let start = Date()
  private var last = Date.distantPast
  var documents = 0
  var inputBytes: Int64 = 0

  init(enabled: Bool?, totalBytes: Int64) {
    self.enabled = enabled ?? (isatty(2) != 0)
    self.totalBytes = totalBytes
  }

  func update(rawDone: Int64, force: Bool = false) {
    guard enabled else { return }
    let now = Date()
    guard force || now.timeIntervalSince(last) >= 0.25 else { return }
    last = now
    let secs = max(0.001, now.timeIntervalSince(start))
    let mb = Double(inputBytes) / 1e6
    var line = String(format: "\r%@ docs  %.1f MB  %.1f MB/s", Self.group(documents), mb, mb / secs)
    if totalBytes > 0 && rawDone > 0 {
      let frac = min(1, Double(rawDone) / Double(totalBytes))
      let eta = frac > 0 ? secs * (1 - frac) / frac : 0
      let width = 24
      let filled = Int(frac * Double(width))
      line += "  [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
      line += String(format: " %3.0f%%  ETA %d:%02d", frac * 100, Int(eta) / 60, Int(eta) % 60)
    }
    FileHandle.standardError.write((line + "\u{1B}[K").data(using: .utf8)!)
  }

  func finish() {
    guard enabled else { return }
    FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
  }

  static func group(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, ch) in s.enumerated() {
      if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return out
  }
}
