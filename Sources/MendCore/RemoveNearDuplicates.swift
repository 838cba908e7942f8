/// Lines and sentences that say the same thing as an earlier one with small differences: a
/// truncated copy, `says` for `said`, a dropped attribution or word, a standfirst's rewording.
///
/// Candidates come from an index of each unit's rarest-looking content words (the few with the
/// smallest hashes, a bottom-k sketch), never from all pairs; each candidate pair is aligned word
/// by word (longest common subsequence) and judged by its containment and its differences: a gap
/// where both sides have content words that are not inflections of each other, different numbers
/// on each side, or a negation on one side only are vetoes, so `a profit of $5m in 2019` and `a
/// loss of $5m in 2020` both stay.
public struct RemoveNearDuplicates: Stage {
  public static let id = "remove-near-duplicates"

  static let spec = StageSpec(
    id: id,
    summary: "Remove lines and sentences that repeat an earlier one with small differences (truncation, says/said, a dropped attribution or word).",
    options: [
      OptionSpec("min-words", .int, default: .int(6), help: "The shorter unit of a pair needs at least this many words."),
      OptionSpec("max-words", .int, default: .int(200), help: "Units longer than this are not compared (bounds the word alignment)."),
      OptionSpec("min-containment", .double, default: .double(0.8), help: "Shared words (in order) over the shorter unit's words."),
      OptionSpec("min-coverage", .double, default: .double(0.5), help: "Shared words (in order) over the longer unit's words."),
      OptionSpec("short-words", .int, default: .int(8), help: "A contained unit with fewer words must appear whole and unbroken in the longer one (only a cut end may differ)."),
      OptionSpec("max-inserted-words", .int, default: .int(2), help: "Content words the contained copy may lack at its start or inside; more at its end only when it has no final punctuation (a cut)."),
      OptionSpec("sentences", .bool, default: .bool(true), help: "Also compare the sentences of lines that hold several."),
      OptionSpec("sketch", .int, default: .int(8), help: "Content words per unit in the candidate index."),
      OptionSpec("max-posting", .int, default: .int(64), help: "A word indexed for more units than this stops finding candidates (keeps long documents linear)."),
      OptionSpec("max-checks", .int, default: .int(8), help: "Candidates aligned per unit (those the word filters leave open), those sharing most index words first."),
      OptionSpec("soft-words", .stringList, default: .list(Self.defaultSoftWords), help: "Words that may differ between copies (function words and attribution verbs)."),
      OptionSpec("negations", .stringList, default: .list(Self.defaultNegations), help: "Words whose count must match in both copies."),
      OptionSpec("urls", .bool, default: .bool(false), help: "Compare units that are a bare URL. Off: two URLs are two pages whatever words they share (`https://host/a` is no truncated copy of `https://host/a/b`), so a URL is neither removed nor kept as the copy of another; the same URL twice is an exact repeat (remove-repeated-sentences)."),
      DedupText.speakerLabelOption,
      DedupText.hardWrapOption,
      Verse.option,
      CodeLines.option,
      DedupText.structureOption,
      DedupText.sectionsOption,
    ] + DedupText.keeperOptions,
    make: { RemoveNearDuplicates(options: $0) })

  static let defaultSoftWords = [
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "as", "and", "or", "that",
    "this", "it", "its", "is", "was", "are", "were", "be", "been", "has", "have", "had", "will", "would",
    "which", "who", "he", "she", "they", "his", "her", "their", "also", "then", "there",
    "say", "says", "said", "saying", "tell", "tells", "told", "report", "reports", "reported", "add", "adds",
    "added", "according", "claim", "claims", "claimed", "state", "states", "stated", "announce", "announces",
    "announced", "explain", "explains", "explained", "note", "notes", "noted", "warn", "warns", "warned",
  ]
  static let defaultNegations = [
    "not", "no", "never", "nor", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt",
    "arent", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "none", "nobody",
    "nothing", "neither", "unless", "ex", "former", "non", "anti",
  ]

  let minWords: Int
  let maxWords: Int
  let minContainment: Double
  let minCoverage: Double
  let shortWords: Int
  let maxInserted: Int
  let sentences: Bool
  let sketch: Int
  let maxPosting: Int
  let maxChecks: Int
  let soft: HashTable64
  /// The soft words for `DocScan.nearDuplicateLines` (read through a pointer there).
  let softSet: DedupText.WordSet
  let negations: HashTable64
  let keeper: DedupText.Keeper
  let labels: DedupText.SpeakerLabels
  let hardWrap: Bool
  let verse: Bool
  let code: Bool
  let urls: Bool
  let structure: Bool
  let sections: Bool
  /// Identifies the options a cached sketch depends on (soft words and sketch size).
  let sketchConfig: UInt64
  /// "One copy holds the other": at most this many of one unit's sketch words may be missing
  /// from the other unit's words (also a premise of `DocScan.nearDuplicateLines`).
  static let maxMissing = 2
  /// The cheap document pass that skips documents where no pair can pass (off only in tests,
  /// which compare both paths).
  var fastPath = true
  /// Candidates of a long document counted on bit sets of units instead of walking the posting
  /// lists (the same counts, see `run`; off only in tests, which compare both).
  var bitCounts = true

