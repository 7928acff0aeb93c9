// The engine's unsettled runs, each with its worker, in one window of slots indexed by
// `id - base`. Run ids come from the state's counter, so a new run is always past every run
// seen before, and runs settle roughly in id order: the window slides forward and stays as wide
// as the span of runs in flight. The engine looks a run up once per event and then reads and
// changes the slot by index, where keeping runs and workers in two hashed or windowed tables
// looked each up several times per event (ended, then settled, then forgotten).

import RunLifecycle

/// Unsettled runs by id: O(1) lookup without hashing, memory bounded by the span of live ids.
///
/// Not copy-on-write: the slots live in a buffer this value owns (``RunSlotTable``), and a copy
/// shares it, like the engine's ``EventOutbox``. The engine is the only holder and never copies
/// it while playing; held in a `ContiguousArray`, every change of a slot (about four per run:
/// created, started, a step done, ended) paid the array's uniqueness check, a runtime call, and
/// its bounds check again.
struct RunSlots {
    private let table = RunSlotTable()

    /// Runs held.
    var count: Int { table.count }

    /// Where run `id` is, if it is held. The index stays valid until the next insert or removal.
    @inline(__always)
    func index(of id: RunID) -> Int? {
        let table = table
        let offset = Int(id.rawValue) &- Int(table.base)
        guard offset >= 0, offset < table.length, table.slots[offset].held else { return nil }
        return offset
    }

    /// The run at `index` (from ``index(of:)``). Changed in place: with a setter, writing one
    /// field copied the whole record out and back.
    subscript(index: Int) -> RunRecord {
        @inline(__always) get { table.slotPointer(index).pointee }
        @inline(__always) nonmutating _modify { yield &table.slotPointer(index).pointee }
    }

    /// Runs `body` on the run at `index` (from ``index(of:)``) in one access.
    @inline(__always)
    func update<Result>(at index: Int, _ body: (inout RunRecord) -> Result) -> Result {
        body(&table.slotPointer(index).pointee)
    }

    /// Holds the record `make` builds for `id`, replacing what it held.
    // Built by a closure, in each branch: built by the caller, the record was written to the
    // stack for the rare branch and then again into the slot (about 17 instructions per run).
    @inline(__always)
    func insert(for id: RunID, _ make: () -> RunRecord) {
        let table = table
        // The usual case, a run past every run held: appended as it is, where making an empty
        // slot first and then filling it moved the large record twice.
        if table.count > 0, id.rawValue >= table.base, Int(id.rawValue &- table.base) == table.length,
            table.length < table.capacity
        {
            (table.slots + table.length).initialize(to: make())
            table.length &+= 1
            table.count &+= 1
        } else {
            insertAnywhere(make(), for: id)
        }
    }

    /// ``insert(for:_:)`` for any id, or when the buffer is full.
    @inline(never)
    private func insertAnywhere(_ record: RunRecord, for id: RunID) {
        if table.count == 0 {
            // An empty window can move anywhere: restart it at this id.
            table.removeAll()
            table.base = id.rawValue
            table.head = 0
        } else if id.rawValue < table.base {
            // Not from the state's counter (ids only grow there); kept correct, not fast.
            table.prepend(emptySlots: Int(table.base - id.rawValue))
            table.base = id.rawValue
            table.head = 0
        }
        let offset = Int(id.rawValue - table.base)
        if offset >= table.length { table.append(emptySlots: offset + 1 - table.length) }
        if !table.slotPointer(offset).pointee.held { table.count += 1 }
        table.slotPointer(offset).pointee = record
        if offset < table.head { table.head = offset }
    }

    /// Removes the run at `index` (from ``index(of:)``). Returns nothing: copying the large
    /// record out cost more than reading the few fields the caller needs before.
    func remove(at index: Int) {
        table.slotPointer(index).pointee.held = false
        didEmpty(index)
    }

    /// Marks the run at `index` (from ``index(of:)``) ended with `outcome`, takes its worker
    /// away if `releasingWorker`, and removes it if it is then settled (no worker left), all in
    /// one access: ending and then settling checked the table's uniqueness twice and copied
    /// the whole record out to read four fields. The slot is reached once, with no presence
    /// check per field (slots are plain records, not optionals: see ``RunSlotTable``).
    func end(at index: Int, outcome: RunOutcome, releasingWorker: Bool) -> RunEnd {
        let record = table.slotPointer(index)
        let worker = record.pointee.worker
        guard worker == nil || releasingWorker else {
            // Its worker stays: the run waits for it, ended.
            record.pointee.ended = true
            record.pointee.outcome = outcome
            return RunEnd(leavingWorker: nil, settled: nil)
        }
        // No worker is left: it settles. The slot is only marked not held (its fields, ended or
        // not, are never read again), where writing the outcome, the end and the worker's
        // absence first cost about ten stores per run.
        let settled = SettledRun(record.pointee, outcome: outcome)
        record.pointee.held = false
        didEmpty(index)
        return RunEnd(leavingWorker: worker, settled: settled)
    }

