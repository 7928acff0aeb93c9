// The streaming half of building a replay's input: trace items go in as they are read, requests
// come out in time order once nothing still unread can come before them. A create waits for its
// run's recorded outcome (its work and the server's insert time come from there); everything
// else waits only for the reorder window. Memory: the requests within that window, the creates
// still waiting, and a few fields per run until the replay forgets it.
import RunLifecycle
import Traces

/// Turns trace items into time-ordered requests.
struct ReplayFeed {
    let options: ReplayOptions
    /// Whether outcomes come from a second reader of the same trace (runledger-trace), so that
    /// outcome items from the first one are ignored.
    private(set) var outcomesFromSecondReader = false
    private(set) var server = TraceServer(slots: nil)
    /// The earliest and latest time any request or outcome shows.
    private(set) var firstTime: Timestamp?
    private(set) var lastTime: Timestamp?
    /// The latest issue time of any request read: what is still unread is later than this
    /// minus the reorder window.
    private(set) var latestRequest: Timestamp?
    /// The earliest recorded start among the runs resolved so far.
    private(set) var firstRecordedStart: Timestamp?
    /// The time of the last request handed out.
    private(set) var released: Timestamp?
    var threads = ThreadTable()
    var counts = FeedCounts()

    private var order = 0
    private var createCount = 0
    private var refusedCount = 0
    /// Creates whose outcome has not arrived (their `KnownRun.pending`).
    private var waitingCount = 0
    /// Their (issue time, order), earliest first; entries of creates since resolved are skipped.
    private var waitingOrder = MinHeap<WaitingKey>()
    /// Cancels of waiting runs, by run id (their time and wait flag come from its outcome).
    private var blockedCancels: [String: [(order: Int, cancel: TraceCancel)]] = [:]
    /// Outcomes read before their create, by run id (the second reader runs a little ahead).
    private var earlyOutcomes: [String: TraceOutcome] = [:]
    /// Resolved requests in time order: the heap holds keys, the requests stay put in `slots`.
    private var ready = MinHeap<ReadyKey>()
    private var slots: [ReadyRequest?] = []
    private var freeSlots: [Int] = []
    /// Every run from its create until the replay forgets it, by external id.
    private(set) var known: [String: KnownRun] = [:]
    /// Resolved runs whose outcome arrived after they were played (lookahead exceeded).
    private(set) var lateOutcomes: [(index: Int, outcome: TraceOutcome)] = []

    /// Outcomes held from the second reader before the oldest waiting create is given up on.
    static let earlyOutcomeLimit = 4_096

    init(options: ReplayOptions) {
        self.options = options
    }

    /// What the feed knows of a run the replay has not forgotten.
    struct KnownRun {
        var index: Int
        var thread: ThreadID
        /// The create, while it waits for its outcome.
        var pending: PendingCreate?
        var resolved = false
        /// Played without its outcome; a late one updates the recorded side only.
        var awaitingOutcome = false
        var lateOutcomeArrived = false
        var eagerlyDeleted = false
        var recordedStatus: ReplayStatus = .unknown
        var cancels: [TraceCancelMark] = []
    }

    struct PendingCreate {
        var order: Int
        var index: Int
        var at: Timestamp
        var externalID: String
        var reference: String?
        var threadID: String
        var thread: ThreadID
        var strategy: MultitaskStrategy?
        var ifNotExists: IfNotExists?
        var after: Microseconds?
        var endpoint: TraceEndpoint
        var work: [Microseconds]?
        var refusal: ReplayStatus?
    }

    struct WaitingKey: Comparable {
        var at: Timestamp
        var order: Int
        var runID: String
        static func < (left: WaitingKey, right: WaitingKey) -> Bool { (left.at, left.order) < (right.at, right.order) }
    }

    /// The format decides where outcomes come from; call it once the first line is read.
    mutating func setFormat(_ format: TraceFormat?) {
        outcomesFromSecondReader = format == .runledgerTrace
    }

    // MARK: - Items in

