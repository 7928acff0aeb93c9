/// Little-endian and LEB128 varint helpers. The varint writer is the one every layer uses: the
/// log's side tables and the journal's record bodies both append through ``ByteSink``, so there
/// is a single encoding of a varint. `ByteCursor` reads and advances, and fails softly (returns
/// nil) at the end so that a short buffer is reported as a torn or corrupt structure rather than
/// a crash.

/// Something bytes can be appended to: a growing `[UInt8]`, or an ``UncheckedByteWriter`` into
/// memory sized in advance. Public and `@inlinable` so that encoders in other modules (the
/// journal's) are specialised down to plain stores; `package` declarations are not inlined
/// across modules.
public protocol ByteSink {
    mutating func append(_ byte: UInt8)

    /// Appends the low `count` bytes of `bytes` (2 or 3), least significant first: what a
    /// varint of two or three bytes writes once its groups are spread into place (see
    /// ``appendVarint(_:)-UInt64``). A sink may store all four bytes at once, the bytes past
    /// `count` being overwritten by whatever it appends next, so an unchecked writer's room must
    /// hold two bytes more than it appends.
    mutating func appendLowBytes(_ bytes: UInt32, count: Int)
}

extension ByteSink {
    /// Byte by byte, for a sink with no cheaper way (an array).
    @inlinable
    public mutating func appendLowBytes(_ bytes: UInt32, count: Int) {
        for index in 0..<count { append(UInt8(truncatingIfNeeded: bytes >> (8 * index))) }
    }
}

extension Array: ByteSink where Element == UInt8 {}

extension ByteSink {
    /// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
    ///
    /// Values below 2^21 (every id and length the log and the journal write, most time deltas)
    /// are written without a loop, and one of two or three bytes as one store: its 7-bit groups
    /// are spread to byte boundaries by adding the value's bits from the second group up, and
    /// from the third up twice (a + b·2^7 + c·2^14 becomes a + b·2^8 + c·2^16), then the
    /// continuation bits are set: nine instructions for a three-byte id, not eleven for three
    /// byte stores (disassembly; with the side entries' deltas done alike, the journal's append
    /// fell by 6 instructions per event, callgrind, 100k customers). The bytes are the same.
    @inlinable @inline(__always)
    public mutating func appendVarint(_ value: UInt64) {
        if value < 1 << 7 {
            append(UInt8(truncatingIfNeeded: value))
        } else if value < 1 << 14 {
            appendLowBytes(UInt32(truncatingIfNeeded: value &+ (value & ~0x7F)) | 0x80, count: 2)
        } else if value < 1 << 21 {
            appendLowBytes(spreadVarintGroups(UInt32(truncatingIfNeeded: value)) | 0x8080, count: 3)
        } else {
            appendLongVarint(value)
        }
    }

    /// The loop, for values of 2^21 and above.
    @inlinable
    public mutating func appendLongVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        append(UInt8(truncatingIfNeeded: remaining))
    }
}

/// The three 7-bit groups of `value` (below 2^21), each moved to the low bits of its own byte,
/// continuation bits clear: a + b·2^7 + c·2^14 becomes a + b·2^8 + c·2^16.
@inlinable @inline(__always)
public func spreadVarintGroups(_ value: UInt32) -> UInt32 {
    value &+ (value & ~0x7F) &+ ((value & ~0x3FFF) &<< 1)
}

/// Writes bytes through a pointer with no bounds check: appending is one store. The caller
/// guarantees room for everything it appends and two bytes more (``appendLowBytes(_:count:)``
/// stores four bytes at once; the writer reserves a record's largest possible size and more
/// before encoding it in place), so this lives only where that bound is computed.
public struct UncheckedByteWriter: ByteSink {
    /// Where the next byte goes.
    public var position: UnsafeMutablePointer<UInt8>

    @inlinable
    public init(_ start: UnsafeMutablePointer<UInt8>) { position = start }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        position.initialize(to: byte)
        position += 1
    }

    /// One four-byte store: the room holds two bytes more than any record written through it.
    @inlinable @inline(__always)
    public mutating func appendLowBytes(_ bytes: UInt32, count: Int) {
        UnsafeMutableRawPointer(position).storeBytes(of: bytes.littleEndian, as: UInt32.self)
        position += count
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }
}

/// Reads fixed-width integers and varints from a byte slice, advancing as it goes.
struct ByteCursor {
    let bytes: ArraySlice<UInt8>
    private(set) var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - position }

    mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        var value: T = 0
        for offset in 0..<size {
            value |= T(truncatingIfNeeded: bytes[position + offset]) << (8 * offset)
        }
        position += size
        return value
    }

    /// A LEB128 varint of at most 10 bytes; nil when it is cut off or too long.
    @inline(__always)
    mutating func readVarint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }
}