  public init(options: StageOptions) {
    minWords = max(2, options.int("min-words"))
    maxWords = max(minWords, options.int("max-words"))
    minContainment = options.double("min-containment")
    minCoverage = options.double("min-coverage")
    shortWords = options.int("short-words")
    maxInserted = options.int("max-inserted-words")
    sentences = options.bool("sentences")
    sketch = min(255, max(1, options.int("sketch")))
    maxPosting = max(1, options.int("max-posting"))
    maxChecks = max(1, options.int("max-checks"))
    soft = HashTable64(DedupText.wordSet(options.list("soft-words")))
    softSet = DedupText.WordSet(words: options.list("soft-words"))
    negations = HashTable64(DedupText.wordSet(options.list("negations")))
    keeper = DedupText.Keeper(options: options)
    labels = DedupText.SpeakerLabels(options: options)
    hardWrap = options.bool("hard-wrap")
    verse = options.bool("verse")
    code = options.bool("code")
    urls = options.bool("urls")
    structure = options.bool("keep-structure")
    sections = options.bool("sections")
    var config = DedupText.mix(UInt64(sketch) &+ 1)
    for h in DedupText.wordSet(options.list("soft-words")).sorted() { config = DedupText.mix(config ^ h) }
    sketchConfig = config
  }

  public func run(_ document: inout Document, _ context: inout StageContext) {
    // Most documents provably hold no pair that `similarity` accepts: the cheap pass finds the
    // few pairs of lines where one could be (the argument is at
    // `DocScan.nearDuplicateLines`), and the stage's own tests on the units of those lines
    // settle it. Only documents where a pair passes them take the full path below.
    if fastPath && fastPathSkips(document, context.segmenter) { return }
    let units = DedupText.units(document, segmenter: context.segmenter, sentences: sentences, scanTokens: fastPath)
    let us = units.units
    if us.count < 2 { return }
    guard let cache = units.cache else { return }
    cache.prepareSketches(config: sketchConfig)
    // The sketch depends only on the unit's words: computed once per cached unit, before the
    // loop, so the loop reads the cache's arrays without copying them.
    var sig: [UInt64] = []
    var compared = 0
    do {
      // The cache's arrays move out while they are filled and back after (a class's stored
      // arrays are checked for exclusive access at every use: six checks a unit otherwise).
      var starts: [Int32] = []
      var counts: [UInt8] = []
      var words: [UInt64] = []
      var wordFilters: [SIMD4<UInt64>] = []
      var sketchFilters: [SIMD4<UInt64>] = []
      swap(&starts, &cache.sketchStart)
      swap(&counts, &cache.sketchCount)
      swap(&words, &cache.sketchWords)
      swap(&wordFilters, &cache.wordFilter)
      swap(&sketchFilters, &cache.sketchFilter)
      for u in us {
        let n = u.tokenEnd - u.tokenStart
        if n < minWords || n > maxWords { continue }
        compared += 1
        let ku = u.cached
        if starts[ku] >= 0 { continue }
        signature(units.tokens(of: u), into: &sig)
        starts[ku] = Int32(words.count)
        counts[ku] = UInt8(sig.count)
        words.append(contentsOf: sig)
        var wordBits = SIMD4<UInt64>()
        for t in units.tokens(of: u) { wordBits |= DedupText.UnitsCache.filterBit(t.hash) }
        var sketchBits = SIMD4<UInt64>()
        for h in sig { sketchBits |= DedupText.UnitsCache.filterBit(h) }
        wordFilters[ku] = wordBits
        sketchFilters[ku] = sketchBits
      }
      swap(&starts, &cache.sketchStart)
      swap(&counts, &cache.sketchCount)
      swap(&words, &cache.sketchWords)
      swap(&wordFilters, &cache.wordFilter)
      swap(&sketchFilters, &cache.sketchFilter)
    }
    if compared < 2 { return }
    let sketchStart = cache.sketchStart
    let sketchCount = cache.sketchCount
    let sketchWords = cache.sketchWords
    let wordFilter = cache.wordFilter
    let sketchFilter = cache.sketchFilter
    func sketch(_ k: Int) -> ArraySlice<UInt64> {
      let s0 = Int(sketchStart[k])
      return sketchWords[s0..<(s0 + Int(sketchCount[k]))]
    }
    var removed = [Bool](repeating: false, count: us.count)
    var plan = DedupText.Plan()
    // With at most max-posting units no posting list can be capped, so comparing each unit with
    // every indexed earlier one through the sketch filters finds the same candidates as the
    // postings, without building them (most documents).
    let pairwise = compared <= min(maxPosting, 64)
    // The indexed units (at most 64 here, so a set of them is a UInt64), and for each of the 256
    // filter bits the set of indexed units whose sketch sets it.
    var indexed: [Int32] = []
    var unitsWithBit = [UInt64](repeating: 0, count: pairwise ? 256 : 0)
    // Postings as flat linked lists (no array per word): word -> slot; slot -> newest entry and
    // length; entry -> unit and the next (older) entry.
    // Sized for two new words a unit (a long document's units share most sketch words), so the
    // table rarely grows while the document is indexed.
    var postingSlot = HashTable64(capacity: pairwise ? 1 : max(256, 2 * compared))
    var slotHead: [Int32] = []
    var slotCount: [Int32] = []
    var entryUnit: [Int32] = []
    var entryNext: [Int32] = []
    // Or, in a document of at most 2 048 units, each posting list as a set of units (`unitWords`
    // 64-bit words a slot, in `slotBits`): the shared-sketch count of every earlier unit comes
    // from adding up u's sets bit-parallel (four bit planes, counts up to 15; a sketch has at most
    // 255 words, but `sketch` more than 15 takes the lists), instead of visiting each entry of each
    // list. A list's set holds exactly the units its linked list would (the same cap), and a unit
    // is counted once per set holding it as once per list holding it, so every earlier unit gets
    // the same count; removed units are passed over as the walk passes them. `best` is then
    // sorted by a total order (count, then unit), so the order the candidates are found in does
    // not matter.
    let unitWords = (us.count + 63) >> 6
    let useBits = !pairwise && bitCounts && unitWords <= 32 && self.sketch <= 15
    // The sets, `unitWords` words a slot (grown by doubling; a new slot's words are zeroed).
    var slotBits = UnsafeMutablePointer<UInt64>.allocate(capacity: useBits ? 64 * unitWords : 1)
    var slotBitsCapacity = useBits ? 64 * unitWords : 1
    defer { slotBits.deallocate() }
    var sigSlots: [Int] = []
    // Shared-sketch counts per earlier unit, reset through `touched` (no hashing on this path).
    // Pointers: the posting walk is the hot loop of long documents (a unit is touched once per
    // unit i, so `touched` never holds more than all units).
    let sharedCount = pairwise ? 1 : us.count
    let shared = UnsafeMutablePointer<UInt8>.allocate(capacity: sharedCount)
    shared.initialize(repeating: 0, count: sharedCount)
    let touched = UnsafeMutablePointer<Int32>.allocate(capacity: sharedCount)
    defer {
      shared.deallocate()
      touched.deallocate()
    }
    var best: [(count: UInt8, unit: Int32)] = []
    var key: UInt64 = 0
    // A candidate worth aligning: not an exact repeat (identical keys are remove-repeated-
    // sentences' call: kept on purpose as a refrain, or shorter than its min-words), and the
    // filters leave open that one copy holds nearly all the other's sketch words (a lower bound
    // of the missing words: a sketch bit the other unit's filter lacks is a word it lacks).
    // Settled before candidates are ranked, so max-checks counts only candidates that can pass.
    @inline(__always) func mayHold(_ ku: Int, _ c: DedupText.Unit, _ key: UInt64) -> Bool {
      if c.key == key { return false }
      let kc = c.cached
      return !Self.missingExceeds(sketchFilter[ku], wordFilter[kc]) || !Self.missingExceeds(sketchFilter[kc], wordFilter[ku])
    }
    // Pieces of sentences cut by a hard-wrapped line end are neither removed nor kept as copies.
    let pieces = hardWrap ? HardWrap.pieces(us, document) : nil
    // Lines of verse (a refrain, a chorus) likewise.
    let verseUnits = verse ? Verse.units(us, document) : nil
    // Whether the document is a list of records (`DedupText.isRecords`), asked at its first field.
    var records: Bool? = nil
    // Each line's section (`sections`), worked out at the first pair that passes.
    var sectionOf: [Int32]?? = sections ? nil : .some(nil)
    func sameSection(_ a: Int, _ b: Int) -> Bool {
      if sectionOf == nil { sectionOf = .some(DedupText.sections(document)) }
      guard let s = sectionOf! else { return true }
      return s[us[a].fragment] == s[us[b].fragment]
    }
    for i in 0..<us.count {
      if let pieces, pieces[i] { continue }
      if let verseUnits, verseUnits[i] { continue }
      let u = us[i]
      let words = u.tokenEnd - u.tokenStart
      if words < minWords || words > maxWords { continue }
      if !urls && DedupText.isURL(u, document) { continue }
      let ku = u.cached
      key = u.key
      let sig = sketch(ku)
      if sig.isEmpty { continue }
      // Near copies share most of their sketch: at least two words (one for a tiny sketch).
      let need = UInt8(min(2, sig.count))
      best.removeAll(keepingCapacity: true)
      if pairwise {
        // A shared sketch word sets the same bit in both filters.
        var sharing: UInt64 = 0
        for h in sig { sharing |= unitsWithBit[Int(h >> 56)] }
        while sharing != 0 {
          let x = sharing.trailingZeroBitCount
          sharing &= sharing &- 1
          let c = indexed[x]
          let ci = Int(c)
          if removed[ci] { continue }
          let other = sketch(us[ci].cached)
          var k: UInt8 = 0
          for h in sig where other.contains(h) { k += 1 }
          if k >= need && mayHold(ku, us[ci], key) { best.append((k, c)) }
        }
      } else if useBits {
        sigSlots.removeAll(keepingCapacity: true)
        for h in sig { if let slot = postingSlot[h] { sigSlots.append(Int(slot) * unitWords) } }
        if sigSlots.count >= Int(need) {
          // Only units before i are in any set.
          let limit = (i >> 6) + 1
          do {
            let bits = slotBits
            for w in 0..<limit {
              var b0: UInt64 = 0
              var b1: UInt64 = 0
              var b2: UInt64 = 0
              var b3: UInt64 = 0
              for base in sigSlots {
                let v = bits[base + w]
                let c0 = b0 & v
                b0 ^= v
                let c1 = b1 & c0
                b1 ^= c0
                let c2 = b2 & c1
                b2 ^= c1
                b3 |= c2
              }
              var cand = need >= 2 ? (b1 | b2 | b3) : (b0 | b1 | b2 | b3)
              while cand != 0 {
                let x = cand.trailingZeroBitCount
                cand &= cand &- 1
                let c = w << 6 + x
                if removed[c] { continue }
                let k = UInt8(truncatingIfNeeded: (b0 >> UInt64(x)) & 1 | ((b1 >> UInt64(x)) & 1) << 1 | ((b2 >> UInt64(x)) & 1) << 2 | ((b3 >> UInt64(x)) & 1) << 3)
                if mayHold(ku, us[c], key) { best.append((k, Int32(c))) }
              }
            }
          }
        }
      } else {
        var nTouched = 0
        entryUnit.withUnsafeBufferPointer { eu in
          entryNext.withUnsafeBufferPointer { en in
            removed.withUnsafeBufferPointer { rm in
              for h in sig {
                guard let slot = postingSlot[h] else { continue }
                var e = Int(slotHead[Int(slot)])
                while e >= 0 {
                  let c = Int(eu[e])
                  e = Int(en[e])
                  if rm[c] { continue }
                  if shared[c] == 0 {
                    touched[nTouched] = Int32(c)
                    nTouched += 1
                  }
                  shared[c] &+= 1
                }
              }
            }
          }
        }
        for x in 0..<nTouched {
          let c = touched[x]
          let k = shared[Int(c)]
          shared[Int(c)] = 0
          if k >= need && mayHold(ku, us[Int(c)], key) { best.append((k, c)) }
        }
      }
      var kept = i
      if !best.isEmpty {
        if best.count > maxChecks {
          best.sort { $0.count != $1.count ? $0.count > $1.count : $0.unit < $1.unit }
        } else {
          best.sort { $0.unit < $1.unit }
        }
        for (_, c) in best.prefix(maxChecks) {
          let ci = Int(c)
          // Identical keys are exact repeats, which remove-repeated-sentences has already judged
          // (kept on purpose: a refrain, or shorter than its min-words).
          if removed[ci] || us[ci].key == u.key { continue }
          // `similarity`'s length tests first (it fails them for about half the candidates of
          // long documents), before the sketch tests below.
          let wc = us[ci].tokenEnd - us[ci].tokenStart
          if Double(max(words, wc)) * minCoverage > Double(min(words, wc)) { continue }
          // One copy holds the other: nearly all the sketch words of one are in the other. The
          // filters give a lower bound of the missing words (a sketch bit the other unit's
          // filter lacks is a word it lacks), so most pairs are settled without a scan.
          let kc = us[ci].cached
          let overU = Self.missingExceeds(sketchFilter[ku], wordFilter[kc])
          let overC = Self.missingExceeds(sketchFilter[kc], wordFilter[ku])
          if overU && overC { continue }
          if overU || missingMore(sig, in: units.tokens(of: us[ci]), than: Self.maxMissing) {
            if overC || missingMore(sketch(kc), in: units.tokens(of: u), than: Self.maxMissing) { continue }
          }
          if let sim = similarity(units.tokens(of: us[ci]), units.tokens(of: u), terminal: (us[ci].terminal, u.terminal)),
            min(labels.words(us[ci], in: document), labels.words(u, in: document)) >= minWords,
            // A heading, a list item or a short lead-in is neither removed nor the copy of another
            // (tested only for a pair that passes: most units are never in one).
            !structure
              || !(DedupText.isStructure(u, document, records: &records)
                || DedupText.isStructure(us[ci], document, records: &records)),
            // A copy in another section of a structured document says it again on purpose.
            sameSection(ci, i),
            // Code, commands and program output repeat on purpose, and two sentences whose inline
            // code differs say different things (CodeLines).
            !code
              || !(CodeLines.looksLikeCode(u, document) || CodeLines.looksLikeCode(us[ci], document)
                || CodeLines.codeSpans(u, document) != CodeLines.codeSpans(us[ci], document))
          {
            kept = keeper.resolve(
              ci, i, units: units, removed: &removed, plan: &plan, rule: us[ci].wholeLine && u.wholeLine ? "line" : "sentence",
              similarity: sim, what: "near-duplicate")
            break
          }
        }
      }
      if kept == i {
        if pairwise {
          let bit: UInt64 = 1 << UInt64(indexed.count)
          indexed.append(Int32(i))
          for h in sig { unitsWithBit[Int(h >> 56)] |= bit }
          continue
        }
        for h in sig {
          let slot: Int
          if let s = postingSlot[h] {
            slot = Int(s)
            if Int(slotCount[slot]) >= maxPosting { continue }
          } else {
            slot = slotHead.count
            postingSlot[h] = Int32(slot)
            slotHead.append(-1)
            slotCount.append(0)
            if useBits {
              let size = (slot + 1) * unitWords
              if size > slotBitsCapacity {
                let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * size)
                grown.update(from: slotBits, count: slot * unitWords)
                slotBits.deallocate()
                slotBits = grown
                slotBitsCapacity = 2 * size
              }
              (slotBits + slot * unitWords).initialize(repeating: 0, count: unitWords)
            }
          }
          if useBits {
            slotBits[slot * unitWords + i >> 6] |= 1 << UInt64(i & 63)
            slotCount[slot] += 1
            continue
          }
          entryUnit.append(Int32(i))
          entryNext.append(slotHead[slot])
          slotHead[slot] = Int32(entryUnit.count - 1)
          slotCount[slot] += 1
        }
      }
    }
    DedupText.apply(plan, to: &document, &context)
  }

  /// Whether the document provably holds no pair that `run` would remove (see above).
  func fastPathSkips(_ document: Document, _ segmenter: SentenceSegmenter) -> Bool {
    let scan = DedupText.DocScan.of(document, segmenter: segmenter)
    guard
      let pairs = scan.nearDuplicateLines(
        minWords: minWords, maxWords: maxWords, minContainment: minContainment, minCoverage: minCoverage, soft: softSet,
        sketch: sketch)
    else { return false }
    return !anyPairPasses(pairs, document, segmenter, scan: scan)
  }

  /// Whether some pair of units, one in each line of one of the given pairs of lines (or two in
  /// one line), passes every test `run` applies before removing: both compared (`min-words` to
  /// `max-words` words, non-empty sketches), not an exact repeat, candidates (shared sketch
  /// words), one holding the other's sketch, `similarity`, and the speaker-label guard. A pair
  /// that `run` removes passes all of them, so false means `run` would change nothing — provided
  /// every pair it could remove lies in one of these pairs of lines (`nearDuplicateLines`).
  func anyPairPasses(
    _ pairs: [(Int, Int)], _ document: Document, _ segmenter: SentenceSegmenter, scan: DedupText.DocScan? = nil
  ) -> Bool {
    if pairs.isEmpty { return false }
    let cache = DedupText.UnitsCache.of(segmenter)
    cache.trim()
    // The units of each line involved (`lineFirst`, `lineCount`; built on first use).
    var units: [DedupText.Unit] = []
    var lineFirst = [Int32](repeating: -1, count: document.fragments.count)
    var lineCount = [Int32](repeating: 0, count: document.fragments.count)
    func unitsOf(_ f: Int) -> Range<Int> {
      if lineFirst[f] >= 0 { return Int(lineFirst[f])..<Int(lineFirst[f] + lineCount[f]) }
      let start = units.count
      let fragment = document.fragments[f]
      var text = fragment.text
      let e = text.withUTF8 { buf -> Int in
        buf.isEmpty
          ? -1 : cache.entry(for: buf, text: fragment.text, sentences: sentences, segmenter: segmenter, scanned: scan?.line(f))
      }
      if e >= 0 {
        let entry = cache.entries[e]
        for k in Int(entry.first)..<Int(entry.first + entry.count) {
          let c = cache.units[k]
          units.append(
            DedupText.Unit(
              fragment: f, line: fragment.line, range: c.range, wholeLine: entry.whole, tokenStart: c.tokenStart,
              tokenEnd: c.tokenEnd, key: c.key, terminal: c.terminal, bytes: c.range.count, capitals: Int(c.capitals),
              cached: k))
        }
      }
      lineFirst[f] = Int32(start)
      lineCount[f] = Int32(units.count - start)
      return start..<units.count
    }
    // Sketches and word filters once per cached unit, kept in the cache as `run` keeps them
    // (the same `signature`, so the same words).
    var sig: [UInt64] = []
    func prepare(_ x: DedupText.Unit, _ t: ArraySlice<DedupText.Token>) {
      let k = x.cached
      if cache.sketchStart[k] >= 0 { return }
      signature(t, into: &sig)
      cache.sketchStart[k] = Int32(cache.sketchWords.count)
      cache.sketchCount[k] = UInt8(sig.count)
      cache.sketchWords.append(contentsOf: sig)
      var wordBits = SIMD4<UInt64>()
      for w in t { wordBits |= DedupText.UnitsCache.filterBit(w.hash) }
      var sketchBits = SIMD4<UInt64>()
      for h in sig { sketchBits |= DedupText.UnitsCache.filterBit(h) }
      cache.wordFilter[k] = wordBits
      cache.sketchFilter[k] = sketchBits
    }
    var budget = 20_000
    for (f, l) in pairs {
      let a = unitsOf(f)
      let b = unitsOf(l)
      budget -= a.count * b.count
      if budget < 0 { return true }
      cache.prepareSketches(config: sketchConfig)
      let toks = cache.tokens
      for xi in a {
        for yi in b {
          let x = units[xi]
          let y = units[yi]
          if f == l && x.range == y.range { continue }
          let xFirst = x.fragment < y.fragment || (x.fragment == y.fragment && x.range.lowerBound < y.range.lowerBound)
          let c = xFirst ? x : y
          let u = xFirst ? y : x
          let wc = c.tokenEnd - c.tokenStart
          let wu = u.tokenEnd - u.tokenStart
          if wc < minWords || wc > maxWords || wu < minWords || wu > maxWords || c.key == u.key { continue }
          let tc = toks[c.tokenStart..<c.tokenEnd]
          let tu = toks[u.tokenStart..<u.tokenEnd]
          prepare(c, tc)
          prepare(u, tu)
          let kc = c.cached
          let ku = u.cached
          let nc = Int(cache.sketchCount[kc])
          let nu = Int(cache.sketchCount[ku])
          if nc == 0 || nu == 0 { continue }
          let sc = Int(cache.sketchStart[kc])
          let su = Int(cache.sketchStart[ku])
          let sigC = cache.sketchWords[sc..<(sc + nc)]
          let sigU = cache.sketchWords[su..<(su + nu)]
          var shared = 0
          for h in sigU where sigC.contains(h) { shared += 1 }
          if shared < min(2, nu) { continue }
          // One copy holds the other's sketch: the filters' lower bound first, then the words.
          let overU = Self.missingExceeds(cache.sketchFilter[ku], cache.wordFilter[kc])
          let overC = Self.missingExceeds(cache.sketchFilter[kc], cache.wordFilter[ku])
          let uHeld = !overU && !missingMore(sigU, in: tc, than: Self.maxMissing)
          if !uHeld && (overC || missingMore(sigC, in: tu, than: Self.maxMissing)) { continue }
          if similarity(tc, tu, terminal: (c.terminal, u.terminal)) == nil { continue }
          if min(labels.words(c, in: document), labels.words(u, in: document)) < minWords { continue }
          return true
        }
      }
    }
    return false
  }

  /// How many bits of a sketch filter the other unit's word filter lacks: a lower bound of the
  /// sketch words the other unit lacks.
  @inline(__always)
  static func missingBound(_ sketch: SIMD4<UInt64>, _ words: SIMD4<UInt64>) -> Int {
    let m = sketch & ~words
    return m[0].nonzeroBitCount + m[1].nonzeroBitCount + m[2].nonzeroBitCount + m[3].nonzeroBitCount
  }

  /// Whether `missingBound` exceeds `maxMissing`, without counting every bit: the lowest set
  /// bit of the first non-zero lane is cleared `maxMissing` + 1 times, which succeeds exactly
  /// when at least that many bits are set. (The build targets x86-64 without a popcount
  /// instruction, where `nonzeroBitCount` is ~12 instructions a lane; this is the candidate
  /// loop's hottest test on long documents.) `missingBoundAgreesWithItsTest` compares both.
  @inline(__always)
  static func missingExceeds(_ sketch: SIMD4<UInt64>, _ words: SIMD4<UInt64>) -> Bool {
    let m = sketch & ~words
    var x0 = m[0]
    var x1 = m[1]
    var x2 = m[2]
    var x3 = m[3]
    for _ in 0...maxMissing {
      if x0 != 0 {
        x0 &= x0 &- 1
      } else if x1 != 0 {
        x1 &= x1 &- 1
      } else if x2 != 0 {
        x2 &= x2 &- 1
      } else if x3 != 0 {
        x3 &= x3 &- 1
      } else {
        return false
      }
    }
    return true
  }

  /// Whether more than `limit` of the words are not among the tokens (stops counting there).
  func missingMore(_ words: ArraySlice<UInt64>, in toks: ArraySlice<DedupText.Token>, than limit: Int) -> Bool {
    var n = 0
    for h in words where !toks.contains(where: { $0.hash == h }) {
      n += 1
      if n > limit { return true }
    }
    return false
  }

  /// The `sketch` distinct content words with the smallest hashes.
  func signature(_ toks: ArraySlice<DedupText.Token>, into sig: inout [UInt64]) {
    sig.removeAll(keepingCapacity: true)
    // Once the sketch is full, its largest word (kept in `top`, at `topIndex`) is replaced by a
    // smaller new one; a word not below it can neither enter nor be new (the sketch's words are
    // distinct and all at most `top`), so it is passed before the look-ups. The same words in
    // the same places as replacing the maximum found anew each time.
    var top: UInt64 = 0
    var topIndex = 0
    for t in toks {
      let h = t.hash
      if sig.count >= sketch && h >= top { continue }
      if soft.contains(h) || sig.contains(h) { continue }
      if sig.count < sketch {
        sig.append(h)
        if sig.count == sketch, let m = sig.indices.max(by: { sig[$0] < sig[$1] }) {
          topIndex = m
          top = sig[m]
        }
      } else {
        sig[topIndex] = h
        if let m = sig.indices.max(by: { sig[$0] < sig[$1] }) {
          topIndex = m
          top = sig[m]
        }
      }
    }
  }

  /// The containment of the shorter unit in the longer, or nil when they are not near-duplicates.
  func similarity(
    _ a: ArraySlice<DedupText.Token>, _ b: ArraySlice<DedupText.Token>, terminal: (Bool, Bool) = (true, true)
  ) -> Double? {
    let n = a.count
    let m = b.count
    let short = min(n, m)
    let long = max(n, m)
    // The length tests before the copies (about half the calls on long documents end here).
    if short < minWords { return nil }
    if Double(long) * minCoverage > Double(short) { return nil }
    // An upper bound of the common subsequence before computing it: a matched word of one side
    // occurs in the other, so no more words match than either side has words whose filter bit
    // (of 256, from the hash) the other side sets. About half the calls on long documents fail
    // the subsequence test below, most of them already on this bound, without the copies and
    // the n × m table.
    if !Self.mayAlign(a, b, atLeast: max(minContainment * Double(short), minCoverage * Double(long)), all: short < shortWords ? short : 0) {
      return nil
    }
    let x = Array(a)
    let y = Array(b)
    // Numbers: each side having a number the other lacks is a different fact (2019 / 2020).
    let nx = x.filter(\.isNumber)
    let ny = y.filter(\.isNumber)
    if !nx.isEmpty && !ny.isEmpty && nx.contains(where: { t in !ny.contains { $0.hash == t.hash } })
      && ny.contains(where: { t in !nx.contains { $0.hash == t.hash } })
    {
      return nil
    }
    // Longest common subsequence of the words, then the gaps between matches.
    let w = m + 1
    var dp = [Int32](repeating: 0, count: (n + 1) * w)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        dp[i * w + j] = x[i].hash == y[j].hash ? dp[(i + 1) * w + j + 1] + 1 : max(dp[(i + 1) * w + j], dp[i * w + j + 1])
      }
    }
    let lcs = Int(dp[0])
    if Double(lcs) < minContainment * Double(short) || Double(lcs) < minCoverage * Double(long) { return nil }
    if short < shortWords && lcs < short { return nil }
    var i = 0
    var j = 0
    var gx: [DedupText.Token] = []
    var gy: [DedupText.Token] = []
    var extraX = 0  // content words only in x, outside a trailing cut
    var extraY = 0
    var tailX = 0  // content words only in x after the last shared word
    var tailY = 0
    var onlyX = false
    var onlyY = false
    var matched = false
    func closeGap(trailing: Bool) -> Bool {
      guard let (lx, ly) = leftovers(gx, gy) else { return false }
      // A negation dropped or added between shared words flips the meaning.
      if matched && !trailing && (gx.contains { negations.contains($0.hash) } || gy.contains { negations.contains($0.hash) }) {
        return false
      }
      if lx > 0 { onlyX = true }
      if ly > 0 { onlyY = true }
      if !trailing {
        extraX += lx
        extraY += ly
      } else {
        tailX = lx
        tailY = ly
      }
      gx.removeAll(keepingCapacity: true)
      gy.removeAll(keepingCapacity: true)
      return true
    }
    while i < n || j < m {
      if i < n && j < m && x[i].hash == y[j].hash && dp[i * w + j] == dp[(i + 1) * w + j + 1] + 1 {
        if !closeGap(trailing: false) { return nil }
        matched = true
        i += 1
        j += 1
      } else if j >= m || (i < n && dp[(i + 1) * w + j] >= dp[i * w + j + 1]) {
        gx.append(x[i])
        i += 1
      } else {
        gy.append(y[j])
        j += 1
      }
    }
    if !closeGap(trailing: true) { return nil }
    // One copy must hold the other: content words missing on both sides are two different texts.
    if onlyX && onlyY { return nil }
    // The copy that lacks words (the contained one): what it lacks at its start or inside must be
    // a few words; what it lacks at the end is a cut, which a finished sentence is not. A short
    // contained copy may lack nothing inside and only a cut end.
    let containedIsX = onlyY
    let inner = containedIsX ? extraY : extraX
    let tail = containedIsX ? tailY : tailX
    let containedWords = containedIsX ? n : m
    let containedTerminal = containedIsX ? terminal.0 : terminal.1
    let isShort = containedWords < shortWords
    if inner > (isShort ? 0 : maxInserted) { return nil }
    if tail > (isShort ? 0 : maxInserted) && containedTerminal { return nil }
    return Double(lcs) / Double(short)
  }

  /// Whether the common subsequence of `a` and `b` can reach `need` words (and `all`, when not
  /// 0): false when fewer than that many words of either side have their filter bit among the
  /// other side's bits (an upper bound of the matches; `similarity` then fails its subsequence
  /// test). Equal words have equal hashes, so a word of one side found in the other sets a bit
  /// there.
  static func mayAlign(_ a: ArraySlice<DedupText.Token>, _ b: ArraySlice<DedupText.Token>, atLeast need: Double, all: Int) -> Bool {
    var fa = SIMD4<UInt64>()
    var fb = SIMD4<UInt64>()
    for t in a { fa |= DedupText.UnitsCache.filterBit(t.hash) }
    for t in b { fb |= DedupText.UnitsCache.filterBit(t.hash) }
    let bound = min(present(a, in: fb), present(b, in: fa))
    return Double(bound) >= need && bound >= all
  }

  /// How many of the tokens have their filter bit in `filter`.
  @inline(__always)
  static func present(_ toks: ArraySlice<DedupText.Token>, in filter: SIMD4<UInt64>) -> Int {
    var k = 0
    for t in toks where (DedupText.UnitsCache.filterBit(t.hash) & filter) != SIMD4<UInt64>() { k += 1 }
    return k
  }

  /// The content words of a gap left unexplained on each side (after soft words and inflections
  /// of each other are set aside), or nil when both sides have some (a substitution).
  func leftovers(_ gx: [DedupText.Token], _ gy: [DedupText.Token]) -> (Int, Int)? {
    var cx = gx.filter { !soft.contains($0.hash) }
    var cy = gy.filter { !soft.contains($0.hash) }
    if cx.isEmpty || cy.isEmpty { return (cx.count, cy.count) }
    var k = 0
    while k < cx.count {
      let t = cx[k]
      if t.length >= 4 && !t.isNumber,
        let idx = cy.firstIndex(where: { $0.length >= 4 && $0.prefix == t.prefix && !$0.isNumber && abs(Int($0.length) - Int(t.length)) <= 3 })
      {
        cy.remove(at: idx)
        cx.remove(at: k)
      } else {
        k += 1
      }
    }
    if !cx.isEmpty && !cy.isEmpty { return nil }
    return (cx.count, cy.count)
  }
}

