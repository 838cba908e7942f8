import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A lexicon file: one entry a line, `#` comments, blank lines ignored. Lines of the form
/// `from->to` map a word to its repair; a trailing comma (`from->to,`) marks an ambiguous entry
/// that is only suggested, as in codespell's dictionaries.
public struct Lexicon: Sendable {
  public struct Entry: Sendable, Equatable {
    public let replacement: String
    public let ambiguous: Bool
  }

  public let entries: [String: Entry]
  public let words: Set<String>

  public init(text: String) {
    var entries: [String: Entry] = [:]
    var words = Set<String>()
    for line in Lexicon.lines(text) {
      if let r = line.range(of: "->") {
        let from = String(line[..<r.lowerBound])
        var to = String(line[r.upperBound...])
        let ambiguous = to.hasSuffix(",")
        if ambiguous { to.removeLast() }
        entries[from] = Entry(replacement: to, ambiguous: ambiguous)
      } else {
        words.insert(line)
      }
    }
    self.entries = entries
    self.words = words
  }

  /// The meaningful lines of a lexicon file (comments and blanks dropped, whitespace trimmed).
  /// Lines end at LF, CRLF or CR (a CRLF pair is one `Character`: splitting at "\n" alone left a
  /// Windows file one line).
  public static func lines(_ text: String) -> [String] {
    var out: [String] = []
    for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
      var s = Substring(raw)
      while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
      while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
      if s.isEmpty || s.first == "#" { continue }
      out.append(String(s))
    }
    return out
  }
}

/// Loaded lexicon tables kept on disk between runs (issue 6: loading the rules should not grow
/// with the lexicons' size). A table set is a list of `UInt64` arrays built from some input files;
/// it is stored under a key that is a 128-bit hash of the kind of table, the running program's
/// bytes (`/proc/self/exe`: a new build never reads an older build's tables), every input file's
/// bytes and the build parameters. A file whose header, key, lengths or checksum do not match is
/// ignored and rebuilt, so a changed lexicon, a changed program or a damaged file only costs one
/// rebuild; what `tables` returns is always what `build` returns for these inputs
/// (`ApostropheSpeedS10Tests` checks that a cached load equals a fresh one and that a changed
/// input is rebuilt). Files are written under a temporary name and renamed, so a reader never
/// sees half a file.
///
/// Directory: `MEND_CACHE_DIR`, else `$XDG_CACHE_HOME/mend`, else `$HOME/.cache/mend`;
/// `MEND_CACHE_DIR=off` (or empty) turns the cache off (every run builds).
enum TableCache {
  static let magic: UInt64 = 0x3130_5442_4154_4E4D  // "MNTABT01"
  static let programMagic: UInt64 = 0x3130_4750_5250_4E4D  // "MNPRPG01"

  /// The cache directory from the environment, nil when the cache is off.
  static let directory: String? = {
    let env = ProcessInfo.processInfo.environment
    if let d = env["MEND_CACHE_DIR"] {
      return d.isEmpty || d == "off" ? nil : d
    } else if let x = env["XDG_CACHE_HOME"], !x.isEmpty {
      return x + "/mend"
    } else if let h = env["HOME"], !h.isEmpty {
      return h + "/.cache/mend"
    }
    return nil
  }()

