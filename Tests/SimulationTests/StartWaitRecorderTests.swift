// The engine counts the three waits of each start in one table (StartWaitRecorder); each must
// report what a WaitRecorder of its own, fed the way the engine once fed three of them, reports.

import PropertyBased
@testable import Simulation
import Testing

@Suite struct StartWaitRecorderTests {
    /// (wait, share behind the thread's own runs): often no own share (the usual start), waits
    /// of every scale, negative waits (clamped to 0) included.
    static let starts = zip(PercentileTests.waits, Gen.int(in: 0...3), Gen.int64(in: 0...20_000_000_000))
        .map { waits, ownKind, raw in
            waits.map { wait -> (wait: Int64, own: Int64) in
                let wait = ownKind == 3 ? -wait : wait
                // As recordWait computes it: 0 <= own <= max(0, wait).
                let own = ownKind == 0 || wait <= 0 ? 0 : raw % (wait + 1)
                return (wait, own)
            }
        }

    @Test(.shrinking) func eachColumnMatchesARecorderOfItsOwn() async {
        await propertyCheck(count: 300, input: Self.starts) { starts in
            var combined = StartWaitRecorder()
            var queue = WaitRecorder(), ownThread = WaitRecorder(), slot = WaitRecorder()
            for start in starts {
                combined.record(wait: start.wait, own: start.own)
                queue.record(microseconds: start.wait)
                if start.own == 0 { ownThread.recordZero() } else { ownThread.record(microseconds: start.own) }
                slot.record(microseconds: start.wait - start.own)
            }
            let pairs = [(combined.queueWait, queue), (combined.ownThreadWait, ownThread), (combined.slotWait, slot)]
            for (column, (got, expected)) in pairs.enumerated() {
                #expect(got.percentiles == expected.percentiles, "column \(column): \(starts)")
                #expect(got.count == expected.count && got.positiveCount == expected.positiveCount, "column \(column): \(starts)")
            }
        }
    }
}
