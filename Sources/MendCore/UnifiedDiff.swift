/// A unified diff of two texts by lines (Myers' O(ND) algorithm), as `diff -u` prints it.
public enum UnifiedDiff {
  public static func diff(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
    if old == new { return "" }
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let ops = editScript(a, b)
    // Group into hunks.
    var out = "--- \(oldName)\n+++ \(newName)\n"
    var i = 0
    while i < ops.count {
      guard ops[i].kind != .same else { i += 1; continue }
      var start = i
      var back = 0
      while start > 0 && ops[start - 1].kind == .same && back < context { start -= 1; back += 1 }
      var end = i
      var lastChange = i
      while end < ops.count {
        if ops[end].kind != .same { lastChange = end }
        if end - lastChange > 2 * context { break }
        end += 1
      }
      end = min(ops.count, lastChange + context + 1)
      let hunk = ops[start..<end]
      let aStart = hunk.first.map { $0.aIndex } ?? 0
      let bStart = hunk.first.map { $0.bIndex } ?? 0
      let aCount = hunk.filter { $0.kind != .insert }.count
      let bCount = hunk.filter { $0.kind != .delete }.count
      out += "@@ -\(aCount == 0 ? aStart : aStart + 1),\(aCount) +\(bCount == 0 ? bStart : bStart + 1),\(bCount) @@\n"
      for op in hunk {
        switch op.kind {
        case .same: out += " " + a[op.aIndex] + "\n"
        case .delete: out += "-" + a[op.aIndex] + "\n"
        case .insert: out += "+" + b[op.bIndex] + "\n"
        }
      }
      i = end
    }
    return out
  }

  struct Op {
    enum Kind { case same, delete, insert }
    let kind: Kind
    let aIndex: Int
    let bIndex: Int
  }

  static func editScript(_ a: [String], _ b: [String]) -> [Op] {
    let n = a.count
    let m = b.count
    let maxD = n + m
    var v = [Int](repeating: 0, count: 2 * maxD + 2)
    var trace: [[Int]] = []
    let off = maxD + 1
    outer: for d in 0...maxD {
      trace.append(v)
      var k = -d
      while k <= d {
        var x: Int
        if k == -d || (k != d && v[off + k - 1] < v[off + k + 1]) {
          x = v[off + k + 1]
        } else {
          x = v[off + k - 1] + 1
        }
        var y = x - k
        while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
        v[off + k] = x
        if x >= n && y >= m { trace.append(v); break outer }
        k += 2
      }
    }
    // Backtrack.
    var ops: [Op] = []
    var x = n
    var y = m
    for d in stride(from: trace.count - 2, through: 0, by: -1) {
      let vv = trace[d]
      let k = x - y
      let prevK: Int
      if k == -d || (k != d && vv[off + k - 1] < vv[off + k + 1]) { prevK = k + 1 } else { prevK = k - 1 }
      let prevX = vv[off + prevK]
      let prevY = prevX - prevK
      while x > prevX && y > prevY {
        ops.append(Op(kind: .same, aIndex: x - 1, bIndex: y - 1))
        x -= 1
        y -= 1
      }
      if d > 0 {
        if x == prevX {
          ops.append(Op(kind: .insert, aIndex: x, bIndex: y - 1))
        } else {
          ops.append(Op(kind: .delete, aIndex: x - 1, bIndex: y))
        }
      }
      x = prevX
      y = prevY
    }
    return ops.reversed()
  }
}
