import EventLog
import Testing
import TestSupport

/// The log's promise under damage: a torn tail is an exact prefix, anything else is an error that
/// names the file and offset, and nothing is ever skipped silently.
@Suite struct DamageTests {
    /// A small log of several segments, and the records it holds.
    static func smallLog(in directory: TemporaryDirectory, count: Int = 40) throws -> [WrittenRecord] {
        let records = LogFixtures.randomRecords(seed: 42, count: count, maxBytes: 50)
        try LogFixtures.write(records, to: directory.path, options: LogFixtures.smallOptions())
        return records
    }

    /// Truncating the log, seen as one byte stream across its segments, at every offset: opening
    /// it (for reading, then for append) yields an exact prefix of what was written, never a
    /// crash or garbage; a later append then continues it.
    @Test func everyTruncationOffsetYieldsAnExactPrefix() throws {
        let original = TemporaryDirectory("truncate-src")
        let records = try Self.smallLog(in: original)
        let segments = LogFixtures.segments(original.path)
        #expect(segments.count >= 2)
        let contents = segments.map { TestFiles.read($0) }
        let total = contents.reduce(0) { $0 + $1.count }
        var longest = 0
        for cut in 0...total {
            let damaged = TemporaryDirectory("truncate")
            var remaining = cut
            for (path, bytes) in zip(segments, contents) where remaining > 0 || bytes.isEmpty {
                let name = String(path.split(separator: "/").last!)
                TestFiles.write(Array(bytes.prefix(remaining)), to: damaged.child(name))
                remaining -= min(remaining, bytes.count)
            }
            let readBack = try LogFixtures.readAll(damaged.path)
            #expect(Array(records.prefix(readBack.count)) == readBack, "cut at \(cut)")
            longest = max(longest, readBack.count)
            let writer = try LogWriter(directory: damaged.path, options: LogFixtures.smallOptions())
            #expect(writer.nextSequence == UInt64(readBack.count), "cut at \(cut)")
            try writer.append([7, 7, 7], timestamp: records.last!.timestamp)
            try writer.close()
            let after = try LogFixtures.readAll(damaged.path)
            #expect(after == readBack + [WrittenRecord(bytes: [7, 7, 7], timestamp: records.last!.timestamp)], "cut at \(cut)")
        }
        #expect(longest == records.count)
    }

    /// A torn final batch is truncated on open for append, and the dropped byte count is reported.
    @Test func tornTailIsTruncatedAndReported() throws {
        let directory = TemporaryDirectory("torn")
        let crashed = directory.child("log")
        let records = LogFixtures.randomRecords(seed: 42, count: 40, maxBytes: 50)
        try LogFixtures.crashedCopy(records, options: LogFixtures.smallOptions(), into: crashed)
        let last = LogFixtures.segments(crashed).last!
        let bytes = TestFiles.read(last)
        TestFiles.write(Array(bytes.dropLast(5)), to: last)
        let writer = try LogWriter(directory: crashed, options: LogFixtures.smallOptions())
        #expect(writer.recovery.droppedBytes > 0)
        #expect(writer.recovery.truncatedSegment == last)
        try writer.close()
        let readBack = try LogFixtures.readAll(crashed)
        #expect(readBack.count < records.count && readBack.count > 0)
        #expect(Array(records.prefix(readBack.count)) == readBack)
    }

