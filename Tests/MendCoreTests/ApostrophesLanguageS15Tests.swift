import Foundation
import Testing

@testable import MendCore

/// Session 15: the test pages of the chardet encoding detector (real web pages and texts in
/// 20 languages, converted to UTF-8) took English apostrophe repairs in other languages: Spanish
/// `las sospechas` became `la's sospechas`, Croatian and Slovak `im` became `I'm`, Slovene `itd`
/// (`etc.`) became `it'd`, Dutch `Als men` became `Al's men`, Hungarian `Uniós` became `Unió's`.
/// The stage now repairs only English text (`EnglishGate`): a line of enough words is judged on its
/// own, a shorter one by its document. Each case is written after one of those pages (not copied).
@Suite struct ApostrophesLanguageS15Tests {
  static let pipeline = RepairApostrophesTests.pipeline

  func fix(_ s: String) -> (text: String, changes: [Change]) {
    let r = Self.pipeline.clean(s)
    return (r.text, r.changes)
  }

  static let spanish = """
    A partir de ese momento la investigación se amplió ante las sospechas de que hubiera otras \
    víctimas en la misma ciudad, y los agentes revisaron todas las denuncias de los últimos años.
    La policía pidió a los vecinos que llamaran si recordaban algo de aquellas noches.
    """

  static let croatian = """
    Kad su im roditelji rekli da moraju krenuti, djeca su im odgovorila da žele ostati još malo \
    kod bake, jer im je ondje bilo lijepo i nitko im nije branio igrati se u vrtu do mraka.
    """

  static let slovene = """
    Na fakulteti smo se učili računovodstva, marketinga itd. in vse to smo počeli neobremenjeno, \
    pogosto celo skozi igro, zato se danes vsega spominjamo z veseljem in brez slabe vesti.
    """

  static let dutch = """
    Hij betreurde het slechts dat hij het niet beter geheim had kunnen houden. Als men niet \
    gepakt wordt, is men geen dief, dacht hij, maar hij voelde wel dat het niet zo eenvoudig was.
    """

  @Test(arguments: [spanish, croatian, slovene, dutch])
  func otherLanguagesAreLeftAlone(_ s: String) {
    let r = fix(s)
    #expect(r.text == s)
    #expect(r.changes.filter { $0.applied }.isEmpty)
  }

  /// English with its apostrophes stripped is still repaired, a line at a time and in a short
  /// document.
  @Test func englishIsStillRepaired() {
    #expect(fix("Moscows reply came late.").text == "Moscow's reply came late.")
    let s = """
      The minister said the government didnt know about the plan, and that its officials were \
      never told what Moscows envoy had agreed with the other side before the talks in Geneva.
      """
    #expect(fix(s).text.contains("didn't know"))
    #expect(fix(s).text.contains("Moscow's envoy"))
  }

  /// An English article that quotes a paragraph in Spanish: the English lines are repaired, the
  /// Spanish one (enough words to judge it alone) is not.
  @Test func aForeignParagraphInAnEnglishDocument() {
    let s = "The police didnt say how many people were questioned on Monday.\n" + Self.spanish + "\n"
      + "It wasnt clear when the investigation would end, the spokesman said.\n"
    let out = fix(s).text
    #expect(out.contains("didn't say"))
    #expect(out.contains("wasn't clear"))
    #expect(out.contains("ante las sospechas"))
    #expect(!out.contains("la's"))
  }

  static func share(_ line: String) throws -> (words: Int, english: Int) {
    let entry = try #require(Repo.pipeline.entries.first { $0.id == "repair-apostrophes" })
    let stage = try #require(entry.stage as? RepairApostrophes)
    let gate = try #require(stage.english)
    var t = line
    return t.withUTF8 { stage.englishShare($0, gate: gate) }
  }

  @Test func theGateCountsEnglishFunctionWords() throws {
    #expect(try Self.share(Self.spanish).english == 0)
    let e = try Self.share("The minister said that the plan was not known to the officials of the city.")
    #expect(e.words == 15 && e.english == 8)
    // Words in other scripts are not counted: they are neither English nor evidence against it.
    #expect(try Self.share("I didnt get AIDS. ((hi)) मुझे एड्स नहीं हुआ।").words == 5)
    // Latin letters with diacritics are letters of a word.
    #expect(try Self.share("investigación víctimas últimos").words == 3)
  }

  /// The fast path reads the share from the token masks; the reference counts `tokenize`'s
  /// tokens. Both agree on the corpus's first 3 000 paragraphs and on the cases above.
  @Test func masksAndTokensGiveTheSameShare() throws {
    let entry = try #require(Repo.pipeline.entries.first { $0.id == "repair-apostrophes" })
    let stage = try #require(entry.stage as? RepairApostrophes)
    let gate = try #require(stage.english)
    var lines = [
      Self.spanish, Self.croatian, Self.slovene, Self.dutch, "didn’t — it’s “quoted” naïve café 3D x86",
      "internationalisation 1234567890 abcdefghijklmnop 12345678901a Москва-on-Thames 1,000,000,000 3.14159265",
    ]
    let path = Repo.path("../shared/corpora/wikinews-en/wikinews.jsonl")
    try #require(FileManager.default.fileExists(atPath: path), "the evaluation corpus is missing at \(path)")
    lines += try SentenceSegmenterFastPathTests.paragraphs(ofJSONLines: path).prefix(3000)
    #expect(lines.count > 3000)
    for line in lines {
      var t = line
      t.withUTF8 { buf in
        guard let p = buf.baseAddress else { return }
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: (buf.count + 63) / 64 + 1)
        let high = UnsafeMutablePointer<UInt64>.allocate(capacity: (buf.count + 63) / 64 + 1)
        defer {
          words.deallocate()
          high.deallocate()
        }
        var ia = 0
        var ic = 0
        var curly = false
        _ = stage.lineMasks(buf, words: words, high: high, internalAscii: &ia, internalCurly: &ic, anyCurly: &curly)
        let fast = gate.share(p, buf.count, masks: words)
        let reference = stage.englishShare(buf, gate: gate)
        #expect(fast == reference, "\(line)")
      }
    }
  }

  /// A word list of any length: the table keeps 255 words and every look-up ends.
  @Test func aLongWordListIsCut() {
    var words: [String] = []
    for a in UInt8(0x61)...UInt8(0x7A) { for b in UInt8(0x61)...UInt8(0x6A) { words.append(String(decoding: [a, b], as: UTF8.self)) } }
    let gate = EnglishGate(words: words, minShare: 0.04, minWords: 25)
    #expect(gate.table.filter { $0 != 0 }.count == 255)
    var words2 = 0
    var english = 0
    let text = Array("zz qq aa".utf8)
    text.withUnsafeBufferPointer { b in
      gate.count(b.baseAddress!, 0, 2, &words2, &english)
      gate.count(b.baseAddress!, 3, 5, &words2, &english)
      gate.count(b.baseAddress!, 6, 8, &words2, &english)
    }
    #expect(words2 == 3 && english == 1)
  }
}
