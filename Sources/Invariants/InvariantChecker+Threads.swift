// Thread events and the thread-status rule (11), subscriptions and joins (8), refusals,
// restarts, and the liveness checks at drain (10).
import RunLifecycle

extension InvariantChecker {
    // MARK: Threads

    mutating func observeThreadCreated(_ threadID: ThreadID, temporary: Bool, status: ThreadStatus, _ reference: EventReference) {
        if threads[threadID] != nil {
            report(
                .legalTransition, events: [reference], threads: [threadID], expected: "\(threadID) created once",
                observed: "threadCreated(\(threadID)) for an existing thread")
        }
        var thread = ShadowThread(id: threadID, temporary: temporary)
        thread.status = status
        thread.statusEvent = reference
        threads[threadID] = thread
        dirtyThreads.append(threadID)
    }

    mutating func observeThreadStatusChanged(_ threadID: ThreadID, status: ThreadStatus, _ reference: EventReference) {
        var thread = threads[threadID] ?? ShadowThread(id: threadID, temporary: false)
        thread.previousStatus = thread.status
        thread.status = status
        thread.statusEvent = reference
        // The run event just before the write is what made the writer write.
        thread.statusWriteCause = thread.lastCause
        thread.lastCause = .none
        threads[threadID] = thread
        dirtyThreads.append(threadID)
    }

    mutating func observeValuesCached(_ threadID: ThreadID, runID: RunID, _ reference: EventReference) {
        let deleted = runs[runID]?.deleted ?? (fates[runID] == .deleted)
        if deleted || fates[runID] == .unseen {
            report(
                deleted ? .noEventAfterDeletion : .legalTransition, events: [reference], runs: [runID], threads: [threadID],
                expected: "cached values only from an existing run", observed: "threadValuesCached(\(threadID), \(runID))")
        }
    }

    mutating func observeThreadDeleted(_ threadID: ThreadID, _ reference: EventReference) {
        guard let thread = threads[threadID] else {
            report(
                .legalTransition, events: [reference], threads: [threadID], expected: "only an existing thread is deleted",
                observed: "threadDeleted(\(threadID))")
            return
        }
        if !thread.inFlight.isEmpty {
            report(
                .legalTransition, events: [reference], runs: thread.inFlight, threads: [threadID],
                expected: "a temporary thread deleted only after its runs ended", observed: "\(thread.inFlight) still in flight")
        }
        let owned = runs.values.filter { $0.threadID == threadID }.map(\.id).sorted()
        for runID in owned {
            guard var run = runs[runID] else { continue }
            if run.status == .pending && !run.deleted {
                globalPending.remove(run.pendingKey)
            }
            run.deleted = true
            run.orphaned = run.executing
            run.endEvent = run.endEvent ?? reference
            runs[runID] = run
        }
        for runID in thread.settledTemporaryRuns { fates[runID] = .deleted }
        threads[threadID] = nil
        dirtyThreads.removeAll { $0 == threadID }
        for runID in owned {
            if let run = runs[runID], run.executing {
                // A worker outliving its thread keeps its slot; it can only report runMissing.
                continue
            }
            forgetIfSettled(runID)
        }
    }

    /// Rule 11, checked at decision boundaries: `busy` iff something is in flight or executing
    /// (non-temporary threads), and once quiet the status §3 derives from the settling event.
    mutating func checkThreadStatus(_ threadID: ThreadID) {
        guard var thread = threads[threadID], !thread.temporary, let status = thread.status else { return }
        let active = thread.isActive
        var expected: String?
        var quirk: Quirk?
        var cause = thread.quiescence?.event
        if status == .busy && !active {
            expected = "idle, interrupted or error once nothing is in flight or executing"
            if thread.quiescence?.cause == .eagerDeletion, allows(.eagerDeleteLeavesThreadBusy) {
                quirk = .eagerDeleteLeavesThreadBusy
            }
        } else if status != .busy && active {
            let parts = [
                thread.inFlight.isEmpty ? nil : "\(thread.inFlight) in flight",
                thread.executing.isEmpty ? nil : "workers of \(thread.executing) executing",
            ]
            expected = "busy while " + parts.compactMap { $0 }.joined(separator: " and ")
            if thread.statusWriteCause == .pendingCancel, allows(.idleAfterPendingCancel) {
                quirk = .idleAfterPendingCancel
            } else if thread.inFlight.isEmpty, allows(.cancelledWorkerFreesThreadAtOnce) {
                quirk = .cancelledWorkerFreesThreadAtOnce
            }
            cause = nil
        } else if !active, let quiescence = thread.quiescence, !quiescence.allows(status) {
            let allowed = ThreadStatus.allCases.filter { quiescence.allows($0) }.map { "\($0)" }.joined(separator: " or ")
            expected = "\(allowed) after the thread settled at \(quiescence.event)"
            if thread.statusWriteCause == .pendingCancel, allows(.idleAfterPendingCancel) {
                quirk = .idleAfterPendingCancel
            }
        }
        if let expected {
            if !thread.mismatchReported {
                thread.mismatchReported = true
                if quirk != nil { coverage.threadStatusDivergences += 1 }
                report(
                    .threadStatusFollowsRuns, quirk: quirk,
                    events: [cause, thread.statusEvent].compactMap { $0 }.sorted { $0.sequence < $1.sequence },
                    runs: thread.inFlight + thread.executing, threads: [threadID], expected: expected,
                    observed: "\(threadID) is \(status)")
            }
        } else {
            thread.mismatchReported = false
        }
        threads[threadID] = thread
    }

