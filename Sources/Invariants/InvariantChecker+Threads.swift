// Thread events and the thread-status rule (11), subscriptions and joins (8), refusals,
// restarts, and the liveness checks at drain (10).
import RunLifecycle

extension InvariantChecker {
    // MARK: Threads

    mutating func observeThreadCreated(_ threadID: ThreadID, temporary: Bool, status: ThreadStatus, _ reference: EventReference) {
        // One id lookup for both questions (``ThreadTable/contains(_:)`` is held or evicted).
        let old = threads.slot(of: threadID)
        // A held thread has no evicted cell (holding it cleared it).
        let evicted = old == nil && threads.isEvicted(threadID)
        if old != nil || evicted {
            report(
                .legalTransition, events: [reference], threads: [threadID], expected: "\(threadID) created once",
                observed: "threadCreated(\(threadID)) for an existing thread")
        }
        if let old {
            dropThread(old)
            unmarkDirty(threadID)
        }
        let slot = evicted ? threads.insert(id: threadID, temporary: temporary) : threads.insertNew(id: threadID, temporary: temporary)
        let record = threads.record(slot)
        record.pointee.status = status
        record.pointee.statusEvent = reference
        markDirty(threadID, slot: slot)
    }

    @inline(__always) mutating func observeThreadStatusChanged(_ threadID: ThreadID, status: ThreadStatus, _ reference: EventReference) {
        let slot = lastNotedSlot(of: threadID) ?? threadSlot(threadID)
        // Only a refused create right after a `busy` write asks what the status was before.
        if status == .busy { statusBeforeBusyWrite = threads[slot].status }
        threads[slot].status = status
        threads[slot].statusEvent = reference
        // The run event just before the write is what made the writer write.
        threads[slot].statusWriteCause = threads[slot].lastCause
        threads[slot].lastCause = .none
        markDirty(threadID, slot: slot)
    }

    @inline(__always) mutating func observeValuesCached(_ threadID: ThreadID, runID: RunID, _ reference: EventReference) {
        // A tracked run's fate is `tracked`, so the fate is read only for an untracked one.
        // The usual run settled just before (two events back): its fate is the one written
        // last, and it is untracked, so neither the run table nor the fate pages are asked.
        let deleted: Bool
        let unseen: Bool
        if let fate = fates.lastWritten(runID) {
            deleted = fate == .deleted
            unseen = fate == .unseen
        } else if let slot = runs.slot(of: runID) {
            deleted = runs[slot].deleted
            unseen = false
        } else {
            let fate = fates[runID]
            deleted = fate == .deleted
            unseen = fate == .unseen
        }
        if deleted || unseen { reportValuesCachedWithoutRun(threadID, runID: runID, deleted: deleted, reference) }
    }

    /// ``observeValuesCached(_:runID:_:)``'s report, out of line: with the report's text
    /// inline, the compiler kept the whole observer a call (about 20 instructions a run).
    @inline(never) private mutating func reportValuesCachedWithoutRun(
        _ threadID: ThreadID, runID: RunID, deleted: Bool, _ reference: EventReference
    ) {
        report(
            deleted ? .noEventAfterDeletion : .legalTransition, events: [reference], runs: [runID], threads: [threadID],
            expected: "cached values only from an existing run", observed: "threadValuesCached(\(threadID), \(runID))")
    }

    mutating func observeThreadDeleted(_ threadID: ThreadID, _ reference: EventReference) {
        guard let thread = existingThreadSlot(threadID) else {
            report(
                .legalTransition, events: [reference], threads: [threadID], expected: "only an existing thread is deleted",
                observed: "threadDeleted(\(threadID))")
            return
        }
        if !threads[thread].inFlight.isEmpty {
            let inFlight = runs.ids(of: threads[thread].inFlight, .inFlight)
            report(
                .legalTransition, events: [reference], runs: inFlight, threads: [threadID],
                expected: "a temporary thread deleted only after its runs ended", observed: "\(inFlight) still in flight")
        }
        // Every tracked run of that id, including a worker orphaned by an earlier thread of it.
        let owned = runs.slotsByID { $0.threadID == threadID }
        for slot in owned {
            if runs[slot].status == .pending && !runs[slot].deleted {
                runs.remove(slot, from: &globalPending, .globalPending)
            }
            runs[slot].deleted = true
            runs[slot].orphaned = runs[slot].executing
            runs[slot].endEvent = runs[slot].endEvent ?? reference
        }
        for runID in threads.settledTemporaryRuns(thread) { fates[runID] = .deleted }
        dropThread(thread)
        unmarkDirty(threadID)
        // A worker outliving its thread keeps its slot; it can only report runMissing.
        for slot in owned where !runs[slot].executing {
            forgetIfSettled(slot)
        }
    }

