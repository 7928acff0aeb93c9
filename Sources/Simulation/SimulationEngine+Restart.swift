// Graceful restarts (§2 of the run-semantics reference, "Server restart"): SIGTERM cancels every
// worker at once; a running run gets a retriable `CancelledError` and goes back to pending, a
// worker already cancelled does its final write. The queue then polls again after a downtime.
import DiscreteEvent
import RunLifecycle

extension SimulationEngine {
    /// Schedules the next restart, if the workload restarts at all and first texts still
    /// arrive. Restarts stop with the arrivals, so the work in flight always drains, even when
    /// restarts come faster than the steps they cut short.
    mutating func scheduleNextRestart() {
        guard let restarts = spec.server.restarts, mayArrive else { return }
        let interval = restarts.interval.sampleMicroseconds(using: &random.server)
        nextRestart = kernel.schedule(
            at: kernel.now + .microseconds(max(1, interval)), priority: Action.serverRestart.priority, .serverRestart)
    }

    /// Once no first text can arrive, the pending restart is cancelled.
    mutating func cancelRestartsOnceOver() {
        guard let handle = nextRestart, !mayArrive else { return }
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
    }

    /// The queue loop starts again: its first poll does not sleep.
    mutating func serverCameUp() {
        serverDownUntil = .min
        // The next interval runs from now: a server that is down cannot be restarted.
        scheduleNextRestart()
        if eventDriven {
            queueMayMove = true
        } else if case .idle = poller {
            lastPollDispatched = true
            startPollIteration()
        }
    }
}
