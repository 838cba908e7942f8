/// A unified diff of two texts by lines, as `diff -u` prints it, so `patch` and `git apply` take it.
///
/// - Lines are split at LF bytes only: a CRLF line keeps its CR (a Swift `Character` split would
///   take `\r\n` as one character and a Windows file as one line).
/// - A text that does not end in a newline has its last line marked `\ No newline at end of file`
///   (and that line differs from the same words with a newline).
/// - A range of one line is written as its number alone (`@@ -3 +3 @@`), an empty range as the
///   line before it (`@@ -0,0 +1 @@`).
/// - The edit script is a shortest one (Myers' O(ND) algorithm, in linear space: the middle-snake
///   bisection), after the lines that occur in only one of the texts are set aside (they can only
///   be deleted or inserted; GNU diff does the same), so a file whose every line changes (a
///   Windows file made LF) is linear. A part whose search would cost more than `budget` steps is
///   written as deleted and inserted lines: still a correct diff, only not a shortest one.
public enum UnifiedDiff {
  public static func diff(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
    // Bytes, not `==`: Swift holds canonically equivalent strings (NFD and NFC) equal.
    if Document.sameUTF8(old, new) { return "" }
    let a = Lines(old)
    let b = Lines(new)
    // Intern the lines (text and newline) as numbers.
    var ids: [LineKey: Int32] = [:]
    func intern(_ l: Lines) -> [Int32] {
      (0..<l.count).map { i in
        let key = LineKey(text: l.text(i), newline: l.hasNewline(i))
        if let id = ids[key] { return id }
        let id = Int32(ids.count)
        ids[key] = id
        return id
      }
    }
    let ops = editScript(intern(a), intern(b))
    var out = "--- \(oldName)\n+++ \(newName)\n"
    var i = 0
    while i < ops.count {
      guard ops[i].kind != .same else {
        i += 1
        continue
      }
      var start = i
      var back = 0
      while start > 0 && ops[start - 1].kind == .same && back < context {
        start -= 1
        back += 1
      }
      var end = i
      var lastChange = i
      while end < ops.count {
        if ops[end].kind != .same { lastChange = end }
        if end - lastChange > 2 * context { break }
        end += 1
      }
      end = min(ops.count, lastChange + context + 1)
      let hunk = ops[start..<end]
      let aStart = hunk.first.map(\.aIndex) ?? 0
      let bStart = hunk.first.map(\.bIndex) ?? 0
      let aCount = hunk.filter { $0.kind != .insert }.count
      let bCount = hunk.filter { $0.kind != .delete }.count
      out += "@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@\n"
      for op in hunk {
        switch op.kind {
        case .same: out += " " + a.line(op.aIndex)
        case .delete: out += "-" + a.line(op.aIndex)
        case .insert: out += "+" + b.line(op.bIndex)
        }
      }
      i = end
    }
    return out
  }

  /// A hunk header's range: `start,count`, `start` alone for one line, the line before for none.
  static func range(_ start: Int, _ count: Int) -> String {
    switch count {
    case 0: return "\(start),0"
    case 1: return "\(start + 1)"
    default: return "\(start + 1),\(count)"
    }
  }

  /// A line's bytes and whether a newline ends it (compared as bytes, not as Strings).
  struct LineKey: Hashable {
    let text: Substring
    let newline: Bool

    static func == (a: LineKey, b: LineKey) -> Bool {
      a.newline == b.newline && a.text.utf8.elementsEqual(b.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(newline)
      let done: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
      if done == nil { for b in text.utf8 { hasher.combine(b) } }
    }
  }

  /// A text's lines: split at LF, the last one without a newline when the text does not end in one.
  struct Lines {
    let source: String
    /// The start of each line, then the text's end (UTF-8 offsets).
    let starts: [String.Index]
    let endsWithNewline: Bool

