// Applying facts. Total: never validates, never traps on a stream the decider could emit;
// an event naming something absent is ignored, so an odd journal degrades, not crashes.

extension State {
    /// Applies one event. Replaying a journal is folding this over its events.
    public mutating func evolve(_ event: Event) {
        if !event.isRefusal, event.at > latestEventAt { latestEventAt = event.at }
        switch event {
        case .threadCreated(let threadID, let temporary, let status, _):
            applyThreadCreated(threadID, temporary: temporary, status: status)
        case .created(let created):
            insertRun(created)
        case .rejected, .cancelRefused, .commandRefused:
            break
        case .started(let runID, let threadID, let attempt, let at):
            applyStarted(runID, thread: threadID, attempt: attempt, at: at)
        case .checkpointed(let checkpointed):
            applyCheckpoint(checkpointed)
        case .succeeded(let runID, _, let at):
            endExecution(runID, status: .success, at: at)
        case .failed(let runID, _, _, let at):
            endExecution(runID, status: .error, at: at)
        case .timedOut(let runID, _, let at):
            endExecution(runID, status: .timeout, at: at)
        case .retried(let runID, _, _, _):
            removeExecution(of: runID)
            updateRun(runID) { $0.status = .pending }
            enqueuePending(runID)
        case .interrupted(let runID, _, let action, _, let at):
            markNotInFlight(runID)
            updateRun(runID) { run in
                run.status = .interrupted
                run.updatedAt = at
            }
            pendingOrder.remove(runID, createdAt: runTable[runID]?.createdAt)
            signalExecution(of: runID, action)
        case .rolledBack(let runID, _, _, _):
            signalExecution(of: runID, .rollback)
            removeRun(runID)
        case .deleted(let runID, _, _):
            removeRun(runID)
        case .workerStopped(let runID, _, let finalWrite, let at):
            removeExecution(of: runID)
            switch finalWrite {
            case .interrupted: updateRun(runID) { $0.updatedAt = at }
            case .rolledBack, .runMissing: break
            }
        case .subscribed(let runID, _, let waits, _):
            updateRun(runID) { run in
                run.subscriberCount += 1
                if waits { run.waiterCount += 1 }
            }
        case .unsubscribed(let runID, _, _):
            updateRun(runID) { run in
                run.subscriberCount = max(0, run.subscriberCount - 1)
                run.waiterCount = min(run.waiterCount, run.subscriberCount)
            }
        case .joinAnswered(let runID, _, _):
            updateRun(runID) { run in
                run.waiterCount = max(0, run.waiterCount - 1)
                run.subscriberCount = max(0, run.subscriberCount - 1)
            }
        case .threadStatusChanged(let threadID, let status, _):
            updateThread(threadID) { $0.status = status }
        case .threadValuesCached(let threadID, let runID, _):
            updateThread(threadID) { $0.valuesFromRunID = runID }
        case .threadDeleted(let threadID, _):
            removeThread(threadID)
        case .serverRestarted(let attemptCountersReset, _):
            for execution in executions { countExecutions(on: execution.threadID, by: -1) }
            executions.removeAll()
            if attemptCountersReset {
                runTable.updateEach { $0.attempt = 0 }
            }
        }
    }

    // MARK: Leaves
    // The decision applies the frequent events through these same functions directly (see
    // Decision+Apply.swift), so both paths change the state identically by construction.

    /// `isAbsent`: the caller knows no thread has this id, so none is looked for to replace.
    mutating func applyThreadCreated(_ threadID: ThreadID, temporary: Bool, status: ThreadStatus, isAbsent: Bool = false) {
        storeThread(newThread(threadID, temporary: temporary, status: status), isAbsent: isAbsent)
    }

    /// The empty thread a `threadCreated` event stores (not stored yet; the id counter moves).
    @inline(__always)
    mutating func newThread(_ threadID: ThreadID, temporary: Bool, status: ThreadStatus) -> StoredThread {
        var thread = StoredThread(id: threadID, isTemporary: temporary, status: status)
        thread.executionCount = newThreadExecutionCount(threadID)
        return thread
    }

    /// The worker count of a thread about to be created with this id (the id counter moves).
    @inline(__always)
    mutating func newThreadExecutionCount(_ threadID: ThreadID) -> Int32 {
        // A worker can name this id only if the thread existed before (its id is then below
        // `nextThreadID`) or after an odd journal started one on an unknown thread: otherwise
        // its worker count is 0 without a scan.
        let mayHaveWorkers = !executions.isEmpty && (threadID < nextThreadID || hasWorkersOnUnknownThreads)
        if threadID >= nextThreadID { nextThreadID = ThreadID(threadID.rawValue + 1) }
        return mayHaveWorkers ? executionCount(on: threadID) : 0
    }

