import LZ4

/// Appends records to a log directory. One writer per log (an exclusive lock); sequence numbers
/// are contiguous from 0; timestamps never decrease.
///
/// Records collect in a batch; a batch is sealed into one block (a metadata frame and an LZ4
/// frame) when it reaches `batchBytes` or `batchRecords`, or on `flush()`. When the block reaches
/// disk depends on `durability`. Not thread-safe: one writer, one caller.
public final class LogWriter {
    public let directory: String
    public let options: WriterOptions
    /// What opening had to repair.
    public let recovery: RecoveryReport
    /// The sequence number the next `append` returns.
    public var nextSequence: UInt64 { batch.nextSequence }

    /// Held from open to close; dropping it releases the lock.
    private var lock: WriterLock?
    private let compressor: FrameCompressor
    private var segment: OpenSegment?
    /// Unchecked: the writer's single caller touches the batch through one access per call, and
    /// no batch method calls out, so no access can overlap another; the dynamic checks cost
    /// three runtime calls per record, more than the rest of an append. Visible to inlined code
    /// for ``commitRecord(byteCount:timestamp:reservingNext:)``.
    @usableFromInline @exclusivity(unchecked) var batch: OpenBatch

    // Blocks sealed but not yet written (durability `none`), and the sync bookkeeping.
    private var pendingOutput: BlockOutput
    private var unsyncedSinceNanoseconds: UInt64?
    /// With durability `none`, blocks collect until they reach this size, then are written.
    private static let pendingWriteBytes = 1 << 20
    private var isClosed: Bool { batch.isClosed }

    /// The segment being appended to.
    private struct OpenSegment {
        let file: SegmentFile
        let firstSequence: UInt64
        var size: UInt64
        var index: [SegmentIndex.Entry]
        var recordCount: UInt64
    }

    /// Opens (creating if needed) the log at `directory` for append, recovering a torn tail.
    public init(directory: String, options: WriterOptions = WriterOptions()) throws {
        try options.validate()
        self.directory = directory
        self.options = options
        try LogDirectory.create(directory)
        lock = try WriterLock(directory: directory)
        compressor = try FrameCompressor(acceleration: options.acceleration)
        let opened = try LogRecovery.openForAppend(directory: directory)
        recovery = opened.report
        batch = OpenBatch(nextSequence: opened.nextSequence, lastTimestamp: opened.lastTimestamp ?? Int64.min,
                          sealBytes: options.batchBytes, sealRecords: options.batchRecords)
        // Room for what collects before a write, so that the output rarely grows by copying.
        let collected = options.durability == .none ? Self.pendingWriteBytes : 0
        pendingOutput = BlockOutput(capacity: collected + compressor.frameBound(sourceCount: options.batchBytes) + 4096)
        if let tail = opened.openTail {
            segment = OpenSegment(file: tail.file, firstSequence: tail.firstSequence, size: tail.size,
                                  index: tail.index, recordCount: tail.recordCount)
        }
    }

    deinit {
        // A writer dropped without close() still gets its data written; errors cannot surface here.
        if !isClosed { try? close() }
        batch.deallocate()
        pendingOutput.deallocate()
    }

    /// Appends one record and returns its sequence number.
    @discardableResult
    public func append(_ record: [UInt8], timestamp: Int64) throws -> UInt64 {
        try record.withUnsafeBytes { try append(bytes: $0, timestamp: timestamp) }
    }

    /// Appends one record and returns its sequence number.
    @discardableResult
    public func append(_ record: UnsafeRawBufferPointer, timestamp: Int64) throws -> UInt64 {
        try append(bytes: record, timestamp: timestamp)
    }

    /// Appends one record and returns its sequence number.
    @discardableResult
    public func append(_ record: ArraySlice<UInt8>, timestamp: Int64) throws -> UInt64 {
        try record.withUnsafeBytes { try append(bytes: $0, timestamp: timestamp) }
    }

    @inline(__always)
    private func append(bytes: UnsafeRawBufferPointer, timestamp: Int64) throws -> UInt64 {
        guard bytes.count <= LogFormat.maximumRecordBytes else {
            throw EventLogError.recordTooLarge(bytes: bytes.count, limit: LogFormat.maximumRecordBytes)
        }
        return try settle(batch.append(bytes, timestamp: timestamp), timestamp: timestamp)
    }