    /// Rule 11, checked at decision boundaries: `busy` iff something is in flight or executing
    /// (non-temporary threads), and once quiet the status §3 derives from the settling event.
    // Inlined into the boundary: the usual case (the status agrees) is a few tests.
    @inline(__always) mutating func checkThreadStatus(_ slot: Int) {
        guard !threads[slot].temporary, let status = threads[slot].status else { return }
        let active = threads[slot].isActive
        // The usual case, answered without copying the record: the status agrees.
        if status == .busy ? active : (!active && (threads[slot].quiescence?.allows(status) ?? true)) {
            threads[slot].mismatchReported = false
            return
        }
        checkThreadStatusMismatch(slot, status: status, active: active)
    }

    @inline(never) private mutating func checkThreadStatusMismatch(_ slot: Int, status: ThreadStatus, active: Bool) {
        let thread = threads[slot]
        let threadID = thread.id
        // Decide the rule and quirk first; the text is built only for a stored report.
        var mismatch = true
        var quirk: Quirk?
        if status == .busy && !active {
            if thread.quiescence?.cause == .eagerDeletion, allows(.eagerDeleteLeavesThreadBusy) {
                quirk = .eagerDeleteLeavesThreadBusy
            }
        } else if status != .busy && active {
            if thread.statusWriteCause == .pendingCancel, allows(.idleAfterPendingCancel) {
                quirk = .idleAfterPendingCancel
            } else if thread.inFlight.isEmpty, allows(.cancelledWorkerFreesThreadAtOnce) {
                quirk = .cancelledWorkerFreesThreadAtOnce
            }
        } else if !active, let quiescence = thread.quiescence, !quiescence.allows(status) {
            if thread.statusWriteCause == .pendingCancel, allows(.idleAfterPendingCancel) {
                quirk = .idleAfterPendingCancel
            }
        } else {
            mismatch = false
        }
        guard mismatch else {
            threads[slot].mismatchReported = false
            return
        }
        guard !thread.mismatchReported else { return }
        threads[slot].mismatchReported = true
        if quirk != nil { coverage.threadStatusDivergences += 1 }
        if countIfNotStored(.threadStatusFollowsRuns, quirk: quirk) { return }
        let inFlight = runs.ids(of: thread.inFlight, .inFlight)
        let executing = runs.ids(of: thread.executing, .executing)
        var cause = thread.quiescence?.event
        let expected: String
        if status == .busy && !active {
            expected = "idle, interrupted or error once nothing is in flight or executing"
        } else if status != .busy && active {
            let parts = [
                inFlight.isEmpty ? nil : "\(listText(inFlight)) in flight",
                executing.isEmpty ? nil : "workers of \(listText(executing)) executing",
            ]
            expected = "busy while " + parts.compactMap { $0 }.joined(separator: " and ")
            cause = nil
        } else {
            let quiescence = thread.quiescence ?? Quiescence(allowed: 0, cause: .none, event: nil)
            let allowed = ThreadStatus.allCases.filter { quiescence.allows($0) }.map { "\($0)" }.joined(separator: " or ")
            let settledAt = quiescence.event.map { " at \($0)" } ?? " (before the thread was evicted)"
            expected = "\(allowed) after the thread settled\(settledAt)"
        }
        report(
            .threadStatusFollowsRuns, quirk: quirk,
            events: [cause, thread.statusEvent].compactMap { $0 }.sorted { $0.sequence < $1.sequence },
            runs: inFlight + executing, threads: [threadID], expected: expected, observed: "\(threadID) is \(status)")
    }

    // MARK: Subscriptions and joins (rule 8)

    mutating func observeSubscribed(_ runID: RunID, waits: Bool, _ reference: EventReference) {
        let event = Event.subscribed(run: runID, thread: ThreadID(0), waits: waits, at: reference.at)
        if let slot = runs.slot(of: runID) {
            if runs[slot].deleted {
                _ = liveRun(runID, event, reference)
                return
            }
            if runs[slot].status.isTerminal && !runs[slot].executing && !waits {
                report(
                    .noEventAfterTerminal, events: [runs[slot].endEvent ?? runs[slot].createdEvent, reference], runs: [runID],
                    expected: "no stream subscription to settled \(runID)", observed: eventName(event))
                return
            }
            runs[slot].subscribers += 1
            if waits { runs[slot].waiters += 1 }
            return
        }
        if waits, RunFateTable.status(of: fates[runID]) != nil {
            // A join on a settled run: answered at once with its status.
            settledWaiters[runID, default: 0] += 1
        } else {
            reportUntracked(runID, event, reference)
        }
    }

