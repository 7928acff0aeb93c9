import RunLifecycle

// Records <-> bytes. Encoding appends to a caller's buffer (the writer reuses one, so the hot
// path allocates nothing); decoding validates every byte and reports the first bad one.

/// The journal's binary codec. Stateless: every record decodes on its own, so a reader may seek.
public enum JournalCodec {
    /// Decodes one log record (`timestamp` is the record's, in microseconds).
    public static func decode(
        _ bytes: ArraySlice<UInt8>, timestamp: Int64, sequence: UInt64
    ) throws(JournalError) -> JournalRecord {
        var cursor = RecordCursor(bytes, sequence: sequence)
        let tag = try cursor.readByte("tag")
        let flags = tag & 7
        guard let kind = JournalFormat.Kind(rawValue: tag >> 3) else {
            throw cursor.failure(.unknownTag(tag), at: 0)
        }
        let record: JournalRecord
        if kind == .journal {
            guard let subkind = JournalFormat.JournalSubkind(rawValue: flags) else {
                throw cursor.failure(.unknownTag(tag), at: 0)
            }
            switch subkind {
            case .header: record = .header(try decodeHeader(&cursor))
            case .defineRun, .defineThread, .defineAssistant:
                record = .definition(try decodeDefinition(subkind, &cursor))
            }
        } else {
            record = .event(try decodeEvent(kind, flags: flags, at: Timestamp(microsecondsSinceEpoch: timestamp), &cursor))
        }
        try cursor.expectEnd()
        return record
    }

    /// Decodes a record that must be an event.
    public static func decodeEvent(
        _ bytes: ArraySlice<UInt8>, timestamp: Int64, sequence: UInt64
    ) throws(JournalError) -> Event {
        switch try decode(bytes, timestamp: timestamp, sequence: sequence) {
        case let .event(event): return event
        case .header, .definition:
            throw .malformedRecord(sequence: sequence, offset: 0, problem: .unknownTag(bytes.first ?? 0))
        }
    }

    // MARK: Header

    /// Appends the header record's bytes to `buffer`.
    public static func encode(_ header: JournalHeader, into buffer: inout [UInt8]) throws(JournalError) {
        if let problem = header.problem() { throw .invalidHeader(problem) }
        buffer.append(JournalFormat.headerTag)
        buffer.appendString(JournalFormat.formatName)
        buffer.appendVarint(header.codecVersion)
        buffer.appendString(header.profileName)
        buffer.appendVarint(UInt64(header.quirks.count))
        for quirk in header.quirks { buffer.append(quirk.rawValue) }
        buffer.appendVarint(UInt64(header.slotCount))
        buffer.appendVarint(header.maxRetries)
        buffer.appendVarint(UInt64(header.metadata.count))
        for entry in header.metadata {
            buffer.appendString(entry.key)
            buffer.appendString(entry.value)
        }
    }

    static func decodeHeader(_ cursor: inout RecordCursor) throws(JournalError) -> JournalHeader {
        let magicOffset = cursor.offset
        let name = try cursor.readString("format name", limit: JournalFormat.maximumHeaderStringBytes)
        guard name == JournalFormat.formatName else { throw cursor.failure(.badMagic, at: magicOffset) }
        let versionOffset = cursor.offset
        let version = try cursor.readVarint("codec version")
        guard version == JournalFormat.codecVersion else {
            throw cursor.failure(.unsupportedVersion(version), at: versionOffset)
        }
        let profileName = try cursor.readString("profile name", limit: JournalFormat.maximumHeaderStringBytes)
        let quirkCount = try cursor.readCount("quirk count", limit: Quirk.allCases.count)
        var quirks: [Quirk] = []
        for _ in 0..<quirkCount {
            let rawOffset = cursor.offset
            let raw = try cursor.readByte("quirk")
            guard let quirk = Quirk(rawValue: raw) else {
                throw cursor.failure(.outOfRange(field: "quirk", value: UInt64(raw)), at: rawOffset)
            }
            quirks.append(quirk)
        }
        let slotCount = try cursor.readCount("slot count", limit: JournalFormat.maximumSlotCount)
        let maxRetries = try cursor.readUInt32("max retries")
        let entryCount = try cursor.readCount("metadata count", limit: JournalFormat.maximumMetadataEntries)
        var metadata: [JournalHeader.Entry] = []
        for _ in 0..<entryCount {
            let key = try cursor.readString("metadata key", limit: JournalFormat.maximumHeaderStringBytes)
            let value = try cursor.readString("metadata value", limit: JournalFormat.maximumHeaderStringBytes)
            metadata.append(JournalHeader.Entry(key: key, value: value))
        }
        var header = JournalHeader(
            profile: BehaviourProfile(name: profileName, quirks: []), slotCount: slotCount,
            maxRetries: maxRetries, metadata: metadata)
        header.quirks = quirks
        header.codecVersion = version
        // The paired check: what decodes must be what the encoder would accept.
        if let problem = header.problem() { throw cursor.failure(.inconsistent(problem), at: 0) }
        return header
    }

    // MARK: Definitions

    /// Appends a definition record's bytes to `buffer`.
    public static func encode(_ definition: JournalDefinition, into buffer: inout [UInt8]) throws(JournalError) {
        if let problem = definition.problem() { throw .invalidDefinition(problem) }
        switch definition.id {
        case let .run(id):
            buffer.append(JournalFormat.tag(.journal, JournalFormat.JournalSubkind.defineRun.rawValue))
            buffer.appendVarint(id.rawValue)
        case let .thread(id):
            buffer.append(JournalFormat.tag(.journal, JournalFormat.JournalSubkind.defineThread.rawValue))
            buffer.appendVarint(id.rawValue)
        case let .assistant(id):
            buffer.append(JournalFormat.tag(.journal, JournalFormat.JournalSubkind.defineAssistant.rawValue))
            buffer.appendVarint(id.rawValue)
        }
        buffer.appendString(definition.externalName)
    }

    static func decodeDefinition(
        _ subkind: JournalFormat.JournalSubkind, _ cursor: inout RecordCursor
    ) throws(JournalError) -> JournalDefinition {
        let raw = try cursor.readUInt32("defined id")
        let id: InternedID
        switch subkind {
        case .defineRun: id = .run(RunID(raw))
        case .defineThread: id = .thread(ThreadID(raw))
        case .defineAssistant: id = .assistant(AssistantID(raw))
        case .header: preconditionFailure("decodeDefinition called for a header tag")
        }
        let name = try cursor.readString("external name", limit: JournalFormat.maximumNameBytes)
        let definition = JournalDefinition(id, externalName: name)
        if let problem = definition.problem() { throw cursor.failure(.inconsistent(problem), at: 0) }
        return definition
    }
}
