// Facts the decider emits. An event stream alone is enough to re-derive every expectation:
// events name their run, thread and time, and carry the values evolve applies.

/// A run was inserted as pending (`Created run`).
public struct RunCreated: Hashable, Sendable {
    public var runID: RunID
    public var threadID: ThreadID
    public var assistantID: AssistantID
    public var strategy: MultitaskStrategy
    /// When the request arrived (the event's time).
    public var requestedAt: Timestamp
    /// The `after_seconds` delay.
    public var after: Microseconds
    /// `requestedAt + after`, the queue's ordering key.
    public var createdAt: Timestamp
    /// The step durations the worker will execute.
    public var work: [Microseconds]
    /// Whether the creating client subscribed before the insert (stream/wait endpoints).
    public var subscribed: Bool

    public init(
        runID: RunID, threadID: ThreadID, assistantID: AssistantID, strategy: MultitaskStrategy,
        requestedAt: Timestamp, after: Microseconds, work: [Microseconds], subscribed: Bool
    ) {
        self.runID = runID
        self.threadID = threadID
        self.assistantID = assistantID
        self.strategy = strategy
        self.requestedAt = requestedAt
        self.after = after
        self.createdAt = requestedAt + after
        self.work = work
        self.subscribed = subscribed
    }
}

/// Why a create request inserted nothing.
public enum CreateRejection: Hashable, Sendable {
    /// 409 "Thread is already running a task…": `reject` met these in-flight runs (ascending).
    case threadBusy(inFlight: [RunID])
    /// 404 "Thread or assistant not found.": the thread is missing and `if_not_exists=reject`.
    case threadNotFound
}

/// A worker wrote a checkpoint.
public struct Checkpointed: Hashable, Sendable {
    public var runID: RunID
    public var threadID: ThreadID
    /// The index in the run's work of the step just completed, or nil for the input checkpoint
    /// written when the run starts.
    public var stepIndex: Int?
    /// The checkpoint's step number on the thread, or nil when nothing is persisted (temporary
    /// runs execute without a checkpointer).
    public var checkpointStep: Int64?
    /// Whether the checkpoint still has `next` nodes.
    public var hasNext: Bool
    public var at: Timestamp

    public init(runID: RunID, threadID: ThreadID, stepIndex: Int?, checkpointStep: Int64?, hasNext: Bool, at: Timestamp) {
        self.runID = runID
        self.threadID = threadID
        self.stepIndex = stepIndex
        self.checkpointStep = checkpointStep
        self.hasNext = hasNext
        self.at = at
    }
}

/// Who asked for a cancellation (it becomes the `reason` in the worker log).
public enum CancelCause: Hashable, Sendable {
    /// "superseded by run <id> (multitask_strategy=<s>)".
    case supersededBy(RunID)
    /// "<action> requested via POST /threads/{thread_id}/runs/{run_id}/cancel".
    case cancelRequest
    /// "<action> requested via POST /runs/cancel".
    case bulkCancelRequest
}

/// Why a run ended `error`.
public enum FailureCause: UInt8, Hashable, Sendable {
    /// A non-retriable exception from the graph.
    case graphError = 0
    /// Dequeued with `attempt > maxRetries`: "Run … exceeded max attempts".
    case exceededMaxAttempts = 1
}

/// Why a running run went back to pending.
public enum RetryCause: UInt8, Hashable, Sendable {
    /// A retriable exception from the graph or the runtime.
    case retriableError = 0
    /// Graceful shutdown cancelled the worker (`CancelledError` is retriable).
    case serverShutdown = 1
}

/// What a stopping worker's final write did.
public enum FinalWrite: UInt8, Hashable, Sendable {
    /// Wrote `interrupted` again ("Background run interrupted").
    case interrupted = 0
    /// Deleted the run with its checkpoints ("Background run rolled back"); the preceding
    /// ``Event/rolledBack(run:thread:stage:at:)`` event carries the deletion.
    case rolledBack = 1
    /// The run was already gone: "Ignoring rollback error for missing run", or the failed final
    /// write after `DELETE` ("Background worker failed").
    case runMissing = 2
}

