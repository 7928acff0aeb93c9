// Run events: creation and strategies (rules 2-5), dequeue (1, 3, 7, 9), checkpoints and worker
// ends. Cancellation and deletion are in InvariantChecker+Cancellation.swift; looking records
// up and storing them back is in InvariantChecker+Records.swift.
import RunLifecycle

extension InvariantChecker {
    // MARK: Creation (rules 2, 4, 5, 12)

    mutating func observeCreated(_ created: CreatedFacts, _ reference: EventReference) {
        let runID = created.runID
        var refusalReported = false
        if case .rejected(let threadID, let previous) = previousEvent, threadID == created.threadID,
            previous.at == created.requestedAt, created.strategy == .reject
        {
            report(
                .rejectedCreateChangesNothing, events: [previous, reference], runs: [runID],
                threads: [created.threadID], expected: "the refused reject create on \(created.threadID) to insert nothing",
                observed: "created(\(runID)) right after the refusal")
            refusalReported = true
        }
        // A tracked run's fate cell stays `unseen` (the run table answers for it), so both
        // are asked: writing `tracked` cost a page write per run.
        guard runs.slot(of: runID) == nil, fates[runID] == .unseen else {
            report(
                .runIDUnique, events: [runs[runID]?.createdEvent, reference].compactMap { $0 }, runs: [runID],
                threads: [created.threadID], expected: "a fresh run id", observed: "created(\(runID)) reuses \(runID)")
            return
        }
        let thread = lastNotedSlot(of: created.threadID) ?? threadSlot(created.threadID)
        // The thread's record through one pointer, one bounds check (no thread is held anew
        // below; runs are, which moves only the run records).
        let record = threads.record(thread)
        let wasActive = record.pointee.isActive
        let victims = record.pointee.inFlight
        if created.strategy == .reject, !victims.isEmpty, !refusalReported {
            let victimIDs = runs.ids(of: victims, .inFlight)
            report(
                .rejectIffInFlight, events: [reference], runs: [runID] + victimIDs, threads: [created.threadID],
                expected: "409 for reject while \(victimIDs) in flight", observed: "created(\(runID))")
        }
        if let action = created.strategy.cancelAction, !victims.isEmpty {
            var pendingVictims = 0
            var chain = false
            var victim = victims.head
            while victim >= 0 {
                let slot = Int(victim)
                runs[slot].obligation = Obligation(action: action, by: runID, event: reference)
                if runs[slot].status == .pending {
                    pendingVictims += 1
                    if runs[slot].strategy == .interrupt { chain = true }
                }
                openObligations.append(runs[slot].id)
                victim = runs.next(victim, in: .inFlight)
            }
            if action == .interrupt {
                if pendingVictims >= 2 { coverage.interruptsHittingSeveralPendingRuns += 1 }
                if chain { coverage.interruptChains += 1 }
            }
        }
        let slot = runs.insert(ShadowRun(
            id: runID, threadID: created.threadID, requestedAt: created.requestedAt, createdAt: created.createdAt,
            ordinal: reference.sequence, strategy: created.strategy, workCount: created.workCount,
            createdEvent: reference, subscribers: created.subscribed ? 1 : 0, threadSlotHint: Int32(thread)))
        runs.insertByID(slot, into: &record.pointee.inFlight, .inFlight)
        runs.insertByPendingKey(slot, into: &record.pointee.pending, .threadPending)
        runs.insertByPendingKey(slot, into: &globalPending, .globalPending)
        record.pointee.lastCause = .other
        record.pointee.commit(wasActive: wasActive)
        markDirty(record.pointee.id, slot: thread)
        // The thread has the new run in flight; its start usually comes next.
        noteRecentRun(runID, slot: slot, thread: thread, reference)
    }

