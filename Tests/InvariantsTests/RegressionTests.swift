import Invariants
import RunLifecycle
import Testing

/// Inputs that once made the property tests fail, kept as fixed cases.
@Suite struct RegressionTests {
    /// A cancelled worker outlives its temporary thread (deleted when the thread's other run
    /// timed out): its `workerStopped` must still free its slot, or the next poll that fills
    /// every slot looks like an overcommit. Found by `inmemStreamsOnlyDiverge` with seed
    /// iFfcW/+s2uo98ZeDeci1uGXe2DeXGbzyCRF9f6E3Ts8=.
    @Test func workerOutlivingItsTemporaryThreadFreesItsSlot() {
        let steps: [Step] = [(0, 1, 0), (4, 4, 0), (5, 0, 1), (2, 5, 0), (9, 0, 0), (5, 0, 1), (9, 3, 0), (0, 0, 0), (0, 1, 0)]
        let (violations, _) = check(steps, profile: .langgraphInmem, slots: 2)
        #expect(violations.failures.isEmpty, "\(violations.text)")
        #expect(violations.contains { $0.rule == .noExecutionOverlap && $0.kind == .profileDivergence })
    }

    /// The same worker, when a new thread reuses the deleted temporary thread's id before the
    /// worker stops: the new thread is not the worker's, and the slot is still freed. Found with
    /// seed m5ydbss+oREDp8PIEdBj8J3yXWtKAJZuEH6HOm1f3/c=.
    @Test func workerOutlivingAThreadWhoseIDWasReusedFreesItsSlot() {
        let steps: [Step] = [(0, 0, 0), (5, 0, 1), (9, 0, 0), (4, 4, 0), (5, 0, 1), (2, 1, 0), (5, 0, 1), (9, 7, 0), (0, 4, 0), (0, 0, 0)]
        let (violations, _) = check(steps, profile: .langgraphInmem, slots: 2)
        #expect(violations.failures.isEmpty, "\(violations.text)")
    }
}
