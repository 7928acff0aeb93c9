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

/// Holds the runs in flight and turns each into a ``RunComparison`` when it is done.
struct RunTracker {
    private(set) var live: [Int: LiveRun] = [:]
    private var byModelID: [RunID: Int] = [:]
    var recordedStarts = RecordedStarts()
    var globalOrder = GlobalOrder()
    private var retention = MinHeap<RetentionEntry>()
    var tally: ReplayTally
    /// Runs forgotten since the caller last asked (their external ids and threads).
    private(set) var forgotten: [(externalID: String, thread: ThreadID, at: Timestamp)] = []
    private(set) var peakLive = 0

    struct RetentionEntry: Comparable {
        var due: Timestamp
        var index: Int
        static func < (left: RetentionEntry, right: RetentionEntry) -> Bool { (left.due, left.index) < (right.due, right.index) }
    }

    init(tally: ReplayTally) {
        self.tally = tally
    }

    func index(of model: RunID) -> Int? { byModelID[model] }

    subscript(index: Int) -> LiveRun? { live[index] }

    /// A create is about to be played.
    mutating func add(_ run: TraceRun, awaitingOutcome: Bool, at time: Timestamp) {
        var entry = LiveRun(run: run, lastActivity: max(time, run.recordedEndedAt ?? time))
        entry.awaitingOutcome = awaitingOutcome
        entry.recordedOrderDone = run.recordedStartedAt == nil && !awaitingOutcome
        entry.globalOrderDone = entry.recordedOrderDone
        if let start = run.recordedStartedAt { recordedStarts.add(run.index, startedAt: start) }
        live[run.index] = entry
        peakLive = max(peakLive, live.count)
    }

    /// The model answered the create: with a run id, or a refusal.
    mutating func created(_ index: Int, as model: RunID?, refusal: ReplayStatus?) {
        guard var entry = live[index] else { return }
        entry.modelRunID = model
        entry.modelRefusal = refusal
        if model == nil { entry.modelStatus = refusal ?? .unknown }
        if let model { byModelID[model] = index }
        live[index] = entry
        queueIfDone(index)
    }

    /// A request named the run: keep it at least the retention past now.
    mutating func touch(_ index: Int, at time: Timestamp) {
        guard live[index] != nil else { return }
        if time > live[index]!.lastActivity { live[index]!.lastActivity = time }
    }

    /// The outcome of a run played without it arrived.
    mutating func recordedOutcome(_ index: Int, _ outcome: TraceOutcome) {
        guard var entry = live[index] else { return }
        entry.awaitingOutcome = false
        entry.run.recordedStatus = ReplayStatus(outcome.status)
        entry.run.recordedCreatedAt = outcome.createdAt
        entry.run.recordedStartedAt = outcome.startedAt
        entry.run.recordedEndedAt = outcome.endedAt
        entry.run.recordedQueueWait = outcome.queueWait.map { $0.count < 0 ? .zero : $0 }
        if let start = outcome.startedAt {
            recordedStarts.add(index, startedAt: start)
        } else {
            entry.recordedOrderDone = true
            entry.globalOrderDone = true
            if let rank = entry.modelRank { globalOrder.close(rank: rank) }
        }
        live[index] = entry
        queueIfDone(index)
    }

    // MARK: - Simulated events

