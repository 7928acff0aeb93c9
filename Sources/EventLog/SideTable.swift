import LZ4

/// The per-record lengths and timestamp deltas of one block, kept beside the data frame so that
/// the frame itself holds nothing but the records (and `lz4 -dc` prints exactly them).
///
/// Raw form: for each record, a varint length, then a varint timestamp delta from the previous
/// record (from the block's first timestamp for the first record). Stored form: an LZ4 block.
struct SideTable {
    var raw: [UInt8] = []

    mutating func removeAll() { raw.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func append(length: Int, timestampDelta: UInt64) {
        raw.appendVarint(UInt64(length))
        raw.appendVarint(timestampDelta)
    }

    func stored() throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count / 4 + 16)
        try BlockCodec.compress(raw, appendingTo: &output)
        return output
    }

    /// Decodes a stored side table into per-record end offsets and timestamps, checking that
    /// the lengths add up to the data frame's content and the timestamps end where the block says.
    static func decode(
        stored: ArraySlice<UInt8>, metadata: BlockMetadata,
        endOffsets: inout [Int], timestamps: inout [Int64]
    ) -> String? {
        let raw: [UInt8]
        do {
            raw = try BlockCodec.decompress(
                stored, originalCount: Int(metadata.sideTableRawBytes),
                limit: Int(metadata.recordCount) * 20)
        } catch {
            return "side table: \(error)"
        }
        endOffsets.removeAll(keepingCapacity: true)
        timestamps.removeAll(keepingCapacity: true)
        endOffsets.reserveCapacity(Int(metadata.recordCount))
        timestamps.reserveCapacity(Int(metadata.recordCount))
        var cursor = ByteCursor(raw[...])
        var offset = 0
        var timestamp = metadata.firstTimestamp
        for _ in 0..<metadata.recordCount {
            guard let length = cursor.readVarint(), let delta = cursor.readVarint(),
                  length <= UInt64(LogFormat.maximumRecordBytes), delta <= UInt64(Int64.max)
            else { return "side table is cut short or holds an out-of-range value" }
            offset += Int(length)
            let (next, overflow) = timestamp.addingReportingOverflow(Int64(delta))
            guard !overflow else { return "side table timestamp overflows" }
            timestamp = next
            endOffsets.append(offset)
            timestamps.append(timestamp)
        }
        guard cursor.remaining == 0 else { return "side table has \(cursor.remaining) extra bytes" }
        guard offset == Int(metadata.uncompressedBytes) else {
            return "record lengths add up to \(offset), the block holds \(metadata.uncompressedBytes)"
        }
        guard timestamps.first == metadata.firstTimestamp, timestamps.last == metadata.lastTimestamp else {
            return "record timestamps disagree with the block's time range"
        }
        return nil
    }
}
