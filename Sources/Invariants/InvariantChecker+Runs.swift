// Run events: creation and strategies (rules 2-5), dequeue (1, 3, 7, 9), checkpoints and worker
// ends. Cancellation and deletion are in InvariantChecker+Cancellation.swift.
import RunLifecycle

extension InvariantChecker {
    /// The tracked run an event names, or nil after reporting why the event is illegal for it.
    mutating func liveRun(
        _ runID: RunID, _ event: Event, _ reference: EventReference, allowTerminal: Bool = false
    ) -> ShadowRun? {
        if let run = runs[runID] {
            if run.deleted {
                report(
                    .noEventAfterDeletion, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                    threads: [run.threadID], expected: "no event for \(runID) after its deletion",
                    observed: eventName(event))
                return nil
            }
            if run.status.isTerminal && !allowTerminal {
                report(
                    .noEventAfterTerminal, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                    threads: [run.threadID], expected: "no change to \(runID) after it ended \(run.status)",
                    observed: eventName(event))
                return nil
            }
            return run
        }
        reportUntracked(runID, event, reference)
        return nil
    }

    /// Reports an event naming a run the checker no longer (or never) tracked.
    mutating func reportUntracked(_ runID: RunID, _ event: Event, _ reference: EventReference) {
        let fate = fates[runID]
        switch fate {
        case .unseen, .tracked:
            report(
                .legalTransition, events: [reference], runs: [runID], expected: "events only for created runs",
                observed: "\(eventName(event)) names unknown \(runID)")
        case .deleted:
            report(
                .noEventAfterDeletion, events: [reference], runs: [runID], expected: "no event for deleted \(runID)",
                observed: eventName(event))
        case .success, .error, .timeout, .interrupted:
            report(
                .noEventAfterTerminal, events: [reference], runs: [runID],
                expected: "no change to \(runID) after it ended \(RunFateTable.status(of: fate).map { "\($0)" } ?? "")",
                observed: eventName(event))
        }
    }

    /// Forgets a run that can no longer be named legally except by joins, keeping its fate.
    mutating func forgetIfSettled(_ runID: RunID) {
        guard let run = runs[runID] else { return }
        guard run.deleted || run.status.isTerminal, !run.executing, run.waiters == 0, run.obligation == nil else { return }
        runs[runID] = nil
        fates[runID] = run.deleted ? .deleted : RunFateTable.fate(of: run.status)
        if !run.deleted, threads[run.threadID]?.temporary == true {
            threads[run.threadID]?.settledTemporaryRuns.append(runID)
        }
    }

    /// Stores a thread after a change, noting when it fell quiet and what §3 expects then.
    mutating func commit(_ thread: ShadowThread, wasActive: Bool) {
        var thread = thread
        if thread.isActive {
            thread.quiescence = nil
        } else if wasActive {
            thread.quiescence = thread.settlingHint
        }
        thread.settlingHint = nil
        threads[thread.id] = thread
        dirtyThreads.append(thread.id)
    }

    /// The status §3 recomputes when a run leaves without a final write of its own.
    func recomputedStatus(_ thread: ShadowThread, cause: ThreadCause, _ reference: EventReference) -> Quiescence {
        let allowed: UInt8
        switch thread.tipHasNext {
        case true?: allowed = statusMask(.interrupted)
        case false?: allowed = statusMask(.idle)
        case nil: allowed = statusMask(.idle, .interrupted)
        }
        return Quiescence(allowed: allowed, cause: cause, event: reference)
    }

    // MARK: Creation (rules 2, 4, 5, 12)

