// Reacting to each event: bookkeeping for metrics and the worker model. The state has already
// applied the event; this code only schedules what the event sets in motion.
import DiscreteEvent
import RunLifecycle

extension SimulationEngine {
    /// Reacts to the event at `event` (by address: passing it by value copied every event).
    // Inlined into the loop of `execute`, its only caller: half the events need nothing, and the
    // call cost more than the switch that says so.
    @inline(__always)
    mutating func observe(_ event: UnsafePointer<Event>) {
        switch event.pointee {
        case .created(let created):
            // Only plain fields are taken: touching the step array copied the whole payload,
            // retaining and releasing the array for every run. A single step the engine drew
            // itself is known already; other step lists are read from the event.
            let run = CreatedRun(
                runID: created.runID, threadID: created.threadID, createdAt: created.createdAt.microsecondsSinceEpoch,
                delayed: created.after.count > 0, stepCount: 1, firstStep: drawnSingleStep ?? .zero)
            if drawnSingleStep != nil {
                runCreated(run, laterSteps: nil)
            } else {
                runCreated(run, readingStepsOf: event)
            }
        case .rejected:
            metrics.runsRejected += 1
            if case .firstText(let user)? = currentCreate, user >= 0 { userDone(user) }
        case .started(let runID, let threadID, let attempt, _):
            workerStarted(runID, thread: threadID, attempt: attempt)
        case .succeeded(let runID, let threadID, _):
            ended(runID, thread: threadID, outcome: .succeeded)
        case .failed(let runID, let threadID, _, _):
            ended(runID, thread: threadID, outcome: .failed)
        case .timedOut(let runID, let threadID, _):
            ended(runID, thread: threadID, outcome: .timedOut)
        case .retried(let runID, let threadID, _, _):
            metrics.retries += 1
            guard let index = runs.index(of: runID) else { break }
            runs[index].outcome = .pending
            workerLeft(at: index, thread: threadID)
        case .interrupted(let runID, let threadID, let action, _, _):
            signalWorker(runID, rollback: action == .rollback)
            // A rollback deferred to the worker (inmem, subscriber) ends as rolled back later.
            ended(runID, thread: threadID, outcome: action == .rollback ? .rolledBack : .interrupted)
        case .rolledBack(let runID, let threadID, let stage, _):
            if stage == .eager { signalWorker(runID, rollback: true) }
            ended(runID, thread: threadID, outcome: .rolledBack)
        case .deleted(let runID, let threadID, _):
            // DELETE is not a cancel: the worker carries on until it ends on its own.
            if let index = runs.index(of: runID), !runs[index].ended { ended(runID, thread: threadID, outcome: .rolledBack) }
        case .workerStopped(let runID, let threadID, _, _):
            guard let index = runs.index(of: runID) else { break }
            workerLeft(at: index, thread: threadID)
            settleIfDone(runID, at: index)
        case .serverRestarted:
            for index in runs.occupiedIndices {
                guard let worker = runs[index].worker else { continue }
                runs[index].worker = nil
                cancelItems(of: worker)
                queueMayMove = true
            }
        case .threadCreated, .checkpointed, .subscribed, .unsubscribed, .joinAnswered, .threadStatusChanged,
            .threadValuesCached, .threadDeleted, .cancelRefused, .commandRefused:
            break
        }
    }

    /// ``runCreated(_:laterSteps:)`` with the steps listed in the `created` event at `event`.
    @inline(never)
    private mutating func runCreated(_ created: CreatedRun, readingStepsOf event: UnsafePointer<Event>) {
        guard case .created(let payload) = event.pointee else { preconditionFailure("not a created event") }
        var run = created
        let work = payload.work
        run.stepCount = work.count
        run.firstStep = work.first ?? .zero
        runCreated(run, laterSteps: work.count > 1 ? work : nil)
    }

    private mutating func runCreated(_ created: CreatedRun, laterSteps work: [Microseconds]?) {
        metrics.runsCreated += 1
        var user: Int32 = -1
        if case .firstText(let sender)? = currentCreate { user = sender }
        runs.insert(RunRecord(
            threadID: created.threadID, createdAt: created.createdAt, stepCount: created.stepCount,
            firstStep: created.firstStep, user: user), for: created.runID)
        if let work { multiStepWork[created.runID] = work }
        let unsettled = threads.addRun(on: created.threadID)
        metrics.threadQueueDepthMax = max(metrics.threadQueueDepthMax, unsettled)
        if created.delayed, eventDriven {
            schedule(.becameDue, at: SimulatedTime(microsecondsSinceStart: created.createdAt))
        }
        queueMayMove = true
        if clientsAct { clientActions(after: created.runID, on: created.threadID) }
    }

