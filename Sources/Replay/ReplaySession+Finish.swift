// The end of a replay: the last requests, the simulation drained, the runs still held compared,
// and the report put together.
import Invariants
import RunLifecycle
import Traces

/// What the model did in a replay, besides the comparison: the configuration in force, the
/// trace's time span, and what the replay had to hold.
public struct ReplayRun: Sendable {
    public var options: ReplayOptions
    public var format: TraceFormat?
    public var slots: Int
    public var pollIntervalMilliseconds: Int64
    /// The trace's slots and poll interval (nil when it does not say).
    public var recordedSlots: Int?
    public var recordedPollIntervalMilliseconds: Int64?
    /// Whether the configuration differs from the recording (what-if mode).
    public var isWhatIf: Bool
    /// Trace time of simulated time 0.
    public var origin: Timestamp
    /// The earliest and latest time the trace shows (requests and outcomes).
    public var firstTime: Timestamp?
    public var lastTime: Timestamp?
    /// Things the replay had to assume.
    public var notes: [String]
    public var eventCount: Int
    /// Invariant checker verdicts over the simulated events.
    public var violations: [Violation]
    public var memory: ReplayMemory

    /// The wall-clock span the trace covers.
    public var span: Microseconds {
        guard let firstTime, let lastTime else { return .zero }
        return lastTime - firstTime
    }
}

/// How much a replay held at once: its own share, and the simulator's state at the end (which,
/// keeping every run that still exists, grows with the trace).
public struct ReplayMemory: Hashable, Sendable {
    /// Most runs held at once (played, not yet compared and forgotten).
    public var peakRunsHeld: Int
    /// Most requests held at once (read, not yet played).
    public var peakRequestsHeld: Int
    /// Threads still known at the end.
    public var threadsHeld: Int
    /// Runs and threads in the simulator's state at the end.
    public var simulatorRuns: Int
    public var simulatorThreads: Int
    /// The most entries each of the replay's own containers held at once.
    public var peakHeld = ReplayHeldEntries()
    /// What the invariant checker holds at the end (nil when it did not run).
    public var checker: CheckerFootprint?
}

extension ReplaySession {
    /// Whether a second pass has collected what it came for.
    var contextComplete: Bool { context?.isComplete(self) ?? false }

    /// Ends the replay: plays what is left, drains the simulation, compares the remaining runs.
    mutating func finish() throws -> (run: ReplayRun, report: ReplayReport, divergence: DivergenceCandidate?) {
        feed.giveUpWaiting(all: true)
        try pump(finishing: true)
        if let last = feed.lastTime { keepPolling(until: simulated(last)) }
        while simulator!.advance(maximumItems: 4_096) { try drain() }
        try drain()
        tracker.takeRecordedStarts(before: nil, threads: &feed.threads, finishing: true)
        tracker.finishAll()
        let violations = checker?.finish(drained: true) ?? []
        let configuration = configuration!
        let run = ReplayRun(
            options: options, format: format, slots: configuration.slots,
            pollIntervalMilliseconds: configuration.pollIntervalMilliseconds, recordedSlots: configuration.recordedSlots,
            recordedPollIntervalMilliseconds: configuration.recordedPollIntervalMilliseconds,
            isWhatIf: configuration.isWhatIf, origin: configuration.origin, firstTime: feed.firstTime,
            lastTime: feed.lastTime, notes: feed.notes, eventCount: Int(sequence), violations: violations,
            memory: ReplayMemory(
                peakRunsHeld: tracker.peakLive, peakRequestsHeld: peakHeldRequests, threadsHeld: feed.threads.count,
                simulatorRuns: simulator!.state.runTable.count, simulatorThreads: simulator!.state.threadTable.count,
                peakHeld: peakHeld, checker: checker?.footprint))
        return (run, report(violations: violations, firstTime: feed.firstTime ?? configuration.origin), tracker.tally.firstDivergence)
    }

    private func report(violations: [Violation], firstTime: Timestamp) -> ReplayReport {
        let tally = tracker.tally
        let order = tracker.globalOrder
        let both = order.both
        let pairs = both * (both - 1) / 2
        let matched = ReplayReport.fraction(both, of: tally.startedInEither)
        let global = pairs == 0 ? matched : Double(pairs - order.inversions) / Double(pairs) * matched
        let kinds = violations.map(\.kind)
        let (status, thread) = tally.agreementFractions
        let waits = tally.meanWaits
        return ReplayReport(
            runs: tally.runs.sorted { $0.index < $1.index }, runsCompared: tally.compared,
            statusMismatches: tally.compared - tally.agreeing, runsStartedRecorded: tally.startedRecorded,
            runsStartedSimulated: tally.startedSimulated, statusAgreement: status, threadOrderAgreement: thread,
            globalOrderAgreement: global, queueWaitError: tally.waitErrors.percentiles,
            firstDivergence: tally.firstDivergence.map { Self.divergence($0, context: nil, firstTime: firstTime) },
            safetyViolations: kinds.filter { $0 == .safety }.count,
            livenessViolations: kinds.filter { $0 == .liveness }.count,
            profileDivergences: kinds.filter { $0 == .profileDivergence }.count,
            violationDescriptions: violations.filter { $0.kind != .profileDivergence }.prefix(20).map(\.description),
            whatIfChanges: tally.listedChanges, whatIfChangeCount: tally.changeCount,
            rejectedRecorded: tally.rejectedRecorded, rejectedSimulated: tally.rejectedSimulated,
            meanRecordedQueueWait: waits.recorded, meanSimulatedQueueWait: waits.simulated, eventCount: Int(sequence))
    }

    /// The divergence in words: what the trace shows, what the model did, and (from a second
    /// pass) the events and requests around it.
    static func divergence(_ candidate: DivergenceCandidate, context: DivergenceContext?, firstTime: Timestamp) -> Divergence {
        let run = candidate.run
        func time(_ at: Timestamp) -> String { ReplayNames.time(at, since: firstTime) }
        func side(_ status: ReplayStatus, _ created: Timestamp?, _ started: Timestamp?, _ wait: Microseconds?, predecessor: String?) -> String {
            var text = "status \(status)"
            if let started { text += ", started at \(time(started))" } else { text += ", never started" }
            if let wait { text += ", queue wait \(wait.count / 1_000) ms" }
            if let created { text += " (created_at \(time(created)))" }
            if run.startedInEither { text += ", after \(predecessor ?? "no earlier run") on its thread" }
            return text
        }
        return Divergence(
            kind: candidate.kind, at: candidate.at, run: run,
            trace: side(run.recordedStatus, run.recordedCreatedAt, run.recordedStartedAt, run.recordedQueueWait,
                        predecessor: run.recordedThreadPredecessorName),
            model: side(run.modelStatus, run.modelCreatedAt, run.modelStartedAt, run.modelQueueWait,
                        predecessor: run.modelThreadPredecessorName),
            modelEvents: context?.modelEvents ?? [], traceRequests: context?.traceRequests ?? [])
    }
}
