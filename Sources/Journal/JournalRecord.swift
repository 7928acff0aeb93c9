import RunLifecycle

/// The content of one journal record, as the codec decodes it.
public enum JournalRecord: Hashable, Sendable {
    case header(JournalHeader)
    case definition(JournalDefinition)
    case event(Event)
}

/// One journal record as a reader yields it, with its log sequence number.
public enum JournalEntry: Hashable, Sendable {
    case header(JournalHeader)
    case definition(sequence: UInt64, JournalDefinition)
    case event(sequence: UInt64, Event)

    /// The record's sequence number in the log (the header is always 0).
    public var sequence: UInt64 {
        switch self {
        case .header: 0
        case let .definition(sequence, _), let .event(sequence, _): sequence
        }
    }
}
