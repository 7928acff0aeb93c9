// Rows f*, g* and g2 of the observed scenario table: the cancel endpoint and join.

import RunLifecycle
import Testing

@Suite struct ScenarioCancelTests {
    // f (interrupt, running): 202, the run is interrupted at once, and the worker's final write
    // leaves the thread interrupted because the last checkpoint still has `next`.
    @Test(arguments: bothProfiles) func fCancelInterruptRunning(profile: BehaviourProfile) {
        partialProgress(profile).when(cancel(1, .interrupt, at: 1_000))
            .then([interrupted(1, by: .cancelRequest, at: 1_000)])
            .given.when(stopped(1, at: 1_001))
            .then([
                .workerStopped(run: R(1), thread: T(1), finalWrite: .interrupted, at: ms(1_001)),
                threadStatus(1, .interrupted, at: 1_001),
                .threadValuesCached(thread: T(1), fromRun: R(1), at: ms(1_001)),
            ])
            .thenState { #expect($0.checkpoints(1, of: 1) == 5) }
    }

    // f (rollback, running, nobody joined): in memory the thread stays busy with no runs and
    // no checkpoints; the documented intent returns it to idle when the worker stops.
    @Test(arguments: bothProfiles) func fCancelRollbackRunning(profile: BehaviourProfile) {
        let stopped = partialProgress(profile).when(cancel(1, .rollback, at: 1_000))
            .then([rolledBack(1, at: 1_000)])
            .given.when(stopped(1, at: 1_001))
        let workerStopped = Event.workerStopped(run: R(1), thread: T(1), finalWrite: .runMissing, at: ms(1_001))
        if profile == .langgraphInmem {
            stopped.then([workerStopped])
        } else {
            stopped.then([workerStopped, threadStatus(1, .idle, at: 1_001)])
        }
        #expect(stopped.after.runs.isEmpty && stopped.after.thread(T(1))?.checkpointCount == 0)
    }

    // f2: the stuck-busy thread accepts a reject run (nothing is in flight) and that run's end
    // puts the thread back to idle.
    @Test func f2CancelRollbackRunningThenNewRun() {
        let stuck = partialProgress(.langgraphInmem).and(cancel(1, .rollback, at: 1_000), stopped(1, at: 1_001))
        #expect(stuck.state.threadStatus(1) == .busy)
        let accepted = stuck.when(create(1, .reject, at: 4_000)).then([createdEvent(2, .reject, at: 4_000)])
        let done = runToSuccess(accepted.given, run: 2, at: 5_000).state
        #expect(done.threadStatus(1) == .idle && done.status(2) == .success)
    }

    // f (interrupt, pending): the pending run never runs; in memory the thread reads idle
    // while R1 is still running.
    @Test(arguments: bothProfiles) func fCancelInterruptPending(profile: BehaviourProfile) {
        let isInmem = profile == .langgraphInmem
        let cancelled = oneRunning(profile).and(create(1, at: 10)).when(cancel(2, .interrupt, at: 20))
            .then([interrupted(2, by: .cancelRequest, at: 20)] + (isInmem ? [threadStatus(1, .idle, at: 20)] : []))
        #expect(cancelled.after.threadStatus(1) == (isInmem ? .idle : .busy))
        let done = cancelled.given.and(steps(1, 4, from: 30) + [finish(1, at: 40), poll(at: 100)]).state
        #expect(done.status(1) == .success && done.status(2) == .interrupted && done.threadStatus(1) == .idle)
    }

    // f (rollback, pending): the pending run is deleted; R1 finishes normally.
    @Test(arguments: bothProfiles) func fCancelRollbackPending(profile: BehaviourProfile) {
        let cancelled = oneRunning(profile).and(create(1, at: 10)).when(cancel(2, .rollback, at: 20))
            .then([rolledBack(2, at: 20)])
        let done = cancelled.given.and(steps(1, 4, from: 30) + [finish(1, at: 40)]).state
        #expect(done.status(1) == .success && done.run(R(2)) == nil && done.threadStatus(1) == .idle)
    }

    // f (interrupt, wait=true): cancel subscribes first and answers when the worker stops.
    @Test(arguments: bothProfiles) func fCancelInterruptRunningWait(profile: BehaviourProfile) {
        oneRunning(profile).when(cancel(1, .interrupt, wait: true, at: 100))
            .then([
                .subscribed(run: R(1), thread: T(1), waits: true, at: ms(100)),
                interrupted(1, by: .cancelRequest, at: 100),
            ])
            .given.when(stopped(1, at: 103))
            .then([
                .workerStopped(run: R(1), thread: T(1), finalWrite: .interrupted, at: ms(103)),
                threadStatus(1, .interrupted, at: 103),
                .threadValuesCached(thread: T(1), fromRun: R(1), at: ms(103)),
                .joinAnswered(run: R(1), answer: .finished(.interrupted), at: ms(103)),
            ])
    }

    // f (rollback, wait=true), in memory: the wait's subscription takes the subscriber path, so
    // the worker deletes the run and the thread ends idle, not stuck busy.
    @Test func fCancelRollbackRunningWaitInmem() {
        oneRunning(.langgraphInmem).when(cancel(1, .rollback, wait: true, at: 100))
            .then([
                .subscribed(run: R(1), thread: T(1), waits: true, at: ms(100)),
                interrupted(1, .rollback, by: .cancelRequest, at: 100),
            ])
            .given.when(stopped(1, at: 103))
            .then([
                .joinAnswered(run: R(1), answer: .finished(.interrupted), at: ms(103)),
                rolledBack(1, .byWorker, at: 103),
                .workerStopped(run: R(1), thread: T(1), finalWrite: .rolledBack, at: ms(103)),
                threadStatus(1, .idle, at: 103),
            ])
            .thenState { #expect($0.runs.isEmpty && $0.thread(T(1))?.checkpointCount == 0) }
    }

    // f (rollback, wait=true), documented: deleted at once, the waiter is told "Run not found",
    // and the thread is idle once the worker stops.
    @Test func fCancelRollbackRunningWaitDocumented() {
        oneRunning(.documented).when(cancel(1, .rollback, wait: true, at: 100))
            .then([
                .subscribed(run: R(1), thread: T(1), waits: true, at: ms(100)),
                rolledBack(1, at: 100),
                .joinAnswered(run: R(1), answer: .runNotFound, at: ms(100)),
            ])
            .given.when(stopped(1, at: 103))
            .then([.workerStopped(run: R(1), thread: T(1), finalWrite: .runMissing, at: ms(103)), threadStatus(1, .idle, at: 103)])
    }

    // f (finished run): cancelling a terminal run is refused 404 with either action, and an
    // unknown or deleted run is refused as not found.
    @Test(arguments: bothProfiles, CancelAction.allCases)
    func fCancelFinishedRun(profile: BehaviourProfile, action: CancelAction) {
        let finished = oneRunning(profile).and(steps(1, 4, from: 2) + [finish(1, at: 10)])
        let refused = finished.when(cancel(1, action, at: 20)).then([.cancelRefused(run: R(1), reason: .alreadyTerminal, at: ms(20))])
        #expect(refused.after == refused.before)
        finished.when(cancel(7, action, at: 20)).then([.cancelRefused(run: R(7), reason: .notFound, at: ms(20))])
        finished.and(delete(1, at: 30)).when(cancel(1, action, at: 40))
            .then([.cancelRefused(run: R(1), reason: .notFound, at: ms(40))])
    }
}

@Suite struct ScenarioJoinTests {
    // g (R1): joining a finished run answers at once with its status.
    @Test(arguments: bothProfiles) func gJoinFinishedRun(profile: BehaviourProfile) {
        oneRunning(profile).and(steps(1, 4, from: 2) + [finish(1, at: 10)]).when(join(1, at: 20))
            .then([
                .subscribed(run: R(1), thread: T(1), waits: true, at: ms(20)),
                .joinAnswered(run: R(1), answer: .finished(.success), at: ms(20)),
            ])
            .thenState { #expect($0.run(R(1))?.subscriberCount == 0) }
    }

    // g (R2): joining a running run blocks until it ends.
    @Test(arguments: bothProfiles) func gJoinRunningRun(profile: BehaviourProfile) {
        let joined = oneRunning(profile).when(join(1, at: 5)).then([.subscribed(run: R(1), thread: T(1), waits: true, at: ms(5))])
        let ended = joined.given.and(steps(1, 4, from: 6)).when(finish(1, at: 20))
        #expect(ended.events.last == .joinAnswered(run: R(1), answer: .finished(.success), at: ms(20)))
    }

    // g (R3): joining a run that was rolled back answers 200 with the "404: Run not found" body.
    @Test(arguments: bothProfiles) func gJoinRolledBackRun(profile: BehaviourProfile) {
        oneRunning(profile).and(cancel(1, .rollback, at: 5)).when(join(1, at: 20))
            .then([.joinAnswered(run: R(1), answer: .runNotFound, at: ms(20))])
    }

    // g (R4): joining an interrupted run whose worker stopped answers at once.
    @Test(arguments: bothProfiles) func gJoinInterruptedRun(profile: BehaviourProfile) {
        let answered = oneRunning(profile).and(cancel(1, .interrupt, at: 5), stopped(1, at: 6)).when(join(1, at: 20))
        #expect(answered.events.last == .joinAnswered(run: R(1), answer: .finished(.interrupted), at: ms(20)))
    }

    // g2: a pending run with a joined client is marked interrupted instead of deleted by
    // rollback, and the join returns; documented deletes it and answers "Run not found".
    @Test(arguments: bothProfiles) func g2JoinPendingRunThenRollback(profile: BehaviourProfile) {
        let setup = oneRunning(profile).and(create(1, at: 10), join(2, at: 20))
        let cause = CancelCause.supersededBy(R(3))
        let outcome = setup.when(create(1, .rollback, at: 30))
        if profile == .langgraphInmem {
            outcome.then([
                createdEvent(3, .rollback, at: 30), rolledBack(1, at: 30), interrupted(2, .rollback, by: cause, at: 30),
                threadStatus(1, .idle, at: 30), .joinAnswered(run: R(2), answer: .finished(.interrupted), at: ms(30)),
            ])
            let done = runToSuccess(outcome.given.and(stopped(1, at: 31)), run: 3, at: 600).state
            #expect(done.status(2) == .interrupted)  // never deleted
        } else {
            outcome.then([
                createdEvent(3, .rollback, at: 30), rolledBack(1, at: 30), rolledBack(2, at: 30),
                .joinAnswered(run: R(2), answer: .runNotFound, at: ms(30)),
            ])
        }
    }
}
