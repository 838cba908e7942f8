import Foundation

/// A bounded pool of worker threads whose results come back in submission order.
///
/// The producer (one thread) calls `submit`, which blocks while `maxInFlight` items are queued or
/// unclaimed, and takes results with `next()` / `ready()` strictly in order, so the output is the
/// same whatever the number of workers. Memory is bounded by `maxInFlight` items.
final class OrderedPool<Input, Output> {
  private let cond = NSCondition()
  /// Taken items are cleared at once (nil), so an input is freed as soon as its worker is done
  /// with it, not when the queue is next compacted (a 1 MiB batch kept alive for 64 more batches
  /// made every new batch fresh memory: a page fault every 4 KB read).
  private var queue: [(Int, Input)?] = []
  private var queueHead = 0
  private var results: [Int: Output] = [:]
  private var submitted = 0
  private var delivered = 0
  private var closed = false
  private var threads: [Thread] = []
  private var finishedThreads = 0
  let maxInFlight: Int

  /// `makeState` runs once on each worker thread (e.g. a sentence segmenter, which must not be
  /// shared); `work` runs for every item.
  init<State>(jobs: Int, maxInFlight: Int? = nil, makeState: @escaping () -> State, work: @escaping (inout State, Input) -> Output) {
    let n = max(1, jobs)
    self.maxInFlight = maxInFlight ?? (2 * n + 2)
    for k in 0..<n {
      let t = Thread { [unowned self] in
        var state = makeState()
        while let (seq, item) = self.take() {
          let out = work(&state, item)
          self.cond.lock()
          self.results[seq] = out
          self.cond.broadcast()
          self.cond.unlock()
        }
        self.cond.lock()
        self.finishedThreads += 1
        self.cond.broadcast()
        self.cond.unlock()
      }
      t.name = "mend-worker-\(k)"
      t.stackSize = 8 << 20
      threads.append(t)
      t.start()
    }
  }

  private func take() -> (Int, Input)? {
    cond.lock()
    defer { cond.unlock() }
    while queueHead >= queue.count && !closed { cond.wait() }
    if queueHead >= queue.count { return nil }
    let item = queue[queueHead]
    queue[queueHead] = nil
    queueHead += 1
    if queueHead > 64 && queueHead * 2 > queue.count {
      queue.removeFirst(queueHead)
      queueHead = 0
    }
    return item
  }

  /// Items submitted and not yet taken back with `next()`.
  var inFlight: Int {
    cond.lock()
    defer { cond.unlock() }
    return submitted - delivered
  }

  /// Queue an item. The caller must take results (`next()`) when `inFlight == maxInFlight`.
  func submit(_ item: Input) {
    cond.lock()
    queue.append((submitted, item))
    submitted += 1
    cond.broadcast()
    cond.unlock()
  }

  /// The next result in order, waiting for it; nil when every submitted item was delivered.
  func next() -> Output? {
    cond.lock()
    defer { cond.unlock() }
    guard delivered < submitted else { return nil }
    while results[delivered] == nil { cond.wait() }
    let out = results.removeValue(forKey: delivered)!
    delivered += 1
    return out
  }

  /// The next result in order if it is already done.
  func ready() -> Output? {
    cond.lock()
    defer { cond.unlock() }
    guard delivered < submitted, let out = results.removeValue(forKey: delivered) else { return nil }
    delivered += 1
    return out
  }

  /// Stop the workers once the queue is empty and wait for them.
  func close() {
    cond.lock()
    closed = true
    cond.broadcast()
    while finishedThreads < threads.count { cond.wait() }
    cond.unlock()
  }

  /// Submit every item, handing each result to `sink` in order; then close.
  func run<S: Sequence>(_ items: S, sink: (Output) throws -> Void) rethrows where S.Element == Input {
    for item in items {
      while inFlight >= maxInFlight, let out = next() { try sink(out) }
      submit(item)
      while let out = ready() { try sink(out) }
    }
    while let out = next() { try sink(out) }
    close()
  }

  static var defaultJobs: Int { ProcessInfo.processInfo.activeProcessorCount }
}
