// Forgetting is a promise that nothing will name a run or thread again. If the promise holds,
// no decision may change: the same commands give the same events with and without forgetting.

import PropertyBased
import RunLifecycle
import Testing

/// The run and thread ids a command names (a stateless create names no thread).
private func names(_ command: Command) -> (runs: [RunID], threads: [ThreadID]) {
    switch command {
    case .createRun(let request): return ([], request.threadID.map { [$0] } ?? [])
    case .bulkCancel(.runs(let thread, let runs), _, _): return (runs, [thread])
    default: return (command.runID.map { [$0] } ?? [], [])
    }
}

/// Plays `steps` twice: once keeping everything, once forgetting, after every command, each
/// settled run and idle thread that no later command names. Returns both journals.
private func playWithAndWithoutForgetting(_ steps: [Step], profile: BehaviourProfile, slots: Int)
    -> (kept: [Event], forgetting: [Event], forgotten: Int, state: State)
{
    var kept = State.initial(profile: profile, slots: slots)
    var commands: [Command] = []
    var keptJournal: [Event] = []
    var now: Int64 = 0
    for step in steps {
        now += Int64(step.advanceMillis)
        let next = command(for: step, in: kept, now: now)
        commands.append(next)
        keptJournal += Decider.handle(next, &kept)
    }
    var lastRunUse: [RunID: Int] = [:]
    var lastThreadUse: [ThreadID: Int] = [:]
    for (index, command) in commands.enumerated() {
        let named = names(command)
        for run in named.runs { lastRunUse[run] = index }
        for thread in named.threads { lastThreadUse[thread] = index }
    }
    var forgetting = State.initial(profile: profile, slots: slots)
    var forgettingJournal: [Event] = []
    var forgotten = 0
    for (index, command) in commands.enumerated() {
        forgettingJournal += Decider.handle(command, &forgetting)
        for run in forgetting.runs where (lastRunUse[run.id] ?? -1) <= index {
            if forgetting.forgetSettledRun(run.id) { forgotten += 1 }
        }
        for thread in forgetting.threads where (lastThreadUse[thread.id] ?? -1) <= index {
            if forgetting.forgetIdleThread(thread.id) { forgotten += 1 }
        }
        #expect(forgetting.structuralViolations() == [], "after \(command)")
    }
    return (keptJournal, forgettingJournal, forgotten, forgetting)
}

@Suite struct ForgettingTests {
    @Test(.shrinking) func forgettingUnnamedRunsChangesNoDecision() async {
        await propertyCheck(count: 200, input: stepsGenerator, Gen.int(in: 1...3)) { steps, slots in
            for profile in [BehaviourProfile.documented, .langgraphInmem] {
                let result = playWithAndWithoutForgetting(steps, profile: profile, slots: slots)
                #expect(result.forgetting == result.kept, "profile \(profile)")
            }
        }
    }

    // The property above only means something if forgetting happens: across many seeds it
    // must forget runs and threads, and a forgotten thread's checkpoint numbering continues.
    @Test func forgettingHappensAndKeepsCheckpointNumbering() {
        var state = State.initial(profile: .documented, slots: 1)
        for command in [create(1, at: 0, steps: 1), poll(at: 1)] + steps(1, 3, from: 2) + [finish(1, at: 10)] {
            Decider.handle(command, &state)
        }
        let nextStep = state.thread(T(1))!.nextCheckpointStep
        let forgot = state.forgetSettledRun(R(1))
        #expect(forgot)
        #expect(state.run(R(1)) == nil && state.thread(T(1))!.runIDs.isEmpty)
        #expect(state.thread(T(1))!.nextCheckpointStep == nextStep)
        Decider.handle(create(1, at: 11, steps: 1), &state)
        Decider.handle(poll(at: 12), &state)
        let first = state.thread(T(1))!.checkpoints.first!
        #expect(first.runID == R(2) && first.firstStep == nextStep)
        #expect(state.structuralViolations() == [])
    }

    @Test func unsettledRunsAndBusyThreadsAreNotForgotten() {
        var state = State.initial(profile: .documented, slots: 1)
        Decider.handle(create(1, at: 0, steps: 1), &state)
        var forgot = state.forgetSettledRun(R(1)) || state.forgetIdleThread(T(1))
        #expect(!forgot)
        Decider.handle(poll(at: 1), &state)
        Decider.handle(cancel(1, .interrupt, at: 2), &state)
        // Interrupted, but its worker still holds the slot: not settled yet.
        forgot = state.forgetSettledRun(R(1))
        #expect(!forgot)
        Decider.handle(stopped(1, at: 3), &state)
        forgot = state.forgetSettledRun(R(1)) && state.forgetIdleThread(T(1))
        #expect(forgot)
        #expect(state.threads.isEmpty && state.runs.isEmpty)
    }
}