    /// Stores a new thread, replacing any with its id unless the caller knows there is none.
    @inline(__always)
    mutating func storeThread(_ thread: StoredThread, isAbsent: Bool) {
        if isAbsent {
            threadTable.setValue(thread, forKey: thread.id)
        } else {
            insertThread(thread)
        }
    }

    /// Workers executing on `threadID`, counted by a scan (for a thread being created).
    @inline(never)
    private func executionCount(on threadID: ThreadID) -> Int32 {
        Int32(executions.reduce(0) { $0 + ($1.threadID == threadID ? 1 : 0) })
    }

    mutating func applyStarted(_ runID: RunID, thread threadID: ThreadID, attempt: UInt32, at: Timestamp) {
        removeExecution(of: runID)
        applyStarted(idleRun: runID, thread: threadID, attempt: attempt, at: at)
    }

    /// ``applyStarted(_:thread:attempt:at:)`` for a run no worker executes. A pending run never
    /// has one (a worker leaves its slot before its run can be pending again: `retried`, or
    /// `workerStopped`/`serverRestarted` after a cancel), so the dequeue skips that scan.
    /// `threadSlot`: the thread's window slot, when the caller found it.
    mutating func applyStarted(idleRun runID: RunID, thread threadID: ThreadID, attempt: UInt32, threadSlot: Int? = nil, at: Timestamp) {
        startWorker(idleRun: runID, thread: threadID, attempt: attempt, at: at)
        if let threadSlot {
            threadTable.updateSlot(threadSlot) { $0.executionCount += 1 }
        } else {
            countExecutions(on: threadID, by: 1)
        }
    }

    /// ``applyStarted(idleRun:thread:attempt:threadSlot:at:)`` but for the thread's worker count.
    @inline(__always)
    mutating func startWorker(idleRun runID: RunID, thread threadID: ThreadID, attempt: UInt32, at: Timestamp) {
        // The waiter count does not change, so the total needs no update.
        let createdAt = runTable.update(runID) { run in
            run.status = .running
            run.attempt = attempt
            run.startedAt = at
            return run.createdAt
        }
        pendingOrder.remove(runID, createdAt: createdAt)
        executions.append(Execution(runID: runID, threadID: threadID, startedAt: at, signal: nil))
    }

    /// Keeps ``StoredThread/executionCount`` of `threadID` (if it exists) as workers come and go.
    @inline(__always)
    private mutating func countExecutions(on threadID: ThreadID, by change: Int32) {
        let counted = threadTable.update(threadID) { $0.executionCount += change } != nil
        if !counted, change > 0, threadID >= nextThreadID { hasWorkersOnUnknownThreads = true }
    }

    mutating func insertRun(_ created: borrowing RunCreated) {
        guard !runTable.contains(created.runID) else { return }
        let run = storeRun(created)
        addRun(run.id, to: run.threadID)
        pendingOrder.insert(run.id, createdAt: run.createdAt)
    }

    /// Stores the run record a `created` event makes (its id absent from the table), without
    /// its thread's lists or the queue; returns the fields those need.
    @inline(__always)
    mutating func storeRun(_ created: borrowing RunCreated) -> (id: RunID, threadID: ThreadID, createdAt: Timestamp) {
        let id = created.runID
        // The record is built in each branch, so the common append stores it once, in place.
        if runTable.appendsAtEnd(id) {
            runTable.appendAtEnd(Self.newRun(created))
        } else {
            runTable.setValueInGeneral(Self.newRun(created), forKey: id)  // (the subscript's setter was an out-of-line call)
        }
        if id >= nextRunID { nextRunID = RunID(id.rawValue + 1) }
        return (id, created.threadID, created.requestedAt + created.after)
    }

    @inline(__always)
    private static func newRun(_ created: borrowing RunCreated) -> Run {
        Run(
            id: created.runID, threadID: created.threadID, assistantID: created.assistantID,
            strategy: created.strategy, requestedAt: created.requestedAt, after: created.after,
            stepCount: created.work.count, subscriberCount: created.subscribed ? 1 : 0)
    }

    private mutating func enqueuePending(_ runID: RunID) {
        guard let run = runTable[runID] else { return }
        pendingOrder.insert(runID, createdAt: run.createdAt)
    }

