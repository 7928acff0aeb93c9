// The runs in flight in a replay: each run from the moment its create is played until both sides
// have settled and the retention has passed; then it is compared, counted and forgotten. The
// model's side comes from the simulated events, the recorded side from the trace.
import RunLifecycle
import Traces

/// One run the replay holds.
struct LiveRun {
    var run: TraceRun
    /// Played before its outcome arrived: the recorded side is not known yet.
    var awaitingOutcome = false
    var modelRunID: RunID?
    var modelRefusal: ReplayStatus?
    var modelStatus: ReplayStatus = .unknown
    var modelCreatedAt: Timestamp?
    var modelStartedAt: Timestamp?
    var modelSettledAt: Timestamp?
    var modelRank: Int?
    var workerActive = false
    var modelPredecessor: (index: Int, name: String)?
    var recordedPredecessor: (index: Int, name: String)?
    /// Taken in recorded start order (or never will be: no recorded start).
    var recordedOrderDone = false
    /// Taken by the global order (or never will be).
    var globalOrderDone = false
    /// The latest trace time anything happened to the run (a request naming it, its end).
    var lastActivity: Timestamp
    var queuedForRetention = false

    var name: String { run.reference ?? run.externalID }

    /// The model has nothing more to do with the run unless a later request names it.
    var modelSettled: Bool {
        guard modelRunID != nil else { return true }  // refused at creation
        guard !workerActive else { return false }
        switch modelStatus {
        case .run(let status): return !status.isInFlight
        case .deleted, .rejected, .notFound, .unknown: return true
        }
    }
}

/// Holds the runs in flight and turns each into a ``RunComparison`` when it is done. The runs sit
/// in a slab (updated in place: a run is a few hundred bytes), found by trace index or model id.
struct RunTracker {
    private var slab: [LiveRun?] = []
    private var freeSlots: [Int] = []
    private var slotOfIndex: [Int: Int] = [:]
    private var slotOfModel: [RunID: Int] = [:]
    var recordedStarts = RecordedStarts()
    var globalOrder = GlobalOrder()
    private var retention = MinHeap<RetentionEntry>()
    var tally: ReplayTally
    /// Runs forgotten since the caller last asked (their external ids and threads).
    private(set) var forgotten: [(externalID: String, thread: ThreadID, at: Timestamp, model: RunID?)] = []
    private(set) var peakLive = 0

    struct RetentionEntry: Comparable {
        var due: Timestamp
        var index: Int
        static func < (left: RetentionEntry, right: RetentionEntry) -> Bool { (left.due, left.index) < (right.due, right.index) }
    }

    init(tally: ReplayTally) {
        self.tally = tally
    }

    var count: Int { slotOfIndex.count }

    func index(of model: RunID) -> Int? { slotOfModel[model].flatMap { slab[$0]?.run.index } }

    /// The run with trace index `index`, if held (a copy: for reports, not the hot path).
    subscript(index: Int) -> LiveRun? { slotOfIndex[index].flatMap { slab[$0] } }

    func modelRunID(of index: Int) -> RunID? { slotOfIndex[index].flatMap { slab[$0]?.modelRunID } }

    func thread(of index: Int) -> ThreadID? { slotOfIndex[index].flatMap { slab[$0]?.run.thread } }

    func name(of index: Int) -> String? { slotOfIndex[index].flatMap { slab[$0]?.name } }

    /// The trace's id of the run the model knows as `model`.
    func externalID(ofModel model: RunID) -> String? { slotOfModel[model].flatMap { slab[$0]?.run.externalID } }

