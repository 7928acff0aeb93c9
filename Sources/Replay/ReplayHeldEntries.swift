// The replay's own containers, counted: the most entries each held at once. A streaming replay
// must hold what is in flight, never what it has read, so every count here stays the same
// however long the trace; a test replays traces of different lengths and compares them. Counted
// as stored (stale heap entries and empty slab slots included, since those take memory as
// well), except the consumed heads of two queues, which are dropped past a fixed 1,024 entries.

/// The most entries each of the replay's containers held at once.
public struct ReplayHeldEntries: Hashable, Sendable {
    /// The feed: runs known by external id, waiting creates (heap entries), outcomes read before
    /// their create, cancels of waiting runs, request slots, late outcomes.
    public var knownRuns = 0
    public var waitingCreates = 0
    public var earlyOutcomes = 0
    public var blockedCancels = 0
    public var requestSlots = 0
    public var lateOutcomes = 0
    /// The thread table (names and entries), threads queued to forget, phantom run ids.
    public var threads = 0
    public var idleThreads = 0
    public var phantoms = 0
    /// The run tracker: slab slots, model ids, the retention queue, recorded starts, and the
    /// global order's queue and ranks.
    public var trackedRuns = 0
    public var modelRuns = 0
    public var retention = 0
    public var recordedStarts = 0
    public var globalOrder = 0

    public init() {}

    /// Every count by name, for messages and reports.
    public var named: [(name: String, entries: Int)] {
        [
            ("known_runs", knownRuns), ("waiting_creates", waitingCreates), ("early_outcomes", earlyOutcomes),
            ("blocked_cancels", blockedCancels), ("request_slots", requestSlots), ("late_outcomes", lateOutcomes),
            ("threads", threads), ("idle_threads", idleThreads), ("phantoms", phantoms), ("tracked_runs", trackedRuns),
            ("model_runs", modelRuns), ("retention", retention), ("recorded_starts", recordedStarts),
            ("global_order", globalOrder),
        ]
    }

    /// Raises each count to `other`'s where that is larger.
    mutating func raise(to other: ReplayHeldEntries) {
        knownRuns = max(knownRuns, other.knownRuns)
        waitingCreates = max(waitingCreates, other.waitingCreates)
        earlyOutcomes = max(earlyOutcomes, other.earlyOutcomes)
        blockedCancels = max(blockedCancels, other.blockedCancels)
        requestSlots = max(requestSlots, other.requestSlots)
        lateOutcomes = max(lateOutcomes, other.lateOutcomes)
        threads = max(threads, other.threads)
        idleThreads = max(idleThreads, other.idleThreads)
        phantoms = max(phantoms, other.phantoms)
        trackedRuns = max(trackedRuns, other.trackedRuns)
        modelRuns = max(modelRuns, other.modelRuns)
        retention = max(retention, other.retention)
        recordedStarts = max(recordedStarts, other.recordedStarts)
        globalOrder = max(globalOrder, other.globalOrder)
    }
}
