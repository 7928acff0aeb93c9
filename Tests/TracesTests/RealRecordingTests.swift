// Every real recording, read in both formats, tells the same story where both can see it.

import RunLifecycle
import Testing
import Traces

@Suite struct RealRecordingTests {
    /// The recordings are present (so the parameterised test below cannot pass vacuously).
    @Test func recordingsArePresent() {
        #expect(RealRecordings.names.count >= 46)
    }

    /// For one recording, the server log and the client trace agree: the same accepted creates
    /// with the same run ids, threads, strategies and delays; as many 409 and 404 refusals,
    /// cancels, bulk cancels, joins and deletes; the same final status for every run; and the
    /// same microsecond start and end times (both come from the same worker lines). Neither file
    /// has a bad line.
    @Test(arguments: RealRecordings.names)
    func serverLogAndTraceAgree(name: String) throws {
        let log = try importBytes(RealRecordings.bytes(name, ".server.jsonl"))
        let trace = try importBytes(RealRecordings.bytes(name, ".trace.jsonl"))
        #expect(log.summary.format == .langgraphLog)
        #expect(trace.summary.format == .runledgerTrace)
        #expect(log.summary.badLines == 0 && log.summary.malformedJSONLines == 0)
        #expect(trace.summary.unknownLineTypes.isEmpty)
        #expect(log.summary.nonJSONLines > 0, "the banner is not JSON and is skipped")

        // Creates: one `Created run` per accepted create, same order, same ids and parameters.
        #expect(log.creates.map(\.runID) == trace.creates.map(\.runID))
        for (logged, traced) in zip(log.creates, trace.creates) {
            #expect(logged.threadID == traced.threadID)
            #expect(logged.strategy == (traced.strategy ?? .enqueue), "the log states the default the trace omits")
            #expect((logged.after ?? .zero) == (traced.after ?? .zero))
            #expect(logged.endpoint == traced.endpoint)
            #expect(logged.work == nil && traced.work != nil)
            // The server sees the request a little after the client sent it.
            let delay = logged.at - traced.at
            #expect(delay.count >= -2_000 && delay.count < 500_000, "\(logged.runID): \(delay)")
        }
        let logCounts = log.summary.counts
        let traceCounts = trace.summary.counts
        #expect(logCounts.rejectedCreates == traceCounts.rejectedCreates)
        #expect(logCounts.notFoundCreates == traceCounts.notFoundCreates)
        #expect(logCounts.cancels == traceCounts.cancels)
        #expect(logCounts.bulkCancels == traceCounts.bulkCancels)
        #expect(logCounts.joins == traceCounts.joins)
        #expect(logCounts.deletes == traceCounts.deletes)
        #expect(log.summary.slots == trace.summary.slots && log.summary.slots != nil)

        // Outcomes: the same runs, statuses, attempts and worker times.
        let traced = Dictionary(uniqueKeysWithValues: trace.outcomes.map { ($0.runID, $0) })
        #expect(log.outcomes.count == trace.outcomes.count)
        for outcome in log.outcomes {
            guard let other = traced[outcome.runID] else {
                Issue.record("\(name): run \(outcome.runID) has no outcome in the trace")
                continue
            }
            #expect(outcome.status == other.status, "\(name) \(other.runReference ?? ""): log \(outcome.status.name), trace \(other.status.name)")
            #expect(outcome.attempts == other.attempts)
            #expect(outcome.startedAt == other.startedAt)
            #expect(outcome.endedAt == other.endedAt)
            #expect(outcome.eagerlyDeleted == other.eagerlyDeleted)
            #expect(outcome.cancels == other.cancels)
            if outcome.startedAt != nil { #expect(outcome.createdAt == other.createdAt) }
            #expect(outcome.checkpoints == nil && other.checkpoints != nil)
        }
    }

    /// The refused creates of the scenarios that refuse show up in both formats as the right
    /// kind: reject on a busy thread is 409, an unknown thread without `if_not_exists=create` is 404.
    @Test func refusalsHaveTheirKinds() throws {
        let reject = try importBytes(RealRecordings.bytes("a1_reject_while_running", ".server.jsonl"))
        #expect(reject.summary.counts.rejectedCreates == 1)
        let missing = try importBytes(RealRecordings.bytes("i_if_not_exists", ".trace.jsonl"))
        #expect(missing.summary.counts.notFoundCreates == 2)
        #expect(missing.summary.counts.rejectedCreates == 1)
    }

    /// A load recording interns densely: run ids 1…n in creation order, the same numbers on a
    /// second pass.
    @Test func internsDenselyAndDeterministically() throws {
        let trace = try importBytes(RealRecordings.bytes("load_2slots", ".trace.jsonl"))
        func intern() -> ([RunID], [ThreadID]) {
            var interner = IDInterner()
            let runs = trace.creates.map { interner.runID($0.runID) }
            let threads = trace.creates.map { interner.threadID($0.threadID) }
            return (runs, threads)
        }
        let (runs, threads) = intern()
        #expect(runs == (1...runs.count).map { RunID(UInt32($0)) })
        #expect(Set(threads).count <= trace.summary.threads)
        #expect(threads.map(\.rawValue).max() == UInt32(Set(threads).count))
        #expect(intern().1 == threads)
    }
}