    mutating func observeRejected(
        _ threadID: ThreadID?, strategy: MultitaskStrategy, reason: CreateRejection, _ reference: EventReference
    ) {
        // A refusal changes nothing, so an evicted thread is not restored: it has nothing in
        // flight, and a `busy` write just before would have restored it.
        let thread = threadID.flatMap { threads.slot(of: $0) }
        switch reason {
        case .threadBusy(let listed):
            let inFlight = thread.map { threads[$0].inFlight } ?? RunList()
            if strategy != .reject {
                report(
                    .rejectIffInFlight, events: [reference], runs: listed, threads: threadID.map { [$0] } ?? [],
                    expected: "only the reject strategy answers 409", observed: "a \(strategy) create refused as busy")
            } else if inFlight.isEmpty || !runs.list(inFlight, .inFlight, equals: listed) {
                let inFlightIDs = runs.ids(of: inFlight, .inFlight)
                report(
                    .rejectIffInFlight, events: [reference], runs: listed + inFlightIDs, threads: threadID.map { [$0] } ?? [],
                    expected: inFlight.isEmpty ? "the reject create accepted (nothing in flight)" : "409 listing \(inFlightIDs)",
                    observed: "409 listing \(listed)")
            }
            var againstPending = false
            var againstDelayed = false
            var slot = inFlight.head
            while slot >= 0 {
                if runs[Int(slot)].status == .pending {
                    againstPending = true
                    if runs[Int(slot)].createdAt > reference.at { againstDelayed = true }
                }
                slot = runs.next(slot, in: .inFlight)
            }
            if againstPending { coverage.rejectsAgainstPendingRun += 1 }
            if againstDelayed { coverage.rejectsAgainstDelayedPendingRun += 1 }
            // A 409 changes nothing, so a status write just before it on the same thread broke that.
            if case .busyWrite(let written, let previous) = previousEvent, written == threadID, previous.at == reference.at,
                statusBeforeBusyWrite != .busy
            {
                let quirk: Quirk? = allows(.busyBeforeRejectCheck) ? .busyBeforeRejectCheck : nil
                report(
                    .rejectedCreateChangesNothing, quirk: quirk, events: [previous, reference],
                    threads: [written], expected: "a 409 create to leave \(written)'s status alone",
                    observed: "threadStatusChanged(busy) just before the refusal")
            }
        case .threadNotFound:
            if let threadID, threads.contains(threadID) {
                report(
                    .legalTransition, events: [reference], threads: [threadID],
                    expected: "404 only for a missing thread", observed: "404 for existing \(threadID)")
            }
        }
    }

    // MARK: Dequeue (rules 1, 3, 7, 9)