    /// Applies a simulated event to the model side of its run. `origin`: the trace time of
    /// simulated time 0.
    mutating func observe(_ event: Event, origin: Timestamp, threads: inout ThreadTable) {
        guard let model = event.runID, let index = byModelID[model], var entry = live[index] else { return }
        func onTrace(_ time: Timestamp) -> Timestamp { time + Microseconds(origin.microsecondsSinceEpoch) }
        let traceTime = onTrace(event.at)
        switch event {
        case .created(let created):
            entry.modelStatus = .run(.pending)
            entry.modelCreatedAt = onTrace(created.createdAt)
        case .started:
            entry.modelStatus = .run(.running)
            entry.workerActive = true
            if entry.modelStartedAt == nil {
                entry.modelStartedAt = traceTime
                let mayBeRecorded = entry.run.recordedStartedAt != nil || entry.awaitingOutcome
                entry.modelRank = globalOrder.simulatedStart(mayBeRecorded: mayBeRecorded)
                let thread = entry.run.thread
                entry.modelPredecessor = threads[thread]?.lastModelStart
                threads[thread]?.lastModelStart = (index, entry.name)
            }
        case .retried:
            entry.modelStatus = .run(.pending)
            entry.workerActive = false
        case .succeeded: settle(&entry, .run(.success), traceTime, workerLeft: true)
        case .failed: settle(&entry, .run(.error), traceTime, workerLeft: true)
        case .timedOut: settle(&entry, .run(.timeout), traceTime, workerLeft: true)
        case .interrupted: settle(&entry, .run(.interrupted), traceTime, workerLeft: false)
        case .rolledBack, .deleted: settle(&entry, .deleted, traceTime, workerLeft: false)
        case .workerStopped: entry.workerActive = false
        default: break
        }
        live[index] = entry
        queueIfDone(index)
    }

    private func settle(_ entry: inout LiveRun, _ status: ReplayStatus, _ time: Timestamp, workerLeft: Bool) {
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
            guard var entry = live[index] else { continue }
            let thread = entry.run.thread
            entry.recordedPredecessor = threads[thread]?.lastRecordedStart
            threads[thread]?.lastRecordedStart = (index, entry.name)
            entry.recordedOrderDone = true
            live[index] = entry
            globalOrder.recorded(index)
        }
        // The global order reads the runs while it changes: take it out meanwhile.
        var order = GlobalOrder()
        swap(&order, &globalOrder)
        let taken = order.take { index in
            guard let entry = live[index] else { return .never }
            if let rank = entry.modelRank { return .started(rank: rank) }
            return finishing || entry.modelSettled ? .never : .unknown
        }
        swap(&order, &globalOrder)
        for index in taken {
            live[index]?.globalOrderDone = true
            queueIfDone(index)
        }
    }

    // MARK: - Finishing runs

    /// Queues the run for comparison once everything but the retention is done.
    private mutating func queueIfDone(_ index: Int) {
        guard let entry = live[index], !entry.queuedForRetention, !entry.awaitingOutcome, entry.recordedOrderDone,
              entry.globalOrderDone, entry.modelSettled
        else { return }
        live[index]!.queuedForRetention = true
        retention.push(RetentionEntry(due: entry.lastActivity, index: index))
    }

    /// Compares and forgets the runs whose retention has passed by `now` (trace time).
    mutating func retire(now: Timestamp, retention period: Microseconds) {
        while let top = retention.top, top.due + period <= now {
            retention.pop()
            guard let entry = live[top.index] else { continue }
            live[top.index]!.queuedForRetention = false
            if entry.lastActivity > top.due {
                // Named again since it was queued: wait from the new time.
                live[top.index]!.queuedForRetention = true
                retention.push(RetentionEntry(due: entry.lastActivity, index: top.index))
                continue
            }
            if entry.awaitingOutcome || !entry.recordedOrderDone || !entry.globalOrderDone || !entry.modelSettled { continue }
            finish(top.index)
        }
    }

    /// Compares and forgets every run still held (the replay is over), in index order.
    mutating func finishAll() {
        for index in live.keys.sorted() { finish(index) }
    }

    private mutating func finish(_ index: Int) {
        guard let entry = live.removeValue(forKey: index) else { return }
        if let model = entry.modelRunID { byModelID[model] = nil }
        if let rank = entry.modelRank, !entry.globalOrderDone { globalOrder.close(rank: rank) }
        forgotten.append((entry.run.externalID, entry.run.thread, entry.lastActivity))
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

    mutating func takeForgotten() -> [(externalID: String, thread: ThreadID, at: Timestamp)] {
        defer { forgotten.removeAll(keepingCapacity: true) }
        return forgotten
    }
}
