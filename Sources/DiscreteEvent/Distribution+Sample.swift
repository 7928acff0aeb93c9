// Sampling and moments. Each family consumes a fixed number of output words per draw
// (0 for constant, 1 for uniform, exponential, Pareto and empirical, 2 for lognormal), so how
// many words a stream has used depends only on how many draws were made, never on the values.
//
// The transcendental functions come from the C library; glibc's log/exp/cos are not guaranteed
// correctly rounded, so golden values built on them could differ in the last bit on another libc.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Distribution {
    /// Draws one value, advancing `generator`.
    @inlinable
    public func sample(using generator: inout Xoshiro256StarStar) -> Double {
        switch kind {
        case .constant(let value):
            return value
        case .uniform(let lower, let upper):
            return lower + (upper - lower) * generator.nextDouble()
        case .exponential(let mean):
            // 1 - u lies in (0, 1], so the logarithm is finite.
            return -mean * log(1 - generator.nextDouble())
        case .lognormal(let mu, let sigma):
            return exp(mu + sigma * Distribution.standardNormal(using: &generator))
        case .pareto(let scale, let shape):
            // Inverse CDF: scale / U^(1/shape) with U in (0, 1].
            return scale * pow(1 - generator.nextDouble(), -1 / shape)
        case .empirical(let sortedSamples):
            return sortedSamples[generator.nextInt(below: sortedSamples.count)]
        }
    }

    /// One standard normal draw by Box–Muller from exactly two output words.
    ///
    /// Box–Muller's second value is discarded rather than cached: a cache would make the
    /// distribution stateful and the words consumed per draw vary, which would couple streams.
    @inlinable
    internal static func standardNormal(using generator: inout Xoshiro256StarStar) -> Double {
        let radiusUniform = 1 - generator.nextDouble()  // (0, 1], so log is finite
        let angleUniform = generator.nextDouble()
        return (-2 * log(radiusUniform)).squareRoot() * cos(2 * Double.pi * angleUniform)
    }

    /// The theoretical mean; `.infinity` for a Pareto with `shape <= 1`.
    public var mean: Double {
        switch kind {
        case .constant(let value):
            value
        case .uniform(let lower, let upper):
            (lower + upper) / 2
        case .exponential(let mean):
            mean
        case .lognormal(let mu, let sigma):
            exp(mu + sigma * sigma / 2)
        case .pareto(let scale, let shape):
            shape <= 1 ? .infinity : shape * scale / (shape - 1)
        case .empirical(let sortedSamples):
            sortedSamples.reduce(0, +) / Double(sortedSamples.count)
        }
    }

    /// The theoretical variance; `.infinity` for a Pareto with `shape <= 2`. For an empirical
    /// distribution, the population variance of its samples (each drawn with probability 1/n).
    public var variance: Double {
        switch kind {
        case .constant:
            0
        case .uniform(let lower, let upper):
            (upper - lower) * (upper - lower) / 12
        case .exponential(let mean):
            mean * mean
        case .lognormal(let mu, let sigma):
            expm1(sigma * sigma) * exp(2 * mu + sigma * sigma)
        case .pareto(let scale, let shape):
            shape <= 2 ? .infinity : scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2))
        case .empirical(let sortedSamples):
            Distribution.populationVariance(sortedSamples, mean: mean)
        }
    }

    private static func populationVariance(_ values: [Double], mean: Double) -> Double {
        var sumOfSquares = 0.0
        for value in values {
            sumOfSquares += (value - mean) * (value - mean)
        }
        return sumOfSquares / Double(values.count)
    }
}
