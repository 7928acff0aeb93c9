// The engine's run table keeps its slots in a buffer of its own, reached by pointer: it must hold
// exactly the runs a plain dictionary holds, through appends, inserts before its window, gaps,
// replacements, removals, ends, and the window sliding forward once its settled prefix is large.
import DiscreteEvent
import RunLifecycle
@testable import Simulation
import Testing

@Suite struct RunSlotsTests {
    /// A record that names its id (in `createdAt`), so a slot can be checked against the model.
    private static func record(_ id: UInt32) -> RunRecord {
        RunRecord(threadID: ThreadID(id), createdAt: Int64(id), stepCount: 1, firstStep: Microseconds(7), user: -1)
    }

    /// Traps (fails) unless `slots` holds exactly the runs of `model`, in ascending id order.
    private static func expectSame(_ slots: RunSlots, _ model: [UInt32: Int64], probes: [UInt32], _ context: String) {
        #expect(slots.count == model.count, "\(context): count")
        let held = slots.occupiedIndices.map { slots[$0].createdAt }
        #expect(held == model.keys.sorted().map { Int64($0) }, "\(context): held runs")
        for id in probes {
            let index = slots.index(of: RunID(id))
            #expect((index != nil) == (model[id] != nil), "\(context): presence of \(id)")
            if let index { #expect(slots[index].createdAt == model[id], "\(context): record of \(id)") }
        }
    }

    @Test func holdsWhatADictionaryHolds() {
        for seed in UInt64(0)..<20 {
            var generator = Xoshiro256StarStar(seed: seed)
            let slots = RunSlots()
            var model: [UInt32: Int64] = [:]
            var next: UInt32 = 5_000
            for step in 0..<300 {
                let choice = generator.nextInt(below: 10)
                if choice < 5 || model.isEmpty {
                    // Mostly the next id, sometimes one before the window, past a gap, or held already.
                    let id: UInt32
                    switch generator.nextInt(below: 8) {
                    case 0: id = UInt32(generator.nextInt(below: 5_000))
                    case 1: id = next + UInt32(generator.nextInt(below: 300))
                    case 2 where !model.isEmpty: id = model.keys.sorted()[generator.nextInt(below: model.count)]
                    default: id = next
                    }
                    next = max(next, id + 1)
                    slots.insert(for: RunID(id)) { Self.record(id) }
                    model[id] = Int64(id)
                } else {
                    let id = model.keys.sorted()[generator.nextInt(below: model.count)]
                    let index = slots.index(of: RunID(id))!
                    if choice < 8 {
                        slots.remove(at: index)
                    } else {
                        // No worker: the run settles with its end and leaves the table.
                        let end = slots.end(at: index, outcome: .succeeded, releasingWorker: true)
                        #expect(end.settled?.threadID == ThreadID(id), "seed \(seed), step \(step): settled run")
                    }
                    model[id] = nil
                }
                let probes = (0..<8).map { _ in UInt32(generator.nextInt(below: Int(next) + 10)) } + Array(model.keys.prefix(4))
                Self.expectSame(slots, model, probes: probes, "seed \(seed), step \(step)")
            }
        }
    }

    @Test func theWindowSlidesPastALargeSettledPrefix() {
        let slots = RunSlots()
        var model: [UInt32: Int64] = [:]
        for id in UInt32(1)...3_000 {
            slots.insert(for: RunID(id)) { Self.record(id) }
            model[id] = Int64(id)
        }
        // Settling in id order moves the window's head past 1,024 and half its width: the prefix
        // is dropped, and every run left must still be found under its own id.
        for id in UInt32(1)...2_000 {
            slots.remove(at: slots.index(of: RunID(id))!)
            model[id] = nil
        }
        Self.expectSame(slots, model, probes: [1, 1_024, 2_000, 2_001, 2_500, 3_000, 3_001], "after sliding")
        for id in UInt32(3_001)...3_100 {
            slots.insert(for: RunID(id)) { Self.record(id) }
            model[id] = Int64(id)
        }
        Self.expectSame(slots, model, probes: [2_000, 2_001, 3_050, 3_100, 3_101], "after appending again")
    }

    /// A run whose worker stays ends but is kept, with its outcome; one whose worker is released
    /// (or that has none) settles with the outcome given, hands back its worker and leaves.
    @Test func anEndKeepsARunOnlyWhileItsWorkerStays() {
        let slots = RunSlots()
        for id in UInt32(1)...3 {
            slots.insert(for: RunID(id)) { Self.record(id) }
            slots[slots.index(of: RunID(id))!].worker = Worker(token: id, stepStartedAt: 0)
        }
        let kept = slots.end(at: slots.index(of: RunID(1))!, outcome: .interrupted, releasingWorker: false)
        #expect(kept.leavingWorker == nil && kept.settled == nil)
        let index = slots.index(of: RunID(1))
        #expect(index != nil)
        if let index {
            #expect(slots[index].ended && slots[index].outcome == .interrupted && slots[index].worker?.token == 1)
        }
        let released = slots.end(at: slots.index(of: RunID(2))!, outcome: .failed, releasingWorker: true)
        #expect(released.leavingWorker?.token == 2)
        #expect(released.settled?.outcome == .failed && released.settled?.threadID == ThreadID(2))
        #expect(slots.index(of: RunID(2)) == nil && slots.count == 2)
        slots[slots.index(of: RunID(3))!].worker = nil
        let bare = slots.end(at: slots.index(of: RunID(3))!, outcome: .succeeded, releasingWorker: false)
        #expect(bare.leavingWorker == nil && bare.settled?.outcome == .succeeded)
        #expect(slots.index(of: RunID(3)) == nil && slots.occupiedIndices.count == 1)
    }
}
