// Every cell of the §4.2 table (in-flight run × strategy column), under both profiles.

import RunLifecycle
import Testing

enum InFlightAtArrival: CaseIterable, Sendable { case pending, running }
enum StrategyColumn: CaseIterable, Sendable { case enqueue, reject, interrupt, rollbackWithoutSubscriber, rollbackWithSubscriber }

@Suite struct StrategyTableTests {
    /// R1 on T1, pending or running, with a stream subscriber for the last column; then R2
    /// arrives at 10 ms with the column's strategy.
    func cell(_ inFlight: InFlightAtArrival, _ column: StrategyColumn, _ profile: BehaviourProfile) -> When {
        var setup = given(profile, create(1, at: 0))
        if inFlight == .running { setup = setup.and(poll(at: 1)) }
        if column == .rollbackWithSubscriber { setup = setup.and(.subscribe(run: R(1), at: ms(2))) }
        let strategy: MultitaskStrategy =
            switch column {
            case .enqueue: .enqueue
            case .reject: .reject
            case .interrupt: .interrupt
            case .rollbackWithoutSubscriber, .rollbackWithSubscriber: .rollback
            }
        return setup.when(create(1, strategy, at: 10))
    }

    // Each cell emits exactly the events the table describes; the columns where the profiles
    // differ are spelled out for both.
    @Test(arguments: InFlightAtArrival.allCases, StrategyColumn.allCases)
    func cellEvents(inFlight: InFlightAtArrival, column: StrategyColumn) {
        let cause = CancelCause.supersededBy(R(2))
        for profile in bothProfiles {
            let inmem = profile == .langgraphInmem
            let expected: [Event]
            switch (inFlight, column) {
            case (_, .enqueue):
                expected = [createdEvent(2, .enqueue, at: 10)]
            case (_, .reject):
                expected = [.rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: [R(1)]), at: ms(10))]
            case (.pending, .interrupt):
                expected = [createdEvent(2, .interrupt, at: 10), interrupted(1, by: cause, at: 10)] + (inmem ? [threadStatus(1, .idle, at: 10)] : [])
            case (.running, .interrupt):
                expected = [createdEvent(2, .interrupt, at: 10), interrupted(1, by: cause, at: 10)]
            case (_, .rollbackWithoutSubscriber):
                expected = [createdEvent(2, .rollback, at: 10), rolledBack(1, at: 10)]
            case (.pending, .rollbackWithSubscriber):
                expected =
                    inmem
                    ? [createdEvent(2, .rollback, at: 10), interrupted(1, .rollback, by: cause, at: 10), threadStatus(1, .idle, at: 10)]
                    : [createdEvent(2, .rollback, at: 10), rolledBack(1, at: 10)]
            case (.running, .rollbackWithSubscriber):
                expected =
                    inmem
                    ? [createdEvent(2, .rollback, at: 10), interrupted(1, .rollback, by: cause, at: 10)]
                    : [createdEvent(2, .rollback, at: 10), rolledBack(1, at: 10)]
            }
            cell(inFlight, column, profile).then(expected)
        }
    }

    // After the cell, the victim's worker (if any) stops and the queue drains: the victim's
    // final fate matches the table (never runs when pending; deleted or interrupted).
    @Test(arguments: InFlightAtArrival.allCases, StrategyColumn.allCases)
    func cellFinalFate(inFlight: InFlightAtArrival, column: StrategyColumn) {
        for profile in bothProfiles {
            var state = cell(inFlight, column, profile).after
            if inFlight == .running { Decider.handle(stopped(1, at: 11), &state) }
            for time in stride(from: Int64(1_000), through: 5_000, by: 1_000) {
                Decider.handle(poll(at: time), &state)
                for execution in state.executions {
                    for _ in 0..<4 { Decider.handle(.checkpoint(run: execution.runID, at: ms(time)), &state) }
                    Decider.handle(.finish(run: execution.runID, outcome: .success, at: ms(time + 1)), &state)
                }
            }
            // The drain ends every worker it finds, R1's included when it was left running.
            let expected: RunStatus?
            switch (inFlight, column) {
            case (_, .enqueue), (_, .reject): expected = .success
            case (_, .interrupt): expected = .interrupted
            case (_, .rollbackWithoutSubscriber): expected = nil
            case (.pending, .rollbackWithSubscriber): expected = profile == .langgraphInmem ? .interrupted : nil
            case (.running, .rollbackWithSubscriber): expected = nil
            }
            #expect(state.run(R(1))?.status == expected, "\(profile) \(inFlight) \(column)")
            if inFlight == .pending, column != .enqueue, column != .reject {
                #expect(state.run(R(1))?.startedAt == nil, "a cancelled pending run never starts")
            }
        }
    }
}
