import LZ4

/// The per-record lengths and timestamp deltas of one block, kept beside the data frame so that
/// the frame itself holds nothing but the records (and `lz4 -dc` prints exactly them).
///
/// Raw form (built by `OpenBatch`): for each record, a varint length, then a varint timestamp delta from the previous
/// record (from the block's first timestamp for the first record). Stored form: an LZ4 block.
enum SideTable {
    /// The stored (LZ4 block) form of a raw side table.
    static func store(_ raw: ArraySlice<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count / 4 + 16)
        try BlockCodec.compress(raw, appendingTo: &output)
        return output
    }

    /// Decompresses a stored side table into `raw` and checks it against the block: the lengths
    /// add up to the data frame's content, the timestamps end where the block says, nothing is
    /// left over. Returns a reason when it does not hold.
    static func decode(stored: ArraySlice<UInt8>, metadata: BlockMetadata, into raw: inout [UInt8]) -> String? {
        do {
            raw = try BlockCodec.decompress(
                stored, originalCount: Int(metadata.sideTableRawBytes),
                limit: Int(metadata.recordCount) * 20)
        } catch {
            return "side table: \(error)"
        }
        return raw.withUnsafeBytes { table -> String? in
            var cursor = SideTableCursor(table: table, timestamp: metadata.firstTimestamp)
            var total = 0
            for _ in 0..<metadata.recordCount {
                guard let length = cursor.next() else {
                    return "side table is cut short or holds an out-of-range value"
                }
                total += length
            }
            guard cursor.position == table.count else {
                return "side table has \(table.count - cursor.position) extra bytes"
            }
            guard total == Int(metadata.uncompressedBytes) else {
                return "record lengths add up to \(total), the block holds \(metadata.uncompressedBytes)"
            }
            guard cursor.timestamp == metadata.lastTimestamp else {
                return "record timestamps disagree with the block's time range"
            }
            return nil
        }
    }
}

/// Walks a raw side table: each step yields a record's length and advances the timestamp.
@usableFromInline
struct SideTableCursor {
    @usableFromInline let table: UnsafeRawBufferPointer
    @usableFromInline var position = 0
    @usableFromInline var timestamp: Int64

    @inlinable
    init(table: UnsafeRawBufferPointer, timestamp: Int64, position: Int = 0) {
        self.table = table
        self.timestamp = timestamp
        self.position = position
    }

    /// The next record's length (its timestamp is then `timestamp`), or nil when the table is
    /// cut short or holds a value out of range.
    @inlinable @inline(__always)
    mutating func next() -> Int? {
        guard let length = readVarint(), length <= UInt64(LogFormat.maximumRecordBytes),
              let delta = readVarint(), delta <= UInt64(Int64.max)
        else { return nil }
        let (sum, overflow) = timestamp.addingReportingOverflow(Int64(delta))
        guard !overflow else { return nil }
        timestamp = sum
        return Int(length)
    }

    @inlinable @inline(__always)
    mutating func readVarint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < table.count, shift < 64 {
            let byte = table[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
