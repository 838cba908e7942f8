import Foundation

extension RepairApostrophes {
  /// `Francis DSouza … DSouza worked with` → D'Souza both times: a name-prefix repair needs a given
  /// name before the token (Dinesh DSouza), so the same name later on its own (`DSouza had been`,
  /// `for DSouza.`) was left. Once the document has an applied name-prefix repair, every other
  /// whole-token occurrence of the same stripped bytes gets it too, with that line as evidence. On
  /// the fit split without its dev fold: 6 such tokens (DSouza ×5, ODonnell), all names with an
  /// apostrophe in the original; none on the dev fold. Runs only for documents with such a repair.
  func repeatNamePrefixes(_ document: Document, _ proposals: inout [Proposal]) {
    var names: [(before: [UInt8], after: [UInt8], line: Int)] = []
    var covered = Set<Int>()
    for p in proposals {
      covered.insert(p.fragment << 32 | p.start)
      guard p.rule == "name-prefix", p.applied else { continue }
      let bytes = Array(document.fragments[p.fragment].text.utf8)
      let before = Array(bytes[p.start..<p.end])
      if !names.contains(where: { $0.before == before }) {
        names.append((before, p.after, document.fragments[p.fragment].line))
      }
    }
    if names.isEmpty { return }
    func wordByte(_ b: UInt8) -> Bool { Bytes.isAlnum(b) || b >= 0x80 || b == 0x27 }
    for fi in document.fragments.indices {
      var text = document.fragments[fi].text
      text.withUTF8 { buf in
        let n = buf.count
        for name in names {
          let m = name.before.count
          var i = 0
          while i + m <= n {
            defer { i += 1 }
            if buf[i] != name.before[0] || (i > 0 && wordByte(buf[i - 1])) { continue }
            if i + m < n && wordByte(buf[i + m]) { continue }
            var j = 1
            while j < m && buf[i + j] == name.before[j] { j += 1 }
            if j < m || covered.contains(fi << 32 | i) { continue }
            covered.insert(fi << 32 | i)
            let word = String(decoding: name.before, as: UTF8.self)
            proposals.append(
              Proposal(
                fragment: fi, start: i, end: i + m, after: name.after, rule: "name-prefix",
                reason: "'\(word)' is no word; the document writes it '\(String(decoding: name.after, as: UTF8.self))' after a given name (line \(name.line))",
                confidence: 0.85, applied: true, inferred: true))
          }
        }
      }
    }
  }
}
