// Replay input: a trace's items turned into the runs it created (with the recorded truth of
// each) and the requests to play, in time order, with dense ids.
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

/// A request to play, in time order. Runs are named by their index in ``ReplayInput/runs``.
public enum ReplayRequest: Hashable, Sendable {
    case create(run: Int)
    /// A cancel of a run the trace created (`run`), or of one it never created (nil).
    case cancel(run: Int?, externalID: String, action: CancelAction, wait: Bool, at: Timestamp)
    case bulkCancel(thread: ThreadID?, runs: [Int]?, status: BulkCancelStatus?, action: CancelAction, at: Timestamp)
    case join(run: Int?, externalID: String, at: Timestamp)
    case delete(run: Int?, externalID: String, at: Timestamp)
}

/// Everything a replay needs from a trace.
public struct ReplayInput: Sendable {
    public var format: TraceFormat?
    /// Slots and poll interval as the trace states them.
    public var slots: Int?
    public var pollInterval: Microseconds?
    public var runs: [TraceRun]
    /// Requests with their times, sorted by time (stable: ties keep the trace's order).
    public var requests: [(at: Timestamp, request: ReplayRequest)]
    /// Dense thread ids by first sight.
    public var interner: IDInterner
    /// The earliest and latest time the trace shows (requests and outcomes).
    public var firstTime: Timestamp?
    public var lastTime: Timestamp?
    /// Things the builder had to assume, for the report.
    public var notes: [String]

    /// The wall-clock span the trace covers.
    public var span: Microseconds {
        guard let firstTime, let lastTime else { return .zero }
        return lastTime - firstTime
    }
}

/// The run overhead added to each step's sleep: the real graph needs a few ms to start and to
/// write each checkpoint. Calibrated on the 48 recordings in traces/real (successful runs,
/// recorded `run_exec_ms` − steps × step_ms): median 14 ms for 1 step, 26 for 2, 30 for 3 and
/// 4, 35 for 5; `startup + perStep × steps` = 12 + 5k ms fits within ~5 ms.
public struct StepOverhead: Hashable, Sendable {
    public var startup: Microseconds
    public var perStep: Microseconds

    public init(startup: Microseconds, perStep: Microseconds) {
        self.startup = startup
        self.perStep = perStep
    }

    public static let calibrated = StepOverhead(startup: .milliseconds(12), perStep: .milliseconds(5))
    public static let none = StepOverhead(startup: .zero, perStep: .zero)
}

/// Collects trace items (in the order an importer produces them) and builds a ``ReplayInput``.
///
/// ```swift
/// var builder = ReplayInputBuilder()
/// for item in items { builder.add(item) }
/// let input = builder.finish()
/// ```
public struct ReplayInputBuilder {
    public var overhead: StepOverhead
    /// For runs that completed in the recording, use their recorded execution time (spread
    /// over their steps) instead of steps × step_ms plus the calibrated ``overhead``: the real
    /// overhead varies by ±10 ms and more under load, and a blocker's end that lands on the
    /// other side of a poll instant moves its successor's start by a whole poll.
    public var useRecordedExecution: Bool
    /// The work of a run whose length the trace does not say (it never ended on its own).
    public var unknownWork: Microseconds

    private var format: TraceFormat?
    private var server = TraceServer(slots: nil)
    private var creates: [PendingCreate] = []
    private var others: [(at: Timestamp, order: Int, request: Other)] = []
    private var outcomes: [String: TraceOutcome] = [:]
    private var firstTime: Timestamp?
    private var lastTime: Timestamp?
    private var order = 0
    private var refusedCount = 0

    private struct PendingCreate {
        var order: Int
        var at: Timestamp
        var externalID: String
        var reference: String?
        var threadID: String
        var strategy: MultitaskStrategy?
        var ifNotExists: IfNotExists?
        var after: Microseconds?
        var endpoint: TraceEndpoint
        var work: [Microseconds]?
        var refusal: ReplayStatus?
    }

    private enum Other {
        case cancel(TraceCancel)
        case bulkCancel(TraceBulkCancel)
        case join(TraceJoin)
        case delete(TraceDelete)
    }

    public init(
        format: TraceFormat? = nil, overhead: StepOverhead = .calibrated, useRecordedExecution: Bool = true,
        unknownWork: Microseconds = .seconds(3_600)
    ) {
        self.format = format
        self.useRecordedExecution = useRecordedExecution
        self.overhead = overhead
        self.unknownWork = unknownWork
    }