    mutating func observeUnsubscribed(_ runID: RunID, _ reference: EventReference) {
        if let slot = runs.slot(of: runID), !runs[slot].deleted {
            if runs[slot].subscribers <= runs[slot].waiters {
                report(
                    .legalTransition, events: [reference], runs: [runID],
                    expected: "a non-waiting subscriber of \(runID) to detach", observed: "unsubscribed with none")
            }
            runs[slot].subscribers = max(0, runs[slot].subscribers - 1)
            return
        }
        switch fates[runID] {
        case .success, .error, .timeout, .interrupted:
            // A settled run may still have stream subscribers; the checker no longer counts them.
            break
        case .unseen, .tracked, .deleted:
            reportUntracked(runID, .unsubscribed(run: runID, thread: ThreadID(0), at: reference.at), reference)
        }
    }

    mutating func observeJoinAnswered(_ runID: RunID, answer: JoinAnswer, _ reference: EventReference) {
        switch answer {
        case .finished(let status):
            coverage.joinsAnsweredFinished += 1
            answerFinished(runID, status: status, reference)
        case .runNotFound:
            coverage.joinsAnsweredNotFound += 1
            if let slot = runs.slot(of: runID) {
                if !runs[slot].deleted {
                    report(
                        .joinAnsweredAfterSettled, events: [runs[slot].createdEvent, reference], runs: [runID],
                        expected: "\(runs[slot].status) \(runID)'s join answered with its status", observed: "answered not found")
                    return
                }
                if runs[slot].waiters > 0 {
                    runs[slot].waiters -= 1
                    runs[slot].subscribers = max(0, runs[slot].subscribers - 1)
                }
                forgetIfSettled(slot)
                return
            }
            switch fates[runID] {
            case .unseen, .tracked, .deleted:
                break
            case .success, .error, .timeout, .interrupted:
                report(
                    .joinAnsweredAfterSettled, events: [reference], runs: [runID],
                    expected: "settled \(runID)'s join answered with its status", observed: "answered not found")
            }
        }
    }

    private mutating func answerFinished(_ runID: RunID, status: RunStatus, _ reference: EventReference) {
        var observed: String { "joinAnswered(\(runID), finished \(status))" }
        if let slot = runs.slot(of: runID) {
            let run = runs[slot]
            var problem: String?
            if run.deleted {
                problem = "the not-found body for deleted \(runID)"
            } else if !run.status.isTerminal {
                problem = "no answer before \(runID) is terminal (it is \(run.status))"
            } else if run.status != status {
                problem = "the answer \(run.status)"
            } else if run.executing && run.signal != .rollback {
                problem = "no answer before \(runID)'s worker stops"
            } else if run.waiters == 0 {
                problem = "an answer only for a waiting join"
            }
            if let problem {
                report(
                    .joinAnsweredAfterSettled, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                    threads: [run.threadID], expected: problem, observed: observed)
            }
            if run.waiters > 0 {
                runs[slot].waiters -= 1
                runs[slot].subscribers = max(0, run.subscribers - 1)
            }
            forgetIfSettled(slot)
            return
        }
        let fate = fates[runID]
        if let settled = RunFateTable.status(of: fate) {
            let waiting = settledWaiters[runID] ?? 0
            if settled != status || waiting == 0 {
                report(
                    .joinAnsweredAfterSettled, events: [reference], runs: [runID],
                    expected: waiting == 0 ? "an answer only for a waiting join" : "the answer \(settled)",
                    observed: observed)
            }
            if waiting > 1 { settledWaiters[runID] = waiting - 1 } else { settledWaiters[runID] = nil }
        } else {
            report(
                .joinAnsweredAfterSettled, events: [reference], runs: [runID],
                expected: fate == .deleted ? "the not-found body for deleted \(runID)" : "joins only of created runs",
                observed: observed)
        }
    }

    // MARK: Refusals and restarts