/// When a rollback deleted its run.
public enum RollbackStage: UInt8, Hashable, Sendable {
    /// Inside the cancel call ("Eagerly deleting pending run with rollback action").
    case eager = 0
    /// By the run's own worker after it stopped (subscriber path).
    case byWorker = 1
}

/// The body a blocked `join` (or `cancel?wait=true`) finally gets.
public enum JoinAnswer: Hashable, Sendable {
    /// The run settled with this status (200 with the values).
    case finished(RunStatus)
    /// 200 with `{"__error__": {"error": "HTTPException", "message": "404: Run not found"}}`.
    case runNotFound
}

/// Why a cancel was answered 404.
public enum CancelRefusal: UInt8, Hashable, Sendable {
    /// "No runs found to cancel.": the run never existed or was deleted.
    case notFound = 0
    /// "No matching runs to cancel…", log "Attempted to cancel non-pending run.".
    case alreadyTerminal = 1
    /// A bulk cancel matched no in-flight run.
    case nothingToCancel = 2
}

/// The kind of a refused command (the command's other fields are in the refusal's event).
public enum CommandKind: UInt8, CaseIterable, Hashable, Sendable {
    case createRun = 0, dequeue, checkpoint, finish, retry, cancel, bulkCancel, join, subscribe,
        unsubscribe, deleteRun, workerStopped, serverRestart
}

/// Why a non-cancel command was refused. Refusals change nothing.
public enum RefusalReason: UInt8, Hashable, Sendable {
    /// The run never existed or was deleted.
    case notFound = 0
    /// The run is not `running` with a live, uncancelled worker.
    case notRunning = 1
    /// The run already completed every step of its work.
    case noStepsLeft = 2
    /// No worker executes the run.
    case notExecuting = 3
    /// The worker was never cancelled; it must end with `finish` or `retry`.
    case noCancelSignal = 4
    /// The run has no subscriber to remove.
    case notSubscribed = 5
    /// The run has settled; there is nothing to subscribe to.
    case alreadySettled = 6
    /// The command's time is earlier than the latest event's: time never goes back.
    case clockWentBackwards = 7
}

/// A fact about the run queue. ``State/evolve(_:)`` applies it without validation.
public enum Event: Hashable, Sendable {
    /// A thread came into existence (stateless run, or `if_not_exists=create`).
    case threadCreated(thread: ThreadID, temporary: Bool, status: ThreadStatus, at: Timestamp)
    /// A run was inserted as pending.
    case created(RunCreated)
    /// A create request inserted nothing; changes nothing.
    case rejected(thread: ThreadID?, strategy: MultitaskStrategy, reason: CreateRejection, at: Timestamp)
    /// The poller dequeued the run: status running, attempt incremented, a worker takes a slot.
    case started(run: RunID, thread: ThreadID, attempt: UInt32, at: Timestamp)
    /// A worker wrote a checkpoint (or, for temporary runs, completed a step).
    case checkpointed(Checkpointed)
    /// The worker ended with `success`.
    case succeeded(run: RunID, thread: ThreadID, at: Timestamp)
    /// The worker ended with `error`.
    case failed(run: RunID, thread: ThreadID, cause: FailureCause, at: Timestamp)
    /// The worker ended with `timeout`.
    case timedOut(run: RunID, thread: ThreadID, at: Timestamp)
    /// A running run went back to pending after a retriable failure; its worker is gone.
    case retried(run: RunID, thread: ThreadID, cause: RetryCause, at: Timestamp)
    /// The run's status became `interrupted` (from pending or running). A running run's worker
    /// receives `action` as its signal and keeps executing until `workerStopped`.
    case interrupted(run: RunID, thread: ThreadID, action: CancelAction, cause: CancelCause, at: Timestamp)
    /// The run and every checkpoint it wrote were deleted by a rollback. A worker still
    /// executing it keeps its slot until `workerStopped`.
    case rolledBack(run: RunID, thread: ThreadID, stage: RollbackStage, at: Timestamp)
    /// The run and its checkpoints were deleted by `DELETE`; a worker keeps executing.
    case deleted(run: RunID, thread: ThreadID, at: Timestamp)
    /// A worker returned and freed its slot after its final write.
    case workerStopped(run: RunID, thread: ThreadID, finalWrite: FinalWrite, at: Timestamp)
    /// A client subscribed to the run's stream; `waits` when it blocks for an answer.
    case subscribed(run: RunID, thread: ThreadID, waits: Bool, at: Timestamp)
    /// A non-waiting subscriber detached.
    case unsubscribed(run: RunID, thread: ThreadID, at: Timestamp)
    /// A blocked join (or `cancel?wait=true`) got its answer and detached.
    case joinAnswered(run: RunID, answer: JoinAnswer, at: Timestamp)
    /// The thread's cached status was written with a new value.
    case threadStatusChanged(thread: ThreadID, status: ThreadStatus, at: Timestamp)
    /// The thread's cached `values` now reflect this run's last checkpoint.
    case threadValuesCached(thread: ThreadID, fromRun: RunID, at: Timestamp)
    /// A temporary thread was deleted with its runs and checkpoints after its run ended.
    case threadDeleted(thread: ThreadID, at: Timestamp)
    /// A cancel was answered 404; changes nothing.
    case cancelRefused(run: RunID?, reason: CancelRefusal, at: Timestamp)
    /// Another command was refused; changes nothing.
    case commandRefused(run: RunID?, command: CommandKind, reason: RefusalReason, at: Timestamp)
    /// The server restarted; every worker is gone. Under quirk
    /// ``Quirk/attemptCounterNotRestored`` every run's attempt counter reads 0 again.
    case serverRestarted(attemptCountersReset: Bool, at: Timestamp)

