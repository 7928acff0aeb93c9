// The simulator's engine: one fold drives everything. Agenda items become commands, commands go
// into the decider, each resulting event is applied to the state, counted by the metrics, may
// schedule more items (a started run schedules its first step), and waits for the sink.
import DiscreteEvent
import RunLifecycle

/// Everything the simulator is, except where its events go: clients, server, metrics and the
/// fold. Not generic, so it is compiled once, fully optimised, whatever the sink: generic
/// code left unspecialised across the module boundary reached every field through run-time
/// offsets and copied the state to call a method on it. Events wait in ``outbox`` until the
/// ``Simulator`` hands them to its sink.
@usableFromInline
struct SimulationEngine {
    /// The workload being played.
    let spec: WorkloadSpec
    /// The seed in force (``WorkloadSpec/seed`` unless overridden).
    let seed: UInt64
    /// The server state the decider sees.
    var state: State
    /// Events decided but not yet handed to the sink, oldest first; the last is number
    /// `eventSequence - 1`.
    @usableFromInline var outbox = EventOutbox(capacity: 512)

    var kernel = Kernel<Action>()
    var random: RandomStreams
    var metrics = MetricsCollector()
    @usableFromInline var eventSequence: UInt64 = 0
    /// Runs not yet settled (terminal or deleted, with no worker left), with their workers, by id.
    var runs = RunSlots()
    /// The step durations of the unsettled runs with more than one step (a run's record holds
    /// only its first, so that records stay plain values).
    var multiStepWork = DenseTable<RunID, [Microseconds]>()
    /// The step arrays handed to create requests, reused.
    var workArrays = WorkArrayRing()
    /// Threads with runs not yet settled; off while ``threadsHoldOneRun``
    /// (see SimulationEngine+SingleRunThreads.swift).
    var threads = ThreadSlots()
    /// Whether every thread holds one run ever, so ``threads`` is not kept.
    var threadsHoldOneRun: Bool
    /// While ``threadsHoldOneRun``: when a worker last left each thread whose run is unsettled,
    /// if one did (a retry), for ``trackThreads()``.
    var untrackedWorkerEnds: [ThreadID: Int64] = [:]
    /// Scheduled client actions (cancels, joins) that will name a run, by run.
    var runReferences = DenseTable<RunID, Int32>()
    /// Scheduled double texts that will name a thread, by thread.
    var threadReferences = DenseTable<ThreadID, Int32>()
    /// Commands given to ``inject(_:)``, until their time comes (kept aside so agenda items
    /// stay small).
    var scriptedCommands: [UInt64: Command] = [:]
    var nextScriptedCommand: UInt64 = 0
    /// Whether settled runs and finished fresh threads leave ``state`` once no scheduled
    /// action names them, so memory follows what is in flight, not the workload's length.
    /// ``inject(_:)`` turns it off: injected commands may name any run, at any time.
    var forgetsSettledRuns = true
    var poller = PollerState.idle
    var lastPollDispatched = true
    /// Whether an event of the current command may let the queue move (event-driven mode).
    var queueMayMove = false
    /// Whether the command being executed started a run.
    var lastCommandStarted = false
    /// Whether a run's last step and a first text's create go on to their follow-ups in the
    /// same execute (see ``execute(_:thenSucceed:thenDequeue:)``); tests turn it off to check
    /// that chaining them changes nothing.
    var chainsFollowUps = true
    var clientState: ClientState
    /// What the create request being decided is, so its `created` event can be attributed.
    var currentCreate: CreateOrigin?
    /// The duration of the create request's only step, while deciding a request whose single
    /// step the engine drew (its `created` event carries the same list).
    var drawnSingleStep: Microseconds?
    var lastIntegratedAt: Int64 = 0
    /// The token the next worker gets.
    var nextWorkerToken: UInt32 = 0
    /// The queue is down (restarting) until this time; `.min` when up.
    var serverDownUntil: Int64 = .min
    /// The scheduled next restart, cancelled once the workload is over.
    var nextRestart: AgendaHandle?
    /// Microseconds each poll iteration takes beyond its sleep (the real loop's lock, scan and
    /// worker start-up); 0 for generated workloads, calibrated by replays.
    var pollIterationOverhead: Int64 = 0

