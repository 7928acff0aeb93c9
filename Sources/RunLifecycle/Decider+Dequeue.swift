// One poll of the in-memory queue (`queue.py::queue` + `ops.py::Runs.next`, §6 of the reference).

extension State {
    /// Starts runs: only the `limit` oldest pending runs due before `snapshot` are examined
    /// (head-of-line blocking), and one whose thread is blocked is skipped, not replaced.
    mutating func dequeue(snapshot: Timestamp, limit: Int, at: Timestamp) {
        let window = min(max(0, limit), self.freeSlotCount)
        guard window > 0 else { return }
        // `pendingOrder` is sorted by createdAt, so the due runs form its prefix, and the first
        // `window` of them are the candidates. Starting one removes it from the order, so the
        // next candidate moves into its position; a skipped one stays, and the walk steps over
        // it. Nothing is copied out, so a poll allocates nothing.
        var examined = 0
        var position = 0
        while examined < window, position < self.pendingOrder.count {
            let runID = self.pendingOrder[position]
            // Only the fields the poll needs are read: the whole run is not copied out.
            guard let (createdAt, threadID, attempt) = self.runTable.peek(runID, { ($0.createdAt, $0.threadID, $0.attempt) })
            else {
                position += 1
                continue
            }
            guard createdAt < snapshot else { break }
            examined += 1
            // "Unexpected missing thread in Runs.next": skipped. The thread is looked up once.
            let threadSlot = self.threadTable.occupiedSlot(of: threadID)
            let blocked =
                if let threadSlot {
                    isThreadBlocked(self.threadTable[slot: threadSlot], starting: runID)
                } else {
                    !self.threadTable.contains(threadID) || isThreadBlocked(threadID)
                }
            guard !blocked else {
                position += 1
                continue
            }
            // The common start (a kept thread in the window, a run with no checkpoint yet, an
            // attempt left) is spelled out here: as a call, its frame was ~30 instructions.
            // The thread read here is current (starting changes only its worker count), and
            // starting changes no slot's position, so the slot stays valid throughout.
            let nextAttempt = attempt + 1
            if nextAttempt <= self.maxRetries, let slot = threadSlot, !self.threadTable[slot: slot].isTemporary,
                !self.spanNodes.contains(in: self.threadTable[slot: slot].checkpoints, where: { $0.runID == runID })
            {
                emitStarted(
                    pending: runID, thread: threadID, attempt: nextAttempt,
                    inputCheckpointStep: self.nextCheckpointStep(of: self.threadTable[slot: slot]), threadSlot: slot, at: at)
            } else {
                startInGeneral(runID, thread: threadID, threadSlot: threadSlot, attempt: nextAttempt, at: at)
            }
            if position < self.pendingOrder.count, self.pendingOrder[position] == runID { position += 1 }
        }
    }

    /// ``isThreadBlocked(_:)-(ThreadID)`` on the thread already read, for starting `candidate`.
    @inline(__always)
    func isThreadBlocked(_ thread: StoredThread, starting candidate: RunID) -> Bool {
        // Both tests are pure; the count (no lookup) goes first. The candidate is queued, so
        // pending (``State/structuralViolations()`` checks it), not running: it is not looked
        // up (it is a fresh thread's only run).
        (!profile.has(.cancelledWorkerFreesThreadAtOnce) && thread.executionCount > 0)
            || self.runIDNodes.contains(in: thread.inFlightRunIDs) {
                $0 != candidate && self.runTable.peek($0, { $0.status == .running }) == true
            }
    }

    /// In the in-memory server a thread is blocked only by a run whose *status* is running; the
    /// documented intent also counts a cancelled worker that has not stopped yet.
    @inline(__always)  // Out of line, the call first copied the whole state (216 bytes).
    func isThreadBlocked(_ threadID: ThreadID) -> Bool {
        // Both tests are pure, so the second runs only when the first does not settle it.
        self.hasRunningRun(on: threadID)
            || (!profile.has(.cancelledWorkerFreesThreadAtOnce)
                && self.threadTable.peek(threadID, { $0.executionCount > 0 }) == true)
    }

    /// Starts a run the poll chose, in the cases it does not spell out: a temporary or outlier
    /// thread (`threadSlot` nil), a retried run, or one out of attempts.
    @inline(never)
    private mutating func startInGeneral(_ runID: RunID, thread threadID: ThreadID, threadSlot: Int?, attempt: UInt32, at: Timestamp) {
        emitStarted(pending: runID, thread: threadID, attempt: attempt, threadSlot: threadSlot, at: at)
        // The worker checks the attempt before running the graph.
        guard attempt <= self.maxRetries else {
            // Its worker was just appended: the last in `executions`.
            emitFailed(runID, thread: threadID, cause: .exceededMaxAttempts, executionIndex: self.executions.count - 1, at: at)
            writeFinalThreadStatus(threadID, endingRun: runID, base: .error, valuesFrom: nil, at: at)
            deleteTemporaryThread(threadID, at: at)
            return
        }
        // A retried run resumes from its own checkpoints; a fresh one writes its input checkpoint.
        guard let slot = threadSlot else {
            // An outlier thread (or none): the general lookups.
            guard !self.hasCheckpoint(of: runID, on: threadID), let inputStep = self.nextPersistedCheckpointStep(on: threadID)
            else { return }
            return emitInputCheckpoint(runID, thread: threadID, step: inputStep, threadSlot: nil, at: at)
        }
        // The same tests on the slot found once, which the append then reuses.
        let thread = self.threadTable[slot: slot]
        guard !thread.isTemporary, !self.spanNodes.contains(in: thread.checkpoints, where: { $0.runID == runID }) else { return }
        emitInputCheckpoint(runID, thread: threadID, step: self.nextCheckpointStep(of: thread), threadSlot: slot, at: at)
    }

    @inline(__always)
    private mutating func emitInputCheckpoint(_ runID: RunID, thread threadID: ThreadID, step: Int64, threadSlot: Int?, at: Timestamp) {
        emitCheckpointed(
            Checkpointed(runID: runID, threadID: threadID, stepIndex: nil, checkpointStep: step, hasNext: true, at: at),
            threadSlot: threadSlot)
    }
}

