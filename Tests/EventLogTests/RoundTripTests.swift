import EventLog
import PropertyBased
import Testing
import TestSupport

/// Records written, closed and reopened read back identically, and seeking lands on the
/// right record, for random record sizes from 0 to 64 KiB (shrinking finds a minimal failure).
@Test func randomRecordsRoundTripThroughWriteCloseReopenReadAndSeek() async throws {
    let sizes = Gen.int(in: 0...(64 << 10)).array(of: 0...24)
    await propertyCheck(count: 25, input: sizes, Gen.uint64()) { sizes, seed in
        let directory = TemporaryDirectory("roundtrip")
        var random = TestRandom(seed: seed)
        var timestamp: Int64 = 0
        let records = sizes.map { size -> WrittenRecord in
            timestamp += Int64(random.next() % 2)
            return WrittenRecord(bytes: random.recordBytes(count: size), timestamp: timestamp)
        }
        var options = WriterOptions()
        options.batchBytes = 100 << 10
        options.segmentBytes = 200 << 10
        #expect(throws: Never.self) { try LogFixtures.write(records, to: directory.path, options: options) }
        let readBack = try? LogFixtures.readAll(directory.path)
        #expect(readBack == records)
        guard !records.isEmpty else { return }
        let reader = try? LogReader(directory: directory.path)
        let target = Int(random.next() % UInt64(records.count))
        try? reader?.seek(toSequence: UInt64(target))
        let found = try? reader?.next()
        #expect(found?.sequence == UInt64(target))
        #expect(found.map { Array($0.bytes) } == records[target].bytes)
        let wanted = records[target].timestamp
        try? reader?.seek(toTimestamp: wanted)
        let byTime = try? reader?.next()
        let firstAtTime = records.firstIndex { $0.timestamp >= wanted }!
        #expect(byTime?.sequence == UInt64(firstAtTime))
    }
}

/// Reopening for append continues the sequence numbers and keeps what was there.
@Test func appendingAfterReopenContinuesTheSequence() throws {
    let directory = TemporaryDirectory("reopen")
    let first = LogFixtures.randomRecords(seed: 1, count: 50, maxBytes: 90)
    let second = LogFixtures.randomRecords(seed: 2, count: 30, maxBytes: 90).map {
        WrittenRecord(bytes: $0.bytes, timestamp: $0.timestamp + 10_000)
    }
    try LogFixtures.write(first, to: directory.path, options: LogFixtures.smallOptions())
    let writer = try LogWriter(directory: directory.path, options: LogFixtures.smallOptions())
    #expect(writer.recovery.isClean)
    #expect(writer.nextSequence == 50)
    for record in second { try writer.append(record.bytes, timestamp: record.timestamp) }
    try writer.close()
    #expect(try LogFixtures.readAll(directory.path) == first + second)
}

/// Seeking by sequence number and by time works across many blocks and segments, and past the end.
@Test func seekingAcrossSegmentsFindsEveryRecord() throws {
    let directory = TemporaryDirectory("seek")
    let records = LogFixtures.randomRecords(seed: 7, count: 300, maxBytes: 60)
    try LogFixtures.write(records, to: directory.path, options: LogFixtures.smallOptions())
    #expect(LogFixtures.segments(directory.path).count > 3)
    let reader = try LogReader(directory: directory.path)
    for target in stride(from: 0, to: 300, by: 7) {
        try reader.seek(toSequence: UInt64(target))
        #expect(try reader.next()?.sequence == UInt64(target))
    }
    try reader.seek(toSequence: 300)
    #expect(try reader.next() == nil)
    for target in stride(from: 0, to: 300, by: 11) {
        let time = records[target].timestamp
        try reader.seek(toTimestamp: time)
        #expect(try reader.next()?.sequence == UInt64(records.firstIndex { $0.timestamp >= time }!))
    }
    try reader.seek(toTimestamp: records.last!.timestamp + 1)
    #expect(try reader.next() == nil)
}

/// Timestamps must not go back, records have a named size limit, and a second writer is refused.
@Test func writerRefusesBadInputAndASecondWriter() throws {
    let directory = TemporaryDirectory("refuse")
    let writer = try LogWriter(directory: directory.path)
    try writer.append([1, 2, 3], timestamp: 10)
    #expect(throws: EventLogError.timestampWentBackwards(previous: 10, given: 9)) {
        try writer.append([4], timestamp: 9)
    }
    #expect(throws: EventLogError.recordTooLarge(bytes: LogFormat.maximumRecordBytes + 1, limit: LogFormat.maximumRecordBytes)) {
        try writer.append([UInt8](repeating: 0, count: LogFormat.maximumRecordBytes + 1), timestamp: 10)
    }
    #expect(throws: EventLogError.locked(path: directory.path)) {
        _ = try LogWriter(directory: directory.path)
    }
    try writer.close()
    _ = try LogWriter(directory: directory.path)  // the lock went away with close()
}