    mutating func observeCreated(_ created: RunCreated, _ reference: EventReference) {
        let runID = created.runID
        var refusalReported = false
        if let previous = previousEvent, case .rejected(let threadID, _, _, let at) = previous.event,
            threadID == created.threadID, at == created.requestedAt, created.strategy == .reject
        {
            report(
                .rejectedCreateChangesNothing, events: [previous.reference, reference], runs: [runID],
                threads: [created.threadID], expected: "the refused reject create on \(created.threadID) to insert nothing",
                observed: "created(\(runID)) right after the refusal")
            refusalReported = true
        }
        guard fates[runID] == .unseen else {
            report(
                .runIDUnique, events: [runs[runID]?.createdEvent, reference].compactMap { $0 }, runs: [runID],
                threads: [created.threadID], expected: "a fresh run id", observed: "created(\(runID)) reuses \(runID)")
            return
        }
        var thread = threads[created.threadID] ?? ShadowThread(id: created.threadID, temporary: false)
        let wasActive = thread.isActive
        let victims = thread.inFlight
        if created.strategy == .reject, !victims.isEmpty, !refusalReported {
            report(
                .rejectIffInFlight, events: [reference], runs: [runID] + victims, threads: [created.threadID],
                expected: "409 for reject while \(victims) in flight", observed: "created(\(runID))")
        }
        if let action = created.strategy.cancelAction, !victims.isEmpty {
            var pendingVictims = 0
            var chain = false
            for victim in victims {
                guard var run = runs[victim] else { continue }
                run.obligation = Obligation(action: action, by: runID, event: reference)
                if run.status == .pending {
                    pendingVictims += 1
                    if run.strategy == .interrupt { chain = true }
                }
                runs[victim] = run
                openObligations.append(victim)
            }
            if action == .interrupt {
                if pendingVictims >= 2 { coverage.interruptsHittingSeveralPendingRuns += 1 }
                if chain { coverage.interruptChains += 1 }
            }
        }
        let run = ShadowRun(
            id: runID, threadID: created.threadID, requestedAt: created.requestedAt, createdAt: created.createdAt,
            ordinal: reference.sequence, strategy: created.strategy, workCount: created.work.count,
            createdEvent: reference, subscribers: created.subscribed ? 1 : 0)
        runs[runID] = run
        fates[runID] = .tracked
        insertSorted(runID, into: &thread.inFlight)
        thread.pending.insert(run.pendingKey)
        globalPending.insert(run.pendingKey)
        thread.lastCause = .other
        commit(thread, wasActive: wasActive)
    }

    mutating func observeRejected(
        _ threadID: ThreadID?, strategy: MultitaskStrategy, reason: CreateRejection, _ reference: EventReference
    ) {
        let thread = threadID.flatMap { threads[$0] }
        switch reason {
        case .threadBusy(let listed):
            let inFlight = thread?.inFlight ?? []
            if strategy != .reject {
                report(
                    .rejectIffInFlight, events: [reference], runs: listed, threads: threadID.map { [$0] } ?? [],
                    expected: "only the reject strategy answers 409", observed: "a \(strategy) create refused as busy")
            } else if listed != inFlight || inFlight.isEmpty {
                report(
                    .rejectIffInFlight, events: [reference], runs: listed + inFlight, threads: threadID.map { [$0] } ?? [],
                    expected: inFlight.isEmpty ? "the reject create accepted (nothing in flight)" : "409 listing \(inFlight)",
                    observed: "409 listing \(listed)")
            }
            let pendingRuns = inFlight.compactMap { runs[$0] }.filter { $0.status == .pending }
            if !pendingRuns.isEmpty { coverage.rejectsAgainstPendingRun += 1 }
            if pendingRuns.contains(where: { $0.createdAt > reference.at }) { coverage.rejectsAgainstDelayedPendingRun += 1 }
            // A 409 changes nothing, so a status write just before it on the same thread broke that.
            if let previous = previousEvent, case .threadStatusChanged(let written, .busy, let at) = previous.event,
                written == threadID, at == reference.at, thread?.previousStatus != .busy
            {
                let quirk: Quirk? = allows(.busyBeforeRejectCheck) ? .busyBeforeRejectCheck : nil
                report(
                    .rejectedCreateChangesNothing, quirk: quirk, events: [previous.reference, reference],
                    threads: [written], expected: "a 409 create to leave \(written)'s status alone",
                    observed: "threadStatusChanged(busy) just before the refusal")
            }
        case .threadNotFound:
            if let threadID, thread != nil {
                report(
                    .legalTransition, events: [reference], threads: [threadID],
                    expected: "404 only for a missing thread", observed: "404 for existing \(threadID)")
            }
        }
    }

    // MARK: Dequeue (rules 1, 3, 7, 9)

