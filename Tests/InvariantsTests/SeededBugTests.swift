// The oracle catches seeded bugs: test-only broken deciders (the real decider with its output
// events rewritten) must each be reported under the expected rule, while the same commands
// through the unbroken decider stay clean, so every check here can fail both ways.

import Invariants
import RunLifecycle
import Testing

/// A broken decider: the commands that expose it, how it rewrites events, the rule it breaks.
struct SeededBug: Sendable, CustomTestStringConvertible {
    let name: String
    var profile: BehaviourProfile = .documented
    var slots = 1
    let commands: [Command]
    let expected: Rule
    let mutation: @Sendable (Command, State, inout [Event]) -> Void

    var testDescription: String { name }
}

/// The created event a decider would emit for a fresh run `runID` on `thread`.
func createdEvent(_ runID: RunID, thread: ThreadID, _ strategy: MultitaskStrategy, at: Timestamp, after: Microseconds = .zero) -> Event {
    .created(
        RunCreated(
            runID: runID, threadID: thread, assistantID: AssistantID(1), strategy: strategy, requestedAt: at, after: after,
            work: oracleWork(steps: 2), subscribed: false))
}

func isStart(_ event: Event) -> Bool {
    if case .started = event { true } else { false }
}

let seededBugs: [SeededBug] = [
    SeededBug(
        name: "reject_also_creates", commands: [create(1, at: 0), create(1, .reject, at: 10)],
        expected: .rejectedCreateChangesNothing
    ) { command, state, events in
        guard case .rejected(let thread?, _, .threadBusy, let at) = events.last else { return }
        events.append(createdEvent(state.nextRunID, thread: thread, .reject, at: at))
    },
    SeededBug(
        name: "enqueue_starts_youngest_first",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), create(1, at: 20)] + steps(1, 4, from: 30)
            + [finish(1, at: 40), poll(at: 600)],
        expected: .enqueueCreatedAtOrder
    ) { command, state, events in
        guard case .dequeue = command, let youngest = state.pendingOrder.last else { return }
        events = events.map { event in
            switch event {
            case .started(let run, let thread, let attempt, let at) where run != youngest:
                return .started(run: youngest, thread: thread, attempt: attempt, at: at)
            case .checkpointed(var checkpointed) where checkpointed.runID != youngest:
                checkpointed.runID = youngest
                return .checkpointed(checkpointed)
            default:
                return event
            }
        }
    },
    SeededBug(
        name: "rollback_leaves_checkpoints", commands: partialProgress + [create(1, .rollback, at: 1_000), stopped(1, at: 1_003), poll(at: 1_600)],
        expected: .rollbackDeletesInFlight
    ) { command, state, events in
        // The successor's input checkpoint numbers on from the victim's kept checkpoints (-1...3).
        guard case .dequeue(_, _, let at) = command, at > ms(1_000) else { return }
        events = events.map { event in
            guard case .checkpointed(var checkpointed) = event, checkpointed.checkpointStep == -1 else { return event }
            checkpointed.checkpointStep = 4
            return .checkpointed(checkpointed)
        }
    },
    SeededBug(
        // The surviving history is an earlier run's span (checkpoints -1...1) once the rollback
        // deletes the victim's (2...4): the successor's input checkpoint must number on from it
        // (step 2). Renumbered -1, as if no history survived, it is caught only by a checker
        // that keeps the earlier span as the tip when the latest one is deleted.
        name: "rollback_forgets_earlier_history",
        commands: [create(1, at: 0), poll(at: 1)] + steps(1, 2, from: 2) + [finish(1, at: 10)]
            + [create(1, at: 20, steps: 4), poll(at: 21)] + steps(2, 2, from: 22)
            + [create(1, .rollback, at: 1_000), stopped(2, at: 1_003), poll(at: 1_600)],
        expected: .checkpointHistory
    ) { command, state, events in
        guard case .dequeue(_, _, let at) = command, at > ms(1_000) else { return }
        events = events.map { event in
            guard case .checkpointed(var checkpointed) = event, checkpointed.checkpointStep == 2 else { return event }
            checkpointed.checkpointStep = -1
            return .checkpointed(checkpointed)
        }
    },
    SeededBug(
        name: "rollback_victim_keeps_checkpointing", commands: partialProgress + [create(1, .rollback, at: 1_000), step(1, at: 1_001)],
        expected: .noEventAfterDeletion
    ) { command, state, events in
        guard case .checkpoint(let run, let at) = command, state.run(run) == nil else { return }
        events = [
            .checkpointed(Checkpointed(runID: run, threadID: T(1), stepIndex: 4, checkpointStep: nil, hasNext: true, at: at))
        ]
    },
    SeededBug(
        name: "interrupt_spares_a_pending_run",
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), create(1, at: 20), create(1, .interrupt, at: 1_000), stopped(1, at: 1_002)],
        expected: .interruptCancelsInFlight
    ) { command, state, events in
        events.removeAll { event in
            if case .interrupted(let run, _, _, _, _) = event { return run == R(3) }
            return false
        }
    },
    SeededBug(
        name: "dequeue_starts_second_run_on_busy_thread", slots: 2,
        commands: [create(1, at: 0), poll(at: 1), create(1, at: 10), poll(at: 600)],
        expected: .singleRunningRunPerThread
    ) { command, state, events in
        guard case .dequeue(_, _, let at) = command, events.isEmpty, let waiting = state.pendingOrder.first else { return }
        events = [.started(run: waiting, thread: T(1), attempt: 1, at: at)]
    },
    SeededBug(
        name: "run_started_before_created_at", commands: [create(1, at: 0, after: 2_000), poll(at: 500)],
        expected: .noStartBeforeCreatedAt
    ) { command, state, events in
        guard case .dequeue(_, _, let at) = command, events.isEmpty, let waiting = state.pendingOrder.first else { return }
        events = [.started(run: waiting, thread: T(1), attempt: 1, at: at)]
    },
    SeededBug(
        name: "join_answered_before_run_ended", commands: [create(1, at: 0), poll(at: 1), join(1, at: 5)],
        expected: .joinAnsweredAfterSettled
    ) { command, state, events in
        guard case .join(let run, let at) = command else { return }
        events.append(.joinAnswered(run: run, answer: .finished(.success), at: at))
    },
    SeededBug(
        name: "slot_overcommit", commands: [create(1, at: 0), poll(at: 1), create(2, at: 10), poll(at: 600)],
        expected: .slotCapacity
    ) { command, state, events in
        guard case .dequeue(_, _, let at) = command, events.isEmpty, let waiting = state.pendingOrder.first else { return }
        events = [.started(run: waiting, thread: T(2), attempt: 1, at: at)]
    },
    SeededBug(
        name: "time_goes_backwards", commands: [create(1, at: 0), poll(at: 1)] + steps(1, 4, from: 2) + [finish(1, at: 100)],
        expected: .timeMonotonic
    ) { command, state, events in
        guard case .finish = command else { return }
        events = events.map { event in
            guard case .succeeded(let run, let thread, _) = event else { return event }
            return .succeeded(run: run, thread: thread, at: ms(3))
        }
    },
    SeededBug(
        name: "duplicate_run_id", commands: [create(1, at: 0), create(2, at: 10)],
        expected: .runIDUnique
    ) { command, state, events in
        events = events.map { event in
            guard case .created(var created) = event, created.runID == R(2) else { return event }
            created.runID = R(1)
            return .created(created)
        }
    },
    SeededBug(
        name: "finish_forgets_thread_status",
        commands: [create(1, at: 0), poll(at: 1)] + steps(1, 4, from: 2) + [finish(1, at: 10), create(2, at: 700)],
        expected: .threadStatusFollowsRuns
    ) { command, state, events in
        guard case .finish = command else { return }
        events.removeAll { if case .threadStatusChanged = $0 { true } else { false } }
    },
    SeededBug(
        name: "successor_overlaps_cancelled_worker", slots: 2,
        commands: partialProgress + [create(1, .interrupt, at: 1_000), poll(at: 1_600), stopped(1, at: 2_000)],
        expected: .noExecutionOverlap
    ) { command, state, events in
        guard case .dequeue(_, _, let at) = command, events.isEmpty, let waiting = state.pendingOrder.first else { return }
        events = [.started(run: waiting, thread: T(1), attempt: 1, at: at)]
    },
    SeededBug(
        name: "dequeue_loses_a_run", commands: [create(1, at: 0), poll(at: 600)],
        expected: .drainedNothingInFlight
    ) { command, state, events in
        // The broken poller never starts anything: the run is left pending at drain.
        guard case .dequeue = command else { return }
        events.removeAll()
    },
    SeededBug(
        name: "start_of_unknown_run", commands: [create(1, at: 0), poll(at: 600)],
        expected: .legalTransition
    ) { command, state, events in
        // A started event for a run that was never created.
        guard case .dequeue(_, _, let at) = command else { return }
        events.append(.started(run: R(42), thread: T(1), attempt: 1, at: at))
    },
]

