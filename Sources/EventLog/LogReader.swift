import LZ4

/// One record as read back: its sequence number, its timestamp and its bytes. The bytes share
/// the reader's block buffer until the reader moves on (copy-on-write keeps them valid after).
public struct LogRecord: Sendable, Equatable {
    public var sequence: UInt64
    public var timestamp: Int64
    public var bytes: ArraySlice<UInt8>
}

/// Where a reader stands after `next()` returned nil.
public enum ReaderTail: Equatable, Sendable {
    /// Every segment ended cleanly (sealed, or an open tail at a block boundary).
    case clean
    /// The last segment ends inside a block: a writer is mid-append, or crashed there.
    case torn(path: String, offset: UInt64, reason: String)
}

/// Reads a log in sequence order, seeks by sequence number or timestamp, and follows a log that
/// a writer is still appending to: after `next()` returns nil, a later call picks up whatever
/// the writer added. Holds one block in memory at a time, however long the log.
public final class LogReader {
    public let directory: String
    /// Where reading stopped the last time `next()` returned nil.
    public private(set) var tail: ReaderTail = .clean

    private var segmentSequences: [UInt64]
    private var segmentPosition = 0
    private var scanner: SegmentScanner?
    @usableFromInline var block = DecodedBlock()
    private var expectedSequence: UInt64?
    private let decompressor: FrameDecompressor

    public init(directory: String) throws {
        self.directory = directory
        guard LogDirectory.exists(directory) else {
            throw EventLogError.notALog(path: directory, reason: "no such directory")
        }
        segmentSequences = try LogDirectory.segmentSequences(directory)
        decompressor = try FrameDecompressor()
        if let first = segmentSequences.first, first != 0 {
            throw EventLogError.corrupt(
                path: LogDirectory.segmentPath(directory, firstSequence: first), offset: 0,
                reason: "the first segment starts at sequence \(first), not 0")
        }
    }

    /// The next record, or nil at the current end of the log.
    public func next() throws -> LogRecord? {
        while true {
            if let record = block.nextRecord() { return record }
            guard try loadNextBlock() else { return nil }
        }
    }

    /// Calls `body` with every record from the current position to the current end of the log,
    /// in order: the bulk form of `next()`, a block at a time, lending each record's bytes
    /// instead of copying or retaining them. Afterwards the reader stands at the end, as if
    /// `next()` had returned nil.
    @inlinable
    public func forEachRecord(_ body: (RecordView) throws -> Void) throws {
        repeat {
            try block.forEachRemaining(body)
        } while try loadNextBlock()
    }

