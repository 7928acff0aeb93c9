// Run events: cancellation and deletion (rules 4-6) and the stop of a cancelled worker.
import RunLifecycle

extension InvariantChecker {
    // MARK: Cancellation and deletion (rules 4, 5, 6)

    mutating func reportBrokenObligation(_ obligation: Obligation, run: ShadowRun, observed: String, _ reference: EventReference) {
        let rule: Rule = obligation.action == .interrupt ? .interruptCancelsInFlight : .rollbackDeletesInFlight
        let verb = obligation.action == .interrupt ? "interrupted" : "deleted"
        report(
            rule, events: [obligation.event, reference], runs: [run.id, obligation.by], threads: [run.threadID],
            expected: "\(run.id) \(verb) when \(obligation.by) (\(obligation.action) strategy) was created",
            observed: "\(run.id) \(observed)")
    }

    mutating func observeInterrupted(_ runID: RunID, action: CancelAction, cause: CancelCause, _ reference: EventReference) {
        let event = Event.interrupted(run: runID, thread: ThreadID(0), action: action, cause: cause, at: reference.at)
        guard var run = liveRun(runID, event, reference) else { return }
        let wasPending = run.status == .pending
        if let obligation = run.obligation {
            if obligation.action != action {
                reportBrokenObligation(obligation, run: run, observed: "interrupted with action \(action)", reference)
            }
            run.obligation = nil
        } else if case .supersededBy(let by) = cause {
            report(
                .interruptCancelsInFlight, events: [runs[by]?.createdEvent, reference].compactMap { $0 },
                runs: [runID, by], threads: [run.threadID],
                expected: "a supersession to cancel only runs in flight when \(by) was created",
                observed: "interrupted(\(runID)) as superseded by \(by)")
        }
        if action == .rollback {
            if run.subscribers > 0 { coverage.rollbacksWithSubscriber += 1 }
            if !wasPending { coverage.rollbacksOfRunningRuns += 1 }
            let candidate: Quirk? =
                run.subscribers > 0 ? (wasPending ? .pendingRollbackWithSubscriberKeepsRun : .rollbackWithSubscriberDefersDelete) : nil
            let quirk = candidate.flatMap { allows($0) ? $0 : nil }
            report(
                .rollbackDeletesInFlight, quirk: quirk, events: [run.createdEvent, reference], runs: [runID],
                threads: [run.threadID], expected: "rollback to delete \(runID) with its checkpoints at once",
                observed: wasPending
                    ? "pending \(runID) kept as interrupted (\(run.subscribers) subscribers)"
                    : "running \(runID) marked interrupted, deletion left to its worker (\(run.subscribers) subscribers)")
        }
        var thread = threads[run.threadID] ?? ShadowThread(id: run.threadID, temporary: false)
        let wasActive = thread.isActive
        run.status = .interrupted
        run.endEvent = reference
        thread.inFlight.removeAll { $0 == runID }
        thread.interruptSinceCheckpoint = reference
        if wasPending {
            thread.pending.remove(run.pendingKey)
            globalPending.remove(run.pendingKey)
            thread.lastCause = .pendingCancel
            thread.settlingHint = recomputedStatus(thread, cause: .pendingCancel, reference)
        } else {
            if thread.running == runID { thread.running = nil }
            run.signal = action
            thread.lastCause = .other
        }
        runs[runID] = run
        commit(thread, wasActive: wasActive)
        forgetIfSettled(runID)
    }

    mutating func observeRolledBack(_ runID: RunID, stage: RollbackStage, _ reference: EventReference) {
        let event = Event.rolledBack(run: runID, thread: ThreadID(0), stage: stage, at: reference.at)
        switch stage {
        case .eager:
            guard var run = liveRun(runID, event, reference) else { return }
            if let obligation = run.obligation, obligation.action != .rollback {
                reportBrokenObligation(obligation, run: run, observed: "deleted by a rollback", reference)
            }
            run.obligation = nil
            if run.status == .pending, run.createdAt > reference.at { coverage.rollbacksOfDelayedRuns += 1 }
            if run.status == .running { coverage.rollbacksOfRunningRuns += 1 }
            if run.subscribers > 0 { coverage.rollbacksWithSubscriber += 1 }
            if run.executing { run.signal = .rollback }
            applyDeletion(&run, reference, rollback: true)
        case .byWorker:
            guard var run = liveRun(runID, event, reference, allowTerminal: true) else { return }
            guard run.status == .interrupted, run.executing, run.signal == .rollback else {
                report(
                    .legalTransition, events: [run.createdEvent, reference], runs: [runID],
                    expected: "a worker deletes only its own run marked for rollback",
                    observed: "rolledBack(\(runID), byWorker) while \(run.status)")
                return
            }
            run.deletedByWorker = true
            applyDeletion(&run, reference, rollback: true)
        }
    }

