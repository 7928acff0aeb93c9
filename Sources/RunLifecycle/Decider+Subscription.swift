// Stream subscribers, joins and run deletion (§5 of the reference).

extension State {
    /// A join subscribes and blocks; ``answerSettledJoins(at:)`` answers it at once when the
    /// run has already settled. A missing run is answered 200 with the "404: Run not found" body.
    mutating func join(_ runID: RunID, at: Timestamp) {
        guard let run = self.runTable[runID] else {
            return emit(.joinAnswered(run: runID, answer: .runNotFound, at: at))
        }
        emit(.subscribed(run: runID, thread: run.threadID, waits: true, at: at))
    }

    mutating func subscribe(_ runID: RunID, at: Timestamp) {
        guard let run = self.runTable[runID] else { return refuse(.subscribe, runID, .notFound, at: at) }
        guard !self.isSettled(run) else { return refuse(.subscribe, runID, .alreadySettled, at: at) }
        emit(.subscribed(run: runID, thread: run.threadID, waits: false, at: at))
    }

    /// Only a non-waiting subscriber can detach; a waiter detaches when answered.
    mutating func unsubscribe(_ runID: RunID, at: Timestamp) {
        guard let run = self.runTable[runID] else { return refuse(.unsubscribe, runID, .notFound, at: at) }
        guard run.subscriberCount > run.waiterCount else { return refuse(.unsubscribe, runID, .notSubscribed, at: at) }
        emit(.unsubscribed(run: runID, thread: run.threadID, at: at))
    }

    /// Deletes the record and its checkpoints without a cancel signal: a worker executing it
    /// carries on and its final write later fails (thread stuck `busy` in memory).
    mutating func deleteRun(_ runID: RunID, at: Timestamp) {
        guard let run = self.runTable[runID] else { return refuse(.deleteRun, runID, .notFound, at: at) }
        emit(.deleted(run: runID, thread: run.threadID, at: at))
        if self.execution(of: runID) == nil {
            afterEagerDeletion(run.threadID, at: at)
        }
    }
}
