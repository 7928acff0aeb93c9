// Two states are equal when they describe the same server: the same runs, threads (with their
// lists), queue and workers. Where the pools happen to keep a thread's list nodes is not part
// of that, so equality compares threads spelled out, not the pools.

extension State: Hashable {
    public static func == (lhs: State, rhs: State) -> Bool {
        lhs.profile == rhs.profile && lhs.slotCount == rhs.slotCount && lhs.maxRetries == rhs.maxRetries
            && lhs.nextRunID == rhs.nextRunID && lhs.nextThreadID == rhs.nextThreadID
            && lhs.latestEventAt == rhs.latestEventAt && lhs.waiterTotal == rhs.waiterTotal
            && lhs.runTable == rhs.runTable && lhs.pendingOrder == rhs.pendingOrder
            && lhs.executions == rhs.executions && lhs.threads == rhs.threads
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(profile)
        hasher.combine(slotCount)
        hasher.combine(maxRetries)
        hasher.combine(nextRunID)
        hasher.combine(nextThreadID)
        hasher.combine(latestEventAt)
        hasher.combine(waiterTotal)
        hasher.combine(runTable)
        hasher.combine(pendingOrder)
        hasher.combine(executions)
        hasher.combine(threads)
    }
}
