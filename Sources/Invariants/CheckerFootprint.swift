// How much the checker holds, so tests and long runs can show that its memory follows the work
// in flight rather than the length of the stream.

/// Counts of what an ``InvariantChecker`` holds.
public struct CheckerFootprint: Hashable, Sendable {
    /// Runs tracked in full: in flight, still executing, or awaited by a join.
    public var trackedRuns: Int
    /// Threads held in full (active ones plus at most
    /// ``CheckerConfiguration/maximumQuietThreads`` quiet ones).
    public var heldThreads: Int
    /// Threads evicted to their summary so far (a thread evicted twice counts twice).
    public var evictions: Int
    /// Settled-run fates stored one per run; runs in uniform pages of 4,096 cost nothing more.
    public var storedFates: Int
    /// Evicted-thread summaries stored one per thread, likewise.
    public var storedEvictedThreads: Int
}

extension InvariantChecker {
    /// What the checker holds now.
    public var footprint: CheckerFootprint {
        CheckerFootprint(
            trackedRuns: runs.count, heldThreads: threads.residentCount, evictions: threads.evictionCount,
            storedFates: fates.storedFateCount, storedEvictedThreads: threads.storedEvictedCellCount)
    }
}
