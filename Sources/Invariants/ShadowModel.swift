// The checker's own small model of the queue, built from events alone. It keeps only runs that
// are in flight, still executing, or still awaited by a join; settled runs shrink to one byte of
// fate each (``RunFateTable``).
import RunLifecycle

/// What the checker remembers about a run it still tracks.
struct ShadowRun {
    let id: RunID
    let threadID: ThreadID
    let requestedAt: Timestamp
    let createdAt: Timestamp
    /// The sequence number of its `created` event: the creation order that breaks ties.
    let ordinal: UInt64
    let strategy: MultitaskStrategy
    let workCount: Int
    let createdEvent: EventReference

    var status: RunStatus = .pending
    var deleted = false
    var deletedByWorker = false
    /// Its (temporary) thread was deleted while its worker still executed: the worker can only
    /// free its slot, and a later thread with the same id is not its thread.
    var orphaned = false
    var attempt: UInt32 = 0
    var completedSteps = 0
    var persistedCheckpoints = 0
    /// Whether a worker holds a slot for it (it can outlive the `running` status).
    var executing = false
    var signal: CancelAction?
    var workerEvent: EventReference?
    /// The event that cancelled or deleted it, if any.
    var endEvent: EventReference?
    var subscribers: Int
    var waiters = 0
    /// An interrupt/rollback create that must cancel this run within its decision.
    var obligation: Obligation?

    var pendingKey: PendingKey { PendingKey(createdAt: createdAt, ordinal: ordinal, runID: id, threadID: threadID) }
    var isInFlight: Bool { !deleted && status.isInFlight }
    var hasStepsLeft: Bool { completedSteps < workCount }
}

/// A cancellation a supersession promised.
struct Obligation {
    let action: CancelAction
    let by: RunID
    let event: EventReference
}

/// The queue's ordering key: `created_at`, ties by creation order.
struct PendingKey: Comparable {
    let createdAt: Timestamp
    let ordinal: UInt64
    let runID: RunID
    let threadID: ThreadID

    static func < (lhs: PendingKey, rhs: PendingKey) -> Bool {
        lhs.createdAt != rhs.createdAt ? lhs.createdAt < rhs.createdAt : lhs.ordinal < rhs.ordinal
    }
    static func == (lhs: PendingKey, rhs: PendingKey) -> Bool { lhs.ordinal == rhs.ordinal && lhs.runID == rhs.runID }
}

/// A sorted array of pending keys; inserts and removals are a binary search plus a short move
/// (pending runs are mostly appended in order).
struct PendingQueue {
    private(set) var keys: [PendingKey] = []

    mutating func insert(_ key: PendingKey) {
        var low = keys.count
        if let last = keys.last, key < last {
            low = lowerBound(key)
        }
        keys.insert(key, at: low)
    }

    mutating func remove(_ key: PendingKey) {
        let index = lowerBound(key)
        if index < keys.count, keys[index].runID == key.runID {
            keys.remove(at: index)
        } else if let found = keys.firstIndex(where: { $0.runID == key.runID }) {
            keys.remove(at: found)
        }
    }

    var first: PendingKey? { keys.first }
    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    private func lowerBound(_ key: PendingKey) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A consecutive block of checkpoints of one run on a thread.
struct Span {
    let runID: RunID
    let firstStep: Int64
    var lastStep: Int64
    var lastHasNext: Bool
}

/// Which kind of run event touched a thread last (it explains the status write that follows).
enum ThreadCause: Equatable {
    case none
    /// A pending run was cancelled without deletion.
    case pendingCancel
    /// A pending run was deleted eagerly, or a deleted run's worker found its run missing.
    case eagerDeletion
    /// A cancelled worker did its final write.
    case cancelledWorkerStop
    case other
}

/// The settled thread status §3 derives from the event that left the thread with nothing in
/// flight or executing.
struct Quiescence {
    /// Allowed statuses (a bit per ``ThreadStatus`` raw value).
    var allowed: UInt8
    var cause: ThreadCause
    var event: EventReference