@Suite struct SeededBugTests {
    // Proves each seeded bug is caught under its rule, and that the same commands through the
    // unbroken decider raise nothing, so the detection is due to the bug alone.
    @Test(arguments: seededBugs)
    func brokenDeciderIsCaught(bug: SeededBug) {
        var broken = Harness(bug.profile, slots: bug.slots, mutation: bug.mutation)
        broken.apply(bug.commands)
        broken.drain()
        let violations = broken.finish()
        #expect(violations.failures.rules.contains(bug.expected), "\(bug.name) expected \(bug.expected):\n\(violations.text)")

        var clean = Harness(bug.profile, slots: bug.slots)
        clean.apply(bug.commands)
        clean.drain()
        let none = clean.finish()
        #expect(none.isEmpty, "\(bug.name) without the bug:\n\(none.text)")
        checkExplanations(violations)
    }

    // Proves rule 12's sequence check: a skipped sequence number is reported with both numbers.
    @Test func sequenceGapIsReported() {
        var checker = InvariantChecker(configuration: CheckerConfiguration(profile: .documented, slotCount: 1))
        checker.observe(.threadCreated(thread: T(1), temporary: false, status: .busy, at: ms(0)), sequence: 7)
        checker.observe(createdEvent(R(1), thread: T(1), .enqueue, at: ms(0)), sequence: 9)
        let violations = checker.violations
        #expect(violations.map(\.rule) == [.sequenceContiguous])
        #expect(violations.first?.sequences == [9])
        #expect(violations.first?.explanation.contains("sequence 8 after #7") == true)
    }

