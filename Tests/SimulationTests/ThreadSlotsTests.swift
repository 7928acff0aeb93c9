// The engine's thread table: the combined "worker left, then the run settled" change must leave
// the table exactly as the two separate changes do, in and out of the window.
import DiscreteEvent
import RunLifecycle
@testable import Simulation
import Testing

@Suite struct ThreadSlotsTests {
    @Test func workerLeftThenSettleMatchesTheTwoChanges() {
        // Proves the one-access path against the two calls it replaces, over random tables (ids near
        // and far from the window, threads with one run or several) and random thread pairs.
        for seed in UInt64(0)..<200 {
            var generator = Xoshiro256StarStar(seed: seed)
            var table = ThreadSlots()
            var runs: [ThreadID: Int] = [:]
            for _ in 0..<generator.nextInt(below: 60) {
                // Mostly ids near each other, sometimes one far away (an outlier).
                let raw = generator.nextInt(below: 10) == 0 ? 1_000_000 + generator.nextInt(below: 3) : generator.nextInt(below: 12)
                let id = ThreadID(UInt32(raw))
                _ = table.addRun(on: id)
                runs[id, default: 0] += 1
            }
            for step in 0..<40 {
                guard let settling = runs.keys.sorted(by: { $0.rawValue < $1.rawValue }).element(drawnWith: &generator) else { break }
                let left = generator.nextInt(below: 4) == 0 ? ThreadID(UInt32(generator.nextInt(below: 12))) : settling
                let time = Int64(step * 10 + 5)
                var expected = table
                expected.workerLeft(left, at: time)
                let expectedSettled = expected.settleRun(on: settling)
                let settled = table.workerLeft(left, at: time, thenSettleRunOn: settling)
                #expect(settled == expectedSettled, "seed \(seed), step \(step)")
                runs[settling]! -= 1
                if runs[settling] == 0 { runs[settling] = nil }
                for raw in Array(0..<13) + [1_000_000, 1_000_001, 1_000_002] {
                    let id = ThreadID(UInt32(raw))
                    #expect(table.contains(id) == expected.contains(id), "seed \(seed), step \(step), thread \(raw)")
                    #expect(table.lastWorkerEnd(of: id) == expected.lastWorkerEnd(of: id), "seed \(seed), step \(step), thread \(raw)")
                }
            }
        }
    }
}

extension Array {
    /// A random element drawn with `generator`, nil when empty.
    fileprivate func element(drawnWith generator: inout Xoshiro256StarStar) -> Element? {
        isEmpty ? nil : self[generator.nextInt(below: count)]
    }
}
