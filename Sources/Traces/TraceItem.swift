import RunLifecycle

// The neutral trace model both importers produce. External ids stay strings here (the server's
// UUIDs, the recorder's refs); the replay layer interns them with `IDInterner`. Every time is
// integer microseconds since the Unix epoch, so a server log and a trace of the same recording
// share one time axis.

/// One thing a trace says: a request a client made, the server's configuration, or a recorded
/// outcome to compare a replay with.
public enum TraceItem: Hashable, Sendable {
    /// What the server was started with (trace header, or `Starting N background workers`).
    case server(TraceServer)
    /// A request, in the order the trace lists it.
    case request(TraceRequest)
    /// How one created run ended, as recorded. Both importers emit these at ``TraceImporter/finish(into:)``.
    case outcome(TraceOutcome)
    /// A thread's state at the end of the recording (runledger-trace only).
    case threadOutcome(TraceThreadOutcome)
}

/// A client request.
public enum TraceRequest: Hashable, Sendable {
    /// `POST /threads` (runledger-trace only: the server log does not name the new thread).
    case createThread(TraceThreadCreate)
    /// An accepted run create.
    case create(TraceCreate)
    /// A create refused with 409 because the thread had a run in flight (strategy `reject`).
    case rejectedCreate(TraceRefusedCreate)
    /// A create refused with 404 because the thread does not exist.
    case notFoundCreate(TraceRefusedCreate)
    /// `POST /threads/{t}/runs/{r}/cancel`.
    case cancel(TraceCancel)
    /// `POST /runs/cancel`.
    case bulkCancel(TraceBulkCancel)
    /// `GET /threads/{t}/runs/{r}/join`.
    case join(TraceJoin)
    /// `DELETE /threads/{t}/runs/{r}`.
    case delete(TraceDelete)

    /// When the request was issued (or the server's best estimate of it; see each importer).
    public var at: Timestamp {
        switch self {
        case .createThread(let request): request.at
        case .create(let request): request.at
        case .rejectedCreate(let request), .notFoundCreate(let request): request.at
        case .cancel(let request): request.at
        case .bulkCancel(let request): request.at
        case .join(let request): request.at
        case .delete(let request): request.at
        }
    }
}

/// The endpoint a run was created through.
public enum TraceEndpoint: String, Hashable, Sendable, CaseIterable {
    /// `POST /threads/{id}/runs`: nobody is subscribed.
    case background
    /// `POST /threads/{id}/runs/stream`: the creator streams the run until it ends.
    case stream
    /// `POST /threads/{id}/runs/wait`: the creator waits for the run's end.
    case wait

    /// Whether the creator holds a stream subscription (which changes what rollback does).
    public var subscribes: Bool {
        switch self {
        case .background: false
        case .stream, .wait: true
        }
    }
}

/// The server's configuration as far as the trace says.
public struct TraceServer: Hashable, Sendable {
    /// Concurrent run slots (`--n-jobs-per-worker`, logged as `Starting N background workers`).
    public var slots: Int?
    /// The queue's idle poll sleep, when the trace states it.
    public var pollInterval: Microseconds?
    /// When it was logged or the trace started.
    public var at: Timestamp?

    public init(slots: Int?, pollInterval: Microseconds? = nil, at: Timestamp? = nil) {
        self.slots = slots
        self.pollInterval = pollInterval
        self.at = at
    }
}

/// `POST /threads`.
public struct TraceThreadCreate: Hashable, Sendable {
    public var at: Timestamp
    public var threadID: String
    /// The recording's name for the thread (`T1`), if any.
    public var threadReference: String?

    public init(at: Timestamp, threadID: String, threadReference: String? = nil) {
        self.at = at
        self.threadID = threadID
        self.threadReference = threadReference
    }
}

