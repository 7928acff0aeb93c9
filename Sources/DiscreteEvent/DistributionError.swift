// Distribution parameters come from user JSON, so bad ones are operating errors: they throw a
// value naming the parameter instead of trapping.

/// Why a distribution could not be built from its parameters.
public enum DistributionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The parameter `name` had value `value`, which breaks the rule in `reason`.
    ///
    /// For a list parameter (empirical samples, weights) `name` holds the element's index, as in
    /// `samples[3]`, and an empty list reports its count as the value.
    case invalidParameter(name: String, value: Double, reason: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let reason):
            "invalid distribution parameter \(name) = \(value): \(reason)"
        }
    }
}
