// Each Quirk, switched on alone against the documented profile, changes exactly the behaviour
// its documentation names.

import RunLifecycle
import Testing

func only(_ quirk: Quirk) -> BehaviourProfile { BehaviourProfile(name: "only-\(quirk)", quirks: [quirk]) }

@Suite struct QuirkTests {
    // The in-memory profile enables every quirk and the documented one none.
    @Test func profilesEnableTheirQuirks() {
        #expect(BehaviourProfile.langgraphInmem.quirks == Quirk.allCases)
        #expect(BehaviourProfile.documented.quirks.isEmpty)
        #expect(only(.idleAfterPendingCancel).has(.idleAfterPendingCancel))
        #expect(!only(.idleAfterPendingCancel).has(.eagerDeleteLeavesThreadBusy))
    }

    // (1) Cancelling a pending run sets the thread idle while another run is still running.
    @Test func idleAfterPendingCancel() {
        let setup = { (profile: BehaviourProfile) in oneRunning(profile).and(create(1, at: 10)) }
        setup(only(.idleAfterPendingCancel)).when(cancel(2, .interrupt, at: 20))
            .then([interrupted(2, by: .cancelRequest, at: 20), threadStatus(1, .idle, at: 20)])
        setup(.documented).when(cancel(2, .interrupt, at: 20)).then([interrupted(2, by: .cancelRequest, at: 20)])
    }

    // (2) An eager rollback of a running run without subscriber, and DELETE of a running run,
    // leave the thread busy forever; documented recomputes when the worker stops.
    @Test(arguments: [true, false]) func eagerDeleteLeavesThreadBusy(byDelete: Bool) {
        for profile in [only(.eagerDeleteLeavesThreadBusy), .documented] {
            let removal = byDelete ? delete(1, at: 100) : cancel(1, .rollback, at: 100)
            // After DELETE the worker carries on and ends on its own; after rollback it stops.
            let end = byDelete ? finish(1, at: 200) : stopped(1, at: 200)
            let state = oneRunning(profile).and(removal, end).state
            #expect(state.runs.isEmpty && state.executions.isEmpty)
            #expect(state.threadStatus(1) == (profile == .documented ? .idle : .busy), "\(profile)")
        }
    }

