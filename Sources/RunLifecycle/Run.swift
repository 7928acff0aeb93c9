// One run record: what the server stores. Plain values only (no array, no reference), so the
// tables copy, compare and drop runs without reference counting or allocation. The step
// durations stay with whoever drives the worker (the `created` event carries them).

/// A run as stored by the server, plus how many steps its graph executes.
public struct Run: Hashable, Sendable, BitwiseCopyable {
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
    /// How many steps the graph executes; the worker writes one checkpoint per completed step.
    /// (Their durations are the worker's business: the `created` event carries them.)
    public let stepCount: Int

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
    public var lastCheckpointHasNext: Bool { completedSteps < stepCount }

    /// Creates a fresh pending run.
    public init(
        id: RunID, threadID: ThreadID, assistantID: AssistantID, strategy: MultitaskStrategy,
        requestedAt: Timestamp, after: Microseconds, stepCount: Int, subscriberCount: Int
    ) {
        self.id = id
        self.threadID = threadID
        self.assistantID = assistantID
        self.strategy = strategy
        self.requestedAt = requestedAt
        self.after = after
        self.createdAt = requestedAt + after
        self.stepCount = stepCount
        self.status = .pending
        self.attempt = 0
        self.completedSteps = 0
        self.updatedAt = requestedAt
        self.startedAt = nil
        self.subscriberCount = subscriberCount
        self.waiterCount = 0
    }
}