    // MARK: Subscriptions and joins (rule 8)

    mutating func observeSubscribed(_ runID: RunID, waits: Bool, _ reference: EventReference) {
        let event = Event.subscribed(run: runID, thread: ThreadID(0), waits: waits, at: reference.at)
        if var run = runs[runID] {
            if run.deleted {
                _ = liveRun(runID, event, reference)
                return
            }
            if run.status.isTerminal && !run.executing && !waits {
                report(
                    .noEventAfterTerminal, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                    expected: "no stream subscription to settled \(runID)", observed: eventName(event))
                return
            }
            run.subscribers += 1
            if waits { run.waiters += 1 }
            runs[runID] = run
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
        if var run = runs[runID], !run.deleted {
            if run.subscribers <= run.waiters {
                report(
                    .legalTransition, events: [reference], runs: [runID],
                    expected: "a non-waiting subscriber of \(runID) to detach", observed: "unsubscribed with none")
            }
            run.subscribers = max(0, run.subscribers - 1)
            runs[runID] = run
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
            if var run = runs[runID] {
                if !run.deleted {
                    report(
                        .joinAnsweredAfterSettled, events: [run.createdEvent, reference], runs: [runID],
                        expected: "\(run.status) \(runID)'s join answered with its status", observed: "answered not found")
                    return
                }
                if run.waiters > 0 {
                    run.waiters -= 1
                    run.subscribers = max(0, run.subscribers - 1)
                }
                runs[runID] = run
                forgetIfSettled(runID)
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
        let observed = "joinAnswered(\(runID), finished \(status))"
        if var run = runs[runID] {
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
                run.waiters -= 1
                run.subscribers = max(0, run.subscribers - 1)
            }
            runs[runID] = run
            forgetIfSettled(runID)
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
            let executing = runs.values.filter(\.executing).map(\.id).sorted()
            report(
                .legalTransition, events: [reference], runs: executing,
                expected: "every worker stopped or re-queued before the restart", observed: "\(executing) still executing")
            for runID in executing {
                guard var run = runs[runID] else { continue }
                run.executing = false
                runs[runID] = run
                if var thread = threads[run.threadID] {
                    let wasActive = thread.isActive
                    stopExecuting(runID, in: &thread)
                    commit(thread, wasActive: wasActive)
                }
                forgetIfSettled(runID)
            }
            executingCount = 0
        }
        guard attemptCountersReset else { return }
        let counted = runs.values.filter { $0.attempt > 0 }.map(\.id).sorted()
        if allows(.attemptCounterNotRestored) {
            if !counted.isEmpty {
                coverage.attemptCounterResets += 1
                report(
                    .attemptCounting, quirk: .attemptCounterNotRestored, events: [reference], runs: counted,
                    expected: "attempt counters of \(counted) to survive the restart", observed: "reset to 0")
            }
        } else {
            report(
                .attemptCounting, events: [reference], runs: counted,
                expected: "attempt counters to survive the restart", observed: "serverRestarted(attemptCountersReset: true)")
        }
        for runID in counted { runs[runID]?.attempt = 0 }
    }

    // MARK: Drain (rule 10)

    mutating func checkDrained() {
        for run in runs.values.sorted(by: { $0.id < $1.id }) {
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
        for thread in threads.values where !thread.temporary && thread.status == .busy {
            guard !thread.isActive else { continue }
            let quirk: Quirk? =
                thread.quiescence?.cause == .eagerDeletion && allows(.eagerDeleteLeavesThreadBusy) ? .eagerDeleteLeavesThreadBusy : nil
            report(
                .drainedThreadsNotBusy, quirk: quirk,
                events: [thread.quiescence?.event, thread.statusEvent].compactMap { $0 }, threads: [thread.id],
                expected: "\(thread.id) not busy at drain with nothing in flight", observed: "\(thread.id) is busy")
        }
    }
}
