// Reacting to each event: bookkeeping for metrics and the worker model. The state has already
// applied the event; this code only schedules what the event sets in motion.
import DiscreteEvent
import RunLifecycle

extension SimulationEngine {
    /// What observing the outbox's event at `index` needs of it, read in place: only plain
    /// fields, so nothing is retained, and the outbox stays where it is while the engine reacts
    /// (taking it out and putting it back cost a release of the empty array per command).
    @inline(__always)
    func observation(at index: Int) -> Observation {
        outbox.withUnsafeBufferPointer { events in Observation(of: events[index]) }
    }

    /// Reacts to `observation`, read from the outbox's event at `index`.
    // Inlined into the loop of `execute`, its only caller: half the events need nothing, and the
    // call cost more than the switch that says so.
    @inline(__always)
    mutating func observe(_ observation: Observation, at index: Int) {
        switch observation {
        case .none:
            break
        case .created(var run):
            // A single step the engine drew itself is known already; other step lists are read
            // from the event (rarely: multi-step runs and scripted requests).
            if let drawnSingleStep {
                run.firstStep = drawnSingleStep
                runCreated(run, laterSteps: nil)
            } else {
                runCreated(run, readingStepsOfEventAt: index)
            }
        case .started(let runID, let threadID, let attempt):
            workerStarted(runID, thread: threadID, attempt: attempt)
        case .ended(let runID, let threadID, let outcome):
            ended(runID, thread: threadID, outcome: outcome)
        case .rejected, .retried, .interrupted, .rolledBack, .deleted, .workerStopped, .serverRestarted:
            observeRarely(observation)
        }
    }

    /// ``observe(_:at:)`` for the observations of runs that do not simply start and end:
    /// kept out of line, so that the loop of ``execute(_:thenSucceed:thenDequeue:)``, which
    /// inlines ``observe(_:at:)``, stays small enough to keep its index in a register.
    @inline(never)
    private mutating func observeRarely(_ observation: Observation) {
        switch observation {
        case .none, .created, .started, .ended:
            preconditionFailure("observed out of line: \(observation)")
        case .rejected:
            metrics.runsRejected += 1
            if case .firstText(let user)? = currentCreate, user >= 0 { userDone(user) }
        case .retried(let runID, let threadID):
            metrics.retries += 1
            guard let index = runs.index(of: runID) else { break }
            runs[index].outcome = .pending
            workerLeft(at: index, thread: threadID)
        case .interrupted(let runID, let threadID, let action):
            signalWorker(runID, rollback: action == .rollback)
            // A rollback deferred to the worker (inmem, subscriber) ends as rolled back later.
            ended(runID, thread: threadID, outcome: action == .rollback ? .rolledBack : .interrupted)
        case .rolledBack(let runID, let threadID, let stage):
            if stage == .eager { signalWorker(runID, rollback: true) }
            ended(runID, thread: threadID, outcome: .rolledBack)
        case .deleted(let runID, let threadID):
            // DELETE is not a cancel: the worker carries on until it ends on its own.
            if let index = runs.index(of: runID), !runs[index].ended { ended(runID, thread: threadID, outcome: .rolledBack) }
        case .workerStopped(let runID, let threadID):
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
        }
    }

    /// ``runCreated(_:laterSteps:)`` with the steps listed in the outbox's `created` event at `index`.
    @inline(never)
    private mutating func runCreated(_ created: CreatedRun, readingStepsOfEventAt index: Int) {
        guard case .created(let payload) = outbox[index] else { preconditionFailure("not a created event") }
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
        runs.insert(for: created.runID) {
            RunRecord(
                threadID: created.threadID, createdAt: created.createdAt, stepCount: created.stepCount,
                firstStep: created.firstStep, user: user)
        }
        if let work { multiStepWork[created.runID] = work }
        let unsettled = threadAddRun(on: created.threadID)
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
        // What ``workerLeft(at:thread:)`` and ``settleIfDone(_:at:workerLeftThread:)`` do, with
        // the record changed (and removed, if it settles) in one access.
        let releasesWorker = outcome != .interrupted && outcome != .rolledBack
        let end = runs.end(at: index, outcome: outcome, releasingWorker: releasesWorker)
        queueMayMove = true
        if let leaving = end.leavingWorker { cancelItems(of: leaving) }
        guard let settled = end.settled else { return }
        // Ended with no worker left: it settles now, and if its worker just left, its thread
        // learns that and that the run settled in one access (two looked the thread up twice).
        runSettled(runID, settled, workerLeftThread: end.leavingWorker == nil ? nil : thread)
    }

    /// Counts the run at `index` (of ``runs``) and forgets it once it ended and no worker holds
    /// it. `workerLeftThread`: the thread whose worker just left (what
    /// ``ThreadSlots/workerLeft(_:at:)`` records), told here, as the run settles.
    mutating func settleIfDone(_ runID: RunID, at index: Int, workerLeftThread: ThreadID? = nil) {
        // Read once: each field read through the slot table checked bounds and presence again.
        let record = runs[index]
        guard record.ended, record.worker == nil else { return }
        runs.remove(at: index)
        runSettled(runID, SettledRun(record), workerLeftThread: workerLeftThread)
    }

