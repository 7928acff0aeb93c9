// Creating a run and applying its multitask strategy (§4.1 of the reference).

extension State {
    mutating func createRun(_ request: CreateRun) {
        let at = request.at
        guard let threadID = resolveThread(for: request) else { return }

        // Most creates find an idle thread: skip building the victims list then.
        let inFlight = self.hasInFlightRun(on: threadID) ? self.inFlightRuns(on: threadID).map(\.id) : []
        if request.strategy == .reject, !inFlight.isEmpty {
            emit(.rejected(thread: threadID, strategy: .reject, reason: .threadBusy(inFlight: inFlight), at: at))
            return
        }
        setThreadStatus(threadID, .busy, at: at)
        let runID = self.nextRunID
        emitCreated(
            RunCreated(
                runID: runID, threadID: threadID, assistantID: request.assistantID,
                strategy: request.strategy, requestedAt: at, after: request.after, work: request.work,
                subscribed: request.subscribed))
        // The new run is inserted before the old ones are cancelled, as the server does.
        if let action = request.strategy.cancelAction {
            for victim in inFlight {
                cancelInFlight(victim, action: action, cause: .supersededBy(runID), at: at)
            }
        }
    }

    /// The thread the run goes to, creating it when needed; nil after a 404 refusal.
    private mutating func resolveThread(for request: CreateRun) -> ThreadID? {
        let at = request.at
        guard let requested = request.threadID else {
            let threadID = self.nextThreadID
            emitThreadCreated(threadID, temporary: true, status: .busy, at: at)
            return threadID
        }
        if self.threadTable.contains(requested) {
            if profile.has(.busyBeforeRejectCheck) { setThreadStatus(requested, .busy, at: at) }
            return requested
        }
        switch request.ifNotExists {
        case .create:
            emitThreadCreated(requested, temporary: false, status: .busy, at: at)
            return requested
        case .reject:
            emit(.rejected(thread: requested, strategy: request.strategy, reason: .threadNotFound, at: at))
            return nil
        }
    }
}
