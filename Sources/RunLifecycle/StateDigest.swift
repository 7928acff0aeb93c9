// A stable fingerprint of the state: 64-bit FNV-1a over a canonical little-endian encoding.
// Stable means independent of process, platform and Swift's randomly seeded Hasher, so a
// journal written today and replayed tomorrow must reproduce the same number.

/// FNV-1a, 64 bits, fed with fixed-width little-endian integers.
public struct FNV1a64: Sendable {
    /// The digest so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes one byte.
    public mutating func mix(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01b3
    }

    /// Mixes `width` little-endian bytes of `bits`.
    public mutating func mix(_ bits: UInt64, width: Int = 8) {
        for shift in 0..<width { mix(byte: UInt8(truncatingIfNeeded: bits >> (8 * shift))) }
    }

    mutating func mix(_ number: Int64) { mix(UInt64(bitPattern: number)) }
    mutating func mix(_ number: Int) { mix(Int64(number)) }
    mutating func mix(_ number: UInt32) { mix(UInt64(number), width: 4) }
    mutating func mix(_ flag: Bool) { mix(byte: flag ? 1 : 0) }
    mutating func mix(_ timestamp: Timestamp) { mix(timestamp.microsecondsSinceEpoch) }
    mutating func mix(optional timestamp: Timestamp?) {
        mix(timestamp != nil)
        if let timestamp { mix(timestamp) }
    }
}

extension State {
    /// A stable 64-bit digest of everything in the state, profile and configuration included.
    /// Two states have equal digests when they are equal (barring a 2^-64 collision).
    public var stateDigest: UInt64 {
        var hasher = FNV1a64()
        hasher.mix(UInt64(profile.quirks.count))
        for quirk in profile.quirks { hasher.mix(byte: quirk.rawValue) }
        hasher.mix(slotCount)
        hasher.mix(maxRetries)
        hasher.mix(nextRunID.rawValue)
        hasher.mix(nextThreadID.rawValue)
        hasher.mix(latestEventAt)
        hasher.mix(runs.count)
        for run in runs { mixRun(run, into: &hasher) }
        hasher.mix(threads.count)
        for thread in threads { mixThread(thread, into: &hasher) }
        hasher.mix(pendingOrder.count)
        for runID in pendingOrder { hasher.mix(runID.rawValue) }
        hasher.mix(executions.count)
        for execution in executions {
            hasher.mix(execution.runID.rawValue)
            hasher.mix(execution.threadID.rawValue)
            hasher.mix(execution.startedAt)
            hasher.mix(byte: execution.signal.map { $0.rawValue + 1 } ?? 0)
        }
        return hasher.value
    }

    private func mixRun(_ run: Run, into hasher: inout FNV1a64) {
        hasher.mix(run.id.rawValue)
        hasher.mix(run.threadID.rawValue)
        hasher.mix(run.assistantID.rawValue)
        hasher.mix(byte: run.strategy.rawValue)
        hasher.mix(run.requestedAt)
        hasher.mix(run.after.count)
        // The step durations are not part of the state (the `created` event carries them).
        hasher.mix(run.stepCount)
        hasher.mix(byte: run.status.rawValue)
        hasher.mix(run.attempt)
        hasher.mix(run.completedSteps)
        hasher.mix(run.updatedAt)
        hasher.mix(optional: run.startedAt)
        hasher.mix(run.subscriberCount)
        hasher.mix(run.waiterCount)
    }

    private func mixThread(_ thread: RunThread, into hasher: inout FNV1a64) {
        hasher.mix(thread.id.rawValue)
        hasher.mix(thread.isTemporary)
        hasher.mix(byte: thread.status.rawValue)
        hasher.mix(thread.valuesFromRunID != nil)
        hasher.mix(thread.valuesFromRunID?.rawValue ?? 0)
        hasher.mix(thread.runIDs.count)
        for runID in thread.runIDs { hasher.mix(runID.rawValue) }
        hasher.mix(thread.checkpoints.count)
        for span in thread.checkpoints {
            hasher.mix(span.runID.rawValue)
            hasher.mix(span.firstStep)
            hasher.mix(span.count)
            hasher.mix(span.lastHasNext)
        }
        // Only mixed once something was forgotten, so digests of states that never forgot
        // (every journal fold) stay what they were.
        if let forgotten = thread.latestForgottenCheckpoint {
            hasher.mix(forgotten.step)
            hasher.mix(forgotten.hasNext)
        }
    }
}
