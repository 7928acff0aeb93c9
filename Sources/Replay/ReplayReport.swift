// The comparison of a replay with the recording: per-run verdicts (kept only when asked), the
// aggregates, the first divergence and the what-if changes.
import Invariants
import RunLifecycle
import Traces

/// One trace run, recorded and simulated side by side. Times are trace times.
public struct RunComparison: Hashable, Sendable {
    public var index: Int
    public var externalID: String
    public var reference: String?
    public var thread: String
    public var recordedStatus: ReplayStatus
    public var modelStatus: ReplayStatus
    public var recordedCreatedAt: Timestamp?
    public var modelCreatedAt: Timestamp?
    public var recordedStartedAt: Timestamp?
    public var modelStartedAt: Timestamp?
    public var recordedQueueWait: Microseconds?
    public var modelQueueWait: Microseconds?
    /// The run started just before this one on its thread (trace run index), recorded and simulated.
    public var recordedThreadPredecessor: Int?
    public var modelThreadPredecessor: Int?
    /// Their names (the recording's reference, else the run id).
    public var recordedThreadPredecessorName: String?
    public var modelThreadPredecessorName: String?
    /// The model's run id, when it created the run.
    public var modelRunID: RunID?

    public var name: String { reference.map { "\($0) (\(externalID))" } ?? externalID }
    /// The short name reports use: the recording's reference, else the run id.
    public var shortName: String { reference ?? externalID }
    public var statusAgrees: Bool { recordedStatus == modelStatus }
    public var startedInBoth: Bool { recordedStartedAt != nil && modelStartedAt != nil }
    public var startedInEither: Bool { recordedStartedAt != nil || modelStartedAt != nil }
    public var threadOrderAgrees: Bool { startedInBoth && recordedThreadPredecessor == modelThreadPredecessor }
    /// |simulated − recorded| queue wait, for runs that started in both.
    public var queueWaitError: Microseconds? {
        guard let recorded = recordedQueueWait, let model = modelQueueWait else { return nil }
        return Microseconds(abs(model.count - recorded.count))
    }
}

/// Percentiles of the absolute queue-wait error, in milliseconds.
public struct ErrorPercentiles: Hashable, Sendable {
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var max: Double

    public init(count: Int, p50: Double, p95: Double, max: Double) {
        self.count = count
        self.p50 = p50
        self.p95 = p95
        self.max = max
    }
}

/// The first place the model and the recording part ways.
public struct Divergence: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case status
        case threadOrder = "thread_order"
        case queueWait = "queue_wait"
    }

    public var kind: Kind
    /// When it shows (trace time).
    public var at: Timestamp
    public var run: RunComparison
    /// What the trace shows and what the model did, in words.
    public var trace: String
    public var model: String
    /// The simulated events around it (the run's own, and its thread's near `at`), trace times.
    public var modelEvents: [String]
    /// The trace's requests on the run's thread up to shortly after `at`.
    public var traceRequests: [String]
}

/// A run whose outcome changes under a what-if configuration.
public struct WhatIfChange: Hashable, Sendable {
    public var run: RunComparison
    public var changes: [String]
}

/// The comparison of a replay with the recording.
public struct ReplayReport: Sendable {
    /// Every run's comparison, by index: only with ``ReplayOptions/keepRuns``, else empty.
    public var runs: [RunComparison]
    /// Runs whose recorded status is known (the denominator of ``statusAgreement``).
    public var runsCompared: Int
    public var statusMismatches: Int
    /// Runs with a recorded start, and with a simulated start.
    public var runsStartedRecorded: Int
    public var runsStartedSimulated: Int
    public var statusAgreement: Double
    public var threadOrderAgreement: Double
    public var globalOrderAgreement: Double
    public var queueWaitError: ErrorPercentiles
    public var firstDivergence: Divergence?
    /// Safety and liveness violations; profile divergences (quirks the profile allows) apart.
    public var safetyViolations: Int
    public var livenessViolations: Int
    public var profileDivergences: Int
    public var violationDescriptions: [String]
    /// The first ``ReplayOptions/whatIfChangeLimit`` changes by run index (what-if mode only).
    public var whatIfChanges: [WhatIfChange]
    /// All runs that change, listed or not.
    public var whatIfChangeCount: Int
    /// Created runs refused with 409, recorded and simulated.
    public var rejectedRecorded: Int
    public var rejectedSimulated: Int
    /// Mean queue wait of the runs that started, recorded and simulated (ms; nil: none started).
    public var meanRecordedQueueWait: Double?
    public var meanSimulatedQueueWait: Double?
    public var eventCount: Int

    static func fraction(_ part: Int, of whole: Int) -> Double { whole == 0 ? 1 : Double(part) / Double(whole) }
}
