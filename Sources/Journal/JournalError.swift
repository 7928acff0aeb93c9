// Operating errors of the journal. A malformed record names its sequence number and the byte
// offset inside the record where decoding stopped, so a report can point at the exact byte.

/// What was wrong with a record's bytes.
public enum DecodingProblem: Hashable, Sendable, CustomStringConvertible {
    /// The tag names no record kind this version knows.
    case unknownTag(UInt8)
    /// The tag sets flag bits its kind does not use.
    case reservedBitsSet(tag: UInt8)
    /// The record ends inside `field`.
    case truncated(field: String)
    /// A varint of `field` runs past ten bytes or 64 bits.
    case varintTooLong(field: String)
    /// `field` holds a value outside its range (an unknown enum raw value, an id above UInt32).
    case outOfRange(field: String, value: UInt64)
    /// A string field is not valid UTF-8.
    case invalidUTF8(field: String)
    /// Bytes follow the end of the record's fields.
    case trailingBytes(count: Int)
    /// The header does not open with ``JournalFormat/formatName``.
    case badMagic
    /// The header names a codec version this build cannot read.
    case unsupportedVersion(UInt64)
    /// The decoded fields contradict each other (the paired check after decoding).
    case inconsistent(String)
    /// A header record after record 0.
    case unexpectedHeader
    /// A second definition of an id already defined.
    case duplicateDefinition(InternedID)

    public var description: String {
        switch self {
        case let .unknownTag(tag): "unknown tag 0x\(String(tag, radix: 16))"
        case let .reservedBitsSet(tag): "tag 0x\(String(tag, radix: 16)) sets reserved flag bits"
        case let .truncated(field): "the record ends inside \(field)"
        case let .varintTooLong(field): "the varint of \(field) is too long"
        case let .outOfRange(field, value): "\(field) \(value) is out of range"
        case let .invalidUTF8(field): "\(field) is not valid UTF-8"
        case let .trailingBytes(count): "\(count) bytes follow the record's last field"
        case .badMagic: "not a \(JournalFormat.formatName) header"
        case let .unsupportedVersion(version): "codec version \(version) is not supported (this build reads \(JournalFormat.codecVersion))"
        case let .inconsistent(reason): "inconsistent fields: \(reason)"
        case .unexpectedHeader: "a header record after the first record"
        case let .duplicateDefinition(id): "\(id) is defined twice"
        }
    }
}

/// Errors of the journal codec, writer and reader. Log-level failures surface as `EventLogError`.
public enum JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Record `sequence` could not be decoded; `offset` is the byte inside the record.
    case malformedRecord(sequence: UInt64, offset: Int, problem: DecodingProblem)
    /// An event failed the check before encoding.
    case invalidEvent(String)
    /// A header failed the check before encoding.
    case invalidHeader(String)
    /// A definition failed the check before encoding.
    case invalidDefinition(String)
    /// `id` is already defined as another name.
    case conflictingDefinition(id: InternedID, existing: String, given: String)
    /// The log is not a journal: empty, or its first record is not a journal header.
    case notAJournal(path: String, reason: String)
    /// A new journal was opened on a log that already holds records.
    case logNotEmpty(path: String, records: UInt64)

    public var description: String {
        switch self {
        case let .malformedRecord(sequence, offset, problem):
            "record \(sequence), byte \(offset): \(problem)"
        case let .invalidEvent(reason): "invalid event: \(reason)"
        case let .invalidHeader(reason): "invalid journal header: \(reason)"
        case let .invalidDefinition(reason): "invalid definition: \(reason)"
        case let .conflictingDefinition(id, existing, given):
            "\(id) is already defined as \"\(existing)\", not \"\(given)\""
        case let .notAJournal(path, reason): "\(path): not a journal: \(reason)"
        case let .logNotEmpty(path, records):
            "\(path): the log already holds \(records) records; a journal starts an empty log"
        }
    }
}
