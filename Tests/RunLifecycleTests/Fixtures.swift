// Short names for test commands. Time is written in milliseconds; ids are small integers.

import RunLifecycle
import Testing

func ms(_ milliseconds: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: milliseconds * 1_000) }
func R(_ id: UInt32) -> RunID { RunID(id) }
func T(_ id: UInt32) -> ThreadID { ThreadID(id) }

/// The oracle graph of real-server-notes.md: `__start__` and `begin` (instant), then `steps`
/// sleeping steps of 500 ms. A run completing k steps keeps k + 3 checkpoints, as observed.
func oracleWork(steps: Int) -> [Microseconds] {
    [.zero, .zero] + Array(repeating: .milliseconds(500), count: steps)
}

func create(
    _ thread: UInt32?, _ strategy: MultitaskStrategy = .enqueue, at: Int64, steps: Int = 2,
    after: Int64 = 0, subscribed: Bool = false, ifNotExists: IfNotExists = .create
) -> Command {
    .createRun(
        CreateRun(
            threadID: thread.map(ThreadID.init), strategy: strategy, ifNotExists: ifNotExists,
            after: .milliseconds(after), work: oracleWork(steps: steps), subscribed: subscribed, at: ms(at)))
}

/// One queue poll whose snapshot is `at` (so runs created before `at` are due).
func poll(at: Int64, limit: Int = 10) -> Command { .dequeue(snapshot: ms(at), limit: limit, at: ms(at)) }
func step(_ run: UInt32, at: Int64) -> Command { .checkpoint(run: R(run), at: ms(at)) }
func finish(_ run: UInt32, _ outcome: FinishOutcome = .success, at: Int64) -> Command {
    .finish(run: R(run), outcome: outcome, at: ms(at))
}
func cancel(_ run: UInt32, _ action: CancelAction, wait: Bool = false, at: Int64) -> Command {
    .cancel(run: R(run), action: action, wait: wait, at: ms(at))
}
func stopped(_ run: UInt32, at: Int64) -> Command { .workerStopped(run: R(run), at: ms(at)) }
func join(_ run: UInt32, at: Int64) -> Command { .join(run: R(run), at: ms(at)) }
func delete(_ run: UInt32, at: Int64) -> Command { .deleteRun(run: R(run), at: ms(at)) }

/// Steps `count` checkpoints of `run`, 1 ms apart from `from`.
func steps(_ run: UInt32, _ count: Int, from: Int64) -> [Command] {
    (0..<count).map { step(run, at: from + Int64($0)) }
}

extension Given {
    func and(_ commands: [Command]) -> Given {
        var given = self
        for command in commands { given = given.and(command) }
        return given
    }
}

extension State {
    func status(_ run: UInt32) -> RunStatus? { self.run(R(run))?.status }
    func threadStatus(_ thread: UInt32) -> ThreadStatus? { self.thread(T(thread))?.status }
    func checkpoints(_ thread: UInt32, of run: UInt32) -> Int { self.thread(T(thread))?.checkpointCount(of: R(run)) ?? 0 }
}

/// Event shorthands with the fields most tests share.
func interrupted(_ run: UInt32, _ action: CancelAction = .interrupt, thread: UInt32 = 1, by cause: CancelCause, at: Int64) -> Event {
    .interrupted(run: R(run), thread: T(thread), action: action, cause: cause, at: ms(at))
}
func rolledBack(_ run: UInt32, _ stage: RollbackStage = .eager, thread: UInt32 = 1, at: Int64) -> Event {
    .rolledBack(run: R(run), thread: T(thread), stage: stage, at: ms(at))
}
func threadStatus(_ thread: UInt32, _ status: ThreadStatus, at: Int64) -> Event {
    .threadStatusChanged(thread: T(thread), status: status, at: ms(at))
}
func createdEvent(_ run: UInt32, _ strategy: MultitaskStrategy, thread: UInt32 = 1, at: Int64, steps: Int = 2, after: Int64 = 0, subscribed: Bool = false) -> Event {
    .created(
        RunCreated(
            runID: R(run), threadID: T(thread), assistantID: AssistantID(1), strategy: strategy,
            requestedAt: ms(at), after: .milliseconds(after), work: oracleWork(steps: steps), subscribed: subscribed))
}
