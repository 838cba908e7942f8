import CICU

extension OrderModel {
  /// `body` with one of `wordFlags`' 4096-bit maps and its table as the C passes of mend_order.c
  /// read them (`mend_word_table`): "in the list" is the map's bit set and the table's flags
  /// meeting `want`, exactly the test of `contentKeys` and `scanCaps`.
  @inline(__always)
  func withWordTable<R>(_ map: [UInt64], want: UInt16, _ body: (UnsafePointer<mend_word_table>) -> R) -> R {
    map.withUnsafeBufferPointer { mp in
      wordFlags.table.withUnsafeBufferPointer { tp in
        wordFlags.flags.withUnsafeBufferPointer { fp in
          var t = mend_word_table(
            map: mp.baseAddress, table: tp.baseAddress, flags: fp.baseAddress, mask: Int64(tp.count - 1),
            shift: wordFlags.shift, zero_flags: wordFlags.zeroFlags, want: want)
          return withUnsafePointer(to: &t) { body($0) }
        }
      }
    }
  }
}

extension OrderModel {
  /// Room for one line's caps from `mend_order_caps`: a cap is a token, a token and the byte
  /// after it do not overlap another's, so a line of n ≤ MEND_ORDER_MAX_LINE bytes has at most
  /// n / 2 + 1 of them.
  static var maskedCapsCapacity: Int { Int(MEND_ORDER_MAX_LINE) / 2 + 1 }

  /// `scanCaps` (same `caps`, `opening` and answer) with an ASCII line through `mend_order_caps`,
  /// which finds the tokens from bit masks and hashes only the capitalised ones (and, with
  /// `needOpens`, the first two); any other line through `scanCaps`. The opening's word-list
  /// tests are `scanCaps`' own on the keys it reports. `table`: `functionTitleMap` with
  /// `want` = function | title (`withWordTable`); `scratch`, `converted`: room for `maskedCapsCapacity` caps.
  @inline(__always)
  func scanCapsMasked(
    _ buf: UnsafeBufferPointer<UInt8>, line: Int32, checkOpening: Bool, needOpens: Bool, caps: inout [QuickCap],
    opening: inout Int, table: UnsafePointer<mend_word_table>, scratch: UnsafeMutablePointer<mend_order_cap>,
    converted: UnsafeMutablePointer<QuickCap>
  ) -> Bool {
    let needOpens = needOpens || checkOpening
    var o = mend_order_opening()
    let c = mend_order_caps_path(buf.baseAddress, Int64(buf.count), scratch, needOpens ? 1 : 0, &o, table, maskPath)
    if c < 0 {
      return scanCaps(buf, line: line, checkOpening: checkOpening, needOpens: needOpens, caps: &caps, opening: &opening)
    }
    // Converted into `converted`, then appended at once (one capacity check a line).
    if c > 0 {
      for x in 0..<Int(c) {
        let q = scratch[x]
        converted[x] = QuickCap(
          key: q.key, stem: q.stem, line: q.run_end != 0 ? line | (1 << 30) : line, first: q.first != 0,
          inRun: q.in_run != 0, allCaps: q.all_caps != 0, inParens: q.in_parens != 0)
      }
      caps.append(contentsOf: UnsafeBufferPointer(start: converted, count: Int(c)))
    }
    guard needOpens else { return false }
    var opens = false
    if o.tokens >= 2 {
      opens =
        pronouns.contains(o.k0) || connectives.contains(o.k0) || connectives.contains(o.pair)
        || (o.k0 == Self.keyThe && (backReferences.contains(o.k1) || backReferences.contains(o.s1)))
    } else if o.tokens == 1 {
      // A one-word line: only the single-word tests apply.
      opens = pronouns.contains(o.k0) || connectives.contains(o.k0)
    }
    if opens && checkOpening { opening = 1 }
    return opens
  }
}