    /// Counts the slot at `index`, just emptied, out, and slides the window past empty slots.
    @inline(__always)
    private func didEmpty(_ index: Int) {
        let table = table
        table.count -= 1
        if table.count == 0 {
            table.removeAll()
            table.head = 0
        } else if index == table.head {
            var head = table.head
            while !table.slotPointer(head).pointee.held { head += 1 }
            table.head = head
            // Drop the settled prefix once it is large, in amortised O(1) per run.
            if head >= 1024, head * 2 >= table.length { table.dropSettledPrefix() }
        }
    }

    /// The indices of held runs, ascending by id.
    var occupiedIndices: [Int] {
        (table.head..<table.length).filter { table.slot($0) != nil }
    }
}

/// The buffer of ``RunSlots``: slot `i` holds run `base + i`; a slot whose run settled (or whose
/// id was never created) is not ``RunRecord/held``. Plain records, not optionals: an optional's
/// absence was marked inside the record's own bytes, so each field written through an optional
/// slot checked its presence again, and emptying a slot wrote the whole record (about 25
/// instructions per settled run); marking it not held is one store. A class, so that the buffer is freed once; its slots are reached through a
/// pointer with no uniqueness or bounds check (``RunSlots`` checks an id's offset once, in
/// ``RunSlots/index(of:)``, and its indices are valid by contract).
private final class RunSlotTable {
    private(set) var slots: UnsafeMutablePointer<RunRecord>
    /// Slots initialized (the window's width).
    var length = 0
    private(set) var capacity: Int
    /// The id of slot 0.
    var base: UInt32 = 0
    /// Slots before this one are empty.
    var head = 0
    /// Runs held.
    var count = 0

    init() {
        capacity = 64
        slots = .allocate(capacity: capacity)
    }

    deinit {
        slots.deinitialize(count: length)
        slots.deallocate()
    }

    @inline(__always)
    func slot(_ index: Int) -> RunRecord? {
        assert(index >= 0 && index < length, "RunSlots: index \(index) outside 0..<\(length)")
        return slots[index].held ? slots[index] : nil
    }

    @inline(__always)
    func slotPointer(_ index: Int) -> UnsafeMutablePointer<RunRecord> {
        assert(index >= 0 && index < length, "RunSlots: index \(index) outside 0..<\(length)")
        return slots + index
    }

    /// Forgets every slot, keeping the capacity.
    func removeAll() {
        slots.deinitialize(count: length)
        length = 0
    }

    /// Appends `count` empty slots.
    func append(emptySlots count: Int) {
        reserve(length + count)
        (slots + length).initialize(repeating: .vacant, count: count)
        length += count
    }

    /// Inserts `count` empty slots before the first.
    func prepend(emptySlots count: Int) {
        reserve(length + count)
        (slots + count).moveInitialize(from: slots, count: length)
        slots.initialize(repeating: .vacant, count: count)
        length += count
        head += count
    }

    /// Removes the empty slots before ``head``, moving the window's base past them.
    func dropSettledPrefix() {
        slots.deinitialize(count: head)
        slots.moveInitialize(from: slots + head, count: length - head)
        length -= head
        base &+= UInt32(head)
        head = 0
    }

    /// Makes room for `minimum` slots, doubling the capacity.
    func reserve(_ minimum: Int) {
        guard minimum > capacity else { return }
        (slots, capacity) = grownAllocation(slots, count: length, capacity: capacity, toHold: minimum)
    }
}

/// What ``RunSlots/end(at:outcome:releasingWorker:)`` did: the worker it took away, and the
/// run's fields the engine needs if the run settled (it then left the table).
struct RunEnd {
    var leavingWorker: Worker?
    var settled: SettledRun?
}

/// The fields of a settled run that the engine still needs once its record is gone.
struct SettledRun {
    var threadID: ThreadID
    var user: Int32
    var stepCount: Int
    var outcome: RunOutcome

    @inline(__always)
    init(_ record: RunRecord, outcome: RunOutcome? = nil) {
        threadID = record.threadID
        user = record.user
        stepCount = record.stepCount
        self.outcome = outcome ?? record.outcome
    }
}
