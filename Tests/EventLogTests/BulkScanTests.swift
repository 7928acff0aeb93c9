@testable import EventLog
import Testing
import TestSupport

/// The bulk scan (`forEachRecord`) against `next()`: the same records, the same position after a
/// throw, the same following of a growing log; records kept from `next()` stay valid while the
/// reader reuses its buffers; and a block whose side table disagrees with it (checksums intact)
/// is refused before any of its records is handed out.
@Suite struct BulkScanTests {
    static func records(count: Int = 200) -> [WrittenRecord] {
        LogFixtures.randomRecords(seed: 11, count: count, maxBytes: 300)
    }

    static func options() -> WriterOptions {
        var options = WriterOptions()
        options.batchBytes = 2_000
        options.segmentBytes = 12_000
        return options
    }

    static func scan(_ reader: LogReader, from first: Int = 0) throws -> [WrittenRecord] {
        var seen: [WrittenRecord] = []
        try reader.forEachRecord { view in
            #expect(view.sequence == UInt64(first + seen.count))
            #expect(view.record.bytes.elementsEqual(view.bytes))
            seen.append(WrittenRecord(bytes: Array(view.bytes), timestamp: view.timestamp))
        }
        return seen
    }

    @Test func scanReadsWhatWasWrittenAcrossBlocksAndSegments() throws {
        let directory = TemporaryDirectory("scan")
        let records = Self.records()
        try LogFixtures.write(records, to: directory.path, options: Self.options())
        #expect(LogFixtures.segments(directory.path).count >= 3)
        let reader = try LogReader(directory: directory.path)
        #expect(try Self.scan(reader) == records)
        #expect(try reader.next() == nil)
        #expect(reader.tail == .clean)
    }

    /// Records returned by `next()` own their bytes: the reader decoding later blocks into the
    /// same buffers does not change them.
    @Test func keptRecordsSurviveLaterBlocks() throws {
        let directory = TemporaryDirectory("kept")
        let records = Self.records()
        try LogFixtures.write(records, to: directory.path, options: Self.options())
        let reader = try LogReader(directory: directory.path)
        var kept: [LogRecord] = []
        while let record = try reader.next() { kept.append(record) }
        #expect(kept.map { WrittenRecord(bytes: Array($0.bytes), timestamp: $0.timestamp) } == records)
    }

    /// A body that throws stops the scan just after that record; `next()` and a new scan go on
    /// from there, and mixing them reads every record once.
    @Test func throwingBodyLeavesTheReaderAfterThatRecord() throws {
        struct Stop: Error {}
        let directory = TemporaryDirectory("stop")
        let records = Self.records()
        try LogFixtures.write(records, to: directory.path, options: Self.options())
        let reader = try LogReader(directory: directory.path)
        var seen: [WrittenRecord] = []
        for stopAt in [0, 2, 37, 40, 120] {  // each after the record `next()` took
            #expect(throws: Stop.self) {
                try reader.forEachRecord { view in
                    seen.append(WrittenRecord(bytes: Array(view.bytes), timestamp: view.timestamp))
                    if view.sequence == UInt64(stopAt) { throw Stop() }
                }
            }
            #expect(seen.count == stopAt + 1)
            guard seen.count == stopAt + 1 else { return }
            let record = try reader.next()!
            #expect(record.sequence == UInt64(stopAt + 1))
            seen.append(WrittenRecord(bytes: Array(record.bytes), timestamp: record.timestamp))
        }
        seen += try Self.scan(reader, from: seen.count)
        #expect(seen == records)
    }

    /// A scan of a log that a writer is still appending to reads what is there, and the next
    /// scan picks up what was added since.
    @Test func scanFollowsAGrowingLog() throws {
        let directory = TemporaryDirectory("follow")
        let records = Self.records()
        let writer = try LogWriter(directory: directory.path, options: Self.options())
        let reader = try LogReader(directory: directory.path)
        var seen: [WrittenRecord] = []
        for chunk in stride(from: 0, to: records.count, by: 45) {
            for record in records[chunk..<min(chunk + 45, records.count)] {
                try writer.append(record.bytes, timestamp: record.timestamp)
            }
            try writer.flush()
            try reader.forEachRecord { seen.append(WrittenRecord(bytes: Array($0.bytes), timestamp: $0.timestamp)) }
            #expect(seen.count == min(chunk + 45, records.count))
        }
        try writer.close()
        #expect(seen == records)
    }

    /// A block whose side table disagrees with the block (here: the lengths add up to one byte
    /// more than its content) but whose checksums were recomputed to match: reading stops with
    /// an error at that block, after every record before it and none of it.
    @Test func inconsistentSideTableIsRefusedBeforeAnyOfItsRecords() throws {
        let directory = TemporaryDirectory("side")
        let crashed = directory.child("log")
        let records = Self.records(count: 60)
        var options = Self.options()
        options.segmentBytes = 1 << 20
        try LogFixtures.crashedCopy(records, options: options, into: crashed)
        let segment = LogFixtures.segments(crashed)[0]
        let bytes = TestFiles.read(segment)

        // The last block of the (open) segment, and the records before it.
        var scanner = try SegmentScanner(file: try SegmentFile.openForReading(segment))
        var last: (metadata: BlockMetadata, offset: UInt64)?
        while case let .block(metadata, offset, _) = try scanner.next(readData: false) { last = (metadata, offset) }
        let (metadata, offset) = try #require(last)
        let before = Int(metadata.firstSequence)
        #expect(before > 0)

        // Its side table with the last length one larger, stored and checksummed again.
        var raw: [UInt8] = []
        var total = 0
        for index in before..<records.count {
            let length = records[index].bytes.count + (index == records.count - 1 ? 1 : 0)
            total += length
            raw.appendVarint(UInt64(length))
            raw.appendVarint(UInt64(records[index].timestamp - (index == before ? records[index].timestamp : records[index - 1].timestamp)))
        }
        let stored = try raw.withUnsafeBytes { try SideTable.store($0) }
        var damaged = metadata
        damaged.sideTableRawBytes = UInt32(raw.count)
        damaged.sideTableStoredBytes = UInt32(stored.count)
        var rewritten = Array(bytes[..<Int(offset)])
        damaged.encodeFrame(storedSideTable: stored, appendingTo: &rewritten)
        rewritten += bytes[(Int(offset) + metadata.frameBytes)...]
        TestFiles.write(rewritten, to: segment)

        let reader = try LogReader(directory: crashed)
        var seen: [WrittenRecord] = []
        #expect {
            try reader.forEachRecord { seen.append(WrittenRecord(bytes: Array($0.bytes), timestamp: $0.timestamp)) }
        } throws: { error in
            guard case let EventLogError.corrupt(path, at, reason) = error else { return false }
            return path == segment && at == offset && reason.contains("add up to \(total)")
        }
        #expect(seen == Array(records.prefix(before)))
        let stepping = try LogReader(directory: crashed)
        for _ in 0..<before { _ = try stepping.next() }
        #expect(throws: EventLogError.self) { _ = try stepping.next() }
        #expect(try LogVerifier.verify(directory: crashed).findings.map(\.offset) == [offset])
    }
}
