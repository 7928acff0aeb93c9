// The checker's threads. Records live in reusable slots found through an ``IDSlotMap``, so
// memory follows the threads held, not the largest id. A fresh-thread workload creates a
// thread per run and never names it again, so the threads that fell quiet (nothing in flight,
// a settled status already checked) are dropped once more than a budget of them are held, least
// recently quiet first, keeping one ``EvictedThread`` cell each in collapsing pages. A thread
// named again is restored from its cell: status, causes and settled expectation are exact; the
// checkpoint history is unknown until the next checkpoint resynchronises it, as after
// ``ShadowThread/maximumSpans``, and the settling event is no longer named in reports.
import RunLifecycle

/// Live threads by id, with the evicted ones' cells and the pools of their short lists.
struct ThreadTable {
    /// Slots, held or free (``ShadowThread/isHeld``: a flag in the record, not a buffer of
    /// its own, so checking a run's remembered slot reads one record, one bounds check).
    private var records = UniqueBuffer<ShadowThread>()
    /// The rare fields of the records in the same slots (see ``ThreadExtras``), grown only as
    /// far as the highest slot that needed them.
    private var extras = UniqueBuffer<ThreadExtras>()
    private var freeSlots = UniqueBuffer<Int32>()
    private var map = IDSlotMap()
    private var evicted = PagedCells<UInt32>(provisional: 0)
    /// Checkpoint spans of every thread but its latest (its tip, held in its record: the usual
    /// thread has one span, which thus never enters the pool).
    private var spans = NodePool<Span>()
    /// Settled runs of temporary threads.
    private var temporaryRuns = NodePool<RunID>()
    private var quietHead: Int32 = -1
    private var quietTail: Int32 = -1
    private(set) var quietCount = 0
    private(set) var evictionCount = 0

    /// Evicted threads a quirk left `busy` with nothing in flight: the drain rule still names
    /// them, so their ids are kept (a few bytes each, against a full record held).
    private(set) var evictedBusy: Set<ThreadID> = []

    /// To be called before changes (see ``UniqueBuffer``).
    mutating func makeUnique() {
        records.makeUnique()
        extras.makeUnique()
        freeSlots.makeUnique()
        spans.makeUnique()
        temporaryRuns.makeUnique()
        evicted.makeUnique()
        map.makeUnique()
    }

    /// Threads held in full.
    var residentCount: Int { map.count }

    /// The slot of a held thread.
    @inline(__always) func slot(of id: ThreadID) -> Int? { map.slot(id.rawValue) }

    /// The slot of a held thread, trying `hint` first: a slot that still holds a thread of
    /// that id is its record (a record lives in one slot until it is dropped).
    @inline(__always) func slot(of id: ThreadID, hint: Int32) -> Int? {
        if hint >= 0, Int(hint) < records.count {
            let record = records.pointer(to: Int(hint))
            if record.pointee.isHeld && record.pointee.id == id { return Int(hint) }
        }
        return map.slot(id.rawValue)
    }

    /// Whether the thread exists, held or evicted.
    func contains(_ id: ThreadID) -> Bool { map.slot(id.rawValue) != nil || evicted[id.rawValue] != 0 }

    /// Whether the thread was evicted (and is not held).
    @inline(__always) func isEvicted(_ id: ThreadID) -> Bool { evicted[id.rawValue] != 0 }

    subscript(slot: Int) -> ShadowThread {
        // A getter, not a `_read` coroutine: where the optimizer did not inline the coroutine,
        // each read allocated its frame.
        @inline(__always) get { records[slot] }
        @inline(__always) _modify { yield &records[slot] }
    }

    /// The record in `slot`, like ``RunTable/record(_:)``: valid until a thread is next held.
    @inline(__always) func record(_ slot: Int) -> UnsafeMutablePointer<ShadowThread> { records.pointer(to: slot) }

    /// Holds `thread` (without extras), replacing an evicted cell of the same id; the id must
    /// not be held.
    mutating func insert(_ thread: ShadowThread) -> Int {
        let slot = claimSlot()
        records.pointer(to: slot).pointee = thread
        return hold(slot)
    }

    /// Holds a fresh record of thread `id` (see ``insert(_:)``), built in its slot: building it
    /// first and storing it after copied its 288 bytes twice, once per thread of a run.
    mutating func insert(id: ThreadID, temporary: Bool) -> Int {
        let slot = claimSlot()
        records.pointer(to: slot).pointee = ShadowThread(id: id, temporary: temporary)
        return hold(slot)
    }

