// Rows c1, d1-d3, e, x and h3 (interrupt/rollback) of the observed scenario table. The oracle
// graph's run R1 has 4 sleeping steps; "after 2 steps" means 4 completed work steps (5 checkpoints).

import RunLifecycle
import Testing

/// R1 (4 sleeping steps) running on T1 with 2 sleeping steps done: checkpoints -1...3.
func partialProgress(_ profile: BehaviourProfile, slots: Int = 1) -> Given {
    oneRunning(profile, slots: slots, steps: 4).and(steps(1, 4, from: 2))
}

/// Drives R2 from the queue to success on T1 (4 work steps) after `at`.
func runToSuccess(_ given: Given, run: UInt32, at: Int64) -> Given {
    given.and([poll(at: at)] + steps(run, 4, from: at + 1) + [finish(run, at: at + 10)])
}

@Suite struct ScenarioInterruptRollbackTests {
    // c1: interrupt keeps every checkpoint of the victim, and the successor's input checkpoint
    // continues the victim's step numbering.
    @Test(arguments: bothProfiles) func c1InterruptAfterPartialProgress(profile: BehaviourProfile) {
        let superseded = partialProgress(profile).when(create(1, .interrupt, at: 1_000))
            .then([createdEvent(2, .interrupt, at: 1_000), interrupted(1, by: .supersededBy(R(2)), at: 1_000)])
        #expect(superseded.after.status(1) == .interrupted)
        let stopped = superseded.given.when(stopped(1, at: 1_002))
            .then([
                .workerStopped(run: R(1), thread: T(1), finalWrite: .interrupted, at: ms(1_002)),
                .threadValuesCached(thread: T(1), fromRun: R(1), at: ms(1_002)),
            ])
        let started = stopped.given.when(poll(at: 2_000))
        #expect(
            started.events.last
                == .checkpointed(Checkpointed(runID: R(2), threadID: T(1), stepIndex: nil, checkpointStep: 4, hasNext: true, at: ms(2_000))))
        let done = runToSuccess(stopped.given, run: 2, at: 2_000).state
        #expect(done.status(1) == .interrupted)
        #expect(done.status(2) == .success)
        #expect(done.checkpoints(1, of: 1) == 5)
        #expect(done.checkpoints(1, of: 2) == 5)
        #expect(done.threadStatus(1) == .idle)
    }

    // d1: rollback without a subscriber deletes the running victim and its checkpoints at once;
    // its worker's final write then finds no run ("Ignoring rollback error for missing run").
    @Test(arguments: bothProfiles) func d1RollbackAfterPartialProgress(profile: BehaviourProfile) {
        let superseded = partialProgress(profile).when(create(1, .rollback, at: 1_000))
            .then([createdEvent(2, .rollback, at: 1_000), rolledBack(1, at: 1_000)])
        #expect(superseded.after.run(R(1)) == nil)
        #expect(superseded.after.wasDeleted(R(1)))
        #expect(superseded.after.thread(T(1))?.checkpointCount == 0)
        let stopped = superseded.given.when(stopped(1, at: 1_003))
            .then([.workerStopped(run: R(1), thread: T(1), finalWrite: .runMissing, at: ms(1_003))])
        let started = stopped.given.when(poll(at: 2_000))
        #expect(
            started.events.last
                == .checkpointed(Checkpointed(runID: R(2), threadID: T(1), stepIndex: nil, checkpointStep: -1, hasNext: true, at: ms(2_000))))
        let done = runToSuccess(stopped.given, run: 2, at: 2_000).state
        #expect(done.checkpoints(1, of: 2) == 5)
        #expect(done.thread(T(1))?.checkpointCount == 5)
    }

    // d2 (in-memory): with a client joined on the victim, rollback first marks it interrupted;
    // its worker deletes it a few ms later, after the blocked join got the run's values.
    @Test func d2RollbackWhileJoinedInmem() {
        let superseded = partialProgress(.langgraphInmem).and(join(1, at: 500)).when(create(1, .rollback, at: 1_000))
            .then([createdEvent(2, .rollback, at: 1_000), interrupted(1, .rollback, by: .supersededBy(R(2)), at: 1_000)])
        #expect(superseded.after.status(1) == .interrupted)
        #expect(superseded.after.checkpoints(1, of: 1) == 5)
        superseded.given.when(stopped(1, at: 1_003))
            .then([
                .joinAnswered(run: R(1), answer: .finished(.interrupted), at: ms(1_003)),
                rolledBack(1, .byWorker, at: 1_003),
                .workerStopped(run: R(1), thread: T(1), finalWrite: .rolledBack, at: ms(1_003)),
            ])
            .thenState { state in
                #expect(state.run(R(1)) == nil)
                #expect(state.thread(T(1))?.checkpointCount == 0)
            }
    }

    // d2 (documented): rollback deletes at once even with a subscriber; the joiner gets the
    // "404: Run not found" body.
    @Test func d2RollbackWhileJoinedDocumented() {
        partialProgress(.documented).and(join(1, at: 500)).when(create(1, .rollback, at: 1_000))
            .then([
                createdEvent(2, .rollback, at: 1_000), rolledBack(1, at: 1_000),
                .joinAnswered(run: R(1), answer: .runNotFound, at: ms(1_000)),
            ])
    }

    // d3: rollback removes only the victim's checkpoints; the successor continues after R0's.
    @Test(arguments: bothProfiles) func d3RollbackKeepsPreviousRunsCheckpoints(profile: BehaviourProfile) {
        let afterRollback = oneRunning(profile).and(steps(1, 4, from: 2) + [finish(1, at: 10)])  // R0 = R1 here
            .and([create(1, at: 100), poll(at: 101)] + steps(2, 2, from: 102))
            .and(create(1, .rollback, at: 200), stopped(2, at: 201))
        let started = afterRollback.when(poll(at: 300))
        #expect(
            started.events.last
                == .checkpointed(Checkpointed(runID: R(3), threadID: T(1), stepIndex: nil, checkpointStep: 4, hasNext: true, at: ms(300))))
        let done = runToSuccess(afterRollback, run: 3, at: 300).state
        #expect(done.thread(T(1))?.checkpoints.map(\.runID) == [R(1), R(3)])
        #expect(done.checkpoints(1, of: 1) == 5)
        #expect(done.status(1) == .success && done.status(3) == .success && done.run(R(2)) == nil)
    }

    /// R1 running, R2 and R3 enqueued behind it.
    func runningWithTwoPending(_ profile: BehaviourProfile) -> Given {
        oneRunning(profile).and(create(1, at: 10), create(1, at: 20))
    }

    // e (interrupt): every in-flight run is cancelled, pending ones too; the in-memory server
    // then shows the thread idle although R4 is pending (quirk idleAfterPendingCancel).
    @Test func eInterruptWithTwoPending() {
        let cause = CancelCause.supersededBy(R(4))
        runningWithTwoPending(.langgraphInmem).when(create(1, .interrupt, at: 30))
            .then([
                createdEvent(4, .interrupt, at: 30), interrupted(1, by: cause, at: 30), interrupted(2, by: cause, at: 30),
                threadStatus(1, .idle, at: 30), interrupted(3, by: cause, at: 30),
            ])
        let documented = runningWithTwoPending(.documented).when(create(1, .interrupt, at: 30))
            .then([
                createdEvent(4, .interrupt, at: 30), interrupted(1, by: cause, at: 30), interrupted(2, by: cause, at: 30),
                interrupted(3, by: cause, at: 30),
            ])
        let done = runToSuccess(documented.given.and(stopped(1, at: 31)), run: 4, at: 100).state
        #expect([done.status(1), done.status(2), done.status(3), done.status(4)] == [.interrupted, .interrupted, .interrupted, .success])
        #expect(done.run(R(2))?.startedAt == nil && done.run(R(3))?.startedAt == nil)
    }

    // e (rollback): every in-flight run is deleted at once, running and pending alike.
    @Test(arguments: bothProfiles) func eRollbackWithTwoPending(profile: BehaviourProfile) {
        runningWithTwoPending(profile).when(create(1, .rollback, at: 30))
            .then([createdEvent(4, .rollback, at: 30), rolledBack(1, at: 30), rolledBack(2, at: 30), rolledBack(3, at: 30)])
            .thenState { #expect($0.runs.map(\.id) == [R(4)]) }
    }

    // x (interrupt, victim pending): the victim never runs; in memory the thread shows idle
    // during the successor's whole pending and running time.
    @Test(arguments: bothProfiles) func xInterruptVictimStillPending(profile: BehaviourProfile) {
        let isInmem = profile == .langgraphInmem
        let superseded = given(profile, create(1, at: 0)).when(create(1, .interrupt, at: 10))
            .then(
                [createdEvent(2, .interrupt, at: 10), interrupted(1, by: .supersededBy(R(2)), at: 10)]
                    + (isInmem ? [threadStatus(1, .idle, at: 10)] : []))
        let running = superseded.given.and(poll(at: 500), step(2, at: 501))
        #expect(running.state.threadStatus(1) == (isInmem ? .idle : .busy))
        let done = runToSuccess(superseded.given, run: 2, at: 500).state
        #expect(done.status(1) == .interrupted && done.run(R(1))?.startedAt == nil && done.status(2) == .success)
    }

    // x (rollback, victim pending): the pending victim is deleted at once.
    @Test(arguments: bothProfiles) func xRollbackVictimStillPending(profile: BehaviourProfile) {
        let superseded = given(profile, create(1, at: 0)).when(create(1, .rollback, at: 10))
            .then([createdEvent(2, .rollback, at: 10), rolledBack(1, at: 10)])
        #expect(runToSuccess(superseded.given, run: 2, at: 500).state.status(2) == .success)
    }

    // x (interrupt chain): R3 interrupts R2 while R2 is still pending behind the interrupted R1.
    @Test(arguments: bothProfiles) func xInterruptChain(profile: BehaviourProfile) {
        let isInmem = profile == .langgraphInmem
        oneRunning(profile).and(create(1, .interrupt, at: 10)).when(create(1, .interrupt, at: 200))
            .then(
                [createdEvent(3, .interrupt, at: 200), interrupted(2, by: .supersededBy(R(3)), at: 200)]
                    + (isInmem ? [threadStatus(1, .idle, at: 200)] : []))
            .thenState { #expect([$0.status(1), $0.status(2), $0.status(3)] == [.interrupted, .interrupted, .pending]) }
    }

    // h3 (interrupt / rollback): a delayed pending run is cancelled and never executes.
    @Test(arguments: bothProfiles, [CancelAction.interrupt, .rollback])
    func h3AfterSecondsThenInterruptOrRollback(profile: BehaviourProfile, action: CancelAction) {
        let strategy: MultitaskStrategy = action == .interrupt ? .interrupt : .rollback
        let superseded = given(profile, create(1, at: 0, after: 3_000)).when(create(1, strategy, at: 10))
        #expect(superseded.after.status(1) == (action == .interrupt ? .interrupted : nil))
        let done = runToSuccess(superseded.given, run: 2, at: 500).when(poll(at: 5_000)).then([])
        #expect(done.after.run(R(1))?.startedAt == nil)
    }
}
