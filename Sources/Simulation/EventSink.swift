// Where the simulator's events go. The journal writer and the invariant checker plug in here
// later; the simulator knows only this protocol, so it depends on neither of their APIs.
import RunLifecycle

/// Receives every domain event the simulator produces, in order, with its sequence number.
///
/// Sinks are generic parameters of ``Simulator``, not existentials, so a sink's `receive` is
/// specialised and inlined into the simulation loop.
public protocol EventSink {
    /// Called once per event, after the simulator's state has applied it. `sequence` counts
    /// events from 0 with no gaps.
    mutating func receive(_ event: Event, sequence: UInt64)

    /// Safety and liveness violations this sink has found so far (0 for sinks that check nothing).
    var violationCount: Int { get }

    /// Divergences from the documented intent that the profile's quirks explain (not failures).
    var profileDivergenceCount: Int { get }

    /// Called once when the simulation ends; `drained` when it ran out of work rather than
    /// being stopped, so end-of-stream (liveness) checks apply.
    mutating func finish(drained: Bool)

    /// Receives `events` in order, numbered from `firstSequence`: the same as ``receive(_:sequence:)``
    /// for each, which is what the default does. The simulator hands its events over this way,
    /// in batches, so that a sink with a per-call cost (the journal, a loop in another module)
    /// pays it once per batch. The events are lent for the call only. A sink may move an event
    /// out while it hands it to code in another module, which would otherwise get a copy (the
    /// compiler cannot tell that the code leaves the batch alone), but must move it back.
    mutating func receive(contentsOf events: UnsafeMutableBufferPointer<Event>, firstSequence: UInt64)
}

extension EventSink {
    @inlinable
    public mutating func receive(contentsOf events: UnsafeMutableBufferPointer<Event>, firstSequence: UInt64) {
        var sequence = firstSequence
        for index in events.indices {
            receive(events[index], sequence: sequence)
            sequence &+= 1
        }
    }

    public var violationCount: Int { 0 }
    public var profileDivergenceCount: Int { 0 }
    public mutating func finish(drained: Bool) {}
}

/// Discards events: the fastest sink, for benchmarks of the fold itself.
public struct DiscardingSink: EventSink {
    public init() {}
    @inlinable public mutating func receive(_ event: Event, sequence: UInt64) {}
}

/// Counts events and refusals.
public struct CountingSink: EventSink {
    /// Events received.
    public private(set) var eventCount: UInt64 = 0
    /// Of which refusals (`rejected`, `cancelRefused`, `commandRefused`).
    public private(set) var refusalCount: UInt64 = 0
    /// The last sequence number seen, to check there are no gaps.
    public private(set) var lastSequence: UInt64?

    public init() {}

    public mutating func receive(_ event: Event, sequence: UInt64) {
        precondition(sequence == eventCount, "CountingSink: sequence \(sequence) after \(eventCount) events")
        eventCount += 1
        if event.isRefusal { refusalCount += 1 }
        lastSequence = sequence
    }
}

/// A stable 64-bit FNV-1a digest of the event stream: equal streams give equal digests in any
/// process on any platform (it never uses Swift's randomly seeded `Hasher`).
public struct DigestSink: EventSink {
    private var hasher = FNV1a64()
    /// Events mixed in so far.
    public private(set) var eventCount: UInt64 = 0

    public init() {}

    /// The digest of every event received so far.
    public var digest: UInt64 { hasher.value }

    public mutating func receive(_ event: Event, sequence: UInt64) {
        hasher.mix(sequence)
        EventDigest.mix(event, into: &hasher)
        eventCount += 1
    }
}

/// Two sinks in one: each event (or batch of events) goes to `first`, then to `second`.
public struct TeeSink<First: EventSink, Second: EventSink>: EventSink {
    public var first: First
    public var second: Second

    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public mutating func receive(_ event: Event, sequence: UInt64) {
        first.receive(event, sequence: sequence)
        second.receive(event, sequence: sequence)
    }

    /// Each sink takes the whole batch in turn: the two never see each other, so the order in
    /// which they see the events does not matter, and each keeps its own batched path.
    /// Inlinable, so that a caller naming both sinks calls each one's own batch method directly.
    @inlinable
    public mutating func receive(contentsOf events: UnsafeMutableBufferPointer<Event>, firstSequence: UInt64) {
        first.receive(contentsOf: events, firstSequence: firstSequence)
        second.receive(contentsOf: events, firstSequence: firstSequence)
    }

    public var violationCount: Int { first.violationCount + second.violationCount }
    public var profileDivergenceCount: Int { first.profileDivergenceCount + second.profileDivergenceCount }

    public mutating func finish(drained: Bool) {
        first.finish(drained: drained)
        second.finish(drained: drained)
    }
}
