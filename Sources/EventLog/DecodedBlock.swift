import LZ4

/// One block's records, decompressed, with a cursor over them. The side table was decoded and
/// checked in full when the block was, into per-record offsets and timestamps, so walking the
/// records is a couple of loads each and cannot fail. Every buffer is reused by the next block.
@usableFromInline
struct DecodedBlock {
    @usableFromInline var metadata: BlockMetadata
    @usableFromInline var records: [UInt8] = []
    @usableFromInline var index = RecordIndex()
    /// The decompressed side table, kept only so its buffer is reused.
    private var rawSideTable: [UInt8] = []
    /// Index of the next record.
    @usableFromInline var position = 0

    init() {
        metadata = BlockMetadata(
            firstSequence: 0, recordCount: 0, firstTimestamp: 0, lastTimestamp: 0, uncompressedBytes: 0,
            dataFrameBytes: 0, dataFrameChecksum: 0, sideTableRawBytes: 0, sideTableStoredBytes: 0)
    }

    var remaining: Int { Int(metadata.recordCount) - position }
    var nextSequence: UInt64 { metadata.firstSequence + UInt64(position) }

    /// Forgets the block: no records remain.
    mutating func clear() {
        metadata.recordCount = 0
        position = 0
    }

    /// Decodes the block's bytes (as returned by the scanner with `readData`, checksums already
    /// checked) into this value; returns a reason when the contents disagree with the metadata.
    /// Nothing of a block that fails is ever handed out: it is left empty.
    mutating func decode(_ block: [UInt8], metadata: BlockMetadata, decompressor: FrameDecompressor) -> String? {
        clear()
        let sideStart = LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes
        let sideEnd = sideStart + Int(metadata.sideTableStoredBytes)
        if let reason = SideTable.decode(
            stored: block[sideStart..<sideEnd], metadata: metadata, scratch: &rawSideTable, into: &index) {
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
        position = 0
        return nil
    }

    /// The next record as an owning slice, or nil at the end of the block.
    @inline(__always)
    mutating func nextRecord() -> LogRecord? {
        guard position < Int(metadata.recordCount) else { return nil }
        let record = LogRecord(
            sequence: nextSequence, timestamp: index.timestamps[position],
            bytes: records[Int(index.offsets[position])..<Int(index.offsets[position + 1])])
        position += 1
        return record
    }

    /// The next record's sequence and timestamp without moving, or nil at the end of the block.
    func peek() -> (sequence: UInt64, timestamp: Int64)? {
        guard position < Int(metadata.recordCount) else { return nil }
        return (nextSequence, index.timestamps[position])
    }

    /// Moves past the next record.
    mutating func skip() {
        precondition(position < Int(metadata.recordCount), "skip past the end of a block")
        position += 1
    }

    /// Calls `body` with every remaining record, borrowing the block's buffers, and ends at the
    /// end of the block (or just after the record whose `body` threw). The offsets were checked to
    /// rise within the content when the block was decoded, so the loop reads without checks.
    @inlinable
    mutating func forEachRemaining(_ body: (RecordView) throws -> Void) rethrows {
        let count = Int(metadata.recordCount)
        var next = position
        guard next < count else { return }
        let first = metadata.firstSequence
        defer { position = next }
        try records.withUnsafeBytes { content in
            try index.offsets.withUnsafeBufferPointer { offsets in
                try index.timestamps.withUnsafeBufferPointer { timestamps in
                    while next < count {
                        let start = Int(offsets[next]), end = Int(offsets[next &+ 1])
                        let view = RecordView(
                            sequence: first &+ UInt64(next), timestamp: timestamps[next],
                            bytes: UnsafeRawBufferPointer(rebasing: content[start..<end]))
                        next &+= 1
                        try body(view)
                    }
                }
            }
        }
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
