// Feeding is independent of how the bytes are cut, bad lines are named, and --skip-bad counts.

import RunLifecycle
import Testing
import TestSupport
import Traces

@Suite struct StreamingTests {
    /// The same bytes cut into random chunk sizes (1 byte to 64 KiB, seeded) give exactly the
    /// same items and summary as one whole buffer, in both formats.
    @Test(arguments: ["e_rollback_with_2_pending.server.jsonl", "k_cancel_many.trace.jsonl", "w_wait_endpoint_then_rollback.server.jsonl"])
    func chunkBoundariesDoNotMatter(file: String) throws {
        let bytes = TestFiles.read(RealRecordings.directory + "/" + file)
        let whole = try importBytes(bytes)
        for seed: UInt64 in [1, 2, 3] {
            var random = TestRandom(seed: seed)
            let cut = try importBytes(bytes) {
                let shape = random.next() % 4
                return shape == 0 ? 1 : Int(random.next() % (shape == 1 ? 7 : shape == 2 ? 300 : 65_536)) + 1
            }
            #expect(cut.items == whole.items, "seed \(seed)")
            #expect(cut.summary == whole.summary, "seed \(seed)")
        }
    }

    /// A missing final newline, CRLF endings and blank lines change nothing but the counts.
    @Test func lineEndingsDoNotMatter() throws {
        let text = String(decoding: RealRecordings.bytes("a1_reject_while_running", ".trace.jsonl"), as: UTF8.self)
        let plain = try importText(text)
        let crlf = try importText("\r\n" + text.split(separator: "\n").joined(separator: "\r\n\n"))
        #expect(crlf.items == plain.items)
        #expect(crlf.summary.emptyLines > 0)
    }

    /// A runledger-trace line that is not JSON, or lacks a required field, or has a wrong type,
    /// stops the import with its line number and the column of the fault.
    @Test func badTraceLinesNameLineAndColumn() {
        let header = #"{"type":"header","format":"runledger-trace","version":1,"t0":"2026-11-21T13:52:20.961339Z"}"#
        let good = #"{"type":"join","t_us":5,"run_id":"r","thread_id":"t","status_code":200}"#
        let cases: [(String, Int?, TraceError.Reason)] = [
            (#"{"type":"join","run_id":"r""#, 28, .syntax(.unexpectedEnd)),
            (#"{"type":"join","t_us":5}"#, nil, .missingField("run_id")),
            (#"{"type":"cancel","t_us":5,"run_id":"r","action":"stop"}"#, 49, .invalidField("action", expected: "interrupt or rollback")),
            (#"{"type":"join","at":"yesterday","run_id":"r"}"#, 21, .invalidField("at", expected: "an ISO-8601 time")),
            ("hello", 1, .syntax(.unexpectedByte(UInt8(ascii: "h")))),
        ]
        for (bad, column, reason) in cases {
            #expect(throws: TraceError(line: 3, column: column, reason: reason), "\(bad)") {
                try importText([header, good, bad, good].joined(separator: "\n"))
            }
        }
        #expect(throws: TraceError(line: 1, column: nil, reason: .unsupportedFormat("version 2 (this reader knows 1)"))) {
            try importText(#"{"type":"header","format":"runledger-trace","version":2}"#)
        }
    }

    /// With skipBadLines, bad lines are counted, the first ones kept by number, and the good lines
    /// around them still import; unknown line types are counted, not fatal.
    @Test func skipBadCountsAndKeepsTheFirstLineNumbers() throws {
        var lines = [#"{"type":"header","format":"runledger-trace","version":1}"#]
        for index in 0..<8 {
            lines.append(#"{"type":"join","at":"2026-11-21T13:52:20Z","run_id":"r\#(index)"}"#)
            lines.append("{broken")
        }
        lines.append(#"{"type":"snapshot","x":1}"#)
        let imported = try importText(lines.joined(separator: "\n"), options: TraceImportOptions(skipBadLines: true))
        #expect(imported.summary.badLines == 8)
        #expect(imported.summary.firstBadLines.map(\.line) == [3, 5, 7, 9, 11])
        #expect(imported.summary.counts.joins == 8)
        #expect(imported.summary.unknownLineTypes == [.init(type: "snapshot", lines: 1)])
    }

    /// In a server log, lines that are not JSON objects are skipped and counted, torn JSON lines
    /// are counted apart, and unrelated events are ignored; only lifecycle lines make items.
    @Test func serverLogSkipsNonJSONLines() throws {
        let text = """
        INFO:langgraph_api.cli:
        {"event":"Starting 3 background workers","logger":"langgraph_runtime_inmem.queue","timestamp":"2026-11-21T13:52:20.798995Z"}
        Traceback (most recent call last):
        {"run_id":"r1","thread_id":"t1","multitask_strategy":"interrupt","after_seconds":1.5,"if_not_exists":"create","run_create_ms":2,"event":"Created run","timestamp":"2026-11-21T13:52:20.977864Z","path":"/threads/{thread_id}/runs/stream"}
        {"event":"Created run","run_id":
        {"event":"Worker stats","max":3,"timestamp":"2026-11-21T13:52:21Z"}
        ["a list"]
        """
        let imported = try importText(text)
        #expect(imported.summary.format == .langgraphLog)
        #expect(imported.summary.nonJSONLines == 4)
        #expect(imported.summary.malformedJSONLines == 1)
        #expect(imported.summary.ignoredLines == 1)
        #expect(imported.summary.slots == 3)
        let create = try #require(imported.creates.first)
        #expect(create == TraceCreate(
            at: Timestamp(microsecondsSinceEpoch: 1_795_269_140_975_864), runID: "r1", threadID: "t1",
            strategy: .interrupt, ifNotExists: .create, after: .milliseconds(1_500), endpoint: .stream))
        #expect(imported.outcomes.map(\.status) == [.run(.pending)])
        #expect(imported.outcomes.first?.createdAt == Timestamp(microsecondsSinceEpoch: 1_795_269_142_477_864))
    }

    /// The splitter refuses a line longer than its maximum and names that line.
    @Test func overlongLinesAreNamed() {
        let text = Array("{}\n{}\n{\"a\":\"\(String(repeating: "x", count: 100))\"}\n".utf8)
        #expect(throws: TraceError(line: 3, column: nil, reason: .lineTooLong(maximumBytes: 64))) {
            try importBytes(text, format: .langgraphLog, maximumLineBytes: 64) { 5 }
        }
    }
}
