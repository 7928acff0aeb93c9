// Finding, creating and forgetting the checker's records: the tracked run an event names (or
// why it may not name it), a thread's slot (restored if it was evicted), and the bookkeeping
// every run event ends with.
import RunLifecycle

extension InvariantChecker {
    /// The slot of the tracked run an event names, or nil after reporting why the event is
    /// illegal for it. Inlined, so that the usual answer (a live run) costs a lookup and two
    /// tests, and the event for a report is built only on the failure path.
    @inline(__always) mutating func liveRun(
        _ runID: RunID, _ event: @autoclosure () -> Event, _ reference: EventReference, allowTerminal: Bool = false
    ) -> Int? {
        if let slot = runs.slot(of: runID), !runs[slot].deleted, allowTerminal || !runs[slot].status.isTerminal {
            return slot
        }
        return reportNotLive(runID, event(), reference, allowTerminal: allowTerminal)
    }

    /// ``liveRun(_:_:_:allowTerminal:)`` for an event that may follow another of its run: when
    /// the event just before noted this run (``noteRecentRun``), its slot is that note's, with
    /// the same checks; otherwise the run is looked up.
    @inline(__always) mutating func liveRecentRun(
        _ runID: RunID, _ event: @autoclosure () -> Event, _ reference: EventReference
    ) -> Int? {
        if recentRunNextSequence == reference.sequence && recentRunID == runID {
            let slot = Int(recentRunSlot)
            if !runs[slot].deleted && !runs[slot].status.isTerminal { return slot }
        }
        return liveRun(runID, event(), reference)
    }

    /// ``threadSlot(ofRun:)`` for the run `liveRecentRun` just answered: the noted thread's
    /// slot when the note named that run.
    @inline(__always) mutating func recentThreadSlot(ofRun run: Int, _ reference: EventReference) -> Int {
        if recentRunNextSequence == reference.sequence && recentRunSlot == Int32(truncatingIfNeeded: run) {
            return Int(recentThreadSlot)
        }
        return threadSlot(ofRun: run)
    }

    /// Notes that the event at `reference` left the run `runID` (in `slot`) live on its thread,
    /// whose record is in `thread` and which has something in flight or executing, for the next
    /// event only. Nothing between two events moves either record: runs are forgotten and
    /// threads dropped only by observers, and the boundary that may come first evicts only quiet
    /// threads (an active one is not evictable), so the note holds for the next event.
    @inline(__always) mutating func noteRecentRun(_ runID: RunID, slot: Int, thread: Int, _ reference: EventReference) {
        recentRunID = runID
        recentRunSlot = Int32(truncatingIfNeeded: slot)
        recentThreadSlot = Int32(truncatingIfNeeded: thread)
        recentRunNextSequence = reference.sequence &+ 1
    }

    /// ``liveRun(_:_:_:allowTerminal:)``'s failure path: reports why `event` may not name the run.
    @inline(never) private mutating func reportNotLive(
        _ runID: RunID, _ event: @autoclosure () -> Event, _ reference: EventReference, allowTerminal: Bool
    ) -> Int? {
        guard let slot = runs.slot(of: runID) else {
            reportUntracked(runID, event(), reference)
            return nil
        }
        if runs[slot].deleted {
            let run = runs[slot]
            report(
                .noEventAfterDeletion, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                threads: [run.threadID], expected: "no event for \(runID) after its deletion",
                observed: eventName(event()))
            return nil
        }
        if runs[slot].status.isTerminal && !allowTerminal {
            let run = runs[slot]
            report(
                .noEventAfterTerminal, events: [run.endEvent ?? run.createdEvent, reference], runs: [runID],
                threads: [run.threadID], expected: "no change to \(runID) after it ended \(run.status)",
                observed: eventName(event()))
            return nil
        }
        return slot
    }

    /// Reports an event naming a run the checker no longer (or never) tracked.
    mutating func reportUntracked(_ runID: RunID, _ event: Event, _ reference: EventReference) {
        let fate = fates[runID]
        switch fate {
        case .unseen, .tracked:
            report(
                .legalTransition, events: [reference], runs: [runID], expected: "events only for created runs",
                observed: "\(eventName(event)) names unknown \(runID)")
        case .deleted:
            report(
                .noEventAfterDeletion, events: [reference], runs: [runID], expected: "no event for deleted \(runID)",
                observed: eventName(event))
        case .success, .error, .timeout, .interrupted:
            report(
                .noEventAfterTerminal, events: [reference], runs: [runID],
                expected: "no change to \(runID) after it ended \(RunFateTable.status(of: fate).map { "\($0)" } ?? "")",
                observed: eventName(event))
        }
    }

    /// Forgets a run that can no longer be named legally except by joins, keeping its fate.
    mutating func forgetIfSettled(_ slot: Int) {
        guard isSettledAndUnneeded(slot) else { return }
        let threadID = runs[slot].threadID
        let threadHint = runs[slot].threadSlotHint
        forgetSettled(slot, thread: threads.slot(of: threadID, hint: threadHint))
    }

    /// ``forgetIfSettled(_:)`` for a run whose thread's record is in `thread` (the caller
    /// just found it, so it is not looked up again).
    @inline(__always) mutating func forgetIfSettled(_ slot: Int, thread: Int) {
        guard isSettledAndUnneeded(slot) else { return }
        forgetSettled(slot, thread: thread)
    }

    // `mutating` although it changes nothing: see the note in InvariantChecker+Dispatch.swift.
    @inline(__always) mutating func isSettledAndUnneeded(_ slot: Int) -> Bool {
        (runs[slot].deleted || runs[slot].status.isTerminal) && !runs[slot].executing && runs[slot].waiters == 0
            && runs[slot].obligation == nil
    }

