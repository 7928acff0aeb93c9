// One run record: what the server stores plus what a simulator needs to drive its worker.

/// A run as stored by the server, plus the simulated work it will execute.
public struct Run: Hashable, Sendable {
    /// The run's id.
    public let id: RunID
    /// The thread it belongs to.
    public let threadID: ThreadID
    /// The assistant it runs.
    public let assistantID: AssistantID
    /// The strategy it was created with (stored on the run, reported by the API).
    public let strategy: MultitaskStrategy
    /// When the create request arrived.
    public let requestedAt: Timestamp
    /// The `after_seconds` delay, in microseconds.
    public let after: Microseconds
    /// `requestedAt + after`: the queue orders pending runs by this value.
    public let createdAt: Timestamp
    /// Durations of the graph's steps; the worker writes one checkpoint per completed step.
    public let work: [Microseconds]

    /// The API-visible status.
    public internal(set) var status: RunStatus
    /// Dequeues so far (1 = first attempt). Reset to 0 by a restart under quirk
    /// ``Quirk/attemptCounterNotRestored``.
    public internal(set) var attempt: UInt32
    /// Steps completed so far; a retried run resumes from here (its checkpoints persist).
    public internal(set) var completedSteps: Int
    /// Last write to the record (insert, cancel, final status write); not touched by dequeue.
    public internal(set) var updatedAt: Timestamp
    /// When the current or latest attempt started, if it ever did.
    public internal(set) var startedAt: Timestamp?
    /// Live stream subscribers (stream/wait creators, joiners, `cancel?wait=true`, stream joins).
    /// Rollback takes a different path when this is non-zero (§4.2).
    public internal(set) var subscriberCount: Int
    /// The subset of subscribers that block for an answer (join, cancel with wait).
    public internal(set) var waiterCount: Int

    /// Whether the last checkpoint this run wrote still has `next` nodes, so a final write
    /// derives `interrupted` from it. The input checkpoint always has `next`.
    public var lastCheckpointHasNext: Bool { completedSteps < work.count }

    /// Creates a fresh pending run.
    public init(
        id: RunID, threadID: ThreadID, assistantID: AssistantID, strategy: MultitaskStrategy,
        requestedAt: Timestamp, after: Microseconds, work: [Microseconds], subscriberCount: Int
    ) {
        self.id = id
        self.threadID = threadID
        self.assistantID = assistantID
        self.strategy = strategy
        self.requestedAt = requestedAt
        self.after = after
        self.createdAt = requestedAt + after
        self.work = work
        self.status = .pending
        self.attempt = 0
        self.completedSteps = 0
        self.updatedAt = requestedAt
        self.startedAt = nil
        self.subscriberCount = subscriberCount
        self.waiterCount = 0
    }
}
