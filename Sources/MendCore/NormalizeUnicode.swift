import CICU

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Unicode clean-up: BOM, line ends, HTML entities, mojibake (UTF-8 read as Windows-1252 or
/// Latin-1), NFC/NFKC, control and zero-width characters, odd spaces and space runs, and, as
/// options, ASCII quotes and dashes.
public struct NormalizeUnicode: Stage {
  public static let id = "normalize-unicode"

  static let spec = StageSpec(
    id: id,
    summary: "Unicode clean-up with ICU: NFC/NFKC, BOM, CRLF, controls, zero-width and odd spaces, HTML entities, mojibake.",
    options: [
      OptionSpec("form", .choice(["nfc", "nfkc", "none"]), default: .string("nfc"), help: "Unicode normalisation form."),
      OptionSpec("bom", .bool, default: .bool(true), help: "Remove a byte-order mark at the start."),
      OptionSpec("line-ends", .bool, default: .bool(true), help: "CRLF and lone CR become LF."),
      OptionSpec("entities", .bool, default: .bool(true), help: "Decode HTML character references (&amp; &#8217; &rsquo;), except inside inline code spans (`x`, ``x``)."),
      OptionSpec("mojibake", .bool, default: .bool(true), help: "Repair UTF-8 that was decoded as Windows-1252 or Latin-1."),
      OptionSpec("controls", .bool, default: .bool(true), help: "Remove control and zero-width characters (a form feed, vertical tab or NEL, which are whitespace, becomes a space; a ZWJ inside emoji, and a ZWJ or ZWNJ between two non-ASCII letters or marks, as in Indic and Persian words, are kept)."),
      OptionSpec("spaces", .bool, default: .bool(true), help: "Odd spaces (NBSP, thin, ideographic) become a space; runs of spaces become one."),
      OptionSpec("trim", .bool, default: .bool(true), help: "Remove spaces at the start and end of a line (not the indentation that makes a line go on with the list item above it, see `keep-list-indent`)."),
      OptionSpec("keep-list-indent", .bool, default: .bool(true), help: "A line indented to the text of the list item above it (`* Added a column option.` then `  Contributed by Jane Roe.`, no blank line between) keeps its indentation: in Markdown and reStructuredText it is the item going on, and without it the line would be a paragraph of its own."),
      OptionSpec("quotes", .choice(["keep", "ascii"]), default: .string("keep"), help: "Curly quotes become ASCII with 'ascii'."),
      OptionSpec("dashes", .choice(["keep", "ascii"]), default: .string("keep"), help: "En and em dashes become '-' with 'ascii'."),
    ],
    make: { NormalizeUnicode(options: $0) })

  let form: Int32?
  let bom: Bool
  let lineEnds: Bool
  let entities: Bool
  let mojibake: Bool
  let controls: Bool
  let spaces: Bool
  let trim: Bool
  let keepListIndent: Bool
  let asciiQuotes: Bool
  let asciiDashes: Bool

  public init(options: StageOptions) {
    switch options.string("form") {
    case "nfkc": form = Int32(MEND_NFKC)
    case "none": form = nil
    default: form = Int32(MEND_NFC)
    }
    bom = options.bool("bom")
    lineEnds = options.bool("line-ends")
    entities = options.bool("entities")
    mojibake = options.bool("mojibake")
    controls = options.bool("controls")
    spaces = options.bool("spaces")
    trim = options.bool("trim")
    keepListIndent = options.bool("keep-list-indent")
    asciiQuotes = options.string("quotes") == "ascii"
    asciiDashes = options.string("dashes") == "ascii"
  }

  /// Off only in tests: `scan` then looks at every byte on its own (`scanBytes`, the reference for
  /// `scanBlocks`).
  var swarScan = true

  /// Off only in tests: every fragment that needs more than ASCII space runs goes through the
  /// scalar editor, the reference the byte paths are checked against.
  var bytePaths = true

  public func run(_ document: inout Document, _ context: inout StageContext) {
    // Fragments are edited in place; a lone CR splits one into several (rare), which shifts
    // the positions of the ones after it.
    var k = 0
    var original = 0
    // Removing a control or zero-width character joins the text around it, a repaired mojibake
    // sequence can start another with what follows it (`Ã©’“`: `é’“` is 钓 read as
    // Windows-1252), and NFC or an entity can make the lead character of one: a line that went
    // through such a step is looked at again, at most twice, so that a second run finds nothing
    // left to do.
    var again = 0
    // Session 16: list items' continuation lines keep their indentation (`runKeepingIndents`).
    if trim && keepListIndent, let indents = HardWrap.listContinuations(document) {
      runKeepingIndents(&document, &context, indents)
      return
    }
    while k < document.fragments.count { k = step(&document, k, &original, &again, &context) }
  }

  /// One turn of `run`'s loop at fragment k: the index to look at next — k itself when the line
  /// is looked at again (`again` > 0 then), else the index after it (`again` is 0 again).
  @inline(__always)
  func step(_ document: inout Document, _ k: Int, _ original: inout Int, _ again: inout Int, _ context: inout StageContext) -> Int {
    let fragment = document.fragments[k]
    let needs = scan(fragment.text, first: original == 0 && again == 0, facts: useFacts ? fragment.facts : [])
    if again == 0 { original += 1 }
    // Looked at again after a step that can make a new sequence: only what makes one counts
    // (the rest — NFC, spaces — the step has done).
    if needs.isEmpty || (again > 0 && needs.isDisjoint(with: [.mojibake, .controls, .entities])) {
      again = 0
      return k + 1
    }
    let before = document.fragments[k].text
    let (next, joins) = runOne(&document, k, needs, &context)
    // (Only when the line changed: a step that changed nothing made nothing new.)
    if joins && mojibake && again < 2 && (next != k + 1 || !Document.sameUTF8(document.fragments[k].text, before))
      && Self.mayStartSequence(document.fragments[k].text)
    {
      // Looked at once more (k stays: a line a lone CR split is its first piece now, and the
      // others come after it).
      again += 1
      return k
    }
    again = 0
    return next
  }

  /// `run` for a document with list continuations (`HardWrap.listContinuations`): the same loop, each
  /// such line going through the steps without its indentation (every pass over it, `again`
  /// included), which is put back when the loop moves on (`putBack`). Kept apart so that the
  /// loop every other document takes carries none of it: one loop with the checks in it cost
  /// 5 M more instructions on news-20MB and 14 M on frag-20MB (measured in session 16).
  func runKeepingIndents(_ document: inout Document, _ context: inout StageContext, _ indents: [Int: Int]) {
    var k = 0
    var original = 0
    var again = 0
    var indent = 0
    var logStart = 0
    while k < document.fragments.count {
      if again == 0, let w = indents[document.fragments[k].line] {
        indent = w
        logStart = context.log.changes.count
        document.fragments[k].text = String(document.fragments[k].text.utf8.dropFirst(w))!
      }
      let at = k
      k = step(&document, at, &original, &again, &context)
      if again == 0 && indent > 0 { putBack(&document, &context, at, &indent, logStart) }
    }
  }

  /// Put a continuation line's indentation back (see `run`) and move the columns of its records.
  func putBack(_ document: inout Document, _ context: inout StageContext, _ k: Int, _ indent: inout Int, _ logStart: Int) {
    document.fragments[k].text = String(repeating: " ", count: indent) + document.fragments[k].text
    context.log.shiftColumns(from: logStart, by: indent)
    indent = 0
  }

  /// Whether a line may hold the start of a mojibake sequence (its lead characters U+00C2 ...
  /// U+00F4 are all encoded from byte 0xC3) or of an entity (`&`): two `memchr` passes, so the
  /// lines a step changed are looked at again only when a new sequence could be there (the Hindi
  /// lines of an interview, whose joiners next to spaces go, are not).
  static func mayStartSequence(_ text: String) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { buf -> Bool in
      guard let p = buf.baseAddress else { return false }
      return memchr(p, 0xC3, buf.count) != nil || memchr(p, 0x26, buf.count) != nil
    } ?? true
  }

  /// Repair fragment k with what `scan` found it needs; returns the index after the fragments
  /// it became (a lone CR splits one into several), and whether a step ran that can make a new
  /// mojibake sequence (removing a control joins text, NFC composes `e` and U+0301 into `é`,
  /// an entity or a repaired sequence sits next to what follows it).
  func runOne(_ document: inout Document, _ k: Int, _ found: Needs, _ context: inout StageContext) -> (Int, Bool) {
    let fragment = document.fragments[k]
    var needs = found
    if needs.contains(.nonASCII) && needs.isDisjoint(with: [.entities, .mojibake]) && isNormalized(fragment.text) {
      // Normalisation runs on the original text when nothing before it edits (entities and
      // mojibake do): a normalised text needs no NFC step.
      needs.remove(.nonASCII)
      if needs.isEmpty { return (k + 1, false) }
    }
    if needs == .spaceRuns {
      // The common case in real text (two spaces after a period): collapse on bytes.
      document.fragments[k].text = collapseSpaceRuns(fragment.text, line: fragment.line, &context)
      return (k + 1, false)
    }
    if needs == .spaces && spaces && bytePaths {
      // Odd spaces (mostly NBSP), runs and ends, on bytes, with the scalar editor's records.
      document.fragments[k].text = normalizeSpacesOnBytes(fragment.text, line: fragment.line, &context)
      return (k + 1, false)
    }
    if needs.contains(.controls) && needs.isSubset(of: [.controls, .spaces]) && spaces && bytePaths {
      // Zero-width characters (ZWJ/ZWNJ in Indic text, soft hyphens) and controls, then spaces.
      document.fragments[k].text = removeControlsOnBytes(fragment.text, line: fragment.line, &context)
      return (k + 1, true)
    }
    var editor = ScalarEditor(fragment.text, line: fragment.line)
    if needs.contains(.bom) { editor.removeBOM(&context) }
    var pieces: [[Unicode.Scalar]] = []
    if needs.contains(.lineEnds) { pieces = editor.splitLineEnds(&context) }
    if pieces.isEmpty { pieces = [editor.scalars] }
    var made: [Fragment] = []
    made.reserveCapacity(pieces.count)
    for piece in pieces {
      var e = ScalarEditor(scalars: piece, line: fragment.line)
      if needs.contains(.entities) { e.decodeEntities(&context) }
      if needs.contains(.mojibake) { e.repairMojibake(&context) }
      if let form, needs.contains(.nonASCII) { e.normalize(form: form, &context) }
      if needs.contains(.controls) { e.removeControls(&context) }
      if needs.contains(.punctuation) { e.asciiPunctuation(quotes: asciiQuotes, dashes: asciiDashes, &context) }
      // Earlier steps (a split CR, a removed control) can leave spaces to tidy, so the slow
      // path always runs the space step.
      if spaces {
        e.normalizeSpaces(trim: trim, &context)
      } else if trim {
        e.trimSpaces(&context)
      }
      var f = fragment
      f.text = e.string
      made.append(f)
    }
    document.fragments.replaceSubrange(k...k, with: made)
    return (k + made.count, true)
  }

  /// What a fragment may need, found by one pass over its bytes (the hot path: most lines need
  /// nothing, and a line with only an em dash needs only the NFC check).
  struct Needs: OptionSet {
    let rawValue: UInt16
    static let bom = Needs(rawValue: 1)
    static let lineEnds = Needs(rawValue: 2)
    static let entities = Needs(rawValue: 4)
    static let mojibake = Needs(rawValue: 8)
    static let nonASCII = Needs(rawValue: 16)
    static let controls = Needs(rawValue: 32)
    static let spaces = Needs(rawValue: 64)
    static let punctuation = Needs(rawValue: 128)
    /// Only ASCII space runs or spaces at the ends: handled on bytes.
    static let spaceRuns = Needs(rawValue: 256)
  }

  /// Off only in tests: `scan` then ignores a fragment's facts (the reference for the fast paths
  /// that trust them).
  var useFacts = true

  /// `facts`: the fragment's `TextFacts` (exact when `.known`; `Fragment` forgets them whenever
  /// its text changes, so they always describe `text`).
  func scan(_ text: String, first: Bool, facts: TextFacts = []) -> Needs {
    // Facts that rule out every ASCII byte the byte loop acts on (a control or CR, DEL, '&'; a
    // space after a space is known from `.spacePair` itself): the byte loop then does nothing
    // on an ASCII byte but note a space pair — which the facts tell exactly — so for ASCII text
    // (String's own flag, never set for text with a byte >= 0x80) its result is known without
    // reading the bytes, and for other text only the non-ASCII characters need to be visited.
    let asciiClean = swarScan && facts.contains(.known) && facts.isDisjoint(with: [.control, .ampersand])
    if asciiClean && ValidatedUTF8.isASCII(text) {
      guard !text.isEmpty else { return [] }
      var text = text
      return text.withUTF8 { buf -> Needs in
        finish(facts.contains(.spacePair) && spaces ? .spaceRuns : [], buf, mojibakeLead: false)
      }
    }
    var text = text
    return text.withUTF8 { buf -> Needs in
      guard !buf.isEmpty else { return [] }
      var needs: Needs = []
      var mojibakeLead = false
      if asciiClean {
        if facts.contains(.spacePair) && spaces { needs.insert(.spaceRuns) }
        scanNonASCII(buf, first: first, &needs, &mojibakeLead)
      } else if swarScan {
        scanBlocks(buf, first: first, &needs, &mojibakeLead)
      } else {
        scanBytes(buf, first: first, &needs, &mojibakeLead)
      }
      return finish(needs, buf, mojibakeLead: mojibakeLead)
    }
  }

  /// The options' say over what `scanBlocks`/`scanBytes` found, and the line's ends.
  @inline(__always)
  func finish(_ found: Needs, _ buf: UnsafeBufferPointer<UInt8>, mojibakeLead: Bool) -> Needs {
    var needs = found
    let n = buf.count
    if trim && (buf[0] == 0x20 || buf[0] == 0x09 || buf[n - 1] == 0x20 || buf[n - 1] == 0x09) {
      needs.insert(.spaceRuns)
    }
    if !mojibake { needs.remove(.mojibake) }
    if !controls { needs.remove(.controls) }
    // The mojibake pass needs a lead character U+00C2...U+00F4 to start from.
    if !mojibakeLead { needs.remove(.mojibake) }
    if form == nil { needs.remove(.nonASCII) }
    if needs.contains(.spaceRuns) && needs != .spaceRuns {
      needs.remove(.spaceRuns)
      needs.insert(.spaces)
    }
    return needs
  }

  /// One byte at a time: the reference for `scanBlocks`.
  func scanBytes(_ buf: UnsafeBufferPointer<UInt8>, first: Bool, _ needs: inout Needs, _ mojibakeLead: inout Bool) {
    let n = buf.count
    var prevSpace = false
    var i = 0
    while i < n {
      let b = buf[i]
      if b < 0x80 {
        if b == 0x20 {
          if prevSpace && spaces { needs.insert(.spaceRuns) }
          prevSpace = true
        } else {
          prevSpace = false
          if b < 0x20 {
            if b == 0x0D && lineEnds { needs.insert(.lineEnds) } else if b != 0x09 && controls { needs.insert(.controls) }
          } else if b == 0x26 && entities {
            needs.insert(.entities)
          } else if b == 0x7F && controls {
            needs.insert(.controls)
          }
        }
        i += 1
        continue
      }
      prevSpace = false
      i += nonASCII(buf, i, b, first: first, &needs, &mojibakeLead)
    }
  }

  /// `scanBytes`, sixteen bytes at a time: vector compares flag the bytes the byte loop acts on —
  /// below 0x20, above 0x7E (DEL and every byte of a non-ASCII character), '&' — and, while space
  /// runs are still to be found, each space that follows a space (the chunk compared with itself
  /// shifted back one byte, so the pair whose second byte opens the chunk is seen too). A chunk
  /// with no flag is skipped; otherwise only its flagged bytes are looked at, in order, each as
  /// the byte loop would: on every other byte the byte loop does nothing but track whether the
  /// last byte was a space, which matters only for a space after a space — flagged here directly
  /// (a continuation byte is never 0x20). Continuation bytes of a character (flagged, being
  /// ≥ 0x80) are passed over through `skipTo`, in this chunk or the next, as the byte loop passes
  /// over them. The line's last chunk ends at its end and overlaps bytes already looked at, whose
  /// lanes are dropped; chunks start at byte 1 or later, so the byte before always exists. Lines
  /// shorter than 17 bytes go through the byte loop.
  func scanBlocks(_ buf: UnsafeBufferPointer<UInt8>, first: Bool, _ needs: inout Needs, _ mojibakeLead: inout Bool) {
    let n = buf.count
    guard n >= 17 else {
      scanBytes(buf, first: first, &needs, &mojibakeLead)
      return
    }
    let p = buf.baseAddress!
    let raw = UnsafeRawPointer(p)
    let low = SIMD16<Int8>(repeating: 0x20)
    let del = SIMD16<UInt8>(repeating: 0x7F)
    let amp = SIMD16<UInt8>(repeating: 0x26)
    let space = SIMD16<UInt8>(repeating: 0x20)
    // Byte 0 (never the second of a pair).
    var i = 1
    let b0 = p[0]
    if b0 >= 0x80 {
      i = nonASCII(buf, 0, b0, first: first, &needs, &mojibakeLead)
    } else if b0 < 0x20 {
      if b0 == 0x0D && lineEnds { needs.insert(.lineEnds) } else if b0 != 0x09 && controls { needs.insert(.controls) }
    } else if b0 == 0x26 && entities {
      needs.insert(.entities)
    } else if b0 == 0x7F && controls {
      needs.insert(.controls)
    }
    var skipTo = i
    while i < n {
      let base = i + 16 <= n ? i : n - 16
      let v = raw.loadUnaligned(fromByteOffset: base, as: SIMD16<UInt8>.self)
      var m = (unsafeBitCast(v, to: SIMD16<Int8>.self) .< low) .| (v .== del) .| (v .== amp)
      if spaces && !needs.contains(.spaceRuns) {
        let u = raw.loadUnaligned(fromByteOffset: base - 1, as: SIMD16<UInt8>.self)
        m = m .| ((v .== space) .& (u .== space))
      }
      let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
      if w[0] | w[1] == 0 {
        i = base + 16
        continue
      }
      var bits = Self.gatherHigh(w[0] & Self.high) | Self.gatherHigh(w[1] & Self.high) << 8
      bits &= ~0 << UInt64(i - base)  // lanes before i were looked at already
      while bits != 0 {
        let q = base + bits.trailingZeroBitCount
        bits &= bits &- 1
        if q < skipTo { continue }
        let b = p[q]
        if b == 0x20 {
          needs.insert(.spaceRuns)  // a space after a space (flagged only when `spaces`)
        } else if b >= 0x80 {
          skipTo = q + nonASCII(buf, q, b, first: first, &needs, &mojibakeLead)
        } else if b < 0x20 {
          if b == 0x0D && lineEnds { needs.insert(.lineEnds) } else if b != 0x09 && controls { needs.insert(.controls) }
        } else if b == 0x26 && entities {
          needs.insert(.entities)
        } else if b == 0x7F && controls {
          needs.insert(.controls)
        }
      }
      i = max(base + 16, skipTo)
    }
  }

  /// `scanBytes` for a text whose facts rule out every ASCII byte it acts on except space pairs
  /// (the caller inserts those from the facts): only the non-ASCII characters are visited, each as
  /// the byte loop visits it; the skip stops at every byte >= 0x80 (sixteen bytes a step, then
  /// one by one), and a lead byte's continuation bytes are passed over by `nonASCII`'s length.
  func scanNonASCII(_ buf: UnsafeBufferPointer<UInt8>, first: Bool, _ needs: inout Needs, _ mojibakeLead: inout Bool) {
    let n = buf.count
    let p = buf.baseAddress!
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i < n {
      while i + 16 <= n {
        let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<Int8>.self)
        let w = unsafeBitCast(v .< SIMD16<Int8>(), to: SIMD2<UInt64>.self)
        if w[0] != 0 {
          i += w[0].trailingZeroBitCount >> 3
          break
        }
        if w[1] != 0 {
          i += 8 + w[1].trailingZeroBitCount >> 3
          break
        }
        i += 16
      }
      guard i < n else { return }
      let b = p[i]
      if b < 0x80 {
        i += 1
        continue
      }
      i += nonASCII(buf, i, b, first: first, &needs, &mojibakeLead)
    }
  }

  /// The 0x80 bits of the eight bytes of y (nothing else set) as an 8-bit mask, byte j to bit j.
  @inline(__always)
  static func gatherHigh(_ y: UInt64) -> UInt64 { ((y >> 7) &* 0x0102_0408_1020_4080) >> 56 }

  /// The needs of the non-ASCII character at buf[i] (b = buf[i] ≥ 0x80, a lead byte in valid
  /// UTF-8); returns its length in bytes (the continuation bytes need nothing of their own).
  @inline(__always)
  func nonASCII(
    _ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UInt8, first: Bool, _ needs: inout Needs, _ mojibakeLead: inout Bool
  ) -> Int {
    let n = buf.count
    let b1: UInt8 = i + 1 < n ? buf[i + 1] : 0
    let b2: UInt8 = i + 2 < n ? buf[i + 2] : 0
    // Characters below U+0300 and common punctuation are stable under NFC (quick-check
    // yes, combining class 0): only other text pays for ICU's check.
    if !nfcSafe(b, b1, b2) { needs.insert(.nonASCII) }
    switch b {
    case 0xC2:
      if b1 == 0xA0 { needs.insert(.spaces) }
      if (b1 >= 0x80 && b1 <= 0x9F) || b1 == 0xAD { needs.insert(.controls) }
      if b1 >= 0x80 { needs.insert(.mojibake) }  // U+0080...U+00BF can be misread bytes
    case 0xC3:
      if b1 >= 0x82 && b1 <= 0xB4 {
        needs.insert(.mojibake)
        // A lead character U+00C2...U+00F4 followed at once by a character that a byte
        // 0x80...0xBF turns into under Windows-1252 or Latin-1: where a mojibake run can start.
        if b2 == 0xC2 || b2 == 0xC5 || b2 == 0xC6 || b2 == 0xCB || b2 == 0xE2 { mojibakeLead = true }
      }
    case 0xC5, 0xC6, 0xCB:
      needs.insert(.mojibake)  // Windows-1252's Œ œ Š š Ž ž Ÿ ƒ ˆ ˜
    case 0xE1:
      if (b1 == 0x9A && b2 == 0x80) || (b1 == 0xA0 && b2 == 0x8E) { needs.insert(.spaces); needs.insert(.controls) }
    case 0xE2:
      if b1 == 0x80 {
        if b2 <= 0x8A || b2 == 0xAF { needs.insert(.spaces) }
        if b2 >= 0x8B && b2 <= 0x8D { needs.insert(.controls) }
        if (b2 >= 0x98 && b2 <= 0x9F) || b2 == 0xB2 || b2 == 0xB3 { if asciiQuotes { needs.insert(.punctuation) } }
        if b2 == 0x93 || b2 == 0x94 { if asciiDashes { needs.insert(.punctuation) } }
        needs.insert(.mojibake)  // € ‚ „ … † ‡ ‰ ‹ › ‘ ’ “ ” • – — ™ can be misread bytes
      } else if b1 == 0x81 {
        if b2 == 0xA0 { needs.insert(.controls) }
        if b2 == 0x9F { needs.insert(.spaces) }
      } else if b1 == 0x84 && b2 == 0xA2 {
        needs.insert(.mojibake)
      } else if b1 == 0x82 && b2 == 0xAC {
        needs.insert(.mojibake)
      }
    case 0xE3:
      if b1 == 0x80 && b2 == 0x80 { needs.insert(.spaces) }
    case 0xEF:
      if b1 == 0xBB && b2 == 0xBF { needs.insert(first && i == 0 && bom ? .bom : .controls) }
    default:
      break
    }
    return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
  }

  static let high: UInt64 = 0x8080_8080_8080_8080

  /// 0x80 in each byte of x that is zero, exactly (no false positives).
  @inline(__always)
  static func zeroBytes(_ x: UInt64) -> UInt64 {
    ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & high
  }

  /// Collapse runs of ASCII spaces and trim the ends, on bytes, recording each edit.
  func collapseSpaceRuns(_ text: String, line: Int, _ ctx: inout StageContext) -> String {
    // A text String knows is ASCII has no continuation bytes to count, and neither has any part
    // of it (the flag is never set for text with a byte ≥ 0x80).
    let ascii = ValidatedUTF8.isASCII(text)
    var text = text
    return text.withUTF8 { buf -> String in
      var start = 0
      var end = buf.count
      if trim {
        while start < end && (buf[start] == 0x20 || buf[start] == 0x09) { start += 1 }
        while end > start && (buf[end - 1] == 0x20 || buf[end - 1] == 0x09) { end -= 1 }
        if end < buf.count {
          ctx.record(
            rule: "trim", line: line, column: Self.column(buf, end), before: String(decoding: buf[end...], as: UTF8.self),
            after: "", reason: "space at the end of a line")
        }
        if start > 0 {
          ctx.record(
            rule: "trim", line: line, column: 1, before: String(decoding: buf[..<start], as: UTF8.self), after: "",
            reason: "space at the start of a line")
        }
      }
      // The result is valid UTF-8 without a check: the text's own bytes with whole ASCII spaces
      // and tabs left out (cuts at scalar boundaries).
      guard spaces && end > start else {
        let kept = UnsafeBufferPointer(rebasing: buf[start..<end])
        return ValidatedUTF8.string(kept, isASCII: ValidatedUTF8.allASCII(kept))
      }
      let base = buf.baseAddress!
      return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { out -> String in
        var written = 0
        var col = 0  // scalars written so far: columns are reported in the edited text
        var last = start  // bytes before this are written
        var i = start
        while let at = Self.nextDoubleSpace(base, from: i, to: end) {
          var j = at + 2
          while j < end && base[j] == 0x20 { j += 1 }
          let kept = at + 1 - last  // up to and with the run's first space
          (out.baseAddress! + written).initialize(from: base + last, count: kept)
          written += kept
          col += ascii ? kept : kept - Self.continuationBytes(base + last, kept)
          ctx.record(
            rule: "space-run", line: line, column: col, before: Self.spaces(j - at), after: " ",
            reason: Self.runReason(j - at))
          last = j
          i = j
        }
        (out.baseAddress! + written).initialize(from: base + last, count: end - last)
        let made = UnsafeBufferPointer(start: out.baseAddress!, count: written + end - last)
        return ValidatedUTF8.string(made, isASCII: ascii || ValidatedUTF8.allASCII(made))
      }
    }
  }

  /// Offset of the first of two ASCII spaces in a row in base[from..<to], eight bytes at a time.
  @inline(__always)
  static func nextDoubleSpace(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
    var i = from
    let raw = UnsafeRawPointer(base)
    // Sixteen pairs at a time: each byte against the byte after it (a load one byte on), so the
    // pair that straddles two steps is in the first of them. The lowest flagged lane is the
    // first pair.
    let space = SIMD16<UInt8>(repeating: 0x20)
    while i + 17 <= end {
      let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      let u = raw.loadUnaligned(fromByteOffset: i + 1, as: SIMD16<UInt8>.self)
      let w = unsafeBitCast((v .== space) .& (u .== space), to: SIMD2<UInt64>.self)
      if w[0] != 0 { return i + w[0].trailingZeroBitCount >> 3 }
      if w[1] != 0 { return i + 8 + w[1].trailingZeroBitCount >> 3 }
      i += 16
    }
    // Windows of eight bytes, seven apart, so every adjacent pair lies inside one of them.
    while i + 8 <= end {
      let sp = zeroBytes(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x2020_2020_2020_2020)
      let pair = sp & (sp >> 8)
      if pair != 0 { return i + pair.trailingZeroBitCount / 8 }
      i += 7
    }
    while i + 1 < end {
      if base[i] == 0x20 && base[i + 1] == 0x20 { return i }
      i += 1
    }
    return nil
  }

  /// UTF-8 continuation bytes (10xxxxxx) among count bytes: bytes minus these = scalars.
  @inline(__always)
  static func continuationBytes(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var n = 0
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= count {
      let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      if x & high != 0 { n += (x & ~(x << 1) & high).nonzeroBitCount }
      i += 8
    }
    while i < count {
      if p[i] & 0xC0 == 0x80 { n += 1 }
      i += 1
    }
    return n
  }

  static let runReasons: [String] = (0..<64).map { "a run of \($0) spaces" }
  static let spaceStrings: [String] = (0..<64).map { String(repeating: " ", count: $0) }

  @inline(__always)
  static func runReason(_ n: Int) -> String { n < runReasons.count ? runReasons[n] : "a run of \(n) spaces" }
  @inline(__always)
  static func spaces(_ n: Int) -> String { n < spaceStrings.count ? spaceStrings[n] : String(repeating: " ", count: n) }

  /// The scalar of an odd space (see `ScalarEditor.isOddSpace`) starting at b[i], or nil.
  @inline(__always)
  static func oddSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32? {
    let c = b[i]
    let n = b.count
    if c == 0xC2 { return i + 1 < n && b[i + 1] == 0xA0 ? 0xA0 : nil }
    guard c >= 0xE1 && c <= 0xE3, i + 2 < n else { return nil }
    let v = (UInt32(c) & 0x0F) << 12 | (UInt32(b[i + 1]) & 0x3F) << 6 | (UInt32(b[i + 2]) & 0x3F)
    return ScalarEditor.isOddSpace(v) ? v : nil
  }

  static let oddSpaceReasons: [UInt32: String] = {
    var d: [UInt32: String] = [:]
    for v: UInt32 in [0xA0, 0x1680, 0x202F, 0x205F, 0x3000] + Array(0x2000...0x200A) {
      d[v] = "odd space U+\(String(v, radix: 16, uppercase: true))"
    }
    return d
  }()

  /// `ScalarEditor.normalizeSpaces(trim:)` on bytes, for a fragment that needs nothing else:
  /// odd spaces become a space, then runs of spaces become one, then the ends are trimmed, with
  /// the same change records (rules, columns, texts, reasons, order).
  func normalizeSpacesOnBytes(_ text: String, line: Int, _ ctx: inout StageContext) -> String {
    var text = text
    return text.withUTF8 { normalizeSpacesOnBytes($0, line: line, &ctx) }
  }

  /// `ScalarEditor.removeControls` then `normalizeSpaces(trim:)` on bytes, for a fragment that
  /// needs nothing else (its NFC question settled), with the same records.
  func removeControlsOnBytes(_ text: String, line: Int, _ ctx: inout StageContext) -> String {
    var text = text
    return text.withUTF8 { buf -> String in
      let n = buf.count
      let base = buf.baseAddress!
      let raw = UnsafeRawPointer(base)
      var out = [UInt8]()
      out.reserveCapacity(n)
      var keptOut = 0  // scalars in out
      var runStart = 0  // buf[runStart..<i] is kept and not yet copied
      var i = 0
      while i < n {
        if i + 8 <= n {
          // Only a character that starts with a byte < 0x20 (a tab goes this way too, and
          // stays), 0x7F, 0xC2 (C1 controls, soft hyphen), 0xE1 (U+180E), 0xE2 (U+200B...U+200D,
          // U+2060) or 0xEF (U+FEFF) can be removed here. Those are never continuation bytes
          // (0x80...0xBF), and `zeroBytes` flags exactly the zero bytes, so every character that
          // starts before the first flagged byte is kept: skip to it (eight bytes at a time, then
          // past the continuation bytes of a character cut at the chunk's end).
          let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
          let stop =
            Self.zeroBytes(x & 0xE0E0_E0E0_E0E0_E0E0) | Self.zeroBytes(x ^ 0x7F7F_7F7F_7F7F_7F7F)
            | Self.zeroBytes(x ^ 0xC2C2_C2C2_C2C2_C2C2) | Self.zeroBytes(x ^ 0xE1E1_E1E1_E1E1_E1E1)
            | Self.zeroBytes(x ^ 0xE2E2_E2E2_E2E2_E2E2) | Self.zeroBytes(x ^ 0xEFEF_EFEF_EFEF_EFEF)
          if stop == 0 {
            i += 8
            while i < n && base[i] & 0xC0 == 0x80 { i += 1 }
            continue
          }
          i += stop.trailingZeroBitCount >> 3  // a lead byte (or ASCII): where a character starts
        }
        let (v, len) = Self.scalar(buf, i)
        var what: String? = nil
        // A whitespace control leaves a space in its place (the space step below tidies runs
        // and line ends); the others leave nothing.
        var space = false
        if let reason = ScalarEditor.whitespaceControl(v) {
          what = reason
          space = true
        } else if (v < 0x20 && v != 0x09) || (v >= 0x7F && v < 0xA0) {
          what = "control character"
        } else if ScalarEditor.isZeroWidth(v) {
          what = v == 0x00AD ? "soft hyphen" : "zero-width character"
        } else if v == 0x200D || v == 0x200C {
          // Its neighbours as they stand: the last kept character and the next one.
          var last: Unicode.Scalar? = nil
          if i > runStart {
            last = Unicode.Scalar(Self.scalar(buf, Self.leadBefore(base, i)).0)
          } else if !out.isEmpty {
            last = out.withUnsafeBufferPointer { o in Unicode.Scalar(Self.scalar(o, Self.leadBefore(o.baseAddress!, o.count)).0) }
          }
          let next: Unicode.Scalar? = i + len < n ? Unicode.Scalar(Self.scalar(buf, i + len).0) : nil
          what = ScalarEditor.joinerRemoval(v, last, next)
        }
        if let what {
          out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
          keptOut += i - runStart - Self.continuationBytes(base + runStart, i - runStart)
          ctx.record(
            rule: "control", line: line, column: keptOut + 1, before: String(decoding: buf[i..<(i + len)], as: UTF8.self),
            after: space ? " " : "", reason: what)
          if space {
            out.append(0x20)
            keptOut += 1
          }
          runStart = i + len
        }
        i += len
      }
      out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart))
      return out.withUnsafeBufferPointer { normalizeSpacesOnBytes($0, line: line, &ctx) }
    }
  }

  /// Offset of the first byte of the UTF-8 sequence that ends just before `end`.
  @inline(__always)
  static func leadBefore(_ p: UnsafePointer<UInt8>, _ end: Int) -> Int {
    var j = end - 1
    while j > 0 && p[j] & 0xC0 == 0x80 { j -= 1 }
    return j
  }

  /// The scalar value and length of the UTF-8 sequence at b[i] (valid UTF-8).
  @inline(__always)
  static func scalar(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
    let c = UInt32(b[i])
    if c < 0x80 { return (c, 1) }
    if c < 0xE0 { return ((c & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
    if c < 0xF0 { return ((c & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3) }
    return ((c & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
  }

  func normalizeSpacesOnBytes(_ buf: UnsafeBufferPointer<UInt8>, line: Int, _ ctx: inout StageContext) -> String {
    do {
      let n = buf.count
      guard let base = buf.baseAddress else { return "" }
      let raw = UnsafeRawPointer(base)
      // Odd spaces: one scalar for one, so columns are those of the original.
      var a = [UInt8]()
      a.reserveCapacity(n)
      var col = 0  // scalars in buf[..<counted]
      var counted = 0
      var runStart = 0
      var i = 0
      while i < n {
        if i + 8 <= n {
          // Only a character starting with 0xC2, 0xE1, 0xE2 or 0xE3 can be an odd space (see
          // `oddSpace`); those are lead bytes, never continuation bytes, and `zeroBytes` is exact:
          // skip to the first of them, eight bytes at a time and then past the continuation
          // bytes of a character cut at the chunk's end.
          let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
          let stop =
            Self.zeroBytes(x ^ 0xC2C2_C2C2_C2C2_C2C2) | Self.zeroBytes(x ^ 0xE1E1_E1E1_E1E1_E1E1)
            | Self.zeroBytes(x ^ 0xE2E2_E2E2_E2E2_E2E2) | Self.zeroBytes(x ^ 0xE3E3_E3E3_E3E3_E3E3)
          if stop == 0 {
            i += 8
            while i < n && base[i] & 0xC0 == 0x80 { i += 1 }
            continue
          }
          i += stop.trailingZeroBitCount >> 3
        }
        let c = buf[i]
        if c < 0x80 {
          i += 1
          continue
        }
        let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
        if let v = Self.oddSpace(buf, i) {
          col += i - counted - Self.continuationBytes(base + counted, i - counted)
          ctx.record(
            rule: "space", line: line, column: col + 1, before: String(decoding: buf[i..<(i + len)], as: UTF8.self),
            after: " ", reason: Self.oddSpaceReasons[v] ?? "odd space U+\(String(v, radix: 16, uppercase: true))")
          a.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
          a.append(0x20)
          col += 1
          counted = i + len
          runStart = i + len
        }
        i += len
      }
      a.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart))
      // Runs: columns in the text as edited so far.
      var b = [UInt8]()
      b.reserveCapacity(a.count)
      a.withUnsafeBufferPointer { ab in
        guard let ap = ab.baseAddress else { return }
        let end = ab.count
        var col = 0
        var last = 0
        var i = 0
        while let at = Self.nextDoubleSpace(ap, from: i, to: end) {
          var j = at + 2
          while j < end && ap[j] == 0x20 { j += 1 }
          let kept = at + 1 - last  // up to and with the run's first space
          b.append(contentsOf: UnsafeBufferPointer(start: ap + last, count: kept))
          col += kept - Self.continuationBytes(ap + last, kept)
          ctx.record(
            rule: "space-run", line: line, column: col, before: Self.spaces(j - at), after: " ", reason: Self.runReason(j - at))
          last = j
          i = j
        }
        b.append(contentsOf: UnsafeBufferPointer(start: ap + last, count: end - last))
      }
      // `b` is valid UTF-8: the text's bytes with whole odd-space characters replaced by a space
      // and whole spaces left out (cuts at scalar boundaries); so is any part of it cut at spaces.
      guard trim else { return b.withUnsafeBufferPointer { ValidatedUTF8.string($0, isASCII: ValidatedUTF8.allASCII($0)) } }
      return b.withUnsafeBufferPointer { out -> String in
        var e = out.count
        while e > 0 && (out[e - 1] == 0x20 || out[e - 1] == 0x09) { e -= 1 }
        if e < out.count {
          ctx.record(
            rule: "trim", line: line, column: Self.column(out, e), before: String(decoding: out[e...], as: UTF8.self),
            after: "", reason: "space at the end of a line")
        }
        var s = 0
        while s < e && (out[s] == 0x20 || out[s] == 0x09) { s += 1 }
        if s > 0 {
          ctx.record(
            rule: "trim", line: line, column: 1, before: String(decoding: out[..<s], as: UTF8.self), after: "",
            reason: "space at the start of a line")
        }
        let kept = UnsafeBufferPointer(rebasing: out[s..<e])
        return ValidatedUTF8.string(kept, isASCII: ValidatedUTF8.allASCII(kept))
      }
    }
  }

  /// 1-based scalar column of a byte offset.
  static func column(_ buf: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
    var c = 1
    for k in 0..<offset where buf[k] & 0xC0 != 0x80 { c += 1 }
    return c
  }

  @inline(__always)
  func nfcSafe(_ b: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
    guard form == Int32(MEND_NFC) else { return false }
    if b < 0xC0 { return true }  // a continuation byte: judged with its lead
    if b <= 0xCB { return true }  // U+0080...U+02FF
    if b == 0xE2 && b1 == 0x80 { return b2 >= 0x90 }  // U+2010...U+203F
    if b == 0xE2 && b1 == 0x81 { return b2 <= 0x9E }  // U+2040...U+205E
    if b == 0xE2 && b1 == 0x82 && b2 == 0xAC { return true }  // €
    return false
  }

  /// Off only in tests: `isNormalized` then always asks ICU (the reference for the quick check).
  var nfcQuickCheck = true

  func isNormalized(_ text: String) -> Bool {
    guard let form else { return true }
    var text = text
    return text.withUTF8 { buf in
      // The standard's quick check answers YES only for NFC text (UAX #15 §9: every code point
      // NFC_Quick_Check = Yes and combining classes in canonical order), so a YES needs no ICU
      // (no UTF-16 copy); NO or MAYBE still goes to ICU's full check.
      if nfcQuickCheck && form == Int32(MEND_NFC) && mend_nfc_quick_yes(buf.baseAddress, Int32(buf.count)) == 1 {
        return true
      }
      return buf.withMemoryRebound(to: CChar.self) { c in
        mend_is_normalized(c.baseAddress, Int32(c.count), form) == 1
      }
    }
  }
}

/// Edits a fragment as an array of scalars and records every edit with its column.
struct ScalarEditor {
  var scalars: [Unicode.Scalar]
  let line: Int

  init(_ text: String, line: Int) {
    scalars = Self.decode(text)
    self.line = line
  }

  /// UTF-8 to scalars by hand: several times faster than `Array(text.unicodeScalars)`.
  static func decode(_ text: String) -> [Unicode.Scalar] {
    var text = text
    return text.withUTF8 { buf -> [Unicode.Scalar] in
      var out = [Unicode.Scalar]()
      out.reserveCapacity(buf.count)
      var i = 0
      let n = buf.count
      while i < n {
        let b = UInt32(buf[i])
        var v: UInt32
        if b < 0x80 {
          v = b
          i += 1
        } else if b < 0xE0 {
          v = (b & 0x1F) << 6 | UInt32(buf[i + 1] & 0x3F)
          i += 2
        } else if b < 0xF0 {
          v = (b & 0x0F) << 12 | UInt32(buf[i + 1] & 0x3F) << 6 | UInt32(buf[i + 2] & 0x3F)
          i += 3
        } else {
          v = (b & 0x07) << 18 | UInt32(buf[i + 1] & 0x3F) << 12 | UInt32(buf[i + 2] & 0x3F) << 6 | UInt32(buf[i + 3] & 0x3F)
          i += 4
        }
        out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
      }
      return out
    }
  }

  /// Scalars to a String through UTF-8 bytes (UnicodeScalarView.append is slow).
  static func encode<S: Sequence>(_ xs: S) -> String where S.Element == Unicode.Scalar {
    var bytes = [UInt8]()
    bytes.reserveCapacity(xs.underestimatedCount * 2)
    for s in xs { UTF8Bytes.append(s.value, to: &bytes) }
    return String(decoding: bytes, as: UTF8.self)
  }

  init(scalars: [Unicode.Scalar], line: Int) {
    self.scalars = scalars
    self.line = line
  }

  var string: String { Self.encode(scalars) }

  static func text(_ xs: ArraySlice<Unicode.Scalar>) -> String { encode(xs) }

  mutating func replace(
    _ range: Range<Int>, with new: [Unicode.Scalar], rule: String, reason: String,
    _ ctx: inout StageContext
  ) {
    ctx.record(
      rule: rule, line: line, column: range.lowerBound + 1, before: Self.text(scalars[range]),
      after: Self.text(new[...]), reason: reason)
    scalars.replaceSubrange(range, with: new)
  }

  mutating func removeBOM(_ ctx: inout StageContext) {
    if scalars.first == "\u{FEFF}" {
      replace(0..<1, with: [], rule: "bom", reason: "byte-order mark at the start of the text", &ctx)
    }
  }

  /// CRLF at the end becomes nothing (LF is the separator); a lone CR splits the fragment.
  mutating func splitLineEnds(_ ctx: inout StageContext) -> [[Unicode.Scalar]] {
    guard scalars.contains("\r") else { return [] }
    if scalars.last == "\r" {
      replace((scalars.count - 1)..<scalars.count, with: [], rule: "crlf", reason: "CRLF line end becomes LF", &ctx)
    }
    guard scalars.contains("\r") else { return [] }
    var pieces: [[Unicode.Scalar]] = []
    var current: [Unicode.Scalar] = []
    for (i, s) in scalars.enumerated() {
      if s == "\r" {
        ctx.record(
          rule: "cr", line: line, column: i + 1, before: "\r", after: "\n",
          reason: "a lone CR is a line break")
        pieces.append(current)
        current = []
      } else {
        current.append(s)
      }
    }
    pieces.append(current)
    return pieces
  }

  /// The scalar ranges of the line's inline code spans: a run of backticks up to the next run of
  /// as many (Markdown `code`, reStructuredText ``code``); a run with no partner opens nothing.
  static func codeSpans(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
    var runs: [(start: Int, count: Int)] = []
    var i = 0
    while i < scalars.count {
      guard scalars[i] == "`" else {
        i += 1
        continue
      }
      var j = i
      while j < scalars.count && scalars[j] == "`" { j += 1 }
      runs.append((i, j - i))
      i = j
    }
    // The next run of the same length after each run, found from the right in one pass (a line
    // of many unpartnered runs stays linear).
    var nextSame = [Int](repeating: -1, count: runs.count)
    var lastOfLength: [Int: Int] = [:]
    for r in runs.indices.reversed() {
      nextSame[r] = lastOfLength[runs[r].count] ?? -1
      lastOfLength[runs[r].count] = r
    }
    var spans: [Range<Int>] = []
    var r = 0
    while r < runs.count {
      let close = nextSame[r]
      if close >= 0 {
        spans.append(runs[r].start..<(runs[close].start + runs[close].count))
        r = close + 1
      } else {
        r += 1
      }
    }
    return spans
  }

  /// HTML character references become their characters, except inside inline code spans
  /// (session 22: a README's `foo = <b>bar</b> &lt; spam` shows escaped output on purpose).
  mutating func decodeEntities(_ ctx: inout StageContext) {
    var spans = scalars.contains("`") ? Self.codeSpans(scalars) : []
    var si = 0
    var i = 0
    while i < scalars.count {
      guard scalars[i] == "&" else { i += 1; continue }
      // Spans are in order and `i` only grows: the first span not yet behind `i` is the only
      // one that can hold it.
      while si < spans.count && spans[si].upperBound <= i { si += 1 }
      if si < spans.count && spans[si].contains(i) {
        i = spans[si].upperBound
        continue
      }
      var j = i + 1
      while j < scalars.count && j - i <= 32 && scalars[j] != ";" && scalars[j] != "&" && scalars[j] != " " { j += 1 }
      guard j < scalars.count, scalars[j] == ";", j > i + 1 else { i += 1; continue }
      let name = Self.text(scalars[(i + 1)..<j])
      var value: Unicode.Scalar?
      if name.hasPrefix("#") {
        let digits = name.dropFirst()
        var code: UInt32?
        if digits.first == "x" || digits.first == "X" {
          code = UInt32(digits.dropFirst(), radix: 16)
        } else {
          code = UInt32(digits, radix: 10)
        }
        if var c = code {
          if let w = HTMLEntities.windows1252C1[c] { c = w }
          if c != 0, let s = Unicode.Scalar(c) { value = s }
        }
      } else if let v = HTMLEntities.named[name] {
        value = v.unicodeScalars.first
      }
      if let v = value {
        replace(i..<(j + 1), with: [v], rule: "html-entity", reason: "HTML character reference", &ctx)
        // The line is shorter by the reference's length less one: later spans move with it.
        let shift = j - i
        spans = spans.map { $0.lowerBound > i ? ($0.lowerBound - shift)..<($0.upperBound - shift) : $0 }
        i += 1
      } else {
        i = j
      }
    }
  }

  /// Windows-1252 bytes 0x80...0x9F as the characters a decoder shows for them.
  @inline(__always)
  static func isCP1252High(_ v: UInt32) -> Bool {
    switch v {
    case 0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
      0x017D, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
      0x0153, 0x017E, 0x0178:
      return true
    default:
      return false
    }
  }

  /// A scalar that a UTF-8 byte >= 0x80 turns into when read as Windows-1252 or Latin-1.
  @inline(__always)
  static func isMisdecodedByte(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    return (v >= 0x80 && v <= 0xFF) || isCP1252High(v)
  }

  /// Repair runs of characters that are UTF-8 bytes shown through Windows-1252 or Latin-1
  /// (`â€™` for `’`, `Ã©` for `é`). A run is repaired only when it re-encodes (with ICU's
  /// converters) to well-formed multi-byte UTF-8 as a whole, which real text almost never does.
  mutating func repairMojibake(_ ctx: inout StageContext) {
    var pass = 0
    var changed = true
    while changed && pass < 3 {
      changed = false
      pass += 1
      var i = 0
      while i < scalars.count {
        let v = scalars[i].value
        guard v >= 0xC2 && v <= 0xF4 else { i += 1; continue }
        var j = i
        while j < scalars.count && Self.isMisdecodedByte(scalars[j]) { j += 1 }
        if j - i >= 2, let fixed = Self.decodeRun(scalars[i..<j]) {
          replace(i..<j, with: fixed, rule: "mojibake", reason: "UTF-8 read as Windows-1252/Latin-1", &ctx)
          changed = true
          i += fixed.count
        } else if j - i >= 2, let (len, fixed) = Self.decodeFirstSequence(scalars[i..<j]) {
          // The run as a whole is not UTF-8 (mojibake next to a real NBSP or accented letter):
          // repair its first sequence alone, then go on.
          replace(i..<(i + len), with: fixed, rule: "mojibake", reason: "UTF-8 read as Windows-1252/Latin-1", &ctx)
          changed = true
          i += fixed.count
        } else {
          i += 1
        }
      }
    }
  }

  /// The first UTF-8 sequence of a run (its lead's length in characters), decoded, when it is one.
  static func decodeFirstSequence(_ run: ArraySlice<Unicode.Scalar>) -> (Int, [Unicode.Scalar])? {
    let lead = run[run.startIndex].value
    let len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    guard run.count >= len else { return nil }
    let seq = run[run.startIndex..<(run.startIndex + len)]
    guard let fixed = decodeRun(seq) else { return nil }
    return (len, fixed)
  }

  /// Re-encode a run "sloppily", as ftfy does: U+0080...U+00FF are their own byte (Latin-1,
  /// which also covers bytes Windows-1252 leaves undefined), other characters go through ICU's
  /// windows-1252 converter.
  static func decodeRun(_ run: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar]? {
    var bytes: [UInt8]? = []
    for sc in run {
      if sc.value >= 0x80 && sc.value <= 0xFF {
        bytes?.append(UInt8(sc.value))
        continue
      }
      let text = String(Character(sc))
      var out = [UInt8](repeating: 0, count: 8)
      let n = text.withCString { p -> Int32 in
        out.withUnsafeMutableBufferPointer { ob in
          ob.withMemoryRebound(to: CChar.self) { cb in
            mend_encode_legacy("windows-1252", p, Int32(text.utf8.count), cb.baseAddress, Int32(cb.count))
          }
        }
      }
      guard n == 1 else { return nil }
      bytes?.append(out[0])
    }
    guard let bytes, isWellFormedMultibyte(bytes) else { return nil }
    let decoded = decode(String(decoding: bytes, as: UTF8.self))
    // A lone two-byte result outside Latin (e.g. "É®" -> U+026E) is more likely real text than
    // mojibake; a run of them (a Cyrillic or Greek word) is mojibake.
    let twoByte = decoded.filter { $0.value >= 0x80 && $0.value < 0x800 }
    if twoByte.count == 1, decoded.count == 1, twoByte[0].value > 0x24F { return nil }
    return decoded
  }

  /// Every byte is part of a valid multi-byte UTF-8 sequence (no ASCII, no stray byte).
  static func isWellFormedMultibyte(_ b: [UInt8]) -> Bool {
    var i = 0
    while i < b.count {
      let lead = b[i]
      let len: Int
      switch lead {
      case 0xC2...0xDF: len = 2
      case 0xE0...0xEF: len = 3
      case 0xF0...0xF4: len = 4
      default: return false
      }
      guard i + len <= b.count else { return false }
      for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return false }
      if lead == 0xE0 && b[i + 1] < 0xA0 { return false }
      if lead == 0xED && b[i + 1] >= 0xA0 { return false }
      if lead == 0xF0 && b[i + 1] < 0x90 { return false }
      if lead == 0xF4 && b[i + 1] >= 0x90 { return false }
      i += len
    }
    return true
  }

  mutating func normalize(form: Int32, _ ctx: inout StageContext) {
    guard scalars.contains(where: { $0.value >= 0x80 }) else { return }
    let text = string
    let bytes = text.utf8.count
    let already = text.withCString { mend_is_normalized($0, Int32(bytes), form) }
    if already != 0 { return }
    var outPtr: UnsafeMutablePointer<CChar>?
    let n = text.withCString { mend_normalize($0, Int32(bytes), form, &outPtr) }
    guard n >= 0, let p = outPtr else { return }
    defer { mend_free(p) }
    let normalized = String(
      decoding: UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: Int(n)),
      as: UTF8.self)
    let new = Self.decode(normalized)
    // Record the smallest differing span.
    var a = 0
    while a < scalars.count && a < new.count && scalars[a] == new[a] { a += 1 }
    var b = 0
    while b < scalars.count - a && b < new.count - a && scalars[scalars.count - 1 - b] == new[new.count - 1 - b] { b += 1 }
    let rule = form == Int32(MEND_NFKC) ? "nfkc" : "nfc"
    replace(a..<(scalars.count - b), with: Array(new[a..<(new.count - b)]), rule: rule, reason: "Unicode normalisation (\(rule.uppercased()))", &ctx)
  }

  @inline(__always)
  static func isZeroWidth(_ v: UInt32) -> Bool {
    v == 0x200B || v == 0x2060 || v == 0xFEFF || v == 0x00AD || v == 0x180E
  }

  /// Why a zero-width joiner (U+200D) or non-joiner (U+200C) between `last` and `next` goes, or
  /// nil when it stays. It stays where it is part of the text: a joiner inside an emoji sequence
  /// (`👩‍💻`), and either one between two letters or marks outside ASCII, where scripts that
  /// shape letters by their neighbours use it to choose a form — after a virama in Devanagari
  /// and the other Indic scripts (`अन्‍न`), inside Persian words (`می‌خواهم`), in Sinhala and
  /// Malayalam. Removing it there changes how the word is written. Next to a space, at a line's
  /// edge or inside an ASCII word it marks nothing and goes.
  static func joinerRemoval(_ v: UInt32, _ last: Unicode.Scalar?, _ next: Unicode.Scalar?) -> String? {
    if v == 0x200D && isEmojiLike(last) && isEmojiLike(next) { return nil }
    if let last, let next, last.value >= 0x80, next.value >= 0x80, isLetterOrMark(last), isLetterOrMark(next) {
      return nil
    }
    return v == 0x200D
      ? "zero-width joiner outside an emoji sequence or a word of a script that uses it"
      : "zero-width non-joiner outside a word of a script that uses it"
  }

  static func isLetterOrMark(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
      .spacingMark, .enclosingMark:
      return true
    default: return false
    }
  }

  static func isEmojiLike(_ s: Unicode.Scalar?) -> Bool {
    guard let s else { return false }
    return s.properties.isEmoji && s.value > 0xFF || s.value == 0xFE0F || (0x1F3FB...0x1F3FF).contains(s.value)
  }

  /// A control character that is whitespace (Unicode White_Space) and no line end here: it
  /// becomes a space, not nothing (removing it glued the words on each side). The reason, or nil.
  /// Form feeds separate pdftotext's pages, vertical tabs are Word's line breaks, NEL ends lines
  /// of text converted from EBCDIC.
  @inline(__always)
  static func whitespaceControl(_ v: UInt32) -> String? {
    switch v {
    case 0x0C: return "form feed (a page break) becomes a space"
    case 0x0B: return "vertical tab (a line break) becomes a space"
    case 0x85: return "next line (NEL, a line break) becomes a space"
    default: return nil
    }
  }

  /// One pass (removing in place one at a time was quadratic in the controls of a line); each
  /// record has the column the character had when it was removed, as before.
  mutating func removeControls(_ ctx: inout StageContext) {
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(scalars.count)
    var spaced = false
    for i in scalars.indices {
      let s = scalars[i]
      let v = s.value
      var remove = false
      var what = ""
      // A whitespace control is replaced by a space (`whitespaceControl`), the others removed.
      var space = false
      if let reason = Self.whitespaceControl(v) {
        remove = true
        what = reason
        space = true
      } else if (v < 0x20 && v != 0x09) || (v >= 0x7F && v < 0xA0) {
        remove = true
        what = "control character"
      } else if Self.isZeroWidth(v) {
        remove = true
        what = v == 0x00AD ? "soft hyphen" : "zero-width character"
      } else if v == 0x200D || v == 0x200C {
        // Its neighbours as they stand: the last kept character and the next one.
        if let reason = Self.joinerRemoval(v, out.last, i + 1 < scalars.count ? scalars[i + 1] : nil) {
          remove = true
          what = reason
        }
      }
      if remove {
        ctx.record(
          rule: "control", line: line, column: out.count + 1, before: Self.text(scalars[i..<(i + 1)]),
          after: space ? " " : "", reason: what)
        if space {
          out.append(" ")
          spaced = true
        }
      } else {
        out.append(s)
      }
    }
    if spaced || out.count != scalars.count { scalars = out }
  }

  @inline(__always)
  static func isOddSpace(_ v: UInt32) -> Bool {
    v == 0x00A0 || v == 0x1680 || (v >= 0x2000 && v <= 0x200A) || v == 0x202F || v == 0x205F || v == 0x3000
  }

  mutating func normalizeSpaces(trim: Bool, _ ctx: inout StageContext) {
    var i = 0
    while i < scalars.count {
      let v = scalars[i].value
      if Self.isOddSpace(v) {
        ctx.record(
          rule: "space", line: line, column: i + 1, before: Self.text(scalars[i..<(i + 1)]), after: " ",
          reason: NormalizeUnicode.oddSpaceReasons[v] ?? "odd space U+\(String(v, radix: 16, uppercase: true))")
        scalars[i] = " "
      }
      i += 1
    }
    // Runs in one pass; each record has the run's column in the text as edited so far.
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(scalars.count)
    i = 0
    while i < scalars.count {
      let s = scalars[i]
      if s == " " && i + 1 < scalars.count && scalars[i + 1] == " " {
        var j = i + 1
        while j < scalars.count && scalars[j] == " " { j += 1 }
        ctx.record(
          rule: "space-run", line: line, column: out.count + 1, before: NormalizeUnicode.spaces(j - i), after: " ",
          reason: NormalizeUnicode.runReason(j - i))
        out.append(" ")
        i = j
        continue
      }
      out.append(s)
      i += 1
    }
    if out.count != scalars.count { scalars = out }
    if trim { trimSpaces(&ctx) }
  }

  mutating func trimSpaces(_ ctx: inout StageContext) {
    var e = scalars.count
    while e > 0 && (scalars[e - 1] == " " || scalars[e - 1] == "\t") { e -= 1 }
    if e < scalars.count {
      replace(e..<scalars.count, with: [], rule: "trim", reason: "space at the end of a line", &ctx)
    }
    var s = 0
    while s < scalars.count && (scalars[s] == " " || scalars[s] == "\t") { s += 1 }
    if s > 0 {
      replace(0..<s, with: [], rule: "trim", reason: "space at the start of a line", &ctx)
    }
  }

  mutating func asciiPunctuation(quotes: Bool, dashes: Bool, _ ctx: inout StageContext) {
    for i in scalars.indices {
      let v = scalars[i].value
      var r: Unicode.Scalar?
      if quotes {
        switch v {
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032: r = "'"
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033: r = "\""
        default: break
        }
      }
      if dashes && (v == 0x2013 || v == 0x2014) { r = "-" }
      if let r {
        replace(i..<(i + 1), with: [r], rule: quotes && r != "-" ? "ascii-quote" : "ascii-dash", reason: "style: ASCII punctuation", &ctx)
      }
    }
  }
}
