// The decider: commands in, events out. Validation lives here; `evolve` applies without judging.

/// The run-lifecycle decider (fmodel style): ``decide(_:_:)``, ``evolve(_:_:)`` and
/// ``State/initial(profile:slots:maxRetries:)``. Replaying is ``fold(_:from:)``.
public enum Decider {
    /// The events that answer `command` in `state`. Never traps: an invalid command (an unknown
    /// run, a terminal run, time going backwards…) yields a refusal event that changes nothing.
    public static func decide(_ command: Command, _ state: State) -> [Event] {
        let at = command.at
        guard at >= state.latestEventAt else {
            return [.commandRefused(run: command.runID, command: command.kind, reason: .clockWentBackwards, at: at)]
        }
        var decision = Decision(state: state)
        decision.apply(command)
        return decision.events
    }

    /// Applies one event; see ``State/evolve(_:)``.
    public static func evolve(_ state: inout State, _ event: Event) {
        state.evolve(event)
    }

    /// Folds `events` over `initial`: the state a journal of these events describes.
    public static func fold(_ events: some Sequence<Event>, from initial: State) -> State {
        var state = initial
        for event in events { state.evolve(event) }
        return state
    }

    /// Decides `command`, applies its events to `state` and returns them.
    ///
    /// Equivalent to ``decide(_:_:)`` followed by ``evolve(_:_:)`` of each event, but the
    /// decision works on `state` itself: `decide` must leave the caller's state untouched, so
    /// its scratch copy pays a copy-on-write of every array it changes, which grows with the
    /// number of runs. Here the state is moved into the decision and back, so it stays
    /// uniquely referenced and every change happens in place, and each event is applied once.
    @discardableResult
    public static func handle(_ command: Command, _ state: inout State) -> [Event] {
        guard command.at >= state.latestEventAt else { return decide(command, state) }
        var decision = Decision(state: State.placeholder)
        swap(&decision.state, &state)
        decision.apply(command)
        swap(&decision.state, &state)
        return decision.events
    }
}

/// One decision in progress. Each emitted event is applied to a scratch copy of the state at
/// once, so later steps of the same decision (several victims, the thread's final status)
/// see the effect of earlier ones.
struct Decision {
    /// Settable only so ``Decider/handle(_:_:)`` can move a state in and out without a copy.
    var state: State
    private(set) var events: [Event] = []
    /// Waiters of runs that vanished during this decision; they are answered "Run not found".
    private var vanishedWaiters: [(runID: RunID, count: Int)] = []

    init(state: State) { self.state = state }

    /// Decides `command` (its time already checked against the state's clock).
    mutating func apply(_ command: Command) {
        let at = command.at
        switch command {
        case .createRun(let request): createRun(request)
        case .dequeue(let snapshot, let limit, _): dequeue(snapshot: snapshot, limit: limit, at: at)
        case .checkpoint(let runID, _): checkpoint(runID, at: at)
        case .finish(let runID, let outcome, _): finish(runID, outcome: outcome, at: at)
        case .retry(let runID, _): retry(runID, at: at)
        case .cancel(let runID, let action, let wait, _): cancel(runID, action: action, wait: wait, at: at)
        case .bulkCancel(let selection, let action, _): bulkCancel(selection, action: action, at: at)
        case .join(let runID, _): join(runID, at: at)
        case .subscribe(let runID, _): subscribe(runID, at: at)
        case .unsubscribe(let runID, _): unsubscribe(runID, at: at)
        case .deleteRun(let runID, _): deleteRun(runID, at: at)
        case .workerStopped(let runID, _): stopWorker(runID, at: at)
        case .serverRestart: serverRestart(at: at)
        }
        answerSettledJoins(at: at)
    }

    var profile: BehaviourProfile { state.profile }

    mutating func emit(_ event: Event) {
        switch event {
        case .rolledBack(let runID, _, _, _), .deleted(let runID, _, _):
            recordWaiters(of: [runID])
        case .threadDeleted(let threadID, _):
            recordWaiters(of: state.thread(threadID)?.runIDs ?? [])
        case .threadCreated, .created, .rejected, .started, .checkpointed, .succeeded, .failed, .timedOut,
            .retried, .interrupted, .workerStopped, .subscribed, .unsubscribed, .joinAnswered,
            .threadStatusChanged, .threadValuesCached, .cancelRefused, .commandRefused, .serverRestarted:
            break
        }
        state.evolve(event)
        events.append(event)
    }

    mutating func refuse(_ kind: CommandKind, _ runID: RunID?, _ reason: RefusalReason, at: Timestamp) {
        emit(.commandRefused(run: runID, command: kind, reason: reason, at: at))
    }

    private mutating func recordWaiters(of runIDs: [RunID]) {
        for runID in runIDs {
            if let run = state.run(runID), run.waiterCount > 0 {
                vanishedWaiters.append((runID, run.waiterCount))
            }
        }
    }

    /// Answers every blocked join of `runID` with `answer`.
    mutating func answerWaiters(of runID: RunID, with answer: JoinAnswer, at: Timestamp) {
        guard let run = state.run(runID) else { return }
        for _ in 0..<run.waiterCount { emit(.joinAnswered(run: runID, answer: answer, at: at)) }
    }

    /// A join blocks until its run settles (terminal, worker stopped) or vanishes. Runs are
    /// visited in id order so the answer order never depends on hashing.
    mutating func answerSettledJoins(at: Timestamp) {
        var touched = events.compactMap(\.runID) + vanishedWaiters.map(\.runID)
        touched.sort()
        var previous: RunID?
        for runID in touched where runID != previous {
            previous = runID
            if let run = state.run(runID) {
                if run.waiterCount > 0, state.isSettled(run) {
                    answerWaiters(of: runID, with: .finished(run.status), at: at)
                }
            } else {
                let count = vanishedWaiters.filter { $0.runID == runID }.reduce(0) { $0 + $1.count }
                for _ in 0..<count { emit(.joinAnswered(run: runID, answer: .runNotFound, at: at)) }
            }
        }
    }
}