    /// A create is about to be played.
    mutating func add(_ run: TraceRun, awaitingOutcome: Bool, at time: Timestamp) {
        var entry = LiveRun(run: run, lastActivity: max(time, run.recordedEndedAt ?? time))
        entry.awaitingOutcome = awaitingOutcome
        entry.recordedOrderDone = run.recordedStartedAt == nil && !awaitingOutcome
        entry.globalOrderDone = entry.recordedOrderDone
        if let start = run.recordedStartedAt { recordedStarts.add(run.index, startedAt: start) }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slab[slot] = entry
        } else {
            slot = slab.count
            slab.append(entry)
        }
        slotOfIndex[run.index] = slot
        peakLive = max(peakLive, slotOfIndex.count)
    }

    /// The model answered the create: with a run id, or a refusal.
    mutating func created(_ index: Int, as model: RunID?, refusal: ReplayStatus?) {
        guard let slot = slotOfIndex[index] else { return }
        slab[slot]!.modelRunID = model
        slab[slot]!.modelRefusal = refusal
        if model == nil { slab[slot]!.modelStatus = refusal ?? .unknown }
        if let model { slotOfModel[model] = slot }
        queueIfDone(slot)
    }

    /// A request named the run: keep it at least the retention past now.
    mutating func touch(_ index: Int, at time: Timestamp) {
        guard let slot = slotOfIndex[index] else { return }
        if time > slab[slot]!.lastActivity { slab[slot]!.lastActivity = time }
    }

    /// The outcome of a run played without it arrived; false when the run is not held (yet).
    mutating func recordedOutcome(_ index: Int, _ outcome: TraceOutcome) -> Bool {
        guard let slot = slotOfIndex[index] else { return false }
        slab[slot]!.awaitingOutcome = false
        slab[slot]!.run.recordedStatus = ReplayStatus(outcome.status)
        slab[slot]!.run.recordedCreatedAt = outcome.createdAt
        slab[slot]!.run.recordedStartedAt = outcome.startedAt
        slab[slot]!.run.recordedEndedAt = outcome.endedAt
        slab[slot]!.run.recordedQueueWait = outcome.queueWait.map { $0.count < 0 ? .zero : $0 }
        if let start = outcome.startedAt {
            recordedStarts.add(index, startedAt: start)
        } else {
            slab[slot]!.recordedOrderDone = true
            slab[slot]!.globalOrderDone = true
            if let rank = slab[slot]!.modelRank { globalOrder.close(rank: rank) }
        }
        queueIfDone(slot)
        return true
    }

    // MARK: - Simulated events

    /// Applies a simulated event to the model side of its run. `origin`: the trace time of
    /// simulated time 0.
    mutating func observe(_ event: Event, origin: Timestamp, threads: inout ThreadTable) {
        guard let model = event.runID, let slot = slotOfModel[model] else { return }
        let shift = Microseconds(origin.microsecondsSinceEpoch)
        let traceTime = event.at + shift
        switch event {
        case .created(let created):
            slab[slot]!.modelStatus = .run(.pending)
            slab[slot]!.modelCreatedAt = created.createdAt + shift
        case .started:
            slab[slot]!.modelStatus = .run(.running)
            slab[slot]!.workerActive = true
            if slab[slot]!.modelStartedAt == nil {
                slab[slot]!.modelStartedAt = traceTime
                let mayBeRecorded = slab[slot]!.run.recordedStartedAt != nil || slab[slot]!.awaitingOutcome
                slab[slot]!.modelRank = globalOrder.simulatedStart(mayBeRecorded: mayBeRecorded)
                let thread = slab[slot]!.run.thread
                slab[slot]!.modelPredecessor = threads[thread]?.lastModelStart
                threads[thread]?.lastModelStart = (slab[slot]!.run.index, slab[slot]!.name)
            }
        case .retried:
            slab[slot]!.modelStatus = .run(.pending)
            slab[slot]!.workerActive = false
        case .succeeded: Self.settle(&slab[slot]!, .run(.success), traceTime, workerLeft: true)
        case .failed: Self.settle(&slab[slot]!, .run(.error), traceTime, workerLeft: true)
        case .timedOut: Self.settle(&slab[slot]!, .run(.timeout), traceTime, workerLeft: true)
        case .interrupted: Self.settle(&slab[slot]!, .run(.interrupted), traceTime, workerLeft: false)
        case .rolledBack, .deleted: Self.settle(&slab[slot]!, .deleted, traceTime, workerLeft: false)
        case .workerStopped: slab[slot]!.workerActive = false
        default: return
        }
        queueIfDone(slot)
    }

    private static func settle(_ entry: inout LiveRun, _ status: ReplayStatus, _ time: Timestamp, workerLeft: Bool) {
        entry.modelStatus = status
        entry.modelSettledAt = time
        if time > entry.lastActivity { entry.lastActivity = time }
        if workerLeft { entry.workerActive = false }
    }

    // MARK: - Order

    /// Takes the recorded starts before `bound` in order (nil: all), assigning each run its
    /// recorded predecessor on its thread, then feeds the global order.
    mutating func takeRecordedStarts(before bound: Timestamp?, threads: inout ThreadTable, finishing: Bool) {
        while let index = recordedStarts.next(before: bound) {
            guard let slot = slotOfIndex[index] else { continue }
            let thread = slab[slot]!.run.thread
            slab[slot]!.recordedPredecessor = threads[thread]?.lastRecordedStart
            threads[thread]?.lastRecordedStart = (index, slab[slot]!.name)
            slab[slot]!.recordedOrderDone = true
            globalOrder.recorded(index)
        }
        // The global order reads the runs while it changes: take it out meanwhile.
        var order = GlobalOrder()
        swap(&order, &globalOrder)
        let taken = order.take { index in
            guard let slot = slotOfIndex[index], let entry = slab[slot] else { return .never }
            if let rank = entry.modelRank { return .started(rank: rank) }
            return finishing || entry.modelSettled ? .never : .unknown
        }
        swap(&order, &globalOrder)
        for index in taken {
            guard let slot = slotOfIndex[index] else { continue }
            slab[slot]!.globalOrderDone = true
            queueIfDone(slot)
        }
    }

    // MARK: - Finishing runs

    /// Queues the run for comparison once everything but the retention is done.
    private mutating func queueIfDone(_ slot: Int) {
        guard let entry = slab[slot], !entry.queuedForRetention, !entry.awaitingOutcome, entry.recordedOrderDone,
              entry.globalOrderDone, entry.modelSettled
        else { return }
        slab[slot]!.queuedForRetention = true
        retention.push(RetentionEntry(due: entry.lastActivity, index: entry.run.index))
    }

    /// Compares and forgets the runs whose retention has passed by `now` (trace time).
    mutating func retire(now: Timestamp, retention period: Microseconds) {
        while let top = retention.top, top.due + period <= now {
            retention.pop()
            guard let slot = slotOfIndex[top.index] else { continue }
            slab[slot]!.queuedForRetention = false
            let lastActivity = slab[slot]!.lastActivity
            if lastActivity > top.due {
                // Named again since it was queued: wait from the new time.
                slab[slot]!.queuedForRetention = true
                retention.push(RetentionEntry(due: lastActivity, index: top.index))
                continue
            }
            guard let entry = slab[slot], !entry.awaitingOutcome, entry.recordedOrderDone, entry.globalOrderDone,
                  entry.modelSettled
            else { continue }
            finish(top.index)
        }
    }

    /// Compares and forgets every run still held (the replay is over), in index order.
    mutating func finishAll() {
        for index in slotOfIndex.keys.sorted() { finish(index) }
    }

    private mutating func finish(_ index: Int) {
        guard let slot = slotOfIndex.removeValue(forKey: index), let entry = slab[slot] else { return }
        slab[slot] = nil
        freeSlots.append(slot)
        if let model = entry.modelRunID { slotOfModel[model] = nil }
        if let rank = entry.modelRank, !entry.globalOrderDone { globalOrder.close(rank: rank) }
        forgotten.append((entry.run.externalID, entry.run.thread, entry.lastActivity, entry.modelRunID))
        let run = entry.run
        var modelWait: Microseconds?
        if let started = entry.modelStartedAt, let created = entry.modelCreatedAt { modelWait = started - created }
        let comparison = RunComparison(
            index: index, externalID: run.externalID, reference: run.reference, thread: run.threadExternalID,
            recordedStatus: run.recordedStatus, modelStatus: entry.modelStatus,
            recordedCreatedAt: run.recordedCreatedAt, modelCreatedAt: entry.modelCreatedAt,
            recordedStartedAt: run.recordedStartedAt, modelStartedAt: entry.modelStartedAt,
            recordedQueueWait: run.recordedStartedAt == nil ? nil : run.recordedQueueWait, modelQueueWait: modelWait,
            recordedThreadPredecessor: entry.recordedPredecessor?.index, modelThreadPredecessor: entry.modelPredecessor?.index,
            recordedThreadPredecessorName: entry.recordedPredecessor?.name, modelThreadPredecessorName: entry.modelPredecessor?.name,
            modelRunID: entry.modelRunID)
        tally.add(comparison, RunTiming(
            requestedAt: run.request.at, recordedEndedAt: run.recordedEndedAt, modelSettledAt: entry.modelSettledAt,
            thread: run.thread))
    }

    /// The tracker's containers, counted into `held`.
    func count(into held: inout ReplayHeldEntries) {
        held.trackedRuns = max(slab.count, slotOfIndex.count)
        held.modelRuns = slotOfModel.count
        held.retention = retention.count
        held.recordedStarts = recordedStarts.count
        held.globalOrder = globalOrder.storedCount
    }

    mutating func takeForgotten() -> [(externalID: String, thread: ThreadID, at: Timestamp, model: RunID?)] {
        defer { forgotten.removeAll(keepingCapacity: true) }
        return forgotten
    }
}
