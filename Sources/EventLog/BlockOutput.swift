/// Sealed blocks waiting to be written, in memory the writer allocates itself, so that a block
/// is built where it goes: the side table and the data frame are compressed straight into it
/// and the metadata written in front, with no zeroed room, no scratch frame and no copy (with
/// an array the room had to be zeroed before liblz4 wrote it, and the metadata frame, side
/// table included, was built apart and copied in: about 4 instructions per record in all,
/// callgrind, 100k customers). It cannot be copied, so exactly one owner (the `LogWriter`)
/// frees it, by ``deallocate()`` in its own deinit.
struct BlockOutput: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes in use, from the start.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    /// Frees the memory; the output must not be used afterwards.
    mutating func deallocate() { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// The bytes in use, lent until the output next changes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Room for `byteCount` bytes after those in use, valid until the output next changes. Its
    /// bytes are not in use until ``extend(by:)``.
    mutating func room(_ byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount > capacity - count { grow(toFit: byteCount) }
        return base + count
    }

    /// Makes the first `byteCount` bytes of the last room part of the output.
    mutating func extend(by byteCount: Int) {
        precondition(byteCount >= 0 && byteCount <= capacity - count, "output extended past its room")
        count += byteCount
    }

    mutating func removeAll() { count = 0 }

    private mutating func grow(toFit byteCount: Int) {
        let larger = max(capacity * 2, count + byteCount)
        let moved = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 16)
        moved.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = moved
        capacity = larger
    }
}
