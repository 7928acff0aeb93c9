// A thread and its checkpoint history, kept compact: one span per consecutive run of checkpoints.
// The state stores each thread as a ``StoredThread`` (plain values, its lists in pools); a
// ``RunThread`` is the thread with its lists spelled out, for checks, reports and tests.

/// A consecutive block of checkpoints written by one run.
///
/// Checkpoint step numbers continue across the runs of a thread: the first checkpoint of an
/// empty thread has step -1 (the input checkpoint), and each later one is the previous + 1.
public struct CheckpointSpan: Hashable, Sendable, BitwiseCopyable {
    // Declared widest first, so the span packs into 24 bytes.
    /// The step number of the first checkpoint in the span.
    public let firstStep: Int64
    /// How many checkpoints the span holds (at least 1).
    public internal(set) var count: Int
    /// The run whose `metadata.run_id` tags these checkpoints (rollback and delete match on it).
    public let runID: RunID
    /// Whether the span's last checkpoint has `next` nodes (the graph stopped mid-way).
    public internal(set) var lastHasNext: Bool

    init(runID: RunID, firstStep: Int64, count: Int, lastHasNext: Bool) {
        self.firstStep = firstStep
        self.count = count
        self.runID = runID
        self.lastHasNext = lastHasNext
    }

    /// The step number of the span's last checkpoint.
    public var lastStep: Int64 { firstStep + Int64(count) - 1 }
}

/// What a thread keeps of the checkpoints of runs it forgot: the latest one.
public struct ForgottenCheckpoint: Hashable, Sendable, BitwiseCopyable {
    public let step: Int64
    public let hasNext: Bool
}

/// A thread (named `RunThread` to avoid Foundation's `Thread`), with its lists as arrays.
public struct RunThread: Hashable, Sendable {
    /// The thread's id.
    public let id: ThreadID
    /// Created for a stateless run: writes no checkpoints, skips thread-status writes, and is
    /// deleted with its runs when its run ends (§9 of the reference).
    public let isTemporary: Bool
    /// The cached API status; see ``ThreadStatus``.
    public let status: ThreadStatus
    /// Which run's final checkpoint the cached `values` reflect (nil: never written). Cached
    /// values lag behind checkpoints and may name a run that was since deleted.
    public let valuesFromRunID: RunID?
    /// Ids of the thread's runs that still exist, ascending.
    public let runIDs: [RunID]
    /// The subset of ``runIDs`` whose status is pending or running, ascending. Derived (kept by
    /// `evolve`), so that the reject check, the dequeue's blocked-thread test and the final
    /// status write cost O(in flight) instead of O(every run the thread ever had).
    public let inFlightRunIDs: [RunID]
    /// The checkpoint history, oldest first.
    public let checkpoints: [CheckpointSpan]
    /// The latest checkpoint of a forgotten run, if any: forgetting drops spans from memory,
    /// not from the thread's numbering or its latest `next`; see ``State/forgetSettledRun(_:)``.
    public let latestForgottenCheckpoint: ForgottenCheckpoint?

    /// The step number the next checkpoint gets: -1 on an empty history.
    public var nextCheckpointStep: Int64 {
        Self.nextCheckpointStep(last: checkpoints.last, forgotten: latestForgottenCheckpoint)
    }

    /// Whether the thread's latest checkpoint (forgotten ones included) has `next` nodes.
    public var latestCheckpointHasNext: Bool {
        Self.latestCheckpointHasNext(last: checkpoints.last, forgotten: latestForgottenCheckpoint)
    }

    /// The number of checkpoints tagged with `runID`.
    public func checkpointCount(of runID: RunID) -> Int {
        checkpoints.reduce(0) { $0 + ($1.runID == runID ? $1.count : 0) }
    }

    /// The total number of checkpoints.
    public var checkpointCount: Int { checkpoints.reduce(0) { $0 + $1.count } }

    /// The step after the latest of the last span and the latest forgotten checkpoint.
    static func nextCheckpointStep(last: CheckpointSpan?, forgotten: ForgottenCheckpoint?) -> Int64 {
        max(last.map { $0.lastStep + 1 } ?? -1, (forgotten?.step ?? -2) + 1)
    }

    /// Whether the later of the last span and the latest forgotten checkpoint has `next`.
    static func latestCheckpointHasNext(last: CheckpointSpan?, forgotten: ForgottenCheckpoint?) -> Bool {
        if let forgotten, forgotten.step > last?.lastStep ?? .min {
            return forgotten.hasNext
        }
        return last?.lastHasNext == true
    }
}

