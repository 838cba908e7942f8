import Foundation
import MendCore

#if canImport(Glibc)
  import Glibc
#endif

enum Stderr {
  static func print(_ s: String) {
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
  }
}

/// Buffered stdout that writes bytes straight through.
final class Stdout {
  static let shared = Stdout()
  private var buffer: [UInt8] = []

  func write(_ s: String) {
    buffer.append(contentsOf: s.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  func writeBytes(_ b: UnsafeBufferPointer<UInt8>) {
    buffer.append(contentsOf: b)
    if buffer.count >= 1 << 16 { flush() }
  }

  func flush() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBytes { p in
      var off = 0
      while off < p.count {
        let n = Glibc.write(1, p.baseAddress! + off, p.count - off)
        if n <= 0 { break }
        off += n
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

/// An input problem: the file and position, and what is wrong.
struct InputError: Error, CustomStringConvertible {
  let path: String
  let message: String
  var description: String { "\(path): error: \(message)" }
}

enum InputReader {
  /// Read a whole file (or stdin for "-") with read(2) into one array.
  static func readBytes(_ path: String) throws -> [UInt8] {
    let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
    guard fd >= 0 else {
      throw InputError(path: path, message: "cannot open file: \(String(cString: strerror(errno)))")
    }
    defer { if fd != 0 { close(fd) } }
    var st = stat()
    var capacity = 1 << 16
    if fstat(fd, &st) == 0 {
      if (st.st_mode & S_IFMT) == S_IFDIR { throw InputError(path: path, message: "is a directory") }
      if st.st_size > 0 { capacity = Int(st.st_size) + 1 }
    }
    // Read into uninitialised storage (a regular file: one array of its size + 1, no zero fill);
    // when it fills up (stdin, a growing file), a twice larger one takes the bytes read so far.
    var bytes: [UInt8] = []
    var done = false
    while !done {
      let old = bytes
      bytes = try [UInt8](unsafeUninitializedCapacity: max(capacity, 2 * old.count)) { b, count in
        let base = b.baseAddress!
        old.withUnsafeBufferPointer { o in
          if let ob = o.baseAddress, o.count > 0 { base.update(from: ob, count: o.count) }
        }
        count = old.count
        while count < b.count {
          let n = read(fd, base + count, b.count - count)
          if n < 0 {
            if errno == EINTR { continue }
            throw InputError(path: path, message: "cannot read file: \(String(cString: strerror(errno)))")
          }
          if n == 0 {
            done = true
            return
          }
          count += n
        }
      }
    }
    return bytes
  }

  /// Whether the bytes are valid UTF-8 (what `String(validating:)` accepts), without building a
  /// String: plain ASCII sixteen bytes at a time, every other sequence by `UTF8Check`.
  static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = b.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    let n = b.count
    let high = SWAR.splat16(0x80)
    var i = 0
    while i < n {
      while i + 16 <= n {
        let w = unsafeBitCast(raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .>= high, to: SIMD2<UInt64>.self)
        if w[0] | w[1] != 0 { break }
        i += 16
      }
      guard i < n else { break }
      if b[i] < 0x80 {
        i += 1
        continue
      }
      let len = UTF8Check.sequenceLength(b, i)
      if len == 0 { return false }
      i += len
    }
    return true
  }

  /// Offset of the first NUL byte within the first 8 KiB, the usual test for a binary file.
  static func binaryOffset(_ bytes: [UInt8]) -> Int? {
    let n = min(bytes.count, 8192)
    for i in 0..<n where bytes[i] == 0 { return i }
    return nil
  }

  /// Decode strictly, or with `lossy` replace bad bytes with U+FFFD and report each.
  static func decode(_ bytes: [UInt8], path: String, lossy: Bool) throws -> (String, [Change]) {
    // One validating pass in the common case; the offset of a bad byte is looked for only then.
    if let s = String(validating: bytes, as: UTF8.self) { return (s, []) }
    if let bad = firstInvalidUTF8(bytes) {
      if !lossy {
        let (line, col) = lineColumn(bytes, bad)
        throw InputError(
          path: path,
          message: "invalid UTF-8 at byte offset \(bad) (line \(line), column \(col)); the file was not changed (use --lossy to replace invalid bytes with U+FFFD)"
            + legacyEncodingHint(bytes))
      }
      var changes: [Change] = []
      var off = 0
      var out = [UInt8]()
      out.reserveCapacity(bytes.count)
      while off < bytes.count {
        let len = bytes.withUnsafeBufferPointer { UTF8Check.sequenceLength($0, off) }
        if len > 0 {
          out.append(contentsOf: bytes[off..<(off + len)])
          off += len
        } else {
          let (line, col) = lineColumn(bytes, off)
          changes.append(
            Change(
              stage: "decode", rule: "lossy", line: line, column: col,
              before: String(format: "\\x%02X", bytes[off]), after: "\u{FFFD}",
              reason: "invalid UTF-8 byte at offset \(off) replaced"))
          out.append(contentsOf: [0xEF, 0xBF, 0xBD])
          off += 1
        }
      }
      return (String(decoding: out, as: UTF8.self), changes)
    }
    return (String(decoding: bytes, as: UTF8.self), [])
  }

  /// A hint when a file that is not UTF-8 reads as Windows-1252 text (a scraped page saved in
  /// its legacy encoding: `caf\xE9`, `company\x92s`): no byte above 0x7F starts a valid UTF-8
  /// sequence, and each is a character in Windows-1252 (0x81, 0x8D, 0x8F, 0x90 and 0x9D are
  /// not). Then `--lossy` would destroy every such letter, and converting first keeps them.
  static func legacyEncodingHint(_ bytes: [UInt8]) -> String {
    var high = 0
    var off = 0
    let n = bytes.count
    let result: Bool = bytes.withUnsafeBufferPointer { buf in
      while off < n {
        let b = buf[off]
        if b < 0x80 {
          off += 1
          continue
        }
        if UTF8Check.sequenceLength(buf, off) > 1 { return false }
        if b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D { return false }
        high += 1
        off += 1
      }
      return high > 0
    }
    return result
      ? "; it reads as Windows-1252 (no byte above 0x7F is UTF-8): convert it first, e.g. iconv -f windows-1252 -t utf-8"
      : ""
  }

  static func lineColumn(_ bytes: [UInt8], _ offset: Int) -> (Int, Int) {
    var line = 1
    var lineStart = 0
    for i in 0..<offset where bytes[i] == 0x0A {
      line += 1
      lineStart = i + 1
    }
    return (line, offset - lineStart + 1)
  }

  static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
    b.withUnsafeBufferPointer { UTF8Check.firstInvalid($0) }
  }
}

enum AtomicWriter {
  /// Write next to the target and rename over it, keeping its mode, owner and group: an
  /// interrupted run never leaves a truncated file. A symbolic link is followed: the file it
  /// points to is replaced (beside itself) and the link stays.
  static func write(_ text: String, to path: String) throws {
    var st = stat()
    guard stat(path, &st) == 0 else { throw InputError(path: path, message: "cannot stat file") }
    var target = path
    var lst = stat()
    if lstat(path, &lst) == 0 && lst.st_mode & S_IFMT == S_IFLNK {
      guard let resolved = realpath(path, nil) else {
        throw InputError(path: path, message: "cannot resolve the symbolic link: \(String(cString: strerror(errno)))")
      }
      target = String(cString: resolved)
      free(resolved)
    }
    let dir = (target as NSString).deletingLastPathComponent
    let base = (target as NSString).lastPathComponent
    var template = Array(((dir.isEmpty ? "." : dir) + "/." + base + ".mend-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw InputError(path: path, message: "cannot create a temporary file beside it: \(String(cString: strerror(errno)))")
    }
    let tmp = String(cString: template)
    let slot = TempFiles.remember(tmp)
    var ok = false
    defer {
      if !ok { unlink(tmp) }
      TempFiles.forget(slot)
    }
    let bytes = Array(text.utf8)
    var off = 0
    while off < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, bytes.count - off) }
      if n <= 0 {
        let e = String(cString: strerror(errno))
        close(fd)
        throw InputError(path: path, message: "write failed (\(e)); the original file is unchanged")
      }
      off += n
    }
    // The owner first (a change of owner can clear set-id bits), then the mode. Only root may
    // give a file away; for anyone else the file is theirs already or this fails harmlessly.
    _ = fchown(fd, st.st_uid, st.st_gid)
    fchmod(fd, st.st_mode & 0o7777)
    if fsync(fd) != 0 {
      let e = String(cString: strerror(errno))
      close(fd)
      throw InputError(path: path, message: "fsync failed (\(e)); the original file is unchanged")
    }
    close(fd)
    guard rename(tmp, target) == 0 else {
      throw InputError(path: path, message: "rename failed (\(String(cString: strerror(errno)))); the original file is unchanged")
    }
    ok = true
  }
}

enum RulesLocator {
  /// The bundled default rules: $MEND_RULES_DIR, a `rules/` folder above the executable (a build
  /// inside the repository), or `share/mend/rules` beside an installed binary.
  static func defaultRulesPath() -> String? {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["MEND_RULES_DIR"] {
      let p = env + "/mend.yml"
      return fm.fileExists(atPath: p) ? p : nil
    }
    var exe = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    exe = (exe as NSString).resolvingSymlinksInPath
    var dir = (exe as NSString).deletingLastPathComponent
    for _ in 0..<8 {
      for candidate in [dir + "/rules/mend.yml", dir + "/share/mend/rules/mend.yml"] where fm.fileExists(atPath: candidate) {
        return candidate
      }
      let parent = (dir as NSString).deletingLastPathComponent
      if parent == dir { break }
      dir = parent
    }
    return nil
  }