    init(_ text: String) {
      self.source = text
      let u = text.utf8
      var s = [u.startIndex]
      var i = u.startIndex
      while i < u.endIndex {
        if u[i] == 0x0A { s.append(u.index(after: i)) }
        i = u.index(after: i)
      }
      endsWithNewline = text.isEmpty || u.last == 0x0A
      // A text ending in a newline has no line after it.
      if s.last == u.endIndex && endsWithNewline { s.removeLast() }
      s.append(u.endIndex)
      starts = s
    }

    var count: Int { starts.count - 1 }

    func hasNewline(_ i: Int) -> Bool { i < count - 1 || endsWithNewline }

    /// The line's text without its LF.
    func text(_ i: Int) -> Substring {
      let end = hasNewline(i) ? source.utf8.index(before: starts[i + 1]) : starts[i + 1]
      return source[starts[i]..<end]
    }

    /// The line as a diff writes it after its mark: with its newline, or with the marker line.
    func line(_ i: Int) -> String {
      hasNewline(i) ? text(i) + "\n" : text(i) + "\n\\ No newline at end of file\n"
    }
  }

  struct Op {
    enum Kind { case same, delete, insert }
    let kind: Kind
    let aIndex: Int
    let bIndex: Int
  }

  /// Steps the searches of one diff may take (each a diagonal extended in the bisection): about
  /// a second. Past it, the part being searched is written as deleted and inserted lines.
  static let budget = 200_000_000

  /// A shortest edit script turning a into b (each element a line's number).
  static func editScript(_ a: [Int32], _ b: [Int32]) -> [Op] {
    // Lines that occur in only one text are deleted or inserted whatever else happens: the
    // search runs on the others, and they are put back in their places.
    var inA = Set<Int32>()
    var inB = Set<Int32>()
    for x in a { inA.insert(x) }
    for x in b { inB.insert(x) }
    let ka = a.indices.filter { inB.contains(a[$0]) }
    let kb = b.indices.filter { inA.contains(b[$0]) }
    var search = Search(a: ka.map { a[$0] }, b: kb.map { b[$0] }, budget: budget)
    var inner: [Op] = []
    search.diff(0, ka.count, 0, kb.count, into: &inner)
    var ops: [Op] = []
    ops.reserveCapacity(a.count + b.count)
    var ia = 0
    var ib = 0
    func flush(toA: Int, toB: Int) {
      while ia < toA {
        ops.append(Op(kind: .delete, aIndex: ia, bIndex: ib))
        ia += 1
      }
      while ib < toB {
        ops.append(Op(kind: .insert, aIndex: ia, bIndex: ib))
        ib += 1
      }
    }
    for op in inner {
      switch op.kind {
      case .same:
        flush(toA: ka[op.aIndex], toB: kb[op.bIndex])
        ops.append(Op(kind: .same, aIndex: ia, bIndex: ib))
        ia += 1
        ib += 1
      case .delete:
        flush(toA: ka[op.aIndex], toB: ib)
        ops.append(Op(kind: .delete, aIndex: ia, bIndex: ib))
        ia += 1
      case .insert:
        flush(toA: ia, toB: kb[op.bIndex])
        ops.append(Op(kind: .insert, aIndex: ia, bIndex: ib))
        ib += 1
      }
    }
    flush(toA: a.count, toB: b.count)
    return ops
  }

  /// Myers' linear-space search: the middle snake of a part splits it in two, recursively.
  struct Search {
    let a: [Int32]
    let b: [Int32]
    var budget: Int
    var forward: [Int] = []
    var backward: [Int] = []

    init(a: [Int32], b: [Int32], budget: Int) {
      self.a = a
      self.b = b
      self.budget = budget
    }

