// What a replay plays: each create of the trace as a run with its recorded truth, and the
// requests to perform, named by run index (the create's position in the trace, from 0).
import RunLifecycle
import Traces

/// How a run ended, as the comparison sees it: a run status, deleted, or refused at creation.
public enum ReplayStatus: Hashable, Sendable, CustomStringConvertible {
    case run(RunStatus)
    /// Rolled back or deleted: the record is gone.
    case deleted
    /// The create was answered 409 (strategy `reject` met an in-flight run).
    case rejected
    /// The create was answered 404 (no such thread, `if_not_exists=reject`).
    case notFound
    /// The trace says nothing about how it ended.
    case unknown

    public var description: String {
        switch self {
        case .run(let status): RecordedRunStatus.run(status).name
        case .deleted: "deleted"
        case .rejected: "rejected"
        case .notFound: "not_found"
        case .unknown: "unknown"
        }
    }

    init(_ recorded: RecordedRunStatus) {
        switch recorded {
        case .run(let status): self = .run(status)
        case .deleted: self = .deleted
        }
    }
}

/// One create request of the trace, accepted or refused, with what the recording says of it.
public struct TraceRun: Hashable, Sendable {
    /// Position among the trace's creates, in request order (0-based).
    public var index: Int
    /// The server's run id; for a refused create the recorder's ref or a made-up `refused#n`.
    public var externalID: String
    /// The recording's name for the run (`R1`, `r017`), when it has one.
    public var reference: String?
    public var threadExternalID: String
    /// The dense thread id (``IDInterner`` order).
    public var thread: ThreadID
    /// The create request as replayed (its `at` is the server's insert time when known).
    public var request: CreateRun
    /// How the run's work was obtained (`trace` when the trace lists its steps).
    public var workSource: WorkSource
    /// What the recording says.
    public var recordedStatus: ReplayStatus
    /// `created_at` (includes `after_seconds`), first start and last end, as recorded.
    public var recordedCreatedAt: Timestamp?
    public var recordedStartedAt: Timestamp?
    public var recordedEndedAt: Timestamp?
    /// `run_queue_ms` in microseconds (started − created_at).
    public var recordedQueueWait: Microseconds?
    /// `Eagerly deleting …` named this run.
    public var recordedEagerDelete: Bool

    public enum WorkSource: String, Hashable, Sendable {
        /// Steps × step_ms from the runledger-trace, plus the calibrated overhead.
        case trace
        /// One step of the recorded execution time (`run_exec_ms`; langgraph-log).
        case recordedExecution
        /// The run never ended on its own in the recording (cancelled, deleted, refused or
        /// never started): its length is unknown; a long placeholder is used.
        case unknown
    }
}

/// A request to play, in time order. Runs are named by their ``TraceRun/index``.
public enum ReplayRequest: Hashable, Sendable {
    case create(run: Int)
    /// A cancel of a run the trace created (`run`), or of one it never created (nil).
    case cancel(run: Int?, externalID: String, action: CancelAction, wait: Bool, at: Timestamp)
    case bulkCancel(thread: ThreadID?, runs: [Int]?, status: BulkCancelStatus?, action: CancelAction, at: Timestamp)
    case join(run: Int?, externalID: String, at: Timestamp)
    case delete(run: Int?, externalID: String, at: Timestamp)
}
