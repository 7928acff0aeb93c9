import EventLog
import TestSupport

/// Small logs built on purpose for the tests: random records, tiny batches and segments so that
/// a few kilobytes already span several blocks and segments.
struct WrittenRecord: Equatable {
    var bytes: [UInt8]
    var timestamp: Int64
}

enum LogFixtures {
    static func smallOptions(durability: Durability = .flush) -> WriterOptions {
        var options = WriterOptions()
        options.batchBytes = 300
        options.batchRecords = 9
        options.segmentBytes = 600
        options.durability = durability
        return options
    }

    static func randomRecords(seed: UInt64, count: Int, maxBytes: Int) -> [WrittenRecord] {
        var random = TestRandom(seed: seed)
        var timestamp: Int64 = Int64(random.next() % 1000)
        return (0..<count).map { _ in
            timestamp += Int64(random.next() % 3)
            return WrittenRecord(bytes: random.recordBytes(count: Int(random.next() % UInt64(maxBytes + 1))), timestamp: timestamp)
        }
    }

    @discardableResult
    static func write(_ records: [WrittenRecord], to directory: String, options: WriterOptions) throws -> LogWriter {
        let writer = try LogWriter(directory: directory, options: options)
        for record in records { try writer.append(record.bytes, timestamp: record.timestamp) }
        try writer.close()
        return writer
    }

    /// A copy of a log taken while its writer is still open after a flush: what a crash right
    /// after that flush leaves behind (the tail segment has no index footer).
    static func crashedCopy(_ records: [WrittenRecord], options: WriterOptions, into destination: String) throws {
        let live = TemporaryDirectory("live")
        let writer = try LogWriter(directory: live.path, options: options)
        for record in records { try writer.append(record.bytes, timestamp: record.timestamp) }
        try writer.flush()
        TestFiles.copyDirectory(live.path, to: destination)
        try writer.close()
    }

    static func readAll(_ directory: String) throws -> [WrittenRecord] {
        let reader = try LogReader(directory: directory)
        var records: [WrittenRecord] = []
        while let record = try reader.next() {
            precondition(record.sequence == UInt64(records.count), "sequence \(record.sequence) out of order")
            records.append(WrittenRecord(bytes: Array(record.bytes), timestamp: record.timestamp))
        }
        return records
    }

    /// The segment files of a log, in order.
    static func segments(_ directory: String) -> [String] {
        TestFiles.list(directory).filter { $0.hasSuffix(LogFormat.segmentSuffix) }.map { directory + "/" + $0 }
    }
}
