// Plays a trace's requests through the simulator in time order and keeps every event.
import Invariants
import RunLifecycle
import Simulation
import Traces

/// How to replay.
public struct ReplayOptions: Hashable, Sendable {
    public var profile: BehaviourProfile
    /// Overrides; nil takes the trace's value, else the defaults below.
    public var slots: Int?
    public var pollIntervalMilliseconds: Int64?
    /// Replaces every create's strategy (what-if).
    public var strategy: MultitaskStrategy?
    /// Used when the trace does not say: langgraph-api's own defaults.
    public var defaultSlots: Int
    public var defaultPollIntervalMilliseconds: Int64
    /// Aligns the simulated poller's 0.5 s grid with the first recorded start (the server's
    /// poll phase is not in a request trace); false starts the grid at the first request.
    public var alignPollPhase: Bool
    /// A queue-wait difference above this counts as a divergence; nil: one poll interval.
    public var waitTolerance: Microseconds?
    /// Seeds the simulator's draws (only the cancelled worker's stop delay is drawn).
    public var seed: UInt64
    /// How much longer than its sleep each real poll iteration takes. Calibrated on the
    /// recordings: consecutive dispatch batches of load_10slots are 500 ms × k apart plus a
    /// median 0.78 ms (mean 0.98 ms) per cycle, y_head_of_line_2jobs 1.16 ms; 0.8 ms is used.
    /// Without it the simulated poll grid runs ahead of the real one by ~1.6 ms per second and,
    /// after ~30 s, a whole poll early. The phase is sensitive: on load_10slots (93 s, ~186
    /// cycles) 0.7 or 0.9 ms already put a few runs one poll off.
    public var pollIterationOverhead: Microseconds

    public init(
        profile: BehaviourProfile = .langgraphInmem, slots: Int? = nil, pollIntervalMilliseconds: Int64? = nil,
        strategy: MultitaskStrategy? = nil, defaultSlots: Int = 10, defaultPollIntervalMilliseconds: Int64 = 500,
        alignPollPhase: Bool = true, waitTolerance: Microseconds? = nil, seed: UInt64 = 1,
        pollIterationOverhead: Microseconds = Microseconds(800)
    ) {
        self.pollIterationOverhead = pollIterationOverhead
        self.profile = profile
        self.slots = slots
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.strategy = strategy
        self.defaultSlots = defaultSlots
        self.defaultPollIntervalMilliseconds = defaultPollIntervalMilliseconds
        self.alignPollPhase = alignPollPhase
        self.waitTolerance = waitTolerance
        self.seed = seed
    }
}

/// Collects the simulated events.
public struct ReplaySink: EventSink {
    public private(set) var events: [Event] = []
    public init() {}
    public mutating func receive(_ event: Event, sequence: UInt64) { events.append(event) }
}

/// What the model did in a replay, before comparison.
public struct ReplayRun: Sendable {
    public var input: ReplayInput
    public var options: ReplayOptions
    /// The configuration in force.
    public var slots: Int
    public var pollIntervalMilliseconds: Int64
    /// The trace's slots and poll interval (nil when it does not say).
    public var recordedSlots: Int?
    public var recordedPollIntervalMilliseconds: Int64?
    /// Whether the configuration differs from the recording (what-if mode).
    public var isWhatIf: Bool
    /// Trace time of simulated time 0.
    public var origin: Timestamp
    /// Every simulated event, in order (their times are simulated: add ``origin``).
    public var events: [Event]
    /// The model's run for each trace run (nil: the model refused the create).
    public var modelRun: [RunID?]
    /// The trace run of each model run (by `rawValue − 1`).
    public var traceRun: [Int]
    /// The model's refusal of a create, by trace run.
    public var modelRefusal: [ReplayStatus?]
    /// Invariant checker verdicts over ``events``.
    public var violations: [Violation]
    /// Ids handed to requests about runs the model never created, with the trace's name.
    public var phantomRuns: [UInt32: String]

    /// The trace's name for a model run id (its run id, or the refused create's ref).
    public func externalName(of run: RunID) -> String {
        let slot = Int(run.rawValue) - 1
        if slot >= 0, slot < traceRun.count, traceRun[slot] >= 0 { return input.runs[traceRun[slot]].externalID }
        return phantomRuns[run.rawValue] ?? "\(run)"
    }

    /// The trace time of a simulated time.
    public func traceTime(_ simulated: Timestamp) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: simulated.microsecondsSinceEpoch + origin.microsecondsSinceEpoch)
    }
}

