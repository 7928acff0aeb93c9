// Our own draw helpers. The standard library's ranged random helpers for Int and Double (even
// with an explicit generator) are free to change how many words they consume or how they map bits
// to values between toolchains; these are fixed here and pinned by golden tests, so a seed keeps
// producing the same simulation.

extension Xoshiro256StarStar {
    /// Returns the next 64 random bits; the same as ``next()``, named for call sites that read
    /// better with the type in the name.
    @inlinable
    public mutating func nextUInt64() -> UInt64 {
        next()
    }

    /// Returns a uniform double in [0, 1): the top 53 bits of one output times 2^−53.
    ///
    /// Every representable multiple of 2^−53 in the range is equally likely, and exactly one
    /// output word is consumed, so streams stay aligned whatever the value.
    @inlinable @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() &>> 11) * 0x1p-53
    }

    /// Returns a uniform integer in `0..<bound` without modulo bias (Lemire's method).
    ///
    /// Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS 2019: multiply a
    /// 64-bit draw by `bound` and keep the high word; reject the rare low words that would make
    /// some results more likely. Usually one multiplication and no division.
    ///
    /// - Precondition: `bound > 0`.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            // (2^64 - range) mod range: the count of low words that would be over-represented.
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Returns a uniform integer in `range`, by ``nextInt(below:)`` on its width.
    ///
    /// - Precondition: the range has at most `Int.max` elements.
    @inlinable
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let (width, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        precondition(!overflow && width < Int.max, "nextInt(in:) range \(range) is too wide")
        return range.lowerBound + nextInt(below: width + 1)
    }

    /// Returns `true` with probability `probability`, consuming one output word.
    ///
    /// - Precondition: `0 <= probability <= 1`.
    @inlinable
    public mutating func nextBool(probability: Double) -> Bool {
        precondition(
            probability >= 0 && probability <= 1,
            "nextBool(probability:) needs a probability in [0, 1], got \(probability)")
        return nextDouble() < probability
    }

    /// Returns an index into `weights` with probability proportional to its weight.
    ///
    /// A linear scan over one uniform draw: fine for the handful of options of a strategy mix.
    /// For many options or many draws precompute a ``WeightedChoice``.
    ///
    /// - Precondition: every weight is finite and non-negative, and their sum is positive.
    public mutating func nextIndex(weights: [Double]) -> Int {
        var total = 0.0
        for weight in weights {
            precondition(weight.isFinite && weight >= 0, "nextIndex(weights:) got weight \(weight)")
            total += weight
        }
        precondition(total > 0 && total.isFinite, "nextIndex(weights:) needs a positive finite total")
        let target = nextDouble() * total
        var cumulative = 0.0
        for (index, weight) in weights.enumerated() {
            cumulative += weight
            if target < cumulative { return index }
        }
        // Rounding can leave `target` just above the last cumulative sum: take the last index
        // that has any weight, never one with weight zero.
        return weights.lastIndex(where: { $0 > 0 })!
    }
}
