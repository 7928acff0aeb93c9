// Threads that can only ever hold one run. With fresh threads (one per first text) and clients
// that never double text, cancel or join, every thread gets exactly one run: its unsettled count
// is 1 from creation to settling, no worker of it has left before its run first starts, and it
// has no run left once that run settles. The thread table then only ever answers what is known,
// so the engine skips it (three lookups and changes per run, about 16 instructions per event on
// the M/M/10 profile). A scripted command may name any thread, so the first one kept switches
// the table back on, filled with the threads of the runs in flight, as it would be.
import RunLifecycle

extension SimulationEngine {
    /// Whether every thread holds at most one run ever; set at the start, cleared by
    /// ``trackThreads()`` (it never comes back on).
    static func threadsHoldOneRun(spec: WorkloadSpec, clientsAct: Bool) -> Bool {
        if case .fresh = spec.threads.mode, !clientsAct { return true }
        return false
    }

    /// ``ThreadSlots/addRun(on:)``: the thread's unsettled runs now.
    @inline(__always)
    mutating func threadAddRun(on threadID: ThreadID) -> Int {
        threadsHoldOneRun ? 1 : threads.addRun(on: threadID)
    }

    /// ``ThreadSlots/lastWorkerEnd(of:)`` for a run's first start.
    @inline(__always)
    func threadLastWorkerEnd(beforeFirstStartOn threadID: ThreadID) -> Int64 {
        threadsHoldOneRun ? .min : threads.lastWorkerEnd(of: threadID)
    }

    /// ``ThreadSlots/workerLeft(_:at:)``, for a worker whose run does not settle with it (a
    /// retry): remembered aside while the table is off, in case it comes back on.
    mutating func threadWorkerLeft(_ threadID: ThreadID, at time: Int64) {
        if threadsHoldOneRun {
            untrackedWorkerEnds[threadID] = time
        } else {
            threads.workerLeft(threadID, at: time)
        }
    }

    /// A run of `threadID` settled (after its worker left the thread `workerLeftThread`, if
    /// given): whether the thread has no unsettled run left.
    @inline(__always)
    mutating func threadSettleRun(on threadID: ThreadID, workerLeftThread: ThreadID?) -> Bool {
        guard threadsHoldOneRun else {
            if let workerLeftThread {
                return threads.workerLeft(workerLeftThread, at: kernel.now.microsecondsSinceStart, thenSettleRunOn: threadID)
            }
            return threads.settleRun(on: threadID)
        }
        if !untrackedWorkerEnds.isEmpty { untrackedWorkerEnds[threadID] = nil }
        return true
    }

    /// Switches the thread table on, holding the threads of the runs in flight as it would if
    /// it had been on all along.
    mutating func trackThreads() {
        guard threadsHoldOneRun else { return }
        threadsHoldOneRun = false
        for index in runs.occupiedIndices {
            let threadID = runs[index].threadID
            _ = threads.addRun(on: threadID)
            if let end = untrackedWorkerEnds[threadID] { threads.workerLeft(threadID, at: end) }
        }
        untrackedWorkerEnds = [:]
    }
}
