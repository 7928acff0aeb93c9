/// Records shaped like journal events (a kind byte, a run id, a thread id, a time delta and a
/// small payload), about 20 bytes each, for the demo and the log benchmark. Deterministic: the
/// same seed gives the same records.
struct SyntheticRecords {
    private var state: UInt64
    private(set) var timestamp: Int64 = 1_700_000_000_000_000
    private var buffer = [UInt8](repeating: 0, count: 32)

    init(seed: UInt64) { state = seed }

    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Fills the internal buffer with the next record and passes it to `body`.
    mutating func next<T>(_ body: (ArraySlice<UInt8>, Int64) throws -> T) rethrows -> T {
        let random = nextRandom()
        timestamp += Int64(random & 0x3FF)
        let run = (random >> 10) & 0xFFFF
        let kind = UInt8((random >> 26) % 14)
        var count = 0
        func put(_ byte: UInt8) { buffer[count] = byte; count += 1 }
        func putVarint(_ value: UInt64) {
            var remaining = value
            while remaining >= 0x80 { put(UInt8(truncatingIfNeeded: remaining) | 0x80); remaining >>= 7 }
            put(UInt8(remaining))
        }
        put(kind)
        putVarint(run)
        putVarint(run / 7)
        putVarint(random & 0x3FF)
        let payload = 13 + Int((random >> 40) % 4)
        for index in 0..<payload { put(UInt8(truncatingIfNeeded: (run &+ UInt64(index)) % 29)) }
        return try body(buffer[0..<count], timestamp)
    }
}
