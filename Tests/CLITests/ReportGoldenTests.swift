import Foundation
import Testing
import TestSupport

/// The reports users read and scripts parse are pinned by golden files: any change to a
/// figure, a key or the layout shows up as a diff. Wall-clock figures (events per second,
/// replay speed) are masked, everything else is deterministic. To accept a deliberate change,
/// run the suite with `RUNLEDGER_UPDATE_GOLDEN=1` and review the diff of `Tests/CLITests/Golden`.
@Suite struct ReportGoldenTests {
    let binary = ExternalCommand.runledgerBinary
    static let goldenDirectory = ExternalCommand.packageRoot + "/Tests/CLITests/Golden"

    /// Replaces the wall-clock parts of a report with `<masked>`.
    static func masked(_ text: String) -> String {
        let patterns = [
            #"\(\d+(\.\d+)? M events/s\)"#,
            #""events_per_s":\s*[0-9.e+]+"#,
        ]
        var result = text
        for pattern in patterns {
            result = result.replacingOccurrences(of: pattern, with: "<masked>", options: .regularExpression)
        }
        return result
    }

    /// Compares `actual` with the golden file `name`, or rewrites it when asked to.
    static func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = goldenDirectory + "/" + name
        if ProcessInfo.processInfo.environment["RUNLEDGER_UPDATE_GOLDEN"] == "1" {
            TestFiles.write(Array(actual.utf8), to: path)
            return
        }
        let expected = String(decoding: TestFiles.read(path), as: UTF8.self)
        guard actual != expected else { return }
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualLines.count, expectedLines.count)
        let shown = { (lines: [Substring]) in firstDifference < lines.count ? String(lines[firstDifference]) : "<end>" }
        Issue.record(
            """
            \(name) differs at line \(firstDifference + 1):
              golden: \(shown(expectedLines))
              actual: \(shown(actualLines))
            (RUNLEDGER_UPDATE_GOLDEN=1 rewrites the golden files)
            """, sourceLocation: sourceLocation)
    }

    func simulate(_ arguments: [String]) throws -> String {
        let directory = TemporaryDirectory("golden")
        let workload = directory.child("chat.json")
        TestFiles.write(Array(SimulateCommandTests.workload(profile: "langgraph-inmem").utf8), to: workload)
        let result = try ExternalCommand.run(binary, ["simulate", workload] + arguments)
        #expect(result.status == 0 || result.status == 1, "\(result.standardError)")
        return Self.masked(result.outputText.replacingOccurrences(of: workload, with: "WORKLOAD.json"))
    }

    @Test func simulateTextReport() throws {
        Self.expectGolden(try simulate(["--seed", "3"]), "simulate-chat-inmem.txt")
    }

    @Test func simulateJSONReport() throws {
        Self.expectGolden(try simulate(["--seed", "3", "--json"]), "simulate-chat-inmem.json")
    }
}
