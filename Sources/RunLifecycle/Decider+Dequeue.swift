// One poll of the in-memory queue (`queue.py::queue` + `ops.py::Runs.next`, §6 of the reference).

extension Decision {
    /// Starts runs: only the `limit` oldest pending runs due before `snapshot` are examined
    /// (head-of-line blocking), and one whose thread is blocked is skipped, not replaced.
    mutating func dequeue(snapshot: Timestamp, limit: Int, at: Timestamp) {
        let window = min(max(0, limit), state.freeSlotCount)
        guard window > 0 else { return }
        // `pendingOrder` is sorted by createdAt, so the due runs form its prefix. The candidates
        // are copied out first (not the whole state), so starting them mutates in place; they
        // are at most a few slots' worth, so they go on the stack, not in an array. `Run` is
        // declared BitwiseCopyable (the compiler holds it to that), so they need no deinit.
        withUnsafeTemporaryAllocation(of: Run.self, capacity: window) { candidates in
            var count = 0
            for runID in state.pendingOrder {
                if count == window { break }
                guard let run = state.runTable[runID] else { continue }
                guard run.createdAt < snapshot else { break }
                candidates.initializeElement(at: count, to: run)
                count += 1
            }
            for index in 0..<count {
                let candidate = candidates[index]
                // "Unexpected missing thread in Runs.next": skipped.
                guard state.threadTable.contains(candidate.threadID) else { continue }
                guard !isThreadBlocked(candidate.threadID) else { continue }
                start(candidate, at: at)
            }
        }
    }

    /// In the in-memory server a thread is blocked only by a run whose *status* is running; the
    /// documented intent also counts a cancelled worker that has not stopped yet.
    func isThreadBlocked(_ threadID: ThreadID) -> Bool {
        let hasRunningRun = state.hasRunningRun(on: threadID)
        let hasExecutingWorker = state.executions.contains { $0.threadID == threadID }
        return hasRunningRun || (!profile.has(.cancelledWorkerFreesThreadAtOnce) && hasExecutingWorker)
    }

    private mutating func start(_ run: Run, at: Timestamp) {
        let attempt = run.attempt + 1
        emit(.started(run: run.id, thread: run.threadID, attempt: attempt, at: at))
        // The worker checks the attempt before running the graph.
        guard attempt <= state.maxRetries else {
            emit(.failed(run: run.id, thread: run.threadID, cause: .exceededMaxAttempts, at: at))
            writeFinalThreadStatus(run.threadID, endingRun: run.id, base: .error, valuesFrom: nil, at: at)
            deleteTemporaryThread(run.threadID, at: at)
            return
        }
        // A retried run resumes from its own checkpoints; a fresh one writes its input checkpoint.
        guard let thread = state.threadTable[run.threadID], !thread.isTemporary,
            state.checkpointCount(of: run.id, in: thread) == 0
        else { return }
        let inputStep = state.nextCheckpointStep(of: thread)
        emit(
            .checkpointed(
                Checkpointed(
                    runID: run.id, threadID: run.threadID, stepIndex: nil,
                    checkpointStep: inputStep, hasNext: true, at: at)))
    }
}
