import Foundation
import Replay
import RunLifecycle
import Simulation
import TestSupport
import Testing
import Traces

/// Reads a trace file through the importer, as the CLI does (whole file; test traces are small).
func importItems(_ path: String) throws -> (items: [TraceItem], format: TraceFormat?) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try importItems(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
}

func importItems(lines: [String]) throws -> (items: [TraceItem], format: TraceFormat?) {
    var importer = TraceImporter(format: nil)
    var items: [TraceItem] = []
    for line in lines { try importer.feed(line: line, into: &items) }
    let summary = importer.finish(into: &items)
    return (items, summary.format)
}

let realTraces = ExternalCommand.packageRoot + "/traces/real/"

func traceFiles(suffix: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: realTraces)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
}

@Suite struct RealTraceConformance {
    /// The issue's acceptance: every real recording replays with 100 % status and per-thread
    /// order agreement and a median |queue-wait error| of at most one poll interval.
    @Test(arguments: traceFiles(suffix: ".trace.jsonl"))
    func replayAgreesWithTheRecording(file: String) throws {
        let (items, format) = try importItems(realTraces + file)
        let (run, report) = Replay.replay(items: items, format: format)
        #expect(!run.isWhatIf)
        #expect(report.runs.count > 0)
        #expect(report.statusAgreement == 1, "\(file): \(report.firstDivergence.map { "\($0.kind) \($0.run.name): trace \($0.trace); model \($0.model)" } ?? "")")
        #expect(report.threadOrderAgreement == 1, "\(file)")
        #expect(report.queueWaitError.p50 <= Double(run.pollIntervalMilliseconds), "\(file): p50 \(report.queueWaitError.p50) ms")
        #expect(report.safetyViolations + report.livenessViolations == 0, "\(file): \(report.violationDescriptions)")
    }

    @Test func everyRecordingIsThere() {
        #expect(traceFiles(suffix: ".trace.jsonl").count == 48)
    }
}

