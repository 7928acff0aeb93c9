// Checks every simulated event online with the independent oracle, configured like the
// simulated server, so a broken invariant is caught at the event that broke it.
import Invariants
import RunLifecycle

/// Feeds every event to an ``InvariantChecker``.
public struct InvariantSink: EventSink {
    /// The checker; its ``InvariantChecker/coverage`` counts the rare interleavings reached.
    public private(set) var checker: InvariantChecker
    /// Added to each event's sequence number, so that reported sequences match a journal's
    /// record numbers (1 when a header record precedes the events).
    public let sequenceOffset: UInt64

    /// A checker for `spec`'s server: its profile, slots, poll interval and retries.
    public init(spec: WorkloadSpec, sequenceOffset: UInt64 = 0) {
        let poll = spec.server.pollIntervalMilliseconds
        self.checker = InvariantChecker(configuration: CheckerConfiguration(
            profile: spec.server.profile, slotCount: spec.server.slots,
            pollInterval: poll > 0 ? .milliseconds(poll) : nil, maximumRetries: spec.server.maxRetries,
            restartDowntime: Microseconds(spec.server.restarts?.downtimeMicroseconds ?? 0)))
        self.sequenceOffset = sequenceOffset
        if sequenceOffset > 0 { checker.observeNonEvent(sequence: sequenceOffset - 1) }
    }

    public mutating func receive(_ event: Event, sequence: UInt64) {
        checker.observe(event, sequence: sequence &+ sequenceOffset)
    }

    /// The batch goes to the checker whole, which reads each event where it lies.
    public mutating func receive(contentsOf events: UnsafeMutableBufferPointer<Event>, firstSequence: UInt64) {
        checker.observe(contentsOf: UnsafeBufferPointer(events), firstSequence: firstSequence &+ sequenceOffset)
    }

    public mutating func finish(drained: Bool) {
        _ = checker.finish(drained: drained)
    }

    /// Every violation found so far, in the order noticed.
    public var violations: [Violation] { checker.violations }

    public var violationCount: Int { checker.failureCount }

    public var profileDivergenceCount: Int { checker.profileDivergenceCount }
}
