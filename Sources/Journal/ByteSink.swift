// Where encoders put bytes. An event is a handful of bytes, so appending byte by byte to an
// Array paid a uniqueness check and a capacity check per byte, more than the encoding itself;
// the journal writer encodes into a ``RecordBuffer`` (a raw buffer it owns) instead, while tests
// and one-off callers keep passing a `[UInt8]`.

/// Something bytes can be appended to.
public protocol ByteSink {
    mutating func append(_ byte: UInt8)
}

extension Array: ByteSink where Element == UInt8 {}

extension ByteSink {
    /// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        append(UInt8(truncatingIfNeeded: remaining))
    }

    @inline(__always)
    mutating func appendVarint(_ value: UInt32) { appendVarint(UInt64(value)) }

    /// Appends `value` zigzagged, so small negative numbers stay short.
    @inline(__always)
    mutating func appendZigzag(_ value: Int64) { appendVarint(zigzag(value)) }
}

/// A growable byte buffer over memory it allocates itself: appending is a bounds check and a
/// store. Its owner must call ``deallocate()`` exactly once.
public struct RecordBuffer: ByteSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written.
    public private(set) var count = 0

    public init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if count == capacity { grow() }
        base[count] = byte
        count += 1
    }

    public mutating func removeAll() { count = 0 }

    /// The bytes written so far, lent for the duration of `body`.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    public func deallocate() { base.deallocate() }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}
