/// The constants of the on-disk format, version 1. `EventLog.docc/LogFormat.md` describes the
/// layout byte by byte; this file is the single place the numbers live.
public enum LogFormat {
    /// The format version written in every segment header and block.
    public static let version: UInt16 = 1

    /// Skippable-frame magic numbers (LZ4 reserves 0x184D2A50...0x184D2A5F for frames that
    /// decoders skip, which is why `lz4 -dc` prints only the records).
    static let segmentHeaderMagic: UInt32 = 0x184D_2A50
    static let blockMetadataMagic: UInt32 = 0x184D_2A51
    static let indexFooterMagic: UInt32 = 0x184D_2A52
    static let trailerMagic: UInt32 = 0x184D_2A53
    /// The magic number that opens every standard LZ4 frame.
    static let lz4FrameMagic: UInt32 = 0x184D_2204

    /// "RLSG": identifies a RunLedger segment inside its header frame.
    static let segmentSignature: UInt32 = 0x4753_4C52
    /// "RLIX": identifies the trailer that points at the index footer.
    static let trailerSignature: UInt32 = 0x5849_4C52

    /// Bytes of a skippable frame's own header: magic and payload size.
    static let frameHeaderBytes = 8
    /// Payload bytes of the segment header frame.
    static let segmentHeaderPayloadBytes = 20
    /// Fixed payload bytes of a block-metadata frame, its prefix checksum included.
    static let blockMetadataFixedBytes = 56
    /// Payload bytes of the trailer frame.
    static let trailerPayloadBytes = 16
    /// Bytes of one block entry in the index footer.
    static let indexEntryBytes = 32

    /// The file-name suffix of a segment; the stem is the first sequence number, 20 digits.
    public static let segmentSuffix = ".rlseg"
    /// The lock file a writer holds for as long as it is open.
    public static let lockFileName = "LOCK"

    /// The largest record the log accepts. A named bound, so that a corrupt length can never
    /// make a reader allocate without limit. Computed and inlinable: the writer's inlined hot
    /// path checks against it, and a stored global would cost an accessor call there.
    @inlinable public static var maximumRecordBytes: Int { 16 << 20 }
    /// The largest uncompressed batch a reader accepts.
    public static let maximumBatchBytes = 1 << 30

    /// The segment file name for a segment whose first record has `sequence`.
    public static func segmentFileName(firstSequence sequence: UInt64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + segmentSuffix
    }

    /// The first sequence number encoded in a segment file name, or nil if it is not one.
    public static func firstSequence(ofSegmentFileName name: String) -> UInt64? {
        guard name.hasSuffix(segmentSuffix) else { return nil }
        let stem = name.dropLast(segmentSuffix.count)
        guard stem.count == 20, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(stem)
    }
}