    /// An item from the primary reader (file order).
    mutating func add(_ item: TraceItem) {
        switch item {
        case .server(let stated):
            if let slots = stated.slots {
                if server.slots != nil && server.slots != slots { counts.restatedSlots = true }
                if server.slots == nil { server.slots = slots }
            }
            if let poll = stated.pollInterval, server.pollInterval == nil { server.pollInterval = poll }
        case .request(let request):
            see(request.at)
            if latestRequest.map({ request.at > $0 }) ?? true { latestRequest = request.at }
            order += 1
            addRequest(request)
        case .outcome(let outcome):
            if !outcomesFromSecondReader { addOutcome(outcome) }
        case .threadOutcome:
            break
        }
    }

    /// An item from the second reader (outcomes only).
    mutating func addFromOutcomeReader(_ item: TraceItem) {
        if case .outcome(let outcome) = item { addOutcome(outcome) }
    }

    /// Whether a create waits for its outcome.
    var hasWaiting: Bool { waitingCount > 0 }

    /// Whether the second reader has read as far ahead as it may.
    var earlyOutcomesFull: Bool { earlyOutcomes.count >= Self.earlyOutcomeLimit }

    /// The second reader is exhausted, or read too far ahead: the oldest waiting create (all of
    /// them when `all`) will get no outcome from it.
    mutating func giveUpWaiting(all: Bool) {
        while let key = oldestWaiting() {
            resolve(key.runID, outcome: nil, provisional: false)
            if !all { return }
        }
    }

    private mutating func addRequest(_ request: TraceRequest) {
        switch request {
        case .createThread: break
        case .create(let create):
            let pending = PendingCreate(
                order: order, index: createCount, at: create.at, externalID: create.runID, reference: create.runReference,
                threadID: create.threadID, thread: threads.intern(create.threadID), strategy: create.strategy,
                ifNotExists: create.ifNotExists, after: create.after, endpoint: create.endpoint, work: create.work,
                refusal: nil)
            createCount += 1
            known[create.runID] = KnownRun(index: pending.index, thread: pending.thread, pending: pending)
            waitingCount += 1
            waitingOrder.push(WaitingKey(at: create.at, order: order, runID: create.runID))
            if !earlyOutcomes.isEmpty, let outcome = earlyOutcomes.removeValue(forKey: create.runID) {
                resolve(create.runID, outcome: outcome, provisional: false)
            }
        case .rejectedCreate(let refused), .notFoundCreate(let refused):
            refusedCount += 1
            let rejected: Bool
            if case .rejectedCreate = request { rejected = true } else { rejected = false }
            let externalID = refused.runReference ?? "refused#\(refusedCount)"
            let pending = PendingCreate(
                order: order, index: createCount, at: refused.at, externalID: externalID,
                reference: refused.runReference, threadID: refused.threadID, thread: threads.intern(refused.threadID),
                // Only `reject` is answered 409; the server log does not carry the body.
                strategy: refused.strategy ?? (rejected ? .reject : nil), ifNotExists: refused.ifNotExists,
                after: nil, endpoint: refused.endpoint, work: refused.work, refusal: rejected ? .rejected : .notFound)
            createCount += 1
            known[externalID] = KnownRun(index: pending.index, thread: pending.thread)
            emit(pending, outcome: nil)
        case .cancel(let cancel):
            if known[cancel.runID]?.pending != nil {
                blockedCancels[cancel.runID, default: []].append((order, cancel))
            } else {
                emitCancel(cancel, order: order)
            }
        case .bulkCancel(let cancel):
            if cancel.runIDs == nil && cancel.status == nil {
                if counts.skippedBulkCancelCodes.count < FeedCounts.listedBulkCancels {
                    counts.skippedBulkCancelCodes.append(cancel.statusCode)
                }
                counts.skippedBulkCancels += 1
                return
            }
            let thread = cancel.threadID.flatMap { threads.existing($0) }
            let members = cancel.runIDs?.compactMap { known[$0]?.index }
            push(ReadyRequest(
                at: cancel.at, order: order,
                request: .bulkCancel(thread: thread, runs: members, status: cancel.status, action: cancel.action, at: cancel.at)))
        case .join(let join):
            push(ReadyRequest(
                at: join.at, order: order, request: .join(run: known[join.runID]?.index, externalID: join.runID, at: join.at)))
        case .delete(let delete):
            push(ReadyRequest(
                at: delete.at, order: order,
                request: .delete(run: known[delete.runID]?.index, externalID: delete.runID, at: delete.at)))
        }
    }

