import ArgumentParser
import EventLog
import Foundation
import LZ4

/// `runledger dev bench-log`: the log's append and scan rates, bytes per record on disk, and the
/// LZ4 layer's own speed on the same records (compare with `lz4 -b1 -B4` on `--raw-output`).
/// `Tools/bench` runs it in release mode and writes the results table.
struct BenchLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-log", abstract: "Benchmark the event log.")

    @Option var records: Int = 20_000_000
    @Option var durability: String = "flush"
    @Option(help: "Directory for the benchmark log (must not exist).") var log: String
    @Option(help: "Also write the raw concatenated records here, for `lz4 -b1 -B4`.") var rawOutput: String?
    @Option(help: "Repetitions of the LZ4 layer measurement.") var lz4Rounds: Int = 5
    @Flag(help: "Only scan the existing log at --log (written by an earlier run), for profilers.")
    var scanOnly = false

    struct Output: Encodable {
        var records: Int
        var recordBytesMean: Double
        var appendSeconds: Double
        var appendRecordsPerSecond: Double
        var appendMegabytesPerSecond: Double
        var scanSeconds: Double
        var scanRecordsPerSecond: Double
        var scanMegabytesPerSecond: Double
        var bytesOnDisk: UInt64
        var bytesOnDiskPerRecord: Double
        var compressionRatio: Double
        var lz4FrameCompressMegabytesPerSecond: Double
        var lz4FrameDecompressMegabytesPerSecond: Double
        var lz4FrameRatio: Double
        var durability: String
    }

    struct ScanOutput: Encodable {
        var records: Int
        var scanSeconds: Double
        var scanRecordsPerSecond: Double
        var scanMegabytesPerSecond: Double
    }

    func run() throws {
        if scanOnly {
            let output = try reportingFailures { () -> ScanOutput in
                let (scanned, bytes, seconds) = try scan()
                return ScanOutput(records: scanned, scanSeconds: seconds, scanRecordsPerSecond: Double(scanned) / seconds,
                                  scanMegabytesPerSecond: Double(bytes) / 1e6 / seconds)
            }
            try Terminal.printJSON(output)
            return
        }
        guard let policy = Durability(name: durability) else { throw ValidationError("bad --durability") }
        var options = WriterOptions()
        options.durability = policy
        options.monotonicNanoseconds = { DispatchTime.now().uptimeNanoseconds }
        let output = try reportingFailures { () -> Output in
            // Generate first, so the append figure measures the log, not the generator.
            var generator = SyntheticRecords(seed: 7)
            var raw: [UInt8] = []
            var ends: [Int] = []
            var times: [Int64] = []
            raw.reserveCapacity(records * 21)
            ends.reserveCapacity(records)
            times.reserveCapacity(records)
            for _ in 0..<records {
                generator.next { bytes, time in
                    raw.append(contentsOf: bytes)
                    ends.append(raw.count)
                    times.append(time)
                }
            }
            if let rawOutput, !FileManager.default.createFile(atPath: rawOutput, contents: Data(raw)) {
                throw CommandFailure("cannot write \(rawOutput)", status: .badInput)
            }

            let appendStart = now()
            let writer = try LogWriter(directory: log, options: options)
            var start = 0
            for index in 0..<records {
                try writer.append(raw[start..<ends[index]], timestamp: times[index])
                start = ends[index]
            }
            try writer.close()
            let appendSeconds = now() - appendStart

            let (scanned, scannedBytes, scanSeconds) = try scan()
            guard scanned == records, scannedBytes == raw.count else {
                throw CommandFailure("scan read \(scanned) records, expected \(records)", status: .corruptLog)
            }
            let statistics = try LogStatistics.compute(directory: log)
            let (compress, decompress, ratio) = try measureFrames(raw)
            let megabytes = Double(raw.count) / 1e6
            return Output(
                records: records, recordBytesMean: Double(raw.count) / Double(max(records, 1)),
                appendSeconds: appendSeconds, appendRecordsPerSecond: Double(records) / appendSeconds,
                appendMegabytesPerSecond: megabytes / appendSeconds,
                scanSeconds: scanSeconds, scanRecordsPerSecond: Double(records) / scanSeconds,
                scanMegabytesPerSecond: megabytes / scanSeconds,
                bytesOnDisk: statistics.bytesOnDisk, bytesOnDiskPerRecord: statistics.bytesOnDiskPerRecord,
                compressionRatio: statistics.compressionRatio,
                lz4FrameCompressMegabytesPerSecond: compress, lz4FrameDecompressMegabytesPerSecond: decompress,
                lz4FrameRatio: ratio, durability: durability)
        }
        try Terminal.printJSON(output)
    }

    /// Reads the whole log at `log` with the bulk scan: records, bytes and seconds.
    private func scan() throws -> (records: Int, bytes: Int, seconds: Double) {
        let scanStart = now()
        let reader = try LogReader(directory: log)
        var scanned = 0
        var scannedBytes = 0
        try reader.forEachRecord { record in
            scanned += 1
            scannedBytes &+= record.bytes.count
        }
        return (scanned, scannedBytes, now() - scanStart)
    }

    /// The LZ4 layer alone: one frame of 64 KiB independent blocks over all the records, best of
    /// `lz4Rounds`, the way `lz4 -b1 -B4` reports its best run.
    private func measureFrames(_ raw: [UInt8]) throws -> (Double, Double, Double) {
        let compressor = try FrameCompressor()
        let decompressor = try FrameDecompressor()
        var frame: [UInt8] = []
        var decoded: [UInt8] = []
        var bestCompress = Double.infinity, bestDecompress = Double.infinity
        for _ in 0..<max(1, lz4Rounds) {
            frame.removeAll(keepingCapacity: true)
            let compressStart = now()
            try compressor.compress(raw, appendingTo: &frame)
            bestCompress = min(bestCompress, now() - compressStart)
            let decompressStart = now()
            // As the log uses it: it checks its own CRC-32C, so it skips LZ4's content checksum.
            try decompressor.decompress(frame[...], expectedContentCount: raw.count, limit: Int.max, into: &decoded,
                                        verifyContentChecksum: false)
            bestDecompress = min(bestDecompress, now() - decompressStart)
        }
        guard decoded == raw else { throw CommandFailure("LZ4 round trip differs", status: .corruptLog) }
        let megabytes = Double(raw.count) / 1e6
        return (megabytes / bestCompress, megabytes / bestDecompress, Double(raw.count) / Double(frame.count))
    }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