    mutating func observeStarted(_ runID: RunID, _ threadID: ThreadID, attempt: UInt32, _ reference: EventReference) {
        let event = Event.started(run: runID, thread: threadID, attempt: attempt, at: reference.at)
        guard var run = liveRun(runID, event, reference) else { return }
        guard run.status == .pending else {
            report(
                .legalTransition, events: [run.workerEvent ?? run.createdEvent, reference], runs: [runID],
                expected: "only a pending run starts", observed: "started(\(runID)) while \(run.status)")
            return
        }
        if let obligation = run.obligation {
            reportBrokenObligation(obligation, run: run, observed: "started at \(reference.at)", reference)
            run.obligation = nil
        }
        if reference.at < run.createdAt {
            report(
                .noStartBeforeCreatedAt, events: [run.createdEvent, reference], runs: [runID], threads: [run.threadID],
                expected: "\(runID) to start at or after its created_at \(run.createdAt)",
                observed: "started at \(reference.at)")
        }
        var thread = threads[run.threadID] ?? ShadowThread(id: run.threadID, temporary: false)
        let wasActive = thread.isActive
        if let first = thread.pending.first, first.runID != runID {
            let older = runs[first.runID]
            report(
                .enqueueCreatedAtOrder, events: [older?.createdEvent, run.createdEvent, reference].compactMap { $0 },
                runs: [first.runID, runID], threads: [run.threadID],
                expected: "\(first.runID) (created_at \(first.createdAt)) to start before \(runID) (created_at \(run.createdAt))",
                observed: "started(\(runID)) while \(first.runID) still pending")
        }
        if thread.pending.keys.contains(where: { key in
            key.runID != runID && (runs[key.runID]?.requestedAt ?? reference.at) < run.requestedAt
        }) {
            coverage.delayedRunsOvertaken += 1
        }
        if let running = thread.running {
            report(
                .singleRunningRunPerThread, events: [runs[running]?.workerEvent, reference].compactMap { $0 },
                runs: [running, runID], threads: [run.threadID],
                expected: "no start on \(run.threadID) while \(running) is running", observed: "started(\(runID))")
        } else if let other = thread.executing.first {
            coverage.overlaps += 1
            let quirk: Quirk? = allows(.cancelledWorkerFreesThreadAtOnce) ? .cancelledWorkerFreesThreadAtOnce : nil
            report(
                .noExecutionOverlap, quirk: quirk, events: [runs[other]?.endEvent, reference].compactMap { $0 },
                runs: [other, runID], threads: [run.threadID],
                expected: "no start on \(run.threadID) until the cancelled worker of \(other) stops",
                observed: "started(\(runID)) while that worker executes")
        }
        if executingCount >= configuration.slotCount {
            report(
                .slotCapacity, events: [reference], runs: [runID],
                expected: "at most \(configuration.slotCount) executing workers",
                observed: "started(\(runID)) with \(executingCount) already executing")
        }
        if attempt != run.attempt &+ 1 {
            report(
                .attemptCounting, events: [run.workerEvent ?? run.createdEvent, reference], runs: [runID],
                expected: "attempt \(run.attempt &+ 1) for \(runID)", observed: "attempt \(attempt)")
        }
        if attempt > configuration.maximumRetries { awaitingMaximumAttemptFailure = (runID, reference) }
        run.status = .running
        run.attempt = attempt
        run.executing = true
        run.signal = nil
        run.workerEvent = reference
        runs[runID] = run
        thread.pending.remove(run.pendingKey)
        globalPending.remove(run.pendingKey)
        thread.running = runID
        thread.executing.append(runID)
        thread.lastStart = reference
        thread.lastCause = .other
        executingCount += 1
        if executingCount == configuration.slotCount { coverage.slotsFilled += 1 }
        commit(thread, wasActive: wasActive)
    }

    // MARK: Checkpoints