    /// The ops of a[a0..<a1] → b[b0..<b1], appended in order.
    mutating func diff(_ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int, into ops: inout [Op]) {
      var a0 = a0
      var b0 = b0
      var a1 = a1
      var b1 = b1
      // The common head and tail.
      while a0 < a1 && b0 < b1 && a[a0] == b[b0] {
        ops.append(Op(kind: .same, aIndex: a0, bIndex: b0))
        a0 += 1
        b0 += 1
      }
      var tail = 0
      while a1 > a0 && b1 > b0 && a[a1 - 1] == b[b1 - 1] {
        a1 -= 1
        b1 -= 1
        tail += 1
      }
      if a0 == a1 || b0 == b1 || budget <= 0 {
        for i in a0..<a1 { ops.append(Op(kind: .delete, aIndex: i, bIndex: b0)) }
        for j in b0..<b1 { ops.append(Op(kind: .insert, aIndex: a1, bIndex: j)) }
      } else if let (x, y) = middle(a0, a1, b0, b1) {
        diff(a0, x, b0, y, into: &ops)
        diff(x, a1, y, b1, into: &ops)
      } else {
        for i in a0..<a1 { ops.append(Op(kind: .delete, aIndex: i, bIndex: b0)) }
        for j in b0..<b1 { ops.append(Op(kind: .insert, aIndex: a1, bIndex: j)) }
      }
      for t in 0..<tail { ops.append(Op(kind: .same, aIndex: a1 + t, bIndex: b1 + t)) }
    }

    /// Where a shortest path through a[a0..<a1] → b[b0..<b1] crosses its middle (a point on it,
    /// strictly inside, so both halves are smaller), or nil when the budget runs out. Both ends
    /// differ (the caller stripped the common head and tail), so the path has at least 2 steps.
    mutating func middle(_ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> (Int, Int)? {
      let n = a1 - a0
      let m = b1 - b0
      let maxD = (n + m + 1) / 2
      let offset = maxD + 1
      let size = 2 * maxD + 3
      if forward.count < size {
        forward = [Int](repeating: -1, count: size)
        backward = [Int](repeating: -1, count: size)
      }
      for i in 0..<size {
        forward[i] = -1
        backward[i] = -1
      }
      forward[offset + 1] = 0
      backward[offset + 1] = 0
      let delta = n - m
      let odd = delta & 1 != 0
      var k1Start = 0
      var k1End = 0
      var k2Start = 0
      var k2End = 0
      for d in 0..<maxD {
        budget -= 2 * d + 2
        if budget <= 0 { return nil }
        // Forward paths (x counts lines of a from a0).
        var k1 = -d + k1Start
        while k1 <= d - k1End {
          let i = offset + k1
          var x = k1 == -d || (k1 != d && forward[i - 1] < forward[i + 1]) ? forward[i + 1] : forward[i - 1] + 1
          var y = x - k1
          while x < n && y < m && a[a0 + x] == b[b0 + y] {
            x += 1
            y += 1
          }
          forward[i] = x
          if x > n {
            k1End += 2
          } else if y > m {
            k1Start += 2
          } else if odd {
            let j = offset + delta - k1
            if j >= 0 && j < size && backward[j] != -1 && x >= n - backward[j] {
              return (a0 + x, b0 + y)
            }
          }
          k1 += 2
        }
        // Backward paths (x counts lines of a from a1, backwards).
        var k2 = -d + k2Start
        while k2 <= d - k2End {
          let i = offset + k2
          var x = k2 == -d || (k2 != d && backward[i - 1] < backward[i + 1]) ? backward[i + 1] : backward[i - 1] + 1
          var y = x - k2
          while x < n && y < m && a[a1 - 1 - x] == b[b1 - 1 - y] {
            x += 1
            y += 1
          }
          backward[i] = x
          if x > n {
            k2End += 2
          } else if y > m {
            k2Start += 2
          } else if !odd {
            let j = offset + delta - k2
            if j >= 0 && j < size && forward[j] != -1 {
              let fx = forward[j]
              let fy = fx - (j - offset)
              if fx >= n - x { return (a0 + fx, b0 + fy) }
            }
          }
          k2 += 2
        }
      }
      return nil
    }
  }
}
