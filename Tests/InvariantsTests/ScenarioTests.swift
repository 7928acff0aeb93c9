// Every row of real-server-notes.md's scenario table, replayed through the real domain under
// both profiles and then drained: the oracle finds no safety or liveness violation, and under
// `langgraph-inmem` the quirks the notes observed show up as profile divergences.

import Invariants
import RunLifecycle
import Testing

/// One scenario row: the commands that set it up, the slot count, and the quirks the
/// in-memory profile must show as divergences.
struct Scenario: Sendable, CustomTestStringConvertible {
    let name: String
    var slots = 1
    let commands: [Command]
    var inmemQuirks: Set<Quirk> = []

    var testDescription: String { name }
}

/// R1 (4 sleeping steps) running on T1 with 2 sleeping steps done.
let partialProgress: [Command] = [create(1, at: 0, steps: 4), poll(at: 1)] + steps(1, 4, from: 2)

let scenarios: [Scenario] = [
    Scenario(name: "a1_reject_while_running", commands: [create(1, at: 0, steps: 3), poll(at: 1), create(1, .reject, at: 10)]),
    Scenario(name: "a2_reject_while_pending", commands: [create(1, at: 0), create(1, .reject, at: 10)]),
    Scenario(
        name: "a3_reject_on_idle_thread",
        commands: [create(1, at: 0), poll(at: 1)] + steps(1, 4, from: 2) + [finish(1, at: 10), create(1, .reject, at: 20)]),
    Scenario(name: "h3_after_seconds_then_reject", commands: [create(1, at: 0, after: 3_000), create(1, .reject, at: 10)]),
    Scenario(
        name: "i_if_not_exists_busy",
        commands: [create(1, at: 0), poll(at: 1), create(1, .reject, at: 10, ifNotExists: .create)]),
    Scenario(name: "b1_enqueue_while_running", commands: [create(1, at: 0), poll(at: 1), create(1, at: 10)]),
    Scenario(
        name: "b2_enqueue_fifo_3_queued",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 50), create(1, at: 100), create(1, at: 150)]),
    Scenario(
        name: "b3_enqueue_3_concurrent_requests",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), create(1, at: 10), create(1, at: 11)]),
    Scenario(
        name: "j_default_strategy",
        commands: [
            create(1, at: 0), poll(at: 1),
            .createRun(CreateRun(threadID: T(1), work: oracleWork(steps: 2), at: ms(10))),
        ]),
    Scenario(name: "c1_interrupt_after_partial_progress", commands: partialProgress + [create(1, .interrupt, at: 1_000), stopped(1, at: 1_002)]),
    Scenario(name: "d1_rollback_after_partial_progress", commands: partialProgress + [create(1, .rollback, at: 1_000), stopped(1, at: 1_003)]),
    Scenario(
        name: "d2_rollback_while_joined",
        commands: partialProgress + [join(1, at: 500), create(1, .rollback, at: 1_000), stopped(1, at: 1_003)],
        inmemQuirks: [.rollbackWithSubscriberDefersDelete]),
    Scenario(
        name: "d3_rollback_keeps_previous_runs_checkpoints",
        commands: [create(1, at: 0), poll(at: 1)] + steps(1, 4, from: 2)
            + [finish(1, at: 10), create(1, at: 20, steps: 4), poll(at: 21)] + steps(2, 4, from: 22)
            + [create(1, .rollback, at: 1_000), stopped(2, at: 1_003)]),
    Scenario(
        name: "e_interrupt_with_2_pending",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), create(1, at: 20), create(1, .interrupt, at: 1_000), stopped(1, at: 1_002)],
        inmemQuirks: [.idleAfterPendingCancel]),
    Scenario(
        name: "e_rollback_with_2_pending",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), create(1, at: 20), create(1, .rollback, at: 1_000), stopped(1, at: 1_003)]),
    Scenario(
        name: "x_interrupt_victim_still_pending", commands: [create(1, at: 0), create(1, .interrupt, at: 10)],
        inmemQuirks: [.idleAfterPendingCancel]),
    Scenario(name: "x_rollback_victim_still_pending", commands: [create(1, at: 0), create(1, .rollback, at: 10)]),
    Scenario(
        name: "x_interrupt_chain",
        commands: [create(1, at: 0), poll(at: 1), create(1, .interrupt, at: 100), stopped(1, at: 102), create(1, .interrupt, at: 300)],
        inmemQuirks: [.idleAfterPendingCancel]),
    Scenario(
        name: "h3_after_seconds_then_interrupt", commands: [create(1, at: 0, after: 3_000), create(1, .interrupt, at: 10)],
        inmemQuirks: [.idleAfterPendingCancel]),
    Scenario(name: "h3_after_seconds_then_rollback", commands: [create(1, at: 0, after: 3_000), create(1, .rollback, at: 10)]),
    Scenario(name: "f_cancel_interrupt_running", commands: partialProgress + [cancel(1, .interrupt, at: 1_000), stopped(1, at: 1_002)]),
    Scenario(
        name: "f_cancel_rollback_running", commands: partialProgress + [cancel(1, .rollback, at: 1_000), stopped(1, at: 1_003)],
        inmemQuirks: [.eagerDeleteLeavesThreadBusy]),
    Scenario(
        name: "f2_cancel_rollback_running_then_new_run",
        commands: partialProgress + [cancel(1, .rollback, at: 1_000), stopped(1, at: 1_003), create(1, .reject, at: 4_000)],
        inmemQuirks: [.eagerDeleteLeavesThreadBusy]),
    Scenario(
        name: "f_cancel_interrupt_pending", commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), cancel(2, .interrupt, at: 20)],
        inmemQuirks: [.idleAfterPendingCancel]),
    Scenario(name: "f_cancel_rollback_pending", commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), cancel(2, .rollback, at: 20)]),
    Scenario(
        name: "f_cancel_interrupt_running_wait",
        commands: partialProgress + [cancel(1, .interrupt, wait: true, at: 1_000), stopped(1, at: 1_003)]),
    Scenario(
        name: "f_cancel_rollback_running_wait",
        commands: partialProgress + [cancel(1, .rollback, wait: true, at: 1_000), stopped(1, at: 1_003)],
        inmemQuirks: [.rollbackWithSubscriberDefersDelete]),
    Scenario(
        name: "f_cancel_finished_run",
        commands: [create(1, at: 0), poll(at: 1)] + steps(1, 4, from: 2)
            + [finish(1, at: 10), cancel(1, .interrupt, at: 20), cancel(1, .rollback, at: 21)]),
    Scenario(
        name: "g_join_finished_running_rolled_back_interrupted",
        commands: [create(1, at: 0), poll(at: 1)] + steps(1, 4, from: 2) + [finish(1, at: 10), join(1, at: 20)]
            + [create(2, at: 30), poll(at: 31), join(2, at: 40)] + steps(2, 4, from: 41) + [finish(2, at: 50)]
            + [create(3, at: 60), poll(at: 61), cancel(3, .rollback, at: 70), stopped(3, at: 71), join(3, at: 80)]
            + [create(4, at: 90), poll(at: 91), cancel(4, .interrupt, at: 100), stopped(4, at: 101), join(4, at: 110)],
        inmemQuirks: [.eagerDeleteLeavesThreadBusy]),
    Scenario(
        name: "g2_join_pending_run_then_rollback",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), join(2, at: 20), create(1, .rollback, at: 1_000), stopped(1, at: 1_003)],
        inmemQuirks: [.pendingRollbackWithSubscriberKeepsRun]),
    Scenario(name: "h1_after_seconds_delayed_run", commands: [create(1, at: 0, after: 2_000), poll(at: 2_720)]),
    Scenario(name: "h2_after_seconds_then_enqueue", commands: [create(1, at: 0, after: 3_000), create(1, at: 10), poll(at: 500)]),
    Scenario(
        name: "i_if_not_exists",
        commands: [create(9, at: 0, ifNotExists: .create), create(8, at: 1, ifNotExists: .reject), poll(at: 600)]),
    Scenario(
        name: "y_head_of_line_10jobs", slots: 10,
        commands: [create(1, at: 0, steps: 6), poll(at: 1), create(1, at: 10), create(3, at: 60), poll(at: 100)]),
    Scenario(
        name: "y_head_of_line_2jobs", slots: 2,
        commands: [create(1, at: 0, steps: 6), poll(at: 1), create(1, at: 10), create(3, at: 60), poll(at: 100)]),
    Scenario(
        name: "y_head_of_line_1job", slots: 1,
        commands: [create(1, at: 0, steps: 6), poll(at: 1), create(1, at: 10), create(3, at: 60), poll(at: 100)]),
    Scenario(name: "z_cross_thread_concurrency_10jobs", slots: 10, commands: (1...4).map { create($0, at: 0) }),
    Scenario(name: "z_cross_thread_concurrency_2jobs", slots: 2, commands: (1...4).map { create($0, at: 0) }),
    Scenario(name: "z_cross_thread_concurrency_1job", slots: 1, commands: (1...4).map { create($0, at: 0) }),
    // §4.4.1: two slots, a cancelled worker still unwinding when its successor is dispatched.
    Scenario(
        name: "overlap_interrupt_two_slots", slots: 2,
        commands: partialProgress + [create(1, .interrupt, at: 1_000), poll(at: 1_600)] + steps(2, 4, from: 1_601)
            + [finish(2, at: 1_700), stopped(1, at: 2_000)],
        inmemQuirks: [.cancelledWorkerFreesThreadAtOnce]),
    // §2: a graceful restart re-queues the running run; in memory its attempt counter resets.
    Scenario(
        name: "restart_requeues_running_run",
        commands: [create(1, at: 0), poll(at: 1), step(1, at: 2), .serverRestart(at: ms(10)), poll(at: 600)],
        inmemQuirks: [.attemptCounterNotRestored]),
]

