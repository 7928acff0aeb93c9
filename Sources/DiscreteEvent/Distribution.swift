// Continuous distributions for workload parameters (inter-arrival gaps, run times, think times).
// A struct around a validated enum rather than a bare public enum: every value that exists has
// passed its checks, so `sample` never needs to re-validate or trap on user input.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A validated continuous distribution over `Double`.
///
/// Build one with the throwing factories (``constant(_:)``, ``uniform(lower:upper:)``,
/// ``exponential(mean:)``, ``lognormal(mean:coefficientOfVariation:)``,
/// ``lognormal(mu:sigma:)``, ``pareto(scale:shape:)``, ``empirical(samples:)``); they throw
/// ``DistributionError`` naming the offending parameter. Draw with ``sample(using:)``.
/// The units are whatever the caller means (seconds, milliseconds, tokens).
public struct Distribution: Hashable, Sendable {
    /// The family and its parameters, for inspection and encoding; switch on it exhaustively.
    public enum Kind: Hashable, Sendable {
        /// Always `value`.
        case constant(value: Double)
        /// Uniform on [`lower`, `upper`).
        case uniform(lower: Double, upper: Double)
        /// Exponential with the given mean (rate 1/mean).
        case exponential(mean: Double)
        /// exp(N(`mu`, `sigma`²)): `mu` and `sigma` are the mean and standard deviation of the
        /// logarithm, not of the values.
        case lognormal(mu: Double, sigma: Double)
        /// Pareto type I: values ≥ `scale`, tail P(X > x) = (scale / x)^shape.
        case pareto(scale: Double, shape: Double)
        /// The step inverse CDF of the given samples, sorted ascending: each sample is equally
        /// likely, so the distribution's mean is the samples' mean.
        case empirical(sortedSamples: [Double])
    }

    /// The validated family and parameters.
    public let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// A distribution that always yields `value`.
    public static func constant(_ value: Double) throws(DistributionError) -> Distribution {
        try requireFinite("value", value)
        return Distribution(.constant(value: value))
    }

    /// Uniform on [`lower`, `upper`); `lower == upper` is allowed and behaves as a constant.
    public static func uniform(lower: Double, upper: Double) throws(DistributionError) -> Distribution {
        try requireFinite("lower", lower)
        try requireFinite("upper", upper)
        guard upper >= lower else {
            throw .invalidParameter(name: "upper", value: upper, reason: "must be at least lower (\(lower))")
        }
        guard (upper - lower).isFinite else {
            throw .invalidParameter(name: "upper", value: upper, reason: "upper - lower overflows")
        }
        return Distribution(.uniform(lower: lower, upper: upper))
    }

    /// Exponential with the given mean: memoryless gaps of a Poisson process.
    public static func exponential(mean: Double) throws(DistributionError) -> Distribution {
        try requirePositive("mean", mean)
        return Distribution(.exponential(mean: mean))
    }

    /// Lognormal with the given mean and coefficient of variation (standard deviation / mean)
    /// of the values themselves — the parameters a trace summary reports.
    ///
    /// Converted with σ² = ln(1 + cv²) and μ = ln(mean) − σ²/2. A cv of 0 gives a constant.
    public static func lognormal(mean: Double, coefficientOfVariation: Double) throws(DistributionError)
        -> Distribution
    {
        try requirePositive("mean", mean)
        try requireFinite("coefficientOfVariation", coefficientOfVariation)
        guard coefficientOfVariation >= 0 else {
            throw .invalidParameter(
                name: "coefficientOfVariation", value: coefficientOfVariation, reason: "must not be negative")
        }
        let sigmaSquared = log1p(coefficientOfVariation * coefficientOfVariation)
        return try lognormal(mu: log(mean) - sigmaSquared / 2, sigma: sigmaSquared.squareRoot())
    }

    /// Lognormal exp(N(`mu`, `sigma`²)), parameterised by the log's mean and standard deviation.
    public static func lognormal(mu: Double, sigma: Double) throws(DistributionError) -> Distribution {
        try requireFinite("mu", mu)
        try requireFinite("sigma", sigma)
        guard sigma >= 0 else {
            throw .invalidParameter(name: "sigma", value: sigma, reason: "must not be negative")
        }
        return Distribution(.lognormal(mu: mu, sigma: sigma))
    }

    /// Pareto type I with minimum `scale` and tail index `shape`.
    ///
    /// The mean is infinite for `shape <= 1` and the variance for `shape <= 2`; both are allowed
    /// (real run times can be that heavy), and ``mean`` / ``variance`` then report `.infinity`.
    public static func pareto(scale: Double, shape: Double) throws(DistributionError) -> Distribution {
        try requirePositive("scale", scale)
        try requirePositive("shape", shape)
        return Distribution(.pareto(scale: scale, shape: shape))
    }

    /// The empirical distribution of `samples`: a draw returns one of them, each equally likely.
    public static func empirical(samples: [Double]) throws(DistributionError) -> Distribution {
        guard !samples.isEmpty else {
            throw .invalidParameter(name: "samples", value: 0, reason: "needs at least one sample")
        }
        for (index, sample) in samples.enumerated() {
            try requireFinite("samples[\(index)]", sample)
        }
        return Distribution(.empirical(sortedSamples: samples.sorted()))
    }

    private static func requireFinite(_ name: String, _ value: Double) throws(DistributionError) {
        guard value.isFinite else {
            throw .invalidParameter(name: name, value: value, reason: "must be a finite number")
        }
    }

    private static func requirePositive(_ name: String, _ value: Double) throws(DistributionError) {
        guard value.isFinite && value > 0 else {
            throw .invalidParameter(name: name, value: value, reason: "must be a finite number above zero")
        }
    }
}