    mutating func observeStarted(_ runID: RunID, _ threadID: ThreadID, attempt: UInt32, _ reference: EventReference) {
        guard let slot = liveRecentRun(runID, .started(run: runID, thread: threadID, attempt: attempt, at: reference.at), reference)
        else { return }
        guard runs[slot].status == .pending else {
            report(
                .legalTransition, events: [runs[slot].workerEvent ?? runs[slot].createdEvent, reference], runs: [runID],
                expected: "only a pending run starts", observed: "started(\(runID)) while \(runs[slot].status)")
            return
        }
        if let obligation = runs[slot].obligation {
            reportBrokenObligation(obligation, run: runs[slot], observed: "started at \(reference.at)", reference)
            runs[slot].obligation = nil
        }
        // The fields used below, read once rather than copying the whole record.
        let runThread = runs[slot].threadID
        let createdAt = runs[slot].createdAt
        let requestedAt = runs[slot].requestedAt
        let createdEvent = runs[slot].createdEvent
        if reference.at < createdAt {
            report(
                .noStartBeforeCreatedAt, events: [createdEvent, reference], runs: [runID], threads: [runThread],
                expected: "\(runID) to start at or after its created_at \(createdAt)",
                observed: "started at \(reference.at)")
        }
        let thread = recentThreadSlot(ofRun: slot, reference)
        let wasActive = threads[thread].isActive
        let first = threads[thread].pending.head
        if first >= 0, runs[Int(first)].id != runID {
            let older = runs[Int(first)]
            report(
                .enqueueCreatedAtOrder, events: [older.createdEvent, createdEvent, reference],
                runs: [older.id, runID], threads: [runThread],
                expected: "\(older.id) (created_at \(older.createdAt)) to start before \(runID) (created_at \(createdAt))",
                observed: "started(\(runID)) while \(older.id) still pending")
        }
        var pending = first
        while pending >= 0 {
            if runs[Int(pending)].id != runID, runs[Int(pending)].requestedAt < requestedAt {
                coverage.delayedRunsOvertaken += 1
                break
            }
            pending = runs.next(pending, in: .threadPending)
        }
        if let running = threads[thread].running {
            report(
                .singleRunningRunPerThread, events: [runs[running]?.workerEvent, reference].compactMap { $0 },
                runs: [running, runID], threads: [runThread],
                expected: "no start on \(runThread) while \(running) is running", observed: "started(\(runID))")
        } else if threads[thread].executing.head >= 0 {
            let other = runs[Int(threads[thread].executing.head)]
            coverage.overlaps += 1
            let quirk: Quirk? = allows(.cancelledWorkerFreesThreadAtOnce) ? .cancelledWorkerFreesThreadAtOnce : nil
            report(
                .noExecutionOverlap, quirk: quirk, events: [other.endEvent, reference].compactMap { $0 },
                runs: [other.id, runID], threads: [runThread],
                expected: "no start on \(runThread) until the cancelled worker of \(other.id) stops",
                observed: "started(\(runID)) while that worker executes")
        }
        if executingCount >= configuration.slotCount {
            report(
                .slotCapacity, events: [reference], runs: [runID],
                expected: "at most \(configuration.slotCount) executing workers",
                observed: "started(\(runID)) with \(executingCount) already executing")
        }
        // The run's record through one pointer, one bounds check (no run is inserted here).
        let run = runs.record(slot)
        if attempt != run.pointee.attempt &+ 1 {
            report(
                .attemptCounting, events: [run.pointee.workerEvent ?? createdEvent, reference], runs: [runID],
                expected: "attempt \(run.pointee.attempt &+ 1) for \(runID)", observed: "attempt \(attempt)")
        }
        if attempt > configuration.maximumRetries { awaitingMaximumAttemptFailure = (runID, reference) }
        run.pointee.status = .running
        run.pointee.attempt = attempt
        run.pointee.executing = true
        run.pointee.signal = nil
        run.pointee.workerEvent = reference
        runs.remove(slot, from: &threads[thread].pending, .threadPending)
        runs.remove(slot, from: &globalPending, .globalPending)
        runs.append(slot, to: &threads[thread].executing, .executing)
        // The thread's record through one pointer too, once its lists are updated.
        let record = threads.record(thread)
        record.pointee.running = runID
        record.pointee.lastStartSequence = reference.sequence
        record.pointee.lastCause = .other
        executingCount += 1
        if executingCount == configuration.slotCount { coverage.slotsFilled += 1 }
        record.pointee.commit(wasActive: wasActive)
        markDirty(record.pointee.id, slot: thread)
        // The thread has the run executing; its input checkpoint usually comes next.
        noteRecentRun(runID, slot: slot, thread: thread, reference)
    }

    // MARK: Checkpoints

