import EventLog
import RunLifecycle

/// Reads a journal in order: the header first, then definitions and events as they were
/// written. Streams: memory stays bounded by the log reader's one block plus the names defined.
public final class JournalReader {
    public let directory: String
    /// The journal's header (record 0).
    public let header: JournalHeader
    /// The names defined by the definitions read so far.
    public private(set) var names = JournalNames()

    private let log: LogReader
    private var headerPending = true

    /// Opens the journal at `directory`; throws ``JournalError/notAJournal(path:reason:)`` when
    /// its first record is missing or not a journal header.
    public init(directory: String) throws {
        self.directory = directory
        log = try LogReader(directory: directory)
        guard let first = try log.next() else {
            throw JournalError.notAJournal(path: directory, reason: "the log holds no records")
        }
        guard first.bytes.first == JournalFormat.headerTag else {
            throw JournalError.notAJournal(path: directory, reason: "record 0 is not a journal header")
        }
        guard case let .header(header) = try JournalCodec.decode(first.bytes, timestamp: first.timestamp, sequence: first.sequence) else {
            throw JournalError.notAJournal(path: directory, reason: "record 0 is not a journal header")
        }
        self.header = header
    }

    /// Where the log reader stopped the last time ``next()`` returned nil.
    public var tail: ReaderTail { log.tail }

    /// The next entry, or nil at the current end of the log. Throws `JournalError` for a record
    /// that does not decode, a second header, or a second definition of one id.
    public func next() throws -> JournalEntry? {
        if headerPending {
            headerPending = false
            return .header(header)
        }
        guard let record = try log.next() else { return nil }
        switch try JournalCodec.decode(record.bytes, timestamp: record.timestamp, sequence: record.sequence) {
        case let .event(event):
            return .event(sequence: record.sequence, event)
        case let .definition(definition):
            if names.record(definition) != nil {
                throw JournalError.malformedRecord(
                    sequence: record.sequence, offset: 0, problem: .duplicateDefinition(definition.id))
            }
            return .definition(sequence: record.sequence, definition)
        case .header:
            throw JournalError.malformedRecord(sequence: record.sequence, offset: 0, problem: .unexpectedHeader)
        }
    }

    /// Reads to the current end and returns the events only (definitions are kept in ``names``).
    public func readEvents() throws -> [Event] {
        var events: [Event] = []
        while let entry = try next() {
            if case let .event(_, event) = entry { events.append(event) }
        }
        return events
    }
}
