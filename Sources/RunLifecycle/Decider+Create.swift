// Creating a run and applying its multitask strategy (§4.1 of the reference).

extension State {
    mutating func createRun(_ request: borrowing CreateRun) {
        let at = request.at
        guard let (threadID, isFresh) = resolveThread(for: request) else { return }
        // A thread created for this request is empty and already `busy`: nothing is in flight
        // there and the status write would change nothing, so neither is looked up.
        if !isFresh, self.hasInFlightRun(on: threadID) {
            return createRunOnBusyThread(request, threadID)
        }
        if !isFresh { setThreadStatus(threadID, .busy, at: at) }
        insertCreatedRun(request, threadID)
    }

    /// The create on a thread with runs in flight: rejected, or inserted and then cancelling
    /// them (kept apart so the common create builds no list of victims).
    private mutating func createRunOnBusyThread(_ request: borrowing CreateRun, _ threadID: ThreadID) {
        let at = request.at
        let inFlight = self.inFlightRuns(on: threadID).map(\.id)
        if request.strategy == .reject, !inFlight.isEmpty {
            emit(.rejected(thread: threadID, strategy: .reject, reason: .threadBusy(inFlight: inFlight), at: at))
            return
        }
        setThreadStatus(threadID, .busy, at: at)
        let runID = insertCreatedRun(request, threadID)
        // The new run is inserted before the old ones are cancelled, as the server does.
        if let action = request.strategy.cancelAction {
            for victim in inFlight {
                cancelInFlight(victim, action: action, cause: .supersededBy(runID), at: at)
            }
        }
    }

    /// Emits `created` for the request on `threadID`, with the next run id; returns that id.
    @inline(__always)
    @discardableResult
    private mutating func insertCreatedRun(_ request: borrowing CreateRun, _ threadID: ThreadID) -> RunID {
        let runID = self.nextRunID
        // Only the step list is retained: the request is borrowed, so it is not copied whole
        // (an owned request was copied through its value witness to get at the list).
        let work = request.work
        emitCreated(
            RunCreated(
                runID: runID, threadID: threadID, assistantID: request.assistantID,
                strategy: request.strategy, requestedAt: request.at, after: request.after, work: work,
                subscribed: request.subscribed))
        return runID
    }

    /// The thread the run goes to, creating it when needed, and whether it was created here;
    /// nil after a 404 refusal.
    private mutating func resolveThread(for request: borrowing CreateRun) -> (ThreadID, isFresh: Bool)? {
        let at = request.at
        guard let requested = request.threadID else {
            let threadID = self.nextThreadID
            emitThreadCreated(threadID, temporary: true, status: .busy, at: at)
            return (threadID, true)
        }
        if self.threadTable.contains(requested) {
            if profile.has(.busyBeforeRejectCheck) { setThreadStatus(requested, .busy, at: at) }
            return (requested, false)
        }
        switch request.ifNotExists {
        case .create:
            emitThreadCreated(requested, temporary: false, status: .busy, isAbsent: true, at: at)
            return (requested, true)
        case .reject:
            emit(.rejected(thread: requested, strategy: request.strategy, reason: .threadNotFound, at: at))
            return nil
        }
    }
}
