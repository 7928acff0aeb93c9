// Drives the real domain (Decider.decide + State.evolve, used only here to produce event
// streams) and feeds every event to the checker. A `Mutation` turns the real decider into a
// test-only broken one by rewriting its output events before they are applied.

import Invariants
import RunLifecycle
import Testing

func ms(_ milliseconds: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: milliseconds * 1_000) }
func R(_ id: UInt32) -> RunID { RunID(id) }
func T(_ id: UInt32) -> ThreadID { ThreadID(id) }

/// The oracle graph of real-server-notes.md: two instant nodes, then `steps` 500 ms steps.
func oracleWork(steps: Int) -> [Microseconds] {
    [.zero, .zero] + Array(repeating: .milliseconds(500), count: steps)
}

func create(
    _ thread: UInt32?, _ strategy: MultitaskStrategy = .enqueue, at: Int64, steps: Int = 2, after: Int64 = 0,
    subscribed: Bool = false, ifNotExists: IfNotExists = .create
) -> Command {
    .createRun(
        CreateRun(
            threadID: thread.map(ThreadID.init), strategy: strategy, ifNotExists: ifNotExists,
            after: .milliseconds(after), work: oracleWork(steps: steps), subscribed: subscribed, at: ms(at)))
}

func poll(at: Int64, limit: Int = 10) -> Command { .dequeue(snapshot: ms(at), limit: limit, at: ms(at)) }
func step(_ run: UInt32, at: Int64) -> Command { .checkpoint(run: R(run), at: ms(at)) }
func steps(_ run: UInt32, _ count: Int, from: Int64) -> [Command] { (0..<count).map { step(run, at: from + Int64($0)) } }
func finish(_ run: UInt32, _ outcome: FinishOutcome = .success, at: Int64) -> Command {
    .finish(run: R(run), outcome: outcome, at: ms(at))
}
func cancel(_ run: UInt32, _ action: CancelAction, wait: Bool = false, at: Int64) -> Command {
    .cancel(run: R(run), action: action, wait: wait, at: ms(at))
}
func stopped(_ run: UInt32, at: Int64) -> Command { .workerStopped(run: R(run), at: ms(at)) }
func join(_ run: UInt32, at: Int64) -> Command { .join(run: R(run), at: ms(at)) }
func delete(_ run: UInt32, at: Int64) -> Command { .deleteRun(run: R(run), at: ms(at)) }

/// Rewrites the real decider's events for `command` in `state` (before they are applied).
typealias Mutation = (_ command: Command, _ state: State, _ events: inout [Event]) -> Void

/// A live server (the real domain, optionally broken by a mutation) watched by the checker.
struct Harness {
    var state: State
    var checker: InvariantChecker
    var sequence: UInt64 = 0
    var journal: [Event] = []
    var mutation: Mutation?
    /// The latest command time, for the drain loop.
    var now: Int64 = 0

    init(
        _ profile: BehaviourProfile, slots: Int = 1, pollInterval: Microseconds? = nil, maxRetries: UInt32 = 3,
        mutation: Mutation? = nil
    ) {
        state = .initial(profile: profile, slots: slots, maxRetries: maxRetries)
        checker = InvariantChecker(
            configuration: CheckerConfiguration(
                profile: profile, slotCount: slots, pollInterval: pollInterval, maximumRetries: maxRetries))
        self.mutation = mutation
    }

    @discardableResult
    mutating func apply(_ command: Command) -> [Event] {
        var events = Decider.decide(command, state)
        mutation?(command, state, &events)
        for event in events {
            state.evolve(event)
            checker.observe(event, sequence: sequence)
            sequence += 1
        }
        journal += events
        now = max(now, command.at.microsecondsSinceEpoch / 1_000)
        return events
    }

    mutating func apply(_ commands: [Command]) {
        for command in commands { apply(command) }
    }

    /// Runs the queue dry like the in-memory poller: stop cancelled workers, run the others to
    /// success, then poll with the snapshot taken before a 500 ms sleep; until nothing is left.
    mutating func drain() {
        var now = self.now + 1
        for _ in 0..<200 {
            for execution in state.executions {
                if let run = state.run(execution.runID), run.status == .running, execution.signal == nil {
                    for _ in run.completedSteps..<run.stepCount { apply(.checkpoint(run: run.id, at: ms(now))) }
                    apply(.finish(run: run.id, outcome: .success, at: ms(now)))
                } else {
                    apply(.workerStopped(run: execution.runID, at: ms(now)))
                }
                now += 1
            }
            if state.pendingOrder.isEmpty && state.executions.isEmpty { break }
            let snapshot = now
            now += 500
            apply(.dequeue(snapshot: ms(snapshot), limit: state.freeSlotCount, at: ms(now)))
            now += 1
        }
    }

    /// Ends the stream and returns every violation.
    mutating func finish(drained: Bool = true) -> [Violation] {
        checker.finish(drained: drained)
    }
}

extension [Violation] {
    /// Safety and liveness violations (divergences excluded).
    var failures: [Violation] { filter { $0.kind != .profileDivergence } }
    var divergences: [Violation] { filter { $0.kind == .profileDivergence } }
    var quirks: Set<Quirk> { Set(compactMap(\.quirk)) }
    var rules: Set<Rule> { Set(map(\.rule)) }
    var text: String { map(\.description).joined(separator: "\n") }
}
