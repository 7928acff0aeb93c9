// A thread's worker count is derived: `evolve` keeps it as workers start and leave, and a
// thread created while workers could name its id counts them by a scan. These folds reach the
// odd corners (a thread deleted and re-created under a running worker, a worker on a thread
// that never existed, a restart) where a count that drifted would go unnoticed by the
// simulator's usual streams.

import RunLifecycle
import Testing

private func createdRun(_ run: UInt32, on thread: UInt32, at: Int64) -> Event {
    .created(
        RunCreated(
            runID: R(run), threadID: T(thread), assistantID: AssistantID(1), strategy: .enqueue,
            requestedAt: ms(at), after: .zero, work: oracleWork(steps: 1), subscribed: false))
}

private func workerCount(_ state: State, _ thread: UInt32) -> Int32? {
    state.threadTable[T(thread)]?.executionCount
}

private func countViolations(_ state: State) -> [String] {
    state.structuralViolations().filter { $0.contains("workers, not") }
}

@Suite struct WorkerCountTests {
    @Test func aThreadRecreatedUnderARunningWorkerCountsIt() {
        let state = Decider.fold(
            [
                .threadCreated(thread: T(1), temporary: false, status: .busy, at: ms(0)),
                createdRun(1, on: 1, at: 0),
                .started(run: R(1), thread: T(1), attempt: 1, at: ms(1)),
                .threadDeleted(thread: T(1), at: ms(2)),
                .threadCreated(thread: T(1), temporary: false, status: .busy, at: ms(3)),
            ], from: .initial(profile: .documented, slots: 2))
        #expect(workerCount(state, 1) == 1)
        #expect(countViolations(state) == [])
    }

    @Test func aWorkerOnAThreadThatNeverExistedIsCountedWhenTheThreadComes() {
        var state = Decider.fold(
            [.started(run: R(9), thread: T(5), attempt: 1, at: ms(1))],
            from: .initial(profile: .documented, slots: 2))
        Decider.evolve(&state, .threadCreated(thread: T(5), temporary: false, status: .idle, at: ms(2)))
        #expect(workerCount(state, 5) == 1)
        #expect(countViolations(state) == [])
    }

    @Test func workersLeavingAndARestartBringTheCountsBackToZero() {
        var state = State.initial(profile: .documented, slots: 3)
        for thread: UInt32 in 1...2 {
            Decider.handle(create(thread, at: 0), &state)
        }
        Decider.handle(poll(at: 1), &state)
        #expect(workerCount(state, 1) == 1 && workerCount(state, 2) == 1)
        Decider.handle(finish(1, at: 2), &state)
        #expect(workerCount(state, 1) == 0 && workerCount(state, 2) == 1)
        Decider.handle(.serverRestart(at: ms(3)), &state)
        #expect(workerCount(state, 2) == 0)
        #expect(countViolations(state) == [])
    }
}
