// Importing in bounded memory: distinct ids counted without keeping them, server-log runs
// emitted and forgotten once settled, and a runledger-trace read as two halves.

import RunLifecycle
import Testing
import TestSupport
import Traces

@Suite struct DistinctCounterTests {
    /// Exact (duplicates ignored) up to the limit, then an estimate within 2 %, the same every time.
    @Test func exactThenEstimated() {
        var small = DistinctCounter()
        for index in 0..<3_000 { small.insert("run-\(index % 1_000)") }
        #expect(small.count == 1_000)
        #expect(!small.isEstimate)
        func large() -> DistinctCounter {
            var counter = DistinctCounter()
            for index in 0..<200_000 { counter.insert("01a1fe79-7a8d-767e-8e1e-\(index)") }
            return counter
        }
        let first = large()
        #expect(first.isEstimate)
        #expect(abs(first.count - 200_000) < 4_000, "\(first.count)")
        #expect(large().count == first.count)
    }
}

@Suite struct ServerLogRetirementTests {
    static func line(_ event: String, run: String, at second: Int, extra: String = "") -> String {
        let time = "2026-11-21T14:\(10 + second / 60):\(String(format: "%02d", second % 60)).000000"
        return #"{"event":"\#(event)","run_id":"\#(run)","thread_id":"t-\#(run)","timestamp":"\#(time)Z"\#(extra)}"#
    }

    static func started(_ run: String, at second: Int) -> String {
        line("Starting background run", run: run, at: second)
    }

    static func succeeded(_ run: String, at second: Int) -> String {
        let time = "2026-11-21T14:\(10 + second / 60):\(String(format: "%02d", second % 60)).000000+00:00"
        return line("Background run succeeded", run: run, at: second, extra: #","run_ended_at":"\#(time)","run_exec_ms":900"#)
    }

    static func created(_ run: String, at second: Int) -> String {
        line("Created run", run: run, at: second, extra: #","multitask_strategy":"enqueue""#)
    }

    /// A run's outcome comes out once the run has been terminal for the delay (a minute of log
    /// time), before the end of the log; a line about it within the delay still counts.
    @Test func settledRunsComeOutEarlyAndLateLinesWithinTheDelayCount() throws {
        let text = [
            Self.created("r1", at: 0), Self.started("r1", at: 1), Self.succeeded("r1", at: 2),
            Self.created("r2", at: 3), Self.started("r2", at: 4), Self.succeeded("r2", at: 5),
            Self.line("Run deleted", run: "r2", at: 30),
            Self.created("r3", at: 100), Self.started("r3", at: 101), Self.created("r4", at: 102),
        ].joined(separator: "\n")
        let imported = try importText(text)
        func position(_ predicate: (TraceItem) -> Bool) -> Int? { imported.items.firstIndex(where: predicate) }
        let r1 = try #require(position { if case .outcome(let outcome) = $0 { outcome.runID == "r1" } else { false } })
        let r4Create = try #require(position { if case .request(.create(let create)) = $0 { create.runID == "r4" } else { false } })
        #expect(r1 < r4Create, "r1 settled 98 s before r3's create: its outcome comes out then, not at the end")
        let outcomes = Dictionary(grouping: imported.outcomes, by: \.runID)
        #expect(outcomes["r1"]?.map(\.status) == [.run(.success)])
        #expect(outcomes["r2"]?.map(\.status) == [.deleted], "the delete 25 s later is part of r2's one outcome")
        #expect(outcomes["r3"]?.map(\.status) == [.run(.running)], "r3 is still running at the end of the log")
    }
}

@Suite struct LineSelectionTests {
    /// The request half and the outcome half of a runledger-trace are together the whole of it.
    @Test(arguments: ["load_2slots", "k_cancel_many", "i_if_not_exists"])
    func halvesMakeTheWhole(name: String) throws {
        let bytes = RealRecordings.bytes(name, ".trace.jsonl")
        let whole = try importBytes(bytes)
        let requests = try importBytes(bytes, options: TraceImportOptions(lines: .requests))
        let outcomes = try importBytes(bytes, format: .runledgerTrace, options: TraceImportOptions(lines: .outcomes))
        func isOutcome(_ item: TraceItem) -> Bool {
            switch item {
            case .outcome, .threadOutcome: true
            case .server, .request: false
            }
        }
        #expect(requests.items == whole.items.filter { !isOutcome($0) })
        #expect(outcomes.items == whole.items.filter(isOutcome))
        #expect(requests.items.contains { if case .server = $0 { true } else { false } }, "the header is a request-half line")
    }
}
