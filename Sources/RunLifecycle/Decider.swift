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
        // The decision applies its own events as it goes, to a scratch copy.
        var scratch = state
        scratch.decision = DecisionBuffer()
        scratch.apply(command)
        scratch.decision.vanishedWaiters.release()
        return scratch.decision.events.moveAll()
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
    /// its scratch copy pays a copy-on-write of every table it changes, which grows with the
    /// number of runs. Here every change happens in place and each event is applied once.
    @discardableResult
    public static func handle(_ command: consuming Command, _ state: inout State) -> [Event] {
        var events = EventOutbox()
        handle(command, &state, into: &events)
        return events.moveAll()
    }

    /// Decides `command`, applies its events to `state` and appends them to `events`.
    ///
    /// The same as ``handle(_:_:)``, for a hot loop: the caller keeps one outbox and empties it
    /// (keeping its capacity) between commands, so a decision allocates nothing of its own.
    /// The command is consumed, so a create's step list moves into its `created` event.
    ///
    /// The four commands of every run's life are dispatched by one switch that also checks
    /// their time: reading the time first was a switch over the command of its own (an
    /// indirect jump), before the switch on its kind. The others take the general path.
    public static func handle(_ command: consuming Command, _ state: inout State, into events: inout EventOutbox) {
        // A late command goes to the general path, which refuses it. (A `where` clause on the
        // time instead copied the command, retaining the create's step list, for the case
        // the clause turns down.)
        let latest = state.latestEventAt
        switch consume command {
        case .createRun(let request):
            let at = request.at
            guard at >= latest else { return handleAny(.createRun(consume request), &state, into: &events) }
            state.openDecision(into: &events)
            state.createRun(consume request)
            state.closeDecision(at: at, into: &events)
        case .dequeue(let snapshot, let limit, let at):
            guard at >= latest else { return handleAny(.dequeue(snapshot: snapshot, limit: limit, at: at), &state, into: &events) }
            state.openDecision(into: &events)
            state.dequeue(snapshot: snapshot, limit: limit, at: at)
            state.closeDecision(at: at, into: &events)
        case .checkpoint(let runID, let at):
            guard at >= latest else { return handleAny(.checkpoint(run: runID, at: at), &state, into: &events) }
            state.openDecision(into: &events)
            state.checkpoint(runID, at: at)
            state.closeDecision(at: at, into: &events)
        case .finish(let runID, let outcome, let at):
            guard at >= latest else { return handleAny(.finish(run: runID, outcome: outcome, at: at), &state, into: &events) }
            state.openDecision(into: &events)
            state.finish(runID, outcome: outcome, at: at)
            state.closeDecision(at: at, into: &events)
        // The others, each rebuilt for the general path: a catch-all `case let command` made
        // the switch copy the command (a create's step list retained and released).
        case .retry(let runID, let at): handleAny(.retry(run: runID, at: at), &state, into: &events)
        case .cancel(let runID, let action, let wait, let at):
            handleAny(.cancel(run: runID, action: action, wait: wait, at: at), &state, into: &events)
        case .bulkCancel(let selection, let action, let at):
            handleAny(.bulkCancel(selection, action: action, at: at), &state, into: &events)
        case .join(let runID, let at): handleAny(.join(run: runID, at: at), &state, into: &events)
        case .subscribe(let runID, let at): handleAny(.subscribe(run: runID, at: at), &state, into: &events)
        case .unsubscribe(let runID, let at): handleAny(.unsubscribe(run: runID, at: at), &state, into: &events)
        case .deleteRun(let runID, let at): handleAny(.deleteRun(run: runID, at: at), &state, into: &events)
        case .workerStopped(let runID, let at): handleAny(.workerStopped(run: runID, at: at), &state, into: &events)
        case .serverRestart(let at): handleAny(.serverRestart(at: at), &state, into: &events)
        }
    }

    /// ``handle(_:_:into:)`` of any command, late ones included.
    @inline(never)
    private static func handleAny(_ command: consuming Command, _ state: inout State, into events: inout EventOutbox) {
        guard command.at >= state.latestEventAt else {
            for event in decide(command, state) { events.append(event) }
            return
        }
        // The caller's outbox moves into the state's decision buffer and back (swaps of one
        // reference), and the decision runs on the caller's state in place.
        let at = command.at
        state.openDecision(into: &events)
        state.dispatch(command)
        state.closeDecision(at: at, into: &events)
    }
}

extension State {
    /// Starts a decision: the caller's outbox moves into the state's decision buffer (a swap
    /// of one reference), and the decision then runs on the caller's state in place.
    @inline(__always)
    mutating func openDecision(into events: inout EventOutbox) {
        swap(&events, &decision.events)
        decision.firstEvent = decision.events.count
    }

    /// Ends a decision opened by ``openDecision(into:)``: answers the joins it settled and
    /// gives the outbox back.
    @inline(__always)
    mutating func closeDecision(at: Timestamp, into events: inout EventOutbox) {
        // (`answerBlockedJoins` frees the vanished waiters: a decision that has any goes there.)
        answerSettledJoins(at: at)
        swap(&events, &decision.events)
    }
}

