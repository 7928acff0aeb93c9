import ArgumentParser
import Foundation
import Journal
import Replay
import RunLifecycle
import Traces

/// `runledger replay TRACE`: replays a recorded trace through the simulator and compares the
/// simulated outcome with the recorded one, run by run.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded trace through the simulator and compare it with the recording, run by run.",
        discussion: """
        Exit status 1 when status or per-thread order agreement is below the tolerances, or an \
        invariant (safety or liveness) is violated. With --slots, --poll-ms or --strategy different \
        from the recording, prints what changes against it instead (what-if; never exit 1 for divergence).
        """)

    @Argument(help: "The trace: a server log (LOG_JSON=true) or a runledger-trace.") var trace: String
    @Option(help: "auto, langgraph-log or runledger-trace.") var format = "auto"
    @Option(help: "documented or langgraph-inmem.") var profile = "langgraph-inmem"
    @Option(help: "Worker slots (default: the trace's, else 10).") var slots: Int?
    @Option(name: .customLong("poll-ms"), help: "The poller's idle sleep in ms, 0 for event-driven (default: the trace's, else 500).")
    var pollMilliseconds: Int?
    @Option(help: "Override every create's strategy: reject, enqueue, interrupt or rollback (what-if).") var strategy: String?
    @Option(help: "Write the simulated events as a journal (a log directory).") var log: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Least fraction of runs whose status must agree.") var minStatusAgreement = 1.0
    @Option(help: "Least fraction of started runs whose per-thread start order must agree.") var minOrderAgreement = 1.0
    @Flag(help: "Start the simulated poll grid at the first request instead of aligning it with the first recorded start.")
    var noPhaseAlignment = false
    @Flag(help: "Count bad lines and go on instead of stopping at the first.") var skipBad = false
    @Option(help: "recorded: completed runs take their recorded execution time; steps: steps × step_ms plus the calibrated overhead.")
    var work = "recorded"
    @Option(name: .customLong("poll-overhead-us"), help: "Time each poll iteration takes beyond its sleep, µs (calibrated: 800).")
    var pollOverheadMicroseconds: Int64 = 800
    @Flag(help: "List every run: recorded and simulated status, start and queue wait.") var runs = false
    @Flag(help: "Skip the invariant checker (faster; no violations are reported).") var noInvariants = false

    func validate() throws {
        if let slots, slots < 1 { throw ValidationError("--slots must be at least 1") }
        if let pollMilliseconds, pollMilliseconds < 0 { throw ValidationError("--poll-ms must not be negative") }
        if let strategy, Self.strategy(strategy) == nil {
            throw ValidationError("--strategy must be reject, enqueue, interrupt or rollback")
        }
        guard ["recorded", "steps"].contains(work) else { throw ValidationError("--work must be recorded or steps") }
        guard ["documented", "langgraph-inmem"].contains(profile) else {
            throw ValidationError("--profile must be documented or langgraph-inmem")
        }
        for (name, value) in [("--min-status-agreement", minStatusAgreement), ("--min-order-agreement", minOrderAgreement)]
        where !(0...1).contains(value) {
            throw ValidationError("\(name) must be between 0 and 1")
        }
    }

    static func strategy(_ name: String) -> MultitaskStrategy? {
        switch name {
        case "reject": .reject
        case "enqueue": .enqueue
        case "interrupt": .interrupt
        case "rollback": .rollback
        default: nil
        }
    }

    struct Output: Encodable {
        struct Waits: Encodable {
            var p50: Double
            var p95: Double
            var max: Double
            var runs: Int
        }
        struct DivergenceOutput: Encodable {
            var kind: String
            var at: String
            var run: String
            var runId: String
            var thread: String
            var trace: String
            var model: String
            var modelEvents: [String]
            var traceRequests: [String]
        }
        struct Change: Encodable {
            var run: String
            var thread: String
            var changes: [String]
        }
        var trace: String
        var format: String?
        var profile: String
        var slots: Int
        var pollIntervalMs: Int64
        var recordedSlots: Int?
        var strategyOverride: String?
        var whatIf: Bool
        var runsCompared: Int
        var runsStartedRecorded: Int
        var runsStartedSimulated: Int
        var statusAgreement: Double
        var orderAgreement: Double
        var threadOrderAgreement: Double
        var globalOrderAgreement: Double
        var queueWaitErrorMs: Waits
        /// Encoded as `null` when there is none (a plain optional would drop the key).
        var firstDivergence: Nullable<DivergenceOutput>
        var statusMismatches: Int
        var invariantsChecked: Bool
        var invariantViolations: Int
        var safetyViolations: Int
        var livenessViolations: Int
        var profileDivergences: Int
        var violations: [String]
        var simulatedEvents: Int
        var traceSpanSeconds: Double
        var replaySeconds: Double
        var replaySpeedup: Double
        var whatIfChanges: [Change]
        /// Runs that change, listed or not (the list holds the first 1,000 by run index).
        var whatIfChangesTotal: Int
        var notes: [String]
        var passed: Bool
        var memory: Memory
        var runs: [RunLine]?

        /// What the replay held at most, and what the simulator holds at the end.
        struct Memory: Encodable {
            var peakRunsHeld: Int
            var peakRequestsHeld: Int
            var threadsHeld: Int
            var simulatorRuns: Int
            var simulatorThreads: Int
        }
    }

    struct RunLine: Encodable {
        var run: String
        var thread: String
        var recordedStatus: String
        var simulatedStatus: String
        var recordedStartedS: Double?
        var simulatedStartedS: Double?
        var recordedQueueWaitMs: Double?
        var simulatedQueueWaitMs: Double?
        var threadOrderAgrees: Bool
    }

    func run() throws {
        let begin = DispatchTime.now().uptimeNanoseconds
        let requested = try traceFormat(format)
        let options = ReplayOptions(
            profile: profile == "documented" ? .documented : .langgraphInmem, slots: slots,
            pollIntervalMilliseconds: pollMilliseconds.map(Int64.init), strategy: strategy.flatMap(Self.strategy),
            alignPollPhase: !noPhaseAlignment, pollIterationOverhead: Microseconds(pollOverheadMicroseconds),
            useRecordedExecution: work == "recorded", keepRuns: runs, checksInvariants: !noInvariants)
        let journal = log.map { JournalOutput(path: $0, trace: trace, profile: options.profile) }
        let (replay, report) = try Replay.run(
            options: options,
            open: {
                try TraceFileSource(
                    path: trace, format: requested, options: TraceImportOptions(skipBadLines: skipBad, lines: .requests, countsDistinctIDs: false))
            },
            openOutcomes: {
                try TraceFileSource(
                    path: trace, format: .runledgerTrace, options: TraceImportOptions(skipBadLines: skipBad, lines: .outcomes, countsDistinctIDs: false))
            },
            observer: journal.map { journal in { event, names in try journal.write(event, names) } })
        try journal?.close(replay)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9

        let span = Double(replay.span.count) / 1e6
        let violations = report.safetyViolations + report.livenessViolations
        let passed = replay.isWhatIf
            || (report.statusAgreement >= minStatusAgreement && report.threadOrderAgreement >= minOrderAgreement
                && violations == 0)
        let output = Output(
            trace: trace, format: replay.format?.rawValue, profile: options.profile.name, slots: replay.slots,
            pollIntervalMs: replay.pollIntervalMilliseconds, recordedSlots: replay.recordedSlots,
            strategyOverride: strategy, whatIf: replay.isWhatIf, runsCompared: report.runsCompared,
            runsStartedRecorded: report.runsStartedRecorded, runsStartedSimulated: report.runsStartedSimulated,
            statusAgreement: report.statusAgreement, orderAgreement: report.threadOrderAgreement,
            threadOrderAgreement: report.threadOrderAgreement, globalOrderAgreement: report.globalOrderAgreement,
            queueWaitErrorMs: Output.Waits(
                p50: report.queueWaitError.p50, p95: report.queueWaitError.p95, max: report.queueWaitError.max,
                runs: report.queueWaitError.count),
            firstDivergence: Nullable(report.firstDivergence.map { divergence in
                Output.DivergenceOutput(
                    kind: divergence.kind.rawValue, at: Self.relative(divergence.at, replay), run: divergence.run.shortName,
                    runId: divergence.run.externalID, thread: divergence.run.thread, trace: divergence.trace,
                    model: divergence.model, modelEvents: divergence.modelEvents, traceRequests: divergence.traceRequests)
            }),
            statusMismatches: report.statusMismatches,
            invariantsChecked: !noInvariants, invariantViolations: violations, safetyViolations: report.safetyViolations,
            livenessViolations: report.livenessViolations, profileDivergences: report.profileDivergences,
            violations: report.violationDescriptions, simulatedEvents: report.eventCount,
            traceSpanSeconds: span, replaySeconds: seconds, replaySpeedup: seconds > 0 ? span / seconds : 0,
            whatIfChanges: report.whatIfChanges.map {
                Output.Change(run: $0.run.shortName, thread: $0.run.thread, changes: $0.changes)
            },
            whatIfChangesTotal: report.whatIfChangeCount,
            notes: replay.notes, passed: passed,
            memory: Output.Memory(
                peakRunsHeld: replay.memory.peakRunsHeld, peakRequestsHeld: replay.memory.peakRequestsHeld,
                threadsHeld: replay.memory.threadsHeld, simulatorRuns: replay.memory.simulatorRuns,
                simulatorThreads: replay.memory.simulatorThreads),
            runs: runs ? report.runs.map { run in
                let first = replay.firstTime?.microsecondsSinceEpoch ?? 0
                func seconds(_ at: Timestamp?) -> Double? { at.map { Double($0.microsecondsSinceEpoch - first) / 1e6 } }
                return RunLine(
                    run: run.shortName, thread: run.thread, recordedStatus: run.recordedStatus.description,
                    simulatedStatus: run.modelStatus.description, recordedStartedS: seconds(run.recordedStartedAt),
                    simulatedStartedS: seconds(run.modelStartedAt),
                    recordedQueueWaitMs: run.recordedQueueWait.map { Double($0.count) / 1000 },
                    simulatedQueueWaitMs: run.modelQueueWait.map { Double($0.count) / 1000 },
                    threadOrderAgrees: run.threadOrderAgrees)
            } : nil)
        if json {
            try Terminal.printJSON(output)
        } else {
            print(text(output, report))
        }
        if !passed { throw ExitCode(ExitStatus.violation.rawValue) }
    }

    static func relative(_ at: Timestamp, _ replay: ReplayRun) -> String {
        let micros = at.microsecondsSinceEpoch - (replay.firstTime?.microsecondsSinceEpoch ?? 0)
        return "+" + formatDecimal(Double(micros) / 1e6, places: 6) + "s"
    }

    private func text(_ output: Output, _ report: ReplayReport) -> String {
        func percent(_ value: Double) -> String { formatDecimal(value * 100, places: 1) + " %" }
        let invariants = output.invariantsChecked
            ? "\(output.invariantViolations) violations (\(output.safetyViolations) safety, "
                + "\(output.livenessViolations) liveness), \(output.profileDivergences) profile divergences"
            : "not checked (--no-invariants)"
        var text = """
        trace:              \(output.trace) (\(output.format ?? "unknown"))
        configuration:      profile \(output.profile), \(output.slots) slots\(output.recordedSlots.map { " (recorded \($0))" } ?? ""), \
        poll \(output.pollIntervalMs) ms\(output.strategyOverride.map { ", every create strategy=\($0)" } ?? "")
        runs compared:      \(output.runsCompared) (started: recorded \(output.runsStartedRecorded), simulated \(output.runsStartedSimulated))
        status agreement:   \(percent(output.statusAgreement)) (\(output.statusMismatches) differ)
        thread order:       \(percent(output.threadOrderAgreement))
        global order:       \(percent(output.globalOrderAgreement))
        |queue-wait error|: p50 \(formatDecimal(output.queueWaitErrorMs.p50, places: 1)) ms, \
        p95 \(formatDecimal(output.queueWaitErrorMs.p95, places: 1)) ms, max \(formatDecimal(output.queueWaitErrorMs.max, places: 1)) ms \
        over \(output.queueWaitErrorMs.runs) runs
        invariants:         \(invariants)
        replay:             \(output.simulatedEvents) events in \(formatDecimal(output.replaySeconds * 1000, places: 1)) ms, \
        \(formatDecimal(output.replaySpeedup, places: 0))x the trace's \(formatDecimal(output.traceSpanSeconds, places: 1)) s
        """
        for note in output.notes { text += "\nnote:               \(note)" }
        for run in output.runs ?? [] {
            func ms(_ value: Double?) -> String { value.map { formatDecimal($0, places: 0) } ?? "-" }
            text += "\n  \(run.run.padding(toLength: 10, withPad: " ", startingAt: 0)) \(run.recordedStatus) / \(run.simulatedStatus), "
                + "wait \(ms(run.recordedQueueWaitMs)) / \(ms(run.simulatedQueueWaitMs)) ms\(run.threadOrderAgrees ? "" : ", thread order differs")"
        }
        for violation in output.violations { text += "\nviolation:          \(violation)" }
        if output.whatIf {
            text += "\nwhat-if:            \(output.whatIfChangesTotal) runs change against the recording"
            func mean(_ value: Double?) -> String { value.map { formatDecimal($0, places: 0) + " ms" } ?? "-" }
            text += "\n  mean queue wait:  recorded \(mean(report.meanRecordedQueueWait)), simulated \(mean(report.meanSimulatedQueueWait))"
            text += "\n  rejected creates: recorded \(report.rejectedRecorded), simulated \(report.rejectedSimulated)"
            for change in output.whatIfChanges {
                text += "\n  \(change.run.padding(toLength: 10, withPad: " ", startingAt: 0)) \(change.changes.joined(separator: "; "))"
            }
            if output.whatIfChangesTotal > output.whatIfChanges.count {
                text += "\n  … \(output.whatIfChangesTotal - output.whatIfChanges.count) more runs change (not listed)"
            }
        } else if let divergence = output.firstDivergence.value {
            text += "\nfirst divergence:   \(divergence.kind) of \(divergence.run) (\(divergence.runId)) at \(divergence.at)"
            text += "\n  trace shows:      \(divergence.trace)"
            text += "\n  model did:        \(divergence.model)"
            text += "\n  simulated events:"
            for line in divergence.modelEvents { text += "\n    \(line)" }
            text += "\n  trace requests on its thread:"
            for line in divergence.traceRequests { text += "\n    \(line)" }
        } else {
            text += "\nfirst divergence:   none"
        }
        text += "\nverdict:            \(output.passed ? "agrees" : "DIVERGES")\(output.whatIf ? " (what-if: not judged)" : "")"
        return text
    }
}

