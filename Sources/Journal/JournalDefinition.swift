import RunLifecycle

// Interning: real traces name runs, threads and assistants by UUID strings, the domain by dense
// integers. A definition record binds one dense id to its external name, once, before the first
// event that uses the id. Simulated workloads write none.

/// A dense id of one of the three interned kinds.
public enum InternedID: Hashable, Sendable, CustomStringConvertible {
    case run(RunID)
    case thread(ThreadID)
    case assistant(AssistantID)

    public var description: String {
        switch self {
        case let .run(id): "run \(id.rawValue)"
        case let .thread(id): "thread \(id.rawValue)"
        case let .assistant(id): "assistant \(id.rawValue)"
        }
    }
}

/// `define run|thread|assistant <dense id> = "<external name>"`.
public struct JournalDefinition: Hashable, Sendable {
    public var id: InternedID
    public var externalName: String

    public init(_ id: InternedID, externalName: String) {
        self.id = id
        self.externalName = externalName
    }

    /// Why the definition cannot be encoded, or nil.
    func problem() -> String? {
        if externalName.isEmpty { return "the external name of \(id) is empty" }
        if externalName.utf8.count > JournalFormat.maximumNameBytes {
            return "the external name of \(id) has \(externalName.utf8.count) bytes, above \(JournalFormat.maximumNameBytes)"
        }
        return nil
    }
}

/// The external names defined so far, by kind and dense id.
public struct JournalNames: Hashable, Sendable {
    private var runs: [UInt32: String] = [:]
    private var threads: [UInt32: String] = [:]
    private var assistants: [UInt32: String] = [:]

    public init() {}

    /// The number of names defined.
    public var count: Int { runs.count + threads.count + assistants.count }

    /// The external name of `id`, or nil if none was defined.
    public func name(of id: InternedID) -> String? {
        switch id {
        case let .run(run): runs[run.rawValue]
        case let .thread(thread): threads[thread.rawValue]
        case let .assistant(assistant): assistants[assistant.rawValue]
        }
    }

    public func name(of run: RunID) -> String? { runs[run.rawValue] }
    public func name(of thread: ThreadID) -> String? { threads[thread.rawValue] }
    public func name(of assistant: AssistantID) -> String? { assistants[assistant.rawValue] }

    /// Records `definition`; returns the name already bound to its id instead when there is one.
    @discardableResult
    public mutating func record(_ definition: JournalDefinition) -> String? {
        if let existing = name(of: definition.id) { return existing }
        switch definition.id {
        case let .run(run): runs[run.rawValue] = definition.externalName
        case let .thread(thread): threads[thread.rawValue] = definition.externalName
        case let .assistant(assistant): assistants[assistant.rawValue] = definition.externalName
        }
        return nil
    }
}
