// Dense integer identifiers. External UUID strings are interned by the Journal and Traces
// modules; the domain only compares and orders these numbers.

/// A run, numbered densely from 1 in creation order by ``Decider/decide(_:_:)``.
///
/// Because ids are never reused, an id below ``State/nextRunID`` that is absent from the state
/// names a deleted run: later references to it answer "not found", like the server's 404.
public struct RunID: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "R\(rawValue)" }
}

/// A thread (a conversation with checkpoints). Clients name threads; stateless runs get a fresh
/// id from ``State/nextThreadID``.
public struct ThreadID: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: ThreadID, rhs: ThreadID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "T\(rawValue)" }
}

/// An assistant (a configured graph). The domain carries it through and never validates it.
public struct AssistantID: Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: AssistantID, rhs: AssistantID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "A\(rawValue)" }
}
