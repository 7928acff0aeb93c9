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

    // The check above can fail: a state that missed one event's effect is told apart.
    @Test func aMissedEffectIsCaught() {
        var state = State.initial(profile: .documented, slots: 1)
        let events = Decider.handle(create(1, at: 0, steps: 1), &state)
        let before = State.initial(profile: .documented, slots: 1)
        #expect(Decider.fold(events, from: before) == state)
        #expect(Decider.fold(events.dropLast(), from: before) != state)
    }
}
