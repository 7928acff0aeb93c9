// Integer time only: the domain never reads a clock, every command carries its own timestamp.

/// A point in simulated or recorded time, in microseconds since an arbitrary epoch.
///
/// The epoch is chosen by whoever produces commands (the simulator starts at zero, a trace
/// importer may use the Unix epoch). Only differences and order matter to the domain.
public struct Timestamp: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Microseconds since the producer's epoch.
    public var microsecondsSinceEpoch: Int64

    /// Creates a timestamp `microsecondsSinceEpoch` microseconds after the epoch.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The epoch itself.
    public static let zero = Timestamp(microsecondsSinceEpoch: 0)

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// The timestamp `span` later.
    public static func + (lhs: Timestamp, rhs: Microseconds) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: lhs.microsecondsSinceEpoch + rhs.count)
    }

    /// The span from `rhs` to `lhs` (negative when `lhs` is earlier).
    public static func - (lhs: Timestamp, rhs: Timestamp) -> Microseconds {
        Microseconds(lhs.microsecondsSinceEpoch - rhs.microsecondsSinceEpoch)
    }

    public var description: String { "t\(microsecondsSinceEpoch)us" }
}

/// A span of time in whole microseconds (named so it does not clash with `Swift.Duration`).
public struct Microseconds: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The number of microseconds; may be negative only as the result of a subtraction.
    public var count: Int64

    /// Creates a span of `count` microseconds.
    public init(_ count: Int64) { self.count = count }

    public init(integerLiteral value: Int64) { self.count = value }

    /// A span of `milliseconds` milliseconds.
    public static func milliseconds(_ milliseconds: Int64) -> Microseconds {
        Microseconds(milliseconds * 1_000)
    }

    /// A span of `seconds` seconds.
    public static func seconds(_ seconds: Int64) -> Microseconds { Microseconds(seconds * 1_000_000) }

    public static let zero = Microseconds(0)

    public static func < (lhs: Microseconds, rhs: Microseconds) -> Bool { lhs.count < rhs.count }

    public static func + (lhs: Microseconds, rhs: Microseconds) -> Microseconds {
        Microseconds(lhs.count + rhs.count)
    }

    public var description: String { "\(count)us" }
}