    /// Room for one record of at most `maximumBytes` bytes at the end of the open batch, to be
    /// written in place and then made a record by ``commitRecord(byteCount:timestamp:reservingNext:)``.
    /// The room stays valid until the next call on this writer; until the commit its bytes are
    /// not part of the log.
    package func reserveRecord(maximumBytes: Int) -> UnsafeMutablePointer<UInt8> {
        batch.reserve(maximumBytes)
    }

    /// Appends the first `byteCount` bytes of the reserved room as one record (``append(_:timestamp:)``
    /// without the copy), then reserves room for the next record of up to `nextMaximumBytes`
    /// bytes, so that a stream of records costs one call each. Returns the record's sequence
    /// number and the new room, which is valid until the next call on this writer. When it
    /// throws a timestamp or closed error nothing changed and the old room is still valid.
    /// Inlinable: it is the per-event path of a journal, which then runs as one function.
    @inlinable @inline(__always)
    package func commitRecord(
        byteCount: Int, timestamp: Int64, reservingNext nextMaximumBytes: Int
    ) throws -> (sequence: UInt64, room: UnsafeMutablePointer<UInt8>) {
        let sequence = try settle(batch.commit(byteCount, timestamp: timestamp), timestamp: timestamp)
        return (sequence, batch.reserve(nextMaximumBytes))
    }

    /// Appends the records `encoder` writes in place until it has none left: each gets room
    /// for `maximumBytes`. The same records as one ``commitRecord(byteCount:timestamp:reservingNext:)``
    /// each, in one loop whose counters stay in registers. Stops at a timestamp earlier than the
    /// previous record's (that record is not added) or a failed seal; the records before stay
    /// appended. Invalidates the room of ``reserveRecord(maximumBytes:)``. Always inlined: the
    /// encoder then lives in the caller's registers, and `maximumBytes` is usually a constant.
    @inlinable @inline(__always)
    package func appendRecords<Encoder: RecordEncoder>(from encoder: inout Encoder, maximumBytes: Int) throws {
        while true {
            switch batch.fill(from: &encoder, maximumBytes: maximumBytes) {
            case .exhausted:
                return
            case .full:
                try sealBatch()
            case let .timestampWentBackwards(previous, given):
                throw EventLogError.timestampWentBackwards(previous: previous, given: given)
            case .closed:
                throw EventLogError.closed
            }
        }
    }

    /// The sequence number of an appended record, after sealing its batch if it filled it.
    @inlinable @inline(__always)
    func settle(_ outcome: OpenBatch.Outcome, timestamp: Int64) throws -> UInt64 {
        switch outcome {
        case let .appended(sequence):
            return sequence
        case let .appendedAndFull(sequence):
            try sealBatch()
            return sequence
        case let .timestampWentBackwards(previous):
            throw EventLogError.timestampWentBackwards(previous: previous, given: timestamp)
        case .closed:
            throw EventLogError.closed
        }
    }

    /// The timestamp of the last record appended (or found on opening), nil for an empty log.
    package var lastTimestamp: Int64? {
        batch.nextSequence == 0 ? nil : batch.lastTimestamp
    }

    /// Seals the open batch and makes everything appended so far as durable as the policy
    /// promises: written for `none` and `flush`, written and synced for `fsync` and group commit.
    public func flush() throws {
        guard !isClosed else { throw EventLogError.closed }
        try sealBatch()
        try writePending()
        switch options.durability {
        case .none, .flush: break
        case .fsync, .groupCommit: try synchronize()
        }
    }

    /// Flushes, writes the index footer of the current segment and releases the lock.
    public func close() throws {
        guard !isClosed else { return }
        try flush()
        if segment != nil { try sealSegment() }
        batch.isClosed = true
        lock = nil
    }

    // MARK: - Batches and blocks

