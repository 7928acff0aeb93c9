// The frequent events, applied without the round trip through `evolve`: each helper changes
// the state through the same leaf `evolve` calls for that event (State+Evolve.swift), then
// builds the event in the buffer. This skips the switches over the large `Event` enum (waiter
// bookkeeping, `evolve`'s dispatch, its time and refusal tests) and the copy of the event that
// was passed to `evolve` and then appended. None of these events deletes a run or a thread,
// so none has waiters to record. The property tests fold every journal with `evolve` and
// compare the result with the live state, so a helper that drifted from `evolve` fails them.

extension State {
    /// Appends an event whose effect is already applied to `state`, moving the state's clock
    /// as `evolve` does for every event that is not a refusal.
    @inline(__always)
    private mutating func appendApplied(_ event: consuming Event, at: Timestamp) {
        if at > self.latestEventAt { self.latestEventAt = at }
        decision.events.append(event)
    }

    mutating func emitThreadCreated(_ threadID: ThreadID, temporary: Bool, status: ThreadStatus, isAbsent: Bool = false, at: Timestamp) {
        self.applyThreadCreated(threadID, temporary: temporary, status: status, isAbsent: isAbsent)
        appendApplied(.threadCreated(thread: threadID, temporary: temporary, status: status, at: at), at: at)
    }

    /// `threadCreated` (status `busy`) and then `created` for the new thread's first run, applied
    /// together: the thread is stored with the run already in its lists (what ``addRun(_:to:)``
    /// does to an empty thread), so it is not looked up and changed again. The run's id is
    /// ``nextRunID``, which no run has. (Inlined into the create, its one caller: its call
    /// frame was ~30 instructions.)
    @inline(__always)
    mutating func emitThreadCreated(temporary: Bool, isAbsent: Bool, withFirstRun created: consuming RunCreated) {
        let threadID = created.threadID, at = created.requestedAt
        let executionCount = self.newThreadExecutionCount(threadID)
        // The record is built in each branch, so the common append stores it once, in place
        // (built before the branch, it was stored on the stack and then copied into its slot).
        // A key appended at the window's end has no value, so none needs replacing.
        if self.threadTable.appendsAtEnd(threadID) {
            self.threadTable.appendAtEnd(
                StoredThread(id: threadID, isTemporary: temporary, status: .busy, executionCount: executionCount, onlyRun: created.runID))
        } else {
            self.storeThread(
                StoredThread(id: threadID, isTemporary: temporary, status: .busy, executionCount: executionCount, onlyRun: created.runID),
                isAbsent: isAbsent)
        }
        let run = self.storeRun(created)
        self.pendingOrder.insert(run.id, createdAt: run.createdAt)
        appendApplied(.threadCreated(thread: threadID, temporary: temporary, status: .busy, at: at), at: at)
        appendApplied(.created(created), at: at)
    }

    mutating func emitCreated(_ created: consuming RunCreated) {
        self.insertRun(created)
        let at = created.requestedAt
        appendApplied(.created(created), at: at)
    }

    /// Starts a pending run (which no worker executes; see ``applyStarted(idleRun:thread:attempt:at:)``).
    /// `threadSlot`: the thread's window slot, when the caller found it.
    mutating func emitStarted(pending runID: RunID, thread threadID: ThreadID, attempt: UInt32, threadSlot: Int?, at: Timestamp) {
        self.applyStarted(idleRun: runID, thread: threadID, attempt: attempt, threadSlot: threadSlot, at: at)
        appendApplied(.started(run: runID, thread: threadID, attempt: attempt, at: at), at: at)
    }

    /// `started` and then the run's input checkpoint (step `step`, with `next`) on the thread in
    /// window slot `threadSlot`, applied together: the thread is changed once for its worker
    /// count and its checkpoint history. (Marked inline for the poll, its one caller, which the
    /// compiler still calls it from: the poll is too large for it to inline more.)
    @inline(__always)
    mutating func emitStarted(
        pending runID: RunID, thread threadID: ThreadID, attempt: UInt32, inputCheckpointStep step: Int64, threadSlot: Int,
        at: Timestamp
    ) {
        self.startWorker(idleRun: runID, thread: threadID, attempt: attempt, at: at)
        self.changeThread(inSlot: threadSlot) { thread, _, spanNodes in
            thread.executionCount += 1
            Self.appendCheckpoint(to: &thread, runID: runID, step: step, hasNext: true, in: &spanNodes)
        }
        appendApplied(.started(run: runID, thread: threadID, attempt: attempt, at: at), at: at)
        appendApplied(
            .checkpointed(Checkpointed(runID: runID, threadID: threadID, stepIndex: nil, checkpointStep: step, hasNext: true, at: at)),
            at: at)
    }