    /// Positions the reader so that `next()` returns the record with `sequence`, or nil if the
    /// log ends before it.
    public func seek(toSequence sequence: UInt64) throws {
        try refreshSegments()
        // The last segment whose first sequence is at or before `sequence`.
        var low = 0, high = segmentSequences.count
        while low < high {
            let middle = (low + high) / 2
            if segmentSequences[middle] <= sequence { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { resetToStart(); return }
        try position(atSegment: low - 1) { $0.entryIndex(containingSequence: sequence) }
        while let next = try peekSequence(), next < sequence { block.skip() }
    }

    /// Positions the reader so that `next()` returns the first record whose timestamp is at or
    /// after `timestamp`.
    public func seek(toTimestamp timestamp: Int64) throws {
        try refreshSegments()
        // Binary search over segments by their last timestamp (from each segment's index).
        var low = 0, high = segmentSequences.count
        while low < high {
            let middle = (low + high) / 2
            let summary = try summary(ofSegment: middle)
            if let last = summary.index.lastTimestamp, last < timestamp { low = middle + 1 } else { high = middle }
        }
        guard low < segmentSequences.count else {
            try seekToEnd()
            return
        }
        try position(atSegment: low) { $0.entryIndex(firstEndingAtOrAfter: timestamp) }
        while let next = block.peek(), next.timestamp < timestamp { block.skip() }
    }

    // MARK: - Internals

    private func peekSequence() throws -> UInt64? {
        if let next = block.peek() { return next.sequence }
        guard try loadNextBlock() else { return nil }
        return block.peek()?.sequence
    }

    private func resetToStart() {
        segmentPosition = 0
        scanner = nil
        clearBlock()
        expectedSequence = nil
    }

    private func clearBlock() {
        block.clear()
    }

    private func seekToEnd() throws {
        resetToStart()
        while try loadNextBlock() {}
        clearBlock()
    }

    private func refreshSegments() throws {
        segmentSequences = try LogDirectory.segmentSequences(directory)
    }

    private func summary(ofSegment position: Int) throws -> SegmentSummary {
        let first = segmentSequences[position]
        let file = try SegmentFile.openForReading(LogDirectory.segmentPath(directory, firstSequence: first))
        return try SegmentSummary.load(file, expectedFirstSequence: first, verifyData: false)
    }

    /// Opens segment `position` and loads the block that `pick` chooses from its index.
    private func position(atSegment position: Int, pick: (SegmentIndex) -> Int?) throws {
        let summary = try summary(ofSegment: position)
        if case let .damaged(offset, reason) = summary.ending {
            throw EventLogError.corrupt(path: LogDirectory.segmentPath(directory, firstSequence: summary.firstSequence), offset: offset, reason: reason)
        }
        segmentPosition = position
        let file = try SegmentFile.openForReading(LogDirectory.segmentPath(directory, firstSequence: summary.firstSequence))
        scanner = try SegmentScanner(file: file)
        clearBlock()
        guard let entry = pick(summary.index).map({ summary.index.entries[$0] }) else {
            // Nothing in this segment qualifies: continue from its end.
            scanner!.offset = summary.index.blocksEndOffset
            expectedSequence = summary.nextSequence
            return
        }
        scanner!.offset = entry.offset
        expectedSequence = entry.firstSequence
        _ = try loadNextBlock()
    }

    /// Loads the next block into `block`; false at the current end of the log.
    @usableFromInline
    func loadNextBlock() throws -> Bool {
        while true {
            if scanner == nil {
                if segmentPosition >= segmentSequences.count { try refreshSegments() }
                guard segmentPosition < segmentSequences.count else { tail = .clean; return false }
                let first = segmentSequences[segmentPosition]
                if let expected = expectedSequence, expected != first {
                    throw EventLogError.corrupt(
                        path: LogDirectory.segmentPath(directory, firstSequence: first), offset: 0,
                        reason: "segment starts at sequence \(first), expected \(expected)")
                }
                let file = try SegmentFile.openForReading(LogDirectory.segmentPath(directory, firstSequence: first))
                scanner = try SegmentScanner(file: file)
                switch scanner!.header {
                case .complete: break
                case .incomplete:
                    if try isLastSegment() {
                        tail = .torn(path: file.path, offset: 0, reason: "file ends inside the segment header")
                        scanner = nil
                        return false
                    }
                    throw EventLogError.corrupt(path: file.path, offset: 0, reason: "segment header is cut short")
                case let .invalid(reason):
                    throw EventLogError.corrupt(path: file.path, offset: 0, reason: reason)
                }
                expectedSequence = first
            }
            try scanner!.refreshSize()
            let path = scanner!.file.path
            switch try scanner!.next(readData: true) {
            case let .block(metadata, offset, bytes):
                if let expected = expectedSequence, metadata.firstSequence != expected {
                    throw EventLogError.corrupt(path: path, offset: offset,
                        reason: "block starts at sequence \(metadata.firstSequence), expected \(expected)")
                }
                if let reason = block.decode(bytes!, metadata: metadata, decompressor: decompressor) {
                    throw EventLogError.corrupt(path: path, offset: offset, reason: reason)
                }
                expectedSequence = metadata.firstSequence + UInt64(metadata.recordCount)
                return true
            case .footer, .end:
                guard try !isLastSegment() else { tail = .clean; return false }
                segmentPosition += 1
                scanner = nil
            case let .torn(offset, reason):
                guard try isLastSegment() else {
                    throw EventLogError.corrupt(path: path, offset: offset, reason: "\(reason), but later segments follow")
                }
                tail = .torn(path: path, offset: offset, reason: reason)
                return false
            case let .damaged(offset, reason):
                throw EventLogError.corrupt(path: path, offset: offset, reason: reason)
            }
        }
    }

    private func isLastSegment() throws -> Bool {
        if segmentPosition + 1 < segmentSequences.count { return false }
        try refreshSegments()
        return segmentPosition + 1 >= segmentSequences.count
    }
}
