import LZ4
import Testing
import TestSupport

/// The block codec's reusing form (`decompress(_:originalCount:limit:into:)`) decodes exactly
/// what the allocating form does, whatever the buffer held before, larger or smaller.
@Suite struct BlockCodecTests {
    static func input(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = TestRandom(seed: seed)
        return random.recordBytes(count: count)
    }

    @Test func reusedBufferHoldsExactlyEachBlock() throws {
        var buffer: [UInt8] = []
        for (step, count) in [5_000, 17, 0, 70_000, 1, 300, 0, 9_999].enumerated() {
            let original = Self.input(count, seed: UInt64(step))
            var compressed: [UInt8] = []
            try BlockCodec.compress(original, appendingTo: &compressed)
            try BlockCodec.decompress(compressed[...], originalCount: count, limit: 1 << 20, into: &buffer)
            #expect(buffer == original, "step \(step), \(count) bytes")
            #expect(try BlockCodec.decompress(compressed[...], originalCount: count, limit: 1 << 20) == original)
        }
    }

    @Test func reusingFormRefusesWhatTheAllocatingFormRefuses() throws {
        let original = Self.input(1_000, seed: 3)
        var compressed: [UInt8] = []
        try BlockCodec.compress(original, appendingTo: &compressed)
        var buffer = [UInt8](repeating: 1, count: 50)
        #expect(throws: LZ4Error.contentTooLarge(declared: 1_000, limit: 999)) {
            try BlockCodec.decompress(compressed[...], originalCount: 1_000, limit: 999, into: &buffer)
        }
        #expect(throws: LZ4Error.self) {
            try BlockCodec.decompress(compressed[...], originalCount: 1_001, limit: 1 << 20, into: &buffer)
        }
        #expect(throws: LZ4Error.self) {
            try BlockCodec.decompress(compressed.dropLast(3), originalCount: 1_000, limit: 1 << 20, into: &buffer)
        }
        #expect(throws: LZ4Error.trailingBytes(count: 2)) {
            try BlockCodec.decompress([0, 0][...], originalCount: 0, limit: 10, into: &buffer)
        }
    }
}