    mutating func observeCheckpointed(_ checkpointed: Checkpointed, _ reference: EventReference) {
        let runID = checkpointed.runID
        guard var run = liveRun(runID, .checkpointed(checkpointed), reference) else { return }
        guard run.status == .running, run.executing, run.signal == nil, checkpointed.threadID == run.threadID else {
            report(
                .legalTransition, events: [run.createdEvent, reference], runs: [runID],
                expected: "checkpoints only from \(runID)'s uncancelled running worker on \(run.threadID)",
                observed: "checkpointed(\(runID)) on \(checkpointed.threadID) while \(run.status)")
            return
        }
        var thread = threads[run.threadID] ?? ShadowThread(id: run.threadID, temporary: false)
        let wasActive = thread.isActive
        let expectedHasNext: Bool
        if let stepIndex = checkpointed.stepIndex {
            if stepIndex != run.completedSteps || stepIndex >= run.workCount {
                report(
                    .legalTransition, events: [reference], runs: [runID],
                    expected: "step index \(run.completedSteps) of \(run.workCount)", observed: "step index \(stepIndex)")
            }
            expectedHasNext = stepIndex + 1 < run.workCount
        } else {
            if thread.temporary || run.persistedCheckpoints > 0 {
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
        if thread.temporary {
            if checkpointed.checkpointStep != nil {
                report(
                    .legalTransition, events: [reference], runs: [runID], threads: [thread.id],
                    expected: "no persisted checkpoint on temporary \(thread.id)", observed: "checkpoint step persisted")
            }
        } else if let step = checkpointed.checkpointStep {
            if let expected = thread.expectedNextStep, step != expected {
                reportCheckpointStep(step, expected: expected, thread: thread, runID: runID, reference)
                thread.spans.removeAll()
                thread.historyTruncated = true
            }
            thread.appendCheckpoint(runID: runID, step: step, hasNext: checkpointed.hasNext)
            run.persistedCheckpoints += 1
        } else {
            report(
                .legalTransition, events: [reference], runs: [runID], threads: [thread.id],
                expected: "a persisted checkpoint step on \(thread.id)", observed: "none")
        }
        if let stepIndex = checkpointed.stepIndex { run.completedSteps = max(run.completedSteps, stepIndex + 1) }
        thread.rollbackSinceCheckpoint = nil
        thread.interruptSinceCheckpoint = nil
        thread.lastCause = .other
        runs[runID] = run
        commit(thread, wasActive: wasActive)
    }

    /// A checkpoint step that does not continue the surviving history: after a rollback a
    /// higher step means the victim's checkpoints were kept; after an interrupt a lower one
    /// means the interrupted runs' checkpoints were dropped.
    private mutating func reportCheckpointStep(
        _ step: Int64, expected: Int64, thread: ShadowThread, runID: RunID, _ reference: EventReference
    ) {
        if step > expected, let rollback = thread.rollbackSinceCheckpoint {
            report(
                .rollbackDeletesInFlight, events: [rollback, reference], runs: [runID], threads: [thread.id],
                expected: "step \(expected) after the rollback deleted the victim's checkpoints",
                observed: "step \(step) (the rolled-back run's checkpoints were kept)")
        } else if step < expected, let interrupt = thread.interruptSinceCheckpoint {
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
        let event: Event =
            switch status {
            case .success: .succeeded(run: runID, thread: ThreadID(0), at: reference.at)
            case .timeout: .timedOut(run: runID, thread: ThreadID(0), at: reference.at)
            default: .failed(run: runID, thread: ThreadID(0), cause: cause ?? .graphError, at: reference.at)
            }
        guard var run = liveRun(runID, event, reference) else { return }
        guard run.status == .running, run.executing, run.signal == nil else {
            report(
                .legalTransition, events: [run.createdEvent, reference], runs: [runID],
                expected: "only an uncancelled running worker ends with a status",
                observed: "\(eventName(event)) while \(run.status)")
            return
        }
        if cause == .exceededMaxAttempts {
            coverage.maximumAttemptsExceeded += 1
            if run.attempt <= configuration.maximumRetries {
                report(
                    .attemptCounting, events: [run.workerEvent ?? run.createdEvent, reference], runs: [runID],
                    expected: "max-attempts failure only after attempt \(configuration.maximumRetries)",
                    observed: "at attempt \(run.attempt)")
            }
        }
        if let obligation = run.obligation {
            reportBrokenObligation(obligation, run: run, observed: "ended \(status)", reference)
            run.obligation = nil
        }
        var thread = threads[run.threadID] ?? ShadowThread(id: run.threadID, temporary: false)
        let wasActive = thread.isActive
        run.status = status
        run.executing = false
        run.endEvent = reference
        runs[runID] = run
        stopExecuting(runID, in: &thread)
        thread.inFlight.removeAll { $0 == runID }
        if thread.running == runID { thread.running = nil }
        let base: ThreadStatus = status == .success ? (run.hasStepsLeft ? .interrupted : .idle) : .error
        thread.settlingHint = Quiescence(allowed: statusMask(base), cause: .other, event: reference)
        thread.lastCause = .other
        commit(thread, wasActive: wasActive)
        forgetIfSettled(runID)
    }

    mutating func observeRetried(_ runID: RunID, _ reference: EventReference) {
        let event = Event.retried(run: runID, thread: ThreadID(0), cause: .retriableError, at: reference.at)
        guard var run = liveRun(runID, event, reference) else { return }
        guard run.status == .running, run.executing, run.signal == nil else {
            report(
                .legalTransition, events: [run.createdEvent, reference], runs: [runID],
                expected: "only an uncancelled running run is retried", observed: "retried(\(runID)) while \(run.status)")
            return
        }
        coverage.retries += 1
        var thread = threads[run.threadID] ?? ShadowThread(id: run.threadID, temporary: false)
        let wasActive = thread.isActive
        run.status = .pending
        run.executing = false
        runs[runID] = run
        stopExecuting(runID, in: &thread)
        if thread.running == runID { thread.running = nil }
        thread.pending.insert(run.pendingKey)
        globalPending.insert(run.pendingKey)
        thread.lastCause = .other
        commit(thread, wasActive: wasActive)
    }

    /// Frees the slot of `runID`'s worker (the caller checked that it was executing).
    mutating func stopExecuting(_ runID: RunID, in thread: inout ShadowThread) {
        if let index = thread.executing.firstIndex(of: runID) { thread.executing.remove(at: index) }
        executingCount -= 1
    }
}

/// Inserts `runID` into an ascending array.
func insertSorted(_ runID: RunID, into array: inout [RunID]) {
    if let last = array.last, runID < last {
        let index = array.firstIndex { $0 > runID } ?? array.count
        array.insert(runID, at: index)
    } else {
        array.append(runID)
    }
}