    mutating func observeCancelRefused(_ runID: RunID?, reason: CancelRefusal, _ reference: EventReference) {
        guard let runID else { return }
        let tracked = runs[runID]
        let exists = tracked.map { !$0.deleted } ?? (RunFateTable.status(of: fates[runID]) != nil)
        let terminal = tracked.map { !$0.deleted && $0.status.isTerminal } ?? (RunFateTable.status(of: fates[runID]) != nil)
        switch reason {
        case .notFound where exists:
            report(
                .legalTransition, events: [reference], runs: [runID], expected: "a cancel of existing \(runID) not refused as missing",
                observed: "cancelRefused(\(runID), notFound)")
        case .alreadyTerminal where !terminal:
            report(
                .legalTransition, events: [reference], runs: [runID], expected: "alreadyTerminal only for a terminal run",
                observed: "cancelRefused(\(runID), alreadyTerminal)")
        case .notFound, .alreadyTerminal, .nothingToCancel:
            break
        }
    }

    mutating func observeServerRestarted(attemptCountersReset: Bool, _ reference: EventReference) {
        coverage.serverRestarts += 1
        if executingCount > 0 {
            let executing = runs.slotsByID(where: \.executing)
            let executingIDs = executing.map { runs[$0].id }
            report(
                .legalTransition, events: [reference], runs: executingIDs,
                expected: "every worker stopped or re-queued before the restart", observed: "\(executingIDs) still executing")
            for slot in executing {
                runs[slot].executing = false
                if let thread = existingThreadSlot(ofRun: slot) {
                    let wasActive = threads[thread].isActive
                    stopExecuting(slot, thread: thread)
                    commit(thread, wasActive: wasActive)
                }
                forgetIfSettled(slot)
            }
            executingCount = 0
        }
        guard attemptCountersReset else { return }
        let counted = runs.slotsByID { $0.attempt > 0 }
        let countedIDs = counted.map { runs[$0].id }
        if allows(.attemptCounterNotRestored) {
            if !counted.isEmpty {
                coverage.attemptCounterResets += 1
                report(
                    .attemptCounting, quirk: .attemptCounterNotRestored, events: [reference], runs: countedIDs,
                    expected: "attempt counters of \(countedIDs) to survive the restart", observed: "reset to 0")
            }
        } else {
            report(
                .attemptCounting, events: [reference], runs: countedIDs,
                expected: "attempt counters to survive the restart", observed: "serverRestarted(attemptCountersReset: true)")
        }
        for slot in counted { runs[slot].attempt = 0 }
    }

    // MARK: Drain (rule 10)

    mutating func checkDrained() {
        for slot in runs.slotsByID() {
            let run = runs[slot]
            if run.isInFlight {
                report(
                    .drainedNothingInFlight, events: [run.workerEvent ?? run.createdEvent], runs: [run.id],
                    threads: [run.threadID], expected: "nothing pending or running at drain", observed: "\(run.id) still \(run.status)")
            } else if run.executing {
                report(
                    .drainedNothingInFlight, events: [run.endEvent ?? run.createdEvent], runs: [run.id],
                    threads: [run.threadID], expected: "every worker stopped at drain", observed: "\(run.id)'s worker still executing")
            } else if run.waiters > 0 {
                report(
                    .joinEventuallyAnswered, events: [run.endEvent ?? run.createdEvent], runs: [run.id], threads: [run.threadID],
                    expected: "joins of settled \(run.id) answered", observed: "\(run.waiters) still waiting at drain")
            }
        }
        for (runID, count) in settledWaiters.sorted(by: { $0.key < $1.key }) {
            report(
                .joinEventuallyAnswered, events: [], runs: [runID], expected: "joins of settled \(runID) answered",
                observed: "\(count) still waiting at drain")
        }
        // Held threads, and the evicted ones a quirk left busy, in id order as if all were held.
        var candidates = threads.slotsByID.map { threads[$0] }
        if !threads.evictedBusy.isEmpty {
            candidates += threads.evictedBusy.compactMap { threads.evictedRecord($0) }
            candidates.sort { $0.id < $1.id }
        }
        for thread in candidates {
            guard !thread.temporary, thread.status == .busy, !thread.isActive else { continue }
            let quirk: Quirk? =
                thread.quiescence?.cause == .eagerDeletion && allows(.eagerDeleteLeavesThreadBusy) ? .eagerDeleteLeavesThreadBusy : nil
            report(
                .drainedThreadsNotBusy, quirk: quirk,
                events: [thread.quiescence?.event, thread.statusEvent].compactMap { $0 }, threads: [thread.id],
                expected: "\(thread.id) not busy at drain with nothing in flight", observed: "\(thread.id) is busy")
        }
    }
}
