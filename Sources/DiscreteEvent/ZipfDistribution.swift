// Popularity: which thread or assistant a request goes to. Zipf's law fits such access counts;
// the sampler precomputes the CDF once (O(n) memory) because n is the catalogue size, known
// up front, and draws are many.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Zipf's distribution over ranks `0..<count`: P(k) ∝ 1 / (k + 1)^exponent.
///
/// Rank 0 is the most popular. An exponent of 0 is uniform; around 1 is the classic Zipf law.
public struct ZipfDistribution: Hashable, Sendable {
    /// The number of ranks.
    public let count: Int
    /// The exponent `s` in 1 / (k + 1)^s.
    public let exponent: Double
    @usableFromInline internal let choice: WeightedChoice

    /// The largest catalogue the sampler accepts: its CDF takes 8 bytes a rank.
    public static let maximumCount = 50_000_000

    /// Creates a Zipf distribution over `count` ranks with the given exponent.
    ///
    /// Throws ``DistributionError/invalidParameter(name:value:reason:)`` naming `count` (must be
    /// 1 through ``maximumCount``) or `exponent` (must be finite and not negative).
    public init(count: Int, exponent: Double) throws(DistributionError) {
        guard count >= 1 && count <= Self.maximumCount else {
            throw .invalidParameter(
                name: "count", value: Double(count), reason: "must be between 1 and \(Self.maximumCount)")
        }
        guard exponent.isFinite && exponent >= 0 else {
            throw .invalidParameter(name: "exponent", value: exponent, reason: "must be finite and not negative")
        }
        self.count = count
        self.exponent = exponent
        var weights: [Double] = []
        weights.reserveCapacity(count)
        for rank in 0..<count {
            weights.append(pow(Double(rank + 1), -exponent))
        }
        // Weights are positive and at most 1 each, so the total is positive and finite.
        self.choice = try WeightedChoice(weights: weights)
    }

    /// The probability of drawing `rank`.
    public func probability(of rank: Int) -> Double {
        choice.probability(of: rank)
    }

    /// Draws a rank in `0..<count`, consuming one output word.
    @inlinable
    public func sample(using generator: inout Xoshiro256StarStar) -> Int {
        choice.sample(using: &generator)
    }

    /// The mean rank, Σ k·P(k).
    public var mean: Double {
        var total = 0.0
        for rank in 0..<count {
            total += Double(rank) * probability(of: rank)
        }
        return total
    }
}
