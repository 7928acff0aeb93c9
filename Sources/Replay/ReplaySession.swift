// One streaming replay: items go into the feed as they are read, requests come out in time order
// and are performed on the simulator, each simulated event updates its run, and runs are
// compared and forgotten as soon as both sides are done with them.
import Invariants
import RunLifecycle
import Simulation
import Traces

/// Collects the simulated events between two looks.
public struct ReplaySink: EventSink {
    public var events: [Event] = []
    public init() {}
    public mutating func receive(_ event: Event, sequence: UInt64) { events.append(event) }
}

/// What an observer of a replay's events gets with each: the trace's names for the event's run
/// and thread, and the configuration in force (for a journal's header).
public struct ReplayEventNames: Sendable {
    /// The trace's id of the event's run (or the refused create's name), if the event names a run.
    public var run: String?
    /// The trace's id of the event's thread, if it names one.
    public var thread: String?
    /// Trace time of simulated time 0.
    public var origin: Timestamp
    public var slots: Int
    public var pollIntervalMilliseconds: Int64
}

/// The configuration a replay settled on when it started.
struct ReplayConfiguration {
    var slots: Int
    var pollIntervalMilliseconds: Int64
    var recordedSlots: Int?
    var recordedPollIntervalMilliseconds: Int64?
    var isWhatIf: Bool
    var origin: Timestamp
}

struct ReplaySession {
    let options: ReplayOptions
    var feed: ReplayFeed
    var tracker: RunTracker
    var simulator: Simulator<ReplaySink>?
    var configuration: ReplayConfiguration?
    var checker: InvariantChecker?
    var format: TraceFormat?
    var observer: ((Event, ReplayEventNames) throws -> Void)?
    var context: DivergenceContext?
    /// Events taken from the sink, reused.
    private var events: [Event] = []
    private(set) var sequence: UInt64 = 0
    /// The simulated time up to which the poller is kept cycling.
    private var horizon: Int64 = .min
    /// Ids handed to requests about runs the model does not know, by the trace's name.
    private var phantoms: [String: RunID] = [:]
    private var phantomNames: [RunID: String] = [:]
    private var nextPhantom = UInt32.max
    /// Phantom ids kept before they are all dropped: a constant bound, not what is in flight.
    static let phantomLimit = 4_096
    /// Threads idle since the given time, to forget once the thread retention has passed.
    private var idleThreads: [(since: Timestamp, thread: ThreadID)] = []
    private var idleThreadsHead = 0
    private(set) var peakHeldRequests = 0
    /// The most entries each container held, sampled as each batch of items comes in and after
    /// it is played.
    private(set) var peakHeld = ReplayHeldEntries()

    init(options: ReplayOptions, observer: ((Event, ReplayEventNames) throws -> Void)? = nil, context: DivergenceContext? = nil) {
        self.options = options
        feed = ReplayFeed(options: options)
        tracker = RunTracker(tally: ReplayTally(keepRuns: false, isWhatIf: false, tolerance: .zero, whatIfLimit: 0))
        self.observer = observer
        self.context = context
    }

    mutating func setFormat(_ format: TraceFormat?) {
        self.format = format
        feed.setFormat(format)
    }

    // MARK: - Starting

    /// Picks the configuration and the origin, and builds the simulator.
    private mutating func start() {
        let recordedPoll = feed.server.pollInterval.map { $0.count / 1_000 }
        let slots = options.slots ?? feed.server.slots ?? options.defaultSlots
        let poll = options.pollIntervalMilliseconds ?? recordedPoll ?? options.defaultPollIntervalMilliseconds
        let whatIf = (options.slots != nil && options.slots != feed.server.slots)
            || (options.pollIntervalMilliseconds != nil
                && options.pollIntervalMilliseconds != (recordedPoll ?? options.defaultPollIntervalMilliseconds))
            || options.strategy != nil
        let cycle = poll > 0 ? poll * 1_000 + options.pollIterationOverhead.count : 0
        let origin = Self.chooseOrigin(
            first: feed.firstTime, firstStart: feed.firstRecordedStart, cycle: cycle, align: options.alignPollPhase)
        configuration = ReplayConfiguration(
            slots: slots, pollIntervalMilliseconds: poll, recordedSlots: feed.server.slots,
            recordedPollIntervalMilliseconds: recordedPoll, isWhatIf: whatIf, origin: origin)
        let server = ServerSpec.scripted(slots: slots, pollIntervalMilliseconds: poll, profile: options.profile)
        var simulator = Simulator(spec: .scripted(server: server, seed: options.seed), sink: ReplaySink())
        simulator.pollIterationOverhead = poll > 0 ? options.pollIterationOverhead.count : 0
        self.simulator = simulator
        if options.checksInvariants {
            checker = InvariantChecker(configuration: CheckerConfiguration(
                profile: options.profile, slotCount: slots, pollInterval: poll > 0 ? .milliseconds(poll) : nil))
        }
        let tolerance = options.waitTolerance ?? .milliseconds(max(poll, 1))
        tracker = RunTracker(tally: ReplayTally(
            keepRuns: options.keepRuns, isWhatIf: whatIf, tolerance: tolerance, whatIfLimit: options.whatIfChangeLimit))
        if let last = feed.lastTime { keepPolling(until: simulated(last)) }
    }

