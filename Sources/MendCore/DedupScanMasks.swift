import CICU

/// `scanWords` from the line's byte masks: the same words, pieces and irregular flag as
/// `scanWordsReference`, which reads the line a byte at a time (10–15 instructions a byte; it
/// was 17 % of all instructions on corpus-20MB).
///
/// ## Why the words are the runs of the word mask
///
/// In an ASCII stretch, a word is a run of ASCII letters and digits, continued through a byte
/// that `asciiJoins` accepts after a run. That decision reads only the bytes around it (the byte,
/// the one before and after, and for a `.` the one two before: the `digits` it also asks is
/// implied by a digit before the byte), and it is asked at every byte that ends a run, so it is a
/// property of the position alone: `mend_scan_masks` (C, vector compares) marks the letters and
/// digits, finds the candidates (' ` , . : with a letter or digit on both sides, rare) and decides
/// each one there, and the words are then exactly the runs of letters, digits and joining bytes.
/// A word's token needs its start, its end, whether it holds a digit, and its prefix and length
/// (its letters and digits: the run's length and first four bytes, unless it holds a joining
/// byte, which is then read byte by byte). Whether a digit or a join lies in a word is an add:
/// `word + digits` carries out of each word run that holds a digit, into the byte after the word,
/// which is where the word's end is marked; a piece starts at a word whose gap before it holds a
/// trigger, the same add over the gaps (`~word + triggers`), with the line's start as a trigger.
///
/// ## Lines with non-ASCII bytes
///
/// A byte that is ASCII but neither a letter, a digit nor one of ' ` , . : ends any word before it
/// and joins nothing (a "hard" byte: a space, most punctuation). Between words, the byte loop
/// carries only `pending` (a trigger seen since the last word). So a line is cut at hard bytes
/// into stretches: the bytes from the last hard byte before a non-ASCII byte to the first hard
/// byte after it go through the byte loop (`scalarRange`, the reference's loop over that range:
/// its look-backs read the line's real bytes, and a UTF-8 sequence never holds an ASCII byte), the
/// ASCII stretches in between through the masks (`maskRange`), `pending` passed from one to the
/// next. The irregular flag of joining dots is the masks' for the whole line (the same predicate
/// is asked at the same places by the byte loop); the non-ASCII cases add theirs.
extension DedupText {
  /// The words of a line as `scanWordsReference` gives them, from the line's byte masks (see
  /// above). `masks` has room for 6 × (n / 64 + 1) words (n the line's length).
  static func scanWords(
    _ buf: UnsafeBufferPointer<UInt8>, out: UnsafeMutablePointer<Token>, starts: UnsafeMutablePointer<Int32>,
    ends: UnsafeMutablePointer<Int32>, first: Int, pieces: UnsafeMutablePointer<Int32>, words: NonASCIIWords?,
    masks: UnsafeMutablePointer<UInt64>
  ) -> (words: Int, pieces: Int, irregular: Bool) {
    let n = buf.count
    guard n > 0, let p = buf.baseAddress else { return (0, 0, false) }
    let r = mend_scan_masks(p, Int64(n), masks)
    var irregular = r & MEND_SCAN_IRREGULAR != 0
    var count = 0
    var np = 0
    var pending = true
    if r & MEND_SCAN_HIGH == 0 {
      maskRange(
        p, n, masks, 0, n, pending: &pending, count: &count, np: &np, out: out, starts: starts, ends: ends,
        first: first,
        pieces: pieces)
      return (count, np, irregular)
    }
    var i = 0
    while i < n {
      let h = firstBit(masks, slot: 4, i, n, flip: 0)
      if h == n {
        maskRange(
          p, n, masks, i, n, pending: &pending, count: &count, np: &np, out: out, starts: starts, ends: ends,
          first: first,
          pieces: pieces)
        break
      }
      // The last hard byte before the non-ASCII one (i is 0 or a hard byte itself), and the first
      // after it: the byte loop reads the words between them.
      let q = max(i, lastBit(masks, slot: 5, i, h, flip: ~0))
      if q > i {
        maskRange(
          p, n, masks, i, q, pending: &pending, count: &count, np: &np, out: out, starts: starts, ends: ends,
          first: first,
          pieces: pieces)
      }
      let q2 = firstBit(masks, slot: 5, h + 1, n, flip: ~0)
      scalarRange(
        buf, q, q2, pending: &pending, count: &count, np: &np, irregular: &irregular, out: out, starts: starts,
        ends: ends,
        first: first, pieces: pieces, words: words)
      i = q2
      // Text in a non-ASCII script has a stretch a word (spaces are hard bytes): when the next
      // non-ASCII byte is near, the byte loop reads the rest of the line in one call (it is the
      // reference's loop, so the words are the same) instead of two calls a word.
      let near = min(n, i &+ 24)
      if i < n && firstBit(masks, slot: 4, i, near, flip: 0) < near {
        scalarRange(
          buf, i, n, pending: &pending, count: &count, np: &np, irregular: &irregular, out: out, starts: starts,
          ends: ends, first: first, pieces: pieces, words: words)
        break
      }
    }
    return (count, np, irregular)
  }

