import Foundation

/// Regular expressions compiled once per process. The rules loader compiles every pattern option
/// to check it; a stage that compiles the same pattern gets the same object instead of compiling
/// it again (compiling is a visible share of start-up). NSRegularExpression is immutable and
/// documented as thread-safe.
enum RegexCache {
  private final class Store: @unchecked Sendable {
    let lock = NSLock()
    var map: [String: NSRegularExpression] = [:]
  }

  private static let store = Store()

  /// The compiled expression for a pattern and options (throws as NSRegularExpression does).
  static func compile(_ pattern: String, options: NSRegularExpression.Options = []) throws -> NSRegularExpression {
    let key = String(options.rawValue) + "\u{0}" + pattern
    store.lock.lock()
    defer { store.lock.unlock() }
    if let re = store.map[key] { return re }
    let re = try NSRegularExpression(pattern: pattern, options: options)
    store.map[key] = re
    return re
  }
}
