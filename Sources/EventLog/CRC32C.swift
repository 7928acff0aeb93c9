import CRC32CHardware

/// CRC-32C (Castagnoli, polynomial 0x82F63B78, reflected), the checksum of every block and of the
/// metadata that describes it. Computed by the CPU's CRC instruction where there is one (the
/// `CRC32CHardware` C target), else by tables.
public enum CRC32C {
    /// The checksum of `bytes`, optionally continuing from the `checksum` of the bytes before.
    public static func checksum(_ bytes: ArraySlice<UInt8>, continuing checksum: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { runledger_crc32c_update(checksum, $0.baseAddress, $0.count) }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { runledger_crc32c_update(0, $0.baseAddress, $0.count) }
    }

    /// The checksum of the `count` bytes at `start`.
    static func checksum(_ start: UnsafeRawPointer, count: Int) -> UInt32 {
        runledger_crc32c_update(0, start, count)
    }

    /// Whether the hardware instruction is in use on this machine.
    public static var isHardwareAccelerated: Bool { runledger_crc32c_is_hardware() != 0 }
}
