// What a worker reports: steps, its own end, retriable failures, stopping after a cancel,
// and a restart that stops every worker (§2, §3 and §6 of the reference).

extension State {
    mutating func checkpoint(_ runID: RunID, at: Timestamp) {
        // The run is looked up once, for these fields and then the step count's update. Only
        // the fields the step needs are read: the whole run is not copied out.
        let runSlot = self.runTable.occupiedSlot(of: runID)
        guard let (status, threadID, completedSteps, stepCount) = self.runTable.peek(slot: runSlot, orKey: runID, {
            ($0.status, $0.threadID, $0.completedSteps, $0.stepCount)
        }) else { return refuse(.checkpoint, runID, .notFound, at: at) }
        // A running run always has its worker, uncancelled (``State/structuralViolations()``
        // checks it): a cancel makes the run interrupted or deletes it, a restart re-queues it.
        // So the status alone answers, without a scan of the workers.
        guard status == .running else {
            // A cancelled worker's in-flight node is aborted mid-step and writes nothing.
            return refuse(.checkpoint, runID, .notRunning, at: at)
        }
        guard completedSteps < stepCount else { return refuse(.checkpoint, runID, .noStepsLeft, at: at) }
        // The thread is looked up once, for the step number and then for the append.
        let slot = self.threadTable.occupiedSlot(of: threadID)
        let persistedStep: Int64?
        if let slot {
            let thread = self.threadTable[slot: slot]
            persistedStep = thread.isTemporary ? nil : self.nextCheckpointStep(of: thread)
        } else {
            persistedStep = self.nextPersistedCheckpointStep(on: threadID)
        }
        emitCheckpointed(
            Checkpointed(
                runID: runID, threadID: threadID, stepIndex: completedSteps,
                checkpointStep: persistedStep, hasNext: completedSteps + 1 < stepCount, at: at),
            runSlot: runSlot, threadSlot: slot)
    }

    mutating func finish(_ runID: RunID, outcome: FinishOutcome, at: Timestamp) {
        // The worker's position, found once: ending the execution removes it from there.
        guard let executionIndex = self.executionIndex(of: runID) else {
            return refuse(.finish, runID, self.runTable[runID] == nil ? .notFound : .notRunning, at: at)
        }
        // A worker that was cancelled (or whose run was deleted) ends through its cancel branch.
        // Only the fields the end needs are read: the whole run is not copied out. The run's
        // slot is found once, for this read and then the end's update.
        let runSlot = self.runTable.occupiedSlot(of: runID)
        guard self.executions[executionIndex].signal == nil,
            let (threadID, lastCheckpointHasNext) = self.runTable.peek(slot: runSlot, orKey: runID, { run in
                run.status == .running ? (run.threadID, run.lastCheckpointHasNext) : nil
            }) ?? nil
        else {
            return stopWorker(runID, at: at)
        }
        // The thread is looked up once, for the worker count and then the final write (the
        // worker runs on its run's thread; were it not so, the general lookups would answer).
        let threadSlot = self.executions[executionIndex].threadID == threadID ? self.threadTable.occupiedSlot(of: threadID) : nil
        if let threadSlot, let runSlot, !self.threadTable[slot: threadSlot].isTemporary {
            // The common end: a kept thread and a run in the windows. The end changes neither
            // the thread's runs, checkpoints, status nor the other workers, so the final write
            // is decided first and both change the thread at once.
            // (The same event, run status and base status as below.)
            let (ended, status, base): (Event, RunStatus, ThreadStatus) =
                switch outcome {
                case .success: (.succeeded(run: runID, thread: threadID, at: at), .success, lastCheckpointHasNext ? .interrupted : .idle)
                case .error: (.failed(run: runID, thread: threadID, cause: .graphError, at: at), .error, .error)
                case .timeout: (.timedOut(run: runID, thread: threadID, at: at), .timeout, .error)
                }
            // What ``finalThreadWrite(to:endingRun:base:valuesFrom:workerLeft:)`` decides (its
            // worker still counted, the run's own values when it wrote a checkpoint), spelled
            // out on the few fields read in place: passing the 120-byte thread record to that
            // function, which the compiler keeps out of line, copied it twice.
            // A thread whose only run in flight is this one (the common case) is answered without
            // the walk, whose test the compiler kept out of line (a call per end).
            let otherRunInFlight =
                !self.threadTable[slot: threadSlot].inFlightIsOnly(runID)
                && self.runIDNodes.contains(in: self.threadTable[slot: threadSlot].inFlightRunIDs) { inFlight in
                    inFlight != runID && self.runTable.peek(inFlight, { $0.status.isInFlight }) == true
                }
            let otherWorkerExecuting =
                !profile.has(.cancelledWorkerFreesThreadAtOnce) && self.threadTable[slot: threadSlot].executionCount > 1
                && self.executions.contains { $0.threadID == threadID && $0.runID != runID }
            let finalStatus = otherRunInFlight || otherWorkerExecuting ? ThreadStatus.busy : base
            let wroteCheckpoint = self.spanNodes.contains(in: self.threadTable[slot: threadSlot].checkpoints) { $0.runID == runID }
            let write: (status: ThreadStatus?, valuesFrom: RunID?) = (
                self.threadTable[slot: threadSlot].status != finalStatus ? finalStatus : nil,
                wroteCheckpoint && self.threadTable[slot: threadSlot].valuesFromRunID != runID ? runID : nil
            )
            return emitEnded(
                ended, runID, runSlot: runSlot, thread: threadID, status: status, executionIndex: executionIndex,
                threadSlot: threadSlot, threadWrite: write, at: at)
        }
        let base: ThreadStatus
        switch outcome {
        case .success:
            emitSucceeded(runID, thread: threadID, executionIndex: executionIndex, threadSlot: threadSlot, at: at)
            // A graph that stopped at interrupt()/interrupt_before still has `next`.
            base = lastCheckpointHasNext ? .interrupted : .idle
        case .error:
            emitFailed(runID, thread: threadID, cause: .graphError, executionIndex: executionIndex, threadSlot: threadSlot, at: at)
            base = .error
        case .timeout:
            emitTimedOut(runID, thread: threadID, executionIndex: executionIndex, threadSlot: threadSlot, at: at)
            base = .error
        }
        writeFinalThreadStatusOfEndedRun(threadID, threadSlot: threadSlot, endingRun: runID, base: base, at: at)
    }

