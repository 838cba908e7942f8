import Foundation
import Testing

/// The README's generated sections stay equal to what the code says.
@Suite struct ReadmeTests {
  func section(_ name: String) throws -> String {
    let readme = try String(contentsOfFile: CLI.root + "/README.md", encoding: .utf8)
    let begin = try #require(readme.range(of: "<!-- \(name):begin -->\n"))
    let end = try #require(readme.range(of: "<!-- \(name):end -->"))
    return String(readme[begin.upperBound..<end.lowerBound])
  }

  @Test func stageReferenceMatchesTheCode() throws {
    let r = try CLI.run(["stages", "--markdown"])
    #expect(r.status == 0)
    #expect(try section("stages") == r.out, "regenerate with: .build/debug/mend stages --markdown")
  }

  @Test func readmeOpensWithTheTwoCommands() throws {
    let readme = try String(contentsOfFile: CLI.root + "/README.md", encoding: .utf8)
    #expect(readme.hasPrefix("# mend\n\n```sh\nswift build -c release && .build/release/mend examples/"))
    #expect(readme.contains("\nscripts/test\n```"))
    let ci = try String(contentsOfFile: CLI.root + "/.ci/run", encoding: .utf8)
    #expect(ci.contains("\nscripts/test\n"), ".ci/run must run the README's test command")
  }

  @Test func everyRegisteredStageIsInThePipelineTable() throws {
    let table = try section("pipeline")
    let r = try CLI.run(["stages"])
    for line in r.out.split(separator: "\n") where !line.hasPrefix(" ") {
      let id = line.split(separator: ":")[0]
      #expect(table.contains("`\(id)`"), "README pipeline table lacks \(id)")
    }
  }
}