    /// The run `runID`, just removed from ``runs``, settled: counts it, and forgets it unless a
    /// scheduled action names it.
    private mutating func runSettled(_ runID: RunID, _ run: SettledRun, workerLeftThread: ThreadID?) {
        let threadID = run.threadID, user = run.user
        if run.stepCount > 1 { multiStepWork.removeValue(forKey: runID) }
        metrics.count(run.outcome)
        let threadSettled = threadSettleRun(on: threadID, workerLeftThread: workerLeftThread)
        if user >= 0 { userDone(user) }
        // What forgetIfUnreferenced(_:thread:) checks, knowing the run just left `runs` and
        // whether its thread just left `threads`.
        // The reference tables stay empty unless clients cancel, join or double text: asking
        // an empty table was a call per run.
        guard forgetsSettledRuns, runReferences.isEmpty || !runReferences.contains(runID) else { return }
        // The run and, when it leaves it idle and unreferenced, its thread, in one pass of the
        // state (what forgetSettledRun and then forgetIfSettledAndUnreferenced(_:) do).
        let forgetsThread = threadSettled && mayForgetSettledThread(threadID)
        state.forgetSettledRun(runID, thenIdleThread: forgetsThread ? threadID : nil)
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
        // Only client actions and scripted commands lead here, and both keep the table on.
        assert(!threadsHoldOneRun, "asked the thread table while it is off")
        guard !threads.contains(threadID) else { return }
        forgetIfSettledAndUnreferenced(threadID)
    }

    /// ``forgetIfUnreferenced(_:)`` for a thread known to have no unsettled run.
    mutating func forgetIfSettledAndUnreferenced(_ threadID: ThreadID) {
        guard mayForgetSettledThread(threadID) else { return }
        state.forgetIdleThread(threadID)
    }

    /// Whether a thread with no unsettled run may be forgotten: no scheduled action names it.
    @inline(__always)
    func mayForgetSettledThread(_ threadID: ThreadID) -> Bool {
        // Threads holding one run each are fresh, and no double text names them.
        if threadsHoldOneRun, forgetsSettledRuns { return true }
        return forgetsSettledRuns && threadPopularity == nil && (threadReferences.isEmpty || !threadReferences.contains(threadID))
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

/// What the engine reacts to in an event: its plain fields, by the reaction they call for.
enum Observation {
    /// Nothing to do (thread and checkpoint bookkeeping, subscriptions, refusals).
    case none
    /// A run was created; `firstStep` is zero and `stepCount` 1 until the steps are read.
    case created(CreatedRun)
    case rejected
    case started(run: RunID, thread: ThreadID, attempt: UInt32)
    /// The run reached a terminal status (succeeded, failed, timed out).
    case ended(run: RunID, thread: ThreadID, outcome: RunOutcome)
    case retried(run: RunID, thread: ThreadID)
    case interrupted(run: RunID, thread: ThreadID, action: CancelAction)
    case rolledBack(run: RunID, thread: ThreadID, stage: RollbackStage)
    case deleted(run: RunID, thread: ThreadID)
    case workerStopped(run: RunID, thread: ThreadID)
    case serverRestarted

    /// The observation of `event`, borrowed: taking the event by value copied it, retaining
    /// its arrays.
    @inline(__always)
    init(of event: borrowing Event) {
        switch event {
        case .created(let created):
            // Only plain fields are taken: touching the step array copied the whole payload.
            self = .created(CreatedRun(
                runID: created.runID, threadID: created.threadID, createdAt: created.createdAt.microsecondsSinceEpoch,
                delayed: created.after.count > 0, stepCount: 1, firstStep: Microseconds(0)))
        case .rejected: self = .rejected
        case .started(let runID, let threadID, let attempt, _): self = .started(run: runID, thread: threadID, attempt: attempt)
        case .succeeded(let runID, let threadID, _): self = .ended(run: runID, thread: threadID, outcome: .succeeded)
        case .failed(let runID, let threadID, _, _): self = .ended(run: runID, thread: threadID, outcome: .failed)
        case .timedOut(let runID, let threadID, _): self = .ended(run: runID, thread: threadID, outcome: .timedOut)
        case .retried(let runID, let threadID, _, _): self = .retried(run: runID, thread: threadID)
        case .interrupted(let runID, let threadID, let action, _, _):
            self = .interrupted(run: runID, thread: threadID, action: action)
        case .rolledBack(let runID, let threadID, let stage, _): self = .rolledBack(run: runID, thread: threadID, stage: stage)
        case .deleted(let runID, let threadID, _): self = .deleted(run: runID, thread: threadID)
        case .workerStopped(let runID, let threadID, _, _): self = .workerStopped(run: runID, thread: threadID)
        case .serverRestarted: self = .serverRestarted
        case .threadCreated, .checkpointed, .subscribed, .unsubscribed, .joinAnswered, .threadStatusChanged,
            .threadValuesCached, .threadDeleted, .cancelRefused, .commandRefused:
            self = .none
        }
    }
}
