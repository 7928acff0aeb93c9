// The client model: first texts from an arrival process (open) or from users who wait for
// their run and think (closed), double texts on the same thread, cancels, joins and delayed
// runs, each decided with its own probability from the clients' random stream.
import DiscreteEvent
import RunLifecycle

/// Arrival-process bookkeeping.
struct ClientState {
    /// First texts sent so far (the `runs` length counts these).
    var firstTextsSent = 0
    /// The last fresh thread id handed out.
    var lastFreshThread: UInt32 = 0
    /// Bursty arrivals: the end of the current on period.
    var burstOnUntil: Int64 = 0
    /// MMPP arrivals: the current state and when it ends.
    var modulatingState = 0
    var modulatingStateUntil: Int64 = 0
}

extension SimulationEngine {
    mutating func startClients() {
        switch spec.arrivals {
        case .poisson, .diurnal:
            scheduleNextArrival()
        case .bursty(_, let onMean, _):
            clientState.burstOnUntil = drawMilliseconds(mean: onMean)
            scheduleNextArrival()
        case .mmpp(_, let sojourns):
            clientState.modulatingStateUntil = drawMilliseconds(mean: sojourns[0])
            scheduleNextArrival()
        case .closedLoop(let users, let thinkTime):
            for user in 0..<users {
                let think = thinkTime.sampleMicroseconds(using: &random.arrivals)
                schedule(.userRequest(user: Int32(user)), after: think)
            }
        }
    }

    /// Whether the workload may still send a first text.
    @inline(__always)
    var mayArrive: Bool {
        switch spec.length {
        case .runs(let count): clientState.firstTextsSent < count
        case .durationMilliseconds(let duration): kernel.now.microsecondsSinceStart < duration * 1_000
        }
    }

    private mutating func drawMilliseconds(mean: Double) -> Int64 {
        let uniform = random.arrivals.nextDouble()
        return roundedToInt64(-mean * 1_000 * log1pNegative(uniform))
    }

    /// The next open-loop arrival time, per process.
    private mutating func scheduleNextArrival() {
        let now = kernel.now.microsecondsSinceStart
        var next: Int64
        switch spec.arrivals {
        case .poisson(let rate):
            next = now + drawMilliseconds(mean: 1_000 / rate)
        case .bursty(let rate, let onMean, let offMean):
            // Memoryless: a gap that overruns the on period restarts at the next on period.
            next = now + drawMilliseconds(mean: 1_000 / rate)
            while next > clientState.burstOnUntil {
                let onStart = clientState.burstOnUntil + drawMilliseconds(mean: offMean)
                clientState.burstOnUntil = onStart + drawMilliseconds(mean: onMean)
                next = onStart + drawMilliseconds(mean: 1_000 / rate)
            }
        case .mmpp(let rates, let sojourns):
            // Memoryless within a state: a gap that overruns the state restarts in the next one.
            next = .max
            var from = now
            while true {
                let rate = rates[clientState.modulatingState]
                if rate > 0 {
                    next = from + drawMilliseconds(mean: 1_000 / rate)
                    if next <= clientState.modulatingStateUntil { break }
                }
                from = clientState.modulatingStateUntil
                clientState.modulatingState = nextModulatingState(count: rates.count)
                clientState.modulatingStateUntil = from + drawMilliseconds(mean: sojourns[clientState.modulatingState])
            }
        case .diurnal(let rate, let amplitude, let period):
            // Thinning (Lewis–Shedler): candidates at the peak rate, kept with λ(t)/λmax.
            let peak = rate * (1 + amplitude)
            next = now
            while true {
                next += drawMilliseconds(mean: 1_000 / peak)
                let phase = 2 * Double.pi * Double(next) / (period * 1_000)
                let keep = (1 + amplitude * sine(phase)) / (1 + amplitude)
                if random.arrivals.nextDouble() < keep { break }
            }
        case .closedLoop:
            return
        }
        // Beside the agenda's heap: one arrival is always pending, and it is replaced as soon
        // as it pops (measured with the wait-table change: 426 -> 396 engine instructions per event).
        kernel.scheduleAside(at: SimulatedTime(microsecondsSinceStart: next), priority: Action.arrival.priority, .arrival)
    }

    /// Another state than the current one, uniformly.
    private mutating func nextModulatingState(count: Int) -> Int {
        let other = Int(random.arrivals.next() % UInt64(count - 1))
        return other >= clientState.modulatingState ? other + 1 : other
    }

