// How to replay: the model's configuration, how each run's work is rebuilt, and the windows that
// bound how much of the trace a streaming replay holds at once.
import RunLifecycle

/// How to replay.
public struct ReplayOptions: Hashable, Sendable {
    public var profile: BehaviourProfile
    /// Overrides; nil takes the trace's value, else the defaults below.
    public var slots: Int?
    public var pollIntervalMilliseconds: Int64?
    /// Replaces every create's strategy (what-if).
    public var strategy: MultitaskStrategy?
    /// Used when the trace does not say: langgraph-api's own defaults.
    public var defaultSlots: Int
    public var defaultPollIntervalMilliseconds: Int64
    /// Aligns the simulated poller's 0.5 s grid with the first recorded start (the server's
    /// poll phase is not in a request trace); false starts the grid at the first request.
    public var alignPollPhase: Bool
    /// A queue-wait difference above this counts as a divergence; nil: one poll interval.
    public var waitTolerance: Microseconds?
    /// Seeds the simulator's draws (only the cancelled worker's stop delay is drawn).
    public var seed: UInt64
    /// How much longer than its sleep each real poll iteration takes. Calibrated on the
    /// recordings: consecutive dispatch batches of load_10slots are 500 ms × k apart plus a
    /// median 0.78 ms (mean 0.98 ms) per cycle, y_head_of_line_2jobs 1.16 ms; 0.8 ms is used.
    /// Without it the simulated poll grid runs ahead of the real one by ~1.6 ms per second and,
    /// after ~30 s, a whole poll early. The phase is sensitive: on load_10slots (93 s, ~186
    /// cycles) 0.7 or 0.9 ms already put a few runs one poll off.
    public var pollIterationOverhead: Microseconds

    /// The overhead added to each step's sleep when a run's work is rebuilt from its steps.
    public var overhead: StepOverhead
    /// For runs that completed in the recording, use their recorded execution time (spread
    /// over their steps) instead of steps × step_ms plus the calibrated ``overhead``: the real
    /// overhead varies by ±10 ms and more under load, and a blocker's end that lands on the
    /// other side of a poll instant moves its successor's start by a whole poll.
    public var useRecordedExecution: Bool
    /// The work of a run whose length the trace does not say (it never ended on its own).
    public var unknownWork: Microseconds

    /// How far (trace time) a request may appear out of time order in the trace: a join's access
    /// line is written when the join returns, a create's log line a few ms after its arrival.
    /// Requests are played this far behind the latest one read; a later one is played late (noted).
    public var reorderWindow: Microseconds
    /// How long (trace time) a run stays known after both sides have settled, so that later
    /// requests naming it (a delete, a join) still reach it; then it is compared and forgotten.
    public var retention: Microseconds
    /// How long (trace time) a thread must be idle before it is forgotten: a later create on it
    /// makes the model create the thread anew (one `threadCreated` event more, same queueing).
    public var threadRetention: Microseconds
    /// The longest a create waits for its recorded outcome (a server log tells a run's length
    /// only when it ends) before it is played without it, with unknown work (noted).
    public var maximumLookahead: Microseconds
    /// Keep every run's comparison in the report (``ReplayReport/runs``): memory then grows with
    /// the trace. Without it the report holds aggregates only.
    public var keepRuns: Bool
    /// The most what-if changes listed, the first by run index; the rest are only counted.
    public var whatIfChangeLimit: Int
    /// Run the invariant checker over the simulated events (a third of a replay's time).
    public var checksInvariants: Bool

    public init(
        profile: BehaviourProfile = .langgraphInmem, slots: Int? = nil, pollIntervalMilliseconds: Int64? = nil,
        strategy: MultitaskStrategy? = nil, defaultSlots: Int = 10, defaultPollIntervalMilliseconds: Int64 = 500,
        alignPollPhase: Bool = true, waitTolerance: Microseconds? = nil, seed: UInt64 = 1,
        pollIterationOverhead: Microseconds = Microseconds(800), overhead: StepOverhead = .calibrated,
        useRecordedExecution: Bool = true, unknownWork: Microseconds = .seconds(3_600),
        reorderWindow: Microseconds = .seconds(60), retention: Microseconds = .seconds(60),
        threadRetention: Microseconds = .seconds(600), maximumLookahead: Microseconds = .seconds(3_600),
        keepRuns: Bool = false, whatIfChangeLimit: Int = 1_000, checksInvariants: Bool = true
    ) {
        self.profile = profile
        self.slots = slots
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.strategy = strategy
        self.defaultSlots = defaultSlots
        self.defaultPollIntervalMilliseconds = defaultPollIntervalMilliseconds
        self.alignPollPhase = alignPollPhase
        self.waitTolerance = waitTolerance
        self.seed = seed
        self.pollIterationOverhead = pollIterationOverhead
        self.overhead = overhead
        self.useRecordedExecution = useRecordedExecution
        self.unknownWork = unknownWork
        self.reorderWindow = reorderWindow
        self.retention = retention
        self.threadRetention = threadRetention
        self.maximumLookahead = maximumLookahead
        self.keepRuns = keepRuns
        self.whatIfChangeLimit = whatIfChangeLimit
        self.checksInvariants = checksInvariants
    }
}

/// The run overhead added to each step's sleep: the real graph needs a few ms to start and to
/// write each checkpoint. Calibrated on the 48 recordings in traces/real (successful runs,
/// recorded `run_exec_ms` − steps × step_ms): median 14 ms for 1 step, 26 for 2, 30 for 3 and
/// 4, 35 for 5; `startup + perStep × steps` = 12 + 5k ms fits within ~5 ms.
public struct StepOverhead: Hashable, Sendable {
    public var startup: Microseconds
    public var perStep: Microseconds

    public init(startup: Microseconds, perStep: Microseconds) {
        self.startup = startup
        self.perStep = perStep
    }

    public static let calibrated = StepOverhead(startup: .milliseconds(12), perStep: .milliseconds(5))
    public static let none = StepOverhead(startup: .zero, perStep: .zero)
}