    let threadPopularity: WeightedChoice?
    let eventDriven: Bool
    let pollInterval: SimulatedSpan
    // Read at every step: kept apart, as reading them through `spec.server` copied the whole
    // server spec each time.
    let retryProbability: Double
    let errorProbability: Double
    let timeoutMilliseconds: Int64?
    /// Whether clients ever double text, cancel or join (else a new run needs no decision).
    let clientsAct: Bool
    /// Whether every strategy mix has a single strategy, so no strategy is drawn.
    let strategiesAreFixed: Bool

    /// Prepares a simulation of `spec`; `seed` overrides the spec's seed.
    init(spec: WorkloadSpec, seed: UInt64?) {
        self.spec = spec
        self.seed = seed ?? spec.seed
        self.state = State.initial(
            profile: spec.server.profile, slots: spec.server.slots, maxRetries: spec.server.maxRetries)
        self.random = RandomStreams(seed: self.seed)
        self.eventDriven = spec.server.pollIntervalMilliseconds == 0
        self.pollInterval = .milliseconds(spec.server.pollIntervalMilliseconds)
        self.retryProbability = spec.server.retryProbability
        self.errorProbability = spec.server.errorProbability
        self.timeoutMilliseconds = spec.server.timeoutMilliseconds
        self.clientsAct = spec.doubleText != nil || spec.cancel != nil || spec.join != nil
        self.threadsHoldOneRun = Self.threadsHoldOneRun(spec: spec, clientsAct: clientsAct)
        self.strategiesAreFixed = [spec.strategyMix, spec.doubleText?.strategyMix].allSatisfy { mix in
            mix.map { $0.strategies.count == 1 && $0.choice.count == 1 } ?? true
        }
        switch spec.threads.mode {
        case .fresh:
            threadPopularity = nil
        case .pool(let count, .uniform):
            threadPopularity = try! WeightedChoice(weights: [Double](repeating: 1, count: count))
        case .pool(let count, .zipf(let exponent)):
            threadPopularity = try! ZipfDistribution(count: count, exponent: exponent).choiceTable
        }
        self.clientState = ClientState()
        startClients()
        if !eventDriven { startPollIteration() }
        scheduleNextRestart()
    }

    /// Performs the next agenda item; false when the agenda is empty.
    @usableFromInline
    mutating func step() -> Bool {
        guard let entry = kernel.step() else { return false }
        perform(entry.payload)
        return true
    }

    /// Schedules a client command at its own time (`command.at`, which must not be in the past).
    mutating func inject(_ command: Command) {
        schedule(.scripted(keepScripted(command)), at: SimulatedTime(microsecondsSinceStart: command.at.microsecondsSinceEpoch))
        if case .idle = poller, !eventDriven { startPollIteration() }
    }

    // MARK: The fold

