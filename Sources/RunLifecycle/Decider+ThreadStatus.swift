// Every writer of the cached thread status. The in-memory server has several uncoordinated
// writers (§3 of the reference); the documented profile recomputes from the runs instead.

extension State {
    /// Writes `status` if the thread exists and the value changes.
    mutating func setThreadStatus(_ threadID: ThreadID, _ status: ThreadStatus, at: Timestamp) {
        guard self.threadTable.peek(threadID, { $0.status != status }) == true else { return }
        emitThreadStatusChanged(threadID, status, at: at)
    }

    /// The worker's final write (`Threads.set_joint_status`): `busy` while another run of the
    /// thread is pending or running, else `base`; then the cached values, when the run passes a
    /// checkpoint. Temporary threads skip it. Under the documented profile another worker still
    /// executing on the thread also keeps it `busy`; under the in-memory profile only statuses
    /// count, which is how a late write from a cancelled worker overwrites a successor's result.
    mutating func writeFinalThreadStatus(
        _ threadID: ThreadID, endingRun runID: RunID, base: ThreadStatus, valuesFrom valuesRunID: RunID?,
        at: Timestamp
    ) {
        guard let thread = self.threadTable[threadID], !thread.isTemporary else { return }
        writeFinalThreadStatus(of: thread, inSlot: nil, endingRun: runID, base: base, valuesFrom: valuesRunID, at: at)
    }

    /// The final write of a worker that ended on its own (success, error, timeout), then the
    /// deletion of its thread if temporary: ``writeFinalThreadStatus(_:endingRun:base:valuesFrom:at:)``
    /// with the run's own values when it wrote a checkpoint, then ``deleteTemporaryThread(_:at:)``,
    /// reading the thread once for the three.
    /// `threadSlot`: the thread's window slot, when the caller found it.
    mutating func writeFinalThreadStatusOfEndedRun(
        _ threadID: ThreadID, threadSlot: Int?, endingRun runID: RunID, base: ThreadStatus, at: Timestamp
    ) {
        guard let slot = threadSlot ?? self.threadTable.occupiedSlot(of: threadID) else {
            // An outlier thread (or none): the general path.
            let valuesRunID = self.hasCheckpoint(of: runID, on: threadID) ? runID : nil
            writeFinalThreadStatus(threadID, endingRun: runID, base: base, valuesFrom: valuesRunID, at: at)
            return deleteTemporaryThread(threadID, at: at)
        }
        let thread = self.threadTable[slot: slot]
        // A temporary thread skips the write; a kept one is not deleted.
        guard !thread.isTemporary else { return deleteTemporaryThread(threadID, at: at) }
        let valuesRunID = self.spanNodes.contains(in: thread.checkpoints) { $0.runID == runID } ? runID : nil
        writeFinalThreadStatus(of: thread, inSlot: slot, endingRun: runID, base: base, valuesFrom: valuesRunID, at: at)
    }

    /// The final write to `thread` (current, not temporary; `slot`: its window slot if known).
    @inline(__always)
    private mutating func writeFinalThreadStatus(
        of thread: StoredThread, inSlot slot: Int?, endingRun runID: RunID, base: ThreadStatus,
        valuesFrom valuesRunID: RunID?, at: Timestamp
    ) {
        let write = finalThreadWrite(to: thread, endingRun: runID, base: base, valuesFrom: valuesRunID, workerLeft: true)
        // `thread` is current: nothing changed it since it was read, so no second lookup.
        emitFinalThreadWrite(thread.id, status: write.status, valuesFrom: write.valuesFrom, threadSlot: slot, at: at)
    }

    /// What the final write changes on `thread` (current, not temporary): its status and its
    /// cached values, nil where unchanged. `workerLeft`: whether the ending run's worker already
    /// left `executions` (else it is still there, and counted by the thread).
    // `mutating`, though it changes nothing, so that the state is passed by reference: the
    // compiler kept this out of line, and a non-mutating call first copied the whole state.
    @inline(__always)
    mutating func finalThreadWrite(
        to thread: StoredThread, endingRun runID: RunID, base: ThreadStatus, valuesFrom valuesRunID: RunID?, workerLeft: Bool
    ) -> (status: ThreadStatus?, valuesFrom: RunID?) {
        let threadID = thread.id
        let otherRunInFlight = self.runIDNodes.contains(in: thread.inFlightRunIDs) { inFlight in
            inFlight != runID && self.runTable.peek(inFlight, { $0.status.isInFlight }) == true
        }
        // The count says whether any other worker executes on the thread; only then are they scanned.
        let otherWorkerExecuting =
            !profile.has(.cancelledWorkerFreesThreadAtOnce) && thread.executionCount > (workerLeft ? 0 : 1)
            && self.executions.contains { $0.threadID == threadID && $0.runID != runID }
        let status = otherRunInFlight || otherWorkerExecuting ? ThreadStatus.busy : base
        return (
            thread.status != status ? status : nil,
            valuesRunID != nil && thread.valuesFromRunID != valuesRunID ? valuesRunID : nil
        )
    }

    /// The documented intent: the status follows the runs. `busy` while anything is in flight
    /// or executing; otherwise `interrupted` if the latest checkpoint stopped mid-way, else
    /// `idle`. (An earlier `error` is not remembered once a later run was cancelled.)
    mutating func recomputeThreadStatus(_ threadID: ThreadID, at: Timestamp) {
        guard let thread = self.threadTable[threadID], !thread.isTemporary else { return }
        let busy =
            self.hasInFlightRun(on: threadID) || thread.executionCount > 0
        if busy {
            setThreadStatus(threadID, .busy, at: at)
        } else if thread.status == .busy {
            setThreadStatus(threadID, self.latestCheckpointHasNext(of: thread) ? .interrupted : .idle, at: at)
        }
    }

    /// A pending run was cancelled without being deleted.
    mutating func afterPendingRunCancelled(_ threadID: ThreadID, at: Timestamp) {
        if profile.has(.idleAfterPendingCancel) {
            setThreadStatus(threadID, .idle, at: at)
        } else {
            recomputeThreadStatus(threadID, at: at)
        }
    }

    /// A run was deleted eagerly (rollback without subscriber, or `DELETE`) with no worker left.
    mutating func afterEagerDeletion(_ threadID: ThreadID, at: Timestamp) {
        if !profile.has(.eagerDeleteLeavesThreadBusy) {
            recomputeThreadStatus(threadID, at: at)
        }
    }

    /// A worker of a temporary (stateless) run ended: it deletes the thread and its runs,
    /// answering blocked joins first with the run's result.
    mutating func deleteTemporaryThread(_ threadID: ThreadID, at: Timestamp) {
        guard self.threadTable.peek(threadID, { $0.isTemporary }) == true else { return }
        let runIDs = self.runIDs(on: threadID)
        guard !runIDs.contains(where: { self.runTable[$0]?.status.isInFlight == true }) else { return }
        for runID in runIDs {
            if let run = self.runTable[runID], self.isSettled(run) {
                answerWaiters(of: runID, with: .finished(run.status), at: at)
            }
        }
        emit(.threadDeleted(thread: threadID, at: at))
    }
}