    /// The format the items came from (the importer knows it after the first line).
    public mutating func setFormat(_ format: TraceFormat?) { if let format { self.format = format } }

    public mutating func add(_ item: TraceItem) {
        switch item {
        case .server(let stated):
            if let slots = stated.slots { server.slots = slots }
            if let poll = stated.pollInterval { server.pollInterval = poll }
        case .request(let request):
            see(request.at)
            order += 1
            switch request {
            case .createThread: break
            case .create(let create):
                creates.append(PendingCreate(
                    order: order, at: create.at, externalID: create.runID, reference: create.runReference,
                    threadID: create.threadID, strategy: create.strategy, ifNotExists: create.ifNotExists,
                    after: create.after, endpoint: create.endpoint, work: create.work, refusal: nil))
            case .rejectedCreate(let refused), .notFoundCreate(let refused):
                refusedCount += 1
                let rejected: Bool
                if case .rejectedCreate = request { rejected = true } else { rejected = false }
                creates.append(PendingCreate(
                    order: order, at: refused.at, externalID: refused.runReference ?? "refused#\(refusedCount)",
                    reference: refused.runReference, threadID: refused.threadID,
                    // Only `reject` is answered 409; the server log does not carry the body.
                    strategy: refused.strategy ?? (rejected ? .reject : nil), ifNotExists: refused.ifNotExists,
                    after: nil, endpoint: refused.endpoint, work: refused.work,
                    refusal: rejected ? .rejected : .notFound))
            case .cancel(let cancel): others.append((cancel.at, order, .cancel(cancel)))
            case .bulkCancel(let cancel): others.append((cancel.at, order, .bulkCancel(cancel)))
            case .join(let join): others.append((join.at, order, .join(join)))
            case .delete(let delete): others.append((delete.at, order, .delete(delete)))
            }
        case .outcome(let outcome):
            outcomes[outcome.runID] = outcome
            for time in [outcome.createdAt, outcome.startedAt, outcome.endedAt] { if let time { see(time) } }
        case .threadOutcome:
            break
        }
    }

    private mutating func see(_ time: Timestamp) {
        if firstTime.map({ time < $0 }) ?? true { firstTime = time }
        if lastTime.map({ time > $0 }) ?? true { lastTime = time }
    }

