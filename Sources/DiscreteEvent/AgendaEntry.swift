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
public struct AgendaEntry<Payload> {
    /// When the item is due.
    public let time: SimulatedTime
    /// Breaks ties at equal times: the lower value comes first (as in SimPy, where urgent
    /// events have priority 0 and normal ones 1).
    public let priority: Int
    /// Breaks remaining ties: the item scheduled first comes first.
    public let handle: AgendaHandle
    /// What the caller scheduled.
    public let payload: Payload

    @inlinable
    internal init(time: SimulatedTime, priority: Int, handle: AgendaHandle, payload: Payload) {
        self.time = time
        self.priority = priority
        self.handle = handle
        self.payload = payload
    }

    /// Whether `self` comes strictly before `other` in (time, priority, sequence) order.
    @inlinable @inline(__always)
    public func precedes(_ other: AgendaEntry) -> Bool {
        if time != other.time { return time < other.time }
        if priority != other.priority { return priority < other.priority }
        return handle.sequence < other.handle.sequence
    }
}

extension AgendaEntry: Sendable where Payload: Sendable {}
extension AgendaEntry: Equatable where Payload: Equatable {}