/// The scratch space of one decision in progress, kept in the ``State`` it changes. Each
/// emitted event is applied to the state at once, so later steps of the same decision
/// (several victims, the thread's final status) see the effect of earlier ones.
///
/// The decision's code is an extension of `State` (Decider+*.swift) working on the caller's
/// state in place: when a separate decision value owned the state, moving the state (216
/// bytes) in and out of it was about a fifth of a decision's cost. Outside a decision the
/// buffer is empty; it is not part of the state's value (equality, hash and digest skip it).
struct DecisionBuffer: Sendable {
    /// The caller's outbox during a decision; this decision's events start at `firstEvent`.
    /// (Appended to only by `emit` and the helpers in Decision+Apply.swift.) Outside a
    /// decision, an empty outbox that is never written (copies of the state share it).
    var events = EventOutbox()
    var firstEvent = 0
    /// Waiters of runs that vanished during this decision; they are answered "Run not found".
    var vanishedWaiters = VanishedWaiters()

    /// The runs the events decided so far are about.
    var decidedRunIDs: [RunID] { (firstEvent..<events.count).compactMap { events[$0].runID } }
}

extension State {
    /// Decides `command` (its time already checked against the state's clock).
    @inline(__always)
    mutating func apply(_ command: consuming Command) {
        let at = command.at
        dispatch(command)
        answerSettledJoins(at: at)
    }

    /// Decides `command` without answering the joins it settles (see ``apply(_:)``).
    @inline(__always)
    mutating func dispatch(_ command: consuming Command) {
        let at = command.at
        switch consume command {
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
    }

    mutating func emit(_ event: Event) {
        switch event {
        case .rolledBack(let runID, _, _, _), .deleted(let runID, _, _):
            recordWaiters(of: [runID])
        case .threadDeleted(let threadID, _):
            recordWaiters(of: self.runIDs(on: threadID))
        case .threadCreated, .created, .rejected, .started, .checkpointed, .succeeded, .failed, .timedOut,
            .retried, .interrupted, .workerStopped, .subscribed, .unsubscribed, .joinAnswered,
            .threadStatusChanged, .threadValuesCached, .cancelRefused, .commandRefused, .serverRestarted:
            break
        }
        self.evolve(event)
        decision.events.append(event)
    }

    mutating func refuse(_ kind: CommandKind, _ runID: RunID?, _ reason: RefusalReason, at: Timestamp) {
        emit(.commandRefused(run: runID, command: kind, reason: reason, at: at))
    }

    private mutating func recordWaiters(of runIDs: [RunID]) {
        for runID in runIDs {
            if let run = self.runTable[runID], run.waiterCount > 0 {
                decision.vanishedWaiters.append(runID, count: run.waiterCount)
            }
        }
    }

    /// Answers every blocked join of `runID` with `answer`.
    mutating func answerWaiters(of runID: RunID, with answer: JoinAnswer, at: Timestamp) {
        guard let run = self.runTable[runID] else { return }
        for _ in 0..<run.waiterCount { emit(.joinAnswered(run: runID, answer: answer, at: at)) }
    }

    /// A join blocks until its run settles (terminal, worker stopped) or vanishes. Runs are
    /// visited in id order so the answer order never depends on hashing.
    @inline(__always)
    mutating func answerSettledJoins(at: Timestamp) {
        // Nearly every decision has no blocked join anywhere: then there is nothing to look up,
        // and this test is inlined so that such a decision does not even make the call.
        guard self.waiterTotal > 0 || !decision.vanishedWaiters.isEmpty else { return }
        answerBlockedJoins(at: at)
    }

    private mutating func answerBlockedJoins(at: Timestamp) {
        var touched = decision.decidedRunIDs + decision.vanishedWaiters.runIDs
        touched.sort()
        var previous: RunID?
        for runID in touched where runID != previous {
            previous = runID
            if let run = self.runTable[runID] {
                if run.waiterCount > 0, self.isSettled(run) {
                    answerWaiters(of: runID, with: .finished(run.status), at: at)
                }
            } else {
                let count = decision.vanishedWaiters.count(of: runID)
                for _ in 0..<count { emit(.joinAnswered(run: runID, answer: .runNotFound, at: at)) }
            }
        }
        // The decision's last use of them (answering emits no vanishing event).
        decision.vanishedWaiters.release()
    }
}

/// Blocked joins of runs that vanished during one decision, as (run, waiters) in the order they
/// vanished. Almost every decision has none, so the buffer is allocated on first use and the
/// decision holds only a pointer. The pointer is nil outside a decision, which runs on one
/// thread, hence the unchecked `Sendable`.
struct VanishedWaiters: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<[(runID: RunID, count: Int)]>?

    var isEmpty: Bool { storage == nil }

    mutating func append(_ runID: RunID, count: Int) {
        if storage == nil {
            storage = .allocate(capacity: 1)
            storage!.initialize(to: [])
        }
        storage!.pointee.append((runID, count))
    }

    /// The runs, with repeats, in the order they vanished.
    var runIDs: [RunID] { storage?.pointee.map(\.runID) ?? [] }

    /// The waiters recorded for `runID`.
    func count(of runID: RunID) -> Int {
        storage?.pointee.reduce(0) { $0 + ($1.runID == runID ? $1.count : 0) } ?? 0
    }

    /// Frees the buffer; call once, when the decision is over.
    mutating func release() {
        guard let storage else { return }
        storage.deinitialize(count: 1)
        storage.deallocate()
        self.storage = nil
    }
}
