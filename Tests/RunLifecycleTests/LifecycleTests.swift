// The rest of §2: retries, max attempts, timeouts, human-in-the-loop ends, stateless runs,
// deletion, refusals and the clock.

import RunLifecycle
import Testing

@Suite struct LifecycleTests {
    // A retriable failure re-queues the run keeping its attempt; the 4th dequeue (attempt 4 >
    // maxRetries 3) fails at once with "exceeded max attempts" and the thread turns error.
    @Test(arguments: bothProfiles) func retriesUpToMaxAttempts(profile: BehaviourProfile) {
        var given = oneRunning(profile)
        for attempt: Int64 in 1...2 {
            given = given.and(.retry(run: R(1), at: ms(attempt * 10)), poll(at: attempt * 10 + 5))
        }
        #expect(given.state.run(R(1))?.attempt == 3)
        let exhausted = given.and(.retry(run: R(1), at: ms(100))).when(poll(at: 200))
            .then([
                .started(run: R(1), thread: T(1), attempt: 4, at: ms(200)),
                .failed(run: R(1), thread: T(1), cause: .exceededMaxAttempts, at: ms(200)),
                threadStatus(1, .error, at: 200),
            ])
        #expect(exhausted.after.executions.isEmpty)
    }

    // Timeout and error end the run and put the thread in error; a success that stopped before
    // its last step (interrupt_before) leaves the thread interrupted.
    @Test(arguments: bothProfiles) func finalWritesDeriveThreadStatus(profile: BehaviourProfile) {
        #expect(oneRunning(profile).and(finish(1, .timeout, at: 10)).state.threadStatus(1) == .error)
        #expect(oneRunning(profile).and(finish(1, .error, at: 10)).state.threadStatus(1) == .error)
        #expect(oneRunning(profile).and(step(1, at: 5), finish(1, .success, at: 10)).state.threadStatus(1) == .interrupted)
        #expect(oneRunning(profile).and(steps(1, 4, from: 5) + [finish(1, at: 10)]).state.threadStatus(1) == .idle)
    }

    // A stateless run gets a fresh temporary thread, writes no checkpoints, and its worker
    // deletes thread and run at the end, answering a blocked join first.
    @Test(arguments: bothProfiles) func statelessRunIsTemporary(profile: BehaviourProfile) {
        let created = given(profile).when(create(nil, at: 0))
            .then([.threadCreated(thread: T(1), temporary: true, status: .busy, at: ms(0)), createdEvent(1, .enqueue, at: 0)])
        let running = created.given.and([poll(at: 1)] + steps(1, 4, from: 2) + [join(1, at: 8)])
        #expect(running.state.thread(T(1))?.checkpointCount == 0)
        running.when(finish(1, at: 10))
            .then([
                .succeeded(run: R(1), thread: T(1), at: ms(10)),
                .joinAnswered(run: R(1), answer: .finished(.success), at: ms(10)),
                .threadDeleted(thread: T(1), at: ms(10)),
            ])
            .thenState { #expect($0.threads.isEmpty && $0.runs.isEmpty && $0.wasDeleted(R(1))) }
        // The next stateless run gets a new thread id, and a client-named thread does not clash.
        #expect(given(profile, create(5, at: 0), create(nil, at: 1)).state.threads.map(\.id) == [T(5), T(6)])
    }

    // DELETE removes a finished run's checkpoints but leaves the cached values naming it.
    @Test(arguments: bothProfiles) func deleteFinishedRunKeepsStaleCachedValues(profile: BehaviourProfile) {
        let finished = oneRunning(profile).and(steps(1, 4, from: 2) + [finish(1, at: 10)])
        finished.when(delete(1, at: 20)).then([.deleted(run: R(1), thread: T(1), at: ms(20))])
            .thenState { state in
                #expect(state.thread(T(1))?.checkpointCount == 0)
                #expect(state.thread(T(1))?.valuesFromRunID == R(1))
            }
    }

    // Worker reports for a run that is not executing, or past its work, are refused and change nothing.
    @Test func workerCommandsAreValidated() {
        let pending = given(.documented, create(1, at: 0))
        for (command, reason) in [
            (step(1, at: 5), RefusalReason.notRunning), (finish(1, at: 5), .notRunning), (.retry(run: R(1), at: ms(5)), .notRunning),
            (stopped(1, at: 5), .notExecuting), (step(9, at: 5), .notFound), (.unsubscribe(run: R(1), at: ms(5)), .notSubscribed),
        ] {
            let outcome = pending.when(command)
            outcome.then([.commandRefused(run: command.runID, command: command.kind, reason: reason, at: ms(5))])
            #expect(outcome.after == outcome.before)
        }
        let done = oneRunning(.documented).and(steps(1, 4, from: 2))
        done.when(step(1, at: 9)).then([.commandRefused(run: R(1), command: .checkpoint, reason: .noStepsLeft, at: ms(9))])
        oneRunning(.documented).when(stopped(1, at: 9))
            .then([.commandRefused(run: R(1), command: .workerStopped, reason: .noCancelSignal, at: ms(9))])
    }

    // A command dated before the latest event is refused: time never goes back.
    @Test func clockNeverGoesBack() {
        #expect(!oneRunning(.langgraphInmem).when(create(1, at: 1)).events.contains(where: { $0.isRefusal }))
        oneRunning(.langgraphInmem).and(step(1, at: 50)).when(step(1, at: 40))
            .then([.commandRefused(run: R(1), command: .checkpoint, reason: .clockWentBackwards, at: ms(40))])
    }

    // Bulk cancel by status hits every matching run across threads; nothing matching is a 404.
    @Test func bulkCancelByStatus() {
        let setup = given(.documented, slots: 2, create(1, at: 0), create(2, at: 0), poll(at: 1), create(1, at: 5))
        setup.when(.bulkCancel(.status(.pending), action: .interrupt, at: ms(10)))
            .then([interrupted(3, by: .bulkCancelRequest, at: 10)])
        setup.when(.bulkCancel(.runs(T(2), [R(2), R(3)]), action: .rollback, at: ms(10)))
            .then([rolledBack(2, thread: 2, at: 10)])
        given(.documented).when(.bulkCancel(.status(.all), action: .interrupt, at: ms(10)))
            .then([.cancelRefused(run: nil, reason: .nothingToCancel, at: ms(10))])
    }
}
