/// Sizes and ranges of a log, from the block metadata alone (no decompression).
public struct LogStatistics: Sendable, Equatable {
    public var segments = 0
    public var blocks = 0
    public var records: UInt64 = 0
    public var bytesOnDisk: UInt64 = 0
    public var uncompressedBytes: UInt64 = 0
    public var firstTimestamp: Int64?
    public var lastTimestamp: Int64?
    /// Uncompressed record bytes per byte on disk (everything on disk: metadata and indexes too).
    public var compressionRatio: Double {
        bytesOnDisk == 0 ? 0 : Double(uncompressedBytes) / Double(bytesOnDisk)
    }
    public var bytesOnDiskPerRecord: Double { records == 0 ? 0 : Double(bytesOnDisk) / Double(records) }

    /// Reads every block's metadata. Damage stops it with the segment and offset.
    public static func compute(directory: String) throws -> LogStatistics {
        guard LogDirectory.exists(directory) else {
            throw EventLogError.notALog(path: directory, reason: "no such directory")
        }
        var statistics = LogStatistics()
        for first in try LogDirectory.segmentSequences(directory) {
            let path = LogDirectory.segmentPath(directory, firstSequence: first)
            let file = try SegmentFile.openForReading(path)
            var scanner = try SegmentScanner(file: file)
            statistics.segments += 1
            statistics.bytesOnDisk += scanner.fileSize
            if case let .invalid(reason) = scanner.header {
                throw EventLogError.corrupt(path: path, offset: 0, reason: reason)
            }
            scanning: while true {
                switch try scanner.next(readData: false) {
                case let .block(metadata, _, _):
                    statistics.blocks += 1
                    statistics.records += UInt64(metadata.recordCount)
                    statistics.uncompressedBytes += UInt64(metadata.uncompressedBytes)
                    if statistics.firstTimestamp == nil { statistics.firstTimestamp = metadata.firstTimestamp }
                    statistics.lastTimestamp = metadata.lastTimestamp
                case .footer, .end, .torn: break scanning
                case let .damaged(offset, reason):
                    throw EventLogError.corrupt(path: path, offset: offset, reason: reason)
                }
            }
        }
        return statistics
    }
}