@Suite struct ScenarioTests {
    // Proves the oracle accepts the documented intent: every scenario, drained, yields no
    // violation of any kind (no safety, no liveness, and no divergence since no quirk is on).
    @Test(arguments: scenarios)
    func documentedScenarioIsClean(scenario: Scenario) {
        var harness = Harness(.documented, slots: scenario.slots)
        harness.apply(scenario.commands)
        harness.drain()
        let violations = harness.finish()
        #expect(violations.isEmpty, "\(scenario.name):\n\(violations.text)")
        #expect(harness.checker.observedEventCount == harness.journal.count)
    }

    // Proves the in-memory quirks are reported as what they are: no safety or liveness
    // violation, and each quirk the notes observed in this row appears as a divergence.
    @Test(arguments: scenarios)
    func inmemScenarioShowsOnlyItsQuirks(scenario: Scenario) {
        var harness = Harness(.langgraphInmem, slots: scenario.slots)
        harness.apply(scenario.commands)
        harness.drain()
        let violations = harness.finish()
        #expect(violations.failures.isEmpty, "\(scenario.name):\n\(violations.text)")
        #expect(scenario.inmemQuirks.isSubset(of: violations.quirks), "\(scenario.name):\n\(violations.text)")
        checkExplanations(violations)
    }
}
