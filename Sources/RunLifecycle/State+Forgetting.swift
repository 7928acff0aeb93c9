// Memory stays bounded by what is in flight only if settled runs and idle threads can leave the
// state. The server keeps them (a join or a GET can still name them), so forgetting is not a
// domain event: it is a promise by the caller, typically a simulator that knows every command
// it will still send, that nothing will name the run or thread again. A journal fold never
// forgets, which is why forgetting changes ``State/stateDigest`` but no decision.

extension State {
    /// Removes a settled run (terminal, no worker, no subscriber) that no later command will
    /// name. Its checkpoints leave memory but keep advancing the thread's step numbers. Returns
    /// false, changing nothing, when the run is absent or not settled. Afterwards
    /// ``wasDeleted(_:)`` is true for it: only call this when nothing will ask.
    @discardableResult
    public mutating func forgetSettledRun(_ runID: RunID) -> Bool {
        // One lookup: the slot found is read and then emptied (outliers take the general path).
        guard let slot = runTable.occupiedSlot(of: runID) else { return forgetSettledOutlierRun(runID) }
        let run = runTable[slot: slot]
        // Only an interrupted run can still have its (cancelled) worker: one that succeeded,
        // failed or timed out had it leave with that end (``structuralViolations()`` checks
        // it), so only then are the workers scanned.
        guard run.status.isTerminal, run.subscriberCount == 0, run.status != .interrupted || execution(of: runID) == nil
        else { return false }
        runTable.removeSlot(slot)
        forgetRun(runID, on: run.threadID)
        return true
    }

    private mutating func forgetSettledOutlierRun(_ runID: RunID) -> Bool {
        guard let run = runTable[runID], run.status.isTerminal, run.subscriberCount == 0,
            execution(of: runID) == nil
        else { return false }
        runTable[runID] = nil
        forgetRun(runID, on: run.threadID)
        return true
    }

    /// Removes a thread with no runs left and nothing executing on it, that no later command
    /// will name. Returns false, changing nothing, otherwise. Its status does not matter: a
    /// quirk can leave a thread `busy` with no run for good, and a long replay meets thousands.
    @discardableResult
    public mutating func forgetIdleThread(_ threadID: ThreadID) -> Bool {
        guard let slot = threadTable.occupiedSlot(of: threadID) else { return forgetIdleOutlierThread(threadID) }
        var thread = threadTable[slot: slot]
        guard thread.runIDs.isEmpty, thread.executionCount == 0 else { return false }
        // What dropThread does, on the slot already found.
        threadTable.removeSlot(slot)
        if !thread.inFlightNodes.isEmpty { runIDNodes.clear(&thread.inFlightNodes) }
        spanNodes.clear(&thread.checkpoints)
        return true
    }

    private mutating func forgetIdleOutlierThread(_ threadID: ThreadID) -> Bool {
        guard let thread = threadTable[threadID], thread.runIDs.isEmpty, thread.executionCount == 0 else { return false }
        dropThread(threadID)
        return true
    }
}

extension State {
    /// ``forgetSettledRun(_:)`` and then, when `idleThreadID` is given, ``forgetIdleThread(_:)``
    /// of that thread (the run's), in one pass. Most threads hold one run: once it settles, the
    /// run and its thread both go, and the thread is then dropped whole instead of first having
    /// the run taken out of its lists and being looked up again. Returns whether the run was
    /// forgotten; the outcome is that of the two calls one after the other.
    @discardableResult
    public mutating func forgetSettledRun(_ runID: RunID, thenIdleThread idleThreadID: ThreadID?) -> Bool {
        guard let slot = runTable.occupiedSlot(of: runID) else { return forgetApart(runID, thenIdleThread: idleThreadID) }
        // Only the fields needed are read: the whole run is not copied out. An interrupted run
        // may still have its worker: the general path scans for it.
        let (threadID, settles) = runTable.peek(slot: slot, orKey: runID) { run in
            (run.threadID, run.status.isTerminal && run.subscriberCount == 0 && run.status != .interrupted)
        }.unsafelyUnwrapped
        guard settles, idleThreadID == nil || idleThreadID == threadID, let threadSlot = threadTable.occupiedSlot(of: threadID)
        else { return forgetApart(runID, thenIdleThread: idleThreadID) }
        runTable.removeSlot(slot)
        let thread = threadTable[slot: threadSlot]
        // The run was the thread's only one (inline, no node) and nothing executes there: what
        // forgetting the run leaves of the thread is dropped at once.
        if idleThreadID != nil, thread.runIDs.count == 1, thread.runIDs.first == runID, thread.executionCount == 0 {
            threadTable.removeSlot(threadSlot)
            var inFlight = thread.inFlightNodes, checkpoints = thread.checkpoints
            if !inFlight.isEmpty { runIDNodes.clear(&inFlight) }
            spanNodes.clear(&checkpoints)
            return true
        }
        forgetRun(runID, onThreadInSlot: threadSlot)
        if let idleThreadID { forgetIdleThread(idleThreadID) }
        return true
    }

    /// The two entry points one after the other (a run or thread outside the window, a run
    /// that may not be settled, or one on another thread).
    private mutating func forgetApart(_ runID: RunID, thenIdleThread idleThreadID: ThreadID?) -> Bool {
        let forgotten = forgetSettledRun(runID)
        if let idleThreadID { forgetIdleThread(idleThreadID) }
        return forgotten
    }
}