  /// `buildDisabled`: build the disabled stages too (checks their lexicons and rule syntax; for
  /// `mend test-rules`).
  static func load(userRules: String?, buildDisabled: Bool = false) throws -> RuleSet {
    let def = defaultRulesPath()
    if let user = userRules {
      return try RuleSet.load(path: user, defaultPath: def, buildDisabled: buildDisabled)
    }
    guard let d = def else {
      throw RulesError(file: "rules/mend.yml", line: 1, column: 1, message: "default rules not found; set MEND_RULES_DIR or pass --rules")
    }
    return try RuleSet.load(path: d, defaultPath: nil, buildDisabled: buildDisabled)
  }
}

/// The temporary files mend is writing (an in-place rewrite's, `-o`'s, `mend dedup`'s copy of
/// stdin), removed when mend is interrupted (SIGINT, SIGTERM, SIGHUP): Ctrl-C in a pre-commit
/// hook left `.name.mend-XXXXXX` files in the working tree. The handler then dies of the same
/// signal, as mend would have.
enum TempFiles {
  static let slots = 64
  static let width = Int(PATH_MAX) + 1
  /// Each slot: a NUL-terminated path, live while its first byte is not 0. Allocated before
  /// the handler is installed, and only read by it (unlink is async-signal-safe).
  nonisolated(unsafe) static let table: UnsafeMutablePointer<CChar> = {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: slots * width)
    p.initialize(repeating: 0, count: slots * width)
    return p
  }()
  private static let lock = NSLock()
  nonisolated(unsafe) private static var used = [Bool](repeating: false, count: slots)
  nonisolated(unsafe) private static var installed = false

