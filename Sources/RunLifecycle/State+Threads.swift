// A stored thread's lists live in the state's pools, so every read and change of them goes
// through the state. A change copies the thread out (plain bytes), edits its lists in the
// pools and writes it back: a closure changing the table in place could not also reach the
// pools, which are other fields of the same state.

extension State {
    // MARK: Reads

    /// The thread with its lists spelled out.
    func spelledOut(_ thread: StoredThread) -> RunThread {
        RunThread(
            id: thread.id, isTemporary: thread.isTemporary, status: thread.status,
            valuesFromRunID: thread.valuesFromRunID, runIDs: runIDNodes.elements(of: thread.runIDs),
            inFlightRunIDs: runIDNodes.elements(of: thread.inFlightRunIDs).filter(isInFlight),
            checkpoints: spanNodes.elements(of: thread.checkpoints),
            latestForgottenCheckpoint: thread.latestForgottenCheckpoint)
    }

    /// Ids of the thread's runs that still exist, ascending (empty for an unknown thread).
    public func runIDs(on threadID: ThreadID) -> [RunID] {
        threadTable[threadID].map { runIDNodes.elements(of: $0.runIDs) } ?? []
    }

    /// The step number the thread's next checkpoint gets; see ``RunThread/nextCheckpointStep``.
    @inline(__always)
    func nextCheckpointStep(of thread: StoredThread) -> Int64 {
        RunThread.nextCheckpointStep(last: spanNodes.last(of: thread.checkpoints), forgotten: thread.latestForgottenCheckpoint)
    }

    /// Whether the thread's latest checkpoint has `next` nodes; see ``RunThread/latestCheckpointHasNext``.
    @inline(__always)
    func latestCheckpointHasNext(of thread: StoredThread) -> Bool {
        RunThread.latestCheckpointHasNext(last: spanNodes.last(of: thread.checkpoints), forgotten: thread.latestForgottenCheckpoint)
    }

    /// The number of the thread's checkpoints tagged with `runID`.
    @inline(__always)
    func checkpointCount(of runID: RunID, in thread: StoredThread) -> Int {
        spanNodes.reduce(thread.checkpoints, 0) { $0 + ($1.runID == runID ? $1.count : 0) }
    }

    /// The step number the thread's next checkpoint gets, or nil when nothing is persisted
    /// there (the thread is absent, or temporary).
    @inline(__always)
    func nextPersistedCheckpointStep(on threadID: ThreadID) -> Int64? {
        guard let thread = threadTable[threadID], !thread.isTemporary else { return nil }
        return nextCheckpointStep(of: thread)
    }

    /// Whether the run wrote a checkpoint on the thread (false when the thread is absent).
    @inline(__always)
    func hasCheckpoint(of runID: RunID, on threadID: ThreadID) -> Bool {
        guard let thread = threadTable[threadID] else { return false }
        return spanNodes.contains(in: thread.checkpoints) { $0.runID == runID }
    }

    // MARK: Changes

    /// Changes the stored thread and its pools together; false (calling nothing) when the
    /// thread is absent. A thread inside the table's window is changed in place (the table and
    /// the pools are distinct fields, so the three can be borrowed at once); an outlier is
    /// copied out and written back.
    // Inlined: out of line, `change` was a closure called through a pointer (with its context),
    // which cost about as much as the change it made.
    @inline(__always) @discardableResult
    mutating func changeThread(
        _ threadID: ThreadID,
        _ change: (inout StoredThread, inout ListPool<RunID>, inout ListPool<CheckpointSpan>) -> Void
    ) -> Bool {
        if let slot = threadTable.occupiedSlot(of: threadID) {
            change(&threadTable.slots[slot]!, &runIDNodes, &spanNodes)
            return true
        }
        guard var thread = threadTable[threadID] else { return false }
        change(&thread, &runIDNodes, &spanNodes)
        threadTable.update(threadID) { $0 = thread }
        return true
    }

