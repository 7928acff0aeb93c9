// The enumerations of the server's API (§1 of the reference). Raw values are stable: the Journal
// codec and the state digest encode them, so never renumber a case.

/// The status of a run as the API reports it.
public enum RunStatus: UInt8, CaseIterable, Hashable, Sendable, BitwiseCopyable {
    case pending = 0
    case running = 1
    case success = 2
    case error = 3
    case timeout = 4
    case interrupted = 5

    /// Pending or running: the run counts for `reject` and is cancelled by interrupt/rollback.
    public var isInFlight: Bool {
        switch self {
        case .pending, .running: true
        case .success, .error, .timeout, .interrupted: false
        }
    }

    /// A terminal status never changes again; cancelling such a run is refused (404).
    public var isTerminal: Bool { !isInFlight }
}

/// The status of a thread as the API reports it. It is a cached field with its own writers, so
/// under ``BehaviourProfile/langgraphInmem`` it can disagree with the thread's runs.
public enum ThreadStatus: UInt8, CaseIterable, Hashable, Sendable, BitwiseCopyable {
    case idle = 0
    case busy = 1
    case interrupted = 2
    case error = 3
}

/// What a create request does to the runs already in flight on its thread ("double texting").
public enum MultitaskStrategy: UInt8, CaseIterable, Hashable, Sendable, BitwiseCopyable {
    /// Refuse the new run with 409 while any run is pending or running.
    case reject = 0
    /// Cancel every in-flight run with ``CancelAction/interrupt``, keeping their checkpoints.
    case interrupt = 1
    /// Cancel every in-flight run with ``CancelAction/rollback``, deleting them and their checkpoints.
    case rollback = 2
    /// Queue behind the in-flight runs (the server's default).
    case enqueue = 3

    /// The cancel action this strategy applies to in-flight runs, if any.
    public var cancelAction: CancelAction? {
        switch self {
        case .interrupt: .interrupt
        case .rollback: .rollback
        case .reject, .enqueue: nil
        }
    }
}

/// What a create request does when its thread does not exist.
public enum IfNotExists: UInt8, CaseIterable, Hashable, Sendable, BitwiseCopyable {
    /// Create the thread (status busy).
    case create = 0
    /// Answer 404 "Thread or assistant not found." (the default).
    case reject = 1
}

/// How a cancel stops a run.
public enum CancelAction: UInt8, CaseIterable, Hashable, Sendable, BitwiseCopyable {
    /// Stop the run and keep its checkpoints; it ends `interrupted`.
    case interrupt = 0
    /// Stop the run and delete it with every checkpoint it wrote.
    case rollback = 1
}

/// How a running run's worker ends on its own (cancellation ends it through `workerStopped`).
public enum FinishOutcome: UInt8, CaseIterable, Hashable, Sendable, BitwiseCopyable {
    /// The graph stream completed, possibly stopping at a human-in-the-loop interrupt.
    case success = 0
    /// A non-retriable exception from the graph.
    case error = 1
    /// The worker's `BG_JOB_TIMEOUT_SECS` expired.
    case timeout = 2

    /// The run status this outcome writes.
    public var runStatus: RunStatus {
        switch self {
        case .success: .success
        case .error: .error
        case .timeout: .timeout
        }
    }
}
