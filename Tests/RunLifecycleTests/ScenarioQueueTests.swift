// Rows y (head-of-line blocking) and z (cross-thread concurrency) of the scenario table.

import RunLifecycle
import Testing

/// Runs started by the events.
func startedRuns(_ events: [Event]) -> [RunID] {
    events.compactMap { if case .started(let run, _, _, _) = $0 { run } else { nil } }
}

@Suite struct ScenarioQueueTests {
    /// A1 running on T1, A2 enqueued on T1, C1 on idle T3 created 50 ms later.
    func headOfLine(slots: Int) -> Given {
        given(.langgraphInmem, slots: slots, create(1, at: 0, steps: 6), poll(at: 1), create(1, at: 10), create(3, at: 60))
    }

    // y (2 workers): only the oldest `free` pending run (A2) is examined; it is blocked, so C1
    // waits although a slot is free, until A1 ends and A2 and C1 start together.
    @Test func yHeadOfLineTwoJobs() {
        let blocked = headOfLine(slots: 2).when(poll(at: 100)).then([])
        let released = blocked.given.and(steps(1, 8, from: 200) + [finish(1, at: 3_450)]).when(poll(at: 3_451))
        #expect(startedRuns(released.events) == [R(2), R(3)])
    }

    // y (10 workers): the window covers C1, which starts at the next poll.
    @Test func yHeadOfLineTenJobs() {
        #expect(startedRuns(headOfLine(slots: 10).when(poll(at: 100)).events) == [R(3)])
    }

    // y (1 worker): everything is serialised in created_at order: A1, A2, C1.
    @Test func yHeadOfLineOneJob() {
        var state = headOfLine(slots: 1).state
        var order = [R(1)]
        for (index, runID) in [R(1), R(2), R(3)].enumerated() {
            let now = Int64(1_000 * (index + 1))
            order += startedRuns(Decider.handle(.dequeue(snapshot: ms(now), limit: 1, at: ms(now)), &state))
            Decider.handle(.finish(run: runID, outcome: .success, at: ms(now + 1)), &state)
        }
        #expect(order == [R(1), R(2), R(3)])
    }

    // z: four threads with one run each run four at once with 10 workers, two by two with 2,
    // and one at a time with 1.
    @Test(arguments: [(10, [4]), (2, [2, 2]), (1, [1, 1, 1, 1])])
    func zCrossThreadConcurrency(slots: Int, expectedWaves: [Int]) {
        var state = given(
            .langgraphInmem, slots: slots, create(1, at: 0), create(2, at: 0), create(3, at: 0), create(4, at: 0)
        ).state
        var waves: [Int] = []
        var now: Int64 = 500
        while !state.pendingOrder.isEmpty {
            let started = startedRuns(Decider.handle(.dequeue(snapshot: ms(now), limit: state.freeSlotCount, at: ms(now)), &state))
            waves.append(started.count)
            #expect(state.busySlotCount <= slots)
            for runID in started { Decider.handle(.finish(run: runID, outcome: .success, at: ms(now + 1_000)), &state) }
            now += 1_001
        }
        #expect(waves == expectedWaves)
    }
}
