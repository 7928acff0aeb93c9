import EventLog
import Testing

/// CRC-32C matches the published check value ("123456789" -> 0xE3069283), the RFC 3720 test
/// vectors, and continuing a checksum over two halves equals the checksum of the whole.
@Test func crc32cMatchesKnownVectors() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    let whole = CRC32C.checksum(bytes)
    #expect(CRC32C.checksum(bytes[333...], continuing: CRC32C.checksum(bytes[..<333])) == whole)
    #expect(CRC32C.checksum([]) == 0)
}
