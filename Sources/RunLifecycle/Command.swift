// What the outside world asks of the server. Every command carries its own time.

/// A request to create a run (every create endpoint: background, stream, wait, stateless).
public struct CreateRun: Hashable, Sendable {
    /// The thread, or nil for a stateless run on a fresh temporary thread.
    public var threadID: ThreadID?
    /// The assistant to run.
    public var assistantID: AssistantID
    /// The multitask strategy; the server's default is ``MultitaskStrategy/enqueue``.
    public var strategy: MultitaskStrategy
    /// What to do when `threadID` names no thread; the default is ``IfNotExists/reject``.
    public var ifNotExists: IfNotExists
    /// The `after_seconds` delay, in microseconds.
    public var after: Microseconds
    /// Durations of the graph's steps.
    public var work: [Microseconds]
    /// Whether the creating client holds a stream subscription (stream and wait endpoints).
    public var subscribed: Bool
    /// When the request arrives.
    public var at: Timestamp

    /// Creates a request with the server's defaults for every omitted field.
    public init(
        threadID: ThreadID?, assistantID: AssistantID = AssistantID(1),
        strategy: MultitaskStrategy = .enqueue, ifNotExists: IfNotExists = .reject,
        after: Microseconds = .zero, work: [Microseconds], subscribed: Bool = false, at: Timestamp
    ) {
        self.threadID = threadID
        self.assistantID = assistantID
        self.strategy = strategy
        self.ifNotExists = ifNotExists
        self.after = after
        self.work = work
        self.subscribed = subscribed
        self.at = at
    }
}

/// Which runs a bulk cancel (`POST /runs/cancel`) selects.
public enum BulkCancelSelection: Hashable, Sendable {
    /// The listed runs of one thread (body `{thread_id, run_ids}`).
    case runs(ThreadID, [RunID])
    /// Every run with this status (body `{status}`).
    case status(BulkCancelStatus)
}

/// The `status` filter of a bulk cancel.
public enum BulkCancelStatus: UInt8, CaseIterable, Hashable, Sendable {
    case pending = 0
    case running = 1
    /// Pending and running.
    case all = 2
}

/// A command to the decider. Invalid commands are answered with refusal events, never traps.
public enum Command: Hashable, Sendable {
    /// Create a run (§4.1).
    case createRun(CreateRun)
    /// One poll of the queue: start the oldest pending runs with `createdAt < snapshot`, at most
    /// `limit` of them (and never more than the free slots), skipping blocked threads (§6).
    /// `snapshot` is the "now" the poller captured before its sleep; `at` is when it wakes.
    case dequeue(snapshot: Timestamp, limit: Int, at: Timestamp)
    /// The run's worker completed its next step and wrote its checkpoint.
    case checkpoint(run: RunID, at: Timestamp)
    /// The run's worker ended on its own.
    case finish(run: RunID, outcome: FinishOutcome, at: Timestamp)
    /// The run's worker hit a retriable failure: the run goes back to pending, attempt kept.
    case retry(run: RunID, at: Timestamp)
    /// `POST /threads/{t}/runs/{r}/cancel?action=&wait=`. `wait` subscribes before cancelling.
    case cancel(run: RunID, action: CancelAction, wait: Bool, at: Timestamp)
    /// `POST /runs/cancel?action=`.
    case bulkCancel(BulkCancelSelection, action: CancelAction, at: Timestamp)
    /// `GET /threads/{t}/runs/{r}/join`: answered once the run has settled or vanished.
    case join(run: RunID, at: Timestamp)
    /// A stream client attaches to the run (`GET …/stream`, thread stream).
    case subscribe(run: RunID, at: Timestamp)
    /// A stream client detaches.
    case unsubscribe(run: RunID, at: Timestamp)
    /// `DELETE /threads/{t}/runs/{r}`: deletes the record and its checkpoints, no cancel signal.
    case deleteRun(run: RunID, at: Timestamp)
    /// A cancelled worker (or one whose run was deleted) finally returns and does its final write.
    case workerStopped(run: RunID, at: Timestamp)
    /// Graceful restart: running runs are re-queued as pending, every worker stops.
    case serverRestart(at: Timestamp)

    /// The time the command carries.
    public var at: Timestamp {
        switch self {
        case .createRun(let request): request.at
        case .dequeue(_, _, let at), .checkpoint(_, let at), .finish(_, _, let at), .retry(_, let at),
            .cancel(_, _, _, let at), .bulkCancel(_, _, let at), .join(_, let at), .subscribe(_, let at),
            .unsubscribe(_, let at), .deleteRun(_, let at), .workerStopped(_, let at),
            .serverRestart(let at):
            at
        }
    }
}

extension Command {
    /// The command's kind, as named in refusals.
    public var kind: CommandKind {
        switch self {
        case .createRun: .createRun
        case .dequeue: .dequeue
        case .checkpoint: .checkpoint
        case .finish: .finish
        case .retry: .retry
        case .cancel: .cancel
        case .bulkCancel: .bulkCancel
        case .join: .join
        case .subscribe: .subscribe
        case .unsubscribe: .unsubscribe
        case .deleteRun: .deleteRun
        case .workerStopped: .workerStopped
        case .serverRestart: .serverRestart
        }
    }

    /// The run the command names, if it names exactly one.
    public var runID: RunID? {
        switch self {
        case .checkpoint(let run, _), .finish(let run, _, _), .retry(let run, _), .cancel(let run, _, _, _),
            .join(let run, _), .subscribe(let run, _), .unsubscribe(let run, _), .deleteRun(let run, _),
            .workerStopped(let run, _):
            run
        case .createRun, .dequeue, .bulkCancel, .serverRestart:
            nil
        }
    }
}
