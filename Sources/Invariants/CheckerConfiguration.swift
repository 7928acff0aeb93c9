// What the checker must know that the events do not say: profile, slots, poll interval, retries.
import RunLifecycle

/// The server the stream came from.
public struct CheckerConfiguration: Hashable, Sendable {
    /// Which quirks are allowed: under ``BehaviourProfile/documented`` none is, under
    /// ``BehaviourProfile/langgraphInmem`` behaviour an enabled quirk explains becomes a
    /// ``ViolationKind/profileDivergence`` instead of a safety violation.
    public var profile: BehaviourProfile
    /// Worker slots (`N_JOBS_PER_WORKER`).
    public var slotCount: Int
    /// The poller's sleep (0.5 s in the in-memory server); nil when dispatch is event-driven,
    /// which disables ``Rule/pollerFillsFreeSlots``.
    public var pollInterval: Microseconds?
    /// `BG_JOB_MAX_RETRIES`: a run started with `attempt > maximumRetries` must fail at once.
    public var maximumRetries: UInt32
    /// A cap on stored violations, so a badly broken stream cannot exhaust memory; later ones
    /// are counted in ``InvariantChecker/droppedViolationCount``.
    public var maximumStoredViolations: Int
    /// Quiet threads (nothing in flight or executing, status settled or its mismatch reported)
    /// held in full; beyond it the least recently quiet are evicted to a 17-bit summary, so a
    /// stream that creates a thread per run keeps memory bounded. An evicted thread named again
    /// is checked by every rule, except that its checkpoint step numbers resynchronise on its
    /// next checkpoint and its reports no longer name the events that settled it. A stream with fewer threads than
    /// this is checked exactly as with no eviction.
    public var maximumQuietThreads: Int
    /// How long the queue stays down after a server restart (a simulator's `downtime_ms`): the
    /// poller owes nothing until it is back, so ``Rule/pollerFillsFreeSlots`` counts its two
    /// poll intervals from the end of the downtime.
    public var restartDowntime: Microseconds

    public init(
        profile: BehaviourProfile, slotCount: Int, pollInterval: Microseconds? = nil, maximumRetries: UInt32 = 3,
        maximumStoredViolations: Int = 10_000, maximumQuietThreads: Int = 4_096, restartDowntime: Microseconds = .zero
    ) {
        precondition(slotCount >= 0, "slot count must not be negative, got \(slotCount)")
        precondition(pollInterval.map { $0.count > 0 } ?? true, "a poll interval must be positive")
        precondition(maximumQuietThreads >= 0, "the quiet-thread budget must not be negative")
        self.maximumQuietThreads = maximumQuietThreads
        self.profile = profile
        self.slotCount = slotCount
        self.pollInterval = pollInterval
        self.maximumRetries = maximumRetries
        self.maximumStoredViolations = maximumStoredViolations
        self.restartDowntime = restartDowntime
    }
}
