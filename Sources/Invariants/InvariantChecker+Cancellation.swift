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
        guard let slot = liveRun(
            runID, .interrupted(run: runID, thread: ThreadID(0), action: action, cause: cause, at: reference.at), reference)
        else { return }
        let wasPending = runs[slot].status == .pending
        if let obligation = runs[slot].obligation {
            if obligation.action != action {
                reportBrokenObligation(obligation, run: runs[slot], observed: "interrupted with action \(action)", reference)
            }
            runs[slot].obligation = nil
        } else if case .supersededBy(let by) = cause {
            report(
                .interruptCancelsInFlight, events: [runs[by]?.createdEvent, reference].compactMap { $0 },
                runs: [runID, by], threads: [runs[slot].threadID],
                expected: "a supersession to cancel only runs in flight when \(by) was created",
                observed: "interrupted(\(runID)) as superseded by \(by)")
        }
        if action == .rollback {
            let run = runs[slot]
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
        let thread = threadSlot(ofRun: slot)
        let wasActive = threads[thread].isActive
        runs[slot].status = .interrupted
        runs[slot].endEvent = reference
        runs.remove(slot, from: &threads[thread].inFlight, .inFlight)
        threads.noteInterrupt(thread, reference)
        var hint: Quiescence?
        if wasPending {
            runs.remove(slot, from: &threads[thread].pending, .threadPending)
            runs.remove(slot, from: &globalPending, .globalPending)
            threads[thread].lastCause = .pendingCancel
            hint = recomputedStatus(thread, cause: .pendingCancel, reference)
        } else {
            if threads[thread].running == runID { threads[thread].running = nil }
            runs[slot].signal = action
            threads[thread].lastCause = .other
        }
        commit(thread, wasActive: wasActive, settling: hint)
        forgetIfSettled(slot)
    }

    mutating func observeRolledBack(_ runID: RunID, stage: RollbackStage, _ reference: EventReference) {
        let event = Event.rolledBack(run: runID, thread: ThreadID(0), stage: stage, at: reference.at)
        switch stage {
        case .eager:
            guard let slot = liveRun(runID, event, reference) else { return }
            if let obligation = runs[slot].obligation, obligation.action != .rollback {
                reportBrokenObligation(obligation, run: runs[slot], observed: "deleted by a rollback", reference)
            }
            runs[slot].obligation = nil
            if runs[slot].status == .pending, runs[slot].createdAt > reference.at { coverage.rollbacksOfDelayedRuns += 1 }
            if runs[slot].status == .running { coverage.rollbacksOfRunningRuns += 1 }
            if runs[slot].subscribers > 0 { coverage.rollbacksWithSubscriber += 1 }
            if runs[slot].executing { runs[slot].signal = .rollback }
            applyDeletion(slot, reference, rollback: true)
        case .byWorker:
            guard let slot = liveRun(runID, event, reference, allowTerminal: true) else { return }
            guard runs[slot].status == .interrupted, runs[slot].executing, runs[slot].signal == .rollback else {
                report(
                    .legalTransition, events: [runs[slot].createdEvent, reference], runs: [runID],
                    expected: "a worker deletes only its own run marked for rollback",
                    observed: "rolledBack(\(runID), byWorker) while \(runs[slot].status)")
                return
            }
            runs[slot].deletedByWorker = true
            applyDeletion(slot, reference, rollback: true)
        }
    }

    mutating func observeDeleted(_ runID: RunID, threadID: ThreadID, _ reference: EventReference) {
        if let slot = runs.slot(of: runID) {
            if runs[slot].deleted {
                reportUntrackedDeleted(runID, run: runs[slot], reference)
                return
            }
            if runs[slot].executing { coverage.deletesOfExecutingRuns += 1 }
            applyDeletion(slot, reference, rollback: false)
            return
        }
        switch fates[runID] {
        case .success, .error, .timeout, .interrupted:
            fates[runID] = .deleted
            if let thread = existingThreadSlot(threadID) {
                let wasActive = threads[thread].isActive
                threads.removeCheckpoints(thread, of: runID, createdAt: nil)
                threads.removeSettledTemporaryRun(thread, runID)
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
    private mutating func applyDeletion(_ slot: Int, _ reference: EventReference, rollback: Bool) {
        let runID = runs[slot].id
        let thread = threadSlot(ofRun: slot)
        let wasActive = threads[thread].isActive
        if runs[slot].status == .pending && !runs[slot].deleted {
            runs.remove(slot, from: &threads[thread].pending, .threadPending)
            runs.remove(slot, from: &globalPending, .globalPending)
        }
        runs.remove(slot, from: &threads[thread].inFlight, .inFlight)
        if threads[thread].running == runID { threads[thread].running = nil }
        threads.removeCheckpoints(thread, of: runID, createdAt: runs[slot].createdEvent.sequence)
        if rollback { threads.noteRollback(thread, reference) }
        runs[slot].deleted = true
        runs[slot].persistedCheckpoints = 0
        runs[slot].endEvent = reference
        var hint: Quiescence?
        if runs[slot].executing {
            threads[thread].lastCause = .other
        } else {
            threads[thread].lastCause = .eagerDeletion
            hint = recomputedStatus(thread, cause: .eagerDeletion, reference)
        }
        commit(thread, wasActive: wasActive, settling: hint)
        forgetIfSettled(slot)
    }

    mutating func observeWorkerStopped(_ runID: RunID, finalWrite: FinalWrite, _ reference: EventReference) {
        guard let slot = runs.slot(of: runID), runs[slot].executing else {
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
        if runs[slot].deleted {
            expected = runs[slot].deletedByWorker ? .rolledBack : .runMissing
        } else if runs[slot].signal == .interrupt {
            expected = .interrupted
        } else {
            expected = nil
        }
        if expected != finalWrite {
            let run = runs[slot]
            report(
                .legalTransition, events: [run.endEvent ?? run.workerEvent ?? run.createdEvent, reference], runs: [runID],
                expected: expected.map { "final write \($0) for \(runID)" } ?? "\(runID)'s uncancelled worker to end with a status",
                observed: "workerStopped(\(runID), \(finalWrite))")
        }
        guard !runs[slot].orphaned, let thread = existingThreadSlot(ofRun: slot) else {
            // The worker outlived its temporary thread (deleted when another of its runs ended):
            // it frees its slot and has no thread left to write to.
            runs[slot].executing = false
            executingCount -= 1
            forgetIfSettled(slot)
            return
        }
        let wasActive = threads[thread].isActive
        if let cancel = runs[slot].endEvent, threads[thread].lastStartSequence > cancel.sequence {
            coverage.staleFinalWrites += 1
        }
        runs[slot].executing = false
        stopExecuting(slot, thread: thread)
        let hint: Quiescence
        switch finalWrite {
        case .interrupted:
            let base: ThreadStatus = runs[slot].persistedCheckpoints > 0 && runs[slot].hasStepsLeft ? .interrupted : .idle
            hint = Quiescence(allowed: statusMask(base), cause: .cancelledWorkerStop, event: reference)
            threads[thread].lastCause = .cancelledWorkerStop
        case .rolledBack:
            hint = Quiescence(allowed: statusMask(.idle), cause: .cancelledWorkerStop, event: reference)
            threads[thread].lastCause = .cancelledWorkerStop
        case .runMissing:
            hint = recomputedStatus(thread, cause: .eagerDeletion, reference)
            threads[thread].lastCause = .eagerDeletion
        }
        commit(thread, wasActive: wasActive, settling: hint)
        forgetIfSettled(slot)
    }
}
