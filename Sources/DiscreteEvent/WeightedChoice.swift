// A precomputed discrete distribution over indices: cumulative weights plus binary search, so a
// draw costs one output word and O(log n) comparisons however many options there are. The alias
// method would be O(1) but needs two words or a split word per draw and a fiddly setup; the
// option counts here (strategies, popular threads) make log n cheap enough.

/// A validated choice among `count` options, each drawn with probability proportional to its
/// weight.
public struct WeightedChoice: Hashable, Sendable {
    /// Running sums of the weights; `cumulativeWeights.last` is the total.
    @usableFromInline internal let cumulativeWeights: [Double]

    /// Creates a choice from non-negative weights with a positive, finite sum.
    ///
    /// Throws ``DistributionError/invalidParameter(name:value:reason:)`` naming `weights[i]` for a
    /// bad weight, or `weights` for an empty list or a zero total.
    public init(weights: [Double]) throws(DistributionError) {
        guard !weights.isEmpty else {
            throw .invalidParameter(name: "weights", value: 0, reason: "needs at least one weight")
        }
        var cumulative: [Double] = []
        cumulative.reserveCapacity(weights.count)
        var total = 0.0
        for (index, weight) in weights.enumerated() {
            guard weight.isFinite && weight >= 0 else {
                throw .invalidParameter(
                    name: "weights[\(index)]", value: weight, reason: "must be finite and not negative")
            }
            total += weight
            cumulative.append(total)
        }
        guard total > 0 && total.isFinite else {
            throw .invalidParameter(name: "weights", value: total, reason: "the total must be finite and above zero")
        }
        self.cumulativeWeights = cumulative
    }

    /// The number of options.
    public var count: Int { cumulativeWeights.count }

    /// The probability of drawing `index`.
    public func probability(of index: Int) -> Double {
        precondition(cumulativeWeights.indices.contains(index), "WeightedChoice: no option \(index)")
        let below = index == 0 ? 0 : cumulativeWeights[index - 1]
        return (cumulativeWeights[index] - below) / cumulativeWeights[cumulativeWeights.count - 1]
    }

    /// Draws an index in `0..<count`, consuming one output word.
    @inlinable
    public func sample(using generator: inout Xoshiro256StarStar) -> Int {
        let target = generator.nextDouble() * cumulativeWeights[cumulativeWeights.count - 1]
        // The first index whose running sum exceeds the target; an option of weight zero has the
        // same sum as its predecessor and so can never be the first to exceed it.
        var low = 0
        var high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] > target {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }
}
