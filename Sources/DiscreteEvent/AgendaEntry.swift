// What the agenda stores and hands back. The ordering key is (time, priority, sequence); the
// sequence number is unique, so the order is total and two runs of the same program pop the same
// items in the same order, with no dependence on heap layout.

/// Identifies one scheduled item, for cancellation. Handles are never reused within an agenda.
public struct AgendaHandle: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The item's sequence number: its position in the order items were scheduled.
    public let sequence: UInt64

    @inlinable
    internal init(sequence: UInt64) {
        self.sequence = sequence
    }

    @inlinable
    public static func < (lhs: AgendaHandle, rhs: AgendaHandle) -> Bool {
        lhs.sequence < rhs.sequence
    }

    public var description: String { "#\(sequence)" }
}

/// A scheduled item: its time, its priority, its handle and the caller's payload.
///
/// The priority and the sequence number share one word, `key`: the priority (biased to unsigned)
/// in the top byte, the sequence below it. Comparing keys compares (priority, sequence), so an
/// ordering test is two integer comparisons, and an entry with a small payload takes 32 bytes
/// instead of 40: the heap moves entries at every level.
public struct AgendaEntry<Payload> {
    /// When the item is due.
    public let time: SimulatedTime
    /// `(priority + 128) << 56 | sequence`.
    @usableFromInline internal let key: UInt64
    /// What the caller scheduled.
    public let payload: Payload

    /// The bits of ``key`` below the priority: room for 2^56 items per agenda.
    @inlinable static var sequenceMask: UInt64 { (1 << 56) - 1 }

    /// Priorities an entry can hold (a byte's worth; the simulator uses 0...2).
    public static var priorities: ClosedRange<Int> { -128...127 }

    @inlinable
    internal init(time: SimulatedTime, priority: Int, handle: AgendaHandle, payload: Payload) {
        self.time = time
        self.key = UInt64(truncatingIfNeeded: priority &+ 128) << 56 | handle.sequence
        self.payload = payload
    }

    /// Breaks ties at equal times: the lower value comes first (as in SimPy, where urgent
    /// events have priority 0 and normal ones 1).
    @inlinable
    public var priority: Int { Int(key >> 56) - 128 }

    /// Breaks remaining ties: the item scheduled first comes first.
    @inlinable
    public var handle: AgendaHandle { AgendaHandle(sequence: key & Self.sequenceMask) }

    /// Whether `self` comes strictly before `other` in (time, priority, sequence) order.
    @inlinable @inline(__always)
    public func precedes(_ other: AgendaEntry) -> Bool {
        if time != other.time { return time < other.time }
        return key < other.key
    }
}

extension AgendaEntry: Sendable where Payload: Sendable {}
extension AgendaEntry: Equatable where Payload: Equatable {}