    /// Holds a fresh record of thread `id`, which must be neither held nor evicted: unlike
    /// ``insert(id:temporary:)`` it skips looking for an evicted cell (and so for an evicted
    /// `busy` id, which always has one), which the caller already did. Inlined into its one
    /// caller: the call cost about 15 instructions per thread.
    @inline(__always) mutating func insertNew(id: ThreadID, temporary: Bool) -> Int {
        let slot = claimSlot()
        records.pointer(to: slot).pointee = ShadowThread(id: id, temporary: temporary)
        map.insert(id.rawValue, slot: slot)
        return slot
    }

    /// A slot for a new record: a freed one, or a new one at the end (holding a placeholder).
    @inline(__always) private mutating func claimSlot() -> Int {
        // The record written in the slot next is held (``ShadowThread/isHeld`` starts true).
        if let free = freeSlots.popLast() { return Int(free) }
        records.append(ShadowThread(id: ThreadID(0), temporary: false))
        return records.count - 1
    }

    /// Makes the record just written in `slot` findable by its id.
    @inline(__always) private mutating func hold(_ slot: Int) -> Int {
        let id = records[slot].id
        // Read first: the usual new thread has no cell, and the write path checks the page
        // storage is unique.
        if evicted[id.rawValue] != 0 { evicted[id.rawValue] = 0 }
        if !evictedBusy.isEmpty { evictedBusy.remove(id) }
        map.insert(id.rawValue, slot: slot)
        return slot
    }

    /// What is known of an evicted thread, without holding it again.
    func evictedRecord(_ id: ThreadID) -> ShadowThread? {
        let cell = evicted[id.rawValue]
        return cell == 0 ? nil : EvictedThread(cell: cell).restored(id: id)
    }

    /// Holds an evicted thread again, from its cell, at event `sequence`; nil when `id` is not
    /// evicted.
    mutating func restore(_ id: ThreadID, atSequence sequence: UInt64) -> Int? {
        let cell = evicted[id.rawValue]
        guard cell != 0 else { return nil }
        let slot = insert(EvictedThread(cell: cell).restored(id: id))
        makeExtras(slot).pointee.restoredAtSequence = sequence
        return slot
    }

    // MARK: Extras

    /// The extras of the record in `slot`, created (empty) if it has none. A call: only the
    /// rarer workloads come here.
    @inline(never) mutating func makeExtras(_ slot: Int) -> UnsafeMutablePointer<ThreadExtras> {
        let record = records.pointer(to: slot)
        if !record.pointee.hasExtras {
            if extras.count <= slot { extras.append(repeating: ThreadExtras(), count: slot + 1 - extras.count) }
            extras[slot] = ThreadExtras()
            record.pointee.hasExtras = true
        }
        return extras.pointer(to: slot)
    }

    /// The extras of the record in `slot`, or the empty ones.
    func extrasOrEmpty(_ slot: Int) -> ThreadExtras { records[slot].hasExtras ? extras[slot] : ThreadExtras() }

    /// The latest rollback on the thread in `slot` since its last checkpoint.
    func rollbackSinceCheckpoint(_ slot: Int) -> EventReference? {
        records[slot].cancelMarks & 1 != 0 ? extras[slot].rollbackSinceCheckpoint : nil
    }

    /// The latest interrupt on the thread in `slot` since its last checkpoint.
    func interruptSinceCheckpoint(_ slot: Int) -> EventReference? {
        records[slot].cancelMarks & 2 != 0 ? extras[slot].interruptSinceCheckpoint : nil
    }

    mutating func noteRollback(_ slot: Int, _ reference: EventReference) {
        makeExtras(slot).pointee.rollbackSinceCheckpoint = reference
        records[slot].cancelMarks |= 1
    }

    mutating func noteInterrupt(_ slot: Int, _ reference: EventReference) {
        makeExtras(slot).pointee.interruptSinceCheckpoint = reference
        records[slot].cancelMarks |= 2
    }

    /// Drops a held thread with its lists (its runs' links must already be detached).
    @inline(__always) mutating func remove(_ slot: Int) {
        unlinkQuiet(slot)
        let record = records.pointer(to: slot)
        if !record.pointee.spans.isEmpty { spans.removeAll(from: &record.pointee.spans) }
        if record.pointee.hasExtras && !extras[slot].settledTemporaryRuns.isEmpty {
            temporaryRuns.removeAll(from: &extras[slot].settledTemporaryRuns)
        }
        map.remove(record.pointee.id.rawValue)
        record.pointee.isHeld = false
        freeSlots.append(Int32(slot))
    }

    /// Every held slot, ascending by thread id.
    var slotsByID: [Int] {
        records.indices.filter { records[$0].isHeld }.sorted { records[$0].id < records[$1].id }
    }

    // MARK: Quiet threads