    /// Decides `command` at the current time, applies its events and reacts to each; the
    /// events stay in ``outbox`` for the sink.
    ///
    /// Two follow-ups share the execute (its prologue, the integration, the pass over the events
    /// cost about 80 instructions each time):
    /// - `succeeding`: the worker of that run then finishes with success. `command` must be one
    ///   whose events the engine does not react to (a checkpoint), so reacting to them after the
    ///   finish is the same.
    /// - `thenDequeue`: what ``afterAction()`` would do next in event-driven mode (the dequeues
    ///   of ``dequeueEventDriven()``, then marking the queue still) is done here once the events
    ///   are observed. Only for callers that do nothing between this execute and
    ///   ``afterAction()`` that the dequeues could see (their other agenda items have other
    ///   priorities, so the order of items stays).
    mutating func execute(_ command: consuming Command, thenSucceed succeeding: RunID? = nil, thenDequeue: Bool = false) {
        integrateBusySlots()
        metrics.commands += 1
        lastCommandStarted = false
        var first = outbox.count
        Decider.handle(command, &state, into: &outbox)
        if let succeeding {
            // Busy slots and the time are unchanged: integrating again would add 0.
            assert((first..<outbox.count).allSatisfy { if case .none = observation(at: $0) { true } else { false } },
                   "a command followed by a finish produced an event the engine reacts to")
            metrics.commands += 1
            Decider.handle(.finish(run: succeeding, outcome: .success, at: kernel.now.timestamp), &state, into: &outbox)
        }
        var dequeued = false
        // One pass for the command's events, and one for each dequeue's: the reactions are
        // inlined here once.
        while true {
            let end = outbox.count
            // Wrapping: `end >= first`, and 2^64 events are out of reach.
            eventSequence &+= UInt64(truncatingIfNeeded: end &- first)
            // Observing never executes a command: the events read stay where they are.
            // A `while` over `index < end`, not a `for` over `first..<end`: a range's loop
            // stops at `index == end`, so each event's read checked `index < end` again.
            var index = first
            while index < end {
                observe(observation(at: index), at: index)
                index &+= 1
            }
            precondition(outbox.count == end, "an event's observer executed a command")
            // What ``afterAction()`` checks first (with no restart pending, which it would
            // cancel first); then ``dequeueEventDriven()``'s loop, ending as ``afterAction()``
            // does, with the queue marked still (so that it does nothing more).
            guard thenDequeue, eventDriven, queueMayMove, nextRestart == nil else { return }
            guard serverDownUntil == .min, !dequeued || lastCommandStarted, eventDrivenDequeueIsDue else {
                queueMayMove = false
                return
            }
            dequeued = true
            first = end
            // ``dequeueEventDriven()``'s dequeue, at the same instant: integrating again would add 0.
            metrics.pollsIssued += 1
            metrics.commands += 1
            lastCommandStarted = false
            Decider.handle(eventDrivenDequeue, &state, into: &outbox)
        }
    }

    /// Busy slots only change inside commands, so integrating before each one is exact.
    mutating func integrateBusySlots() {
        let now = kernel.now.microsecondsSinceStart
        metrics.busySlotMicroseconds += Double(state.busySlotCount) * Double(now - lastIntegratedAt)
        lastIntegratedAt = now
    }

    /// After each agenda item: the event-driven queue dequeues at once; the poller, if it was
    /// waiting for a slot, starts its next iteration.
    // Inlined into `perform`, its only caller, as `perform` is into `step`: each call's
    // prologue and epilogue were paid twice per customer.
    @inline(__always)
    mutating func afterAction() {
        if nextRestart != nil { cancelRestartsOnceOver() }
        if eventDriven {
            guard queueMayMove else { return }
            dequeueEventDriven()
            queueMayMove = false
        } else if case .waitingForSlot = poller, state.freeSlotCount > 0 {
            startPollIteration()
        }
    }

    /// Performs one agenda item.
    @inline(__always)
    mutating func perform(_ action: Action) {
        switch action {
        case .arrival: arrive()
        case .userRequest(let user): sendFirstText(user: user)
        case .followUp(let thread):
            sendDoubleText(on: thread)
            releaseReference(to: thread)
        case .clientCancel(let run, let action):
            metrics.cancelsSent += 1
            execute(.cancel(run: run, action: action, wait: false, at: kernel.now.timestamp))
            releaseReference(to: run)
        case .clientJoin(let run):
            metrics.joinsSent += 1
            execute(.join(run: run, at: kernel.now.timestamp))
            releaseReference(to: run)
        case .pollerWake(let snapshot): pollerWoke(snapshot: snapshot)
        case .becameDue:
            queueMayMove = true
        case .scripted(let key):
            guard let command = scriptedCommands.removeValue(forKey: key) else { break }
            if case .createRun = command { metrics.runsRequested += 1 }
            currentCreate = .scripted
            execute(command)
            currentCreate = nil
        case .stepDone(let run, let worker): stepDone(run, worker: worker)
        case .workerStop(let run): execute(.workerStopped(run: run, at: kernel.now.timestamp))
        case .serverRestart: restartServer()
        case .serverUp: serverCameUp()
        case .timeout(let run, let token):
            guard let index = runs.index(of: run), let worker = runs[index].worker, worker.token == token else { return }
            runs[index].worker!.timeoutItem = nil
            guard !worker.cancelled else { return }
            execute(.finish(run: run, outcome: .timeout, at: kernel.now.timestamp))
        }
        afterAction()
    }
}

