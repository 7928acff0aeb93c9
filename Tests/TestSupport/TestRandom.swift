/// A tiny seeded generator (SplitMix64) for building test inputs. Tests print the seed they use,
/// so a failure names the input that caused it.
public struct TestRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` bytes with some repetition, so that they compress like real records.
    public mutating func recordBytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let alphabet = UInt64(1 + next() % 64)
        for index in 0..<count { bytes[index] = UInt8(truncatingIfNeeded: next() % alphabet) }
        return bytes
    }
}
