import EventLog
import RunLifecycle

// Event bodies. Tag flags (low three bits) per kind; body fields in order, all varints:
//
//  0 threadCreated      flags temporary | status << 1            thread
//  1 created            flags subscribed | strategy << 1         run thread assistant zz(after) work
//  2 rejected           flags hasThread | strategy << 1          [thread] reason [runs]
//  3 started            flags attempt (7: a varint follows)      run thread [attempt]
//  4 checkpointed       flags hasNext | hasStep << 1 | hasCheckpointStep << 2
//                                                                run thread [step] [zz(checkpoint step)]
//  5 succeeded                                                   run thread
//  6 failed             flags cause                              run thread
//  7 timedOut                                                    run thread
//  8 retried            flags cause                              run thread
//  9 interrupted        flags action | cause << 1                run thread [zz(superseder - run)]
// 10 rolledBack         flags stage                              run thread
// 11 deleted                                                     run thread
// 12 workerStopped      flags final write                        run thread
// 13 subscribed         flags waits                              run thread
// 14 unsubscribed                                                run thread
// 15 joinAnswered       flags run status, 6 = run not found      run
// 16 threadStatusChanged flags status                            thread
// 17 threadValuesCached                                          thread run
// 18 threadDeleted                                               thread
// 19 cancelRefused      flags hasRun | reason << 1               [run]
// 20 commandRefused     flags hasRun                             [run] command << 3 | reason
// 21 serverRestarted    flags attemptCountersReset
//
// A rejection's reason is 0 for threadNotFound, or n + 1 for threadBusy followed by n ascending
// run ids: the first, then each gap minus one.

extension JournalCodec {
    /// Appends `event`'s record body to `buffer`; its time goes into the log record's timestamp.
    /// Throws ``JournalError/invalidEvent(_:)`` for an event that fails ``problem(in:)``, and
    /// then leaves `buffer` as it was.
    public static func encode(_ event: Event, into buffer: inout [UInt8]) throws(JournalError) {
        _ = try withUnsafePointer(to: event) { (event) throws(JournalError) in try appendBody(ofEventAt: event, to: &buffer) }
    }

    /// The most bytes the body of any event that passes its check can take: what the writer
    /// reserves to encode every event in place, with no size check per event. The largest is a
    /// `created` with the most steps: a tag, three ids of at most 5 bytes, two varints of at most
    /// 10, then at most 10 bytes per step. A rejection naming the most runs takes less (16, then
    /// 5 per run), `checkpointed` at most 31. Each check runs before any byte is written, so an
    /// event over the limits never writes past this.
    static var largestBodyBytes: Int { 48 + 10 * JournalFormat.maximumWorkSteps }

