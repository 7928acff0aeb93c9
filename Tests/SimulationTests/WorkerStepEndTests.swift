// A worker's step end: a one-step run's last step is taken without asking the state for its
// completed steps, unless the run ended (a deleted run ends); the worker of a run deleted under it
// must still stop at its step's end and hand its slot on.
import RunLifecycle
@testable import Simulation
import Testing

@Suite struct WorkerStepEndTests {
    /// Records which runs succeeded and which workers stopped, with their times.
    struct EndSink: EventSink {
        var succeeded: [UInt32: Int64] = [:]
        var workerStopped: [UInt32: Int64] = [:]
        var started: [UInt32: Int64] = [:]
        var refusals = 0

        mutating func receive(_ event: Event, sequence: UInt64) {
            switch event {
            case .succeeded(let run, _, let at): succeeded[run.rawValue] = at.microsecondsSinceEpoch
            case .workerStopped(let run, _, _, let at): workerStopped[run.rawValue] = at.microsecondsSinceEpoch
            case .started(let run, _, _, let at): started[run.rawValue] = started[run.rawValue] ?? at.microsecondsSinceEpoch
            case .commandRefused: refusals += 1
            default: break
            }
        }
    }

    @Test(arguments: [[Int64(500)], [Int64(200), Int64(300)]])
    func aRunDeletedUnderItsWorkerFreesTheSlotAtTheStepEnd(steps: [Int64]) {
        // Proves the deleted run's worker stops when its step (one-step run) or its current
        // step (two-step run) ends, and the queued run takes the only slot then, with nothing
        // refused: a worker that tried to checkpoint the deleted run would be refused.
        var simulator = Simulator(spec: scriptedSpec(slots: 1, pollMilliseconds: 0), sink: EndSink())
        simulator.inject(create(thread: 1, at: 0, steps: steps))
        simulator.inject(create(thread: 2, at: 50, steps: [300]))
        simulator.inject(.deleteRun(run: RunID(1), at: Timestamp(microsecondsSinceEpoch: 100_000)))
        _ = simulator.run()
        let firstStepEnd = steps[0] * 1_000
        #expect(simulator.sink.succeeded[1] == nil)
        #expect(simulator.sink.refusals == 0)
        #expect(simulator.sink.workerStopped[1] == firstStepEnd)
        #expect(simulator.sink.started[2] == firstStepEnd)
        #expect(simulator.sink.succeeded[2] == firstStepEnd + 300_000)
    }

    @Test func oneStepRunsSucceedAtTheirStepEnd() {
        // Proves the usual one-step run, whose completed steps are not looked up, succeeds when
        // its only step ends, with and without a wait for the slot.
        var simulator = Simulator(spec: scriptedSpec(slots: 1, pollMilliseconds: 0), sink: EndSink())
        simulator.inject(create(thread: 1, at: 0, steps: [400]))
        simulator.inject(create(thread: 2, at: 100, steps: [250]))
        _ = simulator.run()
        #expect(simulator.sink.succeeded[1] == 400_000)
        #expect(simulator.sink.started[2] == 400_000)
        #expect(simulator.sink.succeeded[2] == 650_000)
    }

    @Test func copiesOfAWorkRingHandOutTheirOwnValues() {
        // Proves two copies of a ring (which share its slots) each hand out the values asked
        // for, and neither overwrites an array the other handed out and still holds.
        var first = WorkArrayRing()
        _ = first.work(total: 1, steps: 1)
        var second = first
        let fromFirst = first.work(total: 10, steps: 1)
        let fromSecond = second.work(total: 20, steps: 1)
        #expect(fromFirst == [Microseconds(10)])
        #expect(fromSecond == [Microseconds(20)])
        let split = second.work(total: 7, steps: 2)
        #expect(split == [Microseconds(3), Microseconds(4)])
        #expect(fromFirst == [Microseconds(10)])
    }
}
