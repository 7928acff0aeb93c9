import EventLog
import RunLifecycle

/// Writes a journal: the header as record 0, then one record per event and one per definition.
///
/// Events are encoded straight into the log's open batch: the log hands out room at the end of
/// its records, the event is encoded there and the bytes written become the record. A run of
/// events is appended in one loop (``append(contentsOf:)``), with the batch's counters in
/// registers and nothing copied or allocated. Not thread-safe: one writer, one caller.
public final class JournalWriter {
    /// The header written as record 0.
    public let header: JournalHeader
    /// The names defined so far.
    public private(set) var names = JournalNames()
    /// Events appended so far: every record after the header that is not a definition.
    public var eventCount: UInt64 { log.nextSequence - 1 - UInt64(names.count) }

    private let log: LogWriter
    /// Scratch for the header and definitions.
    private var buffer: [UInt8] = []

    /// The room each event is encoded in: as much as any valid event can take (about 640 KiB,
    /// for a run of 65,536 steps), so that no event needs a size check, and the two bytes an
    /// unchecked writer may store past its last one (a varint of two or three bytes is one
    /// four-byte store). The batch is allocated that much larger once; the bytes written do not
    /// depend on it.
    private static var roomBytes: Int { JournalCodec.largestBodyBytes + 2 }

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
        try JournalCodec.encode(header, into: &buffer)
        try log.append(buffer, timestamp: origin.microsecondsSinceEpoch)
    }

    /// Appends `event` and returns its sequence number. Throws ``JournalError/invalidEvent(_:)``
    /// for an event that fails the codec's check, and `EventLogError.timestampWentBackwards`
    /// for one earlier than the previous record; either way the log is unchanged.
    @discardableResult
    public func append(_ event: Event) throws -> UInt64 {
        try withUnsafePointer(to: event) { try append(contentsOf: UnsafeBufferPointer(start: $0, count: 1)) }
        return log.nextSequence - 1
    }

    /// Appends `events` in order, as ``append(_:)`` would one by one, and stops at the first
    /// that fails (``JournalError/invalidEvent(_:)``, `EventLogError.timestampWentBackwards`):
    /// the events before it are appended, it and those after are not. One loop for the run:
    /// the encoder is inlined into the log's, whose counters stay in registers.
    public func append(contentsOf events: UnsafeBufferPointer<Event>) throws {
        guard let base = events.baseAddress else { return }
        var encoder = EventEncoder(next: base, end: base + events.count)
        try log.appendRecords(from: &encoder, maximumBytes: Self.roomBytes)
        if let failure = encoder.failure { throw failure }
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
        // The header is always there, so the log has a latest timestamp.
        try log.append(buffer, timestamp: log.lastTimestamp ?? 0)
        names.record(definition)
        return true
    }

    /// Makes everything appended so far as durable as the log's options promise.
    public func flush() throws {
        try log.flush()
    }

    /// Flushes and closes the log.
    public func close() throws {
        try log.close()
    }
}

/// Encodes a run of events into the log's batch, one record per event, each checked first.
private struct EventEncoder: RecordEncoder {
    var next: UnsafePointer<Event>
    let end: UnsafePointer<Event>
    /// Where the log's current stretch of records ends (at or before `end`).
    var stop: UnsafePointer<Event>
    /// Why the encoder stopped before `end`.
    var failure: JournalError?

    init(next: UnsafePointer<Event>, end: UnsafePointer<Event>) {
        (self.next, self.end, stop) = (next, end, next)
    }

    var remainingRecords: Int { end - next }

    /// The log stops at most ``remainingRecords`` ahead, so `next` stays within `end`.
    @inline(__always)
    mutating func stop(afterRecords count: Int) { stop = next + count }

    @inline(__always)
    mutating func encodeNext(at room: UnsafeMutablePointer<UInt8>) -> (end: UnsafeMutablePointer<UInt8>, timestamp: Int64)? {
        if next == stop { return nil }
        var writer = UncheckedByteWriter(room)
        do {
            let timestamp = try JournalCodec.appendBody(ofEventAt: next, to: &writer)
            next += 1
            return (writer.position, timestamp)
        } catch {
            failure = error
            return nil
        }
    }
}