    /// Builds the input: interns ids in first-seen order, chooses each run's work and request
    /// time, and sorts the requests by time.
    public func finish() -> ReplayInput {
        var notes: [String] = []
        var interner = IDInterner()
        var runs: [TraceRun] = []
        var runIndex: [String: Int] = [:]
        var timed: [(at: Timestamp, order: Int, request: ReplayRequest)] = []
        var estimatedWork = 0
        var unknownWorkRuns = 0
        var spreadExecution = 0
        var calibratedSteps = 0
        for create in creates.sorted(by: { $0.order < $1.order }) {
            let thread = interner.threadID(create.threadID)
            _ = interner.runID(create.externalID)
            let outcome = create.refusal == nil ? outcomes[create.externalID] : nil
            let after = create.after ?? .zero
            // The server's insert time (created_at − after_seconds) orders creates as the server
            // saw them; the client's issue time is a few ms earlier.
            var at = create.at
            if let createdAt = outcome?.createdAt, createdAt + Microseconds(-after.count) >= create.at { at = createdAt + Microseconds(-after.count) }
            var work: [Microseconds]
            var source: TraceRun.WorkSource
            if let steps = create.work, useRecordedExecution, let outcome, outcome.status == .run(.success),
               let execution = outcome.execution, !steps.isEmpty
            {
                // The run's own recorded execution, spread over its steps: the sleeps plus an
                // equal share of what the real graph spent besides sleeping.
                let slept = steps.reduce(Int64(0)) { $0 + $1.count }
                let extra = max(0, execution.count - slept)
                let share = extra / Int64(steps.count)
                work = steps.enumerated().map { index, step in
                    Microseconds(step.count + share + (index == 0 ? extra - share * Int64(steps.count) : 0))
                }
                source = .recordedExecution
                spreadExecution += 1
            } else if let steps = create.work {
                work = steps.enumerated().map { index, step in
                    step + overhead.perStep + (index == 0 ? overhead.startup : .zero)
                }
                if work.isEmpty { work = [overhead.startup] }
                source = .trace
                calibratedSteps += 1
            } else if let outcome, outcome.status == .run(.success) || outcome.status == .run(.error),
                      let execution = outcome.execution
            {
                work = [execution]
                source = .recordedExecution
                estimatedWork += 1
            } else {
                work = [unknownWork]
                source = .unknown
                unknownWorkRuns += 1
            }
            // A thread the trace shows to exist (the run was accepted, or refused with 409) is
            // created on first use; a 404 keeps the request's own if_not_exists.
            let ifNotExists: IfNotExists = create.refusal == .notFound ? (create.ifNotExists ?? .reject) : .create
            let request = CreateRun(
                threadID: thread, strategy: create.strategy ?? .enqueue, ifNotExists: ifNotExists, after: after,
                work: work, subscribed: create.endpoint.subscribes, at: at)
            var recordedStatus: ReplayStatus = create.refusal ?? .unknown
            if let outcome { recordedStatus = ReplayStatus(outcome.status) }
            var queueWait = outcome?.queueWait
            if let wait = queueWait, wait.count < 0 { queueWait = .zero }
            let index = runs.count
            runIndex[create.externalID] = index
            runs.append(TraceRun(
                index: index, externalID: create.externalID, reference: create.reference,
                threadExternalID: create.threadID, thread: thread, request: request, workSource: source,
                recordedStatus: recordedStatus, recordedCreatedAt: outcome?.createdAt,
                recordedStartedAt: outcome?.startedAt, recordedEndedAt: outcome?.endedAt,
                recordedQueueWait: queueWait, recordedEagerDelete: outcome?.eagerlyDeleted ?? false))
            timed.append((at, create.order, .create(run: index)))
        }
        if estimatedWork > 0 {
            notes.append("\(estimatedWork) runs: work is one step of the recorded execution time (the server log does not list steps)")
        }
        if spreadExecution > 0 {
            notes.append("\(spreadExecution) completed runs: work is their recorded execution time spread over their steps")
        }
        if calibratedSteps > 0 {
            notes.append("\(calibratedSteps) runs: work is steps × step_ms + \(overhead.startup.count / 1_000) ms + \(overhead.perStep.count / 1_000) ms per step (calibrated overhead)")
        }
        if unknownWorkRuns > 0 {
            notes.append("\(unknownWorkRuns) runs never ended on their own in the recording: their work is unknown, a \(unknownWork.count / 1_000_000) s placeholder is used")
        }
        var inferredWaits = 0
        for (at, order, other) in others {
            switch other {
            case .cancel(let cancel):
                let run = runIndex[cancel.runID]
                var wait = cancel.wait ?? false
                if cancel.wait == nil, cancel.action == .rollback, let run, !runs[run].recordedEagerDelete,
                   runs[run].recordedStatus != .run(.success)
                {
                    // The server log does not show `wait=true`; a rollback that did not delete
                    // eagerly had a subscriber.
                    wait = true
                    inferredWaits += 1
                }
                // The server's `Cancelled runs` line times the cancel exactly when it hit.
                var time = at
                if let run, let outcome = outcomes[runs[run].externalID],
                   let mark = outcome.cancels.first(where: { $0.action == cancel.action && $0.at >= at && $0.at - at < .seconds(1) })
                {
                    time = mark.at
                }
                timed.append((time, order, .cancel(run: run, externalID: cancel.runID, action: cancel.action, wait: wait, at: time)))
            case .bulkCancel(let cancel):
                if cancel.runIDs == nil && cancel.status == nil {
                    notes.append("a bulk cancel answered \(cancel.statusCode.map(String.init) ?? "?") without a body in the log is skipped")
                    continue
                }
                let thread = cancel.threadID.flatMap { interner.existingThreadID($0) }
                let members = cancel.runIDs?.compactMap { runIndex[$0] }
                timed.append((at, order, .bulkCancel(thread: thread, runs: members, status: cancel.status, action: cancel.action, at: at)))
            case .join(let join):
                timed.append((at, order, .join(run: runIndex[join.runID], externalID: join.runID, at: at)))
            case .delete(let delete):
                timed.append((at, order, .delete(run: runIndex[delete.runID], externalID: delete.runID, at: at)))
            }
        }
        if inferredWaits > 0 {
            notes.append("\(inferredWaits) rollback cancels without an eager delete in the log are replayed with wait=true (a subscriber)")
        }
        timed.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        return ReplayInput(
            format: format, slots: server.slots, pollInterval: server.pollInterval, runs: runs,
            requests: timed.map { ($0.at, $0.request) }, interner: interner, firstTime: firstTime,
            lastTime: lastTime, notes: notes)
    }
}
