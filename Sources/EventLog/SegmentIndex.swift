/// The sparse index of a sealed segment: one entry per block, written as a skippable frame after
/// the last block, and found through a fixed-size trailer frame at the very end of the file.
/// Opening and seeking read only these, so they cost O(log n) rather than a scan.
public struct SegmentIndex: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var firstSequence: UInt64
        public var firstTimestamp: Int64
        public var lastTimestamp: Int64
        /// Byte offset of the block's metadata frame within the segment file.
        public var offset: UInt64
    }

    public var entries: [Entry]
    /// Number of records in the segment.
    public var recordCount: UInt64
    /// Byte offset where the blocks end (where the footer starts, in a sealed segment).
    public var blocksEndOffset: UInt64

    public var lastTimestamp: Int64? { entries.last?.lastTimestamp }

    static let trailerFrameBytes = LogFormat.frameHeaderBytes + LogFormat.trailerPayloadBytes

    /// The footer frame followed by the trailer frame.
    func encodeFooterAndTrailer() -> [UInt8] {
        var output: [UInt8] = []
        let payloadBytes = 4 + 8 + entries.count * LogFormat.indexEntryBytes + 4
        output.reserveCapacity(LogFormat.frameHeaderBytes + payloadBytes + Self.trailerFrameBytes)
        output.appendLittleEndian(LogFormat.indexFooterMagic)
        output.appendLittleEndian(UInt32(payloadBytes))
        output.appendLittleEndian(UInt32(entries.count))
        output.appendLittleEndian(recordCount)
        for entry in entries {
            output.appendLittleEndian(entry.firstSequence)
            output.appendLittleEndian(entry.firstTimestamp)
            output.appendLittleEndian(entry.lastTimestamp)
            output.appendLittleEndian(entry.offset)
        }
        output.appendLittleEndian(CRC32C.checksum(output[(LogFormat.frameHeaderBytes)...]))
        let trailerStart = output.count
        output.appendLittleEndian(LogFormat.trailerMagic)
        output.appendLittleEndian(UInt32(LogFormat.trailerPayloadBytes))
        output.appendLittleEndian(blocksEndOffset)
        output.appendLittleEndian(LogFormat.trailerSignature)
        output.appendLittleEndian(CRC32C.checksum(output[(trailerStart + LogFormat.frameHeaderBytes)...]))
        return output
    }

    /// Reads the trailer at the end of `tail` (the last bytes of a file of `fileSize` bytes) and
    /// returns the footer's offset, or nil when the file does not end with a valid trailer.
    static func footerOffset(fromTrailer tail: ArraySlice<UInt8>, fileSize: UInt64) -> UInt64? {
        guard tail.count >= trailerFrameBytes else { return nil }
        var cursor = ByteCursor(tail.suffix(trailerFrameBytes))
        guard cursor.readLittleEndian(UInt32.self) == LogFormat.trailerMagic,
              cursor.readLittleEndian(UInt32.self) == UInt32(LogFormat.trailerPayloadBytes)
        else { return nil }
        let checked = tail.suffix(LogFormat.trailerPayloadBytes).prefix(12)
        guard let offset: UInt64 = cursor.readLittleEndian(),
              cursor.readLittleEndian(UInt32.self) == LogFormat.trailerSignature,
              let checksum: UInt32 = cursor.readLittleEndian(),
              checksum == CRC32C.checksum(checked),
              offset < fileSize
        else { return nil }
        return offset
    }

    /// Decodes a footer frame (its skippable header included) that ends where the trailer starts.
    static func decodeFooter(_ bytes: ArraySlice<UInt8>, blocksEndOffset: UInt64) -> SegmentIndex? {
        var cursor = ByteCursor(bytes)
        guard cursor.readLittleEndian(UInt32.self) == LogFormat.indexFooterMagic,
              let payloadBytes: UInt32 = cursor.readLittleEndian(),
              Int(payloadBytes) == cursor.remaining,
              let count: UInt32 = cursor.readLittleEndian(),
              Int(payloadBytes) == 4 + 8 + Int(count) * LogFormat.indexEntryBytes + 4,
              let recordCount: UInt64 = cursor.readLittleEndian()
        else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let sequence: UInt64 = cursor.readLittleEndian(),
                  let first: Int64 = cursor.readLittleEndian(),
                  let last: Int64 = cursor.readLittleEndian(),
                  let offset: UInt64 = cursor.readLittleEndian()
            else { return nil }
            entries.append(Entry(firstSequence: sequence, firstTimestamp: first, lastTimestamp: last, offset: offset))
        }
        let checked = bytes[(bytes.startIndex + LogFormat.frameHeaderBytes)..<(bytes.endIndex - 4)]
        guard let checksum: UInt32 = cursor.readLittleEndian(), checksum == CRC32C.checksum(checked) else {
            return nil
        }
        return SegmentIndex(entries: entries, recordCount: recordCount, blocksEndOffset: blocksEndOffset)
    }

    /// The entry of the block holding `sequence`, by binary search.
    func entryIndex(containingSequence sequence: UInt64) -> Int? {
        guard let first = entries.first, sequence >= first.firstSequence else { return nil }
        var low = 0, high = entries.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if entries[middle].firstSequence <= sequence { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The first block whose last timestamp is at or after `timestamp`, by binary search.
    func entryIndex(firstEndingAtOrAfter timestamp: Int64) -> Int? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].lastTimestamp < timestamp { low = middle + 1 } else { high = middle }
        }
        return low < entries.count ? low : nil
    }
}
