import Foundation

/// Runs the built `mend` binary (built beside this test bundle) and collects what it did.
enum CLI {
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let binary: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    for _ in 0..<4 {
      let candidate = dir + "/mend"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = (dir as NSString).deletingLastPathComponent
    }
    return root + "/.build/debug/mend"
  }()

  static let wikinews = root + "/../shared/corpora/wikinews-en/wikinews.jsonl"

  struct Run {
    let status: Int32
    let stdout: Data
    let stderr: String
    var out: String { String(decoding: stdout, as: UTF8.self) }
  }

  /// Run mend; `shellPrefix` runs it through bash after that prefix (e.g. `ulimit -f 1;`).
  @discardableResult
  static func run(_ args: [String], stdin: Data? = nil, cwd: String? = nil, shellPrefix: String? = nil) throws -> Run {
    if let prefix = shellPrefix {
      let quoted = ([binary] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
      return try runProgram("/bin/bash", ["-c", prefix + " exec " + quoted], stdin: stdin, cwd: cwd)
    }
    return try runProgram(binary, args, stdin: stdin, cwd: cwd)
  }

  /// Run a program (mend, or a tool such as `patch`) with the default rules in its environment.
  static func runProgram(_ executable: String, _ args: [String], stdin: Data? = nil, cwd: String? = nil) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["MEND_RULES_DIR"] = root + "/rules"
    p.environment = env
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let outPipe = Pipe()
    let errPath = NSTemporaryDirectory() + "/mend-cli-stderr-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: errPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    let errHandle = FileHandle(forWritingAtPath: errPath)!
    p.standardOutput = outPipe
    p.standardError = errHandle
    let inPipe = Pipe()
    p.standardInput = inPipe
    try p.run()
    if let stdin { inPipe.fileHandleForWriting.write(stdin) }
    try inPipe.fileHandleForWriting.close()
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try errHandle.close()
    let errData = FileManager.default.contents(atPath: errPath) ?? Data()
    return Run(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
  }

  /// A fresh temporary directory.
  static func tempDir() throws -> String { scratch("t") }

  /// A fresh scratch directory.
  static func scratch(_ name: String) -> String {
    let dir = NSTemporaryDirectory() + "/mend-cli-\(name)-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  static func sh(_ command: String) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
  }

  /// Articles of the evaluation corpus as (id, text) with paragraphs joined by newlines.
  static func articles(limit: Int, every: Int = 1) throws -> [(String, String)] {
    let text = try String(contentsOfFile: wikinews, encoding: .utf8)
    var out: [(String, String)] = []
    for (i, line) in text.split(separator: "\n").enumerated() where i % every == 0 {
      guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let paras = obj["paragraphs"] as? [String], let id = obj["id"] as? String
      else { continue }
      out.append((id, paras.joined(separator: "\n")))
      if out.count == limit { break }
    }
    return out
  }

  static func jsonLine(_ obj: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
  }
}

/// SplitMix64, for reproducible test corpora.
struct TestRandom: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
