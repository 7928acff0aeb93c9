// What a finished (or stopped) simulation reports.
import RunLifecycle

/// The result of a simulation: counts, waits, utilisation and wasted work.
public struct SimulationSummary: Hashable, Sendable {
    /// The seed the run used (the spec's, or the override).
    public var seed: UInt64
    /// Simulated time from 0 to the last event, in microseconds.
    public var simulatedMicroseconds: Int64
    /// Domain events produced (every event, refusals included).
    public var events: UInt64
    /// Commands given to the decider.
    public var commands: UInt64
    /// Create requests sent (first texts plus double texts).
    public var runsRequested: UInt64
    /// Of which first texts and double texts.
    public var firstTexts: UInt64
    public var doubleTexts: UInt64
    /// Runs inserted (requests minus rejections).
    public var runsCreated: UInt64
    /// Create requests answered 409/404.
    public var runsRejected: UInt64
    /// Created runs by how they ended (``RunOutcome/name`` keys), in ``RunOutcome`` order.
    public var runsByOutcome: [(outcome: RunOutcome, count: UInt64)]
    /// Waits from `created_at` to the first start, over every run that started.
    public var queueWait: WaitPercentiles
    /// The part of each wait spent behind an earlier run of the same thread.
    public var ownThreadWait: WaitPercentiles
    /// The rest: waiting for a free slot (or for the poller).
    public var slotWait: WaitPercentiles
    /// The share of runs whose wait was above zero.
    public var waitedFraction: Double
    /// Busy slot time over total slot time.
    public var slotUtilization: Double
    /// Succeeded runs per simulated second.
    public var throughputPerSecond: Double
    /// Execution thrown away by rollbacks (every step of a rolled-back run), in ms.
    public var wastedByRollbackMilliseconds: Double
    /// Execution cut short by interrupts (the step in progress), in ms.
    public var cutShortByInterruptMilliseconds: Double
    /// Execution lost to retriable errors (the failing step), in ms.
    public var wastedByRetryMilliseconds: Double
    /// Retriable failures (a restart's running runs included).
    public var retries: UInt64
    /// Graceful server restarts.
    public var serverRestarts: UInt64 = 0
    /// Cancels and joins the clients sent.
    public var cancelsSent: UInt64
    public var joinsSent: UInt64
    /// The most runs in flight (pending or running, or still stopping) on one thread at once.
    public var threadQueueDepthMax: Int
    /// Safety and liveness violations reported by the sinks.
    public var invariantViolations: Int
    /// Divergences from the documented intent that the profile's quirks explain.
    public var profileDivergences: Int

    /// The count of one outcome.
    public func count(_ outcome: RunOutcome) -> UInt64 {
        runsByOutcome.first { $0.outcome == outcome }?.count ?? 0
    }

    public static func == (lhs: SimulationSummary, rhs: SimulationSummary) -> Bool {
        lhs.description == rhs.description
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension SimulationSummary: CustomStringConvertible {
    public var description: String {
        "seed \(seed): \(events) events, \(runsCreated) runs created, \(runsRejected) rejected, "
            + runsByOutcome.map { "\($0.outcome.name) \($0.count)" }.joined(separator: ", ")
            + ", mean wait \(queueWait.meanMilliseconds) ms, utilisation \(slotUtilization)"
    }
}
