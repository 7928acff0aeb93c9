// Which server the domain imitates: the documented intent, or the in-memory server as observed.

/// A named set of enabled ``Quirk``s, fixed for the lifetime of a ``State``.
public struct BehaviourProfile: Hashable, Sendable, CustomStringConvertible {
    /// A short name for reports and journals.
    public let name: String
    /// The enabled quirks, in ``Quirk/allCases`` order.
    public let quirks: [Quirk]

    /// A profile with exactly `quirks` enabled (duplicates and order do not matter).
    public init(name: String, quirks: [Quirk]) {
        self.name = name
        self.quirks = Quirk.allCases.filter { quirks.contains($0) }
        self.quirkBits = self.quirks.reduce(0) { $0 | 1 << $1.rawValue }
    }

    /// One bit per enabled quirk (bit `rawValue`), derived from ``quirks``: decisions ask
    /// several times per command, and a search of the array was a call each time.
    @usableFromInline let quirkBits: UInt64

    /// Whether `quirk` is enabled.
    @inlinable @inline(__always) public func has(_ quirk: Quirk) -> Bool { quirkBits & 1 << quirk.rawValue != 0 }

    /// The documented intent: rollback always deletes the run and its checkpoints, interrupt
    /// keeps progress, the thread status always follows its runs, a cancelled worker keeps its
    /// thread blocked until it stops, attempts survive restarts.
    public static let documented = BehaviourProfile(name: "documented", quirks: [])

    /// langgraph-api 0.16.7 with langgraph-runtime-inmem 0.36.7 (`langgraph dev`), as observed.
    public static let langgraphInmem = BehaviourProfile(name: "langgraph-inmem", quirks: Quirk.allCases)

    public var description: String { name }
}