    private mutating func addOutcome(_ outcome: TraceOutcome) {
        for time in [outcome.createdAt, outcome.startedAt, outcome.endedAt] { if let time { see(time) } }
        if let run = known[outcome.runID] {
            if run.pending != nil {
                resolve(outcome.runID, outcome: outcome, provisional: false)
            } else if run.awaitingOutcome && !run.lateOutcomeArrived {
                // Played (or about to be) without it: the comparison still gets it.
                known[outcome.runID]?.lateOutcomeArrived = true
                lateOutcomes.append((run.index, outcome))
            }
        } else if outcomesFromSecondReader {
            earlyOutcomes[outcome.runID] = outcome
        }
        // Otherwise the outcome of a run the trace never created (or one already forgotten).
    }

    private mutating func see(_ time: Timestamp) {
        if firstTime.map({ time < $0 }) ?? true { firstTime = time }
        if lastTime.map({ time > $0 }) ?? true { lastTime = time }
    }

    // MARK: - Resolution

    private mutating func oldestWaiting() -> WaitingKey? {
        while let top = waitingOrder.top {
            if known[top.runID]?.pending?.order == top.order { return top }
            waitingOrder.pop()
        }
        return nil
    }

    /// Drops the heap entries of resolved creates that nothing else would: a runledger-trace's
    /// creates are resolved as soon as they are read (the outcome reader is ahead), so the heap
    /// is never consulted and its stale entries, each holding its run id, piled up with the trace.
    private mutating func dropResolvedWaiting() {
        if waitingCount == 0 {
            waitingOrder.removeAll()
        } else {
            _ = oldestWaiting()
        }
    }

    /// Creates waiting longer than the lookahead are played without their outcome.
    mutating func expireWaiting() {
        guard waitingCount > 0, let latestRequest else { return }
        while let oldest = oldestWaiting(), latestRequest - oldest.at > options.maximumLookahead {
            counts.playedWithoutOutcome += 1
            resolve(oldest.runID, outcome: nil, provisional: !outcomesFromSecondReader)
        }
    }

    private mutating func resolve(_ runID: String, outcome: TraceOutcome?, provisional: Bool) {
        guard let pending = known[runID]?.pending else { return }
        waitingCount -= 1
        emit(pending, outcome: outcome, provisional: provisional)
        dropResolvedWaiting()
        if !blockedCancels.isEmpty, let blocked = blockedCancels.removeValue(forKey: runID) {
            for cancel in blocked { emitCancel(cancel.cancel, order: cancel.order) }
        }
    }

    private mutating func emit(_ create: PendingCreate, outcome: TraceOutcome?, provisional: Bool = false) {
        let run = makeRun(create, outcome: outcome)
        Self.resolved(&known[create.externalID], run, cancels: outcome?.cancels, provisional: provisional)
        if let start = run.recordedStartedAt, firstRecordedStart.map({ start < $0 }) ?? true { firstRecordedStart = start }
        push(ReadyRequest(at: run.request.at, order: create.order, request: .create(run: run.index), run: run))
    }

    private static func resolved(_ entry: inout KnownRun?, _ run: TraceRun, cancels: [TraceCancelMark]?, provisional: Bool) {
        guard entry != nil else { return }
        entry!.pending = nil
        entry!.resolved = true
        entry!.awaitingOutcome = provisional
        entry!.eagerlyDeleted = run.recordedEagerDelete
        entry!.recordedStatus = run.recordedStatus
        if let cancels, !cancels.isEmpty { entry!.cancels = cancels }
    }

