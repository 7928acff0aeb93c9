// A length of simulated time. Named `SimulatedSpan`, not `Duration`, so it never collides with
// the standard library's `Swift.Duration` (which counts attoseconds and carries a wall clock's
// meaning).

/// A signed length of simulated time in whole microseconds.
///
/// Build spans from integers with ``microseconds(_:)``, ``milliseconds(_:)`` and ``seconds(_:)``
/// (exact), or from a sampled `Double` with ``init(seconds:rounding:)``,
/// ``init(milliseconds:rounding:)`` or ``init(clampingSeconds:rounding:)`` (rounded explicitly).
/// Arithmetic is integer and traps on overflow.
public struct SimulatedSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in microseconds.
    public var microseconds: Int64

    /// Creates a span of `microseconds` microseconds.
    @inlinable
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The empty span.
    public static let zero = SimulatedSpan(microseconds: 0)

    /// The longest representable span; ``init(clampingSeconds:rounding:)`` saturates to it.
    public static let max = SimulatedSpan(microseconds: .max)

    /// A span of `count` microseconds.
    @inlinable
    public static func microseconds(_ count: Int64) -> SimulatedSpan {
        SimulatedSpan(microseconds: count)
    }

    /// A span of `count` milliseconds; traps if it does not fit.
    @inlinable
    public static func milliseconds(_ count: Int64) -> SimulatedSpan {
        SimulatedSpan(microseconds: count * 1_000)
    }

    /// A span of `count` seconds; traps if it does not fit.
    @inlinable
    public static func seconds(_ count: Int64) -> SimulatedSpan {
        SimulatedSpan(microseconds: count * 1_000_000)
    }

    /// Converts a sampled number of seconds, rounding to a whole microsecond with `rule`.
    ///
    /// Traps if `seconds` is not finite or the result does not fit in Int64 microseconds: the
    /// caller chose a distribution whose samples cannot be clock values, a programmer error.
    /// For heavy-tailed samples use ``init(clampingSeconds:rounding:)``.
    @inlinable
    public init(seconds: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        self.init(microsecondsValue: seconds * 1_000_000, rounding: rule, unit: "seconds", value: seconds)
    }

    /// Converts a sampled number of milliseconds, rounding to a whole microsecond with `rule`.
    ///
    /// Traps on a non-finite or out-of-range value, like ``init(seconds:rounding:)``.
    @inlinable
    public init(milliseconds: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        self.init(
            microsecondsValue: milliseconds * 1_000, rounding: rule, unit: "milliseconds", value: milliseconds)
    }

    /// Converts a sampled number of seconds, saturating at ±``max`` instead of trapping.
    ///
    /// Heavy-tailed distributions (Pareto with a small shape) can draw values beyond any clock;
    /// saturation keeps such a run "effectively forever" without crashing. NaN still traps.
    @inlinable
    public init(clampingSeconds seconds: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        precondition(!seconds.isNaN, "SimulatedSpan(clampingSeconds:) got NaN")
        let rounded = (seconds * 1_000_000).rounded(rule)
        // 2^63 is exactly representable; every double below it converts without overflow.
        if rounded >= 0x1p63 {
            self = .max
        } else if rounded < -0x1p63 {
            self.init(microseconds: .min)
        } else {
            self.init(microseconds: Int64(rounded))
        }
    }

    @usableFromInline
    internal init(microsecondsValue: Double, rounding rule: FloatingPointRoundingRule, unit: String, value: Double) {
        let rounded = microsecondsValue.rounded(rule)
        guard let exact = Int64(exactly: rounded) else {
            preconditionFailure("SimulatedSpan: \(value) \(unit) is not a representable span")
        }
        self.init(microseconds: exact)
    }

    /// The length in seconds, for reports and for feeding back into formulas; never for clocks.
    @inlinable
    public var inSeconds: Double { Double(microseconds) / 1_000_000 }

    /// The length in milliseconds, for reports; never for clocks.
    @inlinable
    public var inMilliseconds: Double { Double(microseconds) / 1_000 }

    @inlinable
    public static func < (lhs: SimulatedSpan, rhs: SimulatedSpan) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    @inlinable
    public static func + (lhs: SimulatedSpan, rhs: SimulatedSpan) -> SimulatedSpan {
        SimulatedSpan(microseconds: lhs.microseconds + rhs.microseconds)
    }

    @inlinable
    public static func - (lhs: SimulatedSpan, rhs: SimulatedSpan) -> SimulatedSpan {
        SimulatedSpan(microseconds: lhs.microseconds - rhs.microseconds)
    }

    @inlinable
    public static prefix func - (span: SimulatedSpan) -> SimulatedSpan {
        SimulatedSpan(microseconds: -span.microseconds)
    }

    @inlinable
    public static func * (lhs: SimulatedSpan, rhs: Int64) -> SimulatedSpan {
        SimulatedSpan(microseconds: lhs.microseconds * rhs)
    }

    @inlinable
    public static func * (lhs: Int64, rhs: SimulatedSpan) -> SimulatedSpan {
        rhs * lhs
    }

    /// Integer division, truncating toward zero like `Int64` division.
    @inlinable
    public static func / (lhs: SimulatedSpan, rhs: Int64) -> SimulatedSpan {
        SimulatedSpan(microseconds: lhs.microseconds / rhs)
    }

    @inlinable
    public static func += (lhs: inout SimulatedSpan, rhs: SimulatedSpan) {
        lhs = lhs + rhs
    }

    @inlinable
    public static func -= (lhs: inout SimulatedSpan, rhs: SimulatedSpan) {
        lhs = lhs - rhs
    }

    /// `1.500000s` or `-0.000250s`: exact decimal seconds, built from integers so it never rounds.
    public var description: String {
        let magnitude = microseconds.magnitude
        let whole = magnitude / 1_000_000
        let fraction = String(magnitude % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (microseconds < 0 ? "-" : "") + "\(whole).\(padded)s"
    }
}
