// The checker's own small model of the queue, built from events alone. It keeps only runs that
// are in flight, still executing, or still awaited by a join; settled runs shrink to a fate
// cell (``RunFateTable``). Records hold plain values only (their lists are links and pool
// indices), so they are updated in place and never reference-counted.
import RunLifecycle

/// What the checker remembers about a run it still tracks (plain values only, so a record is
/// copied or overwritten without reference counting).
struct ShadowRun {
    var id: RunID
    var threadID: ThreadID
    var requestedAt: Timestamp
    var createdAt: Timestamp
    /// The sequence number of its `created` event: the creation order that breaks ties.
    var ordinal: UInt64
    var strategy: MultitaskStrategy
    var workCount: Int
    var createdEvent: EventReference

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
    /// Whether the ``RunTable`` tracks this record: false once its slot is freed. In the
    /// padding after `signal`, so the record keeps its size.
    var isTracked = true
    var workerEvent: EventReference?
    /// The event that cancelled or deleted it, if any.
    var endEvent: EventReference?
    var subscribers: Int
    var waiters = 0
    /// An interrupt/rollback create that must cancel this run within its decision.
    var obligation: Obligation?
    /// Where its thread's record was last found, checked before use (see
    /// ``ThreadTable/slot(of:hint:)``), so most events skip the id lookup.
    var threadSlotHint: Int32 = -1

    @inline(__always) var isInFlight: Bool { !deleted && status.isInFlight }
    @inline(__always) var hasStepsLeft: Bool { completedSteps < workCount }
}

/// A cancellation a supersession promised.
struct Obligation {
    let action: CancelAction
    let by: RunID
    let event: EventReference
}

/// A consecutive block of checkpoints of one run on a thread (its last step and whether that
/// checkpoint has `next`; where it began never matters).
struct Span {
    let runID: RunID
    var lastStep: Int64
    var lastHasNext: Bool
}

/// Which kind of run event touched a thread last (it explains the status write that follows).
enum ThreadCause: UInt8, Equatable {
    case none = 0
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
    /// The settling event; nil once the thread was evicted and restored (see ``ThreadTable``).
    var event: EventReference?

    @inline(__always) func allows(_ status: ThreadStatus) -> Bool { allowed & (1 << status.rawValue) != 0 }
}

/// One status's bit: the variadic form below builds an array on every call.
@inline(__always) func statusMask(_ status: ThreadStatus) -> UInt8 { 1 << status.rawValue }

func statusMask(_ statuses: ThreadStatus...) -> UInt8 {
    statuses.reduce(0) { $0 | (1 << $1.rawValue) }
}

/// What the checker remembers about a live thread. Its run lists are links through the
/// ``RunTable`` and its short lists live in the ``ThreadTable``'s pools, so the record holds
/// plain values only and is updated in place.
///
/// Only what every thread uses is here, ordered so that the small fields fill the tail padding
/// of the optionals before them (176 bytes, where 312 were): a fresh thread's record is written
/// whole, and read at decision boundaries and at its eviction. What only rarer workloads need
/// (restores, rollbacks and interrupts, temporary threads' settled runs) lives in
/// ``ThreadExtras``, beside the table's records; the settled expectation an event hints at is an
/// argument of ``commit(wasActive:settling:)``, not a field.
struct ShadowThread {
    let id: ThreadID
    /// Links in the table's list of quiet threads, least recently quiet first.
    var quietPrevious: Int32 = -1
    var quietNext: Int32 = -1
    var running: RunID?
    var temporary: Bool
    /// The cached status; nil until the stream says it (a thread first seen through a run).
    var status: ThreadStatus?
    var lastCause: ThreadCause = .none
    var statusWriteCause: ThreadCause = .none
    var mismatchReported = false
    /// Whether the checkpoint history is known only in part (see `tipSpan`).
    var historyTruncated = false
    /// After a restore from eviction, whether the checkpoint that was the tip then had `next`:
    /// the history below every span recorded since. Dropped when its run's checkpoints may
    /// have been deleted (that run is not known, only that it existed before the restore).
    var restoredTipHasNext: Bool?
    /// Pending and running runs, ascending by id.
    var inFlight = RunList()
    /// Pending runs in queue order.
    var pending = RunList()
    /// Runs whose workers hold slots, cancelled ones included, in start order.
    var executing = RunList()
    var statusEvent: EventReference?
    var isQuietListed = false
    /// Whether the table holds this record: false once its slot is freed (see
    /// ``ThreadTable/slot(of:hint:)``).
    var isHeld = true
    /// Whether the table's ``ThreadExtras`` entry in this record's slot is this thread's (a
    /// fresh record has none: whatever an earlier thread of the slot left there is ignored).
    var hasExtras = false
    /// Which of the rollback and interrupt marks in ``ThreadExtras`` are set (bits 0 and 1):
    /// every checkpoint clears both, one byte written rather than two optionals.
    var cancelMarks: UInt8 = 0
    /// The checkpoint history (recent spans only; see `historyTruncated`): the latest span
    /// here, the earlier ones in the table's span pool.
    var tipSpan: Span?
    var spans = PoolList()
    var quiescence: Quiescence?
    /// The sequence number of the latest `started` on the thread, 0 for none (only ever
    /// compared as later than a cancel, which a start at sequence 0 never is either).
    var lastStartSequence: UInt64 = 0

    // Inlined, so that a record is built in the slot that holds it.
    @inline(__always) init(id: ThreadID, temporary: Bool) {
        self.id = id
        self.temporary = temporary
    }

    // Inlined: calling a getter on a record in an array otherwise copies the whole record.
    @inline(__always) var isActive: Bool { !inFlight.isEmpty || !executing.isEmpty }

    /// After a change: a thread that fell quiet takes the settled status its event hinted at
    /// (`hint`, nil when the event hints none). One mutating call, so the record is reached (and
    /// its storage checked unique) once.
    @inline(__always) mutating func commit(wasActive: Bool, settling hint: Quiescence? = nil) {
        if isActive {
            quiescence = nil
        } else if wasActive {
            quiescence = hint
        }
    }

    /// One of the thread's run lists.
    func list(_ kind: RunListKind) -> RunList {
        switch kind {
        case .inFlight: inFlight
        case .threadPending: pending
        case .executing: executing
        case .globalPending: RunList()
        }
    }

    /// Whether the table may drop the record and keep only ``EvictedThread``: nothing in
    /// flight or executing, a settled status that was checked (found right, or its mismatch
    /// already reported: a quirk can leave a thread `busy` with nothing in flight for good, and
    /// a replay of a long recording holds thousands of them), and not temporary (a later event
    /// of a temporary thread may need its settled runs, which only temporary threads keep).
    @inline(__always) var isEvictable: Bool {
        !temporary && !isActive && pending.isEmpty && running == nil && (status != .busy || mismatchReported)
    }

    static let maximumSpans = 16
}

/// What only some threads need, kept by the ``ThreadTable`` in the slot of their record and
/// valid while the record says ``ShadowThread/hasExtras`` (created on first use).
struct ThreadExtras {
    /// The sequence number of the event that restored the thread from its eviction.
    var restoredAtSequence: UInt64 = 0
    /// Since the last checkpoint: the latest rollback and interrupt on the thread (valid per
    /// ``ShadowThread/cancelMarks``).
    var rollbackSinceCheckpoint = EventReference(sequence: 0, at: .zero)
    var interruptSinceCheckpoint = EventReference(sequence: 0, at: .zero)
    /// Settled runs of a temporary thread (deleted with it), in the run-id pool.
    var settledTemporaryRuns = PoolList()
}
