// The server model: the poller (§6 of the run-semantics reference), workers executing steps,
// cancelled workers stopping a moment later, timeouts and errors.
import DiscreteEvent
import RunLifecycle

extension SimulationEngine {
    mutating func schedule(_ action: Action, at time: SimulatedTime) {
        kernel.schedule(at: time, priority: action.priority, action)
    }

    @discardableResult
    mutating func schedule(_ action: Action, after microseconds: Int64) -> AgendaHandle {
        kernel.schedule(at: kernel.now + .microseconds(microseconds), priority: action.priority, action)
    }

    // MARK: Poller (polling mode)

    /// One loop iteration after "wait until a slot is free": capture `now`, then sleep the poll
    /// interval if the previous poll started nothing, else only yield.
    mutating func startPollIteration() {
        let snapshot = kernel.now.timestamp
        poller = .sleeping
        schedule(.pollerWake(snapshot: snapshot),
                 after: (lastPollDispatched ? 0 : pollInterval.microseconds) + pollIterationOverhead)
    }

    mutating func pollerWoke(snapshot: Timestamp) {
        // Restarting: the loop is not running; ``serverCameUp()`` starts it again.
        guard serverDownUntil == .min else {
            poller = .idle
            return
        }
        metrics.pollsIssued += 1
        execute(.dequeue(snapshot: snapshot, limit: state.freeSlotCount, at: kernel.now.timestamp))
        // A run that fails its attempt check frees its slot at once, yet it was dispatched.
        lastPollDispatched = lastCommandStarted
        if state.freeSlotCount == 0 {
            poller = .waitingForSlot
        } else if kernel.pendingCount == 0 && state.pendingOrder.isEmpty {
            // Nothing is due and nothing will arrive: the loop would sleep forever.
            poller = .idle
        } else {
            startPollIteration()
        }
    }

    // MARK: Event-driven queue (poll interval 0)

    /// Dequeues whenever a slot is free and a run is due, with no delay; repeats while polls
    /// start runs, as the real loop re-polls without sleeping after a dispatch.
    mutating func dequeueEventDriven() {
        guard serverDownUntil == .min else { return }
        while eventDrivenDequeueIsDue {
            metrics.pollsIssued += 1
            execute(eventDrivenDequeue)
            guard lastCommandStarted else { return }
        }
    }

    /// Whether the event-driven queue dequeues now: a slot is free and a run is due.
    // The queue keeps each pending run's `created_at` beside its id: no run is looked up.
    @inline(__always)
    var eventDrivenDequeueIsDue: Bool {
        state.freeSlotCount > 0 && !state.pendingOrder.isEmpty && state.pendingOrder.createdAt(at: 0) <= kernel.now.timestamp
    }

    /// The event-driven queue's dequeue now.
    // `created_at < snapshot`: a snapshot 1 µs ahead makes runs due now eligible.
    @inline(__always)
    var eventDrivenDequeue: Command {
        .dequeue(snapshot: kernel.now.timestamp + Microseconds(1), limit: state.freeSlotCount, at: kernel.now.timestamp)
    }

    // MARK: Workers

