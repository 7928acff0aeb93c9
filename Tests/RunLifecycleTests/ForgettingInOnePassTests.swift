// The one-pass forgetting the simulator uses (a settled run, then its thread if idle) must
// leave the state exactly as the two separate calls do, whatever the run and thread are.

import PropertyBased
import RunLifecycle
import Testing

/// Plays the steps on two states, forgetting every run now and then: on one with the two
/// calls, on the other with the one-pass call. Both must agree on every answer and state.
private func forgetBothWays(_ steps: [Step], profile: BehaviourProfile, slots: Int, thenThread: Bool) {
    var twoCalls = State.initial(profile: profile, slots: slots)
    var oneCall = twoCalls
    var now: Int64 = 0
    for step in steps {
        now += Int64(step.advanceMillis)
        let next = command(for: step, in: twoCalls, now: now)
        Decider.handle(next, &twoCalls)
        Decider.handle(next, &oneCall)
        guard step.advanceMillis % 2 == 0 else { continue }
        for run in twoCalls.runs {
            let separately = twoCalls.forgetSettledRun(run.id)
            if thenThread { twoCalls.forgetIdleThread(run.threadID) }
            let together = oneCall.forgetSettledRun(run.id, thenIdleThread: thenThread ? run.threadID : nil)
            #expect(together == separately, "run \(run.id) after \(next)")
        }
        #expect(oneCall == twoCalls, "after \(next)")
        #expect(oneCall.stateDigest == twoCalls.stateDigest, "digest after \(next)")
        #expect(oneCall.structuralViolations() == [])
    }
}

@Suite struct ForgettingInOnePassTests {
    @Test(.shrinking) func oneCallForgetsWhatTheTwoCallsForget() async {
        await propertyCheck(count: 200, input: stepsGenerator, Gen.int(in: 1...3), Gen.bool) { steps, slots, thenThread in
            for profile in [BehaviourProfile.documented, .langgraphInmem] {
                forgetBothWays(steps, profile: profile, slots: slots, thenThread: thenThread)
            }
        }
    }

    @Test func aThreadsOnlyRunAndTheThreadGoTogether() {
        var state = State.initial(profile: .documented, slots: 1)
        for command in [create(1, at: 0, steps: 1), poll(at: 1)] + steps(1, 1, from: 2) + [finish(1, at: 10)] {
            Decider.handle(command, &state)
        }
        let forgot = state.forgetSettledRun(R(1), thenIdleThread: T(1))
        #expect(forgot)
        #expect(state.runs.isEmpty && state.threads.isEmpty)
        #expect(state.structuralViolations() == [])
    }

    @Test func aRunningRunAndItsThreadStay() {
        var state = State.initial(profile: .documented, slots: 1)
        Decider.handle(create(1, at: 0, steps: 1), &state)
        Decider.handle(poll(at: 1), &state)
        let forgot = state.forgetSettledRun(R(1), thenIdleThread: T(1))
        #expect(!forgot)
        #expect(state.run(R(1)) != nil && state.thread(T(1)) != nil)
    }
}