  /// A hash of the running program's bytes, taken once per process (nil when unreadable: then
  /// the cache is not used). Hashing the whole program (13 MB) at every start would cost more
  /// than some tables, so the hash is remembered in the cache directory under the program file's
  /// identity: device, inode, size, modification and status-change times (any write to the file
  /// sets its status-change time, which no user call can set back; a new file is a new inode).
  static let programHash: (UInt64, UInt64)? = {
    // The identity and the bytes of one open file (a path could name another file between two
    // calls; under valgrind `stat` of this path even names the tool while `open` gives the program).
    let fd = open("/proc/self/exe", O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    let id: [UInt64] = [
      UInt64(st.st_dev), UInt64(st.st_ino), UInt64(st.st_size), UInt64(bitPattern: Int64(st.st_mtim.tv_sec)),
      UInt64(bitPattern: Int64(st.st_mtim.tv_nsec)), UInt64(bitPattern: Int64(st.st_ctim.tv_sec)),
      UInt64(bitPattern: Int64(st.st_ctim.tv_nsec)),
    ]
    let idHash = id.withUnsafeBytes { hash128($0.bindMemory(to: UInt8.self), seed: 0x4944) }
    var memo: String?
    if let dir = directory {
      memo = dir + "/program-" + hex(idHash) + ".id"
      if let w = readWords(memo!), w.count == 5, w[0] == programMagic, w[1] == idHash.0, w[2] == idHash.1 {
        return (w[3], w[4])
      }
    }
    let size = Int(st.st_size)
    let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 0)) { buf, count in
      count = size > 0 && readAll(fd, UnsafeMutableRawPointer(buf.baseAddress), size) ? size : 0
    }
    guard size > 0, bytes.count == size else { return nil }
    let h = bytes.withUnsafeBufferPointer { hash128($0, seed: 0x5052_4f47) }
    if let memo, let dir = directory {
      writeWords([programMagic, idHash.0, idHash.1, h.0, h.1], to: memo, dir: dir)
      prune(dir, prefix: "program-", keep: 4 * keepPerKind)
    }
    return h
  }()

  /// The table set of `kind` for these inputs (file bytes) and parameters: from the cache when a
  /// file with this key is there and intact, else `build()` (then stored for the next run).
  static func tables(
    kind: String, inputs: [[UInt8]], parameters: [UInt64] = [], in dir: String? = directory, build: () -> [[UInt64]]
  ) -> [[UInt64]] {
    guard let dir, let program = programHash else { return build() }
    var keyWords: [UInt64] = [program.0, program.1, UInt64(inputs.count)]
    keyWords += parameters
    for input in inputs {
      let (a, b) = input.withUnsafeBufferPointer { hash128($0, seed: UInt64(input.count)) }
      keyWords += [UInt64(input.count), a, b]
    }
    let kindHash = Array(kind.utf8).withUnsafeBufferPointer { hash128($0, seed: 0x4B49_4E44) }
    keyWords += [kindHash.0, kindHash.1]
    let key = keyWords.withUnsafeBytes { hash128($0.bindMemory(to: UInt8.self), seed: 0x4B45_59) }
    let path = dir + "/" + kind + "-" + hex(key) + ".tables"
    if let cached = readTables(path, key: key) { return cached }
    let built = build()
    writeTables(built, to: path, dir: dir, key: key)
    prune(dir, prefix: kind + "-", keep: keepPerKind)
    return built
  }

  /// Table files kept per kind (the newest ones): each new build or lexicon edit writes new files,
  /// and without pruning the directory would grow by a few MB per build.
  static let keepPerKind = 4

  /// Remove all but the `keep` newest files of the directory whose names start with `prefix`
  /// (failures are ignored). Runs only after a table set was written, so never on a warm start.
  static func prune(_ dir: String, prefix: String, keep: Int) {
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
    var files: [(name: String, time: Date)] = []
    for n in names where n.hasPrefix(prefix) {
      let attrs = try? fm.attributesOfItem(atPath: dir + "/" + n)
      files.append((n, (attrs?[.modificationDate] as? Date) ?? .distantPast))
    }
    if files.count <= keep { return }
    files.sort { $0.time != $1.time ? $0.time > $1.time : $0.name < $1.name }
    for f in files.dropFirst(keep) { unlink(dir + "/" + f.name) }
  }

  static func hex(_ h: (UInt64, UInt64)) -> String {
    let a = String(h.0, radix: 16)
    let b = String(h.1, radix: 16)
    return String(repeating: "0", count: 16 - a.count) + a + String(repeating: "0", count: 16 - b.count) + b
  }

  /// The checksum of a table set: the arrays' lengths and the hashes of their words.
  static func checksum(_ arrays: [[UInt64]]) -> (UInt64, UInt64) {
    var parts: [UInt64] = [UInt64(arrays.count)]
    for a in arrays {
      let h = a.withUnsafeBytes { hash128($0.bindMemory(to: UInt8.self), seed: UInt64(a.count)) }
      parts += [UInt64(a.count), h.0, h.1]
    }
    return parts.withUnsafeBytes { hash128($0.bindMemory(to: UInt8.self), seed: 0x5355_4D) }
  }

  /// The arrays of a cache file when its header, key, lengths and checksum are right. Each array
  /// is read straight into its own storage (no copy of the file's bytes).
  /// File: magic, key (2 words), array count, then each array as its length and its words, then
  /// the checksum (2 words), and nothing after it.
  static func readTables(_ path: String, key: (UInt64, UInt64)) -> [[UInt64]]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    var left = Int(st.st_size) / 8
    guard Int(st.st_size) % 8 == 0, left >= 6 else { return nil }
    func words(_ n: Int) -> [UInt64]? {
      guard n >= 0, n <= left else { return nil }
      let a = [UInt64](unsafeUninitializedCapacity: n) { buf, count in
        count = readAll(fd, UnsafeMutableRawPointer(buf.baseAddress), n * 8) ? n : 0
      }
      guard a.count == n else { return nil }
      left -= n
      return a
    }
    guard let head = words(4), head[0] == magic, head[1] == key.0, head[2] == key.1 else { return nil }
    let count = Int(truncatingIfNeeded: head[3])
    guard count >= 0, count <= left else { return nil }
    var out: [[UInt64]] = []
    out.reserveCapacity(count)
    for _ in 0..<count {
      guard let len = words(1), let a = words(Int(truncatingIfNeeded: len[0])) else { return nil }
      out.append(a)
    }
    let sum = checksum(out)
    guard left == 2, let stored = words(2), stored == [sum.0, sum.1] else { return nil }
    return out
  }

  /// Store the arrays (failures are ignored: the cache is only a shortcut).
  static func writeTables(_ arrays: [[UInt64]], to path: String, dir: String, key: (UInt64, UInt64)) {
    var words = [magic, key.0, key.1, UInt64(arrays.count)]
    for a in arrays {
      words.append(UInt64(a.count))
      words.append(contentsOf: a)
    }
    let sum = checksum(arrays)
    words += [sum.0, sum.1]
    writeWords(words, to: path, dir: dir)
  }

  /// Write the words to a temporary file and rename it to `path`.
  static func writeWords(_ words: [UInt64], to path: String, dir: String) {
    makeDirectories(dir)
    let tmp = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return }
    let ok = words.withUnsafeBytes { raw -> Bool in
      var off = 0
      while off < raw.count {
        let w = write(fd, raw.baseAddress! + off, raw.count - off)
        if w <= 0 { return false }
        off += w
      }
      return true
    }
    close(fd)
    if !ok || rename(tmp, path) != 0 { unlink(tmp) }
  }

  /// A small file of words (nil when unreadable or not whole words).
  static func readWords(_ path: String) -> [UInt64]? {
    guard let b = readWhole(path), b.count % 8 == 0 else { return nil }
    return b.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
  }

  /// Read exactly n bytes (false on an error or an early end).
  static func readAll(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Bool {
    guard n > 0 else { return true }
    guard let p else { return false }
    var off = 0
    while off < n {
      let r = read(fd, p + off, n - off)
      if r <= 0 { return false }
      off += r
    }
    return true
  }

  static func makeDirectories(_ dir: String) {
    let bytes = Array(dir.utf8)
    for i in bytes.indices where i > 0 && bytes[i] == 0x2F {
      mkdir(String(decoding: bytes[..<i], as: UTF8.self), 0o755)
    }
    mkdir(dir, 0o755)
  }

  /// A file's bytes with `open`/`read` (nil when it cannot be read whole).
  static func readWhole(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    let size = Int(st.st_size)
    guard size >= 0 else { return nil }
    let out = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
      count = readAll(fd, UnsafeMutableRawPointer(buf.baseAddress), size) ? size : 0
    }
    return out.count == size ? out : nil
  }

  /// Two 64-bit hashes of the bytes: four xor-multiply lanes over 32 bytes a step (the tail
  /// zero-padded, the length mixed in), folded by `ByteWordSet.finish`. Each step maps a lane's
  /// state one-to-one (xor a word, times an odd number), so two inputs that differ in one word
  /// never end with the same lane; not for adversaries, only to tell files and programs apart.
  static func hash128(_ p: UnsafeBufferPointer<UInt8>, seed: UInt64) -> (UInt64, UInt64) {
    let k0: UInt64 = 0x9E37_79B9_7F4A_7C15
    let k1: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    let k2: UInt64 = 0xFF51_AFD7_ED55_8CCD
    let k3: UInt64 = 0xC4CE_B9FE_1A85_EC53
    let n = p.count
    var a = seed ^ k0
    var b = seed &+ k1
    var c = UInt64(n) ^ k2
    var d = UInt64(n) &+ k3
    var i = 0
    if let base = p.baseAddress {
      let raw = UnsafeRawPointer(base)
      while i + 32 <= n {
        a = (a ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k0
        b = (b ^ raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* k1
        c = (c ^ raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)) &* k2
        d = (d ^ raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)) &* k3
        i += 32
      }
      var tail = [UInt64](repeating: 0, count: 4)
      var k = 0
      while i < n {
        tail[k >> 3] |= UInt64(base[i]) << UInt64(8 * (k & 7))
        i += 1
        k += 1
      }
      a = (a ^ tail[0]) &* k0
      b = (b ^ tail[1]) &* k1
      c = (c ^ tail[2]) &* k2
      d = (d ^ tail[3]) &* k3
    }
    let x = ByteWordSet.finish(a ^ (c << 32 | c >> 32) ^ UInt64(n))
    let y = ByteWordSet.finish(b ^ (d << 32 | d >> 32) ^ seed)
    return (ByteWordSet.finish(x ^ y >> 7), ByteWordSet.finish(y ^ x >> 11))
  }
}