    mutating func observeCheckpointed(_ checkpointed: Checkpointed, _ reference: EventReference) {
        let runID = checkpointed.runID
        guard let slot = liveRecentRun(runID, .checkpointed(checkpointed), reference) else { return }
        // The records are reached through pointers, one bounds check each (no run or thread is
        // held anew below once the thread's slot is known).
        let run = runs.record(slot)
        guard run.pointee.status == .running, run.pointee.executing, run.pointee.signal == nil,
            checkpointed.threadID == run.pointee.threadID
        else {
            report(
                .legalTransition, events: [run.pointee.createdEvent, reference], runs: [runID],
                expected: "checkpoints only from \(runID)'s uncancelled running worker on \(run.pointee.threadID)",
                observed: "checkpointed(\(runID)) on \(checkpointed.threadID) while \(run.pointee.status)")
            return
        }
        let thread = recentThreadSlot(ofRun: slot, reference)
        let record = threads.record(thread)
        let wasActive = record.pointee.isActive
        let workCount = run.pointee.workCount
        let temporary = record.pointee.temporary
        let expectedHasNext: Bool
        if let stepIndex = checkpointed.stepIndex {
            if stepIndex != run.pointee.completedSteps || stepIndex >= workCount {
                report(
                    .legalTransition, events: [reference], runs: [runID],
                    expected: "step index \(run.pointee.completedSteps) of \(workCount)", observed: "step index \(stepIndex)")
            }
            expectedHasNext = stepIndex + 1 < workCount
        } else {
            if temporary || run.pointee.persistedCheckpoints > 0 {
                report(
                    .legalTransition, events: [reference], runs: [runID],
                    expected: "an input checkpoint only for a fresh run on a persistent thread",
                    observed: "input checkpoint of \(runID)")
            }
            expectedHasNext = true
        }
        if checkpointed.hasNext != expectedHasNext {
            report(
                .legalTransition, events: [reference], runs: [runID],
                expected: "hasNext \(expectedHasNext)", observed: "hasNext \(checkpointed.hasNext)")
        }
        if temporary {
            if checkpointed.checkpointStep != nil {
                report(
                    .legalTransition, events: [reference], runs: [runID], threads: [record.pointee.id],
                    expected: "no persisted checkpoint on temporary \(record.pointee.id)", observed: "checkpoint step persisted")
            }
        } else if let step = checkpointed.checkpointStep {
            if let expected = threads.expectedNextStep(thread), step != expected {
                reportCheckpointStep(step, expected: expected, thread: thread, runID: runID, reference)
                threads.forgetHistory(thread)
            }
            threads.appendCheckpoint(thread, runID: runID, step: step, hasNext: checkpointed.hasNext)
            run.pointee.persistedCheckpoints += 1
        } else {
            report(
                .legalTransition, events: [reference], runs: [runID], threads: [record.pointee.id],
                expected: "a persisted checkpoint step on \(record.pointee.id)", observed: "none")
        }
        if let stepIndex = checkpointed.stepIndex { run.pointee.completedSteps = max(run.pointee.completedSteps, stepIndex + 1) }
        record.pointee.cancelMarks = 0
        record.pointee.lastCause = .other
        record.pointee.commit(wasActive: wasActive)
        markDirty(record.pointee.id, slot: thread)
        // The run's end (or its next checkpoint) usually comes next. A thread record made
        // anew for the run (its thread was dropped under it) holds none of its runs and may be
        // evicted at the next boundary, so only an active thread is noted.
        if record.pointee.isActive { noteRecentRun(runID, slot: slot, thread: thread, reference) }
    }

    /// A checkpoint step that does not continue the surviving history: after a rollback a
    /// higher step means the victim's checkpoints were kept; after an interrupt a lower one
    /// means the interrupted runs' checkpoints were dropped.
    private mutating func reportCheckpointStep(
        _ step: Int64, expected: Int64, thread slot: Int, runID: RunID, _ reference: EventReference
    ) {
        let thread = threads[slot]
        if step > expected, let rollback = threads.rollbackSinceCheckpoint(slot) {
            report(
                .rollbackDeletesInFlight, events: [rollback, reference], runs: [runID], threads: [thread.id],
                expected: "step \(expected) after the rollback deleted the victim's checkpoints",
                observed: "step \(step) (the rolled-back run's checkpoints were kept)")
        } else if step < expected, let interrupt = threads.interruptSinceCheckpoint(slot) {
            report(
                .interruptCancelsInFlight, events: [interrupt, reference], runs: [runID], threads: [thread.id],
                expected: "step \(expected): an interrupt keeps the victim's checkpoints",
                observed: "step \(step) (checkpoints were dropped)")
        } else {
            report(
                .checkpointHistory, events: [thread.statusEvent, reference].compactMap { $0 }, runs: [runID],
                threads: [thread.id], expected: "checkpoint step \(expected) on \(thread.id)", observed: "step \(step)")
        }
    }

