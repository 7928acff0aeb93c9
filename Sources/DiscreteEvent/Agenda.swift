// The agenda: a hand-written implicit 4-ary min-heap keyed by (time, priority, sequence).
//
// Why 4-ary and hand-written: a 4-ary heap is half as deep as a binary one and its four children
// share a cache line or two, and a plain min-heap does less work per pop than swift-collections'
// min-max `Heap`, which also has to keep the maximum. Measured with `Tools/kernel-bench/run`
// (release, Swift 6.3.1, hold model: pop the minimum, push it a random span later; Int payload;
// 2 shared cores under load from parallel builds, so two runs are shown as a range), in
// pop+push pairs per second:
//   size       this 4-ary agenda   HeapModule.Heap   ratio
//   10         28.2–29.6 M/s       20.5–24.9 M/s     1.19–1.37x
//   1,000      10.1–11.0 M/s        7.8–9.8 M/s      1.13–1.30x
//   100,000     4.7–5.2 M/s         3.2–3.8 M/s      1.39–1.45x
// Both pop identical sequences (the benchmark compares checksums). A bare M/M/1 loop on Kernel
// runs at 13.5–15.1 M events/s, M/M/64 at 7.6–7.9 M events/s.
//
// Cancellation is lazy: a cancelled handle goes into a set and its entry is dropped when it
// reaches the top. A set lookup happens only while the set is non-empty, so simulations that
// never cancel pay nothing for the feature.
//
// Popping is lazy too: the popped entry stays at the root, marked stale, until the next
// operation. A simulation step usually pops an item and then schedules one (the next arrival,
// the next run's step), and an insert that finds a stale root takes its place and sifts down
// once, where removing the root and then appending and sifting up walked the heap twice.
//
// One item may wait beside the heap (``insertAside(_:at:priority:)``): a simulation usually has
// one recurring item that is always pending, such as its next arrival, which is popped and
// replaced once per customer. Kept out of the heap, it costs one comparison per pop instead of a
// sift on insert and on pop (the M/M/10 profile spent a quarter of its agenda work on arrivals).
// It takes its sequence number from the same counter, so the order stays (time, priority,
// sequence): the side item pops exactly when it would have popped from the heap.

/// A priority queue of scheduled items ordered by (time, priority, sequence).
///
/// Items at the same time pop in ascending priority, then in the order they were inserted, so the
/// order is total and deterministic. Insert and pop are O(log n); cancel is O(1) plus the cost of
/// dropping cancelled items when they surface.
public struct Agenda<Payload> {
    @usableFromInline internal var heap: ContiguousArray<AgendaEntry<Payload>>
    @usableFromInline internal var nextSequence: UInt64 = 0
    /// Handles cancelled while still in the heap. Invariant: each is in the heap and none is at
    /// the top (unless the top is stale), so ``peek()`` and ``count`` need no filtering.
    @usableFromInline internal var cancelled: Set<AgendaHandle> = []
    /// Whether the root was popped already and is only waiting to be replaced or removed.
    @usableFromInline internal var staleTop = false
    /// The item kept beside the heap, if any: pending, never cancelled-and-kept (cancelling it
    /// clears it), and not counted in ``heap``.
    @usableFromInline internal var aside: AgendaEntry<Payload>?

    /// Creates an empty agenda with room for `minimumCapacity` items before it reallocates.
    public init(minimumCapacity: Int = 0) {
        heap = []
        heap.reserveCapacity(minimumCapacity)
    }

    /// The number of pending (scheduled, not yet popped, not cancelled) items.
    @inlinable
    public var count: Int { heap.count - (staleTop ? 1 : 0) - cancelled.count + (aside == nil ? 0 : 1) }

    /// Whether no item is pending.
    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// The next item to pop, without removing it.
    @inlinable
    public func peek() -> AgendaEntry<Payload>? {
        let first = staleTop ? pendingBelowStaleTop() : heap.first
        guard let aside else { return first }
        guard let first else { return aside }
        return first.precedes(aside) ? first : aside
    }

    /// ``peek()`` while the root is stale: the least pending entry among the rest. Mutating
    /// callers in this module settle the root first instead (``settleTop()``).
    @usableFromInline
    internal func pendingBelowStaleTop() -> AgendaEntry<Payload>? {
        var best: AgendaEntry<Payload>?
        if cancelled.isEmpty {
            // Heap order: the least of the rest is one of the root's children.
            for index in 1..<Swift.min(5, heap.count) where best.map({ heap[index].precedes($0) }) ?? true {
                best = heap[index]
            }
        } else {
            for index in 1..<heap.count where !cancelled.contains(heap[index].handle) {
                if best.map({ heap[index].precedes($0) }) ?? true { best = heap[index] }
            }
        }
        return best
    }

    /// Schedules `payload` at `time` with `priority` (lower first at equal times).
    ///
    /// - Precondition: `priority` is in ``AgendaEntry/priorities``.
    /// - Returns: the item's handle, for ``cancel(_:)``.
    // Never inlined (specialised all the same): with its sifts inlined into it, it grew every
    // caller that schedules, and inlined at the simulator's rarer scheduling sites it made the
    // engine's event loop spill its index (five instructions more per event).
    @inlinable @inline(never)
    @discardableResult
    public mutating func insert(_ payload: Payload, at time: SimulatedTime, priority: Int = 0) -> AgendaHandle {
        precondition(AgendaEntry<Payload>.priorities.contains(priority), "Agenda.insert: priority \(priority) is outside -128...127")
        let handle = AgendaHandle(sequence: nextSequence)
        nextSequence += 1
        let entry = AgendaEntry(time: time, priority: priority, handle: handle, payload: payload)
        if staleTop {
            staleTop = false
            siftDown(entry)
            if !cancelled.isEmpty { dropCancelledTop() }
        } else {
            heap.append(entry)
            siftUp(from: heap.count - 1)
        }
        return handle
    }

