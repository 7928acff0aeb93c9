import ArgumentParser
import EventLog

/// `runledger log stat LOG`: segments, records, bytes on disk and uncompressed, ratio, time range.
struct LogStatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stat", abstract: "Print a log's sizes, record count, compression ratio and time range.")

    @Argument(help: "The log directory.") var log: String
    @Flag(help: "Print one JSON object.") var json = false

    struct Output: Encodable {
        var log: String
        var segments: Int
        var blocks: Int
        var records: UInt64
        var bytesOnDisk: UInt64
        var uncompressedBytes: UInt64
        var compressionRatio: Double
        var bytesOnDiskPerRecord: Double
        var firstTimestamp: Int64?
        var lastTimestamp: Int64?
    }

    func run() throws {
        let statistics = try reportingFailures { try LogStatistics.compute(directory: log) }
        let output = Output(
            log: log, segments: statistics.segments, blocks: statistics.blocks, records: statistics.records,
            bytesOnDisk: statistics.bytesOnDisk, uncompressedBytes: statistics.uncompressedBytes,
            compressionRatio: (statistics.compressionRatio * 1000).rounded() / 1000,
            bytesOnDiskPerRecord: (statistics.bytesOnDiskPerRecord * 1000).rounded() / 1000,
            firstTimestamp: statistics.firstTimestamp, lastTimestamp: statistics.lastTimestamp)
        if json { return try Terminal.printJSON(output) }
        let range = statistics.firstTimestamp.map { "\($0) .. \(statistics.lastTimestamp!)" } ?? "empty"
        print("""
        log:                \(log)
        segments:           \(output.segments)
        blocks:             \(output.blocks)
        records:            \(output.records)
        bytes on disk:      \(output.bytesOnDisk)
        uncompressed bytes: \(output.uncompressedBytes)
        compression ratio:  \(formatDecimal(statistics.compressionRatio, places: 2))
        bytes per record:   \(formatDecimal(statistics.bytesOnDiskPerRecord, places: 2))
        time range:         \(range)
        """)
    }
}

/// A fixed number of decimal places, without Foundation's locale-dependent formatting.
func formatDecimal(_ value: Double, places: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * scale).rounded()
    let whole = Int64(scaled / scale)
    let fraction = Int64(abs(scaled - Double(whole) * scale))
    var fractionText = String(fraction)
    while fractionText.count < places { fractionText = "0" + fractionText }
    let sign = value < 0 && whole == 0 ? "-" : ""
    return places == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fractionText)"
}
