// Rule 9's liveness half and the head-of-line coverage: what the in-memory poller must have
// done with a free slot, from the dispatch model of real-server-notes.md.
//
// The poller loops: wait for a free slot; capture `now`; sleep one interval (or not at all
// after a poll that started something); then examine the oldest `free` pending runs with
// `created_at < now`, starting each whose thread has no running run. Suppose that from time t0
// on, without any change, a slot is free, and run r is due (`created_at < t0`), sits at the
// same rank among the oldest `free` due pending runs, and its thread is not blocked. The
// iteration in progress at t0 ends by t0 + I; the next one captures `now >= t0` (r is due for
// it) and ends by t0 + 2I, examining r with the same `free` limit. So r has started by t0 + 2I.
// The checker tracks exactly that: the oldest eligible run, its rank and the free slot count,
// restarting the clock whenever any of them changes (which only events can do), and reports
// when an event arrives more than 2I after the clock started while nothing changed.
import RunLifecycle

/// The run that should be dispatched next, and since when nothing has changed about that.
struct StallClock {
    var runID: RunID?
    var rank = 0
    var free = 0
    var since = Timestamp.zero
    var event: EventReference?
    var reported = false
}

// The queries below are `mutating` although they change nothing: called from the observers
// (which hold the checker `inout`), a non-mutating method made the compiler copy the whole
// checker for each call, twice per event.
extension InvariantChecker {
    /// Whether the poller must skip runs of the thread of the pending run in `run` now.
    @inline(__always) mutating func isThreadBlocked(ofRun run: Int) -> Bool {
        guard let slot = threads.slot(of: runs[run].threadID, hint: runs[run].threadSlotHint) else { return true }
        if threads[slot].running != nil { return true }
        // The documented intent keeps the thread blocked until a cancelled worker stops.
        return !allows(.cancelledWorkerFreesThreadAtOnce) && !threads[slot].executing.isEmpty
    }

    /// The oldest eligible run at `now`: due, among the oldest `free` due pending runs, thread
    /// not blocked; with its rank in that window and the free slot count.
    mutating func dispatchCandidate(now: Timestamp) -> (runID: RunID, createdAt: Timestamp, rank: Int, free: Int)? {
        let free = configuration.slotCount - executingCount
        guard free > 0 else { return nil }
        var rank = 0
        var slot = globalPending.head
        while slot >= 0, rank < free {
            // Field reads, not a copy of the whole record.
            let createdAt = runs[Int(slot)].createdAt
            guard createdAt < now else { break }
            if !isThreadBlocked(ofRun: Int(slot)) { return (runs[Int(slot)].id, createdAt, rank, free) }
            rank += 1
            slot = runs.next(slot, in: .globalPending)
        }
        return nil
    }

    /// Called when time advances to `now`, before the event at `now` is applied.
    mutating func checkStall(now: Timestamp, reference: EventReference) {
        guard let interval = configuration.pollInterval, let latest = latestTime else { return }
        let candidate = dispatchCandidate(now: now)
        if let candidate, candidate.runID != stall.runID || candidate.rank != stall.rank || candidate.free != stall.free {
            // Nothing changed since `latest`, so the run became eligible when it became due.
            stall = StallClock(
                runID: candidate.runID, rank: candidate.rank, free: candidate.free,
                since: max(latest, candidate.createdAt), event: runs[candidate.runID]?.createdEvent)
        } else if candidate == nil {
            stall = StallClock()
        }
        // After a restart the loop only resumes once the queue is back up.
        let clockStart = max(stall.since, queueDownUntil ?? stall.since)
        guard let runID = stall.runID, !stall.reported, (now - clockStart).count > 2 * interval.count else { return }
        stall.reported = true
        report(
            .pollerFillsFreeSlots, events: [stall.event, reference].compactMap { $0 }, runs: [runID],
            threads: runs[runID].map { [$0.threadID] } ?? [],
            expected: "\(runID) started within 2 poll intervals (\(2 * interval.count)us) of \(stall.since): "
                + "\(stall.free) slots free, due, rank \(stall.rank) among the oldest free, thread not blocked",
            observed: "still pending at \(now)")
    }

    /// After each state change: restart the stall clock if the candidate changed, and count
    /// head-of-line blocks.
    mutating func afterStateChange(at now: Timestamp) {
        // Without a poll interval there is no stall rule, so nothing reads the stall clock and
        // it stays empty; only the head-of-line coverage is kept. A block needs more pending
        // runs than free slots, so the usual state (a free slot, its run about to start) asks
        // for no candidate at all.
        guard configuration.pollInterval != nil else {
            let blocked = globalPending.count > configuration.slotCount - executingCount
                && dispatchCandidate(now: now) == nil && isHeadOfLineBlocked(now: now)
            if blocked && !inHeadOfLineBlock { coverage.headOfLineBlocks += 1 }
            inHeadOfLineBlock = blocked
            return
        }
        // With no free slot or nothing pending there is no candidate (the usual case at a
        // busy or an idle server), so the walk is not called.
        let candidate = executingCount < configuration.slotCount && globalPending.head >= 0 ? dispatchCandidate(now: now) : nil
        if let candidate {
            if candidate.runID != stall.runID || candidate.rank != stall.rank || candidate.free != stall.free {
                stall = StallClock(
                    runID: candidate.runID, rank: candidate.rank, free: candidate.free, since: now,
                    event: EventReference(sequence: lastSequence ?? 0, at: now))
            }
            inHeadOfLineBlock = false
            return
        }
        if stall.runID != nil || stall.reported { stall = StallClock() }
        // A block needs a run beyond the window of `free` runs, so more pending runs than free
        // slots; with fewer the walk cannot find one.
        let blocked = globalPending.count > configuration.slotCount - executingCount && isHeadOfLineBlocked(now: now)
        if blocked && !inHeadOfLineBlock { coverage.headOfLineBlocks += 1 }
        inHeadOfLineBlock = blocked
    }

    /// A free slot, every run of the oldest-`free` window blocked, and a dispatchable due run
    /// just beyond it (a bounded look).
    private mutating func isHeadOfLineBlocked(now: Timestamp) -> Bool {
        let free = configuration.slotCount - executingCount
        guard free > 0 else { return false }
        var position = 0
        var slot = globalPending.head
        while slot >= 0, position < free + 64 {
            guard runs[Int(slot)].createdAt < now else { return false }
            if position >= free, !isThreadBlocked(ofRun: Int(slot)) { return true }
            position += 1
            slot = runs.next(slot, in: .globalPending)
        }
        return false
    }
}
