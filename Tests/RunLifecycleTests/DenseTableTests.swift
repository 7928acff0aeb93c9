// The dense table and the pending order against plain models (Dictionary, sorted array) under
// random operations, including ids far outside the window and ids below it.

import PropertyBased
import RunLifecycle
import Testing

@Suite struct DenseTableTests {
    /// (operation, id): 0-2 set, 3 remove, ids mostly near a moving front, some far away.
    static let operations = zip(Gen.int(in: 0...3), Gen.int(in: 0...99)).array(of: 1...300)

    static func id(_ raw: Int, step: Int) -> RunID {
        switch raw {
        case 0..<80: RunID(UInt32(step / 2 + raw))
        case 80..<90: RunID(UInt32(raw * 100_000))
        default: RunID(UInt32(raw - 90))
        }
    }

    @Test(.shrinking) func behavesLikeADictionary() async {
        await propertyCheck(count: 300, input: Self.operations) { operations in
            var table = DenseTable<RunID, Int>()
            var model: [RunID: Int] = [:]
            for (step, operation) in operations.enumerated() {
                let key = Self.id(operation.1, step: step)
                if operation.0 < 3 {
                    table[key] = step
                    model[key] = step
                } else {
                    #expect(table.removeValue(forKey: key) == model.removeValue(forKey: key))
                }
                #expect(table.count == model.count)
                #expect(table[key] == model[key])
            }
            #expect(table.keys == model.keys.sorted())
            #expect(table.values == model.keys.sorted().map { model[$0]! })
            for key in model.keys { #expect(table[key] == model[key]) }
        }
    }

    @Test func defaultSubscriptAndInPlaceUpdates() {
        var table = DenseTable<ThreadID, Int>()
        table[ThreadID(7), default: 0] += 2
        table[ThreadID(7), default: 0] += 3
        table[ThreadID(5_000_000), default: 10] += 1
        table.updateEach { $0 *= 2 }
        #expect(table.sortedEntries.map(\.key) == [ThreadID(7), ThreadID(5_000_000)])
        #expect(table.values == [10, 22])
    }

    @Test(.shrinking) func pendingOrderStaysSortedByCreatedAtThenID() async {
        // A state driven with delayed and immediate creates, dequeues and cancels keeps its
        // pending order equal to the runs' sort; structuralViolations checks exactly that.
        let generator = zip(Gen.int(in: 0...3), Gen.int(in: 0...5), Gen.int(in: 0...400)).array(of: 1...80)
        await propertyCheck(count: 200, input: generator) { steps in
            var state = State.initial(profile: .documented, slots: 2)
            var now: Int64 = 0
            for (kind, target, advance) in steps {
                now += Int64(advance)
                let command: Command =
                    switch kind {
                    case 0: create(UInt32(target % 4 + 1), at: now, steps: 1, after: Int64(target) * 150)
                    case 1: poll(at: now)
                    case 2: cancel(UInt32(target + 1), .interrupt, at: now)
                    default: finish(UInt32(target + 1), at: now)
                    }
                Decider.handle(command, &state)
                #expect(state.structuralViolations() == [], "after \(command)")
            }
        }
    }
}
