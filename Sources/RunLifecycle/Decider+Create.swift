// Creating a run and applying its multitask strategy (§4.1 of the reference).

extension State {
    // The request is consumed: its step list moves into the `created` event, so the request is
    // neither copied (a value-witness call) nor its list retained and released.
    mutating func createRun(_ request: consuming CreateRun) {
        // The create on a thread it creates (the common create) has one call site, so that the
        // compiler inlines it here: with two, it kept it out of line (a call frame per create).
        let threadID: ThreadID, temporary: Bool
        if let requestedThreadID = request.threadID {
            guard !self.threadTable.contains(requestedThreadID) else {
                return createRunOnExistingThread(request, requestedThreadID)
            }
            guard request.ifNotExists == .create else {
                return emit(.rejected(thread: requestedThreadID, strategy: request.strategy, reason: .threadNotFound, at: request.at))
            }
            (threadID, temporary) = (requestedThreadID, false)
        } else {
            // A stateless run, on a fresh temporary thread.
            (threadID, temporary) = (self.nextThreadID, true)
        }
        // The thread is empty and already `busy`, so nothing is in flight there and no status
        // write would change anything. An id the client named was just found absent.
        emitThreadCreated(temporary: temporary, isAbsent: !temporary, withFirstRun: createdEvent(request, threadID))
    }

    /// The create on a thread that exists.
    @inline(never)
    private mutating func createRunOnExistingThread(_ request: consuming CreateRun, _ threadID: ThreadID) {
        let at = request.at
        if profile.has(.busyBeforeRejectCheck) { setThreadStatus(threadID, .busy, at: at) }
        if self.hasInFlightRun(on: threadID) {
            return createRunOnBusyThread(request, threadID)
        }
        setThreadStatus(threadID, .busy, at: at)
        insertCreatedRun(request, threadID)
    }

    /// The create on a thread with runs in flight: rejected, or inserted and then cancelling
    /// them (kept apart so the common create builds no list of victims).
    private mutating func createRunOnBusyThread(_ request: consuming CreateRun, _ threadID: ThreadID) {
        let at = request.at, strategy = request.strategy
        let inFlight = self.inFlightRuns(on: threadID).map(\.id)
        if strategy == .reject, !inFlight.isEmpty {
            emit(.rejected(thread: threadID, strategy: .reject, reason: .threadBusy(inFlight: inFlight), at: at))
            return
        }
        setThreadStatus(threadID, .busy, at: at)
        let runID = insertCreatedRun(request, threadID)
        // The new run is inserted before the old ones are cancelled, as the server does.
        if let action = strategy.cancelAction {
            for victim in inFlight {
                cancelInFlight(victim, action: action, cause: .supersededBy(runID), at: at)
            }
        }
    }

    /// Emits `created` for the request on `threadID`, with the next run id; returns that id.
    @inline(__always)
    @discardableResult
    private mutating func insertCreatedRun(_ request: consuming CreateRun, _ threadID: ThreadID) -> RunID {
        let runID = self.nextRunID
        emitCreated(createdEvent(request, threadID))
        return runID
    }

    /// The `created` fact for the request on `threadID`, with the next run id.
    @inline(__always)
    private func createdEvent(_ request: consuming CreateRun, _ threadID: ThreadID) -> RunCreated {
        RunCreated(
            runID: self.nextRunID, threadID: threadID, assistantID: request.assistantID,
            strategy: request.strategy, requestedAt: request.at, after: request.after, work: request.work,
            subscribed: request.subscribed)
    }
}
