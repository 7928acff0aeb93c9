import CLZ4

/// The liblz4 version this process linked against, for example "1.9.4".
public enum LZ4 {
    public static var libraryVersion: String {
        String(cString: LZ4_versionString())
    }
}
