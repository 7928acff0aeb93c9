import EventLog
import RunLifecycle

/// Writes a journal: the header as record 0, then one record per event and one per definition.
///
/// Events are encoded into one reusable buffer, so appending allocates nothing once the buffer
/// has grown to the largest record. Not thread-safe: one writer, one caller.
public final class JournalWriter {
    /// The header written as record 0.
    public let header: JournalHeader
    /// The names defined so far.
    public private(set) var names = JournalNames()
    /// Events appended so far.
    public private(set) var eventCount: UInt64 = 0
    /// Bytes of those events' records before compression (their times live in the log's timestamps).
    public private(set) var eventBytes: UInt64 = 0

    private let log: LogWriter
    private var buffer: [UInt8] = []
    /// Where events are encoded (freed in `deinit`).
    private var eventRecord = RecordBuffer()
    private var latestTimestamp: Int64

    /// Creates a journal in the empty (or missing) log directory `directory` and writes `header`.
    /// `origin` stamps the header; no event may be earlier.
    public init(
        directory: String, header: JournalHeader, options: WriterOptions = WriterOptions(), origin: Timestamp = .zero
    ) throws {
        self.header = header
        log = try LogWriter(directory: directory, options: options)
        guard log.nextSequence == 0 else {
            let records = log.nextSequence
            try log.close()
            throw JournalError.logNotEmpty(path: directory, records: records)
        }
        buffer.reserveCapacity(256)
        latestTimestamp = origin.microsecondsSinceEpoch
        try JournalCodec.encode(header, into: &buffer)
        try log.append(buffer, timestamp: latestTimestamp)
    }

    /// Appends `event` and returns its sequence number. Throws ``JournalError/invalidEvent(_:)``
    /// for an event that fails the codec's check, and `EventLogError.timestampWentBackwards`
    /// for one earlier than the previous record.
    @discardableResult
    public func append(_ event: Event) throws -> UInt64 {
        // Encode into a local copy of the raw buffer (it is a pointer and two counts): every
        // append through a class's stored property would begin and end a dynamic exclusivity
        // access, which cost more than the encoding itself.
        var record = eventRecord
        record.removeAll()
        defer { eventRecord = record }
        try JournalCodec.encode(event, into: &record)
        let timestamp = event.at.microsecondsSinceEpoch
        let sequence = try record.withBytes { try log.append($0, timestamp: timestamp) }
        latestTimestamp = timestamp
        eventCount += 1
        eventBytes += UInt64(record.count)
        return sequence
    }

    /// Binds `id` to its external name; call it before the first event that uses `id`. The
    /// record carries the latest record's time. Defining an id again with the same name writes
    /// nothing and returns false; with another name it throws.
    @discardableResult
    public func define(_ id: InternedID, as externalName: String) throws -> Bool {
        let definition = JournalDefinition(id, externalName: externalName)
        if let existing = names.name(of: id) {
            guard existing == externalName else {
                throw JournalError.conflictingDefinition(id: id, existing: existing, given: externalName)
            }
            return false
        }
        buffer.removeAll(keepingCapacity: true)
        try JournalCodec.encode(definition, into: &buffer)
        try log.append(buffer, timestamp: latestTimestamp)
        names.record(definition)
        return true
    }

    /// Makes everything appended so far as durable as the log's options promise.
    public func flush() throws { try log.flush() }

    /// Flushes and closes the log.
    public func close() throws { try log.close() }

    deinit { eventRecord.deallocate() }
}