  /// The first position in from..<to whose bit in mask `slot` (xor `flip`) is set, or `to`.
  @inline(__always)
  static func firstBit(_ masks: UnsafePointer<UInt64>, slot: Int, _ from: Int, _ to: Int, flip: UInt64) -> Int {
    var pos = from
    while pos < to {
      let w = pos &>> 6
      let bits = (masks[6 &* w &+ slot] ^ flip) &>> UInt64(pos & 63)
      if bits != 0 { return min(to, pos &+ bits.trailingZeroBitCount) }
      pos = (w &+ 1) &<< 6
    }
    return to
  }

  /// The last position in from..<to whose bit in mask `slot` (xor `flip`) is set, or -1.
  @inline(__always)
  static func lastBit(_ masks: UnsafePointer<UInt64>, slot: Int, _ from: Int, _ to: Int, flip: UInt64) -> Int {
    var pos = to &- 1
    while pos >= from {
      let w = pos &>> 6
      let bits = (masks[6 &* w &+ slot] ^ flip) &<< UInt64(63 &- (pos & 63))
      if bits != 0 {
        let k = pos &- bits.leadingZeroBitCount
        return k >= from ? k : -1
      }
      pos = (w &<< 6) &- 1
    }
    return -1
  }

  /// The words of a..<c from the masks, where a is 0 or a hard byte and c is n or a hard byte
  /// (no word crosses either), and no byte in between is non-ASCII; `pending` in and out as the
  /// byte loop has it at a and at c.
  @inline(never)
  static func maskRange(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ masks: UnsafePointer<UInt64>, _ a: Int, _ c: Int, pending: inout Bool,
    count: inout Int, np: inout Int, out: UnsafeMutablePointer<Token>, starts: UnsafeMutablePointer<Int32>,
    ends: UnsafeMutablePointer<Int32>, first: Int, pieces: UnsafeMutablePointer<Int32>
  ) {
    let low = lowerAlnumTable
    let count0 = count
    var ks = count  // starts written
    var ke = count  // tokens written
    var npl = np
    // The carries of the three adds from one block into the next.
    var trigCarry: UInt64 = 0
    var digitCarry: UInt64 = 0
    var joinCarry: UInt64 = 0
    // Bit 63 of the block before's word mask (0 in the first block: every word there starts
    // after a, as a is not a word byte unless it is 0).
    var prevTop: UInt64 = 0
    let wLast = c &>> 6
    var w = a &>> 6
    while w <= wLast {
      let m = masks + 6 &* w
      let word = m[0]
      let base = w &<< 6
      // Bits of a..<c in this block (for the starts and triggers) and of a+1...c (for the ends).
      var from: UInt64 = ~0
      var fromEnd: UInt64 = ~0
      if base <= a {
        from = ~UInt64(0) &<< UInt64(a &- base)
        fromEnd = from &<< 1
      }
      var below: UInt64 = ~0
      var belowEnd: UInt64 = ~0
      if w == wLast {
        below = (UInt64(1) &<< UInt64(c &- base)) &- 1
        belowEnd = (UInt64(2) &<< UInt64(c &- base)) &- 1
      }
      var trig = m[2] & from & below
      if base <= a && pending { trig |= UInt64(1) &<< UInt64(a &- base) }
      // A carry out of each gap that holds a trigger lands on the word after it: a piece start.
      let (t1, o1) = (~word).addingReportingOverflow(trig)
      let (t2, o2) = t1.addingReportingOverflow(trigCarry)
      trigCarry = (o1 || o2) ? 1 : 0
      let pieceStart = t2 & word
      // A carry out of each word that holds a digit (a joining byte) lands on its end.
      let (d1, p1) = word.addingReportingOverflow(m[1])
      let (d2, p2) = d1.addingReportingOverflow(digitCarry)
      digitCarry = (p1 || p2) ? 1 : 0
      let numberEnd = d2 & ~word
      let (j1, q1) = word.addingReportingOverflow(m[3])
      let (j2, q2) = j1.addingReportingOverflow(joinCarry)
      joinCarry = (q1 || q2) ? 1 : 0
      let joinEnd = j2 & ~word
      let before = (word &<< 1) | prevTop
      var s = word & ~before & from & below
      while s != 0 {
        let k = s.trailingZeroBitCount
        starts[ks] = Int32(truncatingIfNeeded: base &+ k)
        pieces[npl] = Int32(truncatingIfNeeded: first &+ ks)
        npl &+= Int(truncatingIfNeeded: (pieceStart &>> UInt64(k)) & 1)
        ks &+= 1
        s &= s &- 1
      }
      var e = ~word & before & fromEnd & belowEnd
      // The words read byte by byte: those with a joining byte, and those that start in the
      // line's last 3 bytes (a 4-byte load at their start would read past the line): their end
      // is then in the last 2 bytes or at n.
      var slow = joinEnd
      if base &+ 66 > n {
        let tail = n &- 2 &- base
        slow |= tail <= 0 ? ~0 : ~((UInt64(1) &<< UInt64(tail)) &- 1)
      }
      while e != 0 {
        let k = e.trailingZeroBitCount
        let end = base &+ k
        let ws = Int(starts[ke])
        var prefix: UInt32 = 0
        var len: Int32 = 0
        if (slow &>> UInt64(k)) & 1 == 0 {
          len = Int32(truncatingIfNeeded: end &- ws)
          prefix = UnsafeRawPointer(p + ws).loadUnaligned(as: UInt32.self).littleEndian | 0x2020_2020
          if len < 4 { prefix &= (1 &<< (8 &* UInt32(truncatingIfNeeded: len))) &- 1 }
        } else {
          // Their letters and digits only (a joining byte is not one).
          for x in ws..<end {
            let b = low[Int(p[x])]
            if b == 0 { continue }
            if len < 4 { prefix |= UInt32(b) &<< (8 &* UInt32(truncatingIfNeeded: len)) }
            len &+= 1
          }
        }
        out[ke] = Token(hash: 0, prefix: prefix, length: len, isNumber: (numberEnd &>> UInt64(k)) & 1 != 0)
        ends[ke] = Int32(truncatingIfNeeded: end)
        ke &+= 1
        e &= e &- 1
      }
      prevTop = word &>> 63
      w &+= 1
    }
    // `pending` at c: a trigger after the last word (or after a, with `pending` at a when there
    // is no word). Only asked for a stretch that more follows.
    if c < n {
      let from = ke > count0 ? Int(ends[ke &- 1]) : a
      pending = (ke == count0 && pending) || firstBit(masks, slot: 2, from, c, flip: 0) < c
    }
    count = ke
    np = npl
  }