    /// `threadSlot`: the thread's window slot, when the caller found it.
    /// `runSlot`: the run's window slot, when the caller found it.
    @inline(__always)  // Out of line, the fact was built in memory to be passed.
    mutating func emitCheckpointed(_ checkpointed: Checkpointed, runSlot: Int? = nil, threadSlot: Int? = nil) {
        self.applyCheckpoint(checkpointed, runSlot: runSlot, threadSlot: threadSlot)
        appendApplied(.checkpointed(checkpointed), at: checkpointed.at)
    }

    // The ends of an execution: `executionIndex` is the worker's position in `executions`,
    // which the caller found when it checked that the worker exists; `threadSlot`, when not
    // nil, the window slot of the worker's thread.

    mutating func emitSucceeded(_ runID: RunID, thread threadID: ThreadID, executionIndex: Int, threadSlot: Int? = nil, at: Timestamp) {
        self.endExecution(runID, executionIndex: executionIndex, threadSlot: threadSlot, status: .success, at: at)
        appendApplied(.succeeded(run: runID, thread: threadID, at: at), at: at)
    }

    mutating func emitFailed(_ runID: RunID, thread threadID: ThreadID, cause: FailureCause, executionIndex: Int, threadSlot: Int? = nil, at: Timestamp) {
        self.endExecution(runID, executionIndex: executionIndex, threadSlot: threadSlot, status: .error, at: at)
        appendApplied(.failed(run: runID, thread: threadID, cause: cause, at: at), at: at)
    }

    mutating func emitTimedOut(_ runID: RunID, thread threadID: ThreadID, executionIndex: Int, threadSlot: Int? = nil, at: Timestamp) {
        self.endExecution(runID, executionIndex: executionIndex, threadSlot: threadSlot, status: .timeout, at: at)
        appendApplied(.timedOut(run: runID, thread: threadID, at: at), at: at)
    }

    /// A worker's own end (`ended`: `succeeded`, `failed` or `timedOut`, leaving the run with
    /// `status`) and then its final write to its kept thread in window slot `threadSlot`
    /// (``finalThreadWrite(to:endingRun:base:valuesFrom:workerLeft:)``, decided before the
    /// end), applied together: the thread changes once, for its worker count and the write.
    /// `runSlot`: the run's window slot, which the caller found (``endRun(_:status:at:)`` on it).
    mutating func emitEnded(
        _ ended: consuming Event, _ runID: RunID, runSlot: Int, thread threadID: ThreadID, status: RunStatus, executionIndex: Int,
        threadSlot: Int, threadWrite: (status: ThreadStatus?, valuesFrom: RunID?), at: Timestamp
    ) {
        self.removeWorker(at: executionIndex)
        self.runTable.updateSlot(runSlot) { run in
            run.status = status
            run.updatedAt = at
        }
        self.threadTable.updateSlot(threadSlot) { thread in
            thread.executionCount -= 1
            if let status = threadWrite.status { thread.status = status }
            if let runID = threadWrite.valuesFrom { thread.valuesFromRunID = runID }
        }
        appendApplied(ended, at: at)
        if let status = threadWrite.status {
            appendApplied(.threadStatusChanged(thread: threadID, status: status, at: at), at: at)
        }
        if let runID = threadWrite.valuesFrom {
            appendApplied(.threadValuesCached(thread: threadID, fromRun: runID, at: at), at: at)
        }
    }

    mutating func emitThreadStatusChanged(_ threadID: ThreadID, _ status: ThreadStatus, at: Timestamp) {
        self.updateThread(threadID) { $0.status = status }
        appendApplied(.threadStatusChanged(thread: threadID, status: status, at: at), at: at)
    }

    /// A final write's changes to one thread (its status, its cached values; nil: unchanged),
    /// applied in one table access and emitted in the order the two events have.
    /// `threadSlot`: the thread's window slot, when the caller found it.
    mutating func emitFinalThreadWrite(
        _ threadID: ThreadID, status: ThreadStatus?, valuesFrom runID: RunID?, threadSlot: Int? = nil, at: Timestamp
    ) {
        guard status != nil || runID != nil else { return }
        guard let slot = threadSlot ?? self.threadTable.occupiedSlot(of: threadID) else {
            // An outlier thread: one event at a time.
            if let status { emitThreadStatusChanged(threadID, status, at: at) }
            if let runID { emitThreadValuesCached(threadID, fromRun: runID, at: at) }
            return
        }
        self.threadTable.updateSlot(slot) { thread in
            if let status { thread.status = status }
            if let runID { thread.valuesFromRunID = runID }
        }
        if let status { appendApplied(.threadStatusChanged(thread: threadID, status: status, at: at), at: at) }
        if let runID { appendApplied(.threadValuesCached(thread: threadID, fromRun: runID, at: at), at: at) }
    }

    mutating func emitThreadValuesCached(_ threadID: ThreadID, fromRun runID: RunID, at: Timestamp) {
        self.updateThread(threadID) { $0.valuesFromRunID = runID }
        appendApplied(.threadValuesCached(thread: threadID, fromRun: runID, at: at), at: at)
    }
}
