// An instant on the simulated clock. Integer microseconds, so that adding the same spans in a
// different order gives the same instant and a replay lands on the same microsecond; floats
// would make event order depend on rounding.

/// An instant on the simulated clock: whole microseconds since the start of the simulation.
///
/// Instants are ordered and can be offset by a ``SimulatedSpan``; the difference of two instants
/// is a span. All arithmetic is integer and traps on overflow (Int64 microseconds cover about
/// 292,000 years, so an overflow is a bug, not a long simulation).
public struct SimulatedTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the start of the simulation (may be negative for instants before it).
    public var microsecondsSinceStart: Int64

    /// Creates the instant `microseconds` after the start of the simulation.
    @inlinable
    public init(microsecondsSinceStart microseconds: Int64) {
        self.microsecondsSinceStart = microseconds
    }

    /// The start of the simulation.
    public static let zero = SimulatedTime(microsecondsSinceStart: 0)

    /// The latest representable instant; useful as "run until the agenda is empty".
    public static let distantFuture = SimulatedTime(microsecondsSinceStart: .max)

    /// The span from the start of the simulation to this instant.
    @inlinable
    public var sinceStart: SimulatedSpan { SimulatedSpan(microseconds: microsecondsSinceStart) }

    @inlinable
    public static func < (lhs: SimulatedTime, rhs: SimulatedTime) -> Bool {
        lhs.microsecondsSinceStart < rhs.microsecondsSinceStart
    }

    @inlinable
    public static func + (lhs: SimulatedTime, rhs: SimulatedSpan) -> SimulatedTime {
        SimulatedTime(microsecondsSinceStart: lhs.microsecondsSinceStart + rhs.microseconds)
    }

    @inlinable
    public static func + (lhs: SimulatedSpan, rhs: SimulatedTime) -> SimulatedTime {
        rhs + lhs
    }

    @inlinable
    public static func - (lhs: SimulatedTime, rhs: SimulatedSpan) -> SimulatedTime {
        SimulatedTime(microsecondsSinceStart: lhs.microsecondsSinceStart - rhs.microseconds)
    }

    /// The span from `rhs` to `lhs` (negative when `lhs` is earlier).
    @inlinable
    public static func - (lhs: SimulatedTime, rhs: SimulatedTime) -> SimulatedSpan {
        SimulatedSpan(microseconds: lhs.microsecondsSinceStart - rhs.microsecondsSinceStart)
    }

    @inlinable
    public static func += (lhs: inout SimulatedTime, rhs: SimulatedSpan) {
        lhs = lhs + rhs
    }

    @inlinable
    public static func -= (lhs: inout SimulatedTime, rhs: SimulatedSpan) {
        lhs = lhs - rhs
    }

    /// `t+1.500000s`: seconds with all six decimals, so two distinct instants never print alike.
    public var description: String {
        "t" + (microsecondsSinceStart < 0 ? "" : "+") + sinceStart.description
    }
}
