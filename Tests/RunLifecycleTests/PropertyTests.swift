// Seeded random command sequences with shrinking (PropertyBased): the decider keeps its
// invariants, and the journal of emitted events alone reproduces the live state.

import PropertyBased
import RunLifecycle
import Testing

/// One random step: an operation code, a target selector and a time advance in milliseconds.
typealias Step = (operation: Int, target: Int, advanceMillis: Int)

let stepsGenerator = zip(Gen.int(in: 0...15), Gen.int(in: 0...7), Gen.int(in: 0...600)).array(of: 1...60)

/// Turns a random step into a command against the current state, so that most commands are
/// meaningful (worker reports go to executing runs) while invalid ones still occur.
func command(for step: Step, in state: State, now: Int64) -> Command {
    let known = max(1, Int(state.nextRunID.rawValue) - 1)
    let anyRun = RunID(UInt32(step.target % known + 1))
    let executing = state.executions.isEmpty ? anyRun : state.executions[step.target % state.executions.count].runID
    let thread = UInt32(step.target % 3 + 1)
    let at = ms(now)
    switch step.operation {
    case 0: return create(thread, .enqueue, at: now, steps: step.target % 3, subscribed: step.target >= 6)
    case 1: return create(thread, .reject, at: now, steps: 1 + step.target % 2)
    case 2: return create(thread, .interrupt, at: now, steps: 2, subscribed: step.target >= 6)
    case 3: return create(thread, .rollback, at: now, steps: 2, after: step.target >= 5 ? 300 : 0)
    case 4: return create(step.target >= 4 ? nil : thread, at: now, steps: 1, subscribed: step.target % 2 == 0)
    case 5, 6: return .dequeue(snapshot: at, limit: max(1, state.freeSlotCount), at: at)
    case 7, 8: return .checkpoint(run: executing, at: at)
    case 9:
        let outcomes: [FinishOutcome] = [.success, .success, .error, .timeout]
        return .finish(run: executing, outcome: outcomes[step.target % 4], at: at)
    case 10: return .retry(run: executing, at: at)
    case 11: return .cancel(run: anyRun, action: step.target % 2 == 0 ? .interrupt : .rollback, wait: step.target >= 4, at: at)
    case 12: return .workerStopped(run: executing, at: at)
    case 13:
        return step.target % 3 == 0
            ? .join(run: anyRun, at: at) : step.target % 3 == 1 ? .subscribe(run: anyRun, at: at) : .unsubscribe(run: anyRun, at: at)
    case 14: return step.target % 2 == 0 ? .deleteRun(run: anyRun, at: at) : .bulkCancel(.status(.all), action: .interrupt, at: at)
    default: return step.target == 0 ? .serverRestart(at: at) : .bulkCancel(.runs(T(thread), [anyRun]), action: .rollback, at: at)
    }
}

/// Runs the steps live, checking after each command; returns the final state and the journal.
func runLive(_ steps: [Step], profile: BehaviourProfile, slots: Int, checkDocumented: Bool) -> (State, [Event]) {
    var state = State.initial(profile: profile, slots: slots)
    var journal: [Event] = []
    var now: Int64 = 0
    for step in steps {
        now += Int64(step.advanceMillis)
        let next = command(for: step, in: state, now: now)
        let events = Decider.handle(next, &state)
        journal += events
        #expect(events.allSatisfy { $0.at == next.at }, "events of \(next) carry another time")
        #expect(state.structuralViolations() == [], "after \(next)")
        if checkDocumented { #expect(state.documentedConsistencyViolations() == [], "after \(next)") }
    }
    return (state, journal)
}

@Suite struct PropertyTests {
    // Under the documented profile, random sequences keep every structural invariant and the
    // documented promises (thread status follows its runs, no overlap), and folding the
    // emitted events from the initial state reproduces the live state and its digest.
    @Test(.shrinking) func documentedInvariantsAndReplay() async {
        await propertyCheck(count: 300, input: stepsGenerator, Gen.int(in: 1...3)) { steps, slots in
            let (live, journal) = runLive(steps, profile: .documented, slots: slots, checkDocumented: true)
            let replayed = Decider.fold(journal, from: .initial(profile: .documented, slots: slots))
            #expect(replayed.stateDigest == live.stateDigest)
            #expect(replayed == live)
        }
    }

    // The in-memory profile breaks the documented promises on purpose, but never the
    // structural invariants, and its journals replay exactly too.
    @Test(.shrinking) func inmemStructureAndReplay() async {
        await propertyCheck(count: 200, input: stepsGenerator, Gen.int(in: 1...3)) { steps, slots in
            let (live, journal) = runLive(steps, profile: .langgraphInmem, slots: slots, checkDocumented: false)
            let replayed = Decider.fold(journal, from: .initial(profile: .langgraphInmem, slots: slots))
            #expect(replayed.stateDigest == live.stateDigest)
            #expect(replayed == live)
        }
    }

    // Every state-changing event of a journal moves the digest, so the replay check above
    // can fail: a replay that skipped or garbled any event would be caught.
    @Test func everyEventMovesTheDigest() {
        let steps: [Step] = [(0, 0, 0), (5, 0, 600), (7, 0, 10), (2, 0, 10), (12, 0, 5), (5, 0, 600), (9, 0, 10)]
        let (_, journal) = runLive(steps, profile: .documented, slots: 1, checkDocumented: true)
        #expect(journal.count > 8)
        var state = State.initial(profile: .documented, slots: 1)
        for event in journal {
            let before = state.stateDigest
            state.evolve(event)
            #expect((state.stateDigest != before) == !event.isRefusal, "\(event)")
        }
    }
}
