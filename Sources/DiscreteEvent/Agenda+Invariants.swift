// Whole-structure checks, too slow for the hot path (O(n)), cheap enough to run after every
// operation in property tests. They trap with a message naming the broken rule.

extension Agenda {
    /// Traps unless the heap order, the handle bookkeeping and the cancellation set are sound.
    public func checkInvariants() {
        var handles: Set<AgendaHandle> = []
        handles.reserveCapacity(heap.count)
        for (index, entry) in heap.enumerated() {
            if index > 0 {
                let parent = (index - 1) / 4
                precondition(
                    !entry.precedes(heap[parent]),
                    "Agenda: heap order broken, \(entry.handle) at \(index) precedes its parent \(heap[parent].handle)")
            }
            precondition(
                entry.handle.sequence < nextSequence,
                "Agenda: \(entry.handle) is beyond the next sequence number \(nextSequence)")
            let (inserted, _) = handles.insert(entry.handle)
            precondition(inserted, "Agenda: \(entry.handle) appears twice")
        }
        if let item = aside {
            precondition(
                item.handle.sequence < nextSequence,
                "Agenda: \(item.handle) is beyond the next sequence number \(nextSequence)")
            let (inserted, _) = handles.insert(item.handle)
            precondition(inserted, "Agenda: \(item.handle) is both beside the heap and in it")
            precondition(!cancelled.contains(item.handle), "Agenda: cancelled \(item.handle) is beside the heap")
        }
        for handle in cancelled {
            precondition(
                handles.contains(handle),
                "Agenda: cancelled \(handle) is not pending (cancelled after it was popped?)")
        }
        if let top = heap.first {
            // A stale root was popped: it must not be cancelled either.
            precondition(!cancelled.contains(top.handle), "Agenda: cancelled \(top.handle) is at the top")
        }
        precondition(!staleTop || !heap.isEmpty, "Agenda: a stale top in an empty heap")
    }
}
