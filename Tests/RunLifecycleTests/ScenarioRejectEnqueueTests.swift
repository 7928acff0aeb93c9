// Rows a*, h3 (reject), i, b*, j, h1, h2 of the observed scenario table (real-server-notes.md).
// Both profiles agree on these rows, so each test runs under both.

import RunLifecycle
import Testing

let bothProfiles: [BehaviourProfile] = [.documented, .langgraphInmem]

/// R1 created at 0 on T1 and started by the poll at 1.
func oneRunning(_ profile: BehaviourProfile, slots: Int = 1, steps: Int = 2) -> Given {
    given(profile, slots: slots, create(1, at: 0, steps: steps), poll(at: 1))
}

@Suite struct ScenarioRejectEnqueueTests {
    // a1: reject while a run is running answers 409 and leaves the running run alone.
    @Test(arguments: bothProfiles) func a1RejectWhileRunning(profile: BehaviourProfile) {
        oneRunning(profile).when(create(1, .reject, at: 10))
            .then([.rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: [R(1)]), at: ms(10))])
            .given.and(steps(1, 4, from: 20) + [finish(1, at: 30)])
            .when(poll(at: 40)).then([])
            .thenState { state in
                #expect(state.status(1) == .success)
                #expect(state.runs.count == 1)
                #expect(state.threadStatus(1) == .idle)
            }
    }

    // a2: a pending run counts as in flight for reject.
    @Test(arguments: bothProfiles) func a2RejectWhilePending(profile: BehaviourProfile) {
        given(profile, create(1, at: 0)).when(create(1, .reject, at: 10))
            .then([.rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: [R(1)]), at: ms(10))])
    }

    // a3: reject looks only at pending/running runs, so a finished thread accepts the run.
    @Test(arguments: bothProfiles) func a3RejectOnIdleThread(profile: BehaviourProfile) {
        oneRunning(profile).and(steps(1, 4, from: 2) + [finish(1, at: 10)])
            .when(create(1, .reject, at: 20))
            .then([threadStatus(1, .busy, at: 20), createdEvent(2, .reject, at: 20)])
    }

    // h3 (reject): a delayed pending run is in flight, so reject answers 409.
    @Test(arguments: bothProfiles) func h3AfterSecondsThenReject(profile: BehaviourProfile) {
        given(profile, create(1, at: 0, after: 3_000)).when(create(1, .reject, at: 10))
            .then([.rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: [R(1)]), at: ms(10))])
    }

    // i (busy part): if_not_exists=create on an existing busy thread still meets reject's 409.
    @Test(arguments: bothProfiles) func iIfNotExistsCreateOnBusyThreadRejects(profile: BehaviourProfile) {
        oneRunning(profile).when(create(1, .reject, at: 10, ifNotExists: .create))
            .then([.rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: [R(1)]), at: ms(10))])
    }

    // i: an unknown thread is created with if_not_exists=create and answered 404 otherwise
    // (reject is also the default), leaving no thread behind.
    @Test(arguments: bothProfiles) func iIfNotExists(profile: BehaviourProfile) {
        let empty = given(profile)
        empty.when(create(9, at: 5, ifNotExists: .create))
            .then([.threadCreated(thread: T(9), temporary: false, status: .busy, at: ms(5)), createdEvent(1, .enqueue, thread: 9, at: 5)])
        let rejected = empty.when(create(9, at: 5, ifNotExists: .reject))
            .then([.rejected(thread: T(9), strategy: .enqueue, reason: .threadNotFound, at: ms(5))])
        #expect(rejected.after == rejected.before)
        let defaulted = CreateRun(threadID: T(9), work: [], at: ms(5))
        #expect(defaulted.ifNotExists == .reject)
        empty.when(.createRun(defaulted))
            .then([.rejected(thread: T(9), strategy: .enqueue, reason: .threadNotFound, at: ms(5))])
    }

    // b1: enqueue behind a running run waits until the blocker ends, then starts.
    @Test(arguments: bothProfiles) func b1EnqueueWhileRunning(profile: BehaviourProfile) {
        oneRunning(profile, slots: 10).when(create(1, .enqueue, at: 10)).then([createdEvent(2, .enqueue, at: 10)])
            .given.when(poll(at: 20)).then([])
            .given.and(steps(1, 4, from: 30) + [finish(1, at: 40)])
            .when(poll(at: 41))
            .then([
                .started(run: R(2), thread: T(1), attempt: 1, at: ms(41)),
                .checkpointed(Checkpointed(runID: R(2), threadID: T(1), stepIndex: nil, checkpointStep: 4, hasNext: true, at: ms(41))),
            ])
    }

    // b2/b3: queued runs of one thread run in created_at order, ties broken by insertion order.
    @Test(arguments: bothProfiles) func b2b3EnqueueFifo(profile: BehaviourProfile) {
        var state = oneRunning(profile, slots: 10).and(create(1, at: 10), create(1, at: 60), create(1, at: 60)).state
        var startOrder: [RunID] = [R(1)]
        var now: Int64 = 100
        for runID in [R(1), R(2), R(3), R(4)] {
            if state.run(runID)?.status == .pending {
                let events = Decider.handle(.dequeue(snapshot: ms(now), limit: 10, at: ms(now)), &state)
                startOrder += events.compactMap { if case .started(let run, _, _, _) = $0 { run } else { nil } }
            }
            for _ in 0..<4 { Decider.handle(.checkpoint(run: runID, at: ms(now)), &state) }
            Decider.handle(.finish(run: runID, outcome: .success, at: ms(now + 1)), &state)
            now += 10
        }
        #expect(startOrder == [R(1), R(2), R(3), R(4)])
        #expect(state.runs.allSatisfy { $0.status == .success })
        #expect(state.thread(T(1))?.checkpoints.map(\.runID) == [R(1), R(2), R(3), R(4)])
    }

    // j: a create without multitask_strategy is stored as enqueue.
    @Test func jDefaultStrategyIsEnqueue() {
        let request = CreateRun(threadID: T(1), ifNotExists: .create, work: [], at: ms(0))
        #expect(request.strategy == .enqueue)
        let outcome = given(.langgraphInmem).when(.createRun(request))
        #expect(outcome.after.run(R(1))?.strategy == .enqueue)
    }

    // h1: created_at = request + after_seconds, the thread is busy at once, and the run is not
    // dequeued before a poll whose snapshot is past created_at.
    @Test(arguments: bothProfiles) func h1AfterSecondsDelayedRun(profile: BehaviourProfile) {
        let delayed = given(profile).when(create(1, at: 0, after: 2_000))
        delayed.thenState { state in
            #expect(state.run(R(1))?.createdAt == ms(2_000))
            #expect(state.threadStatus(1) == .busy)
        }
        delayed.given.when(poll(at: 1_000)).then([])
        delayed.given.when(poll(at: 2_000)).then([])  // created_at < snapshot is strict
        #expect(delayed.given.when(poll(at: 2_001)).events.first == .started(run: R(1), thread: T(1), attempt: 1, at: ms(2_001)))
    }

    // h2: a delayed run is overtaken by a later undelayed one, because the FIFO key is created_at.
    @Test(arguments: bothProfiles) func h2AfterSecondsThenEnqueue(profile: BehaviourProfile) {
        let state = given(profile, create(1, at: 0, after: 3_000), create(1, at: 10)).state
        #expect(Array(state.pendingOrder) == [R(2), R(1)])
        let first = given(profile, create(1, at: 0, after: 3_000), create(1, at: 10)).when(poll(at: 500))
        #expect(first.events.first == .started(run: R(2), thread: T(1), attempt: 1, at: ms(500)))
    }
}