    /// The run reached a terminal status or was deleted; it settles once its worker is gone.
    private mutating func ended(_ runID: RunID, thread: ThreadID, outcome: RunOutcome) {
        guard let index = runs.index(of: runID) else { return }
        // What ``workerLeft(at:thread:)`` does, with the record changed in one access.
        let releasesWorker = outcome != .interrupted && outcome != .rolledBack
        let leaving: Worker? = runs.update(at: index) { record in
            record.ended = true
            record.outcome = outcome
            guard releasesWorker, let worker = record.worker else { return nil }
            record.worker = nil
            return worker
        }
        if let leaving {
            cancelItems(of: leaving)
            threads.workerLeft(thread, at: kernel.now.microsecondsSinceStart)
        }
        queueMayMove = true
        settleIfDone(runID, at: index)
    }

    /// Counts the run at `index` (of ``runs``) and forgets it once it ended and no worker holds it.
    mutating func settleIfDone(_ runID: RunID, at index: Int) {
        // Read once: each field read through the slot table checked bounds and presence again.
        let record = runs[index]
        guard record.ended, record.worker == nil else { return }
        let threadID = record.threadID, user = record.user
        if record.stepCount > 1 { multiStepWork.removeValue(forKey: runID) }
        metrics.count(record.outcome)
        runs.remove(at: index)
        let threadSettled = threads.settleRun(on: threadID)
        if user >= 0 { userDone(user) }
        // What forgetIfUnreferenced(_:thread:) checks, knowing the run just left `runs` and
        // whether its thread just left `threads`.
        // The reference tables stay empty unless clients cancel, join or double text: asking
        // an empty table was a call per run.
        guard forgetsSettledRuns, runReferences.isEmpty || !runReferences.contains(runID) else { return }
        state.forgetSettledRun(runID)
        if threadSettled { forgetIfSettledAndUnreferenced(threadID) }
    }

    // MARK: Forgetting (memory bounded by what is in flight)

    /// Lets the state drop a settled run, and a finished fresh thread, once no scheduled client
    /// action will name them again.
    mutating func forgetIfUnreferenced(_ runID: RunID, thread threadID: ThreadID) {
        guard forgetsSettledRuns, runs.index(of: runID) == nil, !runReferences.contains(runID) else { return }
        state.forgetSettledRun(runID)
        forgetIfUnreferenced(threadID)
    }

    /// Pool threads stay (clients pick them again); a fresh thread goes once nothing names it.
    mutating func forgetIfUnreferenced(_ threadID: ThreadID) {
        guard !threads.contains(threadID) else { return }
        forgetIfSettledAndUnreferenced(threadID)
    }

    /// ``forgetIfUnreferenced(_:)`` for a thread known to have no unsettled run.
    mutating func forgetIfSettledAndUnreferenced(_ threadID: ThreadID) {
        guard forgetsSettledRuns, threadPopularity == nil,
            threadReferences.isEmpty || !threadReferences.contains(threadID)
        else { return }
        state.forgetIdleThread(threadID)
    }

    /// A scheduled client action that named `runID` was performed.
    mutating func releaseReference(to runID: RunID) {
        guard let count = runReferences[runID] else { return }
        runReferences[runID] = count > 1 ? count - 1 : nil
        if count == 1, let threadID = state.run(runID)?.threadID {
            forgetIfUnreferenced(runID, thread: threadID)
        }
    }

    /// A scheduled double text on `threadID` was sent.
    mutating func releaseReference(to threadID: ThreadID) {
        guard let count = threadReferences[threadID] else { return }
        threadReferences[threadID] = count > 1 ? count - 1 : nil
        if count == 1 { forgetIfUnreferenced(threadID) }
    }
}

/// The plain fields of a `created` event that the engine keeps.
struct CreatedRun {
    var runID: RunID
    var threadID: ThreadID
    var createdAt: Int64
    /// Whether it waits for `after_seconds` before it may be dequeued.
    var delayed: Bool
    var stepCount: Int
    var firstStep: Microseconds
}
