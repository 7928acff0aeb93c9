import DiscreteEvent
import Testing

@Suite struct KernelTests {
    enum Tick: Equatable { case named(String) }

    @Test func stepAdvancesNowInAgendaOrder() {
        // Proves step() returns items in agenda order and moves now to each item's time, by scheduling a few by hand.
        var kernel = Kernel<String>(startingAt: SimulatedTime(microsecondsSinceStart: 100))
        kernel.schedule(after: .microseconds(50), "b")
        kernel.schedule(at: SimulatedTime(microsecondsSinceStart: 120), "a")
        kernel.schedule(after: .microseconds(50), priority: -1, "b-urgent")
        #expect(kernel.pendingCount == 3)
        #expect(kernel.nextTime == SimulatedTime(microsecondsSinceStart: 120))
        var seen: [(Int64, String)] = []
        while let entry = kernel.step() {
            #expect(kernel.now == entry.time)
            seen.append((kernel.now.microsecondsSinceStart, entry.payload))
        }
        #expect(seen.map(\.0) == [120, 150, 150])
        #expect(seen.map(\.1) == ["a", "b-urgent", "b"])
        #expect(kernel.now == SimulatedTime(microsecondsSinceStart: 150))
        #expect(kernel.step() == nil)
    }

    @Test func stepNotAfterIncludesItemsDueAtTheLimit() {
        // Proves step(notAfter:) steps to items due at or before the limit, in order, and stops
        // at the first later one, also right after a pop (when the agenda settles its root).
        var kernel = Kernel<Int>()
        for (time, payload) in [(10, 1), (20, 2), (20, 3), (21, 4)] {
            kernel.schedule(at: SimulatedTime(microsecondsSinceStart: Int64(time)), payload)
        }
        var seen: [Int] = []
        while let entry = kernel.step(notAfter: SimulatedTime(microsecondsSinceStart: 20)) { seen.append(entry.payload) }
        #expect(seen == [1, 2, 3])
        #expect(kernel.now == SimulatedTime(microsecondsSinceStart: 20))
        #expect(kernel.pendingCount == 1)
        #expect(kernel.nextTime == SimulatedTime(microsecondsSinceStart: 21))
    }

    @Test func runUntilStopsBeforeTheLimitAndSetsNow() {
        // Proves run(until:) handles items strictly before the limit, including ones it schedules, then sets now.
        var kernel = Kernel<Int>()
        kernel.schedule(at: SimulatedTime(microsecondsSinceStart: 10), 1)
        kernel.schedule(at: SimulatedTime(microsecondsSinceStart: 100), 99)
        var handled: [Int] = []
        let count = kernel.run(until: SimulatedTime(microsecondsSinceStart: 100)) { kernel, entry in
            handled.append(entry.payload)
            if entry.payload < 5 {
                kernel.schedule(after: .microseconds(10), entry.payload + 1)
            }
        }
        #expect(handled == [1, 2, 3, 4, 5])
        #expect(count == 5)
        #expect(kernel.now == SimulatedTime(microsecondsSinceStart: 100))
        #expect(kernel.pendingCount == 1)
        #expect(kernel.step()?.payload == 99)
    }

    @Test func timeNeverGoesBackUnderRandomScheduling() {
        // Proves now is monotonic and equals each item's time, over 20,000 random schedule/cancel/step operations.
        var generator = Xoshiro256StarStar(seed: 123)
        var kernel = Kernel<Int>()
        var cancellable: [AgendaHandle] = []
        var previous = kernel.now
        for step in 0..<20_000 {
            switch generator.nextInt(below: 4) {
            case 0, 1:
                let handle = kernel.schedule(
                    after: .microseconds(Int64(generator.nextInt(below: 50))), priority: generator.nextInt(below: 3), step)
                // Only items due well after now are cancelled, and only once, honouring the contract.
                if generator.nextBool(probability: 0.2) { cancellable.append(handle) }
            case 2:
                if let entry = kernel.step() {
                    #expect(entry.time >= previous && kernel.now == entry.time)
                    cancellable.removeAll { $0 == entry.handle }
                    previous = kernel.now
                }
            case 3:
                if let handle = cancellable.popLast() { kernel.cancel(handle) }
            default:
                Issue.record("nextInt(below: 4) returned a value outside 0..<4")
            }
            if step % 100 == 0 { kernel.checkInvariants() }
        }
        kernel.checkInvariants()
    }

    @Test func schedulingInThePastTraps() async {
        // Proves time never goes back, by scheduling before now in an exit test and expecting the process to fail.
        await #expect(processExitsWith: .failure) {
            var kernel = Kernel<Int>()
            kernel.schedule(at: SimulatedTime(microsecondsSinceStart: 10), 1)
            _ = kernel.step()
            kernel.schedule(at: SimulatedTime(microsecondsSinceStart: 9), 2)
        }
    }

    @Test func advanceRefusesToSkipPendingItems() async {
        // Proves advance(to:) moves an idle clock and traps rather than jump past a pending item.
        var kernel = Kernel<Int>()
        kernel.advance(to: SimulatedTime(microsecondsSinceStart: 40))
        #expect(kernel.now == SimulatedTime(microsecondsSinceStart: 40))
        await #expect(processExitsWith: .failure) {
            var kernel = Kernel<Int>()
            kernel.schedule(at: SimulatedTime(microsecondsSinceStart: 10), 1)
            kernel.advance(to: SimulatedTime(microsecondsSinceStart: 11))
        }
    }
}
