/// When appended records reach the disk.
public enum Durability: Equatable, Sendable {
    /// Batches collect in memory and are written in large chunks; `flush()` writes them.
    case none
    /// Each batch is written to the operating system as soon as it is sealed.
    case flush
    /// Each batch is written and `fsync`ed before the call that sealed it returns.
    case fsync
    /// Each batch is written at once; `fsync` runs when the oldest unsynced batch is older than
    /// `maxDelayMillis` (checked whenever a batch is sealed) and on every `flush()`.
    case groupCommit(maxDelayMillis: Int)

    /// Parses the names the command line accepts: none, flush, fsync, group:MILLIS.
    public init?(name: String) {
        switch name {
        case "none": self = .none
        case "flush": self = .flush
        case "fsync": self = .fsync
        default:
            guard name.hasPrefix("group:"), let millis = Int(name.dropFirst(6)), millis >= 0 else { return nil }
            self = .groupCommit(maxDelayMillis: millis)
        }
    }
}

/// How a writer batches, compresses, rotates and syncs.
public struct WriterOptions: Sendable {
    /// A segment is sealed and a new one started once it reaches this size.
    public var segmentBytes: Int = 64 << 20
    /// A batch (one LZ4 frame) is sealed once its records reach this many bytes.
    public var batchBytes: Int = 256 << 10
    /// ... or this many records, whichever comes first.
    public var batchRecords: Int = 1 << 16
    public var durability: Durability = .flush
    /// liblz4's acceleration: 1 is `lz4 -1`.
    public var acceleration: Int32 = 1
    /// Monotonic nanoseconds, for group commit only. The command line passes the system clock;
    /// tests pass their own.
    public var monotonicNanoseconds: @Sendable () -> UInt64 = { 0 }

    public init() {}

    func validate() throws {
        guard segmentBytes >= 256 else {
            throw EventLogError.invalidOption(name: "segment size", reason: "must be at least 256 bytes")
        }
        guard batchBytes >= 1, batchBytes <= LogFormat.maximumBatchBytes / 2 else {
            throw EventLogError.invalidOption(name: "batch size", reason: "must be 1 byte to 512 MiB")
        }
        guard batchRecords >= 1 else {
            throw EventLogError.invalidOption(name: "batch records", reason: "must be at least 1")
        }
        if case let .groupCommit(delay) = durability, delay < 0 {
            throw EventLogError.invalidOption(name: "group commit delay", reason: "must not be negative")
        }
    }
}

/// What opening a log for append had to repair.
public struct RecoveryReport: Equatable, Sendable {
    /// Bytes of a torn final batch that were truncated away (0 when the tail was clean).
    public var droppedBytes: UInt64 = 0
    /// The segment that was truncated, if any.
    public var truncatedSegment: String?
    /// Byte offset the torn segment was truncated to.
    public var truncatedAt: UInt64?
    /// Segments whose missing index footer was rebuilt from their blocks.
    public var rebuiltIndexes: [String] = []

    public var isClean: Bool { droppedBytes == 0 && rebuiltIndexes.isEmpty }
}
