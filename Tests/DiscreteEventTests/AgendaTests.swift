import DiscreteEvent
import PropertyBased
import Testing

@Suite struct AgendaTests {
    @Test(.shrinking) func agendaMatchesASortedArrayModel() async {
        // Proves the heap pops in (time, priority, sequence) order under any mix of operations, by replaying
        // random operation lists against a sorted-array model with shrinking (PropertyBased prints the seed).
        let operation = zip(Gen.int(in: 0...10), Gen.int(in: 0...6), Gen.int(in: 0...2))
            .map { AgendaOperation(opcode: $0.0, a: $0.1, b: $0.2) }
        await propertyCheck(count: 200, input: operation.array(of: 0...150)) { operations in
            let divergence = replayAgainstSortedModel(operations)
            #expect(divergence == nil, "\(divergence ?? "") in \(operations)")
        }
    }

    @Test func agendaMatchesTheModelOverFixedSeeds() {
        // Proves the same property deterministically, replaying 300 operation lists drawn from seeds 0..<300.
        for seed in UInt64(0)..<300 {
            var generator = Xoshiro256StarStar(seed: seed)
            let length = generator.nextInt(below: 400)
            let operations = (0..<length).map { _ in
                AgendaOperation(
                    opcode: generator.nextInt(below: 11), a: generator.nextInt(below: 7), b: generator.nextInt(below: 3))
            }
            let divergence = replayAgainstSortedModel(operations)
            #expect(divergence == nil, "seed \(seed): \(divergence ?? "")")
        }
    }

    @Test func tiesBreakByPriorityThenSequence() {
        // Proves the documented tie order, by scheduling items at one time in a scrambled order and popping them all.
        var agenda = Agenda<String>()
        let time = SimulatedTime(microsecondsSinceStart: 10)
        agenda.insert("late", at: SimulatedTime(microsecondsSinceStart: 11), priority: -5)
        agenda.insert("normal-first", at: time, priority: 1)
        agenda.insert("urgent", at: time, priority: 0)
        agenda.insert("normal-second", at: time, priority: 1)
        agenda.insert("early", at: SimulatedTime(microsecondsSinceStart: 9), priority: 9)
        var order: [String] = []
        while let entry = agenda.popFirst() {
            order.append(entry.payload)
        }
        #expect(order == ["early", "urgent", "normal-first", "normal-second", "late"])
    }

    @Test func cancelledItemsNeverPop() {
        // Proves cancellation removes exactly the cancelled items, including one at the top, by popping the rest.
        var agenda = Agenda<Int>()
        let handles = (0..<6).map { agenda.insert($0, at: SimulatedTime(microsecondsSinceStart: Int64($0))) }
        agenda.cancel(handles[0])  // the top: dropped at once, so peek stays pending
        agenda.cancel(handles[3])
        agenda.checkInvariants()
        #expect(agenda.count == 4)
        #expect(agenda.peek()?.payload == 1)
        var popped: [Int] = []
        while let entry = agenda.popFirst() {
            popped.append(entry.payload)
        }
        #expect(popped == [1, 2, 4, 5])
        #expect(agenda.isEmpty && agenda.count == 0)
    }

    @Test func extremePrioritiesKeepTheirOrderAndValues() {
        // Proves the packed key keeps priorities at both ends of their range apart and readable.
        var agenda = Agenda<Int>()
        let time = SimulatedTime(microsecondsSinceStart: 3)
        agenda.insert(127, at: time, priority: 127)
        agenda.insert(-128, at: time, priority: -128)
        agenda.insert(0, at: time, priority: 0)
        var popped: [(priority: Int, payload: Int)] = []
        while let entry = agenda.popFirst() { popped.append((entry.priority, entry.payload)) }
        #expect(popped.map(\.payload) == [-128, 0, 127])
        #expect(popped.map(\.priority) == [-128, 0, 127])
    }

    @Test func aPriorityOutsideTheRangeTraps() async {
        // Proves a priority the key cannot hold is refused rather than silently reordered.
        await #expect(processExitsWith: .failure) {
            var agenda = Agenda<Int>()
            agenda.insert(1, at: .zero, priority: 128)
        }
    }

    @Test func cancellingTwiceTraps() async {
        // Proves a double cancellation is caught as a programmer error, in an exit test.
        await #expect(processExitsWith: .failure) {
            var agenda = Agenda<Int>()
            agenda.insert(1, at: .zero)
            // Not at the top, so the first cancel leaves it in the cancellation set.
            let handle = agenda.insert(2, at: SimulatedTime(microsecondsSinceStart: 5))
            agenda.cancel(handle)
            agenda.cancel(handle)
        }
    }
}