    private mutating func emitCancel(_ cancel: TraceCancel, order: Int) {
        let run = known[cancel.runID]
        var wait = cancel.wait ?? false
        if cancel.wait == nil, cancel.action == .rollback, let run, !run.eagerlyDeleted, run.recordedStatus != .run(.success) {
            // The server log does not show `wait=true`; a rollback that did not delete
            // eagerly had a subscriber.
            wait = true
            counts.inferredWaits += 1
        }
        // The server's `Cancelled runs` line times the cancel exactly when it hit.
        var time = cancel.at
        if let mark = run?.cancels.first(where: {
            $0.action == cancel.action && $0.at >= cancel.at && $0.at - cancel.at < .seconds(1)
        }) {
            time = mark.at
        }
        push(ReadyRequest(
            at: time, order: order,
            request: .cancel(run: run?.index, externalID: cancel.runID, action: cancel.action, wait: wait, at: time)))
    }

    // MARK: - Requests out

    private mutating func push(_ request: ReadyRequest) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = request
        } else {
            slot = slots.count
            slots.append(request)
        }
        ready.push(ReadyKey(at: request.at, order: request.order, slot: slot))
    }

    /// The next request in time order, once nothing unread or unresolved can come before it
    /// (`finishing`: the trace is exhausted, so everything goes).
    mutating func next(finishing: Bool) -> ReadyRequest? {
        guard let top = ready.top else { return nil }
        if !finishing {
            guard let latestRequest, top.at <= latestRequest + Microseconds(-options.reorderWindow.count) else { return nil }
            if waitingCount > 0, let oldest = oldestWaiting(), (oldest.at, oldest.order) <= (top.at, top.order) { return nil }
        }
        ready.pop()
        if let released, top.at < released { counts.lateRequests += 1 } else { released = top.at }
        let request = slots[top.slot].take()
        freeSlots.append(top.slot)
        return request
    }

    /// Whether the first recorded start is known for sure: every run that could start earlier
    /// has been resolved (a run starts after its create, which is after its issue time).
    func knowsFirstRecordedStart(finishing: Bool) -> Bool {
        if finishing { return true }
        guard let latestRequest, let firstTime else { return false }
        if latestRequest - firstTime > options.maximumLookahead { return true }
        guard let start = firstRecordedStart else { return false }
        var bound = latestRequest + Microseconds(-options.reorderWindow.count)
        for key in waitingOrder.elements where key.at < bound && known[key.runID]?.pending?.order == key.order {
            bound = key.at
        }
        return start < bound
    }

    /// The replay forgot a run: forget it here too.
    mutating func forget(_ externalID: String) {
        known[externalID] = nil
    }

    /// Hands each late outcome to `apply`, keeping those it refuses (the create is not played yet).
    mutating func applyLateOutcomes(_ apply: (Int, TraceOutcome) -> Bool) {
        guard !lateOutcomes.isEmpty else { return }
        lateOutcomes.removeAll { apply($0.index, $0.outcome) }
    }

    /// The feed's containers, counted into `held`.
    func count(into held: inout ReplayHeldEntries) {
        held.knownRuns = known.count
        held.waitingCreates = waitingOrder.count
        held.earlyOutcomes = earlyOutcomes.count
        held.blockedCancels = blockedCancels.count
        held.requestSlots = slots.count
        held.lateOutcomes = lateOutcomes.count
        held.threads = threads.storedCount
    }

    /// Runs and requests held, for the memory report.
    var heldRequests: Int { ready.count + waitingCount + blockedCancels.count }
}

/// What the feed had to assume, counted for the notes.
struct FeedCounts {
    var estimatedWork = 0
    var spreadExecution = 0
    var calibratedSteps = 0
    var unknownWork = 0
    var inferredWaits = 0
    /// Bulk cancels without a body, and the status codes of the first few (named in the notes).
    var skippedBulkCancels = 0
    var skippedBulkCancelCodes: [Int?] = []
    static let listedBulkCancels = 5
    var lateRequests = 0
    var playedWithoutOutcome = 0
    var restatedSlots = false
}