    /// Called after a thread's status was checked at a decision boundary: an evictable thread
    /// becomes the most recently quiet one; any other leaves the quiet list.
    @inline(__always) mutating func noteChecked(_ slot: Int) {
        unlinkQuiet(slot)
        let record = records.pointer(to: slot)
        guard record.pointee.isEvictable else { return }
        record.pointee.quietPrevious = quietTail
        record.pointee.quietNext = -1
        record.pointee.isQuietListed = true
        if quietTail >= 0 { records[Int(quietTail)].quietNext = Int32(slot) } else { quietHead = Int32(slot) }
        quietTail = Int32(slot)
        quietCount += 1
    }

    /// Evicts the least recently quiet threads until at most `budget` quiet ones are held.
    // Inlined into the decision boundary, its one caller: it runs at almost every boundary of a
    // fresh-thread workload (one thread per run falls quiet), and the call cost about 25
    // instructions a run.
    @inline(__always) mutating func evictQuiet(keeping budget: Int) {
        while quietCount > budget, quietHead >= 0 {
            let slot = Int(quietHead)
            unlinkQuiet(slot)
            let record = records.pointer(to: slot)
            // Quiet threads are listed only while evictable; the check guards that promise.
            guard record.pointee.isEvictable else { continue }
            let cell = EvictedThread(
                status: record.pointee.status, lastCause: record.pointee.lastCause,
                statusWriteCause: record.pointee.statusWriteCause, quiescence: record.pointee.quiescence,
                history: historyState(slot), mismatchReported: record.pointee.mismatchReported
            ).cell
            let id = record.pointee.id
            if record.pointee.status == .busy { evictedBusy.insert(id) }
            // ``remove(_:)`` without what is already known here: the thread was just unlinked
            // from the quiet list, and an evictable thread is not temporary, so it has no
            // settled temporary runs.
            if !record.pointee.spans.isEmpty { spans.removeAll(from: &record.pointee.spans) }
            map.remove(id.rawValue)
            record.pointee.isHeld = false
            freeSlots.append(Int32(slot))
            evicted[id.rawValue] = cell
            evictionCount += 1
        }
    }

    @inline(__always) private mutating func unlinkQuiet(_ slot: Int) {
        let record = records.pointer(to: slot)
        guard record.pointee.isQuietListed else { return }
        let previous = record.pointee.quietPrevious
        let next = record.pointee.quietNext
        if previous >= 0 { records[Int(previous)].quietNext = next } else { quietHead = next }
        if next >= 0 { records[Int(next)].quietPrevious = previous } else { quietTail = previous }
        record.pointee.isQuietListed = false
        quietCount -= 1
    }

    /// Cells stored one per id for evicted threads (the rest are in collapsed pages).
    var storedEvictedCellCount: Int { evicted.storedCellCount }

    // MARK: Settled runs of temporary threads

    mutating func appendSettledTemporaryRun(_ slot: Int, _ runID: RunID) {
        let extras = makeExtras(slot)
        temporaryRuns.append(runID, to: &extras.pointee.settledTemporaryRuns)
    }

    mutating func removeSettledTemporaryRun(_ slot: Int, _ runID: RunID) {
        guard records[slot].hasExtras else { return }
        temporaryRuns.removeAll(from: &extras[slot].settledTemporaryRuns) { $0 == runID }
    }

    func settledTemporaryRuns(_ slot: Int) -> [RunID] { temporaryRuns.values(of: extrasOrEmpty(slot).settledTemporaryRuns) }

    // MARK: Checkpoint history

    /// What an evicted thread keeps of its history: whether it had none, and whether its tip
    /// had `next` (the step number itself is forgotten).
    private mutating func historyState(_ slot: Int) -> EvictedThread.History {
        if records[slot].tipSpan == nil && !records[slot].historyTruncated { return .empty }
        switch tipHasNext(slot) {
        case true?: return .tipWithNext
        case false?: return .tipWithoutNext
        case nil: return .unknown
        }
    }

    // The two queries below are `mutating` although they change nothing: called on the
    // checker's table, a non-mutating method made the compiler copy the whole table first.

    /// The step the next checkpoint must carry, or nil when the history is unknown.
    @inline(__always) mutating func expectedNextStep(_ slot: Int) -> Int64? {
        let record = records.pointer(to: slot)
        if let tip = record.pointee.tipSpan { return tip.lastStep + 1 }
        return record.pointee.historyTruncated ? nil : -1
    }

    /// Whether the thread's last surviving checkpoint has `next`, or nil when unknown.
    mutating func tipHasNext(_ slot: Int) -> Bool? {
        if let tip = records[slot].tipSpan { return tip.lastHasNext }
        return records[slot].historyTruncated ? records[slot].restoredTipHasNext : false
    }

