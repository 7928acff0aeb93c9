// Cancelling runs: the cancel endpoint, the bulk cancel endpoint and the interrupt/rollback
// strategies all end here (§4.2 and §5 of the reference).

extension State {
    mutating func cancel(_ runID: RunID, action: CancelAction, wait: Bool, at: Timestamp) {
        guard let run = self.runTable[runID] else {
            emit(.cancelRefused(run: runID, reason: .notFound, at: at))
            return
        }
        guard run.status.isInFlight else {
            emit(.cancelRefused(run: runID, reason: .alreadyTerminal, at: at))
            return
        }
        // `wait=true` subscribes before cancelling, so a rollback takes the subscriber path.
        if wait { emit(.subscribed(run: runID, thread: run.threadID, waits: true, at: at)) }
        cancelInFlight(runID, action: action, cause: .cancelRequest, at: at)
    }

    mutating func bulkCancel(_ selection: BulkCancelSelection, action: CancelAction, at: Timestamp) {
        let targets: [RunID]
        switch selection {
        case .runs(let threadID, let runIDs):
            targets = self.inFlightRuns(on: threadID).map(\.id).filter { runIDs.contains($0) }
        case .status(let filter):
            targets = self.runs.filter { run in
                switch filter {
                case .pending: run.status == .pending
                case .running: run.status == .running
                case .all: run.status.isInFlight
                }
            }.map(\.id)
        }
        guard !targets.isEmpty else {
            emit(.cancelRefused(run: nil, reason: .nothingToCancel, at: at))
            return
        }
        for runID in targets { cancelInFlight(runID, action: action, cause: .bulkCancelRequest, at: at) }
    }

    /// `Runs.cancel` on one in-flight run. The table of §4.2, by status and subscriber presence:
    /// pending+interrupt → interrupted; pending+rollback → deleted at once, or interrupted and
    /// kept when subscribed (quirk); running+interrupt → interrupted, worker signalled;
    /// running+rollback → deleted at once, or interrupted and deleted later by its worker when
    /// subscribed (quirk).
    mutating func cancelInFlight(_ runID: RunID, action: CancelAction, cause: CancelCause, at: Timestamp) {
        guard let run = self.runTable[runID] else { return }
        let threadID = run.threadID
        let subscribed = run.subscriberCount > 0
        switch run.status {
        case .pending:
            let keepsRun =
                action == .interrupt || (subscribed && profile.has(.pendingRollbackWithSubscriberKeepsRun))
            if keepsRun {
                emit(.interrupted(run: runID, thread: threadID, action: action, cause: cause, at: at))
                afterPendingRunCancelled(threadID, at: at)
            } else {
                emit(.rolledBack(run: runID, thread: threadID, stage: .eager, at: at))
                afterEagerDeletion(threadID, at: at)
            }
        case .running:
            // The worker keeps executing; its final write (`workerStopped`) updates the thread.
            let defersDelete = subscribed && profile.has(.rollbackWithSubscriberDefersDelete)
            switch action {
            case .interrupt:
                emit(.interrupted(run: runID, thread: threadID, action: .interrupt, cause: cause, at: at))
            case .rollback where defersDelete:
                emit(.interrupted(run: runID, thread: threadID, action: .rollback, cause: cause, at: at))
            case .rollback:
                emit(.rolledBack(run: runID, thread: threadID, stage: .eager, at: at))
            }
        case .success, .error, .timeout, .interrupted:
            // Not in flight: the callers filter these out; the server would answer 404.
            break
        }
    }
}