  /// The byte-at-a-time word loop over from..<to (from 0 or a hard byte, to n or a hard byte), with
  /// its state (`pending`, the counts, `irregular`) passed in and out: `scanWordsReference` runs it
  /// over a whole line with non-ASCII bytes, `scanWords` over the stretches around them.
  static func scalarRange(
    _ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, pending: inout Bool, count: inout Int, np: inout Int,
    irregular: inout Bool, out: UnsafeMutablePointer<Token>, starts: UnsafeMutablePointer<Int32>,
    ends: UnsafeMutablePointer<Int32>, first: Int, pieces: UnsafeMutablePointer<Int32>, words: NonASCIIWords?
  ) {
    guard let p = buf.baseAddress else { return }
    let n = to
    let low = lowerAlnumTable
    let cls = scalarClassTable
    var i = from
    while i < n {
      // Between words: skip to the next word's first byte, noting triggers.
      let b = p[i]
      if b < 0x80 {
        if low[Int(b)] == 0 {
          if isASCIITrigger(b) { pending = true }
          i += 1
          continue
        }
      } else {
        let (v, len) = scalar(buf, i, n)
        if scalarClass(v, cls) & 3 != 0 {
          pending = true
          i += len
          continue
        }
      }
      if pending {
        pieces[np] = Int32(first + count)
        np += 1
        pending = false
      }
      // A word from i, exactly as `tokenize` reads it (see `scanWordsReference`).
      let tokStart = i
      starts[count] = Int32(truncatingIfNeeded: i)
      var prefix: UInt32 = 0
      var len: Int32 = 0
      var digits = false
      var nonASCII = false
      var afterBreaker = false
      firstRun(p, n, low, &i, &digits)
      len = Int32(truncatingIfNeeded: i &- tokStart)
      prefix = runPrefix(p, n, tokStart, len)
      while i < n {
        let c = p[i]
        if c < 0x80 {
          if !asciiJoins(p, n, i, len: len, digits: digits, irregular: &irregular) { break }
          i &+= 1
        } else {
          let (v, step) = scalar(buf, i, n)
          let sc = scalarClass(v, cls)
          let kind = sc & 3
          if kind == 2 { break }
          if kind == 0 {
            switch sc >> 2 {
            case 1: afterBreaker = true
            case 2: if len == 0 { irregular = true }
            default: if afterBreaker { irregular = true }
            }
            len += Int32(step)
            nonASCII = true
          }
          i += step
        }
        if afterBreaker && i < n && low[Int(p[i])] != 0 { irregular = true }
        if i < n && low[Int(p[i])] != 0 { wordRun(p, n, low, &i, &prefix, &len, &digits) }
      }
      if nonASCII {
        out[count] = words?.token(buf, tokStart..<i) ?? nonASCIIToken(normalizedBytes(buf, tokStart..<i))
        ends[count] = -1
      } else {
        out[count] = Token(hash: 0, prefix: prefix, length: len, isNumber: digits)
        ends[count] = Int32(truncatingIfNeeded: i)
      }
      count += 1
      if afterBreaker { pending = true }
    }
  }
}
