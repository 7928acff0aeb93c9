// `runledger trace stat` on the built binary: counts by kind as JSON, and `file:line:` with exit
// status 2 on a bad line.

import Foundation
import Testing
import TestSupport

@Suite struct TraceStatCommandTests {
    /// A real trace prints one JSON object with its format and counts; a trace with a bad third
    /// line exits 2 naming `file:3:`, and with --skip-bad it succeeds and counts the line.
    @Test func statPrintsCountsAndNamesBadLines() throws {
        let binary = ExternalCommand.runledgerBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build runledger first")
        let good = try ExternalCommand.run(binary, ["trace", "stat", "--json", RealRecordings.directory + "/k_cancel_many.server.jsonl"])
        #expect(good.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(good.standardOutput)) as? [String: Any]
        #expect(object?["format"] as? String == "langgraph-log")
        #expect((object?["items"] as? [String: Int])?["bulk_cancel"] == 2)

        let directory = TemporaryDirectory("trace-stat")
        let path = directory.child("bad.trace.jsonl")
        TestFiles.write(Array("""
        {"type":"header","format":"runledger-trace","version":1}
        {"type":"join","at":"2026-11-21T13:52:20Z","run_id":"r"}
        {"type":"join","run_id":
        """.utf8), to: path)
        let bad = try ExternalCommand.run(binary, ["trace", "stat", path])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains("\(path):3:"), "\(bad.standardError)")
        let skipped = try ExternalCommand.run(binary, ["trace", "stat", "--skip-bad", "--json", path])
        #expect(skipped.status == 0)
        #expect(skipped.outputText.contains("\"bad_lines\":1"))
    }
}