    /// Applies a checkpoint; `threadSlot`, when the caller found it, is the thread's window slot.
    /// `runSlot`, when the caller found it, is the run's window slot.
    @inline(__always)
    mutating func applyCheckpoint(_ checkpointed: Checkpointed, runSlot: Int? = nil, threadSlot: Int? = nil) {
        if let stepIndex = checkpointed.stepIndex {
            // Only the steps change: no waiter count to keep.
            if let runSlot {
                runTable.updateSlot(runSlot) { $0.completedSteps = max($0.completedSteps, stepIndex + 1) }
            } else {
                runTable.update(checkpointed.runID) { $0.completedSteps = max($0.completedSteps, stepIndex + 1) }
            }
        }
        if let step = checkpointed.checkpointStep {
            if let threadSlot {
                appendCheckpoint(inSlot: threadSlot, runID: checkpointed.runID, step: step, hasNext: checkpointed.hasNext)
            } else {
                appendCheckpoint(on: checkpointed.threadID, runID: checkpointed.runID, step: step, hasNext: checkpointed.hasNext)
            }
        }
    }

    mutating func endExecution(_ runID: RunID, status: RunStatus, at: Timestamp) {
        removeExecution(of: runID)
        endRun(runID, status: status, at: at)
    }

    /// ``endExecution(_:status:at:)`` when the caller found the worker's slot in `executions`.
    /// `threadSlot`, when not nil, is the window slot of the worker's thread.
    mutating func endExecution(_ runID: RunID, executionIndex: Int, threadSlot: Int?, status: RunStatus, at: Timestamp) {
        removeExecution(at: executionIndex, threadSlot: threadSlot)
        endRun(runID, status: status, at: at)
    }

    /// Removes the worker at `index`, keeping the others' order (the digest and a restart see
    /// it): the later slots move down in ``WorkerList/remove(at:)``, one uniqueness check.
    @inline(__always)
    private mutating func removeExecution(at index: Int, threadSlot: Int? = nil) {
        if let threadSlot {
            threadTable.updateSlot(threadSlot) { $0.executionCount -= 1 }
        } else {
            countExecutions(on: executions[index].threadID, by: -1)
        }
        removeWorker(at: index)
    }

    /// ``removeExecution(at:threadSlot:)`` but for the thread's worker count, which the caller keeps.
    @inline(__always)
    mutating func removeWorker(at index: Int) {
        executions.remove(at: index)
    }

    /// The run's own part of ending its execution. The run stays in its thread's in-flight
    /// list until the thread's next run is added (see ``StoredThread/inFlightRunIDs``):
    /// removing it at once was a third of the cost of ending, and most threads get no next run.
    @inline(__always)
    mutating func endRun(_ runID: RunID, status: RunStatus, at: Timestamp) {
        // Only the status and the time change: no waiter count to keep.
        runTable.update(runID) { run in
            run.status = status
            run.updatedAt = at
        }
    }

    /// The run's status became terminal: it leaves its thread's in-flight list.
    private mutating func markNotInFlight(_ runID: RunID) {
        guard let threadID = runTable.peek(runID, { $0.threadID }) else { return }
        removeInFlight(runID, from: threadID)
    }

    /// The run's worker (there is at most one) leaves its slot. Found by a scan of the few
    /// slots; `removeAll(where:)` went through a generic partition each time.
    private mutating func removeExecution(of runID: RunID) {
        if let index = executionIndex(of: runID) { removeExecution(at: index) }
    }

    /// The position in ``executions`` of the run's worker (there is at most one), by a plain scan.
    @inline(__always)
    func executionIndex(of runID: RunID) -> Int? {
        executions.index(ofRun: runID)
    }

    private mutating func signalExecution(of runID: RunID, _ action: CancelAction) {
        if let index = executionIndex(of: runID) {
            executions[index].signal = action
        }
    }

    /// Deletes the record and every checkpoint tagged with it; a worker executing it stays.
    private mutating func removeRun(_ runID: RunID) {
        guard let run = runTable.removeValue(forKey: runID) else { return }
        let threadID = run.threadID
        waiterTotal -= run.waiterCount
        pendingOrder.remove(runID, createdAt: run.createdAt)
        deleteRun(runID, from: threadID)
    }

    private mutating func removeThread(_ threadID: ThreadID) {
        guard let thread = threadTable[threadID] else { return }
        for runID in runIDNodes.elements(of: thread.runIDs) { removeRun(runID) }
        dropThread(threadID)
    }

    private mutating func updateRun(_ runID: RunID, _ change: (inout Run) -> Void) {
        let waiterChange = runTable.update(runID) { run in
            let waitersBefore = run.waiterCount
            change(&run)
            return run.waiterCount - waitersBefore
        }
        waiterTotal += waiterChange ?? 0
    }

    mutating func updateThread(_ threadID: ThreadID, _ change: (inout StoredThread) -> Void) {
        threadTable.update(threadID, change)
    }
}
