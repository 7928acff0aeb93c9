import RunLifecycle

// Event bodies back into events: the layouts are listed in JournalCodec+Event.swift. Every
// field is range-checked where it is read, and the decoded event passes the paired check.

extension JournalCodec {
    static func decodeEvent(
        _ kind: JournalFormat.Kind, flags: UInt8, at: Timestamp, _ cursor: inout RecordCursor
    ) throws(JournalError) -> Event {
        /// Fails when flag bits above `usedBits` are set.
        func allowFlags(_ usedBits: UInt8) throws(JournalError) {
            if flags >> usedBits != 0 { throw cursor.failure(.reservedBitsSet(tag: kind.rawValue << 3 | flags), at: 0) }
        }
        /// The enum whose raw value the flags (shifted) hold.
        func flagEnum<T: RawRepresentable>(_ raw: UInt8, _ field: String) throws(JournalError) -> T where T.RawValue == UInt8 {
            guard let value = T(rawValue: raw) else { throw cursor.failure(.outOfRange(field: field, value: UInt64(raw)), at: 0) }
            return value
        }
        let event: Event
        switch kind {
        case .threadCreated:
            let status: ThreadStatus = try flagEnum(flags >> 1, "thread status")
            event = .threadCreated(thread: ThreadID(try cursor.readUInt32("thread")), temporary: flags & 1 != 0, status: status, at: at)
        case .created:
            let strategy: MultitaskStrategy = try flagEnum(flags >> 1, "strategy")
            let run = RunID(try cursor.readUInt32("run"))
            let thread = ThreadID(try cursor.readUInt32("thread"))
            let assistant = AssistantID(try cursor.readUInt32("assistant"))
            let afterOffset = cursor.offset
            let after = try cursor.readZigzag("after")
            guard !at.microsecondsSinceEpoch.addingReportingOverflow(after).overflow else {
                throw cursor.failure(.outOfRange(field: "after", value: zigzag(after)), at: afterOffset)
            }
            let work = try decodeWork(&cursor)
            event = .created(RunCreated(
                runID: run, threadID: thread, assistantID: assistant, strategy: strategy, requestedAt: at,
                after: Microseconds(after), work: work, subscribed: flags & 1 != 0))
        case .rejected:
            let strategy: MultitaskStrategy = try flagEnum(flags >> 1, "strategy")
            let thread = flags & 1 != 0 ? ThreadID(try cursor.readUInt32("thread")) : nil
            event = .rejected(thread: thread, strategy: strategy, reason: try decodeRejection(&cursor), at: at)
        case .started:
            let run = RunID(try cursor.readUInt32("run"))
            let thread = ThreadID(try cursor.readUInt32("thread"))
            var attempt = UInt32(flags)
            if flags == 7 {
                let attemptOffset = cursor.offset
                attempt = try cursor.readUInt32("attempt")
                guard attempt >= 7 else {
                    throw cursor.failure(.inconsistent("attempt \(attempt) belongs in the tag"), at: attemptOffset)
                }
            }
            event = .started(run: run, thread: thread, attempt: attempt, at: at)
        case .checkpointed:
            let run = RunID(try cursor.readUInt32("run"))
            let thread = ThreadID(try cursor.readUInt32("thread"))
            let step = flags & 2 != 0 ? try cursor.readCount("step index", limit: JournalFormat.maximumWorkSteps - 1) : nil
            let checkpointStep = flags & 4 != 0 ? try cursor.readZigzag("checkpoint step") : nil
            event = .checkpointed(Checkpointed(
                runID: run, threadID: thread, stepIndex: step, checkpointStep: checkpointStep, hasNext: flags & 1 != 0, at: at))
        case .succeeded:
            try allowFlags(0)
            event = .succeeded(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), at: at)
        case .failed:
            let cause: FailureCause = try flagEnum(flags, "failure cause")
            event = .failed(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), cause: cause, at: at)
        case .timedOut:
            try allowFlags(0)
            event = .timedOut(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), at: at)
        case .retried:
            let cause: RetryCause = try flagEnum(flags, "retry cause")
            event = .retried(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), cause: cause, at: at)
        case .interrupted:
            let action: CancelAction = try flagEnum(flags & 1, "cancel action")
            let run = RunID(try cursor.readUInt32("run"))
            let thread = ThreadID(try cursor.readUInt32("thread"))
            let cause: CancelCause
            switch flags >> 1 {
            case 0:
                let deltaOffset = cursor.offset
                let delta = try cursor.readZigzag("superseding run")
                let (successor, overflow) = Int64(run.rawValue).addingReportingOverflow(delta)
                guard !overflow, let raw = UInt32(exactly: successor) else {
                    throw cursor.failure(.outOfRange(field: "superseding run", value: zigzag(delta)), at: deltaOffset)
                }
                cause = .supersededBy(RunID(raw))
            case 1: cause = .cancelRequest
            case 2: cause = .bulkCancelRequest
            default: throw cursor.failure(.outOfRange(field: "cancel cause", value: UInt64(flags >> 1)), at: 0)
            }
            event = .interrupted(run: run, thread: thread, action: action, cause: cause, at: at)
        case .rolledBack:
            let stage: RollbackStage = try flagEnum(flags, "rollback stage")
            event = .rolledBack(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), stage: stage, at: at)
        case .deleted:
            try allowFlags(0)
            event = .deleted(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), at: at)
        case .workerStopped:
            let finalWrite: FinalWrite = try flagEnum(flags, "final write")
            event = .workerStopped(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), finalWrite: finalWrite, at: at)
        case .subscribed:
            try allowFlags(1)
            event = .subscribed(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), waits: flags & 1 != 0, at: at)
        case .unsubscribed:
            try allowFlags(0)
            event = .unsubscribed(run: RunID(try cursor.readUInt32("run")), thread: ThreadID(try cursor.readUInt32("thread")), at: at)
        case .joinAnswered:
            let answer: JoinAnswer
            if flags == 6 {
                answer = .runNotFound
            } else {
                answer = .finished(try flagEnum(flags, "join answer"))
            }
            event = .joinAnswered(run: RunID(try cursor.readUInt32("run")), answer: answer, at: at)
        case .threadStatusChanged:
            let status: ThreadStatus = try flagEnum(flags, "thread status")
            event = .threadStatusChanged(thread: ThreadID(try cursor.readUInt32("thread")), status: status, at: at)
        case .threadValuesCached:
            try allowFlags(0)
            event = .threadValuesCached(thread: ThreadID(try cursor.readUInt32("thread")), fromRun: RunID(try cursor.readUInt32("run")), at: at)
        case .threadDeleted:
            try allowFlags(0)
            event = .threadDeleted(thread: ThreadID(try cursor.readUInt32("thread")), at: at)
        case .cancelRefused:
            let reason: CancelRefusal = try flagEnum(flags >> 1, "cancel refusal")
            let run = flags & 1 != 0 ? RunID(try cursor.readUInt32("run")) : nil
            event = .cancelRefused(run: run, reason: reason, at: at)
        case .commandRefused:
            try allowFlags(1)
            let run = flags & 1 != 0 ? RunID(try cursor.readUInt32("run")) : nil
            let codeOffset = cursor.offset
            let code = try cursor.readByte("refused command")
            guard let command = CommandKind(rawValue: code >> 3) else {
                throw cursor.failure(.outOfRange(field: "refused command", value: UInt64(code >> 3)), at: codeOffset)
            }
            guard let reason = RefusalReason(rawValue: code & 7) else {
                throw cursor.failure(.outOfRange(field: "refusal reason", value: UInt64(code & 7)), at: codeOffset)
            }
            event = .commandRefused(run: run, command: command, reason: reason, at: at)
        case .serverRestarted:
            try allowFlags(1)
            event = .serverRestarted(attemptCountersReset: flags & 1 != 0, at: at)
        case .journal:
            preconditionFailure("decodeEvent called for a journal record")
        }
        // The paired check after decoding.
        if let problem = problem(in: event) { throw cursor.failure(.inconsistent(problem), at: 0) }
        return event
    }

    private static func decodeRejection(_ cursor: inout RecordCursor) throws(JournalError) -> CreateRejection {
        let code = try cursor.readCount("rejection", limit: JournalFormat.maximumRejectedRuns + 1)
        guard code > 0 else { return .threadNotFound }
        var runs: [RunID] = []
        runs.reserveCapacity(code - 1)
        var previous: UInt32?
        for _ in 1..<code {
            let idOffset = cursor.offset
            let raw = try cursor.readUInt32("in-flight run")
            guard let previousRaw = previous else {
                previous = raw
                runs.append(RunID(raw))
                continue
            }
            let (sum, overflow) = previousRaw.addingReportingOverflow(raw)
            guard !overflow, sum < UInt32.max else {
                throw cursor.failure(.outOfRange(field: "in-flight run", value: UInt64(raw)), at: idOffset)
            }
            previous = sum + 1
            runs.append(RunID(sum + 1))
        }
        return .threadBusy(inFlight: runs)
    }
}
