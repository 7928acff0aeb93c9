// The whole server state the decider needs. Runs and threads live in dense tables indexed by
// id (O(1), no hashing); every traversal goes in id order, so the digest and every output are
// deterministic (no Dictionary or Set order leaks out).

/// The run queue's state: runs, threads, checkpoints, pending order and executing workers.
///
/// Build it with ``initial(profile:slots:maxRetries:)`` and change it only through
/// ``evolve(_:)`` (or ``Decider/evolve(_:_:)``); folding a journal's events from the same
/// initial state reproduces it exactly, as ``stateDigest`` shows.
public struct State: Sendable {
    /// The behaviour profile every decision follows.
    public let profile: BehaviourProfile
    /// Worker slots (`N_JOBS_PER_WORKER`; `langgraph dev` uses 1, the server default is 10).
    public let slotCount: Int
    /// `BG_JOB_MAX_RETRIES`: a run dequeued with `attempt > maxRetries` fails at once.
    public let maxRetries: UInt32

    /// Every run that still exists, by id (deleted and forgotten runs are removed).
    public internal(set) var runTable: DenseTable<RunID, Run>
    /// Every thread that exists (and was not forgotten), by id; see ``thread(_:)`` for one
    /// with its lists spelled out.
    public internal(set) var threadTable: DenseTable<ThreadID, StoredThread>
    /// The nodes of the threads' run lists (``StoredThread/runIDs`` and
    /// ``StoredThread/inFlightRunIDs``).
    public internal(set) var runIDNodes = ListPool<RunID>()
    /// The nodes of the threads' checkpoint histories (``StoredThread/checkpoints``).
    public internal(set) var spanNodes = ListPool<CheckpointSpan>()
    /// Pending runs in dispatch order: by `createdAt`, ties by id (the store's insertion order).
    public internal(set) var pendingOrder: PendingOrder
    /// Workers occupying slots, in the order they started.
    public internal(set) var executions: WorkerList
    /// The id the next created run gets; every smaller id was used once.
    public internal(set) var nextRunID: RunID
    /// The id the next stateless run's thread gets; above every thread id seen so far.
    public internal(set) var nextThreadID: ThreadID
    /// The time of the latest state-changing event; commands earlier than this are refused.
    public internal(set) var latestEventAt: Timestamp
    /// Blocked joins over every run, so a decision with none to answer skips looking.
    public internal(set) var waiterTotal: Int = 0
    /// Whether a worker ever started on a thread that did not exist and whose id is at or above
    /// ``nextThreadID``: such a thread, created later, must count its workers by a scan (see
    /// ``StoredThread/executionCount``). Only an odd journal does that; derived, not compared.
    var hasWorkersOnUnknownThreads = false
    /// The scratch space of the decision running on this state, empty outside one; not part
    /// of the state's value. See ``DecisionBuffer``.
    var decision = DecisionBuffer()

    // The queries a decision asks on its hot paths are `@inline(__always)`: called out of line
    // from a mutating method, each call first copied the whole state (a 216-byte memcpy) to
    // pass it, the state being too large to pass in registers.

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

    /// Every thread that exists, ascending by id. Builds arrays: for checks and reports.
    public var threads: [RunThread] { threadTable.values.map(spelledOut) }

    /// The run with this id, or nil if it never existed or was deleted.
    @inlinable
    public func run(_ id: RunID) -> Run? {
        runTable[id]
    }

    /// Whether `id` was handed out once and has since been deleted.
    public func wasDeleted(_ id: RunID) -> Bool {
        id < nextRunID && id.rawValue > 0 && run(id) == nil
    }

    /// The thread with this id and its lists, or nil. Builds arrays: not for hot paths.
    public func thread(_ id: ThreadID) -> RunThread? {
        threadTable[id].map(spelledOut)
    }

    /// The worker executing this run, if any (it may outlive the run's `running` status).
    @inline(__always)
    public func execution(of runID: RunID) -> Execution? {
        executions.index(ofRun: runID).map { executions[$0] }
    }

    /// The existing runs of a thread, ascending by id.
    public func runs(on threadID: ThreadID) -> [Run] {
        guard let thread = threadTable[threadID] else { return [] }
        return runIDNodes.elements(of: thread.runIDs).compactMap { run($0) }
    }

    /// The thread's pending and running runs, ascending by id.
    public func inFlightRuns(on threadID: ThreadID) -> [Run] {
        guard let thread = threadTable[threadID], !thread.inFlightRunIDs.isEmpty else { return [] }
        return runIDNodes.elements(of: thread.inFlightRunIDs).compactMap { run($0) }.filter { $0.status.isInFlight }
    }

    /// Whether the thread has a pending or running run (no array built).
    @inline(__always)
    public func hasInFlightRun(on threadID: ThreadID) -> Bool {
        guard let list = threadTable.peek(threadID, { $0.inFlightRunIDs }) else { return false }
        return runIDNodes.contains(in: list) { runTable.peek($0, { $0.status.isInFlight }) == true }
    }

    /// Whether one of the thread's runs has the status `running` (no array built).
    @inline(__always)
    public func hasRunningRun(on threadID: ThreadID) -> Bool {
        guard let list = threadTable.peek(threadID, { $0.inFlightRunIDs }) else { return false }
        return runIDNodes.contains(in: list) { runTable.peek($0, { $0.status == .running }) == true }
    }

    /// Slots held by executing workers, cancelled ones included.
    @inlinable public var busySlotCount: Int { executions.count }

    /// Slots the poller may fill.
    @inlinable public var freeSlotCount: Int { max(0, slotCount - executions.count) }

    /// Whether the run has settled: terminal status and no worker still executing it. A join
    /// is answered at this point.
    public func isSettled(_ run: Run) -> Bool {
        run.status.isTerminal && execution(of: run.id) == nil
    }
}
