// How often rare interleavings were reached (STYLE habit 17), so a simulator can assert over a
// batch of seeds that its exploration actually reached them.

/// Counts of rare interleavings seen in the stream.
public struct Coverage: Hashable, Sendable {
    /// `reject` refused because of a pending run (any).
    public var rejectsAgainstPendingRun = 0
    /// `reject` refused because of a pending run whose `created_at` is still in the future.
    public var rejectsAgainstDelayedPendingRun = 0
    /// `interrupt` creates that found two or more pending runs in flight.
    public var interruptsHittingSeveralPendingRuns = 0
    /// `interrupt` creates whose victims included a pending run itself created with `interrupt`.
    public var interruptChains = 0
    /// Pending runs deleted by rollback while their `created_at` was still in the future.
    public var rollbacksOfDelayedRuns = 0
    /// Running runs deleted (or marked for deletion) by rollback.
    public var rollbacksOfRunningRuns = 0
    /// Rollbacks that met a live stream subscriber on the victim.
    public var rollbacksWithSubscriber = 0
    /// Episodes where a free slot sat beside a dispatchable run outside the oldest-`free` window.
    public var headOfLineBlocks = 0
    /// Runs started while a cancelled worker of the same thread still executed.
    public var overlaps = 0
    /// Cancelled workers whose final write came after a successor on the thread had started.
    public var staleFinalWrites = 0
    /// Runs that started before an earlier-requested but delayed run of the same thread.
    public var delayedRunsOvertaken = 0
    /// Retriable failures (the run went back to pending).
    public var retries = 0
    /// Runs failed at dequeue for exceeding the maximum attempts.
    public var maximumAttemptsExceeded = 0
    /// Server restarts.
    public var serverRestarts = 0
    /// Restarts that reset a live attempt counter.
    public var attemptCounterResets = 0
    /// `DELETE` of a run whose worker was still executing.
    public var deletesOfExecutingRuns = 0
    /// Joins answered with the not-found body.
    public var joinsAnsweredNotFound = 0
    /// Joins answered with a terminal status.
    public var joinsAnsweredFinished = 0
    /// Thread-status divergences seen: idle while in flight, stuck busy, stale overwrite.
    public var threadStatusDivergences = 0
    /// Starts that filled the last free slot.
    public var slotsFilled = 0

    public init() {}

    /// Every counter by name, for reports and assertions over named counters.
    public var named: [(name: String, count: Int)] {
        [
            ("rejects_against_pending_run", rejectsAgainstPendingRun),
            ("rejects_against_delayed_pending_run", rejectsAgainstDelayedPendingRun),
            ("interrupts_hitting_several_pending_runs", interruptsHittingSeveralPendingRuns),
            ("interrupt_chains", interruptChains),
            ("rollbacks_of_delayed_runs", rollbacksOfDelayedRuns),
            ("rollbacks_of_running_runs", rollbacksOfRunningRuns),
            ("rollbacks_with_subscriber", rollbacksWithSubscriber),
            ("head_of_line_blocks", headOfLineBlocks),
            ("overlaps", overlaps),
            ("stale_final_writes", staleFinalWrites),
            ("delayed_runs_overtaken", delayedRunsOvertaken),
            ("retries", retries),
            ("maximum_attempts_exceeded", maximumAttemptsExceeded),
            ("server_restarts", serverRestarts),
            ("attempt_counter_resets", attemptCounterResets),
            ("deletes_of_executing_runs", deletesOfExecutingRuns),
            ("joins_answered_not_found", joinsAnsweredNotFound),
            ("joins_answered_finished", joinsAnsweredFinished),
            ("thread_status_divergences", threadStatusDivergences),
            ("slots_filled", slotsFilled),
        ]
    }

    /// Adds another checker's counts (for batches of seeds).
    public mutating func merge(_ other: Coverage) {
        rejectsAgainstPendingRun += other.rejectsAgainstPendingRun
        rejectsAgainstDelayedPendingRun += other.rejectsAgainstDelayedPendingRun
        interruptsHittingSeveralPendingRuns += other.interruptsHittingSeveralPendingRuns
        interruptChains += other.interruptChains
        rollbacksOfDelayedRuns += other.rollbacksOfDelayedRuns
        rollbacksOfRunningRuns += other.rollbacksOfRunningRuns
        rollbacksWithSubscriber += other.rollbacksWithSubscriber
        headOfLineBlocks += other.headOfLineBlocks
        overlaps += other.overlaps
        staleFinalWrites += other.staleFinalWrites
        delayedRunsOvertaken += other.delayedRunsOvertaken
        retries += other.retries
        maximumAttemptsExceeded += other.maximumAttemptsExceeded
        serverRestarts += other.serverRestarts
        attemptCounterResets += other.attemptCounterResets
        deletesOfExecutingRuns += other.deletesOfExecutingRuns
        joinsAnsweredNotFound += other.joinsAnsweredNotFound
        joinsAnsweredFinished += other.joinsAnsweredFinished
        threadStatusDivergences += other.threadStatusDivergences
        slotsFilled += other.slotsFilled
    }
}
