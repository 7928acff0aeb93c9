// SplitMix64 (Steele, Lea, Flood 2014; Vigna's public-domain C reference). Here it only expands
// a 64-bit seed into xoshiro256**'s 256-bit state, as the xoshiro authors recommend, because a
// raw seed like 1 or 2 would otherwise start xoshiro in a nearly-all-zero state.

/// The SplitMix64 generator: a 64-bit state advanced by a Weyl sequence and scrambled.
///
/// Used to seed ``Xoshiro256StarStar``; usable on its own where a tiny, fast generator is enough.
/// Its output sequence is fixed by the reference algorithm, so golden values never change.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    /// The current state; the next output is a function of `state + 0x9E3779B97F4A7C15`.
    public var state: UInt64 { rawState }
    @usableFromInline internal var rawState: UInt64

    /// Creates a generator whose first output is derived from `seed`.
    @inlinable
    public init(seed: UInt64) {
        self.rawState = seed
    }

    /// Returns the next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        rawState &+= 0x9E37_79B9_7F4A_7C15
        var z = rawState
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}
