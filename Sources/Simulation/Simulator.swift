// The simulator as callers see it: an engine that plays the workload, and the sink its events
// go to. Only the hand-over of events to the sink is generic, and it is inlinable, so a caller
// that names its sink gets the loop specialised (a sink that discards compiles to nothing).
import DiscreteEvent
import RunLifecycle

/// Plays a LangGraph-style server and its clients in simulated time.
///
/// ```swift
/// var simulator = Simulator(spec: spec, sink: CountingSink())
/// let summary = simulator.run()
/// ```
/// Time and randomness are parameters: the clock starts at 0 and every draw comes from
/// streams split from ``seed``, so the same spec and seed give the same events.
public struct Simulator<Sink: EventSink> {
    /// Where every event goes. It has received every event decided so far whenever a public
    /// method returns.
    public var sink: Sink
    @usableFromInline var engine: SimulationEngine
    @usableFromInline var finished = false

    /// Prepares a simulation of `spec`; `seed` overrides the spec's seed.
    public init(spec: WorkloadSpec, seed: UInt64? = nil, sink: Sink) {
        self.sink = sink
        self.engine = SimulationEngine(spec: spec, seed: seed)
    }

    /// The workload being played.
    public var spec: WorkloadSpec { engine.spec }

    /// The seed in force (``WorkloadSpec/seed`` unless overridden).
    public var seed: UInt64 { engine.seed }

    /// The server state the decider sees.
    public var state: State { engine.state }

    /// Whether settled runs and finished fresh threads leave ``state`` once no scheduled
    /// action names them, so memory follows what is in flight, not the workload's length.
    /// ``inject(_:)`` turns it off: injected commands may name any run, at any time.
    public var forgetsSettledRuns: Bool {
        get { engine.forgetsSettledRuns }
        set { engine.forgetsSettledRuns = newValue }
    }

    /// Microseconds each poll iteration takes beyond its sleep (the real loop's lock, scan and
    /// worker start-up); 0 for generated workloads, calibrated by replays.
    public var pollIterationOverhead: Int64 {
        get { engine.pollIterationOverhead }
        set { engine.pollIterationOverhead = newValue }
    }

    /// Domain events produced so far.
    public var eventCount: UInt64 { engine.eventSequence }

    /// The current simulated time.
    public var now: SimulatedTime { engine.kernel.now }

    /// Runs until nothing is left to do and returns the summary.
    public mutating func run() -> SimulationSummary {
        while advance(maximumItems: .max) {}
        return summary()
    }

    /// Processes at most `maximumItems` agenda items; returns false once the simulation has
    /// nothing left to do. Lets a caller report progress between slices.
    @inlinable
    public mutating func advance(maximumItems: Int) -> Bool {
        var processed = 0
        while processed < maximumItems {
            guard engine.step() else {
                deliver()
                if !finished {
                    finished = true
                    // The agenda is empty: the work drained, so end-of-stream checks apply.
                    sink.finish(drained: true)
                }
                return false
            }
            // Handed over in batches: each hand-over has a fixed cost (the sinks' calls, emptying
            // the outbox), about as much as an event's own when done after every item.
            if engine.outbox.count >= Self.deliveryBatch { deliver() }
            processed += 1
        }
        deliver()
        return true
    }

    /// How many events may wait in the outbox before ``advance(maximumItems:)`` delivers them.
    @inlinable static var deliveryBatch: Int { 256 }

    /// Hands the events in the engine's outbox to the sink, in order, with their numbers.
    @inlinable
    mutating func deliver() {
        let count = engine.outbox.count
        guard count > 0 else { return }
        let firstSequence = engine.eventSequence - UInt64(count)
        // Read where they lie, then forgotten (only the events holding references are destroyed).
        engine.outbox.withUnsafeMutableBufferPointer { sink.receive(contentsOf: $0, firstSequence: firstSequence) }
        engine.outbox.removeAll()
    }

    /// Schedules a client command at its own time (`command.at`, which must not be in the
    /// past): scripted scenarios, and later recorded traces, drive the same server model.
    public mutating func inject(_ command: Command) {
        engine.inject(command)
    }

    /// Plays the server up to `command.at`, then decides `command` at exactly that time, so the
    /// events it produced are in the sink when this returns. Items due at the same instant keep
    /// the simulator's tie order: workers report first, then the client, then the poller.
    ///
    /// - Precondition: `command.at` is not before ``now``.
    public mutating func perform(scripted command: Command) {
        engine.perform(scripted: command)
        deliver()
    }

    /// Drops a settled run from ``state``, for a driver of scripted commands that knows none of
    /// its later commands names the run (see ``State/forgetSettledRun(_:)``).
    @discardableResult
    public mutating func forgetSettledRun(_ runID: RunID) -> Bool { engine.state.forgetSettledRun(runID) }

    /// Drops an idle thread with no runs left from ``state``, on the same promise.
    @discardableResult
    public mutating func forgetIdleThread(_ threadID: ThreadID) -> Bool { engine.state.forgetIdleThread(threadID) }

    /// Keeps the poller cycling until `time` even when nothing is pending, as the real queue
    /// loop polls forever: without it the poll grid would restart at the next scripted request.
    public mutating func keepPolling(until time: Timestamp) {
        engine.keepPolling(until: time)
    }

    /// The summary so far (final once ``run()`` returned). Runs still in flight are counted
    /// as pending or running.
    public func summary() -> SimulationSummary {
        engine.summary(invariantViolations: sink.violationCount, profileDivergences: sink.profileDivergenceCount)
    }
}
