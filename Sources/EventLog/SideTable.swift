import LZ4

/// The per-record lengths and timestamp deltas of one block, kept beside the data frame so that
/// the frame itself holds nothing but the records (and `lz4 -dc` prints exactly them).
///
/// Raw form (built by `OpenBatch`): for each record, a varint length, then a varint timestamp delta from the previous
/// record (from the block's first timestamp for the first record). Stored form: an LZ4 block.
enum SideTable {
    /// The stored (LZ4 block) form of a raw side table.
    static func store(_ raw: UnsafeRawBufferPointer) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count / 4 + 16)
        try BlockCodec.compress(raw, appendingTo: &output)
        return output
    }

    /// Decompresses a stored side table (into `raw`, a scratch buffer) and decodes it in one pass
    /// into `index`, checking it against the block as it goes: every value in range, the lengths
    /// adding up to the data frame's content, the timestamps ending where the block says, nothing
    /// left over. Returns a reason when it does not hold; `index` is then unspecified.
    static func decode(
        stored: ArraySlice<UInt8>, metadata: BlockMetadata, scratch raw: inout [UInt8], into index: inout RecordIndex
    ) -> String? {
        do {
            try BlockCodec.decompress(
                stored, originalCount: Int(metadata.sideTableRawBytes),
                limit: Int(metadata.recordCount) * 20, into: &raw)
        } catch {
            return "side table: \(error)"
        }
        let count = Int(metadata.recordCount)
        // Each record takes at least two bytes, so a count the table cannot hold fails here,
        // before it sizes anything.
        guard count * 2 <= raw.count else { return cutShort }
        index.resize(recordCount: count)
        let outcome = raw.withUnsafeBytes { table in
            index.offsets.withUnsafeMutableBufferPointer { offsets in
                index.timestamps.withUnsafeMutableBufferPointer { timestamps in
                    decode(table, count: count, firstTimestamp: metadata.firstTimestamp,
                           offsets: offsets.baseAddress!, timestamps: timestamps.baseAddress!)
                }
            }
        }
        guard let end = outcome else { return cutShort }
        guard end.position == raw.count else {
            return "side table has \(raw.count - end.position) extra bytes"
        }
        guard end.total == Int(metadata.uncompressedBytes) else {
            return "record lengths add up to \(end.total), the block holds \(metadata.uncompressedBytes)"
        }
        guard end.timestamp == metadata.lastTimestamp else {
            return "record timestamps disagree with the block's time range"
        }
        return nil
    }

    private static let cutShort = "side table is cut short or holds an out-of-range value"

    /// Where decoding stopped: bytes of the table read, the lengths' sum, the last timestamp.
    struct End {
        var position: Int
        var total: Int
        var timestamp: Int64
    }

    /// The hot loop of reading a log: one pass over the entries, every read bounds-checked,
    /// writing record `i`'s end offset to `offsets[i + 1]` (`offsets[0]` is 0) and its timestamp
    /// to `timestamps[i]`. Offsets are stored truncated to 32 bits; they are exact whenever the
    /// total checks out, as the content of a block is at most `maximumBatchBytes` (< 4 GiB).
    private static func decode(
        _ table: UnsafeRawBufferPointer, count: Int, firstTimestamp: Int64,
        offsets: UnsafeMutablePointer<UInt32>, timestamps: UnsafeMutablePointer<Int64>
    ) -> End? {
        guard let base = table.baseAddress else {
            return count == 0 ? End(position: 0, total: 0, timestamp: firstTimestamp) : nil
        }
        let end = base + table.count
        var position = base
        var total = 0
        var time = firstTimestamp
        offsets[0] = 0
        var record = 0
        while record < count {
            guard let entry = SideTableEntry(at: position, end: end) else { return nil }
            let (sum, overflow) = time.addingReportingOverflow(Int64(bitPattern: entry.delta))
            guard !overflow else { return nil }
            time = sum
            // At most 2^32 records of at most 2^24 bytes: the sum cannot overflow.
            total &+= Int(truncatingIfNeeded: entry.length)
            offsets[record &+ 1] = UInt32(truncatingIfNeeded: total)
            timestamps[record] = time
            position = entry.next
            record &+= 1
        }
        return End(position: position - base, total: total, timestamp: time)
    }
}

