import CLZ4

/// The liblz4 facts the rest of RunLedger needs, without touching C.
public enum LZ4 {
    /// The liblz4 version this process linked against, for example "1.9.4".
    public static var libraryVersion: String {
        String(cString: LZ4_versionString())
    }

    /// The largest input the block format accepts (`LZ4_MAX_INPUT_SIZE`).
    public static let maximumBlockInputSize = Int(LZ4_MAX_INPUT_SIZE)
}
