import EventLog
import RunLifecycle

/// Writes a journal: the header as record 0, then one record per event and one per definition.
///
/// Events are encoded straight into the log's open batch: the writer always holds a room
/// reserved there for the next record, encodes into it, and commits the bytes written, which
/// reserves the next room in the same call. Appending an event copies nothing, allocates
/// nothing and runs as one function, the log's commit inlined. Not thread-safe: one writer,
/// one caller.
public final class JournalWriter {
    /// The header written as record 0.
    public let header: JournalHeader
    /// The names defined so far.
    public private(set) var names = JournalNames()
    /// Events appended so far: every record after the header that is not a definition.
    public var eventCount: UInt64 { log.nextSequence - 1 - UInt64(names.count) }

    private let log: LogWriter
    /// Room for the next event in the log's open batch, `roomBytes` long. Every call on `log`
    /// other than a commit may move the batch, so each is followed by `renewRoom()`. Unchecked
    /// exclusivity: a pointer only this class's own methods replace, never while reading it.
    @exclusivity(unchecked) private var room: UnsafeMutablePointer<UInt8>
    /// Scratch for the header and definitions.
    private var buffer: [UInt8] = []

    /// The room kept for the next event: as much as any valid event can take (about 640 KiB, for
    /// a run of 65,536 steps), so that no event needs a size check. The batch is allocated that
    /// much larger once; the bytes written do not depend on it.
    private static var roomBytes: Int { JournalCodec.largestBodyBytes }

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
        room = log.reserveRecord(maximumBytes: Self.roomBytes)
    }

    /// Appends `event` and returns its sequence number. Throws ``JournalError/invalidEvent(_:)``
    /// for an event that fails the codec's check, and `EventLogError.timestampWentBackwards`
    /// for one earlier than the previous record; either way the log is unchanged.
    /// Inlinable, so that the caller lends the event where it already is (most often).
    @discardableResult @inlinable
    public func append(_ event: Event) throws -> UInt64 {
        try withUnsafePointer(to: event) { try append(eventAt: $0) }
    }

    /// `append(_:)` reading the event through a pointer, in a function of its own. Switching on
    /// an `Event` value, the compiler loads the payload as the byte-sized pieces all cases share
    /// (some case has a Bool or an optional id where another has a UInt32) and reassembles every
    /// id from them; switching on `pointee` of a pointer it cannot see through, each case loads
    /// its fields whole. Inlined, the pointer would be seen through again.
    @usableFromInline @inline(never)
    func append(eventAt pointer: UnsafePointer<Event>) throws -> UInt64 {
        // `pointee`, not a local copy: a copy would be switched on as a value again.
        var writer = UncheckedByteWriter(room)
        let timestamp = try JournalCodec.appendBody(of: pointer.pointee, to: &writer)
        do {
            let committed = try log.commitRecord(
                byteCount: writer.position - room, timestamp: timestamp, reservingNext: Self.roomBytes)
            room = committed.room
            return committed.sequence
        } catch {
            // A failed write of the batch may have moved it.
            renewRoom()
            throw error
        }
    }

    private func renewRoom() { room = log.reserveRecord(maximumBytes: Self.roomBytes) }

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
        defer { renewRoom() }
        buffer.removeAll(keepingCapacity: true)
        try JournalCodec.encode(definition, into: &buffer)
        // The header is always there, so the log has a latest timestamp.
        try log.append(buffer, timestamp: log.lastTimestamp ?? 0)
        names.record(definition)
        return true
    }

    /// Makes everything appended so far as durable as the log's options promise.
    public func flush() throws {
        defer { renewRoom() }
        try log.flush()
    }

    /// Flushes and closes the log.
    public func close() throws {
        defer { renewRoom() }
        try log.close()
    }
}
