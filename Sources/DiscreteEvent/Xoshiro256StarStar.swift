// xoshiro256** 1.0 (Blackman and Vigna, public-domain C reference at prng.di.unimi.it). We own
// the generator instead of using the standard library's so that a seed reproduces the same
// simulation on every toolchain and platform: the algorithm and our draw helpers
// (Xoshiro256StarStar+Draws.swift) are the whole contract, pinned by golden-value tests.

/// The xoshiro256** generator: 256 bits of state, period 2^256 − 1, fast and statistically strong.
///
/// Seed it with ``init(seed:)`` (the seed goes through ``SplitMix64``). Derive independent streams
/// with ``split()`` — one per concern (arrivals, run times, strategy mix), so that drawing more
/// from one stream never shifts another — or advance by 2^128 or 2^192 outputs with ``jump()``
/// and ``longJump()``.
public struct Xoshiro256StarStar: RandomNumberGenerator, Hashable, Sendable {
    @usableFromInline internal var s0: UInt64
    @usableFromInline internal var s1: UInt64
    @usableFromInline internal var s2: UInt64
    @usableFromInline internal var s3: UInt64

    /// Creates a generator whose state is the first four outputs of `SplitMix64(seed: seed)`.
    ///
    /// This is the seeding the xoshiro authors recommend; the state it produces is never all zero.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        self.init(state: (seeder.next(), seeder.next(), seeder.next(), seeder.next()))
    }

    /// Creates a generator with an explicit state, as the reference test vectors do.
    ///
    /// - Precondition: the state is not all zero (the one state xoshiro never leaves).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(
            state.0 | state.1 | state.2 | state.3 != 0,
            "Xoshiro256StarStar: the all-zero state is a fixed point and never produces randomness")
        (s0, s1, s2, s3) = state
    }

    /// The 256-bit state, for snapshots and for tests against the reference implementation.
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Returns the next 64 random bits (the reference `next()`).
    // Always inlined (with nextDouble): a dozen instructions, and callers the optimizer judged
    // too large to inline into (a distribution's sample) paid a call for each word.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// Advances the state by 2^128 outputs: the reference `jump()`.
    ///
    /// 2^128 starting points spaced this far apart give non-overlapping streams for any
    /// simulation that could ever run.
    public mutating func jump() {
        jump(polynomial: (0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C))
    }

    /// Advances the state by 2^192 outputs: the reference `long_jump()`, for a second level of
    /// streams (for example one per simulation replica, each then split per concern).
    public mutating func longJump() {
        jump(polynomial: (0x76E1_5D3E_FEFD_CBBF, 0xC500_4E44_1C52_2FB3, 0x7771_0069_854E_E241, 0x3910_9BB0_2ACB_E635))
    }

    /// Returns a generator that continues from the current state, and jumps `self` 2^128 ahead.
    ///
    /// The returned stream owns the next 2^128 outputs and `self` continues after them, so the
    /// two never overlap. Calling `split()` k times on a root generator gives k independent
    /// streams whose contents depend only on the root seed and k, never on how much each is used.
    public mutating func split() -> Xoshiro256StarStar {
        let child = self
        jump()
        return child
    }

    private mutating func jump(polynomial: (UInt64, UInt64, UInt64, UInt64)) {
        var accumulated: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for word in [polynomial.0, polynomial.1, polynomial.2, polynomial.3] {
            for bit in 0..<64 {
                if word & (1 << UInt64(bit)) != 0 {
                    accumulated.0 ^= s0
                    accumulated.1 ^= s1
                    accumulated.2 ^= s2
                    accumulated.3 ^= s3
                }
                _ = next()
            }
        }
        (s0, s1, s2, s3) = accumulated
    }
}

extension UInt64 {
    // Internal so the module does not add a public method to a standard type.
    @inlinable @inline(__always)
    internal func rotatedLeft(by count: UInt64) -> UInt64 {
        (self &<< count) | (self &>> (64 &- count))
    }
}
