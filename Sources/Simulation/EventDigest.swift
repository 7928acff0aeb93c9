// A canonical byte encoding of events for digests: every field that distinguishes two events
// is mixed in a fixed order with fixed widths, so the digest is a fingerprint of the stream.
import RunLifecycle

/// Mixes events into an ``FNV1a64``.
public enum EventDigest {
    /// Mixes `event` into `hasher`: a case tag, then the case's fields.
    public static func mix(_ event: Event, into hasher: inout FNV1a64) {
        switch event {
        case .threadCreated(let thread, let temporary, let status, let at):
            tag(0, at, &hasher)
            hasher.mix(UInt64(thread.rawValue), width: 4)
            hasher.mix(byte: temporary ? 1 : 0)
            hasher.mix(byte: status.rawValue)
        case .created(let created):
            tag(1, created.requestedAt, &hasher)
            hasher.mix(UInt64(created.runID.rawValue), width: 4)
            hasher.mix(UInt64(created.threadID.rawValue), width: 4)
            hasher.mix(UInt64(created.assistantID.rawValue), width: 4)
            hasher.mix(byte: created.strategy.rawValue)
            hasher.mix(UInt64(bitPattern: created.after.count))
            hasher.mix(UInt64(created.work.count), width: 4)
            for step in created.work { hasher.mix(UInt64(bitPattern: step.count)) }
            hasher.mix(byte: created.subscribed ? 1 : 0)
        case .rejected(let thread, let strategy, let reason, let at):
            tag(2, at, &hasher)
            hasher.mix(UInt64(thread?.rawValue ?? 0), width: 4)
            hasher.mix(byte: strategy.rawValue)
            switch reason {
            case .threadBusy(let inFlight):
                hasher.mix(byte: 0)
                hasher.mix(UInt64(inFlight.count), width: 4)
                for run in inFlight { hasher.mix(UInt64(run.rawValue), width: 4) }
            case .threadNotFound:
                hasher.mix(byte: 1)
            }
        case .started(let run, let thread, let attempt, let at):
            tag(3, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(UInt64(attempt), width: 4)
        case .checkpointed(let checkpointed):
            tag(4, checkpointed.at, &hasher)
            ids(checkpointed.runID, checkpointed.threadID, &hasher)
            hasher.mix(UInt64(bitPattern: Int64(checkpointed.stepIndex ?? -1)))
            hasher.mix(UInt64(bitPattern: checkpointed.checkpointStep ?? Int64.min))
            hasher.mix(byte: checkpointed.hasNext ? 1 : 0)
        case .succeeded(let run, let thread, let at):
            tag(5, at, &hasher)
            ids(run, thread, &hasher)
        case .failed(let run, let thread, let cause, let at):
            tag(6, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(byte: cause.rawValue)
        case .timedOut(let run, let thread, let at):
            tag(7, at, &hasher)
            ids(run, thread, &hasher)
        case .retried(let run, let thread, let cause, let at):
            tag(8, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(byte: cause.rawValue)
        case .interrupted(let run, let thread, let action, let cause, let at):
            tag(9, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(byte: action.rawValue)
            switch cause {
            case .supersededBy(let successor):
                hasher.mix(byte: 0)
                hasher.mix(UInt64(successor.rawValue), width: 4)
            case .cancelRequest: hasher.mix(byte: 1)
            case .bulkCancelRequest: hasher.mix(byte: 2)
            }
        case .rolledBack(let run, let thread, let stage, let at):
            tag(10, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(byte: stage.rawValue)
        case .deleted(let run, let thread, let at):
            tag(11, at, &hasher)
            ids(run, thread, &hasher)
        case .workerStopped(let run, let thread, let finalWrite, let at):
            tag(12, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(byte: finalWrite.rawValue)
        case .subscribed(let run, let thread, let waits, let at):
            tag(13, at, &hasher)
            ids(run, thread, &hasher)
            hasher.mix(byte: waits ? 1 : 0)
        case .unsubscribed(let run, let thread, let at):
            tag(14, at, &hasher)
            ids(run, thread, &hasher)
        case .joinAnswered(let run, let answer, let at):
            tag(15, at, &hasher)
            hasher.mix(UInt64(run.rawValue), width: 4)
            switch answer {
            case .finished(let status): hasher.mix(byte: status.rawValue)
            case .runNotFound: hasher.mix(byte: 0xFF)
            }
        case .threadStatusChanged(let thread, let status, let at):
            tag(16, at, &hasher)
            hasher.mix(UInt64(thread.rawValue), width: 4)
            hasher.mix(byte: status.rawValue)
        case .threadValuesCached(let thread, let fromRun, let at):
            tag(17, at, &hasher)
            hasher.mix(UInt64(thread.rawValue), width: 4)
            hasher.mix(UInt64(fromRun.rawValue), width: 4)
        case .threadDeleted(let thread, let at):
            tag(18, at, &hasher)
            hasher.mix(UInt64(thread.rawValue), width: 4)
        case .cancelRefused(let run, let reason, let at):
            tag(19, at, &hasher)
            hasher.mix(UInt64(run?.rawValue ?? 0), width: 4)
            hasher.mix(byte: reason.rawValue)
        case .commandRefused(let run, let command, let reason, let at):
            tag(20, at, &hasher)
            hasher.mix(UInt64(run?.rawValue ?? 0), width: 4)
            hasher.mix(byte: command.rawValue)
            hasher.mix(byte: reason.rawValue)
        case .serverRestarted(let attemptCountersReset, let at):
            tag(21, at, &hasher)
            hasher.mix(byte: attemptCountersReset ? 1 : 0)
        }
    }

    private static func tag(_ tag: UInt8, _ at: Timestamp, _ hasher: inout FNV1a64) {
        hasher.mix(byte: tag)
        hasher.mix(UInt64(bitPattern: at.microsecondsSinceEpoch))
    }

    private static func ids(_ run: RunID, _ thread: ThreadID, _ hasher: inout FNV1a64) {
        hasher.mix(UInt64(run.rawValue), width: 4)
        hasher.mix(UInt64(thread.rawValue), width: 4)
    }
}