    /// Simulated time 0 is a poll instant. The real poll grid restarts at every dispatch, so its
    /// phase shows in the recorded starts: put a grid point on the first recorded start, as many
    /// poll intervals back as needed to come before the first request.
    static func chooseOrigin(first: Timestamp?, firstStart: Timestamp?, cycle interval: Int64, align: Bool) -> Timestamp {
        let first = first ?? .zero
        guard align, interval > 0, let firstStart, firstStart >= first else { return first }
        let periods = (firstStart.microsecondsSinceEpoch - first.microsecondsSinceEpoch + interval - 1) / interval
        return Timestamp(microsecondsSinceEpoch: firstStart.microsecondsSinceEpoch - periods * interval)
    }

    // MARK: - Time

    var origin: Timestamp { configuration?.origin ?? .zero }

    /// The simulated time of a trace time (never before the simulator's now).
    func simulated(_ time: Timestamp) -> Timestamp {
        let offset = time.microsecondsSinceEpoch - origin.microsecondsSinceEpoch
        return Timestamp(microsecondsSinceEpoch: max(offset, simulator?.now.microsecondsSinceStart ?? 0))
    }

    /// The trace time of a simulated time.
    func traceTime(_ simulated: Timestamp) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: simulated.microsecondsSinceEpoch + origin.microsecondsSinceEpoch)
    }

    /// Keeps the poller cycling up to `time`, as the real queue loop polls forever.
    mutating func keepPolling(until time: Timestamp) {
        guard time.microsecondsSinceEpoch > horizon else { return }
        horizon = time.microsecondsSinceEpoch
        simulator!.keepPolling(until: time)
    }

    // MARK: - Items in

    mutating func add(_ item: TraceItem) { feed.add(item) }

    mutating func addOutcome(_ item: TraceItem) { feed.addFromOutcomeReader(item) }

    /// Plays every request that can be played now; `finishing`: the trace is exhausted.
    mutating func pump(finishing: Bool) throws {
        feed.expireWaiting()
        peakHeldRequests = max(peakHeldRequests, feed.heldRequests)
        countHeld()
        defer { countHeld() }
        if simulator == nil {
            guard feed.knowsFirstRecordedStart(finishing: finishing) else { return }
            start()
        }
        while let next = feed.next(finishing: finishing) { try perform(next) }
        feed.applyLateOutcomes { index, outcome in tracker.recordedOutcome(index, outcome) }
        if let released = feed.released {
            tracker.takeRecordedStarts(before: finishing ? nil : released, threads: &feed.threads, finishing: false)
            tracker.retire(now: released, retention: options.retention)
            forgetRuns(now: released)
        }
    }

    // MARK: - Performing requests

    private mutating func perform(_ next: ReadyRequest) throws {
        let time = simulated(next.at)
        if time.microsecondsSinceEpoch > horizon {
            keepPolling(until: max(simulated(feed.lastTime ?? next.at), time))
        }
        if var context {
            self.context = nil
            context.request(next, session: self)
            self.context = context
        }
        switch next.request {
        case .create(let index):
            let run = next.run!
            tracker.add(run, awaitingOutcome: feed.known[run.externalID]?.awaitingOutcome ?? false, at: next.at)
            var create = run.request
            create.at = time
            if let strategy = options.strategy { create.strategy = strategy }
            simulator!.perform(scripted: .createRun(create))
            try drain(create: index)
        case .cancel(let run, let external, let action, let wait, _):
            if let run { tracker.touch(run, at: next.at) }
            simulator!.perform(scripted: .cancel(run: target(run, external), action: action, wait: wait, at: time))
            try drain()
        case .bulkCancel(let thread, let runs, let status, let action, _):
            let selection: BulkCancelSelection
            if let status {
                selection = .status(status)
            } else {
                for run in runs ?? [] { tracker.touch(run, at: next.at) }
                let ids = (runs ?? []).compactMap { tracker.modelRunID(of: $0) }
                let threadID = thread ?? runs?.first.flatMap { tracker.thread(of: $0) } ?? ThreadID(UInt32.max)
                selection = .runs(threadID, ids)
            }
            simulator!.perform(scripted: .bulkCancel(selection, action: action, at: time))
            try drain()
        case .join(let run, let external, _):
            if let run { tracker.touch(run, at: next.at) }
            simulator!.perform(scripted: .join(run: target(run, external), at: time))
            try drain()
        case .delete(let run, let external, _):
            if let run { tracker.touch(run, at: next.at) }
            simulator!.perform(scripted: .deleteRun(run: target(run, external), at: time))
            try drain()
        }
    }

    /// The model's id for a trace run; a run the model never created (or has forgotten) gets an
    /// id it will never allocate, so the request is answered 404.
    private mutating func target(_ run: Int?, _ external: String) -> RunID {
        if let run, let id = tracker.modelRunID(of: run) { return id }
        if let id = phantoms[external] { return id }
        let id = RunID(nextPhantom)
        nextPhantom -= 1
        phantoms[external] = id
        phantomNames[id] = external
        return id
    }

    /// Hands the events the simulator produced since the last look to their runs, the invariant
    /// checker and the observers. `create`: the run whose create was just performed.
    mutating func drain(create: Int? = nil) throws {
        swap(&events, &simulator!.sink.events)
        defer { events.removeAll(keepingCapacity: true) }
        if let create {
            var model: RunID?
            var refusal: ReplayStatus?
            for event in events {
                switch event {
                case .created(let created): model = created.runID
                case .rejected(_, _, let reason, _):
                    switch reason {
                    case .threadBusy: refusal = .rejected
                    case .threadNotFound: refusal = .notFound
                    }
                default: break
                }
            }
            tracker.created(create, as: model, refusal: refusal)
        }
        for event in events {
            checker?.observe(event, sequence: sequence)
            if let observer {
                try observer(event, ReplayEventNames(
                    run: event.runID.map { externalName(of: $0) }, thread: Self.thread(of: event).map { externalName(of: $0) },
                    origin: origin, slots: configuration!.slots,
                    pollIntervalMilliseconds: configuration!.pollIntervalMilliseconds))
            }
            if var context {
                self.context = nil
                context.event(event, sequence: sequence, session: self)
                self.context = context
            }
            tracker.observe(event, origin: origin, threads: &feed.threads)
            sequence += 1
        }
    }

    // MARK: - Forgetting

    /// Forgets, in the feed and the thread table, the runs the tracker has finished; forgets
    /// threads idle for the thread retention.
    private mutating func forgetRuns(now: Timestamp) {
        for run in tracker.takeForgotten() {
            feed.forget(run.externalID)
            // No later request can name it (its id now answers as unknown), so the model's
            // state may drop it too: memory then follows what is in flight, not the trace.
            if let model = run.model { simulator?.forgetSettledRun(model) }
            if feed.threads.runForgotten(on: run.thread, at: run.at) { idleThreads.append((run.at, run.thread)) }
        }
        while idleThreadsHead < idleThreads.count, idleThreads[idleThreadsHead].since + options.threadRetention <= now {
            let idle = idleThreads[idleThreadsHead]
            idleThreadsHead += 1
            if feed.threads.forgetIfIdle(idle.thread, since: idle.since) {
                // A later request naming the thread gets a fresh id, so the old one is unused.
                simulator?.forgetIdleThread(idle.thread)
            }
        }
        if idleThreadsHead > 1_024, idleThreadsHead * 2 > idleThreads.count {
            idleThreads.removeFirst(idleThreadsHead)
            idleThreadsHead = 0
        }
        // Phantom ids are only for requests about the same unknown run close together.
        if phantoms.count > Self.phantomLimit {
            phantoms = [:]
            phantomNames = [:]
        }
    }

    private mutating func countHeld() {
        var held = ReplayHeldEntries()
        feed.count(into: &held)
        tracker.count(into: &held)
        // The consumed head of the queue is dropped once it passes 1,024 entries.
        held.idleThreads = idleThreads.count - idleThreadsHead
        held.phantoms = phantoms.count + phantomNames.count
        peakHeld.raise(to: held)
    }

    // MARK: - Names

    /// The trace's name for a model run id: its run id, the refused create's name, or the
    /// unknown run a request named.
    func externalName(of run: RunID) -> String {
        if let external = tracker.externalID(ofModel: run) { return external }
        return phantomNames[run] ?? "\(run)"
    }

    func externalName(of thread: ThreadID) -> String {
        feed.threads.name(of: thread) ?? "\(thread)"
    }

    static func thread(of event: Event) -> ThreadID? {
        switch event {
        case .created(let created): created.threadID
        case .checkpointed(let checkpointed): checkpointed.threadID
        case .threadCreated(let thread, _, _, _), .started(_, let thread, _, _), .succeeded(_, let thread, _),
            .failed(_, let thread, _, _), .timedOut(_, let thread, _), .retried(_, let thread, _, _),
            .interrupted(_, let thread, _, _, _), .rolledBack(_, let thread, _, _), .deleted(_, let thread, _),
            .workerStopped(_, let thread, _, _), .subscribed(_, let thread, _, _), .unsubscribed(_, let thread, _),
            .threadStatusChanged(let thread, _, _), .threadValuesCached(let thread, _, _), .threadDeleted(let thread, _):
            thread
        case .rejected(let thread, _, _, _): thread
        case .joinAnswered, .cancelRefused, .commandRefused, .serverRestarted: nil
        }
    }
}