    mutating func stepDone(_ runID: RunID, worker token: UInt32) {
        guard let index = runs.index(of: runID), let worker = runs[index].worker, worker.token == token else { return }
        // The paths that end here clear the fired item themselves; the usual one clears it in
        // the same access that counts the step's work.
        guard !worker.cancelled else {
            runs[index].worker!.stepItem = nil
            return
        }
        // A run deleted (`DELETE`) under its worker: the worker ends at this step's end and its
        // final write finds no run; returning here would hold its slot forever.
        // A one-step run not ended was not deleted (its `deleted` event ends it), and its next
        // step is past its last whatever its completed steps: the state is not asked (its run
        // table lookup was about 16 instructions per run).
        let stepIndex: Int
        if runs[index].stepCount == 1, !runs[index].ended {
            assert(state.runTable.peek(runID, { $0.completedSteps }) != nil, "an unended run missing from the state")
            stepIndex = 0
        } else if let completed = state.runTable.peek(runID, { $0.completedSteps }) {
            stepIndex = completed
        } else {
            runs[index].worker!.stepItem = nil
            return execute(.workerStopped(run: runID, at: kernel.now.timestamp))
        }
        let now = kernel.now.microsecondsSinceStart
        let stepMicroseconds = now - worker.stepStartedAt
        if retryProbability > 0 || errorProbability > 0 {
            let draw = random.server.nextDouble()
            if draw < retryProbability {
                runs[index].worker!.stepItem = nil
                metrics.wastedByRetryMicroseconds += Double(stepMicroseconds)
                return execute(.retry(run: runID, at: kernel.now.timestamp))
            }
            if draw < retryProbability + errorProbability {
                runs[index].worker!.stepItem = nil
                return execute(.finish(run: runID, outcome: .error, at: kernel.now.timestamp))
            }
        }
        // One access to the slot table where two checked its uniqueness, bounds and presence;
        // it hands back only the two fields the next step's duration needs (returning the whole
        // record copied it out).
        let steps = runs.update(at: index) { record in
            record.worker!.stepItem = nil
            record.executedMicroseconds += stepMicroseconds
            return (count: record.stepCount, first: record.firstStep)
        }
        let nextStep = duration(of: runID, stepCount: steps.count, firstStep: steps.first, step: stepIndex + 1)
        metrics.executedMicroseconds += Double(stepMicroseconds)
        guard let nextStep else {
            // The last step: its checkpoint, the worker's end and the dequeue of the run that
            // takes its slot are decided in one execute (one prologue, one integration), as
            // nothing the engine observes comes of a checkpoint and `perform` goes straight on
            // to ``afterAction()``.
            guard chainsFollowUps else {
                execute(.checkpoint(run: runID, at: kernel.now.timestamp))
                return execute(.finish(run: runID, outcome: .success, at: kernel.now.timestamp))
            }
            return execute(.checkpoint(run: runID, at: kernel.now.timestamp), thenSucceed: runID, thenDequeue: true)
        }
        execute(.checkpoint(run: runID, at: kernel.now.timestamp))
        let item = schedule(.stepDone(run: runID, worker: token), after: nextStep.count)
        // Looked up again: the checkpoint's events may have moved the run's slot.
        guard let index = runs.index(of: runID), runs[index].worker != nil else { return }
        runs.update(at: index) { record in
            record.worker!.stepStartedAt = now
            record.worker!.stepItem = item
        }
    }

    /// A worker took a slot: schedule its next step (a retried run resumes where it stopped).
    mutating func workerStarted(_ runID: RunID, thread: ThreadID, attempt: UInt32) {
        let now = kernel.now.microsecondsSinceStart
        lastCommandStarted = true
        queueMayMove = true
        // Every started run was created first, and stays in `runs` while its worker lives.
        guard let index = runs.index(of: runID) else { return }
        // The fields needed are read first, then the record is changed in one access: each field
        // written through the slot table checked its uniqueness, bounds and presence again (five
        // times per started run), and copying the whole record out and back cost more than the
        // three fields that change.
        let record = runs[index]
        let firstStart = !record.started
        let token = nextWorkerToken
        nextWorkerToken &+= 1
        var worker = Worker(token: token, stepStartedAt: now)
        // A run's first start has no completed step (a checkpoint needs a running run), so the
        // state's run table is asked only on later starts (after a retry or a restart).
        assert(!firstStart || state.runTable.peek(runID, { $0.completedSteps }) == 0, "a first start with completed steps")
        if let stepIndex = firstStart ? 0 : state.runTable.peek(runID, { $0.completedSteps }),
            let step = duration(of: runID, record: record, step: stepIndex)
        {
            worker.stepItem = schedule(.stepDone(run: runID, worker: token), after: step.count)
            worker.timeoutItem = timeoutMilliseconds.map { schedule(.timeout(run: runID, worker: token), after: $0 * 1_000) }
        }
        runs.update(at: index) { record in
            record.outcome = .running
            record.started = true
            record.worker = worker
        }
        if firstStart { recordWait(createdAt: record.createdAt, thread: record.threadID, startedAt: now) }
    }