/// An accepted run create.
public struct TraceCreate: Hashable, Sendable {
    /// When the request was issued. From the server log: the `Created run` line's time minus its
    /// `run_create_ms` (the request's arrival), or the line's time when that is null.
    public var at: Timestamp
    public var runID: String
    public var threadID: String
    /// The recording's names for the run and thread (runledger-trace only).
    public var runReference: String?
    public var threadReference: String?
    /// The assistant as the source names it (server log: its UUID; trace: the header's graph id).
    public var assistant: String?
    /// The strategy as sent; nil when omitted (the server then uses enqueue). The server log
    /// always states the stored strategy, so it is never nil there.
    public var strategy: MultitaskStrategy?
    /// As sent; nil when omitted (the server default is reject).
    public var ifNotExists: IfNotExists?
    /// `after_seconds` as microseconds; nil when omitted.
    public var after: Microseconds?
    public var endpoint: TraceEndpoint
    /// The durations of the run's steps when the trace knows them (runledger-trace); nil from
    /// the server log, which never says what a run does.
    public var work: [Microseconds]?

    public init(
        at: Timestamp, runID: String, threadID: String, runReference: String? = nil, threadReference: String? = nil,
        assistant: String? = nil, strategy: MultitaskStrategy? = nil, ifNotExists: IfNotExists? = nil,
        after: Microseconds? = nil, endpoint: TraceEndpoint = .background, work: [Microseconds]? = nil
    ) {
        self.at = at
        self.runID = runID
        self.threadID = threadID
        self.runReference = runReference
        self.threadReference = threadReference
        self.assistant = assistant
        self.strategy = strategy
        self.ifNotExists = ifNotExists
        self.after = after
        self.endpoint = endpoint
        self.work = work
    }
}

/// A create the server refused (409 or 404): no run exists.
public struct TraceRefusedCreate: Hashable, Sendable {
    /// When the request was issued (server log: the access line's time minus its latency).
    public var at: Timestamp
    public var threadID: String
    public var runReference: String?
    public var threadReference: String?
    /// As sent (runledger-trace only; the access line does not carry the body).
    public var strategy: MultitaskStrategy?
    public var ifNotExists: IfNotExists?
    public var endpoint: TraceEndpoint
    public var work: [Microseconds]?

    public init(
        at: Timestamp, threadID: String, runReference: String? = nil, threadReference: String? = nil,
        strategy: MultitaskStrategy? = nil, ifNotExists: IfNotExists? = nil, endpoint: TraceEndpoint = .background,
        work: [Microseconds]? = nil
    ) {
        self.at = at
        self.threadID = threadID
        self.runReference = runReference
        self.threadReference = threadReference
        self.strategy = strategy
        self.ifNotExists = ifNotExists
        self.endpoint = endpoint
        self.work = work
    }
}

/// A cancel of one run.
public struct TraceCancel: Hashable, Sendable {
    public var at: Timestamp
    public var runID: String
    public var threadID: String?
    public var action: CancelAction
    /// `wait=true` subscribes before cancelling. Nil when unknown: the server log's
    /// `Cancelled runs` line does not say (only 404 access lines carry the query).
    public var wait: Bool?
    /// The answer's HTTP status when known (202, 200, or 404 for a terminal or missing run).
    public var statusCode: Int?

    public init(
        at: Timestamp, runID: String, threadID: String?, action: CancelAction, wait: Bool?, statusCode: Int?
    ) {
        self.at = at
        self.runID = runID
        self.threadID = threadID
        self.action = action
        self.wait = wait
        self.statusCode = statusCode
    }
}

/// `POST /runs/cancel`.
public struct TraceBulkCancel: Hashable, Sendable {
    public var at: Timestamp
    public var threadID: String?
    /// The runs named (trace) or actually cancelled (server log); nil when unknown.
    public var runIDs: [String]?
    /// The status filter, when the request used one.
    public var status: BulkCancelStatus?
    public var action: CancelAction
    public var statusCode: Int?

    public init(
        at: Timestamp, threadID: String?, runIDs: [String]?, status: BulkCancelStatus?, action: CancelAction,
        statusCode: Int?
    ) {
        self.at = at
        self.threadID = threadID
        self.runIDs = runIDs
        self.status = status
        self.action = action
        self.statusCode = statusCode
    }
}

/// `GET …/join`.
public struct TraceJoin: Hashable, Sendable {
    /// When the join was issued (server log: the access line's time minus its latency; access
    /// lines below 400 appear only at `--server-log-level INFO`).
    public var at: Timestamp
    public var runID: String
    public var threadID: String?
    public var statusCode: Int?