    // (2) A delayed pending run rolled back eagerly also leaves its thread busy.
    @Test func eagerDeleteOfPendingRunLeavesThreadBusy() {
        given(only(.eagerDeleteLeavesThreadBusy), create(1, at: 0, after: 3_000)).when(cancel(1, .rollback, at: 10))
            .then([rolledBack(1, at: 10)]).thenState { #expect($0.threadStatus(1) == .busy) }
        given(.documented, create(1, at: 0, after: 3_000)).when(cancel(1, .rollback, at: 10))
            .then([rolledBack(1, at: 10), threadStatus(1, .idle, at: 10)])
    }

    // (3) Rollback of a pending run with a subscriber leaves it interrupted, never deleted.
    @Test func pendingRollbackWithSubscriberKeepsRun() {
        let setup = { (profile: BehaviourProfile) in
            given(profile, create(1, at: 0, subscribed: true))
        }
        setup(only(.pendingRollbackWithSubscriberKeepsRun)).when(cancel(1, .rollback, at: 10))
            .then([interrupted(1, .rollback, by: .cancelRequest, at: 10), threadStatus(1, .idle, at: 10)])
            .thenState { #expect($0.status(1) == .interrupted) }
        setup(.documented).when(cancel(1, .rollback, at: 10)).then([rolledBack(1, at: 10), threadStatus(1, .idle, at: 10)])
    }

    // The subscriber-dependent path for running runs: interrupted now, deleted by the worker.
    @Test func rollbackWithSubscriberDefersDelete() {
        let subscribed = oneRunning(only(.rollbackWithSubscriberDefersDelete)).and(.subscribe(run: R(1), at: ms(5)))
        subscribed.when(cancel(1, .rollback, at: 10)).then([interrupted(1, .rollback, by: .cancelRequest, at: 10)])
            .given.when(stopped(1, at: 12))
            .then([
                rolledBack(1, .byWorker, at: 12),
                .workerStopped(run: R(1), thread: T(1), finalWrite: .rolledBack, at: ms(12)),
                threadStatus(1, .idle, at: 12),
            ])
    }

    // (4) With 2 slots the successor starts while the interrupted worker still executes, and
    // the old worker's late final write overwrites the thread with its stale status and values.
    @Test func cancelledWorkerFreesThreadAtOnceOverlapAndStaleOverwrite() {
        let quirky = partialProgress(only(.cancelledWorkerFreesThreadAtOnce), slots: 2).and(create(1, .interrupt, at: 1_000))
        let overlap = quirky.when(poll(at: 1_500))
        #expect(startedRuns(overlap.events) == [R(2)])
        #expect(overlap.after.executions.map(\.runID) == [R(1), R(2)])
        let successorDone = overlap.given.and(steps(2, 4, from: 1_600) + [finish(2, at: 3_000)])
        #expect(successorDone.state.threadStatus(1) == .idle)
        #expect(successorDone.state.thread(T(1))?.valuesFromRunID == R(2))
        successorDone.when(stopped(1, at: 3_500))
            .then([
                .workerStopped(run: R(1), thread: T(1), finalWrite: .interrupted, at: ms(3_500)),
                threadStatus(1, .interrupted, at: 3_500),
                .threadValuesCached(thread: T(1), fromRun: R(1), at: ms(3_500)),
            ])
        // Documented: the successor waits for the old worker, so nothing overlaps.
        let documented = partialProgress(.documented, slots: 2).and(create(1, .interrupt, at: 1_000))
        documented.when(poll(at: 1_500)).then([])
        #expect(startedRuns(documented.and(stopped(1, at: 1_501)).when(poll(at: 2_000)).events) == [R(2)])
    }

    // (4) With one slot the overlap cannot happen even in memory: the slot stays occupied.
    @Test func oneSlotPreventsOverlap() {
        partialProgress(.langgraphInmem).and(create(1, .interrupt, at: 1_000)).when(poll(at: 1_500)).then([])
    }

    // (5) After a graceful restart the re-queued run starts again with attempt 1 in memory,
    // and with attempt 2 under the documented intent.
    @Test func attemptCounterNotRestored() {
        for (profile, expectedAttempt) in [(only(.attemptCounterNotRestored), UInt32(1)), (.documented, 2)] {
            let restarted = oneRunning(profile).when(.serverRestart(at: ms(100)))
                .then([
                    .retried(run: R(1), thread: T(1), cause: .serverShutdown, at: ms(100)),
                    .serverRestarted(attemptCountersReset: profile != .documented, at: ms(100)),
                ])
            #expect(restarted.after.status(1) == .pending && restarted.after.executions.isEmpty)
            let again = restarted.given.when(poll(at: 200))
            #expect(again.events.first == .started(run: R(1), thread: T(1), attempt: expectedAttempt, at: ms(200)))
            // A resumed run does not write a second input checkpoint.
            #expect(again.events.count == 1)
        }
    }

    // (7) A rejected create still marks an idle thread busy in memory; documented changes nothing.
    @Test func busyBeforeRejectCheck() {
        // Reach "idle while a run is pending" first (quirk 1), then send a reject.
        let idleWithPending = given(.langgraphInmem, create(1, at: 0), create(1, at: 5), cancel(1, .interrupt, at: 6))
        #expect(idleWithPending.state.threadStatus(1) == .idle)
        idleWithPending.when(create(1, .reject, at: 10))
            .then([
                threadStatus(1, .busy, at: 10),
                .rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: [R(2)]), at: ms(10)),
            ])
        let documented = given(.documented, create(1, at: 0)).when(create(1, .reject, at: 10))
        #expect(documented.after == documented.before)
    }
}
