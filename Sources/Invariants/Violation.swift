// What the checker reports: the rule, its kind, the events involved and one line of explanation.
import RunLifecycle

/// One event of the stream, by position and time.
public struct EventReference: Hashable, Sendable, CustomStringConvertible {
    /// The sequence number the event was observed with.
    public var sequence: UInt64
    /// The event's time.
    public var at: Timestamp

    public init(sequence: UInt64, at: Timestamp) {
        self.sequence = sequence
        self.at = at
    }

    public var description: String { "#\(sequence)@\(at)" }
}

/// A broken invariant, or a divergence from the documented intent that a quirk explains.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
    /// The invariant.
    public var rule: Rule
    /// Safety, liveness, or profile divergence.
    public var kind: ViolationKind
    /// The quirk that explains a ``ViolationKind/profileDivergence``; nil otherwise.
    public var quirk: Quirk?
    /// The events involved, earliest first; the last is where the checker noticed.
    public var events: [EventReference]
    /// The runs involved.
    public var runIDs: [RunID]
    /// The threads involved.
    public var threadIDs: [ThreadID]
    /// One line: what was expected and what happened, naming the events.
    public var explanation: String

    public init(
        rule: Rule, kind: ViolationKind, quirk: Quirk?, events: [EventReference], runIDs: [RunID],
        threadIDs: [ThreadID], explanation: String
    ) {
        self.rule = rule
        self.kind = kind
        self.quirk = quirk
        self.events = events
        self.runIDs = runIDs
        self.threadIDs = threadIDs
        self.explanation = explanation
    }

    /// The sequence numbers of the events involved.
    public var sequences: [UInt64] { events.map(\.sequence) }

    public var description: String {
        let quirkText = quirk.map { " (\($0))" } ?? ""
        return "[\(kind)] \(rule)\(quirkText): \(explanation)"
    }
}