    @usableFromInline
    func sealBatch() throws {
        guard batch.count > 0 else { return }
        if segment == nil { try startSegment(firstSequence: batch.firstSequence) }
        let blockOffset = segment!.size + UInt64(pendingOutput.count)
        let metadata = try appendBlock()
        segment!.index.append(SegmentIndex.Entry(
            firstSequence: metadata.firstSequence, firstTimestamp: metadata.firstTimestamp,
            lastTimestamp: metadata.lastTimestamp, offset: blockOffset))
        segment!.recordCount += UInt64(batch.count)
        batch.reset()

        switch options.durability {
        case .none:
            if pendingOutput.count >= Self.pendingWriteBytes { try writePending() }
        case .flush:
            try writePending()
        case .fsync:
            try writePending()
            try synchronize()
        case let .groupCommit(maxDelay):
            try writePending()
            let now = options.monotonicNanoseconds()
            if let since = unsyncedSinceNanoseconds {
                if now &- since >= UInt64(maxDelay) * 1_000_000 { try synchronize() }
            } else {
                unsyncedSinceNanoseconds = now
                if maxDelay == 0 { try synchronize() }
            }
        }
        if let current = segment, current.size + UInt64(pendingOutput.count) >= UInt64(options.segmentBytes) {
            try writePending()
            try sealSegment()
        }
    }

    /// Appends the open batch to `pendingOutput` as one block, built where it goes: the stored
    /// side table is compressed straight after room for the metadata's head, its checksum after
    /// it, then the data frame; the head, which needs both sizes and the data frame's checksum,
    /// is written last into its room. Nothing is zeroed or copied.
    private func appendBlock() throws -> BlockMetadata {
        let side = batch.sideTableBuffer
        let records = batch.recordBuffer
        let headBytes = BlockMetadata.headBytes
        let sideBound = try BlockCodec.compressBound(sourceCount: side.count)
        let dataBound = compressor.frameBound(sourceCount: records.count)
        let head = pendingOutput.room(headBytes + sideBound + 4 + dataBound)
        let storedSide = head + headBytes
        let storedSideBytes = try BlockCodec.compress(side, into: UnsafeMutableRawBufferPointer(start: storedSide, count: sideBound))
        (storedSide + storedSideBytes).storeBytes(
            of: CRC32C.checksum(storedSide, count: storedSideBytes).littleEndian, as: UInt32.self)
        let data = storedSide + storedSideBytes + 4
        let dataBytes = try compressor.compress(records, into: UnsafeMutableRawBufferPointer(start: data, count: dataBound))
        let metadata = BlockMetadata(
            firstSequence: batch.firstSequence, recordCount: UInt32(batch.count),
            firstTimestamp: batch.firstTimestamp, lastTimestamp: batch.lastTimestamp,
            uncompressedBytes: UInt32(batch.recordBytes), dataFrameBytes: UInt32(dataBytes),
            dataFrameChecksum: CRC32C.checksum(data, count: dataBytes),
            sideTableRawBytes: UInt32(batch.sideTableBytes), sideTableStoredBytes: UInt32(storedSideBytes))
        metadata.encodeHead(at: head)
        pendingOutput.extend(by: data + dataBytes - head)
        return metadata
    }

    private func writePending() throws {
        guard !pendingOutput.isEmpty, segment != nil else { return }
        try segment!.file.write(pendingOutput.bytes, at: segment!.size)
        segment!.size += UInt64(pendingOutput.count)
        pendingOutput.removeAll()
    }

    private func synchronize() throws {
        try segment?.file.synchronize()
        unsyncedSinceNanoseconds = nil
    }

    // MARK: - Segments

    private func startSegment(firstSequence: UInt64) throws {
        let path = LogDirectory.segmentPath(directory, firstSequence: firstSequence)
        let file = try SegmentFile.openForWriting(path, create: true)
        let header = SegmentHeader(firstSequence: firstSequence).encode()
        try file.write(header, at: 0)
        if options.durability != .none && options.durability != .flush {
            try file.synchronize()
            try LogDirectory.synchronize(directory)
        }
        segment = OpenSegment(file: file, firstSequence: firstSequence, size: UInt64(header.count),
                              index: [], recordCount: 0)
    }

    /// Writes the index footer and trailer; the next batch starts a new segment.
    private func sealSegment() throws {
        guard let current = segment else { return }
        let index = SegmentIndex(entries: current.index, recordCount: current.recordCount,
                                 blocksEndOffset: current.size)
        try current.file.write(index.encodeFooterAndTrailer(), at: current.size)
        if options.durability != .none && options.durability != .flush { try current.file.synchronize() }
        segment = nil
    }
}