@Suite struct FirstDivergence {
    /// b1 doctored: R2's recorded outcome says it never ran (interrupted); the model runs it.
    @Test func aDoctoredOutcomeIsNamedWithBothSides() throws {
        let text = try String(contentsOfFile: realTraces + "b1_enqueue_while_running.trace.jsonl", encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let index = try #require(lines.lastIndex { $0.contains("\"type\":\"outcome\"") && $0.contains("\"run\":\"R2\"") })
        lines[index] = lines[index]
            .replacingOccurrences(of: "\"status\":\"success\"", with: "\"status\":\"interrupted\"")
            .replacingOccurrences(of: #""started_at":"[^"]*""#, with: "\"started_at\":null", options: .regularExpression)
        let (items, format) = try importItems(lines: lines)
        let (_, report) = Replay.replay(items: items, format: format)
        #expect(report.statusAgreement == 0.5)
        let divergence = try #require(report.firstDivergence)
        #expect(divergence.kind == .status)
        #expect(divergence.run.reference == "R2")
        #expect(divergence.trace.contains("interrupted"))
        #expect(divergence.trace.contains("never started"))
        #expect(divergence.model.contains("success"))
        #expect(divergence.modelEvents.contains { $0.contains("started R2") })
        #expect(divergence.traceRequests.contains { $0.contains("create R2") })
    }

    @Test func anUndoctoredTraceHasNone() throws {
        let (items, format) = try importItems(realTraces + "b1_enqueue_while_running.trace.jsonl")
        #expect(Replay.replay(items: items, format: format).report.firstDivergence == nil)
    }
}

@Suite struct WhatIf {
    /// load_2slots with 10 slots: the recorded head-of-line and slot waits shrink.
    @Test func moreSlotsReduceTheWaits() throws {
        let (items, format) = try importItems(realTraces + "load_2slots.trace.jsonl")
        let (run, report) = Replay.replay(items: items, format: format, options: ReplayOptions(slots: 10))
        #expect(run.isWhatIf)
        #expect(run.slots == 10)
        let recorded = report.runs.compactMap(\.recordedQueueWait).map(\.count).reduce(0, +)
        let simulated = report.runs.compactMap(\.modelQueueWait).map(\.count).reduce(0, +)
        let recordedCount = report.runs.compactMap(\.recordedQueueWait).count
        let simulatedCount = report.runs.compactMap(\.modelQueueWait).count
        #expect(simulated / Int64(simulatedCount) * 3 < recorded / Int64(recordedCount))
        #expect(!report.whatIfChanges.isEmpty)
        #expect(report.whatIfChanges.contains { $0.changes.contains { $0.hasPrefix("queue wait") } })
    }

    /// Every create with reject: runs that were enqueued behind others are now refused.
    @Test func rejectEverywhereRefusesDoubleTexts() throws {
        let (items, format) = try importItems(realTraces + "b2_enqueue_fifo_3_queued.trace.jsonl")
        let (_, report) = Replay.replay(items: items, format: format, options: ReplayOptions(strategy: .reject))
        #expect(report.runs.filter { $0.modelStatus == .rejected }.count == 3)
        #expect(report.whatIfChanges.filter { $0.changes.contains("status success -> rejected") }.count == 3)
    }
}

@Suite struct ReplayInputs {
    /// Refused creates get no run id; the model's own ids map to the accepted runs in order.
    @Test func refusedCreatesAreMappedToRejections() throws {
        let (items, format) = try importItems(realTraces + "i_if_not_exists.trace.jsonl")
        let (_, report) = Replay.replay(items: items, format: format)
        #expect(report.runs.map(\.recordedStatus.description) == report.runs.map(\.modelStatus.description))
        #expect(report.runs.filter { $0.recordedStatus == .notFound }.count == 2)
        #expect(report.runs.filter { $0.recordedStatus == .rejected }.count == 1)
        #expect(report.runs.compactMap(\.modelRunID).map(\.rawValue) == [1, 2])
    }

    @Test func theServerLogReplaysToo() throws {
        let (items, format) = try importItems(realTraces + "e_rollback_with_2_pending.server.jsonl")
        #expect(format == .langgraphLog)
        let (_, report) = Replay.replay(items: items, format: format)
        #expect(report.statusAgreement == 1)
        #expect(report.runs.filter { $0.recordedStatus == .deleted }.count == 3)
    }
}

@Suite struct ReplayCLI {
    @Test func jsonKeysAndExitZeroOnAgreement() throws {
        let result = try ExternalCommand.run(
            ExternalCommand.runledgerBinary, ["replay", realTraces + "a1_reject_while_running.trace.jsonl", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        for key in ["runs_compared", "status_agreement", "order_agreement", "queue_wait_error_ms", "first_divergence",
                    "invariant_violations", "replay_speedup", "global_order_agreement"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["first_divergence"] is NSNull)
        let waits = try #require(object["queue_wait_error_ms"] as? [String: Any])
        #expect(waits["p50"] != nil && waits["p95"] != nil && waits["max"] != nil)
        #expect(object["status_agreement"] as? Double == 1)
    }

    @Test func exitOneOnADivergenceAndZeroInWhatIf() throws {
        let directory = TemporaryDirectory("replay-cli")
        let text = try String(contentsOfFile: realTraces + "b1_enqueue_while_running.trace.jsonl", encoding: .utf8)
        let doctored = text.replacingOccurrences(
            of: #""run":"R2","thread":"T1","thread_id":"([^"]*)","run_id":"([^"]*)","status":"success""#,
            with: #""run":"R2","thread":"T1","thread_id":"$1","run_id":"$2","status":"deleted""#,
            options: .regularExpression)
        #expect(doctored != text)
        let path = directory.child("doctored.trace.jsonl")
        try doctored.write(toFile: path, atomically: true, encoding: .utf8)
        let diverged = try ExternalCommand.run(ExternalCommand.runledgerBinary, ["replay", path, "--json"])
        #expect(diverged.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(diverged.standardOutput)) as? [String: Any])
        let divergence = try #require(object["first_divergence"] as? [String: Any])
        #expect(divergence["run"] as? String == "R2")
        #expect(divergence["kind"] as? String == "status")
        let tolerated = try ExternalCommand.run(
            ExternalCommand.runledgerBinary, ["replay", path, "--json", "--min-status-agreement", "0.5"])
        #expect(tolerated.status == 0)
        let whatIf = try ExternalCommand.run(ExternalCommand.runledgerBinary, ["replay", path, "--slots", "1"])
        #expect(whatIf.status == 0)
        #expect(whatIf.outputText.contains("what-if"))
        let bad = try ExternalCommand.run(ExternalCommand.runledgerBinary, ["replay", path, "--strategy", "sometimes"])
        #expect(bad.status == 2)
    }

    @Test func logWritesAJournal() throws {
        let directory = TemporaryDirectory("replay-log")
        let log = directory.child("replay.rlog")
        let result = try ExternalCommand.run(
            ExternalCommand.runledgerBinary, ["replay", realTraces + "d1_rollback_after_partial_progress.trace.jsonl", "--log", log])
        #expect(result.status == 0, "\(result.standardError)")
        let verify = try ExternalCommand.run(ExternalCommand.runledgerBinary, ["verify", log, "--json"])
        #expect(verify.status == 0, "\(verify.standardError) \(verify.outputText)")
        let cat = try ExternalCommand.run(ExternalCommand.runledgerBinary, ["log", "cat", log])
        #expect(cat.outputText.contains("poll_interval_us:500000"))
        #expect(cat.outputText.contains("define kind=run"))
    }
}