    /// Appends the record body of the event at `event` to `buffer` and returns the event's time
    /// in microseconds. Each layout is checked (``problem(in:)``'s rule for it) before any byte
    /// is written.
    ///
    /// It reads the event through its pointer, and the switch is on `pointee`: then each case
    /// loads its fields whole and nothing is copied. Switching on an `Event` value, the compiler
    /// loads the payload as the byte-sized pieces all cases share (some case has a Bool or an
    /// optional id where another has a UInt32) and reassembles every id from them; and one read
    /// from memory would be copied (retained, then released) whenever a byte store of the
    /// encoder might overwrite it.
    ///
    /// The switch names the case alone and each case then binds its own fields (a match that
    /// cannot fail): binding in the switch's patterns made every event load all six words of
    /// any payload before the jump, and keep them in registers across it; now an event loads
    /// only the words its case reads (callgrind, 100k customers: -5 instructions per event).
    @inline(__always)
    static func appendBody(ofEventAt event: UnsafePointer<Event>, to buffer: inout some ByteSink) throws(JournalError) -> Int64 {
        switch event.pointee {
        case .threadCreated:
            guard case let .threadCreated(thread, temporary, status, at) = event.pointee else { preconditionFailure() }
            if let problem = problem(inCreatedThread: thread) { throw .invalidEvent(problem) }
            buffer.append(JournalFormat.tag(.threadCreated, (temporary ? 1 : 0) | status.rawValue << 1))
            buffer.appendVarint(thread.rawValue)
            return at.microsecondsSinceEpoch
        case .created:
            guard case let .created(created) = event.pointee else { preconditionFailure() }
            if !passesCheck(created) { throw .invalidEvent(problem(ofEventAt: event)) }
            buffer.append(JournalFormat.tag(.created, (created.subscribed ? 1 : 0) | created.strategy.rawValue << 1))
            buffer.appendVarint(created.runID.rawValue)
            buffer.appendVarint(created.threadID.rawValue)
            buffer.appendVarint(created.assistantID.rawValue)
            buffer.appendZigzag(created.after.count)
            encodeWork(created.work, into: &buffer)
            return created.requestedAt.microsecondsSinceEpoch
        case .rejected:
            guard case let .rejected(thread, strategy, reason, at) = event.pointee else { preconditionFailure() }
            if case let .threadBusy(inFlight) = reason, let problem = problem(inRejectedRuns: inFlight) {
                throw .invalidEvent(problem)
            }
            buffer.append(JournalFormat.tag(.rejected, (thread != nil ? 1 : 0) | strategy.rawValue << 1))
            if let thread { buffer.appendVarint(thread.rawValue) }
            switch reason {
            case .threadNotFound:
                buffer.append(0)
            case let .threadBusy(inFlight):
                buffer.appendVarint(UInt64(inFlight.count) + 1)
                var previous: UInt32?
                for run in inFlight {
                    buffer.appendVarint(previous.map { run.rawValue - $0 - 1 } ?? run.rawValue)
                    previous = run.rawValue
                }
            }
            return at.microsecondsSinceEpoch
        case .started:
            guard case let .started(run, thread, attempt, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.started, attempt < 7 ? UInt8(attempt) : 7))
            appendRunThread(run, thread, &buffer)
            if attempt >= 7 { buffer.appendVarint(attempt) }
            return at.microsecondsSinceEpoch
        case .checkpointed:
            guard case let .checkpointed(checkpointed) = event.pointee else { preconditionFailure() }
            if let problem = problem(in: checkpointed) { throw .invalidEvent(problem) }
            let flags = (checkpointed.hasNext ? 1 : 0) | (checkpointed.stepIndex != nil ? 2 : 0)
                | (checkpointed.checkpointStep != nil ? 4 : 0)
            buffer.append(JournalFormat.tag(.checkpointed, UInt8(flags)))
            appendRunThread(checkpointed.runID, checkpointed.threadID, &buffer)
            // In 0 ..< maximumWorkSteps (checked above): its bits are the value, with no trap.
            if let step = checkpointed.stepIndex { buffer.appendVarint(UInt64(truncatingIfNeeded: step)) }
            if let checkpointStep = checkpointed.checkpointStep { buffer.appendZigzag(checkpointStep) }
            return checkpointed.at.microsecondsSinceEpoch
        case .succeeded:
            guard case let .succeeded(run, thread, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.succeeded))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .failed:
            guard case let .failed(run, thread, cause, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.failed, cause.rawValue))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .timedOut:
            guard case let .timedOut(run, thread, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.timedOut))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .retried:
            guard case let .retried(run, thread, cause, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.retried, cause.rawValue))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .interrupted:
            guard case let .interrupted(run, thread, action, cause, at) = event.pointee else { preconditionFailure() }
            let causeCode: UInt8
            switch cause {
            case .supersededBy: causeCode = 0
            case .cancelRequest: causeCode = 1
            case .bulkCancelRequest: causeCode = 2
            }
            buffer.append(JournalFormat.tag(.interrupted, action.rawValue | causeCode << 1))
            appendRunThread(run, thread, &buffer)
            if case let .supersededBy(successor) = cause {
                buffer.appendZigzag(Int64(successor.rawValue) - Int64(run.rawValue))
            }
            return at.microsecondsSinceEpoch
        case .rolledBack:
            guard case let .rolledBack(run, thread, stage, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.rolledBack, stage.rawValue))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .deleted:
            guard case let .deleted(run, thread, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.deleted))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .workerStopped:
            guard case let .workerStopped(run, thread, finalWrite, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.workerStopped, finalWrite.rawValue))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .subscribed:
            guard case let .subscribed(run, thread, waits, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.subscribed, waits ? 1 : 0))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .unsubscribed:
            guard case let .unsubscribed(run, thread, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.unsubscribed))
            appendRunThread(run, thread, &buffer)
            return at.microsecondsSinceEpoch
        case .joinAnswered:
            guard case let .joinAnswered(run, answer, at) = event.pointee else { preconditionFailure() }
            let code: UInt8
            switch answer {
            case let .finished(status): code = status.rawValue
            case .runNotFound: code = 6
            }
            buffer.append(JournalFormat.tag(.joinAnswered, code))
            buffer.appendVarint(run.rawValue)
            return at.microsecondsSinceEpoch
        case .threadStatusChanged:
            guard case let .threadStatusChanged(thread, status, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.threadStatusChanged, status.rawValue))
            buffer.appendVarint(thread.rawValue)
            return at.microsecondsSinceEpoch
        case .threadValuesCached:
            guard case let .threadValuesCached(thread, run, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.threadValuesCached))
            buffer.appendVarint(thread.rawValue)
            buffer.appendVarint(run.rawValue)
            return at.microsecondsSinceEpoch
        case .threadDeleted:
            guard case let .threadDeleted(thread, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.threadDeleted))
            buffer.appendVarint(thread.rawValue)
            return at.microsecondsSinceEpoch
        case .cancelRefused:
            guard case let .cancelRefused(run, reason, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.cancelRefused, (run != nil ? 1 : 0) | reason.rawValue << 1))
            if let run { buffer.appendVarint(run.rawValue) }
            return at.microsecondsSinceEpoch
        case .commandRefused:
            guard case let .commandRefused(run, command, reason, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.commandRefused, run != nil ? 1 : 0))
            if let run { buffer.appendVarint(run.rawValue) }
            buffer.append(command.rawValue << 3 | reason.rawValue)
            return at.microsecondsSinceEpoch
        case .serverRestarted:
            guard case let .serverRestarted(reset, at) = event.pointee else { preconditionFailure() }
            buffer.append(JournalFormat.tag(.serverRestarted, reset ? 1 : 0))
            return at.microsecondsSinceEpoch
        }
    }

    @inline(__always)
    private static func appendRunThread(_ run: RunID, _ thread: ThreadID, _ buffer: inout some ByteSink) {
        buffer.appendVarint(run.rawValue)
        buffer.appendVarint(thread.rawValue)
    }
}
