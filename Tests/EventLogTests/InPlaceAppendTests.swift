// Records written in place (reserve room in the open batch, write, commit the bytes used) make
// exactly the log that copying appends make, across seals, segment rotations and growth of the
// batch; a refused commit changes nothing; and the one varint writer both layers use writes
// plain LEB128 on every path.

import EventLog
import PropertyBased
import Testing
import TestSupport

@Suite struct InPlaceAppendTests {
    /// Every segment file of a log, name and bytes, in order.
    static func files(_ directory: String) -> [(String, [UInt8])] {
        LogFixtures.segments(directory).map { ($0.split(separator: "/").last.map(String.init) ?? $0, TestFiles.read($0)) }
    }

    /// Writes `records` in place, each into a room `slack[i]` bytes larger than it, the first
    /// room reserved on its own and each later one by the commit before it.
    static func writeInPlace(_ records: [WrittenRecord], slack: [Int], to directory: String, options: WriterOptions) throws {
        let writer = try LogWriter(directory: directory, options: options)
        var room = writer.reserveRecord(maximumBytes: (records.first?.bytes.count ?? 0) + (slack.first ?? 0))
        for (index, record) in records.enumerated() {
            record.bytes.withUnsafeBytes { bytes in
                if let source = bytes.baseAddress { room.update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
            }
            let next = index + 1 < records.count ? records[index + 1].bytes.count + slack[index + 1] : 0
            let committed = try writer.commitRecord(
                byteCount: record.bytes.count, timestamp: record.timestamp, reservingNext: next)
            #expect(committed.sequence == UInt64(index))
            room = committed.room
        }
        try writer.close()
    }

    /// Records of the given sizes with random bytes, at times that never go back and often repeat.
    static func randomRecords(sizes: [Int], seed: UInt64) -> [WrittenRecord] {
        var random = TestRandom(seed: seed)
        var timestamp = Int64(random.next() % 1_000)
        return sizes.map { size in
            timestamp += Int64(random.next() % 3) * Int64(random.next() % 20_000)
            return WrittenRecord(bytes: random.recordBytes(count: size), timestamp: timestamp)
        }
    }

    // Random record sizes (empty ones included, some larger than a batch so that the room must
    // grow) with random slack, through tiny batches and segments: the in-place log is
    // byte-for-byte the log that `append` writes, and reads back the same records.
    @Test func inPlaceRecordsWriteTheSameBytesAsAppends() async throws {
        let sizes = Gen.oneOf(Gen.int(in: 0...40), Gen.int(in: 0...700))
        let input = zip(sizes, Gen.int(in: 0...64)).array(of: 1...60)
        await propertyCheck(count: 40, input: input, Gen.uint64()) { shapes, seed in
            let records = Self.randomRecords(sizes: shapes.map(\.0), seed: seed)
            let copied = TemporaryDirectory("copied")
            let inPlace = TemporaryDirectory("in-place")
            let options = LogFixtures.smallOptions()
            #expect(throws: Never.self) {
                try LogFixtures.write(records, to: copied.path, options: options)
                try Self.writeInPlace(records, slack: shapes.map(\.1), to: inPlace.path, options: options)
            }
            let expected = Self.files(copied.path)
            let actual = Self.files(inPlace.path)
            #expect(actual.map(\.0) == expected.map(\.0))
            #expect(actual.map(\.1) == expected.map(\.1), "seed \(seed)")
            #expect((try? LogFixtures.readAll(inPlace.path)) == records)
        }
    }

