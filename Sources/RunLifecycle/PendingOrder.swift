// The queue's dispatch order. Runs mostly join at the back (created now) and leave from the
// front (dequeued oldest first), so entries live in an array with a moving head: both ends are
// O(1), and the rare out-of-order insert or removal (a delayed run, a cancelled pending run) is
// a binary search on the stored key plus a short move. The key is stored beside the id so
// ordering never looks the run up.

/// Pending runs in dispatch order: by `createdAt`, ties by id.
public struct PendingOrder: RandomAccessCollection, Hashable, Sendable {
    @usableFromInline
    struct Entry: Hashable, Sendable {
        @usableFromInline let createdAt: Timestamp
        @usableFromInline let runID: RunID

        @inlinable
        func precedes(_ other: Entry) -> Bool {
            createdAt != other.createdAt ? createdAt < other.createdAt : runID < other.runID
        }
    }

    @usableFromInline var entries: ContiguousArray<Entry> = []
    @usableFromInline var head = 0

    @inlinable public init() {}

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { entries.count - head }
    @inlinable public subscript(position: Int) -> RunID { entries[head + position].runID }

    /// The `createdAt` of the run at `position`.
    @inlinable public func createdAt(at position: Int) -> Timestamp { entries[head + position].createdAt }

    /// Inserts a run at its place; a run already queued is left where it is.
    // Inlined: the common insert is an append, and the call cost as much.
    @inline(__always)
    mutating func insert(_ runID: RunID, createdAt: Timestamp) {
        let entry = Entry(createdAt: createdAt, runID: runID)
        if let last = entries.last, !last.precedes(entry) { return insertBeforeLast(entry) }
        entries.append(entry)
    }

    /// ``insert(_:createdAt:)`` of an entry that does not go last.
    @inline(never)
    private mutating func insertBeforeLast(_ entry: Entry) {
        let position = insertionPosition(of: entry)
        if position < entries.count, entries[position].runID == entry.runID { return }
        entries.insert(entry, at: position)
    }

    /// Removes the run if it is queued; `createdAt` is its key, when known, for a binary search.
    // Inlined: the common removal is the head's (the oldest run starts), and the call cost as much.
    @inline(__always)
    mutating func remove(_ runID: RunID, createdAt: Timestamp?) {
        guard head < entries.count else { return }
        if entries[head].runID == runID {
            head += 1
            compact()
            return
        }
        removeBehindHead(runID, createdAt: createdAt)
    }

    /// ``remove(_:createdAt:)`` of a run that is not at the head.
    @inline(never)
    private mutating func removeBehindHead(_ runID: RunID, createdAt: Timestamp?) {
        var position: Int?
        if let createdAt {
            let candidate = insertionPosition(of: Entry(createdAt: createdAt, runID: runID))
            if candidate < entries.count, entries[candidate].runID == runID { position = candidate }
        } else {
            position = entries[head...].firstIndex { $0.runID == runID }
        }
        if let position { entries.remove(at: position) }
    }

    /// Drops the consumed prefix once it is long and outweighs the live part (amortised O(1)
    /// per removal). An emptied queue keeps its consumed prefix too: emptying the array at
    /// every drain (often, for a queue that keeps up) cost more than the rest of the removal.
    @inline(__always)
    private mutating func compact() {
        guard head >= 256, head * 2 >= entries.count else { return }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
        } else {
            entries.removeSubrange(0..<head)
        }
        head = 0
    }

    /// The first position in the live part whose entry does not precede `entry`.
    private func insertionPosition(of entry: Entry) -> Int {
        var low = head
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].precedes(entry) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    public static func == (lhs: PendingOrder, rhs: PendingOrder) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for runID in self { hasher.combine(runID) }
    }
}