/// A thread as the state stores it: plain values, its lists being handles into the state's
/// pools (``State/runIDNodes`` and ``State/spanNodes``). Copying one copies bytes, nothing else.
public struct StoredThread: Hashable, Sendable, BitwiseCopyable {
    public let id: ThreadID
    /// Workers in ``State/executions`` executing on this thread (derived, kept by `evolve`), so
    /// the dequeue's blocked-thread test, the final status write and forgetting a thread read
    /// one number instead of scanning every worker. Not part of the thread's value: equality
    /// and the digest compare threads spelled out (``RunThread``), which leave it out.
    public internal(set) var executionCount: Int32 = 0
    public let isTemporary: Bool
    public internal(set) var status: ThreadStatus
    public internal(set) var valuesFromRunID: RunID?
    /// Ids of the thread's runs that still exist, ascending.
    public internal(set) var runIDs = PooledList<RunID>()
    /// The subset of ``runIDs`` whose status is pending or running, ascending, plus runs that
    /// ended (or were forgotten) since the thread's latest run was added: they leave lazily,
    /// when the next run is added or the thread goes, so every reader tests the run's status
    /// (``RunThread/inFlightRunIDs`` holds only the runs in flight).
    public var inFlightRunIDs: PooledList<RunID> { inFlightSharesRunIDs ? runIDs : inFlightNodes }
    /// Whether ``inFlightRunIDs`` is exactly `runID` alone (the common thread: one run, in
    /// flight). Tests the list the flag selects: selecting the list first (four fields picked
    /// by the flag) and then testing it cost ~10 instructions more on the finish and the poll.
    @inline(__always)
    func inFlightIsOnly(_ runID: RunID) -> Bool {
        inFlightSharesRunIDs
            ? runIDs.count == 1 && runIDs.first == runID
            : inFlightNodes.count == 1 && inFlightNodes.first == runID
    }
    /// The in-flight list's own nodes; empty while it shares ``runIDs``.
    var inFlightNodes = PooledList<RunID>()
    /// Whether the in-flight list is ``runIDs`` itself. A run added to a thread with no run
    /// left is its only run, and in flight: then the two lists are one, and the thread's
    /// single run is stored once, inline in ``runIDs``. (Most threads only ever have one run.) The
    /// next run added while runs remain gives the in-flight list its own nodes again; until
    /// then ``runIDs`` holds at most that one run, and every reader tests the status anyway.
    var inFlightSharesRunIDs = false
    /// The checkpoint history, oldest first.
    public internal(set) var checkpoints = PooledList<CheckpointSpan>()
    public internal(set) var latestForgottenCheckpoint: ForgottenCheckpoint?

    /// Creates an empty thread.
    public init(id: ThreadID, isTemporary: Bool, status: ThreadStatus) {
        self.id = id
        self.isTemporary = isTemporary
        self.status = status
        self.valuesFromRunID = nil
        self.latestForgottenCheckpoint = nil
    }

    /// A new thread holding one run, in flight: what ``State/insert(_:into:in:)`` makes of an
    /// empty thread (the run inline in ``runIDs``, shared by the in-flight list), spelled out
    /// so that the record can be built directly in its table slot.
    @inline(__always)
    init(id: ThreadID, isTemporary: Bool, status: ThreadStatus, executionCount: Int32, onlyRun runID: RunID) {
        self.id = id
        self.executionCount = executionCount
        self.isTemporary = isTemporary
        self.status = status
        self.valuesFromRunID = nil
        self.runIDs.first = runID
        self.runIDs.count = 1
        self.inFlightSharesRunIDs = true
        self.latestForgottenCheckpoint = nil
    }
}

/// A worker occupying a slot. It outlives its run's `running` status: after a cancel the run
/// is `interrupted` (or deleted) at once, yet the worker keeps executing until the separate
/// `workerStopped` command arrives.
public struct Execution: Hashable, Sendable, BitwiseCopyable {
    /// The run the worker executes (it may have been deleted since).
    public let runID: RunID
    /// The run's thread.
    public let threadID: ThreadID
    /// When the worker started.
    public let startedAt: Timestamp
    /// The cancel signal the worker received, if any; it decides the worker's final write.
    public internal(set) var signal: CancelAction?
}
