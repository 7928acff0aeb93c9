// Seeded random command sequences with shrinking (PropertyBased), replayed through the real
// domain and drained: under `documented` the oracle reports nothing at all, and under
// `langgraph-inmem` nothing but quirk divergences.

import Invariants
import PropertyBased
import RunLifecycle
import Testing

/// One random step: an operation code, a target selector and a time advance in milliseconds.
typealias Step = (operation: Int, target: Int, advanceMillis: Int)

let stepsGenerator = zip(Gen.int(in: 0...15), Gen.int(in: 0...7), Gen.int(in: 0...600)).array(of: 1...50)

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
    case 1: return create(thread, .reject, at: now, steps: 1 + step.target % 2, after: step.target >= 6 ? 700 : 0)
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

/// Runs the steps through the real domain and drains it.
func drainedHarness(_ steps: [Step], profile: BehaviourProfile, slots: Int) -> Harness {
    var harness = Harness(profile, slots: slots)
    var now: Int64 = 0
    for step in steps {
        now += Int64(step.advanceMillis)
        harness.apply(command(for: step, in: harness.state, now: now))
    }
    harness.drain()
    return harness
}

/// Runs the steps through the real domain, drains, and returns every violation.
func check(_ steps: [Step], profile: BehaviourProfile, slots: Int) -> (violations: [Violation], coverage: Coverage) {
    var harness = drainedHarness(steps, profile: profile, slots: slots)
    return (harness.finish(), harness.checker.coverage)
}

@Suite struct PropertyTests {
    // Proves the oracle has no false alarms on the documented intent: random command
    // sequences through the real decider, drained, yield zero violations of any kind.
    @Test(.shrinking) func documentedStreamsAreClean() async {
        await propertyCheck(count: 250, input: stepsGenerator, Gen.int(in: 1...3)) { steps, slots in
            let (violations, _) = check(steps, profile: .documented, slots: slots)
            #expect(violations.isEmpty, "\(violations.text)")
        }
    }

    // Proves the in-memory profile's deviations are all explained by its quirks: random
    // sequences yield divergences at most, never a safety or liveness violation.
    @Test(.shrinking) func inmemStreamsOnlyDiverge() async {
        await propertyCheck(count: 150, input: stepsGenerator, Gen.int(in: 1...3)) { steps, slots in
            let (violations, _) = check(steps, profile: .langgraphInmem, slots: slots)
            #expect(violations.failures.isEmpty, "\(violations.text)")
        }
    }

    // Proves the random exploration reaches the rare interleavings the coverage counters name,
    // over a fixed batch of seeded sequences (so the counters themselves are exercised).
    @Test func seededBatchReachesRareInterleavings() {
        var random = TestRandomSource(seed: 0x5EED_1234)
        var total = Coverage()
        for index in 0..<120 {
            let steps: [Step] = (0..<50).map { _ in
                (Int(random.next() % 16), Int(random.next() % 8), Int(random.next() % 601))
            }
            let profile: BehaviourProfile = index % 2 == 0 ? .documented : .langgraphInmem
            total.merge(check(steps, profile: profile, slots: 1 + index % 3).coverage)
        }
        #expect(total.rejectsAgainstPendingRun > 0)
        #expect(total.rejectsAgainstDelayedPendingRun > 0)
        #expect(total.rollbacksOfDelayedRuns > 0)
        #expect(total.rollbacksOfRunningRuns > 0)
        #expect(total.retries > 0)
        #expect(total.joinsAnsweredNotFound > 0)
        #expect(total.overlaps > 0)
        #expect(total.headOfLineBlocks > 0)
    }
}

/// SplitMix64, so the batch above is the same on every run.
struct TestRandomSource {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
