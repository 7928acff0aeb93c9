// A random but realistic workload: clients on a few threads create many runs (mostly enqueue,
// some double texting), the poller dequeues, workers checkpoint and finish, clients join,
// subscribe and cancel. Commands go through Decider.handle, so every event is one the decider
// really emits.

import RunLifecycle
import TestSupport

struct Workload {
    var profile: BehaviourProfile = .documented
    var slots = 4
    var threads: UInt32 = 4
    var runs = 2_000
    var seed: UInt64 = 1
}

/// Runs `workload` live and returns the events in order with the final state.
func simulate(_ workload: Workload) -> (events: [Event], state: State) {
    var random = TestRandom(seed: workload.seed)
    var state = State.initial(profile: workload.profile, slots: workload.slots)
    var events: [Event] = []
    var now: Int64 = 0
    var created = 0
    func draw(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
    func recentRun() -> RunID {
        let newest = Int(state.nextRunID.rawValue) - 1
        return RunID(UInt32(max(1, newest - draw(8))))
    }
    var commands = 0
    while created < workload.runs || !state.executions.isEmpty || !state.pendingOrder.isEmpty {
        commands += 1
        precondition(commands < workload.runs * 1_000, "seed \(workload.seed): the workload does not drain")
        now += Int64(1 + draw(40_000))
        let at = Timestamp(microsecondsSinceEpoch: now)
        let roll = draw(100)
        let command: Command
        if roll < 25 && created < workload.runs {
            created += 1
            let strategies: [MultitaskStrategy] = [.enqueue, .enqueue, .enqueue, .enqueue, .enqueue, .enqueue, .interrupt, .rollback, .reject]
            let steps = 1 + draw(4)
            let work = draw(3) == 0
                ? (0..<steps).map { _ in Microseconds(Int64(1 + draw(2_000_000))) }
                : [.zero, .zero] + Array(repeating: .milliseconds(500), count: steps)
            let thread = draw(20) == 0 ? nil : ThreadID(UInt32(1 + draw(Int(workload.threads))))
            command = .createRun(CreateRun(
                threadID: thread, strategy: strategies[draw(strategies.count)], ifNotExists: .create,
                after: draw(20) == 0 ? .seconds(1) : .zero, work: work, subscribed: draw(3) == 0, at: at))
        } else if roll < 45 {
            command = .dequeue(snapshot: at, limit: max(1, state.freeSlotCount), at: at)
        } else if roll < 90, !state.executions.isEmpty {
            let execution = state.executions[draw(state.executions.count)]
            if let run = state.run(execution.runID), run.status == .running, execution.signal == nil {
                if run.completedSteps < run.stepCount {
                    command = .checkpoint(run: run.id, at: at)
                } else {
                    let outcomes: [FinishOutcome] = [.success, .success, .success, .success, .success, .success, .error, .timeout]
                    command = draw(30) == 0 ? .retry(run: run.id, at: at) : .finish(run: run.id, outcome: outcomes[draw(outcomes.count)], at: at)
                }
            } else {
                command = .workerStopped(run: execution.runID, at: at)
            }
        } else if roll < 94 {
            command = .cancel(run: recentRun(), action: draw(2) == 0 ? .interrupt : .rollback, wait: draw(4) == 0, at: at)
        } else if roll < 97 {
            command = .join(run: recentRun(), at: at)
        } else if roll < 99 {
            command = draw(2) == 0 ? .subscribe(run: recentRun(), at: at) : .unsubscribe(run: recentRun(), at: at)
        } else {
            command = draw(3) == 0 ? .deleteRun(run: recentRun(), at: at) : .bulkCancel(.status(.pending), action: .interrupt, at: at)
        }
        events += Decider.handle(command, &state)
    }
    return (events, state)
}