    mutating func arrive() {
        guard mayArrive else { return }
        sendFirstText(user: -1)
        scheduleNextArrival()
    }

    /// A closed-loop user's run settled (or was rejected): think, then send again.
    mutating func userDone(_ user: Int32) {
        guard case .closedLoop(_, let thinkTime) = spec.arrivals else { return }
        schedule(.userRequest(user: user), after: thinkTime.sampleMicroseconds(using: &random.arrivals))
    }

    mutating func sendFirstText(user: Int32) {
        guard user < 0 || mayArrive else { return }
        clientState.firstTextsSent += 1
        metrics.firstTexts += 1
        let threadID: ThreadID
        if let popularity = threadPopularity {
            threadID = ThreadID(UInt32(popularity.sample(using: &random.threads) + 1))
        } else {
            clientState.lastFreshThread += 1
            threadID = ThreadID(clientState.lastFreshThread)
        }
        let strategy = drawStrategy(from: spec.strategyMix)
        var after: Int64 = 0
        if let delayed = spec.afterSeconds, random.clients.nextBool(probability: delayed.probability) {
            after = delayed.delay.sampleMicroseconds(using: &random.clients)
        }
        sendCreate(threadID, strategy: strategy, after: after, origin: .firstText(user: user))
    }

    mutating func sendDoubleText(on threadID: ThreadID) {
        guard let doubleText = spec.doubleText else { return }
        metrics.doubleTexts += 1
        let strategy = drawStrategy(from: doubleText.strategyMix)
        sendCreate(threadID, strategy: strategy, after: 0, origin: .doubleText)
    }

    /// A strategy from `mix`. While every mix drawing from the strategies stream has one
    /// strategy, the draw is skipped: its result is always that strategy, and nothing else reads
    /// the stream, so the events are the same (about 35 instructions per first text).
    @inline(__always)
    private mutating func drawStrategy(from mix: StrategyMix) -> MultitaskStrategy {
        if strategiesAreFixed { return mix.strategies[0] }
        return mix.strategies[mix.choice.sample(using: &random.strategies)]
    }

    private mutating func sendCreate(_ threadID: ThreadID, strategy: MultitaskStrategy, after: Int64, origin: CreateOrigin) {
        metrics.runsRequested += 1
        let work = drawWork()
        let request = CreateRun(
            threadID: threadID, strategy: strategy, ifNotExists: .create, after: Microseconds(after),
            work: work, at: kernel.now.timestamp)
        currentCreate = origin
        drawnSingleStep = work.count == 1 ? work[0] : nil
        // A first text's run may start in the same execute: its callers go on to
        // ``afterAction()`` (an arrival schedules the next one first, at another priority than
        // a step's, so no tie between them changes). A double text forgets a thread first.
        var firstText = false
        if case .firstText = origin { firstText = true }
        execute(.createRun(request), thenDequeue: firstText && chainsFollowUps)
        drawnSingleStep = nil
        currentCreate = nil
    }

    /// The run's steps: a total drawn from `run_time`, split evenly (the remainder goes last).
    // The array comes from a ring that reuses it once its events are gone (see WorkArrayRing).
    private mutating func drawWork() -> [Microseconds] {
        let total = spec.runTime.sampleMicroseconds(using: &random.runTimes)
        return workArrays.work(total: total, steps: max(1, spec.steps))
    }

    /// Decides, for a run just created, whether its client double texts, cancels or joins.
    mutating func clientActions(after runID: RunID, on threadID: ThreadID) {
        if case .firstText? = currentCreate, let doubleText = spec.doubleText,
            random.clients.nextBool(probability: doubleText.probability)
        {
            schedule(.followUp(thread: threadID), after: doubleText.delay.sampleMicroseconds(using: &random.clients))
            threadReferences[threadID, default: 0] += 1
        }
        if let cancel = spec.cancel, random.clients.nextBool(probability: cancel.probability) {
            let action = cancel.actions[cancel.actionChoice.sample(using: &random.clients)]
            schedule(.clientCancel(run: runID, action: action), after: cancel.delay.sampleMicroseconds(using: &random.clients))
            runReferences[runID, default: 0] += 1
        }
        if let join = spec.join, random.clients.nextBool(probability: join.probability) {
            schedule(.clientJoin(run: runID), after: join.delay.sampleMicroseconds(using: &random.clients))
            runReferences[runID, default: 0] += 1
        }
    }
}