    mutating func retry(_ runID: RunID, at: Timestamp) {
        guard let run = self.runTable[runID] else { return refuse(.retry, runID, .notFound, at: at) }
        guard run.status == .running, let execution = self.execution(of: runID), execution.signal == nil else {
            return refuse(.retry, runID, .notRunning, at: at)
        }
        // The thread status is not touched; the temporary thread survives a retriable failure.
        emit(.retried(run: runID, thread: run.threadID, cause: .retriableError, at: at))
    }

    /// The cancelled worker returns: it writes `interrupted` again, deletes its run (rollback
    /// with subscriber), or finds its run gone and cannot write at all.
    mutating func stopWorker(_ runID: RunID, at: Timestamp) {
        guard let execution = self.execution(of: runID) else {
            return refuse(.workerStopped, runID, .notExecuting, at: at)
        }
        let threadID = execution.threadID
        guard let run = self.runTable[runID] else {
            emit(.workerStopped(run: runID, thread: threadID, finalWrite: .runMissing, at: at))
            // "Ignoring rollback error for missing run": the in-memory thread is left as it was.
            afterEagerDeletion(threadID, at: at)
            deleteTemporaryThread(threadID, at: at)
            return
        }
        switch execution.signal {
        case nil:
            refuse(.workerStopped, runID, .noCancelSignal, at: at)
        case .interrupt:
            emit(.workerStopped(run: runID, thread: threadID, finalWrite: .interrupted, at: at))
            let base: ThreadStatus = valuesRun(of: run) != nil && run.lastCheckpointHasNext ? .interrupted : .idle
            writeFinalThreadStatus(threadID, endingRun: runID, base: base, valuesFrom: valuesRun(of: run), at: at)
            deleteTemporaryThread(threadID, at: at)
        case .rollback:
            // The stream's `done` reaches joiners before the run disappears (d2: the join got 200).
            answerWaiters(of: runID, with: .finished(run.status), at: at)
            emit(.rolledBack(run: runID, thread: threadID, stage: .byWorker, at: at))
            emit(.workerStopped(run: runID, thread: threadID, finalWrite: .rolledBack, at: at))
            // A rollback passes no checkpoint: base idle, cached values untouched.
            writeFinalThreadStatus(threadID, endingRun: runID, base: .idle, valuesFrom: nil, at: at)
            deleteTemporaryThread(threadID, at: at)
        }
    }

    /// Graceful shutdown: every worker is cancelled. `CancelledError` is retriable, so a run
    /// still running goes back to pending; an already cancelled worker does its final write.
    mutating func serverRestart(at: Timestamp) {
        for execution in self.executions {
            if let run = self.runTable[execution.runID], run.status == .running, execution.signal == nil {
                emit(.retried(run: run.id, thread: run.threadID, cause: .serverShutdown, at: at))
            } else {
                stopWorker(execution.runID, at: at)
            }
        }
        emit(.serverRestarted(attemptCountersReset: profile.has(.attemptCounterNotRestored), at: at))
    }

    /// The run whose checkpoint a final write copies into the thread's cached values: the run
    /// itself when it persisted any checkpoint.
    private func valuesRun(of run: Run) -> RunID? {
        valuesRun(run.id, on: run.threadID)
    }

    @inline(__always)  // Out of line, the call first copied the whole state (216 bytes).
    private func valuesRun(_ runID: RunID, on threadID: ThreadID) -> RunID? {
        self.hasCheckpoint(of: runID, on: threadID) ? runID : nil
    }
}
