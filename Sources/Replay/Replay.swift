// Feeds a recorded trace into the simulation and compares outcomes with the recorded truth, in
// one streaming pass: ReplayFeed (trace items -> runs and requests in time order), ReplaySession
// (the simulation, run by run), RunTracker and ReplayTally (comparison and aggregates). A second
// pass, only when the replay diverges, collects the events around the first divergence.
import RunLifecycle
import Traces

/// Namespace for trace replay.
public enum Replay {
    /// Replays items already in memory and compares, keeping every run's comparison.
    public static func replay(
        items: [TraceItem], format: TraceFormat? = nil, options: ReplayOptions = ReplayOptions()
    ) -> (run: ReplayRun, report: ReplayReport) {
        var options = options
        options.keepRuns = true
        // Arrays never throw, and no observer is given.
        return try! run(
            options: options,
            open: { TraceItemArray(items, format: format, selection: format == .runledgerTrace ? .requests : .all) },
            openOutcomes: { TraceItemArray(items, format: format, selection: .outcomes) })
    }

    /// Replays a trace read from `open()` and compares, in memory bounded by what is in flight.
    /// For a runledger-trace, `openOutcomes()` opens the same trace a second time for its
    /// outcome lines (read a little ahead of the requests); it is not called for a server log.
    /// `observer` sees every simulated event with the trace's names for its run and thread.
    /// When the replay diverges, the trace is opened and replayed a second time to collect the
    /// events around the first divergence.
    public static func run<Source: TraceItemSource, Outcomes: TraceItemSource>(
        options: ReplayOptions, open: () throws -> Source, openOutcomes: () throws -> Outcomes,
        observer: ((Event, ReplayEventNames) throws -> Void)? = nil
    ) throws -> (run: ReplayRun, report: ReplayReport) {
        var session = ReplaySession(options: options, observer: observer)
        _ = try drive(&session, open: open, openOutcomes: openOutcomes, stopEarly: false)
        var (run, report, candidate) = try session.finish()
        if let candidate {
            let firstTime = run.firstTime ?? run.origin
            var second = ReplaySession(options: options, context: DivergenceContext(target: candidate, firstTime: firstTime))
            if try !drive(&second, open: open, openOutcomes: openOutcomes, stopEarly: true) { _ = try second.finish() }
            report.firstDivergence = ReplaySession.divergence(candidate, context: second.context, firstTime: firstTime)
        }
        return (run, report)
    }

    /// The thread an event is about, if any.
    public static func thread(of event: Event) -> ThreadID? { ReplaySession.thread(of: event) }

    /// Reads the trace into the session and plays it as it goes. Returns true when a second
    /// pass stopped early, having collected what it came for.
    static func drive<Source: TraceItemSource, Outcomes: TraceItemSource>(
        _ session: inout ReplaySession, open: () throws -> Source, openOutcomes: () throws -> Outcomes, stopEarly: Bool
    ) throws -> Bool {
        var source = try open()
        var outcomes: Outcomes?
        var outcomesDone = false
        var formatKnown = false
        var batch: [TraceItem] = []
        var outcomeBatch: [TraceItem] = []
        while true {
            batch.removeAll(keepingCapacity: true)
            let more = try source.read(into: &batch)
            if !formatKnown && (source.format != nil || !batch.isEmpty || !more) {
                session.setFormat(source.format)
                formatKnown = true
            }
            for item in batch { session.add(item) }
            // Every create read so far gets its outcome from the second reader, which stays just
            // ahead: outcomes are written in create order.
            while session.feed.outcomesFromSecondReader && session.feed.hasWaiting {
                if outcomesDone || session.feed.earlyOutcomesFull {
                    session.feed.giveUpWaiting(all: true)
                    break
                }
                if outcomes == nil { outcomes = try openOutcomes() }
                outcomeBatch.removeAll(keepingCapacity: true)
                if try !outcomes!.read(into: &outcomeBatch) { outcomesDone = true }
                for item in outcomeBatch { session.addOutcome(item) }
            }
            try session.pump(finishing: false)
            if stopEarly && session.contextComplete { return true }
            if !more { return false }
        }
    }
}
