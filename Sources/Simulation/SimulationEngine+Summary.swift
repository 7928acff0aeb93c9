// Turning the collected metrics into a summary.
import RunLifecycle

extension SimulationEngine {
    /// The summary so far. Runs still in flight are counted as pending or running; the sink
    /// reports what it found.
    func summary(invariantViolations: Int, profileDivergences: Int) -> SimulationSummary {
        var outcomes = metrics.outcomes
        for index in runs.occupiedIndices {
            let record = runs[index]
            let outcome: RunOutcome = record.ended ? record.outcome : (record.outcome == .running ? .running : .pending)
            outcomes[Int(outcome.rawValue)] += 1
        }
        let elapsed = kernel.now.microsecondsSinceStart
        var busy = metrics.busySlotMicroseconds
        busy += Double(state.busySlotCount) * Double(elapsed - lastIntegratedAt)
        let slotTime = Double(spec.server.slots) * Double(elapsed)
        let succeeded = outcomes[Int(RunOutcome.succeeded.rawValue)]
        let waits = metrics.startWaits.queueWait
        return SimulationSummary(
            seed: seed, simulatedMicroseconds: elapsed, events: eventSequence, commands: metrics.commands,
            runsRequested: metrics.runsRequested, firstTexts: metrics.firstTexts, doubleTexts: metrics.doubleTexts,
            runsCreated: metrics.runsCreated, runsRejected: metrics.runsRejected,
            runsByOutcome: RunOutcome.allCases.map { ($0, outcomes[Int($0.rawValue)]) },
            queueWait: waits.percentiles, ownThreadWait: metrics.startWaits.ownThreadWait.percentiles,
            slotWait: metrics.startWaits.slotWait.percentiles,
            waitedFraction: waits.count == 0 ? 0 : Double(waits.positiveCount) / Double(waits.count),
            slotUtilization: slotTime > 0 ? busy / slotTime : 0,
            throughputPerSecond: elapsed > 0 ? Double(succeeded) / (Double(elapsed) / 1_000_000) : 0,
            wastedByRollbackMilliseconds: metrics.wastedByRollbackMicroseconds / 1_000,
            cutShortByInterruptMilliseconds: metrics.cutShortByInterruptMicroseconds / 1_000,
            wastedByRetryMilliseconds: metrics.wastedByRetryMicroseconds / 1_000,
            retries: metrics.retries, serverRestarts: metrics.serverRestarts, cancelsSent: metrics.cancelsSent, joinsSent: metrics.joinsSent,
            threadQueueDepthMax: metrics.threadQueueDepthMax, invariantViolations: invariantViolations,
            profileDivergences: profileDivergences)
    }
}
