// The engine's threads with unsettled runs, in a window of slots indexed by `id - base`, with a
// dictionary for the few ids far from the window (a client naming thread 1,000,000 of a
// 10-thread pool). Fresh threads are numbered in the order their first run arrives and settle
// roughly in that order, so the window slides forward like the runs'. Each method is the one
// change the engine makes at one event, so each event looks its thread up once.

import RunLifecycle

/// Threads with unsettled runs, by id: O(1) without hashing for ids near each other.
///
/// A slot is empty when its record counts no unsettled run (a held thread always has one), so
/// slots are plain records: no optional to test and unwrap at each access. The reads are
/// inlined into the engine (called, a non-mutating one copied this whole struct).
struct ThreadSlots {
    /// Slot `i` holds thread `base + i` if its `unsettled` is positive; empty slots hold
    /// `ThreadRecord()`.
    private var slots: ContiguousArray<ThreadRecord> = []
    private var base: UInt32 = 0
    /// Slots before this one are empty.
    private var head = 0
    /// Threads held in `slots`.
    private var windowCount = 0
    /// Threads whose ids were too far from the window when they arrived. An id is held in one
    /// place only: the window is checked first, then this.
    private var outliers: [ThreadID: ThreadRecord] = [:]

    /// How far outside the window a new id may land and still widen it.
    private static var maximumGap: Int { 1 << 16 }

    @inline(__always)
    private func slotIndex(of id: ThreadID) -> Int? {
        let offset = Int(id.rawValue) - Int(base)
        return offset >= 0 && offset < slots.count && slots[offset].unsettled > 0 ? offset : nil
    }

    /// Whether the thread has an unsettled run.
    @inline(__always)
    func contains(_ id: ThreadID) -> Bool {
        slotIndex(of: id) != nil || (!outliers.isEmpty && outliers[id] != nil)
    }

    /// When the thread's latest worker stopped holding a slot; `.min` if never (or unknown).
    @inline(__always)
    func lastWorkerEnd(of id: ThreadID) -> Int64 {
        if let index = slotIndex(of: id) { return slots[index].lastWorkerEndAt }
        return outliers.isEmpty ? .min : outliers[id]?.lastWorkerEndAt ?? .min
    }

    /// A worker of the thread left its slot at `time` (nothing if the thread is unknown).
    mutating func workerLeft(_ id: ThreadID, at time: Int64) {
        if let index = slotIndex(of: id) {
            slots[index].lastWorkerEndAt = time
        } else if !outliers.isEmpty, outliers[id] != nil {
            outliers[id]!.lastWorkerEndAt = time
        }
    }

    /// A run of the thread was created; returns its unsettled runs now.
    mutating func addRun(on id: ThreadID) -> Int {
        if let index = slotIndex(of: id) {
            slots[index].unsettled += 1
            return slots[index].unsettled
        }
        // The usual new thread, a fresh one: the id right after the window, appended as it is.
        if windowCount > 0, outliers.isEmpty, Int(id.rawValue) - Int(base) == slots.count {
            slots.append(ThreadRecord(unsettled: 1))
            windowCount += 1
            return 1
        }
        return addRunOfNewThread(id)
    }

    /// ``addRun(on:)`` for a thread not in the window.
    private mutating func addRunOfNewThread(_ id: ThreadID) -> Int {
        if !outliers.isEmpty, outliers[id] != nil {
            outliers[id]!.unsettled += 1
            return outliers[id]!.unsettled
        }
        guard let index = slotIndexCreatingRoom(for: id) else {
            outliers[id] = ThreadRecord(unsettled: 1)
            return 1
        }
        slots[index] = ThreadRecord(unsettled: 1)
        windowCount += 1
        if index < head { head = index }
        return 1
    }

    /// A run of the thread settled; returns whether the thread has none left (then it is
    /// dropped), true also for an unknown thread.
    mutating func settleRun(on id: ThreadID) -> Bool {
        if let index = slotIndex(of: id) {
            slots[index].unsettled -= 1
            guard slots[index].unsettled == 0 else { return false }
            // Emptied: a thread that comes back starts with no worker end, as a new record did.
            slots[index].lastWorkerEndAt = .min
            windowCount -= 1
            if index == head { trimFront() }
            return true
        }
        guard !outliers.isEmpty, outliers[id] != nil else { return true }
        outliers[id]!.unsettled -= 1
        guard outliers[id]!.unsettled == 0 else { return false }
        outliers[id] = nil
        return true
    }

    /// ``workerLeft(_:at:)`` of `left`, then ``settleRun(on:)`` of `id`: one access when they
    /// are the same thread (a run whose worker leaves as it ends), else the two.
    mutating func workerLeft(_ left: ThreadID, at time: Int64, thenSettleRunOn id: ThreadID) -> Bool {
        guard left == id, let index = slotIndex(of: id) else {
            workerLeft(left, at: time)
            return settleRun(on: id)
        }
        let unsettled = slots[index].unsettled - 1
        guard unsettled == 0 else {
            slots[index].unsettled = unsettled
            slots[index].lastWorkerEndAt = time
            return false
        }
        // Emptied: as ``settleRun(on:)`` leaves it (the worker's end is forgotten with it).
        slots[index] = ThreadRecord()
        windowCount -= 1
        if index == head { trimFront() }
        return true
    }

    /// The (empty) slot for a new id, widening or moving the window; nil when the id is too
    /// far from it.
    private mutating func slotIndexCreatingRoom(for id: ThreadID) -> Int? {
        if windowCount == 0 {
            // An empty window can move anywhere: restart it at this id.
            slots.removeAll(keepingCapacity: true)
            base = id.rawValue
            head = 0
            slots.append(ThreadRecord())
            return 0
        }
        let offset = Int(id.rawValue) - Int(base)
        if offset < 0 {
            // A pool's threads arrive in any order: a close id below the window widens it.
            guard -offset <= Self.maximumGap else { return nil }
            slots.insert(contentsOf: repeatElement(ThreadRecord(), count: -offset), at: 0)
            base = id.rawValue
            head += -offset
            return 0
        }
        if offset >= slots.count {
            guard offset - slots.count <= Self.maximumGap else { return nil }
            if offset == slots.count {
                // The usual case, a new fresh thread; appending a repeated empty slot took 75 instructions.
                slots.append(ThreadRecord())
            } else {
                slots.append(contentsOf: repeatElement(ThreadRecord(), count: offset + 1 - slots.count))
            }
        }
        return offset
    }

    /// Advances `head` past empty slots and drops the empty prefix once it is large.
    private mutating func trimFront() {
        if windowCount == 0 {
            slots.removeAll(keepingCapacity: true)
            head = 0
            return
        }
        while slots[head].unsettled == 0 { head += 1 }
        if head >= 1024, head * 2 >= slots.count {
            slots.removeSubrange(0..<head)
            base &+= UInt32(head)
            head = 0
        }
    }
}