    // A commit refused for its timestamp, or for a closed writer, changes nothing: the room it
    // was given stays valid, and committing it again with a good timestamp appends the record.
    @Test func aRefusedCommitKeepsItsRoom() throws {
        let directory = TemporaryDirectory("refused")
        let writer = try LogWriter(directory: directory.path)
        try writer.append([1, 2, 3], timestamp: 100)
        let room = writer.reserveRecord(maximumBytes: 8)
        room.update(repeating: 7, count: 4)
        #expect(throws: EventLogError.timestampWentBackwards(previous: 100, given: 99)) {
            _ = try writer.commitRecord(byteCount: 4, timestamp: 99, reservingNext: 8)
        }
        #expect(writer.nextSequence == 1)
        let committed = try writer.commitRecord(byteCount: 4, timestamp: 100, reservingNext: 8)
        #expect(committed.sequence == 1)
        committed.room.update(repeating: 9, count: 2)
        try writer.close()
        #expect(throws: EventLogError.closed) { _ = try writer.commitRecord(byteCount: 2, timestamp: 200, reservingNext: 8) }
        #expect(try LogFixtures.readAll(directory.path) == [
            WrittenRecord(bytes: [1, 2, 3], timestamp: 100), WrittenRecord(bytes: [7, 7, 7, 7], timestamp: 100),
        ])
    }

    /// Writes prepared records one per call, as a journal's encoder writes events.
    struct CopyingEncoder: RecordEncoder {
        let records: [WrittenRecord]
        var next = 0

        var stop = 0

        var remainingRecords: Int { records.count - next }

        mutating func stop(afterRecords count: Int) {
            precondition(count >= 1 && count <= remainingRecords, "stop outside the records left")
            stop = next + count
        }

        mutating func encodeNext(at room: UnsafeMutablePointer<UInt8>) -> (end: UnsafeMutablePointer<UInt8>, timestamp: Int64)? {
            if next == stop { return nil }
            precondition(next < records.count, "asked for a record past the last")
            let record = records[next]
            next += 1
            record.bytes.withUnsafeBufferPointer { bytes in
                if let source = bytes.baseAddress { room.update(from: source, count: bytes.count) }
            }
            return (room + record.bytes.count, record.timestamp)
        }
    }

    // Records written by an encoder in runs (each run one `appendRecords`, the batch sealing and
    // its room growing inside a run) make byte-for-byte the log that `append` writes.
    @Test func encodedRunsWriteTheSameBytesAsAppends() async throws {
        let sizes = Gen.oneOf(Gen.int(in: 0...40), Gen.int(in: 0...700))
        let input = zip(sizes, Gen.int(in: 1...9)).array(of: 1...60)
        await propertyCheck(count: 40, input: input, Gen.uint64()) { shapes, seed in
            let records = Self.randomRecords(sizes: shapes.map(\.0), seed: seed)
            let copied = TemporaryDirectory("copied")
            let encoded = TemporaryDirectory("encoded")
            let options = LogFixtures.smallOptions()
            let largest = records.map(\.bytes.count).max() ?? 0
            #expect(throws: Never.self) {
                try LogFixtures.write(records, to: copied.path, options: options)
                let writer = try LogWriter(directory: encoded.path, options: options)
                var start = 0
                for (_, runLength) in shapes where start < records.count {
                    var encoder = CopyingEncoder(records: Array(records[start..<min(start + runLength, records.count)]))
                    try writer.appendRecords(from: &encoder, maximumBytes: largest)
                    start += encoder.records.count
                }
                #expect(writer.nextSequence == UInt64(records.count))
                try writer.close()
            }
            #expect(Self.files(encoded.path).map(\.1) == Self.files(copied.path).map(\.1), "seed \(seed)")
        }
    }

    // A run stops at a record earlier than the one before: the records before it are appended,
    // it and those after are not, and the next run goes on from there.
    @Test func anEncodedRunStopsWhereTimeGoesBackwards() throws {
        let directory = TemporaryDirectory("backwards")
        let writer = try LogWriter(directory: directory.path)
        let good = [WrittenRecord(bytes: [1], timestamp: 100), WrittenRecord(bytes: [2, 2], timestamp: 150)]
        var encoder = CopyingEncoder(records: good + [WrittenRecord(bytes: [3], timestamp: 149), WrittenRecord(bytes: [4], timestamp: 200)])
        #expect(throws: EventLogError.timestampWentBackwards(previous: 150, given: 149)) {
            try writer.appendRecords(from: &encoder, maximumBytes: 4)
        }
        #expect(writer.nextSequence == 2)
        var rest = CopyingEncoder(records: [WrittenRecord(bytes: [4], timestamp: 200)])
        try writer.appendRecords(from: &rest, maximumBytes: 4)
        try writer.close()
        var late = CopyingEncoder(records: [WrittenRecord(bytes: [5], timestamp: 300)])
        #expect(throws: EventLogError.closed) { try writer.appendRecords(from: &late, maximumBytes: 4) }
        #expect(try LogFixtures.readAll(directory.path) == good + [WrittenRecord(bytes: [4], timestamp: 200)])
    }

    // A batch's first record has delta 0 whatever the gap to the record before: after a flush,
    // after a first record refused for its time, and in a reopened log. Read back, every record
    // keeps its own time (a first entry holding the gap would shift the whole batch).
    @Test func aBatchStartsWithItsFirstRecordsTimeAfterAnyGap() throws {
        let directory = TemporaryDirectory("first")
        let first = [WrittenRecord(bytes: [1], timestamp: 100), WrittenRecord(bytes: [2, 2], timestamp: 5_000)]
        let second = [WrittenRecord(bytes: [4], timestamp: 90_000), WrittenRecord(bytes: [5], timestamp: 90_001)]
        let third = [WrittenRecord(bytes: [6, 6, 6], timestamp: 10_000_000_000)]
        let writer = try LogWriter(directory: directory.path)
        var encoder = CopyingEncoder(records: first)
        try writer.appendRecords(from: &encoder, maximumBytes: 4)
        try writer.flush()
        var early = CopyingEncoder(records: [WrittenRecord(bytes: [3], timestamp: 4_999)])
        #expect(throws: EventLogError.timestampWentBackwards(previous: 5_000, given: 4_999)) {
            try writer.appendRecords(from: &early, maximumBytes: 4)
        }
        encoder = CopyingEncoder(records: second)
        try writer.appendRecords(from: &encoder, maximumBytes: 4)
        try writer.close()
        let reopened = try LogWriter(directory: directory.path)
        encoder = CopyingEncoder(records: third)
        try reopened.appendRecords(from: &encoder, maximumBytes: 4)
        try reopened.close()
        #expect(try LogFixtures.readAll(directory.path) == first + second + third)
    }

    // One long run in one batch: the side table's room ends the run's stretches again and again
    // and grows inside it, and the entries take every shape (lengths of one and two bytes,
    // deltas of one to four). The log is byte for byte the one appends write.
    @Test func aLongEncodedRunWritesTheSameBytesAsAppends() throws {
        let steps: [Int64] = [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 5]
        var time: Int64 = 0
        let records = (0..<6_000).map { index in
            time += steps[index % steps.count]
            return WrittenRecord(bytes: Array(repeating: UInt8(truncatingIfNeeded: index), count: index % 11 == 0 ? 200 : index % 4), timestamp: time)
        }
        let copied = TemporaryDirectory("copied")
        let encoded = TemporaryDirectory("encoded")
        try LogFixtures.write(records, to: copied.path, options: WriterOptions())
        let writer = try LogWriter(directory: encoded.path)
        var encoder = CopyingEncoder(records: records)
        try writer.appendRecords(from: &encoder, maximumBytes: 200)
        #expect(writer.nextSequence == UInt64(records.count))
        try writer.close()
        #expect(Self.files(encoded.path).map(\.1) == Self.files(copied.path).map(\.1))
    }

    // Every size class of the varint writer (one to three bytes without a loop, the loop above),
    // at and around each boundary and at random, writes the reference bytes into an array and
    // through an unchecked writer alike.
    @Test func varintsAreLEB128OnEveryPath() async {
        var values: [UInt64] = [0, 1, .max, .max - 1]
        for bits in 1..<64 {
            let boundary = UInt64(1) << bits
            values += [boundary - 1, boundary, boundary + 1]
        }
        func check(_ value: UInt64) {
            var array: [UInt8] = []
            array.appendVarint(value)
            var memory = [UInt8](repeating: 0xEE, count: 12)
            let written = memory.withUnsafeMutableBufferPointer { buffer -> Int in
                var writer = UncheckedByteWriter(buffer.baseAddress!)
                writer.appendVarint(value)
                return writer.position - buffer.baseAddress!
            }
            let expected = referenceLEB128(value)
            #expect(array == expected, "\(value)")
            #expect(Array(memory.prefix(written)) == expected, "\(value)")
            // Two or three bytes are one four-byte store: at most two bytes past the varint
            // are overwritten (a later append overwrites them again), none after those.
            #expect(memory[(written + 2)...].allSatisfy { $0 == 0xEE }, "\(value) wrote past its bytes and slack")
        }
        values.forEach(check)
        await propertyCheck(count: 500, input: Gen.uint64(), Gen.int(in: 0...63)) { value, shift in check(value >> shift) }
    }
}
