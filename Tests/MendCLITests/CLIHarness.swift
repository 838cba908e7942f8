import Foundation

/// Runs the `mend` binary built by `swift build` (scripts/test builds it before testing).
enum CLI {
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let binary: String = {
    for p in [".build/debug/mend", ".build/release/mend"] where FileManager.default.isExecutableFile(atPath: root + "/" + p) {
      return root + "/" + p
    }
    fatalError("mend binary not found under .build: run `swift build` first (scripts/test does)")
  }()

  struct Result {
    let status: Int32
    let stdout: Data
    let stderr: String
    var out: String { String(decoding: stdout, as: UTF8.self) }
  }

  /// Run mend with arguments, optional stdin bytes, and a shell prefix (e.g. `ulimit -f 1;`).
  static func run(_ args: [String], stdin: Data? = nil, shellPrefix: String? = nil, cwd: String? = nil) throws -> Result {
    let p = Process()
    if let prefix = shellPrefix {
      p.executableURL = URL(fileURLWithPath: "/bin/bash")
      let quoted = ([binary] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
      p.arguments = ["-c", prefix + " exec " + quoted]
    } else {
      p.executableURL = URL(fileURLWithPath: binary)
      p.arguments = args
    }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let outPipe = Pipe()
    let errPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = errPipe
    let inPipe = Pipe()
    p.standardInput = inPipe
    try p.run()
    if let stdin { inPipe.fileHandleForWriting.write(stdin) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so a large output cannot block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
  }

  /// A fresh temporary directory.
  static func tempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mend-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }
}
