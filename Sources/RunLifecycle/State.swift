// The whole server state the decider needs. Runs and threads live in dense tables indexed by
// id (O(1), no hashing); every traversal goes in id order, so the digest and every output are
// deterministic (no Dictionary or Set order leaks out).

/// The run queue's state: runs, threads, checkpoints, pending order and executing workers.
///
/// Build it with ``initial(profile:slots:maxRetries:)`` and change it only through
/// ``evolve(_:)`` (or ``Decider/evolve(_:_:)``); folding a journal's events from the same
/// initial state reproduces it exactly, as ``stateDigest`` shows.
public struct State: Hashable, Sendable {
    /// The behaviour profile every decision follows.
    public let profile: BehaviourProfile
    /// Worker slots (`N_JOBS_PER_WORKER`; `langgraph dev` uses 1, the server default is 10).
    public let slotCount: Int
    /// `BG_JOB_MAX_RETRIES`: a run dequeued with `attempt > maxRetries` fails at once.
    public let maxRetries: UInt32

    /// Every run that still exists, by id (deleted and forgotten runs are removed).
    public internal(set) var runTable: DenseTable<RunID, Run>
    /// Every thread that exists (and was not forgotten), by id.
    public internal(set) var threadTable: DenseTable<ThreadID, RunThread>
    /// Pending runs in dispatch order: by `createdAt`, ties by id (the store's insertion order).
    public internal(set) var pendingOrder: PendingOrder
    /// Workers occupying slots, in the order they started.
    public internal(set) var executions: [Execution]
    /// The id the next created run gets; every smaller id was used once.
    public internal(set) var nextRunID: RunID
    /// The id the next stateless run's thread gets; above every thread id seen so far.
    public internal(set) var nextThreadID: ThreadID
    /// The time of the latest state-changing event; commands earlier than this are refused.
    public internal(set) var latestEventAt: Timestamp
    /// Blocked joins over every run, so a decision with none to answer skips looking.
    public internal(set) var waiterTotal: Int = 0

    /// The state of a freshly started server with no threads and no runs.
    public static func initial(profile: BehaviourProfile, slots: Int, maxRetries: UInt32 = 3) -> State {
        precondition(slots >= 0, "slot count must not be negative, got \(slots)")
        return State(
            profile: profile, slotCount: slots, maxRetries: maxRetries, runTable: DenseTable(),
            threadTable: DenseTable(), pendingOrder: PendingOrder(), executions: [], nextRunID: RunID(1), nextThreadID: ThreadID(1),
            latestEventAt: Timestamp(microsecondsSinceEpoch: .min))
    }


    // MARK: Lookups

    /// Every run that still exists, ascending by id. Builds an array: for checks and reports.
    public var runs: [Run] { runTable.values }

    /// Every thread that exists, ascending by id. Builds an array: for checks and reports.
    public var threads: [RunThread] { threadTable.values }

    /// The run with this id, or nil if it never existed or was deleted.
    @inlinable
    public func run(_ id: RunID) -> Run? {
        runTable[id]
    }

    /// Whether `id` was handed out once and has since been deleted.
    public func wasDeleted(_ id: RunID) -> Bool {
        id < nextRunID && id.rawValue > 0 && run(id) == nil
    }

    /// The thread with this id, or nil.
    @inlinable
    public func thread(_ id: ThreadID) -> RunThread? {
        threadTable[id]
    }

    /// The worker executing this run, if any (it may outlive the run's `running` status).
    public func execution(of runID: RunID) -> Execution? {
        executions.first { $0.runID == runID }
    }

    /// The existing runs of a thread, ascending by id.
    public func runs(on threadID: ThreadID) -> [Run] {
        guard let thread = thread(threadID) else { return [] }
        return thread.runIDs.compactMap { run($0) }
    }

    /// The thread's pending and running runs, ascending by id.
    public func inFlightRuns(on threadID: ThreadID) -> [Run] {
        guard let thread = thread(threadID), !thread.inFlightRunIDs.isEmpty else { return [] }
        return thread.inFlightRunIDs.compactMap { run($0) }.filter { $0.status.isInFlight }
    }

    /// Whether the thread has a pending or running run (no array built).
    public func hasInFlightRun(on threadID: ThreadID) -> Bool {
        threadTable.peek(threadID) { thread in
            thread.inFlightRunIDs.contains { runTable.peek($0) { $0.status.isInFlight } == true }
        } == true
    }

    /// Whether one of the thread's runs has the status `running` (no array built).
    public func hasRunningRun(on threadID: ThreadID) -> Bool {
        threadTable.peek(threadID) { thread in
            thread.inFlightRunIDs.contains { runTable.peek($0) { $0.status == .running } == true }
        } == true
    }

    /// Slots held by executing workers, cancelled ones included.
    public var busySlotCount: Int { executions.count }

    /// Slots the poller may fill.
    public var freeSlotCount: Int { max(0, slotCount - executions.count) }

    /// Whether the run has settled: terminal status and no worker still executing it. A join
    /// is answered at this point.
    public func isSettled(_ run: Run) -> Bool {
        run.status.isTerminal && execution(of: run.id) == nil
    }
}

/// The first index in `0..<count` for which `isBefore` is false; `isBefore` must be monotonic.
func lowerBound(_ count: Int, isBefore: (Int) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
        let middle = (low + high) / 2
        if isBefore(middle) { low = middle + 1 } else { high = middle }
    }
    return low
}
