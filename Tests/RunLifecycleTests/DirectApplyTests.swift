// The decision applies its frequent events without going through `evolve` (Decision+Apply.swift).
// These properties pin that shortcut to `evolve` one command at a time, so a drift shows up at
// the command that caused it: the state `handle` leaves equals the state before the command
// with the command's events folded on it, and `decide` (on a scratch copy) emits the same events.

import PropertyBased
import RunLifecycle
import Testing

/// Runs the steps, checking every command; with `forgetting`, settled runs and idle threads
/// leave the state now and then, as the simulator makes them, so a fresh fold sees their traces.
func checkEachCommandAgainstEvolve(_ steps: [Step], profile: BehaviourProfile, slots: Int, forgetting: Bool) {
    var state = State.initial(profile: profile, slots: slots)
    var now: Int64 = 0
    for step in steps {
        now += Int64(step.advanceMillis)
        if forgetting, step.advanceMillis % 3 == 0 {
            for run in state.runs { state.forgetSettledRun(run.id) }
            for thread in state.threads { state.forgetIdleThread(thread.id) }
        }
        let next = command(for: step, in: state, now: now)
        let before = state
        let decided = Decider.decide(next, before)
        let events = Decider.handle(next, &state)
        #expect(events == decided, "decide and handle disagree on \(next)")
        let folded = Decider.fold(events, from: before)
        #expect(folded == state, "handle's state differs from evolve's after \(next)")
        #expect(folded.stateDigest == state.stateDigest, "digest after \(next)")
    }
}

@Suite struct DirectApplyTests {
    @Test(.shrinking) func documentedHandleMatchesEvolve() async {
        await propertyCheck(count: 300, input: stepsGenerator, Gen.int(in: 1...3), Gen.bool) { steps, slots, forgetting in
            checkEachCommandAgainstEvolve(steps, profile: .documented, slots: slots, forgetting: forgetting)
        }
    }

    @Test(.shrinking) func inmemHandleMatchesEvolve() async {
        await propertyCheck(count: 300, input: stepsGenerator, Gen.int(in: 1...3), Gen.bool) { steps, slots, forgetting in
            checkEachCommandAgainstEvolve(steps, profile: .langgraphInmem, slots: slots, forgetting: forgetting)
        }
    }

    // `handle` checks the time inside its switch on the command, and rebuilds the rare commands
    // for the general path: a late command of every kind is refused as `decide` says and
    // changes nothing, and one on time is decided as `decide` says.
    @Test func everyKindOfCommandLateOrOnTimeMatchesDecide() {
        var started = State.initial(profile: .documented, slots: 2)
        Decider.handle(create(1, at: 0, steps: 2), &started)
        Decider.handle(create(2, at: 0, steps: 2), &started)
        Decider.handle(.dequeue(snapshot: ms(1), limit: 1, at: ms(5)), &started)
        #expect(started.latestEventAt == ms(5), "the dequeue started a run: commands at 2 ms are late")
        let (run, thread) = (RunID(1), ThreadID(1))
        let commands: [(Timestamp) -> Command] = [
            { create(3, at: $0.microsecondsSinceEpoch / 1_000) }, { .dequeue(snapshot: $0, limit: 2, at: $0) },
            { .checkpoint(run: run, at: $0) }, { .finish(run: run, outcome: .success, at: $0) },
            { .retry(run: run, at: $0) }, { .cancel(run: run, action: .interrupt, wait: false, at: $0) },
            { .bulkCancel(.runs(thread, [run, RunID(2)]), action: .rollback, at: $0) }, { .join(run: run, at: $0) },
            { .subscribe(run: run, at: $0) }, { .unsubscribe(run: run, at: $0) }, { .deleteRun(run: RunID(2), at: $0) },
            { .workerStopped(run: run, at: $0) }, { .serverRestart(at: $0) },
        ]
        for make in commands {
            for at in [ms(2), ms(9)] {
                let command = make(at)
                var state = started
                let events = Decider.handle(command, &state)
                #expect(events == Decider.decide(command, started), "\(command)")
                #expect(state == Decider.fold(events, from: started), "\(command)")
                if at < started.latestEventAt {
                    #expect(events == [.commandRefused(run: command.runID, command: command.kind, reason: .clockWentBackwards, at: at)])
                    #expect(state == started)
                } else {
                    #expect(events.allSatisfy { if case .commandRefused(_, _, .clockWentBackwards, _) = $0 { false } else { true } })
                }
            }
        }
    }

    // The check above can fail: a state that missed one event's effect is told apart.
    @Test func aMissedEffectIsCaught() {
        var state = State.initial(profile: .documented, slots: 1)
        let events = Decider.handle(create(1, at: 0, steps: 1), &state)
        let before = State.initial(profile: .documented, slots: 1)
        #expect(Decider.fold(events, from: before) == state)
        #expect(Decider.fold(events.dropLast(), from: before) != state)
    }
}