/// Writes a replay's simulated events as a journal as they come, naming every run and thread by
/// its trace id. The writer starts at the first event, when the configuration is known.
final class JournalOutput {
    let path: String
    let trace: String
    let profile: BehaviourProfile
    private var writer: JournalWriter?

    init(path: String, trace: String, profile: BehaviourProfile) {
        self.path = path
        self.trace = trace
        self.profile = profile
    }

    func write(_ event: Event, _ names: ReplayEventNames) throws {
        try reportingFailures {
            let writer = try open(slots: names.slots, poll: names.pollIntervalMilliseconds, origin: names.origin)
            if let run = event.runID, let name = names.run { _ = try writer.define(.run(run), as: name) }
            if let thread = Replay.thread(of: event), let name = names.thread { _ = try writer.define(.thread(thread), as: name) }
            _ = try writer.append(event)
        }
    }

    private func open(slots: Int, poll: Int64, origin: Timestamp) throws -> JournalWriter {
        if let writer { return writer }
        let opened = try JournalWriter(directory: path, header: JournalHeader(
            profile: profile, slotCount: slots,
            metadata: [
                .init(key: "source", value: "runledger replay"),
                .init(key: "trace", value: trace),
                .init(key: "poll_interval_us", value: String(poll * 1_000)),
                .init(key: "origin_unix_us", value: String(origin.microsecondsSinceEpoch)),
            ]))
        writer = opened
        return opened
    }

    /// Closes the journal (an empty one when the replay simulated nothing).
    func close(_ replay: ReplayRun) throws {
        try reportingFailures {
            try open(slots: replay.slots, poll: replay.pollIntervalMilliseconds, origin: replay.origin).close()
        }
    }
}

/// An optional that encodes as JSON `null` instead of leaving its key out.
struct Nullable<Wrapped: Encodable>: Encodable {
    var value: Wrapped?
    init(_ value: Wrapped?) { self.value = value }
    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