    /// When the fact happened.
    public var at: Timestamp {
        switch self {
        case .created(let created): created.requestedAt
        case .checkpointed(let checkpointed): checkpointed.at
        case .threadCreated(_, _, _, let at), .rejected(_, _, _, let at), .started(_, _, _, let at),
            .succeeded(_, _, let at), .failed(_, _, _, let at), .timedOut(_, _, let at),
            .retried(_, _, _, let at), .interrupted(_, _, _, _, let at), .rolledBack(_, _, _, let at),
            .deleted(_, _, let at), .workerStopped(_, _, _, let at), .subscribed(_, _, _, let at),
            .unsubscribed(_, _, let at), .joinAnswered(_, _, let at),
            .threadStatusChanged(_, _, let at), .threadValuesCached(_, _, let at),
            .threadDeleted(_, let at), .cancelRefused(_, _, let at), .commandRefused(_, _, _, let at),
            .serverRestarted(_, let at):
            at
        }
    }

    /// Whether the event is a refusal, which by construction changes nothing.
    public var isRefusal: Bool {
        switch self {
        case .rejected, .cancelRefused, .commandRefused: true
        case .threadCreated, .created, .started, .checkpointed, .succeeded, .failed, .timedOut,
            .retried, .interrupted, .rolledBack, .deleted, .workerStopped, .subscribed, .unsubscribed,
            .joinAnswered, .threadStatusChanged, .threadValuesCached, .threadDeleted, .serverRestarted:
            false
        }
    }
}

extension Event {
    /// The run the event is about, if it is about exactly one.
    public var runID: RunID? {
        switch self {
        case .created(let created): created.runID
        case .checkpointed(let checkpointed): checkpointed.runID
        case .started(let run, _, _, _), .succeeded(let run, _, _), .failed(let run, _, _, _),
            .timedOut(let run, _, _), .retried(let run, _, _, _), .interrupted(let run, _, _, _, _),
            .rolledBack(let run, _, _, _), .deleted(let run, _, _), .workerStopped(let run, _, _, _),
            .subscribed(let run, _, _, _), .unsubscribed(let run, _, _), .joinAnswered(let run, _, _):
            run
        case .cancelRefused(let run, _, _), .commandRefused(let run, _, _, _):
            run
        case .threadCreated, .rejected, .threadStatusChanged, .threadValuesCached, .threadDeleted,
            .serverRestarted:
            nil
        }
    }
}
