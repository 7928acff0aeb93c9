// Hand-written events: every case of every enum the codec stores, with edge values (the
// largest ids, empty work, huge durations, the largest attempt, negative checkpoint steps).

import Journal
import RunLifecycle

func at(_ microseconds: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: microseconds) }

let maxRun = RunID(.max)
let maxThread = ThreadID(.max)

/// One example per case and per value of every enum field, plus edge values.
let eventExamples: [Event] = {
    var events: [Event] = []
    for status in ThreadStatus.allCases {
        events.append(.threadCreated(thread: ThreadID(1), temporary: false, status: status, at: at(0)))
        events.append(.threadCreated(thread: maxThread, temporary: true, status: status, at: at(.max)))
    }
    let works: [[Microseconds]] = [
        [], [.zero], [.zero, .zero, .milliseconds(500), .milliseconds(500), .milliseconds(500)],
        [Microseconds(1), Microseconds(999), Microseconds(1_001)], [Microseconds(.max)], [Microseconds(.max - 999)],
        Array(repeating: .seconds(3), count: 300), [.seconds(1), .seconds(2), .seconds(1)],
    ]
    for strategy in MultitaskStrategy.allCases {
        for (index, work) in works.enumerated() {
            events.append(.created(RunCreated(
                runID: RunID(UInt32(index + 1)), threadID: ThreadID(3), assistantID: AssistantID(UInt32(index)),
                strategy: strategy, requestedAt: at(1_000), after: index == 2 ? .seconds(300) : .zero, work: work,
                subscribed: index % 2 == 0)))
        }
    }
    events.append(.created(RunCreated(
        runID: maxRun, threadID: maxThread, assistantID: AssistantID(.max), strategy: .enqueue,
        requestedAt: at(.min), after: Microseconds(.max), work: [Microseconds(7)], subscribed: true)))
    events.append(.created(RunCreated(
        runID: RunID(1), threadID: ThreadID(1), assistantID: AssistantID(1), strategy: .reject,
        requestedAt: at(.max), after: Microseconds(.min + 1), work: [], subscribed: false)))
    for strategy in MultitaskStrategy.allCases {
        events.append(.rejected(thread: ThreadID(2), strategy: strategy, reason: .threadNotFound, at: at(5)))
        events.append(.rejected(thread: nil, strategy: strategy, reason: .threadBusy(inFlight: []), at: at(5)))
    }
    events.append(.rejected(thread: maxThread, strategy: .reject, reason: .threadBusy(inFlight: [RunID(0), RunID(1), RunID(1_000), maxRun]), at: at(6)))
    events.append(.rejected(thread: ThreadID(4), strategy: .reject, reason: .threadBusy(inFlight: [RunID(.max - 1), maxRun]), at: at(6)))
    for attempt: UInt32 in [0, 1, 6, 7, 8, 300, .max] {
        events.append(.started(run: RunID(9), thread: ThreadID(2), attempt: attempt, at: at(10)))
    }
    for stepIndex: Int? in [nil, 0, 1, JournalFormat.maximumWorkSteps - 1] {
        for checkpointStep: Int64? in [nil, -1, 0, 41, .max, .min] {
            for hasNext in [false, true] {
                events.append(.checkpointed(Checkpointed(
                    runID: maxRun, threadID: ThreadID(1), stepIndex: stepIndex, checkpointStep: checkpointStep,
                    hasNext: hasNext, at: at(20))))
            }
        }
    }
    events.append(.succeeded(run: maxRun, thread: maxThread, at: at(30)))
    events.append(.succeeded(run: RunID(0), thread: ThreadID(0), at: at(30)))
    for cause in [FailureCause.graphError, .exceededMaxAttempts] {
        events.append(.failed(run: RunID(5), thread: ThreadID(1), cause: cause, at: at(31)))
    }
    events.append(.timedOut(run: RunID(5), thread: ThreadID(1), at: at(32)))
    for cause in [RetryCause.retriableError, .serverShutdown] {
        events.append(.retried(run: RunID(5), thread: ThreadID(1), cause: cause, at: at(33)))
    }
    for action in CancelAction.allCases {
        for cause in [CancelCause.supersededBy(RunID(6)), .supersededBy(RunID(0)), .supersededBy(maxRun), .cancelRequest, .bulkCancelRequest] {
            events.append(.interrupted(run: RunID(5), thread: ThreadID(1), action: action, cause: cause, at: at(34)))
        }
    }
    events.append(.interrupted(run: maxRun, thread: ThreadID(1), action: .rollback, cause: .supersededBy(RunID(0)), at: at(34)))
    for stage in [RollbackStage.eager, .byWorker] {
        events.append(.rolledBack(run: RunID(5), thread: ThreadID(1), stage: stage, at: at(35)))
    }
    events.append(.deleted(run: RunID(5), thread: ThreadID(1), at: at(36)))
    for finalWrite in [FinalWrite.interrupted, .rolledBack, .runMissing] {
        events.append(.workerStopped(run: RunID(5), thread: ThreadID(1), finalWrite: finalWrite, at: at(37)))
    }
    for waits in [false, true] {
        events.append(.subscribed(run: RunID(5), thread: ThreadID(1), waits: waits, at: at(38)))
    }
    events.append(.unsubscribed(run: RunID(5), thread: ThreadID(1), at: at(39)))
    for status in RunStatus.allCases {
        events.append(.joinAnswered(run: RunID(5), answer: .finished(status), at: at(40)))
    }
    events.append(.joinAnswered(run: maxRun, answer: .runNotFound, at: at(40)))
    for status in ThreadStatus.allCases {
        events.append(.threadStatusChanged(thread: ThreadID(1), status: status, at: at(41)))
    }
    events.append(.threadValuesCached(thread: maxThread, fromRun: maxRun, at: at(42)))
    events.append(.threadDeleted(thread: maxThread, at: at(43)))
    for reason in [CancelRefusal.notFound, .alreadyTerminal, .nothingToCancel] {
        events.append(.cancelRefused(run: RunID(5), reason: reason, at: at(44)))
        events.append(.cancelRefused(run: nil, reason: reason, at: at(44)))
    }
    let refusalReasons: [RefusalReason] = [
        .notFound, .notRunning, .noStepsLeft, .notExecuting, .noCancelSignal, .notSubscribed, .alreadySettled,
        .clockWentBackwards,
    ]
    for command in CommandKind.allCases {
        for reason in refusalReasons {
            events.append(.commandRefused(run: command.rawValue % 2 == 0 ? maxRun : nil, command: command, reason: reason, at: at(45)))
        }
    }
    for reset in [false, true] {
        events.append(.serverRestarted(attemptCountersReset: reset, at: at(46)))
    }
    return events
}()

/// The name of an event's case, to show that the examples cover every case.
func caseName(_ event: Event) -> String {
    String(String(describing: event).prefix { $0 != "(" })
}

/// Encodes `event` into a fresh buffer (tests only; the writer reuses one).
func encoded(_ event: Event) throws -> [UInt8] {
    var buffer: [UInt8] = []
    try JournalCodec.encode(event, into: &buffer)
    return buffer
}

/// Decodes an event record as if it were record `sequence`, at the event's time.
func decoded(_ bytes: [UInt8], at timestamp: Timestamp, sequence: UInt64 = 7) throws(JournalError) -> Event {
    try JournalCodec.decodeEvent(bytes[...], timestamp: timestamp.microsecondsSinceEpoch, sequence: sequence)
}

/// Decodes any record, returning the typed error instead of throwing it.
func decodeResult(_ bytes: ArraySlice<UInt8>, timestamp: Int64 = 0, sequence: UInt64 = 3) -> Result<JournalRecord, JournalError> {
    do throws(JournalError) {
        return .success(try JournalCodec.decode(bytes, timestamp: timestamp, sequence: sequence))
    } catch {
        return .failure(error)
    }
}
