// The whole server state the decider needs, stored in sorted arrays so that every traversal,
// the digest and therefore every output are deterministic (no Dictionary or Set order).

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

    /// Every run that still exists, ascending by id (deleted runs are removed).
    public internal(set) var runs: [Run]
    /// Every thread that exists, ascending by id.
    public internal(set) var threads: [RunThread]
    /// Pending runs in dispatch order: by `createdAt`, ties by id (the store's insertion order).
    public internal(set) var pendingOrder: [RunID]
    /// Workers occupying slots, in the order they started.
    public internal(set) var executions: [Execution]
    /// The id the next created run gets; every smaller id was used once.
    public internal(set) var nextRunID: RunID
    /// The id the next stateless run's thread gets; above every thread id seen so far.
    public internal(set) var nextThreadID: ThreadID
    /// The time of the latest state-changing event; commands earlier than this are refused.
    public internal(set) var latestEventAt: Timestamp

    /// The state of a freshly started server with no threads and no runs.
    public static func initial(profile: BehaviourProfile, slots: Int, maxRetries: UInt32 = 3) -> State {
        precondition(slots >= 0, "slot count must not be negative, got \(slots)")
        return State(
            profile: profile, slotCount: slots, maxRetries: maxRetries, runs: [], threads: [],
            pendingOrder: [], executions: [], nextRunID: RunID(1), nextThreadID: ThreadID(1),
            latestEventAt: Timestamp(microsecondsSinceEpoch: .min))
    }

    /// An empty state to swap in while ``Decider/handle(_:_:)`` holds the real one.
    static let placeholder = State.initial(profile: .documented, slots: 0)

    // MARK: Lookups

    /// The run with this id, or nil if it never existed or was deleted.
    public func run(_ id: RunID) -> Run? {
        runIndex(of: id).map { runs[$0] }
    }

    /// Whether `id` was handed out once and has since been deleted.
    public func wasDeleted(_ id: RunID) -> Bool {
        id < nextRunID && id.rawValue > 0 && run(id) == nil
    }

    /// The thread with this id, or nil.
    public func thread(_ id: ThreadID) -> RunThread? {
        threadIndex(of: id).map { threads[$0] }
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
        guard let thread = thread(threadID) else { return [] }
        return thread.inFlightRunIDs.compactMap { run($0) }.filter { $0.status.isInFlight }
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

    // MARK: Index helpers (binary search over the sorted arrays)

    func runIndex(of id: RunID) -> Int? {
        // Ids are dense and rarely deleted, so the offset from the first id is usually exact:
        // try it before the binary search (O(1) instead of O(log n) cache misses).
        if let first = runs.first, id >= first.id {
            let guess = Int(id.rawValue - first.id.rawValue)
            if guess < runs.count, runs[guess].id == id { return guess }
        }
        let index = lowerBound(runs.count) { runs[$0].id < id }
        return index < runs.count && runs[index].id == id ? index : nil
    }

    func threadIndex(of id: ThreadID) -> Int? {
        if let first = threads.first, id >= first.id {
            let guess = Int(id.rawValue - first.id.rawValue)
            if guess < threads.count, threads[guess].id == id { return guess }
        }
        let index = lowerBound(threads.count) { threads[$0].id < id }
        return index < threads.count && threads[index].id == id ? index : nil
    }

    func threadInsertionIndex(of id: ThreadID) -> Int {
        lowerBound(threads.count) { threads[$0].id < id }
    }

    /// The position in ``pendingOrder`` where a run with this key belongs.
    func pendingInsertionIndex(createdAt: Timestamp, id: RunID) -> Int {
        lowerBound(pendingOrder.count) { position in
            let other = pendingOrder[position]
            let otherCreatedAt = run(other)?.createdAt ?? Timestamp(microsecondsSinceEpoch: .min)
            return otherCreatedAt != createdAt ? otherCreatedAt < createdAt : other < id
        }
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
