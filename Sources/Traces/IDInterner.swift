import RunLifecycle

/// Maps external run and thread ids (server UUIDs, recorder refs) to dense domain ids, numbered
/// from 1 in first-seen order, so the same trace always interns to the same numbers.
public struct IDInterner: Sendable {
    private var runNumbers: [String: RunID] = [:]
    private var threadNumbers: [String: ThreadID] = [:]
    /// External ids by dense number minus one.
    public private(set) var runNames: [String] = []
    public private(set) var threadNames: [String] = []

    public init() {}

    /// The dense id of `external`, assigning the next one on first sight.
    public mutating func runID(_ external: String) -> RunID {
        if let known = runNumbers[external] { return known }
        precondition(runNames.count < Int(UInt32.max), "more runs than RunID can number")
        let id = RunID(UInt32(runNames.count + 1))
        runNumbers[external] = id
        runNames.append(external)
        return id
    }

    /// The dense id of `external`, assigning the next one on first sight.
    public mutating func threadID(_ external: String) -> ThreadID {
        if let known = threadNumbers[external] { return known }
        precondition(threadNames.count < Int(UInt32.max), "more threads than ThreadID can number")
        let id = ThreadID(UInt32(threadNames.count + 1))
        threadNumbers[external] = id
        threadNames.append(external)
        return id
    }

    /// The id already assigned to `external`, without assigning one.
    public func existingRunID(_ external: String) -> RunID? { runNumbers[external] }
    public func existingThreadID(_ external: String) -> ThreadID? { threadNumbers[external] }

    /// The external id a dense id came from.
    public func externalName(of run: RunID) -> String? {
        let index = Int(run.rawValue) - 1
        return runNames.indices.contains(index) ? runNames[index] : nil
    }

    public func externalName(of thread: ThreadID) -> String? {
        let index = Int(thread.rawValue) - 1
        return threadNames.indices.contains(index) ? threadNames[index] : nil
    }
}