  /// Remember a temporary file until `forget`; nil when every slot is taken (the file is then
  /// not removed on a signal, as before).
  static func remember(_ path: String) -> Int? {
    let bytes = Array(path.utf8)
    guard !bytes.isEmpty, bytes.count < width else { return nil }
    lock.lock()
    defer { lock.unlock() }
    if !installed {
      _ = table
      for s in [SIGINT, SIGTERM, SIGHUP] { signal(s, removeTempFilesAndDie) }
      installed = true
    }
    // A parent may have started mend with these blocked (Foundation's Process passes on its
    // thread's mask): mend handles them now, so it takes them (in this thread, which writes).
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, s) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    guard let i = used.firstIndex(of: false) else { return nil }
    used[i] = true
    let p = table + i * width
    for k in 1..<bytes.count { p[k] = CChar(bitPattern: bytes[k]) }
    p[bytes.count] = 0
    p[0] = CChar(bitPattern: bytes[0])  // last: now the slot is live
    return i
  }

  /// The file was renamed into place or removed.
  static func forget(_ slot: Int?) {
    guard let slot else { return }
    lock.lock()
    defer { lock.unlock() }
    table[slot * width] = 0
    used[slot] = false
  }
}

private func removeTempFilesAndDie(_ sig: Int32) {
  let t = TempFiles.table
  for i in 0..<TempFiles.slots where t[i * TempFiles.width] != 0 { unlink(t + i * TempFiles.width) }
  signal(sig, SIG_DFL)
  raise(sig)
}
