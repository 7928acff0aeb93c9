// The ring of reused step arrays: the values handed out are the even split, and an array still
// held elsewhere when the ring comes back to its slot is never overwritten.
import RunLifecycle
@testable import Simulation
import Testing

@Suite struct WorkArrayRingTests {
    @Test func splitsTheTotalEvenlyWithTheRemainderLast() {
        // Proves the ring returns what a fresh array built the old way held, for several step counts.
        var ring = WorkArrayRing()
        for (total, steps) in [(1_000, 1), (1_001, 3), (7, 4), (0, 2), (123_456_789, 10)] as [(Int64, Int)] {
            let each = total / Int64(steps)
            var expected = [Microseconds](repeating: Microseconds(each), count: steps)
            expected[steps - 1] = Microseconds(total - each * Int64(steps - 1))
            #expect(ring.work(total: total, steps: steps) == expected)
        }
    }

    @Test func anArrayStillHeldIsNotOverwritten() {
        // Proves copy-on-write protects a held array: after a full lap of the ring, the first
        // array handed out keeps its value while the ring's new one has the new value.
        var ring = WorkArrayRing()
        let held = ring.work(total: 42, steps: 1)
        var latest: [Microseconds] = []
        for round in 1...1_000 { latest = ring.work(total: Int64(round), steps: 1) }
        #expect(held == [Microseconds(42)])
        #expect(latest == [Microseconds(1_000)])
    }

    @Test func oneStepAndSeveralStepsShareTheSlots() {
        // Proves the one-step path and the split path hand out the right values when they
        // take over each other's slots, lap after lap (a slot's array changes length).
        var ring = WorkArrayRing()
        for round in 0..<600 {
            let steps = round % 3 == 0 ? 1 : 1 + round % 4
            let total = Int64(round * 7 + 3)
            let each = total / Int64(steps)
            var expected = [Microseconds](repeating: Microseconds(each), count: steps)
            expected[steps - 1] = Microseconds(total - each * Int64(steps - 1))
            #expect(ring.work(total: total, steps: steps) == expected, "round \(round)")
        }
    }
}