    // Proves the poller rule both ways with a 500 ms poll: a faithful poller (snapshot before
    // the sleep, oldest `free` window) is never reported across the head-of-line scenario, and
    // a lazy poller that skips polls while a slot is free is reported as a liveness violation.
    @Test func pollerLeavingASlotIdleIsCaught() {
        let prefix = [create(1, at: 0, steps: 6), poll(at: 1), create(1, at: 10), create(3, at: 60)]
        for slots in [1, 2, 10] {
            var faithful = Harness(.langgraphInmem, slots: slots, pollInterval: .milliseconds(500))
            faithful.apply(prefix)
            faithful.drain()
            #expect(faithful.finish().failures.isEmpty, "slots \(slots)")
            if slots == 2 { #expect(faithful.checker.coverage.headOfLineBlocks > 0) }
        }
        var lazy = Harness(.langgraphInmem, slots: 1, pollInterval: .milliseconds(500))
        lazy.apply([create(1, at: 0), create(2, at: 0), poll(at: 600)] + steps(1, 4, from: 601) + [finish(1, at: 700)])
        // Nothing polls for 2.9 s although R2's thread is free and the slot is idle.
        lazy.apply(poll(at: 3_600))
        let violations = lazy.finish(drained: false)
        #expect(violations.failures.map(\.rule) == [.pollerFillsFreeSlots], "\(violations.text)")
        #expect(violations.first?.kind == .liveness)
        checkExplanations(violations)
    }
}

/// (d) Every explanation is one line, says what was expected and observed, and names the
/// sequence number of every event the violation lists.
func checkExplanations(_ violations: [Violation], sourceLocation: SourceLocation = #_sourceLocation) {
    for violation in violations {
        let line = violation.explanation
        #expect(!line.contains(where: { $0.isNewline }), "\(line)", sourceLocation: sourceLocation)
        #expect(line.contains("expected ") && line.contains("observed "), "\(line)", sourceLocation: sourceLocation)
        for event in violation.events {
            #expect(line.contains("#\(event.sequence)@"), "\(line) lacks #\(event.sequence)", sourceLocation: sourceLocation)
        }
        if violation.kind == .profileDivergence {
            #expect(violation.quirk != nil && line.contains("\(violation.quirk!)"), sourceLocation: sourceLocation)
        } else {
            #expect(violation.quirk == nil, sourceLocation: sourceLocation)
        }
    }
}