/// One record's side-table entry: its length and timestamp delta, both in range (a length of
/// at most `maximumRecordBytes`, a delta of at most `Int64.max`), and where the next entry starts.
struct SideTableEntry {
    let length: UInt64
    let delta: UInt64
    let next: UnsafeRawPointer

    /// The entry at `position`, or nil when the table ends inside it or a value is out of range.
    @inline(__always)
    init?(at position: UnsafeRawPointer, end: UnsafeRawPointer) {
        // The common entry, without a branch on the data: a one-byte length (under 128) and a
        // one- or two-byte delta (under 16,384), read in one load while 8 bytes remain.
        if end - position >= 8 {
            let word = UInt64(littleEndian: position.loadUnaligned(as: UInt64.self))
            // The length continues (bit 7), or the delta continues past its second byte (bits 15
            // and 23): the general path.
            if (word & 0x80) | (word & (word << 8) & 0x80_0000) == 0 {
                let twoBytes = (word >> 15) & 1
                length = word & 0x7F
                delta = (word >> 8) & 0x7F | ((word >> 16) & 0x7F & (0 &- twoBytes)) << 7
                next = position + 2 + Int(twoBytes)
                return
            }
        }
        guard let entry = Self.general(at: position, end: end) else { return nil }
        self = entry
    }

    private init(length: UInt64, delta: UInt64, next: UnsafeRawPointer) {
        self.length = length
        self.delta = delta
        self.next = next
    }

    /// Any entry, varint by varint.
    @inline(never)
    private static func general(at position: UnsafeRawPointer, end: UnsafeRawPointer) -> SideTableEntry? {
        var reader = VarintReader(position: position, end: end)
        guard let length = reader.next(), length <= UInt64(LogFormat.maximumRecordBytes),
              let delta = reader.next(), delta <= UInt64(Int64.max)
        else { return nil }
        return SideTableEntry(length: length, delta: delta, next: reader.position)
    }
}

/// Reads LEB128 varints of at most 10 bytes from raw memory, never past `end`.
struct VarintReader {
    var position: UnsafeRawPointer
    let end: UnsafeRawPointer

    /// The next varint, or nil when the table ends inside it or it runs past 10 bytes.
    mutating func next() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = position.load(as: UInt8.self)
            position += 1
            // A shift of 63 keeps only the lowest bit of the tenth byte, as the writer never
            // writes one wider (its values are at most 64 bits).
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}

/// A decoded side table: where each record of a block starts and ends in the data frame's
/// content, and its timestamp. Buffers are reused from block to block and never shrink their
/// capacity, so a scan allocates nothing per block once they have grown.
@usableFromInline
struct RecordIndex {
    /// `recordCount + 1` entries: record `i` is the bytes `offsets[i] ..< offsets[i + 1]`.
    @usableFromInline var offsets: [UInt32] = []
    /// `recordCount` entries (one when the count is 0, so that its buffer always has an address).
    @usableFromInline var timestamps: [Int64] = []

    init() {}

    mutating func resize(recordCount count: Int) {
        offsets.resizeWithoutClearing(to: count + 1)
        timestamps.resizeWithoutClearing(to: max(count, 1))
    }
}

extension Array where Element: FixedWidthInteger {
    /// Makes the count `count`, keeping the existing elements and zeroing only new ones: every
    /// element is about to be overwritten.
    mutating func resizeWithoutClearing(to count: Int) {
        if self.count > count {
            removeLast(self.count - count)
        } else if self.count < count {
            append(contentsOf: repeatElement(0, count: count - self.count))
        }
    }
}