    public init(at: Timestamp, runID: String, threadID: String?, statusCode: Int?) {
        self.at = at
        self.runID = runID
        self.threadID = threadID
        self.statusCode = statusCode
    }
}

/// `DELETE /threads/{t}/runs/{r}`.
public struct TraceDelete: Hashable, Sendable {
    public var at: Timestamp
    public var runID: String
    public var threadID: String?
    public var statusCode: Int?

    public init(at: Timestamp, runID: String, threadID: String?, statusCode: Int?) {
        self.at = at
        self.runID = runID
        self.threadID = threadID
        self.statusCode = statusCode
    }
}

/// A run's final state as recorded.
public enum RecordedRunStatus: Hashable, Sendable {
    /// The run record still exists with this status (pending/running only if the recording
    /// stopped before the run ended).
    case run(RunStatus)
    /// The run record is gone: rolled back, or deleted.
    case deleted

    /// The name the runledger-trace format uses.
    public var name: String {
        switch self {
        case .run(let status): status.description
        case .deleted: "deleted"
        }
    }
}

/// One `Cancelled runs` line (or trace `logged_cancels` entry) that named a run.
public struct TraceCancelMark: Hashable, Sendable {
    public var action: CancelAction
    public var at: Timestamp

    public init(action: CancelAction, at: Timestamp) {
        self.action = action
        self.at = at
    }
}

/// How a created run ended.
public struct TraceOutcome: Hashable, Sendable {
    public var runID: String
    public var threadID: String
    public var runReference: String?
    public var status: RecordedRunStatus
    /// The run's `created_at` (which includes `after_seconds`).
    public var createdAt: Timestamp?
    /// The first attempt's start, and the last attempt's end.
    public var startedAt: Timestamp?
    public var endedAt: Timestamp?
    /// `startedAt − createdAt`, from the microsecond times (nil if it never started).
    public var queueWait: Microseconds?
    /// `endedAt − startedAt` of the last attempt, from the microsecond times.
    public var execution: Microseconds?
    /// Number of `Starting background run` lines (0: never started).
    public var attempts: Int
    /// The stored strategy.
    public var strategy: MultitaskStrategy?
    /// The last worker line's `event` (e.g. `Background run succeeded`).
    public var endEvent: String?
    /// Each cancel that named this run.
    public var cancels: [TraceCancelMark]
    /// An `Eagerly deleting pending run with rollback action` line named this run.
    public var eagerlyDeleted: Bool
    /// Checkpoints the run kept, when known (runledger-trace only; the server log never reports
    /// checkpoints).
    public var checkpoints: Int?

    public init(
        runID: String, threadID: String, runReference: String? = nil, status: RecordedRunStatus,
        createdAt: Timestamp? = nil, startedAt: Timestamp? = nil, endedAt: Timestamp? = nil,
        queueWait: Microseconds? = nil, execution: Microseconds? = nil, attempts: Int = 0,
        strategy: MultitaskStrategy? = nil, endEvent: String? = nil, cancels: [TraceCancelMark] = [],
        eagerlyDeleted: Bool = false, checkpoints: Int? = nil
    ) {
        self.runID = runID
        self.threadID = threadID
        self.runReference = runReference
        self.status = status
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.queueWait = queueWait
        self.execution = execution
        self.attempts = attempts
        self.strategy = strategy
        self.endEvent = endEvent
        self.cancels = cancels
        self.eagerlyDeleted = eagerlyDeleted
        self.checkpoints = checkpoints
    }
}

/// A thread's state when the recording ended.
public struct TraceThreadOutcome: Hashable, Sendable {
    public var threadID: String
    public var threadReference: String?
    /// Nil when the thread does not exist (`"missing"`).
    public var status: ThreadStatus?
    public var checkpoints: Int?

    public init(threadID: String, threadReference: String?, status: ThreadStatus?, checkpoints: Int?) {
        self.threadID = threadID
        self.threadReference = threadReference
        self.status = status
        self.checkpoints = checkpoints
    }
}
