// The entry point for each event: one switch over the event, whose every case does the
// common bookkeeping before and after its observer. Reading the time, whether the event is a
// refusal and what the next event may need of it each used to be a switch of its own over the
// big `Event` enum (about 50 instructions each, the payload bytes being unpacked every time).
import RunLifecycle

extension InvariantChecker {
    /// Checks one event. `sequence` is its position in the stream (contiguous).
    public mutating func observe(_ event: Event, sequence: UInt64) {
        // A batch of one: its sequence test is the one each event made on its own, so the
        // observers are inlined into one dispatch only.
        withUnsafePointer(to: event) { observe(contentsOf: UnsafeBufferPointer(start: $0, count: 1), firstSequence: sequence) }
    }

    /// Checks the events of a batch in order, the first at `firstSequence`, reading each where
    /// it lies: taking each by value cost a move out of the batch and back (or a copy) per
    /// event, and the uniqueness check and the count are done once for the batch.
    public mutating func observe(contentsOf events: UnsafeBufferPointer<Event>, firstSequence: UInt64) {
        guard let base = events.baseAddress, !events.isEmpty else { return }
        observedEventCount += events.count
        makeTablesUnique()
        // Only the first event can break the sequence: each later one follows the one before
        // by construction, so its test (about 8 instructions per event) is done here once.
        if let last = lastSequence, firstSequence != last &+ 1 {
            reportBatchSequenceGap(after: last, firstEvent: base, firstSequence: firstSequence)
        }
        // Each event writes only the sequence (see ``lastSequenceValue``); the first one's
        // `enter` writes it before anything reads it.
        hasLastSequence = true
        var sequence = firstSequence
        for index in 0..<events.count {
            observeInPlace(base + index, sequence: sequence)
            sequence &+= 1
        }
    }

    /// The gap before a batch, reported before anything else of the batch's first event.
    @inline(never) private mutating func reportBatchSequenceGap(
        after last: UInt64, firstEvent: UnsafePointer<Event>, firstSequence: UInt64
    ) {
        // A note of the previous event's run holds for the next sequence number only; after a
        // gap (a sequence seen again, say) that number may name another event.
        recentRunNextSequence = .max
        reportSequenceGap(after: last, EventReference(sequence: firstSequence, at: firstEvent.pointee.at))
    }

