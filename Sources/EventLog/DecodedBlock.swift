import LZ4

/// One block's records, decompressed, with a cursor over them. The side table was checked once
/// when the block was decoded, so walking it cannot fail.
@usableFromInline
struct DecodedBlock {
    @usableFromInline var metadata: BlockMetadata
    @usableFromInline var records: [UInt8] = []
    @usableFromInline var sideTable: [UInt8] = []
    /// Index of the next record, its byte offset, its side-table offset and the previous timestamp.
    @usableFromInline var index = 0
    @usableFromInline var recordStart = 0
    @usableFromInline var sidePosition = 0
    @usableFromInline var timestamp: Int64 = 0

    init() {
        metadata = BlockMetadata(
            firstSequence: 0, recordCount: 0, firstTimestamp: 0, lastTimestamp: 0, uncompressedBytes: 0,
            dataFrameBytes: 0, dataFrameChecksum: 0, sideTableRawBytes: 0, sideTableStoredBytes: 0)
    }

    var remaining: Int { Int(metadata.recordCount) - index }
    var nextSequence: UInt64 { metadata.firstSequence + UInt64(index) }

    /// Forgets the block: no records remain.
    mutating func clear() {
        metadata.recordCount = 0
        index = 0
    }

    /// Decodes the block's bytes (as returned by the scanner with `readData`, checksums already
    /// checked) into this value; returns a reason when the contents disagree with the metadata.
    mutating func decode(_ block: [UInt8], metadata: BlockMetadata, decompressor: FrameDecompressor) -> String? {
        clear()
        let sideStart = LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes
        let sideEnd = sideStart + Int(metadata.sideTableStoredBytes)
        if let reason = SideTable.decode(stored: block[sideStart..<sideEnd], metadata: metadata, into: &sideTable) {
            return reason
        }
        do {
            try decompressor.decompress(
                block[metadata.frameBytes...], expectedContentCount: Int(metadata.uncompressedBytes),
                limit: LogFormat.maximumBatchBytes, into: &records,
                // The scanner already checked the frame's CRC-32C, which is stronger.
                verifyContentChecksum: false)
        } catch {
            return "data frame: \(error)"
        }
        self.metadata = metadata
        index = 0
        recordStart = 0
        sidePosition = 0
        timestamp = metadata.firstTimestamp
        return nil
    }

    /// The next record as an owning slice, or nil at the end of the block.
    @inline(__always)
    mutating func nextRecord() -> LogRecord? {
        guard index < Int(metadata.recordCount) else { return nil }
        let (length, time) = step()
        let record = LogRecord(sequence: nextSequence, timestamp: time, bytes: records[recordStart..<(recordStart + length)])
        recordStart += length
        index += 1
        return record
    }

    /// The next record's sequence and timestamp without moving, or nil at the end of the block.
    func peek() -> (sequence: UInt64, timestamp: Int64)? {
        guard index < Int(metadata.recordCount) else { return nil }
        var copy = self
        return (nextSequence, copy.step().timestamp)
    }

    /// Moves past the next record.
    mutating func skip() {
        let (length, _) = step()
        recordStart += length
        index += 1
    }

    /// Calls `body` with every remaining record, borrowing the block's buffer, and ends at the
    /// end of the block (or just after the record whose `body` threw).
    @inlinable
    mutating func forEachRemaining(_ body: (RecordView) throws -> Void) rethrows {
        let count = Int(metadata.recordCount)
        let first = metadata.firstSequence
        var index = self.index, start = recordStart, side = sidePosition, time = timestamp
        defer {
            self.index = index
            recordStart = start
            sidePosition = side
            timestamp = time
        }
        try records.withUnsafeBytes { recordBytes in
            try sideTable.withUnsafeBytes { table in
                var cursor = SideTableCursor(table: table, timestamp: time, position: side)
                while index < count {
                    let length = cursor.next()!
                    let view = RecordView(
                        sequence: first + UInt64(index), timestamp: cursor.timestamp,
                        bytes: UnsafeRawBufferPointer(rebasing: recordBytes[start..<(start + length)]))
                    start += length
                    index += 1
                    side = cursor.position
                    time = cursor.timestamp
                    try body(view)
                }
            }
        }
    }

    /// Decodes the next side-table entry. Valid only while records remain (checked by `decode`).
    @inline(__always)
    private mutating func step() -> (length: Int, timestamp: Int64) {
        let (time, position) = (timestamp, sidePosition)
        let (length, nextPosition, nextTime) = sideTable.withUnsafeBytes { table in
            var cursor = SideTableCursor(table: table, timestamp: time, position: position)
            let length = cursor.next()!
            return (length, cursor.position, cursor.timestamp)
        }
        sidePosition = nextPosition
        timestamp = nextTime
        return (length, nextTime)
    }
}

/// A record borrowed from the reader's buffer: valid only inside the closure it is passed to.
/// The bulk scan hands these out so that reading a record costs no reference counting.
public struct RecordView {
    public let sequence: UInt64
    public let timestamp: Int64
    public let bytes: UnsafeRawBufferPointer

    @inlinable
    init(sequence: UInt64, timestamp: Int64, bytes: UnsafeRawBufferPointer) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.bytes = bytes
    }

    /// An owning copy.
    public var record: LogRecord { LogRecord(sequence: sequence, timestamp: timestamp, bytes: ArraySlice(bytes)) }
}
