import Testing
@testable import LZ4

/// The system-library target links the real liblz4: its version string is the one pkg-config
/// reports on this machine family (1.9.x or newer).
@Test func linksRealLiblz4() {
    let parts = LZ4.libraryVersion.split(separator: ".").compactMap { Int($0) }
    #expect(parts.count == 3)
    #expect(parts[0] == 1 && parts[1] >= 9)
}
