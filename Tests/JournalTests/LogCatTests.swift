// `runledger log cat` prints a journal's records as events: the built binary is run on a
// journal written here, and its JSON lines and text lines are checked field by field.

import Foundation
import Journal
import RunLifecycle
import TestSupport
import Testing

@Suite struct LogCatTests {
    func writeSampleJournal(_ directory: TemporaryDirectory) throws {
        let writer = try JournalWriter(
            directory: directory.path,
            header: JournalHeader(profile: .langgraphInmem, slotCount: 2, metadata: [.init(key: "seed", value: "7")]))
        try writer.define(.thread(ThreadID(1)), as: "thread \"one\"")
        try writer.append(.threadCreated(thread: ThreadID(1), temporary: false, status: .busy, at: at(10)))
        try writer.append(.created(RunCreated(
            runID: RunID(1), threadID: ThreadID(1), assistantID: AssistantID(1), strategy: .rollback, requestedAt: at(10),
            after: .seconds(1), work: [.zero, .milliseconds(500)], subscribed: true)))
        try writer.append(.failed(run: RunID(1), thread: ThreadID(1), cause: .exceededMaxAttempts, at: at(20)))
        try writer.append(.commandRefused(run: nil, command: .serverRestart, reason: .clockWentBackwards, at: at(30)))
        try writer.close()
    }

    // JSON lines carry snake_case keys, the header and definitions come out as records of
    // their own, and events show the external names their definitions gave.
    @Test func journalAsJSONLines() throws {
        let binary = ExternalCommand.runledgerBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no runledger binary at \(binary); build with --build-tests")
            return
        }
        let directory = TemporaryDirectory("journal-cat")
        try writeSampleJournal(directory)
        let result = try ExternalCommand.run(binary, ["log", "cat", "--json", directory.path])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.outputText.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        try #require(lines.count == 6)
        #expect(lines[0]["record"] as? String == "header")
        #expect(lines[0]["profile"] as? String == "langgraph-inmem")
        #expect(lines[0]["slots"] as? Int == 2)
        #expect((lines[0]["metadata"] as? [String: String]) == ["seed": "7"])
        #expect(lines[1]["record"] as? String == "define")
        #expect(lines[1]["name"] as? String == "thread \"one\"")
        #expect(lines[3]["seq"] as? Int == 3)
        #expect(lines[3]["at_us"] as? Int == 10)
        #expect(lines[3]["event"] as? String == "created")
        #expect(lines[3]["thread_name"] as? String == "thread \"one\"")
        #expect(lines[3]["strategy"] as? String == "rollback")
        #expect(lines[3]["created_at_us"] as? Int == 1_000_010)
        #expect(lines[3]["work_us"] as? [Int] == [0, 500_000])
        #expect(lines[4]["cause"] as? String == "exceeded_max_attempts")
        #expect(lines[5]["command"] as? String == "server_restart")
        #expect(lines[5]["run"] is NSNull)
    }

    // Without --json each record is one readable line: sequence, time, then key=value pairs.
    // Starting past the definitions (--from-seq) prints dense ids without external names.
    @Test func journalAsText() throws {
        let binary = ExternalCommand.runledgerBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no runledger binary at \(binary); build with --build-tests")
            return
        }
        let directory = TemporaryDirectory("journal-cat")
        try writeSampleJournal(directory)
        let result = try ExternalCommand.run(binary, ["log", "cat", "--from-seq", "4", directory.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.outputText == """
            4\t20\tfailed run=1 thread=1 cause=exceeded_max_attempts
            5\t30\tcommand_refused run=none command=server_restart reason=clock_went_backwards

            """)
    }
}