    /// Records a checkpoint: it extends the tip span when it continues the same run's steps,
    /// otherwise the tip moves to the pool and a new tip starts.
    @inline(__always) mutating func appendCheckpoint(_ slot: Int, runID: RunID, step: Int64, hasNext: Bool) {
        // The pool is another buffer, so the record's pointer stays valid across its appends.
        let record = records.pointer(to: slot)
        if let tip = record.pointee.tipSpan {
            if tip.runID == runID, tip.lastStep + 1 == step {
                // The span count is unchanged, so nothing is trimmed.
                record.pointee.tipSpan = Span(runID: runID, lastStep: step, lastHasNext: hasNext)
                return
            }
            spans.append(tip, to: &record.pointee.spans)
        }
        record.pointee.tipSpan = Span(runID: runID, lastStep: step, lastHasNext: hasNext)
        // Memory stays bounded: only the recent history is kept; older spans matter only if
        // every later one is deleted, and then the checker resynchronises on the next step.
        while record.pointee.spans.count + 1 > ShadowThread.maximumSpans {
            spans.remove(record.pointee.spans.head, from: &record.pointee.spans)
            record.pointee.historyTruncated = true
            record.pointee.restoredTipHasNext = nil
        }
    }

    /// Deletes the checkpoints of `runID`, created at event `createdAt` (nil when unknown).
    mutating func removeCheckpoints(_ slot: Int, of runID: RunID, createdAt: UInt64?) {
        // A run created after the restore cannot own the restored tip; any other might.
        if createdAt.map({ $0 <= extrasOrEmpty(slot).restoredAtSequence }) ?? true {
            records[slot].restoredTipHasNext = nil
        }
        spans.removeAll(from: &records[slot].spans) { $0.runID == runID }
        // A removed tip is replaced by the latest span left, which leaves the pool.
        if let tip = records[slot].tipSpan, tip.runID == runID {
            records[slot].tipSpan = spans.removeLast(from: &records[slot].spans)
        }
    }

    /// Forgets the history after a step that did not continue it.
    mutating func forgetHistory(_ slot: Int) {
        records[slot].restoredTipHasNext = nil
        spans.removeAll(from: &records[slot].spans)
        records[slot].tipSpan = nil
        records[slot].historyTruncated = true
    }
}

/// What is kept of an evicted thread, in 17 bits of a 32-bit cell: its status, the causes that
/// classify the next status write, its settled expectation (allowed statuses and whether an
/// eager deletion settled it), the shape of its history (none, or whether its tip had `next`,
/// which is what the status after a cancel depends on) and whether a mismatch of its status was
/// already reported (a thread a quirk left `busy` with nothing in flight stays so, and is
/// reported once). Bit 15 marks the cell as used.
struct EvictedThread {
    enum History: UInt16 {
        case unknown = 0, empty, tipWithoutNext, tipWithNext
    }

    let cell: UInt32

    init(cell: UInt32) { self.cell = cell }

    init(
        status: ThreadStatus?, lastCause: ThreadCause, statusWriteCause: ThreadCause, quiescence: Quiescence?,
        history: History, mismatchReported: Bool
    ) {
        var cell: UInt32 = 1 << 15
        cell |= UInt32(status.map { $0.rawValue + 1 } ?? 0)
        cell |= UInt32(lastCause.rawValue) << 3
        if statusWriteCause == .pendingCancel { cell |= 1 << 6 }
        if let quiescence {
            cell |= 1 << 7
            cell |= UInt32(quiescence.allowed & 0xF) << 8
            if quiescence.cause == .eagerDeletion { cell |= 1 << 12 }
        }
        cell |= UInt32(history.rawValue) << 13
        if mismatchReported { cell |= 1 << 16 }
        self.cell = cell
    }

    func restored(id: ThreadID) -> ShadowThread {
        var thread = ShadowThread(id: id, temporary: false)
        let status = cell & 0x7
        thread.status = status == 0 ? nil : ThreadStatus(rawValue: UInt8(status - 1))
        thread.lastCause = ThreadCause(rawValue: UInt8((cell >> 3) & 0x7)) ?? .none
        thread.statusWriteCause = cell & (1 << 6) != 0 ? .pendingCancel : .none
        if cell & (1 << 7) != 0 {
            thread.quiescence = Quiescence(
                allowed: UInt8((cell >> 8) & 0xF), cause: cell & (1 << 12) != 0 ? .eagerDeletion : .other, event: nil)
        }
        thread.mismatchReported = cell & (1 << 16) != 0
        switch History(rawValue: UInt16((cell >> 13) & 0x3)) ?? .unknown {
        case .empty: thread.historyTruncated = false
        case .unknown: thread.historyTruncated = true
        case .tipWithoutNext:
            thread.historyTruncated = true
            thread.restoredTipHasNext = false
        case .tipWithNext:
            thread.historyTruncated = true
            thread.restoredTipHasNext = true
        }
        return thread
    }
}
