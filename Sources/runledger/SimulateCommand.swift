import ArgumentParser
import EventLog
import Foundation
import Invariants
import Journal
import RunLifecycle
import Simulation

/// `runledger simulate WORKLOAD.json [--seed N] [--log PATH] [--json]`: plays a generated
/// workload and prints counts by outcome, queue-wait percentiles and slot utilisation.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run a generated workload and summarise its queue latency and outcomes.")

    @Argument(help: "The workload spec (JSON; see traces/workloads/README.md).") var workload: String
    @Option(help: "Override the spec's seed.") var seed: UInt64?
    @Option(help: "Write every event to a journal in this (new or empty) log directory.")
    var log: String?
    // Small segments and batches, so tests can compare logs of several segments.
    @Option(name: .customLong("log-segment-bytes"), help: .hidden) var logSegmentBytes: Int?
    @Option(name: .customLong("log-batch-records"), help: .hidden) var logBatchRecords: Int?
    @Flag(help: "Skip the online invariant checker (for measuring the simulator alone).")
    var noInvariants = false
    @Option(help: "Print at most this many violations.") var limit: Int = 20
    @Flag(help: "Print one JSON object.") var json = false

    struct WaitOutput: Encodable {
        var mean: Double, p50: Double, p90: Double, p95: Double, p99: Double, p999: Double, max: Double

        init(_ waits: WaitPercentiles) {
            func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
            mean = round(waits.meanMilliseconds)
            p50 = round(waits.p50Milliseconds)
            p90 = round(waits.p90Milliseconds)
            p95 = round(waits.p95Milliseconds)
            p99 = round(waits.p99Milliseconds)
            p999 = round(waits.p999Milliseconds)
            max = round(waits.maxMilliseconds)
        }
    }

    struct Output: Encodable {
        var workload: String
        var seed: UInt64
        var runsRequested: UInt64
        var runsCreated: UInt64
        var runsRejected: UInt64
        var runsByStatus: [String: UInt64]
        var queueWaitMs: WaitOutput
        var ownThreadWaitMs: WaitOutput
        var slotWaitMs: WaitOutput
        var waitedFraction: Double
        var slotUtilization: Double
        var throughputPerS: Double
        var wastedByRollbackMs: Double
        var cutShortByInterruptMs: Double
        var wastedByRetryMs: Double
        var retries: UInt64
        var serverRestarts: UInt64
        var threadQueueDepthMax: Int
        var doubleTexts: UInt64
        var simulatedMs: Double
        var events: UInt64
        var eventsPerS: Double
        var invariantViolations: Int
        var profileDivergences: Int
        var violations: [String]?
        var coverage: [String: Int]?
        var reproduce: String
    }

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: workload)))
        } catch {
            throw CommandFailure("\(workload): cannot read: \(error.localizedDescription)", status: .badInput)
        }
        let spec: WorkloadSpec
        do {
            spec = try WorkloadSpec.parse(bytes)
        } catch {
            throw CommandFailure("\(workload): \(error)", status: .badInput)
        }
        let effectiveSeed = seed ?? spec.seed
        if !json {
            print("seed \(effectiveSeed)  (reproduce: \(reproduceCommand(seed: effectiveSeed)))")
            print(spec.expandedOptions)
        }
        let writer = try log.map { try openJournal($0, spec: spec, seed: effectiveSeed) }
        // Sequence numbers as the journal numbers its records (the header is record 0), with
        // or without a log, so a reported violation names the same event either way.
        let checking = InvariantSink(spec: spec, sequenceOffset: 1)
        let summary: SimulationSummary
        let checker: InvariantChecker?
        let elapsed: Double
        var journalError: (any Error)?
        switch (writer, noInvariants) {
        case (let writer?, false):
            let result = play(Simulator(spec: spec, seed: effectiveSeed, sink: TeeSink(checking, JournalSink(writer: writer))))
            (summary, checker, elapsed, journalError) = (result.0, result.1.first.checker, result.2, result.1.second.error)
        case (let writer?, true):
            let result = play(Simulator(spec: spec, seed: effectiveSeed, sink: JournalSink(writer: writer)))
            (summary, checker, elapsed, journalError) = (result.0, nil, result.2, result.1.error)
        case (nil, false):
            let result = play(Simulator(spec: spec, seed: effectiveSeed, sink: checking))
            (summary, checker, elapsed) = (result.0, result.1.checker, result.2)
        case (nil, true):
            let result = play(Simulator(spec: spec, seed: effectiveSeed, sink: DiscardingSink()))
            (summary, checker, elapsed) = (result.0, nil, result.2)
        }
        if let journalError, let log {
            if let error = journalError as? EventLogError { throw CommandFailure(error) }
            throw CommandFailure("\(log): \(journalError)", status: .badInput)
        }
        try report(summary, checker: checker, elapsed: elapsed)
    }

    func openJournal(_ log: String, spec: WorkloadSpec, seed: UInt64) throws -> JournalWriter {
        let header = spec.journalHeader(seed: seed, workloadName: URL(fileURLWithPath: workload).lastPathComponent)
        return try reportingFailures { () throws -> JournalWriter in
            do {
                return try JournalWriter(directory: log, header: header, options: journalOptions)
            } catch let error as JournalError {
                throw CommandFailure("\(log): \(error)", status: .badInput)
            }
        }
    }

    /// Large batches and no per-batch write: the journal is flushed once, when it is closed.
    var journalOptions: WriterOptions {
        var options = WriterOptions()
        options.durability = .none
        if let logSegmentBytes { options.segmentBytes = logSegmentBytes }
        if let logBatchRecords { options.batchRecords = logBatchRecords }
        return options
    }

    /// The command that reruns this simulation.
    func reproduceCommand(seed: UInt64) -> String {
        "runledger simulate \(workload) --seed \(seed)"
    }

    /// Runs the simulation to its end, with progress on stderr; returns the summary, the sink
    /// (finished) and the wall-clock seconds.
    func play<Sink: EventSink>(_ initial: Simulator<Sink>) -> (SimulationSummary, Sink, Double) {
        var simulator = initial
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        while simulator.advance(maximumItems: 1 << 20) {
            if clock.now - lastReport > .seconds(2) {
                lastReport = clock.now
                Terminal.progress(
                    "simulated \(formatDecimal(simulator.now.sinceStart.inSeconds, places: 1)) s, \(simulator.eventCount) events")
            }
        }
        let elapsed = clock.now - start
        let wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (simulator.summary(), simulator.sink, wallSeconds)
    }

    func report(_ summary: SimulationSummary, checker: InvariantChecker?, elapsed wallSeconds: Double) throws {
        let eventsPerSecond = wallSeconds > 0 ? Double(summary.events) / wallSeconds : 0
        let reproduce = reproduceCommand(seed: summary.seed)
        let shown = (checker?.violations ?? []).prefix(max(0, limit))
        if json {
            var output = Self.output(summary, workload: workload, eventsPerSecond: eventsPerSecond)
            output.reproduce = reproduce
            if let checker {
                output.violations = shown.map(\.description)
                output.coverage = Dictionary(uniqueKeysWithValues: checker.coverage.named.map { ($0.name, $0.count) })
            }
            try Terminal.printJSON(output)
        } else {
            print(Self.text(summary, eventsPerSecond: eventsPerSecond, checked: checker != nil))
            for violation in shown { print("  \(violation)") }
            let total = summary.invariantViolations + summary.profileDivergences
            if total > shown.count { print("  ... \(total - shown.count) more") }
            if total > 0 { print("reproduce: \(reproduce)") }
        }
        if summary.invariantViolations > 0 {
            Terminal.error("\(summary.invariantViolations) invariant violations; reproduce: \(reproduce)")
            throw ExitCode(ExitStatus.violation.rawValue)
        }
    }

    static func output(_ summary: SimulationSummary, workload: String, eventsPerSecond: Double) -> Output {
        func round(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
        var byStatus: [String: UInt64] = [:]
        for (outcome, count) in summary.runsByOutcome { byStatus[outcome.name] = count }
        return Output(
            workload: workload, seed: summary.seed, runsRequested: summary.runsRequested,
            runsCreated: summary.runsCreated, runsRejected: summary.runsRejected, runsByStatus: byStatus,
            queueWaitMs: WaitOutput(summary.queueWait), ownThreadWaitMs: WaitOutput(summary.ownThreadWait),
            slotWaitMs: WaitOutput(summary.slotWait), waitedFraction: round(summary.waitedFraction),
            slotUtilization: round(summary.slotUtilization), throughputPerS: round(summary.throughputPerSecond),
            wastedByRollbackMs: round(summary.wastedByRollbackMilliseconds),
            cutShortByInterruptMs: round(summary.cutShortByInterruptMilliseconds),
            wastedByRetryMs: round(summary.wastedByRetryMilliseconds), retries: summary.retries,
            serverRestarts: summary.serverRestarts, threadQueueDepthMax: summary.threadQueueDepthMax,
            doubleTexts: summary.doubleTexts, simulatedMs: Double(summary.simulatedMicroseconds) / 1_000,
            events: summary.events, eventsPerS: eventsPerSecond.rounded(), invariantViolations: summary.invariantViolations,
            profileDivergences: summary.profileDivergences, violations: nil, coverage: nil, reproduce: "")
    }

    static func text(_ summary: SimulationSummary, eventsPerSecond: Double, checked: Bool) -> String {
        func waits(_ w: WaitPercentiles) -> String {
            "mean \(formatDecimal(w.meanMilliseconds, places: 3))  p50 \(formatDecimal(w.p50Milliseconds, places: 3))  "
                + "p90 \(formatDecimal(w.p90Milliseconds, places: 3))  p95 \(formatDecimal(w.p95Milliseconds, places: 3))  "
                + "p99 \(formatDecimal(w.p99Milliseconds, places: 3))  p99.9 \(formatDecimal(w.p999Milliseconds, places: 3))  "
                + "max \(formatDecimal(w.maxMilliseconds, places: 3))"
        }
        let outcomes = summary.runsByOutcome.map { "\($0.outcome.name) \($0.count)" }.joined(separator: ", ")
        return """
        runs requested:     \(summary.runsRequested) (\(summary.firstTexts) first texts, \(summary.doubleTexts) double texts)
        runs created:       \(summary.runsCreated)
        runs rejected:      \(summary.runsRejected)
        runs by status:     \(outcomes)
        queue wait ms:      \(waits(summary.queueWait))
          own thread ms:    \(waits(summary.ownThreadWait))
          slot ms:          \(waits(summary.slotWait))
        waited fraction:    \(formatDecimal(summary.waitedFraction, places: 4))
        slot utilisation:   \(formatDecimal(summary.slotUtilization, places: 4))
        throughput:         \(formatDecimal(summary.throughputPerSecond, places: 3)) succeeded runs/s
        wasted work ms:     rollback \(formatDecimal(summary.wastedByRollbackMilliseconds, places: 1)), \
        interrupt \(formatDecimal(summary.cutShortByInterruptMilliseconds, places: 1)), retry \(formatDecimal(summary.wastedByRetryMilliseconds, places: 1))
        retries:            \(summary.retries) (\(summary.serverRestarts) server restarts)
        thread depth max:   \(summary.threadQueueDepthMax)
        simulated time:     \(formatDecimal(Double(summary.simulatedMicroseconds) / 1e6, places: 3)) s
        events:             \(summary.events) (\(formatDecimal(eventsPerSecond / 1e6, places: 2)) M events/s)
        invariants:         \(checked ? "\(summary.invariantViolations) violations, \(summary.profileDivergences) profile divergences" : "not checked (--no-invariants)")
        """
    }
}