    /// Schedules `payload` like ``insert(_:at:priority:)``, beside the heap when no other item
    /// is there (else in the heap): for an item that is replaced as soon as it pops, such as a
    /// simulation's next arrival. The order of pops is the same either way.
    // Always inlined: the simulator calls it once per arrival, and the call (not inlined on
    // its own) cost about a third of its work.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func insertAside(_ payload: Payload, at time: SimulatedTime, priority: Int = 0) -> AgendaHandle {
        guard aside == nil else { return insert(payload, at: time, priority: priority) }
        precondition(AgendaEntry<Payload>.priorities.contains(priority), "Agenda.insert: priority \(priority) is outside -128...127")
        let handle = AgendaHandle(sequence: nextSequence)
        nextSequence += 1
        aside = AgendaEntry(time: time, priority: priority, handle: handle, payload: payload)
        return handle
    }

    /// Removes and returns the first pending item, or nil when none is pending.
    // Always inlined: a simulation loop pops once per step, and the call's frame and the
    // optional entry returned through registers cost about a quarter of its work.
    @inlinable @inline(__always)
    public mutating func popFirst() -> AgendaEntry<Payload>? {
        settleTop()
        if let item = aside, heap.first.map({ !$0.precedes(item) }) ?? true {
            aside = nil
            return item
        }
        guard let first = heap.first else { return nil }
        staleTop = true
        return first
    }

    /// Removes a stale root, so that the root (if any) is the first pending item.
    @inlinable
    internal mutating func settleTop() {
        guard staleTop else { return }
        staleTop = false
        removeTop()
        if !cancelled.isEmpty { dropCancelledTop() }
    }

    /// Cancels a pending item so that it is never popped.
    ///
    /// - Precondition: `handle` was returned by this agenda and its item has been neither popped
    ///   nor cancelled. The agenda cannot check "not yet popped" cheaply (that would need a set
    ///   of every live handle on the hot path), so it checks what it can here and
    ///   ``checkInvariants()`` catches the rest. Callers that hold a handle to an item that may
    ///   already have fired must forget it when it fires (or use a generation counter in their
    ///   payload and ignore stale items instead of cancelling).
    public mutating func cancel(_ handle: AgendaHandle) {
        precondition(handle.sequence < nextSequence, "Agenda.cancel: \(handle) was never scheduled here")
        if let item = aside, item.handle == handle {
            aside = nil
            return
        }
        settleTop()
        let (inserted, _) = cancelled.insert(handle)
        precondition(inserted, "Agenda.cancel: \(handle) is already cancelled")
        dropCancelledTop()
    }

    /// Removes every item, pending or cancelled; handles stay unique across the clear.
    public mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
        cancelled.removeAll()
        staleTop = false
        aside = nil
    }

    /// Pops cancelled items off the top until the top is pending (or the heap is empty).
    @usableFromInline
    internal mutating func dropCancelledTop() {
        while let top = heap.first, cancelled.remove(top.handle) != nil {
            removeTop()
        }
    }

    /// Removes the root: moves the last leaf into the hole and sifts it down.
    @inlinable
    internal mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        siftDown(last)
    }

    /// Moves the entry at `index` up until its parent precedes it. Uses a hole instead of swaps,
    /// so each level costs one move rather than three.
    // Always inlined into its callers, as ``siftDown(_:)`` is: called, the closure's frame,
    // its saved registers and the entry passed in registers cost about 20 instructions per sift.
    @inlinable @inline(__always)
    internal mutating func siftUp(from index: Int) {
        heap.withUnsafeMutableBufferPointer { buffer in
            var hole = index
            let entry = buffer[hole]
            while hole > 0 {
                let parent = (hole &- 1) >> 2
                guard entry.precedes(buffer[parent]) else { break }
                buffer[hole] = buffer[parent]
                hole = parent
            }
            buffer[hole] = entry
        }
    }

    /// Places `entry` at the root (replacing it) and moves it down until it precedes all its
    /// children.
    // Index arithmetic wraps: indices are below the heap's count, far from overflowing.
    @inlinable @inline(__always)
    internal mutating func siftDown(_ entry: AgendaEntry<Payload>) {
        heap.withUnsafeMutableBufferPointer { buffer in
            let count = buffer.count
            var hole = 0
            while true {
                let firstChild = 4 &* hole &+ 1
                if firstChild >= count { break }
                var best = firstChild
                // The best child's key is kept at hand rather than read again for each
                // comparison (the same order as ``AgendaEntry/precedes(_:)``).
                var bestTime = buffer[firstChild].time
                var bestKey = buffer[firstChild].key
                let end = Swift.min(firstChild &+ 4, count)
                var child = firstChild &+ 1
                while child < end {
                    let time = buffer[child].time
                    if time < bestTime || (time == bestTime && buffer[child].key < bestKey) {
                        best = child
                        bestTime = time
                        bestKey = buffer[child].key
                    }
                    child &+= 1
                }
                guard bestTime < entry.time || (bestTime == entry.time && bestKey < entry.key) else { break }
                buffer[hole] = buffer[best]
                hole = best
            }
            buffer[hole] = entry
        }
    }
}

extension Agenda: Sendable where Payload: Sendable {}