/// An agenda item: something that happens at a simulated instant.
enum Action {
    /// The next open-loop first text.
    case arrival
    /// A closed-loop user sends its next first text.
    case userRequest(user: Int32)
    /// A double text on `thread`.
    case followUp(thread: ThreadID)
    case clientCancel(run: RunID, action: CancelAction)
    case clientJoin(run: RunID)
    /// The poller's sleep (or yield) ends; `snapshot` is the `now` it captured before it.
    case pollerWake(snapshot: Timestamp)
    /// A command given to ``Simulator/inject(_:)``, by its key in `scriptedCommands`.
    case scripted(UInt64)
    /// A delayed run's `created_at` arrived (event-driven mode).
    case becameDue
    /// The worker `worker` (its token) completed a step.
    case stepDone(run: RunID, worker: UInt32)
    /// A cancelled worker finally returns.
    case workerStop(run: RunID)
    /// `BG_JOB_TIMEOUT_SECS` expired for the worker `worker`.
    case timeout(run: RunID, worker: UInt32)
    /// A graceful restart (``RestartSpec``).
    case serverRestart
    /// The queue polls again after a restart's downtime.
    case serverUp

    /// Ties at one instant: workers report first, then clients act, then the poller looks.
    var priority: Int {
        switch self {
        case .stepDone, .workerStop, .timeout, .serverRestart, .serverUp: 0
        case .arrival, .userRequest, .followUp, .clientCancel, .clientJoin, .scripted: 1
        case .becameDue, .pollerWake: 2
        }
    }
}

/// What the simulator remembers of an unsettled run.
struct RunRecord {
    var threadID: ThreadID
    var createdAt: Int64
    /// How many steps it executes, and the first one's duration (the `created` event carries
    /// them; the server state keeps only their number). Later steps are in `multiStepWork`.
    var stepCount: Int
    var firstStep: Microseconds
    /// The closed-loop user who sent it, or -1.
    var user: Int32
    var started = false
    var outcome: RunOutcome = .pending
    /// Execution of completed steps so far (all attempts), for wasted-work accounting.
    var executedMicroseconds: Int64 = 0
    /// Whether its status is terminal or it was deleted (it settles when its worker is gone).
    var ended = false
    /// Its worker, while one holds a slot for it.
    var worker: Worker?
    /// Whether ``RunSlots`` holds it: false in a slot whose run settled (or was never created).
    var held = true

    /// What an empty slot of ``RunSlots`` holds.
    static var vacant: RunRecord {
        RunRecord(threadID: ThreadID(0), createdAt: 0, stepCount: 0, firstStep: Microseconds(0), user: -1, held: false)
    }
}

/// Per-thread bookkeeping for queue-wait attribution and depth.
struct ThreadRecord {
    /// Unsettled runs of the thread.
    var unsettled: Int = 0
    /// When the thread's latest worker stopped holding a slot.
    var lastWorkerEndAt: Int64 = .min
}

/// A worker holding a slot.
struct Worker {
    /// Unique per worker start: agenda items of a worker that was replaced (after a retry or a
    /// restart, whose attempt counter may even start again) find a different token and do nothing.
    var token: UInt32
    var stepStartedAt: Int64
    var cancelled = false
    /// Its `stepDone` and `timeout` items while they are on the agenda: when the worker leaves
    /// first, they are cancelled, since a stale item would keep the simulation (and the
    /// poller) going until its time, up to a timeout or a replay's one-hour placeholder later.
    var stepItem: AgendaHandle?
    var timeoutItem: AgendaHandle?
}

/// The poller of polling mode.
enum PollerState {
    /// Not started, or stopped because nothing will ever be due again.
    case idle
    /// Sleeping (or yielding); a `pollerWake` is on the agenda.
    case sleeping
    /// Blocked until a slot frees (step 1 of the loop).
    case waitingForSlot
}

/// Where a create request came from.
enum CreateOrigin {
    case firstText(user: Int32)
    case doubleText
    case scripted
}

extension ZipfDistribution {
    /// The Zipf weights as a weighted choice, so the simulator can hold one table type.
    var choiceTable: WeightedChoice {
        try! WeightedChoice(weights: (0..<count).map { probability(of: $0) })
    }
}
