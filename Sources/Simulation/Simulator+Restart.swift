// Graceful restarts (§2 of the run-semantics reference, "Server restart"): SIGTERM cancels every
// worker at once; a running run gets a retriable `CancelledError` and goes back to pending, a
// worker already cancelled does its final write. The queue then polls again after a downtime.
import DiscreteEvent
import RunLifecycle

extension Simulator {
    /// Schedules the next restart, if the workload restarts at all and is not over.
    mutating func scheduleNextRestart() {
        guard let restarts = spec.server.restarts, mayArrive || !runs.isEmpty else { return }
        let interval = restarts.interval.sampleMicroseconds(using: &random.server)
        nextRestart = kernel.schedule(
            at: kernel.now + .microseconds(max(1, interval)), priority: Action.serverRestart.priority, .serverRestart)
    }

    /// Once no first text can arrive and nothing is in flight, a pending restart would only
    /// stretch the simulated time: it is cancelled.
    mutating func cancelRestartsOnceOver() {
        guard let handle = nextRestart, !mayArrive, runs.isEmpty else { return }
        kernel.cancel(handle)
        nextRestart = nil
    }

    mutating func restartServer() {
        nextRestart = nil
        metrics.serverRestarts += 1
        execute(.serverRestart(at: kernel.now.timestamp))
        let downtime = spec.server.restarts?.downtimeMicroseconds ?? 0
        serverDownUntil = kernel.now.microsecondsSinceStart + downtime
        schedule(.serverUp, after: downtime)
        scheduleNextRestart()
    }

    /// The queue loop starts again: its first poll does not sleep.
    mutating func serverCameUp() {
        // A later restart within this downtime has pushed the end further: its own item ends it.
        guard kernel.now.microsecondsSinceStart >= serverDownUntil else { return }
        serverDownUntil = .min
        if eventDriven {
            queueMayMove = true
        } else if case .idle = poller {
            lastPollDispatched = true
            startPollIteration()
        }
    }
}