    /// How long step `index` of the run at `slot` (of ``runs``) takes; nil past its last step.
    // Inlined: called on its own, a non-mutating method got a copy of the whole engine.
    @inline(__always)
    func duration(of runID: RunID, at slot: Int, step index: Int) -> Microseconds? {
        duration(of: runID, record: runs[slot], step: index)
    }

    /// ``duration(of:at:step:)`` for the run's record at hand.
    @inline(__always)
    func duration(of runID: RunID, record: RunRecord, step index: Int) -> Microseconds? {
        duration(of: runID, stepCount: record.stepCount, firstStep: record.firstStep, step: index)
    }

    /// ``duration(of:at:step:)`` for a run of `stepCount` steps whose first takes `firstStep`.
    @inline(__always)
    func duration(of runID: RunID, stepCount: Int, firstStep: Microseconds, step index: Int) -> Microseconds? {
        guard index < stepCount else { return nil }
        return index == 0 ? firstStep : multiStepWork.peek(runID, { $0[index] })
    }

    /// Splits the first attempt's wait into the time behind the thread's own earlier runs and
    /// the rest (waiting for a slot or the poller).
    // Inlined into ``workerStarted(_:thread:attempt:)``, its only caller: the call's prologue,
    // epilogue and argument moves were about a sixth of its work.
    @inline(__always)
    mutating func recordWait(createdAt: Int64, thread threadID: ThreadID, startedAt now: Int64) {
        let wait = now - createdAt
        let ownEnd = threadLastWorkerEnd(beforeFirstStartOn: threadID)
        // With no worker end known the own wait is 0 whatever the wait's sign: not derived from
        // the wait, it costs no branch on it (which the branch predictor missed about once
        // per run, as waits are zero or not at random).
        let own = ownEnd == .min ? 0 : max(0, min(wait, ownEnd - createdAt))
        metrics.startWaits.record(wait: wait, own: own)
    }

    /// The worker of the run at `index` (of ``runs``) left its slot (ended, retried, or
    /// stopped after a cancel).
    mutating func workerLeft(at index: Int, thread: ThreadID) {
        guard let worker = runs[index].worker else { return }
        runs[index].worker = nil
        cancelItems(of: worker)
        threadWorkerLeft(thread, at: kernel.now.microsecondsSinceStart)
        queueMayMove = true
    }

    /// Takes a departed worker's step and timeout off the agenda: they would do nothing.
    mutating func cancelItems(of worker: Worker) {
        if let item = worker.stepItem { kernel.cancel(item) }
        if let item = worker.timeoutItem { kernel.cancel(item) }
    }

    /// A running run's worker got a cancel signal: the step in progress is discarded and the
    /// worker stops after a short delay (observed 0.1–3.4 ms).
    mutating func signalWorker(_ runID: RunID, rollback: Bool) {
        let now = kernel.now.microsecondsSinceStart
        guard let index = runs.index(of: runID) else { return }
        guard let worker = runs[index].worker, !worker.cancelled else {
            // A pending victim: a rollback still throws away the steps of earlier attempts.
            if rollback, runs[index].worker == nil {
                metrics.wastedByRollbackMicroseconds += Double(runs[index].executedMicroseconds)
            }
            return
        }
        runs[index].worker!.cancelled = true
        let inProgress = Double(now - worker.stepStartedAt)
        if rollback {
            metrics.wastedByRollbackMicroseconds += inProgress + Double(runs[index].executedMicroseconds)
        } else {
            metrics.cutShortByInterruptMicroseconds += inProgress
        }
        let delay = spec.server.cancelStopDelay.sampleMicroseconds(using: &random.server)
        schedule(.workerStop(run: runID), after: delay)
    }
}
