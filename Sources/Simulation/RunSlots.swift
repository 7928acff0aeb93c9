// The engine's unsettled runs, each with its worker, in one window of slots indexed by
// `id - base`. Run ids come from the state's counter, so a new run is always past every run
// seen before, and runs settle roughly in id order: the window slides forward and stays as wide
// as the span of runs in flight. The engine looks a run up once per event and then reads and
// changes the slot by index, where keeping runs and workers in two hashed or windowed tables
// looked each up several times per event (ended, then settled, then forgotten).

import RunLifecycle

/// Unsettled runs by id: O(1) lookup without hashing, memory bounded by the span of live ids.
struct RunSlots {
    /// Slot `i` holds run `base + i`, nil once it settled (or for an id never created).
    private(set) var slots: ContiguousArray<RunRecord?> = []
    private var base: UInt32 = 0
    /// Slots before this one are empty.
    private var head = 0
    /// Runs held.
    private(set) var count = 0

    /// Where run `id` is, if it is held. The index stays valid until the next insert or removal.
    @inline(__always)
    func index(of id: RunID) -> Int? {
        let offset = Int(id.rawValue) - Int(base)
        guard offset >= 0, offset < slots.count, slots[offset] != nil else { return nil }
        return offset
    }

    /// The run at `index` (from ``index(of:)``). Changed in place: with a setter, writing one
    /// field copied the whole record out and back.
    subscript(index: Int) -> RunRecord {
        @inline(__always) get { slots[index]! }
        @inline(__always) _modify { yield &slots[index]! }
    }

    /// Runs `body` on the run at `index` (from ``index(of:)``) in one access: changing several
    /// fields one by one checked the table's uniqueness, bounds and the slot's presence each time.
    @inline(__always)
    mutating func update<Result>(at index: Int, _ body: (inout RunRecord) -> Result) -> Result {
        body(&slots[index]!)
    }

    /// Holds the record `make` builds for `id`, replacing what it held.
    // Built by a closure, in each branch: built by the caller, the record was written to the
    // stack for the rare branch and then again into the slot (about 17 instructions per run).
    @inline(__always)
    mutating func insert(for id: RunID, _ make: () -> RunRecord) {
        // The usual case, a run past every run held: appended as it is, where making an empty
        // slot first and then filling it moved the large record twice.
        if count > 0, id.rawValue >= base, Int(id.rawValue - base) == slots.count {
            slots.append(make())
            count += 1
        } else {
            insertAnywhere(make(), for: id)
        }
    }

    /// ``insert(_:for:)`` for any id.
    private mutating func insertAnywhere(_ record: RunRecord, for id: RunID) {
        if count == 0 {
            // An empty window can move anywhere: restart it at this id.
            slots.removeAll(keepingCapacity: true)
            base = id.rawValue
            head = 0
        } else if id.rawValue < base {
            // Not from the state's counter (ids only grow there); kept correct, not fast.
            let shift = Int(base - id.rawValue)
            slots.insert(contentsOf: repeatElement(nil, count: shift), at: 0)
            base = id.rawValue
            head = 0
        }
        let offset = Int(id.rawValue - base)
        if offset >= slots.count {
            if offset == slots.count {
                slots.append(nil)
            } else {
                slots.append(contentsOf: repeatElement(nil, count: offset + 1 - slots.count))
            }
        }
        if slots[offset] == nil { count += 1 }
        slots[offset] = record
        if offset < head { head = offset }
    }

    /// Removes the run at `index` (from ``index(of:)``). Returns nothing: copying the large
    /// record out cost more than reading the few fields the caller needs before.
    mutating func remove(at index: Int) {
        slots[index] = nil
        didEmpty(index)
    }

    /// Marks the run at `index` (from ``index(of:)``) ended with `outcome`, takes its worker
    /// away if `releasingWorker`, and removes it if it is then settled (no worker left), all in
    /// one access: ending and then settling checked the table's uniqueness twice and copied
    /// the whole record out to read four fields.
    mutating func end(at index: Int, outcome: RunOutcome, releasingWorker: Bool) -> RunEnd {
        let end = update(slot: index) { slot -> RunEnd in
            slot!.ended = true
            slot!.outcome = outcome
            var leaving: Worker?
            if releasingWorker, let worker = slot!.worker {
                slot!.worker = nil
                leaving = worker
            }
            guard slot!.worker == nil else { return RunEnd(leavingWorker: leaving, settled: nil) }
            let settled = SettledRun(slot!)
            slot = nil
            return RunEnd(leavingWorker: leaving, settled: settled)
        }
        if end.settled != nil { didEmpty(index) }
        return end
    }

    @inline(__always)
    private mutating func update<Result>(slot index: Int, _ body: (inout RunRecord?) -> Result) -> Result {
        body(&slots[index])
    }

    /// Counts the slot at `index`, just emptied, out, and slides the window past empty slots.
    private mutating func didEmpty(_ index: Int) {
        count -= 1
        if count == 0 {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if index == head {
            while slots[head] == nil { head += 1 }
            // Drop the settled prefix once it is large, in amortised O(1) per run.
            if head >= 1024, head * 2 >= slots.count {
                slots.removeSubrange(0..<head)
                base &+= UInt32(head)
                head = 0
            }
        }
    }

    /// The indices of held runs, ascending by id.
    var occupiedIndices: [Int] {
        (head..<slots.count).filter { slots[$0] != nil }
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
    init(_ record: RunRecord) {
        threadID = record.threadID
        user = record.user
        stepCount = record.stepCount
        outcome = record.outcome
    }
}