    /// Damage in a sealed segment is an error naming the segment and the byte offset when read;
    /// opening for append does not touch it (it reads only indexes), so the damage stays visible.
    @Test func midLogCorruptionIsAnErrorWithSegmentAndOffset() throws {
        let directory = TemporaryDirectory("midlog")
        _ = try Self.smallLog(in: directory)
        let first = LogFixtures.segments(directory.path)[0]
        var bytes = TestFiles.read(first)
        bytes[100] ^= 0x10
        TestFiles.write(bytes, to: first)
        #expect {
            _ = try LogFixtures.readAll(directory.path)
        } throws: { error in
            guard case let EventLogError.corrupt(path, offset, _) = error else { return false }
            return path == first && offset <= 100
        }
        try LogWriter(directory: directory.path, options: LogFixtures.smallOptions()).close()
        #expect(TestFiles.read(first) == bytes)
        let findings = try LogVerifier.verify(directory: directory.path).findings
        #expect(!findings.isEmpty && findings.allSatisfy { $0.path == first })
    }

    /// Damage inside the unsealed tail segment, before its last block, is not a torn tail: opening
    /// for append refuses with the segment and offset instead of truncating good records away.
    @Test func damageBeforeTheTailRefusesAppend() throws {
        let directory = TemporaryDirectory("tail-damage")
        let crashed = directory.child("log")
        var options = LogFixtures.smallOptions()
        options.segmentBytes = 1 << 20
        try LogFixtures.crashedCopy(LogFixtures.randomRecords(seed: 5, count: 40, maxBytes: 50), options: options, into: crashed)
        let segment = LogFixtures.segments(crashed)[0]
        var bytes = TestFiles.read(segment)
        bytes[120] ^= 0x01
        TestFiles.write(bytes, to: segment)
        #expect {
            _ = try LogWriter(directory: crashed, options: options)
        } throws: { error in
            guard case let EventLogError.corrupt(path, offset, _) = error else { return false }
            return path == segment && offset <= 120
        }
        #expect(TestFiles.read(segment) == bytes)
    }

    /// Every single-bit flip anywhere in a small log is reported by verify, and an intact log
    /// has no finding at all.
    @Test func everySingleBitFlipIsDetectedByVerify() throws {
        let original = TemporaryDirectory("flip-src")
        _ = try Self.smallLog(in: original, count: 14)
        #expect(try LogVerifier.verify(directory: original.path).isIntact)
        let segments = LogFixtures.segments(original.path)
        var flips = 0
        for (segmentIndex, path) in segments.enumerated() {
            let bytes = TestFiles.read(path)
            let name = String(path.split(separator: "/").last!)
            for byte in 0..<bytes.count {
                for bit in 0..<8 {
                    let damaged = TemporaryDirectory("flip")
                    for (other, otherPath) in segments.enumerated() where other != segmentIndex {
                        TestFiles.write(TestFiles.read(otherPath), to: damaged.child(String(otherPath.split(separator: "/").last!)))
                    }
                    var flipped = bytes
                    flipped[byte] ^= UInt8(1 << bit)
                    TestFiles.write(flipped, to: damaged.child(name))
                    let report = try LogVerifier.verify(directory: damaged.path)
                    #expect(!report.isIntact, "flip of bit \(bit) at byte \(byte) of \(name) went unnoticed")
                    flips += 1
                }
            }
        }
        #expect(flips > 1000)
    }

    /// A segment that grows a few bytes at a time (a writer seen by a follower, or a stream fed in
    /// random chunk sizes, or byte by byte) is read as exactly the same records as the whole file.
    @Test(arguments: [1, 3, 17, 0])
    func readsFedInChunksDecodeIdentically(chunk: Int) throws {
        let original = TemporaryDirectory("chunks-src")
        let records = try Self.smallLog(in: original, count: 25)
        let segments = LogFixtures.segments(original.path)
        let growing = TemporaryDirectory("chunks")
        let reader = try LogReader(directory: growing.path)
        var random = TestRandom(seed: UInt64(chunk))
        var seen: [WrittenRecord] = []
        for path in segments {
            let bytes = TestFiles.read(path)
            let target = growing.child(String(path.split(separator: "/").last!))
            var written = 0
            while written < bytes.count {
                let step = chunk == 0 ? Int(1 + random.next() % 97) : chunk
                let end = min(bytes.count, written + step)
                TestFiles.append(Array(bytes[written..<end]), to: target)
                written = end
                while let record = try reader.next() {
                    seen.append(WrittenRecord(bytes: Array(record.bytes), timestamp: record.timestamp))
                }
            }
        }
        #expect(seen == records)
        #expect(reader.tail == .clean)
    }

    /// Salvage copies every readable block of a damaged log into a new, intact log.
    @Test func salvageCopiesEveryReadableBlock() throws {
        let directory = TemporaryDirectory("salvage")
        let records = try Self.smallLog(in: directory)
        let first = LogFixtures.segments(directory.path)[0]
        var bytes = TestFiles.read(first)
        bytes[bytes.count / 2] ^= 0xFF
        TestFiles.write(bytes, to: first)
        let destination = directory.child("salvaged")
        let (report, salvage) = try LogVerifier.salvage(directory: directory.path, into: destination)
        #expect(!report.isIntact)
        #expect(salvage.blocksLost >= 1)
        #expect(salvage.recordsCopied > 0 && salvage.recordsCopied < UInt64(records.count))
        #expect(try LogVerifier.verify(directory: destination).isIntact)
        let copied = try LogFixtures.readAll(destination)
        #expect(copied.count == Int(salvage.recordsCopied))
        #expect(copied.allSatisfy { record in records.contains(record) })
    }
}