    mutating func observeDeleted(_ runID: RunID, threadID: ThreadID, _ reference: EventReference) {
        if var run = runs[runID] {
            if run.deleted {
                reportUntrackedDeleted(runID, run: run, reference)
                return
            }
            if run.executing { coverage.deletesOfExecutingRuns += 1 }
            applyDeletion(&run, reference, rollback: false)
            return
        }
        switch fates[runID] {
        case .success, .error, .timeout, .interrupted:
            fates[runID] = .deleted
            if var thread = threads[threadID] {
                let wasActive = thread.isActive
                thread.removeCheckpoints(of: runID)
                thread.settledTemporaryRuns.removeAll { $0 == runID }
                commit(thread, wasActive: wasActive)
            }
        case .unseen, .tracked, .deleted:
            reportUntracked(runID, .deleted(run: runID, thread: threadID, at: reference.at), reference)
        }
    }

    private mutating func reportUntrackedDeleted(_ runID: RunID, run: ShadowRun, _ reference: EventReference) {
        report(
            .noEventAfterDeletion, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
            threads: [run.threadID], expected: "\(runID) deleted once", observed: "deleted(\(runID)) again")
    }

    /// Deletes a tracked run with its checkpoints; a worker still executing keeps its slot.
    private mutating func applyDeletion(_ run: inout ShadowRun, _ reference: EventReference, rollback: Bool) {
        var thread = threads[run.threadID] ?? ShadowThread(id: run.threadID, temporary: false)
        let wasActive = thread.isActive
        if run.status == .pending && !run.deleted {
            thread.pending.remove(run.pendingKey)
            globalPending.remove(run.pendingKey)
        }
        thread.inFlight.removeAll { $0 == run.id }
        if thread.running == run.id { thread.running = nil }
        thread.removeCheckpoints(of: run.id)
        if rollback { thread.rollbackSinceCheckpoint = reference }
        run.deleted = true
        run.persistedCheckpoints = 0
        run.endEvent = reference
        if run.executing {
            thread.lastCause = .other
        } else {
            thread.lastCause = .eagerDeletion
            thread.settlingHint = recomputedStatus(thread, cause: .eagerDeletion, reference)
        }
        runs[run.id] = run
        commit(thread, wasActive: wasActive)
        forgetIfSettled(run.id)
    }

    mutating func observeWorkerStopped(_ runID: RunID, finalWrite: FinalWrite, _ reference: EventReference) {
        guard var run = runs[runID], run.executing else {
            if let run = runs[runID] {
                report(
                    .legalTransition, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                    expected: "workerStopped only for an executing worker", observed: "\(runID) has no worker")
            } else if fates[runID] == .unseen {
                reportUntracked(runID, .workerStopped(run: runID, thread: ThreadID(0), finalWrite: finalWrite, at: reference.at), reference)
            } else {
                report(
                    .legalTransition, events: [reference], runs: [runID],
                    expected: "workerStopped only for an executing worker", observed: "settled \(runID) has no worker")
            }
            return
        }
        let expected: FinalWrite?
        if run.deleted {
            expected = run.deletedByWorker ? .rolledBack : .runMissing
        } else if run.signal == .interrupt {
            expected = .interrupted
        } else {
            expected = nil
        }
        if expected != finalWrite {
            report(
                .legalTransition, events: [run.endEvent ?? run.workerEvent ?? run.createdEvent, reference], runs: [runID],
                expected: expected.map { "final write \($0) for \(runID)" } ?? "\(runID)'s uncancelled worker to end with a status",
                observed: "workerStopped(\(runID), \(finalWrite))")
        }
        guard !run.orphaned, var thread = threads[run.threadID] else {
            // The worker outlived its temporary thread (deleted when another of its runs ended):
            // it frees its slot and has no thread left to write to.
            run.executing = false
            runs[runID] = run
            executingCount -= 1
            forgetIfSettled(runID)
            return
        }
        let wasActive = thread.isActive
        if let cancel = run.endEvent, let start = thread.lastStart, start.sequence > cancel.sequence {
            coverage.staleFinalWrites += 1
        }
        run.executing = false
        runs[runID] = run
        stopExecuting(runID, in: &thread)
        switch finalWrite {
        case .interrupted:
            let base: ThreadStatus = run.persistedCheckpoints > 0 && run.hasStepsLeft ? .interrupted : .idle
            thread.settlingHint = Quiescence(allowed: statusMask(base), cause: .cancelledWorkerStop, event: reference)
            thread.lastCause = .cancelledWorkerStop
        case .rolledBack:
            thread.settlingHint = Quiescence(allowed: statusMask(.idle), cause: .cancelledWorkerStop, event: reference)
            thread.lastCause = .cancelledWorkerStop
        case .runMissing:
            thread.settlingHint = recomputedStatus(thread, cause: .eagerDeletion, reference)
            thread.lastCause = .eagerDeletion
        }
        commit(thread, wasActive: wasActive)
        forgetIfSettled(runID)
    }
}