    /// One event of a batch: the tables are already unique and `sequence` follows the last one.
    ///
    /// Only the kinds of the usual run (thread created, created, started, checkpointed,
    /// succeeded, status written, values cached) are handled here; the others go through one
    /// call (``observeRarely(_:sequence:)``). A small dispatch leaves room for
    /// its observers to be inlined (see ``observeCreated(_:_:)``).
    @inline(__always) private mutating func observeInPlace(_ event: UnsafePointer<Event>, sequence: UInt64) {
        // The cases bind nothing and each takes its payload apart on its own: with the
        // bindings in the cases, every event unpacked every payload byte of the enum into
        // registers before the jump (about 60 instructions); this way a case reads its fields.
        switch event.pointee {
        case .threadCreated:
            freeHeadRun = -1
            guard case .threadCreated(let threadID, let temporary, let status, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeThreadCreated(threadID, temporary: temporary, status: status, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .created:
            freeHeadRun = -1
            guard let facts = CreatedFacts(event) else { return }
            let reference = enter(event, at: facts.requestedAt, sequence: sequence, isRefusal: false)
            observeCreated(facts, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .started:
            freeHeadRun = -1
            guard case .started(let runID, let threadID, let attempt, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeStarted(runID, threadID, attempt: attempt, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .checkpointed:
            guard case .checkpointed(let checkpointed) = event.pointee else { return }
            let reference = enter(event, at: checkpointed.at, sequence: sequence, isRefusal: false)
            observeCheckpointed(checkpointed, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .succeeded:
            guard case .succeeded(let runID, _, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeWorkerEnded(runID, status: .success, cause: nil, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .threadStatusChanged:
            guard case .threadStatusChanged(let threadID, let status, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeThreadStatusChanged(threadID, status: status, reference)
            if status == .busy {
                previousEventThread = threadID
                previousEventReference = reference
            }
            leave(reference, isRefusal: false, previous: status == .busy ? .busyWrite : .other)
        case .threadValuesCached:
            guard case .threadValuesCached(let threadID, let runID, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeValuesCached(threadID, runID: runID, reference)
            leave(reference, isRefusal: false, previous: .other)
        // Listed rather than `default`: with a default case the event was copied out of the
        // batch (its payload retained) before the jump.
        case .rejected, .failed, .timedOut, .retried, .interrupted, .rolledBack, .deleted, .workerStopped,
            .subscribed, .unsubscribed, .joinAnswered, .threadDeleted, .cancelRefused, .commandRefused, .serverRestarted:
            observeRarely(event, sequence: sequence)
        }
    }

    /// The event kinds a usual run does not produce: refusals, retries, cancellation, joins,
    /// deletions, failures, time-outs and restarts.
    @inline(never) private mutating func observeRarely(_ event: UnsafePointer<Event>, sequence: UInt64) {
        switch event.pointee {
        case .rejected:
            freeHeadRun = -1
            guard case .rejected(let threadID, let strategy, let reason, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: true)
            observeRejected(threadID, strategy: strategy, reason: reason, reference)
            previousEventThread = threadID
            previousEventReference = reference
            leave(reference, isRefusal: true, previous: .rejected)
        case .failed:
            guard case .failed(let runID, _, let cause, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeWorkerEnded(runID, status: .error, cause: cause, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .timedOut:
            guard case .timedOut(let runID, _, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeWorkerEnded(runID, status: .timeout, cause: nil, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .retried:
            freeHeadRun = -1
            guard case .retried(let runID, _, _, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeRetried(runID, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .interrupted:
            freeHeadRun = -1
            guard case .interrupted(let runID, _, let action, let cause, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeInterrupted(runID, action: action, cause: cause, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .rolledBack:
            freeHeadRun = -1
            guard case .rolledBack(let runID, _, let stage, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeRolledBack(runID, stage: stage, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .deleted:
            freeHeadRun = -1
            guard case .deleted(let runID, let threadID, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeDeleted(runID, threadID: threadID, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .workerStopped:
            freeHeadRun = -1
            guard case .workerStopped(let runID, _, let finalWrite, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeWorkerStopped(runID, finalWrite: finalWrite, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .subscribed:
            freeHeadRun = -1
            guard case .subscribed(let runID, _, let waits, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeSubscribed(runID, waits: waits, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .unsubscribed:
            freeHeadRun = -1
            guard case .unsubscribed(let runID, _, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeUnsubscribed(runID, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .joinAnswered:
            freeHeadRun = -1
            guard case .joinAnswered(let runID, let answer, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeJoinAnswered(runID, answer: answer, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .threadDeleted:
            freeHeadRun = -1
            guard case .threadDeleted(let threadID, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            observeThreadDeleted(threadID, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .cancelRefused:
            freeHeadRun = -1
            guard case .cancelRefused(let runID, let reason, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: true)
            observeCancelRefused(runID, reason: reason, reference)
            leave(reference, isRefusal: true, previous: .other)
        case .commandRefused:
            freeHeadRun = -1
            guard case .commandRefused(_, _, _, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: true)
            leave(reference, isRefusal: true, previous: .other)
        case .serverRestarted:
            freeHeadRun = -1
            guard case .serverRestarted(let attemptCountersReset, let at) = event.pointee else { return }
            let reference = enter(event, at: at, sequence: sequence, isRefusal: false)
            queueDownUntil = at + configuration.restartDowntime
            observeServerRestarted(attemptCountersReset: attemptCountersReset, reference)
            leave(reference, isRefusal: false, previous: .other)
        case .threadCreated, .created, .started, .checkpointed, .succeeded, .threadStatusChanged, .threadValuesCached:
            // Handled by ``observeInPlace(_:sequence:)``.
            break
        }
    }

    /// Before an event's observer: the sequence and time checks (a later time settles the
    /// decisions at the earlier one) and the failure a previous start may await.
    @inline(__always) private mutating func enter(
        _ event: UnsafePointer<Event>, at: Timestamp, sequence: UInt64, isRefusal: Bool
    ) -> EventReference {
        let reference = EventReference(sequence: sequence, at: at)
        // The sequence was checked for the batch (see ``observe(contentsOf:firstSequence:)``).
        // The checks below are inlined tests; only a failure leaves for a call.
        lastSequenceValue = sequence
        // Only the rare paths below need the whole event: with one call site for both, the
        // event is rebuilt in memory only there (with two, every event paid for building it).
        var wentBack = false
        if !isRefusal {
            if let latest = latestTime {
                if at > latest {
                    timeAdvanced(to: at, reference)
                } else if at < latest {
                    wentBack = true
                }
            } else {
                latestTime = at
            }
        }
        if wentBack || awaitingMaximumAttemptFailure != nil { enterRarely(event.pointee, timeWentBack: wentBack, reference) }
        return reference
    }

    /// After an event's observer: the stall clock and head-of-line coverage, and what the next
    /// event may need of this one.
    @inline(__always) private mutating func leave(_ reference: EventReference, isRefusal: Bool, previous: PreviousEventKind) {
        if !isRefusal {
            // No stall clock running, and nothing pending, no free slot, or the oldest pending
            // run not due yet (most events, below saturation and above): there is no candidate
            // and no block, so ``afterStateChange(at:)`` would only clear the flag (a stall
            // clock without a run is the initial one). Its walks stop at the same tests.
            //
            // Without a poll interval the stall clock stays empty, and a due oldest run whose
            // thread is free is the dispatch candidate at rank 0, so there is no block either
            // (the usual state just after a worker ends: its slot free, the next run due).
            // ``afterStateChange(at:)`` finds the same, with a call and a walk. Without a poll
            // interval a block needs more pending runs than free slots, too: with no more (the
            // usual state just after a worker ends at a busy server, one run waiting for the
            // freed slot) the head's thread is not even looked at.
            let head = globalPending.head
            if stallIdle
                && (head < 0 || executingCount >= configuration.slotCount
                    || runs[Int(head)].createdAt >= reference.at
                    || (configuration.pollInterval == nil
                        && (globalPending.count <= configuration.slotCount - executingCount
                            || head == freeHeadRun || isThreadFreeRemembered(ofRun: head))))
            {
                inHeadOfLineBlock = false
            } else {
                afterStateChange(at: reference.at)
            }
        }
        previousEventKind = previous
    }

    /// Whether the thread of the pending run in `run` is free, remembering the run when it is
    /// (see ``freeHeadRun``).
    @inline(__always) private mutating func isThreadFreeRemembered(ofRun run: Int32) -> Bool {
        if isThreadBlocked(ofRun: Int(run)) { return false }
        freeHeadRun = run
        return true
    }
}
