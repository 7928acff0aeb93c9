// A create and its recorded outcome become a run to play: the request time the server saw, the
// work to simulate, and the recorded truth to compare with. Plus the notes on what was assumed.
import RunLifecycle
import Traces

extension ReplayFeed {
    /// The run `create` makes, given its outcome (nil: refused, or the trace does not say).
    mutating func makeRun(_ create: PendingCreate, outcome: TraceOutcome?) -> TraceRun {
        let outcome = create.refusal == nil ? outcome : nil
        let after = create.after ?? .zero
        // The server's insert time (created_at − after_seconds) orders creates as the server
        // saw them; the client's issue time is a few ms earlier.
        var at = create.at
        if let createdAt = outcome?.createdAt, createdAt + Microseconds(-after.count) >= create.at {
            at = createdAt + Microseconds(-after.count)
        }
        var work: [Microseconds]
        var source: TraceRun.WorkSource
        if let steps = create.work, options.useRecordedExecution, let outcome, outcome.status == .run(.success),
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
            counts.spreadExecution += 1
        } else if let steps = create.work {
            let overhead = options.overhead
            work = steps.enumerated().map { index, step in
                step + overhead.perStep + (index == 0 ? overhead.startup : .zero)
            }
            if work.isEmpty { work = [overhead.startup] }
            source = .trace
            counts.calibratedSteps += 1
        } else if let outcome, outcome.status == .run(.success) || outcome.status == .run(.error),
                  let execution = outcome.execution
        {
            work = [execution]
            source = .recordedExecution
            counts.estimatedWork += 1
        } else {
            work = [options.unknownWork]
            source = .unknown
            counts.unknownWork += 1
        }
        // A thread the trace shows to exist (the run was accepted, or refused with 409) is
        // created on first use; a 404 keeps the request's own if_not_exists.
        let ifNotExists: IfNotExists = create.refusal == .notFound ? (create.ifNotExists ?? .reject) : .create
        let request = CreateRun(
            threadID: create.thread, strategy: create.strategy ?? .enqueue, ifNotExists: ifNotExists, after: after,
            work: work, subscribed: create.endpoint.subscribes, at: at)
        var recordedStatus: ReplayStatus = create.refusal ?? .unknown
        if let outcome { recordedStatus = ReplayStatus(outcome.status) }
        var queueWait = outcome?.queueWait
        if let wait = queueWait, wait.count < 0 { queueWait = .zero }
        return TraceRun(
            index: create.index, externalID: create.externalID, reference: create.reference,
            threadExternalID: create.threadID, thread: create.thread, request: request, workSource: source,
            recordedStatus: recordedStatus, recordedCreatedAt: outcome?.createdAt,
            recordedStartedAt: outcome?.startedAt, recordedEndedAt: outcome?.endedAt,
            recordedQueueWait: queueWait, recordedEagerDelete: outcome?.eagerlyDeleted ?? false)
    }

    /// What the replay assumed, in words, for the report.
    var notes: [String] {
        var notes: [String] = []
        let overhead = options.overhead
        if counts.estimatedWork > 0 {
            notes.append("\(counts.estimatedWork) runs: work is one step of the recorded execution time (the server log does not list steps)")
        }
        if counts.spreadExecution > 0 {
            notes.append("\(counts.spreadExecution) completed runs: work is their recorded execution time spread over their steps")
        }
        if counts.calibratedSteps > 0 {
            notes.append("\(counts.calibratedSteps) runs: work is steps × step_ms + \(overhead.startup.count / 1_000) ms + \(overhead.perStep.count / 1_000) ms per step (calibrated overhead)")
        }
        if counts.unknownWork > 0 {
            notes.append("\(counts.unknownWork) runs never ended on their own in the recording: their work is unknown, a \(options.unknownWork.count / 1_000_000) s placeholder is used")
        }
        for statusCode in counts.skippedBulkCancelCodes {
            notes.append("a bulk cancel answered \(statusCode.map(String.init) ?? "?") without a body in the log is skipped")
        }
        if counts.skippedBulkCancels > counts.skippedBulkCancelCodes.count {
            notes.append("\(counts.skippedBulkCancels - counts.skippedBulkCancelCodes.count) more bulk cancels without a body in the log are skipped")
        }
        if counts.inferredWaits > 0 {
            notes.append("\(counts.inferredWaits) rollback cancels without an eager delete in the log are replayed with wait=true (a subscriber)")
        }
        if counts.playedWithoutOutcome > 0 {
            notes.append("\(counts.playedWithoutOutcome) creates had no outcome within \(options.maximumLookahead.count / 1_000_000) s of trace: played with unknown work")
        }
        if counts.lateRequests > 0 {
            notes.append("\(counts.lateRequests) requests appear more than \(options.reorderWindow.count / 1_000_000) s out of time order in the trace: played late")
        }
        if counts.restatedSlots {
            notes.append("the trace states another slot count later on: the first one is used")
        }
        return notes
    }
}
