// The journal's additions to the log's varint writer (EventLog's `ByteSink`: one LEB128 encoding
// for both layers), and a cursor that reads a record's fields and turns every shortfall into a
// typed error naming the field and the offset where it started.
import EventLog

extension ByteSink {
    /// Appends an id (or other 32-bit value) as a varint: the bytes of ``appendVarint(_:)-UInt64``,
    /// tested in another order. Ids count up, so most ids of a long journal take three bytes;
    /// testing for two bytes or fewer first takes two comparisons to reach three bytes, not
    /// three, and one more for a one-byte id. Two or three bytes are spread into place and
    /// written as one store (``spreadVarintGroups(_:)``).
    @inline(__always)
    mutating func appendVarint(_ value: UInt32) {
        if value < 1 << 14 {
            if value < 1 << 7 {
                append(UInt8(truncatingIfNeeded: value))
            } else {
                appendLowBytes(value &+ (value & ~0x7F) | 0x80, count: 2)
            }
        } else if value < 1 << 21 {
            appendLowBytes(spreadVarintGroups(value) | 0x8080, count: 3)
        } else {
            appendLongVarint(UInt64(value))
        }
    }

    /// Appends `value` zigzagged, so small negative numbers stay short.
    @inline(__always)
    mutating func appendZigzag(_ value: Int64) { appendVarint(zigzag(value)) }
}

extension Array where Element == UInt8 {
    /// Appends a length-prefixed UTF-8 string.
    mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            appendVarint(UInt64(bytes.count))
            append(contentsOf: bytes)
        }
    }
}

@inline(__always)
func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

@inline(__always)
func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

/// The number of bytes `value` takes as a varint.
@inline(__always)
func varintSize(_ value: UInt64) -> Int {
    value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
}

/// Reads one record's fields in order. Offsets are relative to the record's first byte.
struct RecordCursor {
    let bytes: ArraySlice<UInt8>
    let sequence: UInt64
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>, sequence: UInt64) {
        self.bytes = bytes
        self.sequence = sequence
        position = bytes.startIndex
    }

    /// The offset of the next unread byte inside the record.
    var offset: Int { position - bytes.startIndex }

    func failure(_ problem: DecodingProblem, at offset: Int? = nil) -> JournalError {
        .malformedRecord(sequence: sequence, offset: offset ?? self.offset, problem: problem)
    }

    @inline(__always)
    mutating func readByte(_ field: StaticString) throws(JournalError) -> UInt8 {
        guard position < bytes.endIndex else { throw failure(.truncated(field: "\(field)")) }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most ten bytes whose value fits in 64 bits.
    @inline(__always)
    mutating func readVarint(_ field: StaticString) throws(JournalError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.endIndex else { throw failure(.truncated(field: "\(field)"), at: start) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw failure(.varintTooLong(field: "\(field)"), at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// A varint that must fit in 32 bits (every id and counter).
    @inline(__always)
    mutating func readUInt32(_ field: StaticString) throws(JournalError) -> UInt32 {
        let start = offset
        let value = try readVarint(field)
        guard let narrow = UInt32(exactly: value) else {
            throw failure(.outOfRange(field: "\(field)", value: value), at: start)
        }
        return narrow
    }

    /// A varint bounded by `limit` (inclusive), returned as an Int.
    mutating func readCount(_ field: StaticString, limit: Int) throws(JournalError) -> Int {
        let start = offset
        let value = try readVarint(field)
        guard value <= UInt64(limit) else { throw failure(.outOfRange(field: "\(field)", value: value), at: start) }
        return Int(value)
    }

    @inline(__always)
    mutating func readZigzag(_ field: StaticString) throws(JournalError) -> Int64 {
        unzigzag(try readVarint(field))
    }

    /// A length-prefixed UTF-8 string of at most `limit` bytes.
    mutating func readString(_ field: StaticString, limit: Int) throws(JournalError) -> String {
        let start = offset
        let count = try readCount(field, limit: limit)
        guard bytes.endIndex - position >= count else { throw failure(.truncated(field: "\(field)"), at: start) }
        let slice = bytes[position..<(position + count)]
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw failure(.invalidUTF8(field: "\(field)"), at: start)
        }
        position += count
        return string
    }

    /// Fails unless every byte has been read.
    func expectEnd() throws(JournalError) {
        let left = bytes.endIndex - position
        if left > 0 { throw failure(.trailingBytes(count: left)) }
    }
}