public enum ReplayEngine {
    /// Replays `input` under `options`.
    public static func run(_ input: ReplayInput, options: ReplayOptions = ReplayOptions()) -> ReplayRun {
        let recordedPoll = input.pollInterval.map { $0.count / 1_000 }
        let slots = options.slots ?? input.slots ?? options.defaultSlots
        let poll = options.pollIntervalMilliseconds ?? recordedPoll ?? options.defaultPollIntervalMilliseconds
        let whatIf = (options.slots != nil && options.slots != input.slots)
            || (options.pollIntervalMilliseconds != nil && options.pollIntervalMilliseconds != (recordedPoll ?? options.defaultPollIntervalMilliseconds))
            || options.strategy != nil
        let origin = chooseOrigin(input, cycle: poll > 0 ? poll * 1_000 + options.pollIterationOverhead.count : 0, align: options.alignPollPhase)
        let server = ServerSpec.scripted(slots: slots, pollIntervalMilliseconds: poll, profile: options.profile)
        var simulator = Simulator(spec: .scripted(server: server, seed: options.seed), sink: ReplaySink())
        simulator.pollIterationOverhead = poll > 0 ? options.pollIterationOverhead.count : 0
        func simulated(_ time: Timestamp) -> Timestamp {
            let offset = time.microsecondsSinceEpoch - origin.microsecondsSinceEpoch
            return Timestamp(microsecondsSinceEpoch: max(offset, simulator.now.microsecondsSinceStart))
        }
        if let last = input.lastTime { simulator.keepPolling(until: simulated(last)) }

        var modelRun = [RunID?](repeating: nil, count: input.runs.count)
        var modelRefusal = [ReplayStatus?](repeating: nil, count: input.runs.count)
        var traceRun: [Int] = []
        var phantoms: [String: RunID] = [:]
        func target(_ run: Int?, _ external: String) -> RunID {
            if let run, let id = modelRun[run] { return id }
            // A run the model never created: an id it will never allocate answers 404.
            if let id = phantoms[external] { return id }
            let id = RunID(UInt32.max - UInt32(phantoms.count))
            phantoms[external] = id
            return id
        }
        for (at, request) in input.requests {
            let time = simulated(at)
            switch request {
            case .create(let index):
                var create = input.runs[index].request
                create.at = time
                if let strategy = options.strategy { create.strategy = strategy }
                let before = simulator.sink.events.count
                simulator.perform(scripted: .createRun(create))
                for event in simulator.sink.events[before...] {
                    switch event {
                    case .created(let created):
                        modelRun[index] = created.runID
                        let slot = Int(created.runID.rawValue) - 1
                        while traceRun.count <= slot { traceRun.append(-1) }
                        traceRun[slot] = index
                    case .rejected(_, _, let reason, _):
                        switch reason {
                        case .threadBusy: modelRefusal[index] = .rejected
                        case .threadNotFound: modelRefusal[index] = .notFound
                        }
                    default: break
                    }
                }
            case .cancel(let run, let external, let action, let wait, _):
                simulator.perform(scripted: .cancel(run: target(run, external), action: action, wait: wait, at: time))
            case .bulkCancel(let thread, let runs, let status, let action, _):
                let selection: BulkCancelSelection
                if let status {
                    selection = .status(status)
                } else {
                    let ids = (runs ?? []).compactMap { modelRun[$0] }
                    let threadID = thread ?? runs?.first.map { input.runs[$0].thread } ?? ThreadID(UInt32.max)
                    selection = .runs(threadID, ids)
                }
                simulator.perform(scripted: .bulkCancel(selection, action: action, at: time))
            case .join(let run, let external, _):
                simulator.perform(scripted: .join(run: target(run, external), at: time))
            case .delete(let run, let external, _):
                simulator.perform(scripted: .deleteRun(run: target(run, external), at: time))
            }
        }
        while simulator.advance(maximumItems: 1 << 16) {}
        let events = simulator.sink.events

        var checker = InvariantChecker(configuration: CheckerConfiguration(
            profile: options.profile, slotCount: slots,
            pollInterval: poll > 0 ? .milliseconds(poll) : nil))
        for (sequence, event) in events.enumerated() { checker.observe(event, sequence: UInt64(sequence)) }
        let violations = checker.finish(drained: true)

        return ReplayRun(
            input: input, options: options, slots: slots, pollIntervalMilliseconds: poll,
            recordedSlots: input.slots, recordedPollIntervalMilliseconds: recordedPoll, isWhatIf: whatIf,
            origin: origin, events: events, modelRun: modelRun, traceRun: traceRun, modelRefusal: modelRefusal,
            violations: violations,
            phantomRuns: Dictionary(uniqueKeysWithValues: phantoms.map { ($0.value.rawValue, $0.key) }))
    }

    /// Simulated time 0 is a poll instant. The real poll grid restarts at every dispatch, so its
    /// phase shows in the recorded starts: put a grid point on the first recorded start, as many
    /// poll intervals back as needed to come before the first request.
    static func chooseOrigin(_ input: ReplayInput, cycle interval: Int64, align: Bool) -> Timestamp {
        let first = input.firstTime ?? .zero
        guard align, interval > 0,
              let firstStart = input.runs.compactMap(\.recordedStartedAt).min(), firstStart >= first
        else { return first }
        let periods = (firstStart.microsecondsSinceEpoch - first.microsecondsSinceEpoch + interval - 1) / interval
        return Timestamp(microsecondsSinceEpoch: firstStart.microsecondsSinceEpoch - periods * interval)
    }
}