    /// ``changeThread(_:_:)`` on a thread whose window slot the caller already found (see
    /// ``DenseTable/occupiedSlot(of:)``), so it is not looked up again.
    @inline(__always)
    mutating func changeThread(
        inSlot slot: Int,
        _ change: (inout StoredThread, inout ListPool<RunID>, inout ListPool<CheckpointSpan>) -> Void
    ) {
        change(&threadTable.slots[slot]!, &runIDNodes, &spanNodes)
    }

    /// Whether the run exists and is pending or running.
    @inline(__always)
    func isInFlight(_ runID: RunID) -> Bool {
        runTable.peek(runID, { $0.status.isInFlight }) == true
    }

    /// Adds a run to the thread's runs and in-flight runs, keeping both ascending. Runs of the
    /// in-flight list that settled since are dropped first, which bounds the list.
    mutating func addRun(_ runID: RunID, to threadID: ThreadID) {
        // The slot is found once; dropping settled runs changes the thread in place, not the table.
        guard let slot = threadTable.occupiedSlot(of: threadID) else {
            // An outlier thread (or none): the general path.
            if threadTable.peek(threadID, { !$0.inFlightRunIDs.isEmpty }) == true { dropSettledRuns(fromInFlightOf: threadID) }
            changeThread(threadID) { thread, runIDNodes, _ in Self.insert(runID, into: &thread, in: &runIDNodes) }
            return
        }
        if !threadTable[slot: slot].inFlightRunIDs.isEmpty { dropSettledRuns(fromInFlightOf: threadID) }
        changeThread(inSlot: slot) { thread, runIDNodes, _ in Self.insert(runID, into: &thread, in: &runIDNodes) }
    }

    @inline(__always)
    static func insert(_ runID: RunID, into thread: inout StoredThread, in runIDNodes: inout ListPool<RunID>) {
        if thread.runIDs.isEmpty, thread.inFlightNodes.isEmpty {
            // The thread's only run: the in-flight list shares its node (see
            // ``StoredThread/inFlightSharesRunIDs``).
            runIDNodes.append(runID, to: &thread.runIDs)
            thread.inFlightSharesRunIDs = true
            return
        }
        runIDNodes.insert(runID, into: &thread.runIDs) { $0 >= runID }
        runIDNodes.insert(runID, into: &thread.inFlightNodes) { $0 >= runID }
    }

    /// Drops the runs that are no longer in flight (settled, or gone) from the thread's
    /// in-flight list.
    @inline(never)  // Only threads that get a second run come here.
    private mutating func dropSettledRuns(fromInFlightOf threadID: ThreadID) {
        // The closure below changes the pools, so it reads the runs through a copy of the table
        // (two references retained), not through `self`.
        let runTable = self.runTable
        changeThread(threadID) { thread, runIDNodes, _ in
            guard !thread.inFlightSharesRunIDs else {
                // The list gets its own nodes: the runs still in flight, in order.
                thread.inFlightSharesRunIDs = false
                for runID in runIDNodes.elements(of: thread.runIDs) where runTable.peek(runID, { $0.status.isInFlight }) == true {
                    runIDNodes.append(runID, to: &thread.inFlightNodes)
                }
                return
            }
            runIDNodes.removeAll(from: &thread.inFlightNodes) { runTable.peek($0, { $0.status.isInFlight }) != true }
        }
    }

    /// Removes a run from the thread's in-flight runs (a shared list keeps it: readers test
    /// the status).
    mutating func removeInFlight(_ runID: RunID, from threadID: ThreadID) {
        changeThread(threadID) { thread, runIDNodes, _ in
            runIDNodes.removeAll(from: &thread.inFlightNodes) { $0 == runID }
        }
    }