    /// Keeps the fate of the settled run in `slot` and stops tracking it; `thread` is its
    /// thread's slot, if held. Inlined: every run ends here, and the call cost about 20
    /// instructions.
    @inline(__always) mutating func forgetSettled(_ slot: Int, thread: Int?) {
        let runID = runs[slot].id
        let deleted = runs[slot].deleted
        fates[runID] = deleted ? .deleted : RunFateTable.fate(of: runs[slot].status)
        runs.remove(slot)
        if !deleted, let thread, threads[thread].temporary {
            threads.appendSettledTemporaryRun(thread, runID)
        }
    }

    /// The slot of thread `id` for a change: held, restored from its eviction, or a new
    /// persistent thread (a thread first seen through a run).
    @inline(__always) mutating func threadSlot(_ id: ThreadID) -> Int {
        existingThreadSlot(id) ?? threads.insert(id: id, temporary: false)
    }

    /// The slot of the thread of the run in `run`, like ``threadSlot(_:)``, remembering it.
    /// Inlined: the usual answer is the remembered slot, a few tests.
    @inline(__always) mutating func threadSlot(ofRun run: Int) -> Int {
        let threadID = runs[run].threadID
        let hint = runs[run].threadSlotHint
        if let slot = threads.slot(of: threadID, hint: hint) {
            if Int32(slot) != hint { runs[run].threadSlotHint = Int32(slot) }
            return slot
        }
        return threadSlotRemembered(ofRun: run, threadID)
    }

    @inline(never) private mutating func threadSlotRemembered(ofRun run: Int, _ threadID: ThreadID) -> Int {
        let slot = threadSlot(threadID)
        runs[run].threadSlotHint = Int32(slot)
        return slot
    }

    /// The slot of the existing thread of the run in `run`, like ``existingThreadSlot(_:)``.
    mutating func existingThreadSlot(ofRun run: Int) -> Int? {
        let threadID = runs[run].threadID
        guard let slot = threads.slot(of: threadID, hint: runs[run].threadSlotHint) ?? existingThreadSlot(threadID) else {
            return nil
        }
        runs[run].threadSlotHint = Int32(slot)
        return slot
    }

    /// The slot of an existing thread, restored if it was evicted; nil for an unknown thread.
    @inline(__always) mutating func existingThreadSlot(_ id: ThreadID) -> Int? {
        if let slot = threads.slot(of: id) { return slot }
        return restoredThreadSlot(id)
    }

    @inline(never) private mutating func restoredThreadSlot(_ id: ThreadID) -> Int? {
        guard let slot = threads.restore(id, atSequence: lastSequence ?? 0) else { return nil }
        // Restored threads are checked again at the next boundary, so they can be evicted again.
        markDirty(id, slot: slot)
        return slot
    }

    /// Drops a held thread's record; its runs keep their state but leave its lists.
    mutating func dropThread(_ slot: Int) {
        for kind in [RunListKind.inFlight, .threadPending, .executing] {
            var run = threads[slot].list(kind).head
            while run >= 0 {
                let next = runs.next(run, in: kind)
                runs.detach(Int(run), from: kind)
                run = next
            }
        }
        threads.remove(slot)
    }

    /// Marks a thread changed, noting when it fell quiet and what §3 expects then (`hint`, the
    /// settled status the event implies, if any). Inlined: every run event ends with it.
    @inline(__always) mutating func commit(_ slot: Int, wasActive: Bool, settling hint: Quiescence? = nil) {
        threads[slot].commit(wasActive: wasActive, settling: hint)
        markDirty(threads[slot].id, slot: slot)
    }

    /// Notes a thread, held in `slot`, to check at the next decision boundary. The boundary
    /// sorts the list and skips repeats, so an entry equal to the last one noted (the usual
    /// case: several events on one thread in a row) is not added again.
    @inline(__always) mutating func markDirty(_ threadID: ThreadID, slot: Int) {
        let entry = DirtyThread(threadID, slot: slot)
        if dirtyThreads.last != entry { dirtyThreads.append(entry) }
    }

    /// The slot of thread `id` when it is the thread noted last (the usual thread of the next
    /// event: a run is created on the thread just created, a status is written on the thread
    /// whose run just ended), read from the list rather than looked up.
    @inline(__always) func lastNotedSlot(of id: ThreadID) -> Int? {
        guard let last = dirtyThreads.last, last.threadID == id else { return nil }
        return last.slot
    }

    /// Takes the entries of a thread whose record is being dropped out of the list of threads
    /// to check (the boundary reads the slots they name).
    mutating func unmarkDirty(_ threadID: ThreadID) {
        dirtyThreads.removeAll { $0.threadID == threadID }
    }

    /// Frees the slot of the worker in `slot` (the caller checked that it was executing).
    @inline(__always) mutating func stopExecuting(_ slot: Int, thread: Int) {
        runs.remove(slot, from: &threads[thread].executing, .executing)
        executingCount -= 1
    }

    /// The status §3 recomputes when a run leaves without a final write of its own.
    mutating func recomputedStatus(_ thread: Int, cause: ThreadCause, _ reference: EventReference) -> Quiescence {
        let allowed: UInt8
        switch threads.tipHasNext(thread) {
        case true?: allowed = statusMask(.interrupted)
        case false?: allowed = statusMask(.idle)
        case nil: allowed = statusMask(.idle, .interrupted)
        }
        return Quiescence(allowed: allowed, cause: cause, event: reference)
    }
}
