import ArgumentParser

/// The exit codes mend documents (sysexits.h values).
enum Exit {
  static let ok: Int32 = 0
  static let changes: Int32 = 1
  static let usage: Int32 = 64
  static let input: Int32 = 65
  static let software: Int32 = 70
  static let io: Int32 = 74
  static let rules: Int32 = 78
}

func fail(_ message: String, code: Int32) -> ExitCode {
  Stderr.print("mend: " + message)
  return ExitCode(code)
}