    // MARK: Worker ends

    mutating func observeWorkerEnded(_ runID: RunID, status: RunStatus, cause: FailureCause?, _ reference: EventReference) {
        // Built only for a report.
        var event: Event {
            switch status {
            case .success: .succeeded(run: runID, thread: ThreadID(0), at: reference.at)
            case .timeout: .timedOut(run: runID, thread: ThreadID(0), at: reference.at)
            default: .failed(run: runID, thread: ThreadID(0), cause: cause ?? .graphError, at: reference.at)
            }
        }
        guard let slot = liveRecentRun(runID, event, reference) else { return }
        // The run's record through one pointer, one bounds check (no run is inserted below).
        let run = runs.record(slot)
        guard run.pointee.status == .running, run.pointee.executing, run.pointee.signal == nil else {
            report(
                .legalTransition, events: [run.pointee.createdEvent, reference], runs: [runID],
                expected: "only an uncancelled running worker ends with a status",
                observed: "\(eventName(event)) while \(run.pointee.status)")
            return
        }
        if cause == .exceededMaxAttempts {
            coverage.maximumAttemptsExceeded += 1
            if run.pointee.attempt <= configuration.maximumRetries {
                report(
                    .attemptCounting, events: [run.pointee.workerEvent ?? run.pointee.createdEvent, reference], runs: [runID],
                    expected: "max-attempts failure only after attempt \(configuration.maximumRetries)",
                    observed: "at attempt \(run.pointee.attempt)")
            }
        }
        if let obligation = run.pointee.obligation {
            reportBrokenObligation(obligation, run: run.pointee, observed: "ended \(status)", reference)
            run.pointee.obligation = nil
        }
        let thread = recentThreadSlot(ofRun: slot, reference)
        let wasActive = threads[thread].isActive
        run.pointee.status = status
        run.pointee.executing = false
        run.pointee.endEvent = reference
        let base: ThreadStatus = status == .success ? (run.pointee.hasStepsLeft ? .interrupted : .idle) : .error
        stopExecuting(slot, thread: thread)
        runs.remove(slot, from: &threads[thread].inFlight, .inFlight)
        // The thread's record through one pointer too, once its lists are updated.
        let record = threads.record(thread)
        if record.pointee.running == runID { record.pointee.running = nil }
        record.pointee.lastCause = .other
        record.pointee.commit(
            wasActive: wasActive, settling: Quiescence(allowed: statusMask(base), cause: .other, event: reference))
        markDirty(record.pointee.id, slot: thread)
        // ``forgetIfSettled(_:thread:)`` spelled out: called, it stayed a call (about 25
        // instructions a run) although marked to be inlined.
        if isSettledAndUnneeded(slot) { forgetSettled(slot, thread: thread) }
    }

    mutating func observeRetried(_ runID: RunID, _ reference: EventReference) {
        guard let slot = liveRun(runID, .retried(run: runID, thread: ThreadID(0), cause: .retriableError, at: reference.at), reference)
        else { return }
        guard runs[slot].status == .running, runs[slot].executing, runs[slot].signal == nil else {
            report(
                .legalTransition, events: [runs[slot].createdEvent, reference], runs: [runID],
                expected: "only an uncancelled running run is retried", observed: "retried(\(runID)) while \(runs[slot].status)")
            return
        }
        coverage.retries += 1
        let thread = threadSlot(ofRun: slot)
        let wasActive = threads[thread].isActive
        runs[slot].status = .pending
        runs[slot].executing = false
        stopExecuting(slot, thread: thread)
        if threads[thread].running == runID { threads[thread].running = nil }
        runs.insertByPendingKey(slot, into: &threads[thread].pending, .threadPending)
        runs.insertByPendingKey(slot, into: &globalPending, .globalPending)
        threads[thread].lastCause = .other
        commit(thread, wasActive: wasActive)
    }
}
