// The journal's record format, version 1: the single place its numbers live.
//
// Every record starts with one tag byte: the high five bits name the record kind, the low three
// bits carry kind-specific flags or small enum values, so most events need no byte for them.
// Kinds 0...21 are the lifecycle events, 30 the journal's own records (header, definitions).
// Kinds 22...29 are free for new event layouts and 31 is reserved as an escape to a longer
// tag; a layout change gets a new kind, so old journals stay readable. Flag bits a kind does
// not use must be zero, which keeps them available for later versions.
//
// Integers are LEB128 varints, signed ones zigzagged. The event's time is the log record's
// timestamp, so no event body repeats it; extra times are stored as deltas from it.

/// The constants and named bounds of the journal format.
public enum JournalFormat {
    /// The format name the header record opens with.
    public static let formatName = "runledger-journal"
    /// The codec version this build writes and the only one it reads.
    public static let codecVersion: UInt64 = 1

    /// The most steps a run's work may list (and so the bound of a checkpoint's step index).
    public static let maximumWorkSteps = 1 << 16
    /// The most run ids a `threadBusy` rejection may list.
    public static let maximumRejectedRuns = 1 << 16
    /// The longest external name of a definition, in UTF-8 bytes.
    public static let maximumNameBytes = 1024
    /// The longest header string (profile name, metadata key or value), in UTF-8 bytes.
    public static let maximumHeaderStringBytes = 4096
    /// The most metadata entries a header may carry.
    public static let maximumMetadataEntries = 256
    /// The most slots a header may declare.
    public static let maximumSlotCount = 1 << 20

    /// The record kind in a tag's high five bits.
    enum Kind: UInt8 {
        case threadCreated = 0, created, rejected, started, checkpointed, succeeded, failed, timedOut,
            retried, interrupted, rolledBack, deleted, workerStopped, subscribed, unsubscribed,
            joinAnswered, threadStatusChanged, threadValuesCached, threadDeleted, cancelRefused,
            commandRefused, serverRestarted
        /// The journal's own records; the flags say which (``JournalSubkind``).
        case journal = 30
    }

    /// The flags of a ``Kind/journal`` tag.
    enum JournalSubkind: UInt8 {
        case header = 0, defineRun, defineThread, defineAssistant
    }

    @inline(__always)
    static func tag(_ kind: Kind, _ flags: UInt8 = 0) -> UInt8 {
        assert(flags < 8, "flags \(flags) do not fit in three bits")
        return kind.rawValue << 3 | flags
    }

    /// The tag byte that opens every journal header: detection looks for it in record 0.
    public static let headerTag: UInt8 = Kind.journal.rawValue << 3 | JournalSubkind.header.rawValue
}