    /// Records a checkpoint: it extends the last span when the same run wrote the previous step.
    mutating func appendCheckpoint(on threadID: ThreadID, runID: RunID, step: Int64, hasNext: Bool) {
        changeThread(threadID) { thread, _, spanNodes in
            Self.appendCheckpoint(to: &thread, runID: runID, step: step, hasNext: hasNext, in: &spanNodes)
        }
    }

    /// ``appendCheckpoint(on:runID:step:hasNext:)`` on the thread in a slot already found.
    @inline(__always)
    mutating func appendCheckpoint(inSlot slot: Int, runID: RunID, step: Int64, hasNext: Bool) {
        changeThread(inSlot: slot) { thread, _, spanNodes in
            Self.appendCheckpoint(to: &thread, runID: runID, step: step, hasNext: hasNext, in: &spanNodes)
        }
    }

    @inline(__always)
    static func appendCheckpoint(
        to thread: inout StoredThread, runID: RunID, step: Int64, hasNext: Bool, in spanNodes: inout ListPool<CheckpointSpan>
    ) {
        if var last = spanNodes.last(of: thread.checkpoints), last.runID == runID, last.lastStep + 1 == step {
            last.count += 1
            last.lastHasNext = hasNext
            spanNodes.setLast(of: &thread.checkpoints, to: last)
            return
        }
        spanNodes.append(CheckpointSpan(runID: runID, firstStep: step, count: 1, lastHasNext: hasNext), to: &thread.checkpoints)
    }

    /// Deletes the run from the thread: its id and its checkpoints.
    mutating func deleteRun(_ runID: RunID, from threadID: ThreadID) {
        changeThread(threadID) { thread, runIDNodes, spanNodes in
            runIDNodes.removeAll(from: &thread.runIDs) { $0 == runID }
            runIDNodes.removeAll(from: &thread.inFlightNodes) { $0 == runID }
            spanNodes.removeAll(from: &thread.checkpoints) { $0.runID == runID }
        }
    }

    /// Drops a forgotten run from the thread: its id, and its spans while keeping the numbering
    /// they advanced.
    mutating func forgetRun(_ runID: RunID, on threadID: ThreadID) {
        changeThread(threadID) { thread, runIDNodes, spanNodes in Self.forget(runID, on: &thread, runIDNodes: &runIDNodes, spanNodes: &spanNodes) }
    }

    /// ``forgetRun(_:on:)`` on the thread in a window slot already found.
    mutating func forgetRun(_ runID: RunID, onThreadInSlot slot: Int) {
        changeThread(inSlot: slot) { thread, runIDNodes, spanNodes in Self.forget(runID, on: &thread, runIDNodes: &runIDNodes, spanNodes: &spanNodes) }
    }

    @inline(__always)
    private static func forget(
        _ runID: RunID, on thread: inout StoredThread, runIDNodes: inout ListPool<RunID>, spanNodes: inout ListPool<CheckpointSpan>
    ) {
        runIDNodes.removeAll(from: &thread.runIDs) { $0 == runID }
        var latest = thread.latestForgottenCheckpoint
        spanNodes.removeAll(from: &thread.checkpoints) { span in
            guard span.runID == runID else { return false }
            if span.lastStep > latest?.step ?? .min {
                latest = ForgottenCheckpoint(step: span.lastStep, hasNext: span.lastHasNext)
            }
            return true
        }
        thread.latestForgottenCheckpoint = latest
    }

    /// Stores a new thread in place of any with its id.
    mutating func insertThread(_ thread: StoredThread) {
        if threadTable.contains(thread.id) { dropThread(thread.id) }
        threadTable[thread.id] = thread
    }

    /// Removes the thread and frees its lists' nodes.
    mutating func dropThread(_ threadID: ThreadID) {
        guard var thread = threadTable.removeValue(forKey: threadID) else { return }
        runIDNodes.clear(&thread.runIDs)
        runIDNodes.clear(&thread.inFlightNodes)
        spanNodes.clear(&thread.checkpoints)
    }
}