    func allows(_ status: ThreadStatus) -> Bool { allowed & (1 << status.rawValue) != 0 }
}

func statusMask(_ statuses: ThreadStatus...) -> UInt8 {
    statuses.reduce(0) { $0 | (1 << $1.rawValue) }
}

/// What the checker remembers about a live thread.
struct ShadowThread {
    let id: ThreadID
    var temporary: Bool
    /// The cached status; nil until the stream says it (a thread first seen through a run).
    var status: ThreadStatus?
    var previousStatus: ThreadStatus?
    var statusEvent: EventReference?
    /// Pending and running runs, ascending by id.
    var inFlight: [RunID] = []
    var pending = PendingQueue()
    var running: RunID?
    /// Runs whose workers hold slots, cancelled ones included.
    var executing: [RunID] = []
    /// The checkpoint history (recent spans only; see `historyTruncated`).
    var spans: [Span] = []
    var historyTruncated = false
    /// Since the last checkpoint: the latest rollback and interrupt on the thread.
    var rollbackSinceCheckpoint: EventReference?
    var interruptSinceCheckpoint: EventReference?
    /// Settled runs of a temporary thread (deleted with it).
    var settledTemporaryRuns: [RunID] = []
    var lastCause: ThreadCause = .none
    var statusWriteCause: ThreadCause = .none
    var settlingHint: Quiescence?
    var quiescence: Quiescence?
    var mismatchReported = false
    /// The latest `started` on the thread.
    var lastStart: EventReference?

    var isActive: Bool { !inFlight.isEmpty || !executing.isEmpty }

    /// The step the next checkpoint must carry, or nil when the history is unknown.
    var expectedNextStep: Int64? {
        if let last = spans.last { return last.lastStep + 1 }
        return historyTruncated ? nil : -1
    }

    /// Whether the thread's last surviving checkpoint has `next`, or nil when unknown.
    var tipHasNext: Bool? {
        if let last = spans.last { return last.lastHasNext }
        return historyTruncated ? nil : false
    }

    mutating func appendCheckpoint(runID: RunID, step: Int64, hasNext: Bool) {
        if let index = spans.indices.last, spans[index].runID == runID, spans[index].lastStep + 1 == step {
            spans[index].lastStep = step
            spans[index].lastHasNext = hasNext
        } else {
            spans.append(Span(runID: runID, firstStep: step, lastStep: step, lastHasNext: hasNext))
        }
        // Memory stays bounded: only the recent history is kept; older spans matter only if
        // every later one is deleted, and then the checker resynchronises on the next step.
        if spans.count > ShadowThread.maximumSpans {
            spans.removeFirst(spans.count - ShadowThread.maximumSpans)
            historyTruncated = true
        }
    }

    mutating func removeCheckpoints(of runID: RunID) {
        spans.removeAll { $0.runID == runID }
    }

    static let maximumSpans = 16
}

/// One byte per run id ever created: what became of runs the checker no longer tracks.
struct RunFateTable {
    enum Fate: UInt8 {
        case unseen = 0, tracked, success, error, timeout, interrupted, deleted
    }

    private var dense: [UInt8] = []
    private var sparse: [RunID: UInt8] = [:]
    private static let denseLimit: UInt32 = 1 << 24

    subscript(runID: RunID) -> Fate {
        get {
            let raw = runID.rawValue
            if raw < RunFateTable.denseLimit {
                return Int(raw) < dense.count ? Fate(rawValue: dense[Int(raw)]) ?? .unseen : .unseen
            }
            return sparse[runID].flatMap(Fate.init(rawValue:)) ?? .unseen
        }
        set {
            let raw = runID.rawValue
            if raw < RunFateTable.denseLimit {
                if Int(raw) >= dense.count {
                    dense.append(contentsOf: repeatElement(0, count: max(Int(raw) + 1 - dense.count, dense.count)))
                }
                dense[Int(raw)] = newValue.rawValue
            } else {
                sparse[runID] = newValue.rawValue
            }
        }
    }

    static func fate(of status: RunStatus) -> Fate {
        switch status {
        case .success: .success
        case .error: .error
        case .timeout: .timeout
        case .interrupted: .interrupted
        case .pending, .running: .tracked
        }
    }

    static func status(of fate: Fate) -> RunStatus? {
        switch fate {
        case .success: .success
        case .error: .error
        case .timeout: .timeout
        case .interrupted: .interrupted
        case .unseen, .tracked, .deleted: nil
        }
    }
}
