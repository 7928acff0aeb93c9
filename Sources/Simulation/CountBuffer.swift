// A growable table of counters for a recorder on the simulator's hot path. Kept in a `[UInt64]`,
// each run's start paid the array's uniqueness check (a runtime call) before its counters were
// reached; the recorder holding this buffer is the engine's alone and is never copied while it
// counts, so the buffer is shared by copies, like the engine's EventOutbox, and reached through
// a pointer with no check.

/// Counters starting at zero, grown on demand; reference semantics (see above).
final class CountBuffer {
    /// The counters; valid until the next ``reserve(_:)`` that grows.
    private(set) var base: UnsafeMutablePointer<UInt64>
    /// Counters in use (all initialized).
    private(set) var count = 0
    private var capacity: Int

    init() {
        capacity = 0
        base = .allocate(capacity: 0)
    }

    deinit {
        base.deallocate()
    }

    /// Makes `minimum` counters usable, the new ones zero.
    @inline(__always)
    func reserve(_ minimum: Int) {
        if minimum > count { grow(to: minimum) }
    }

    private func grow(to minimum: Int) {
        if minimum > capacity {
            (base, capacity) = grownAllocation(base, count: count, capacity: capacity, toHold: minimum)
        }
        (base + count).initialize(repeating: 0, count: minimum - count)
        count = minimum
    }

    /// Counter `index` (below ``count``).
    subscript(index: Int) -> UInt64 {
        get {
            precondition(index >= 0 && index < count, "CountBuffer: index \(index) outside 0..<\(count)")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "CountBuffer: index \(index) outside 0..<\(count)")
            base[index] = newValue
        }
    }
}
