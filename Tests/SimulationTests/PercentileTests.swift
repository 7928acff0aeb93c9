// The summary's percentiles come from one walk over the histogram's recorded values; they must
// equal what the histogram's own valueAtPercentile gives, one scan per percentile.

import PropertyBased
@testable import Simulation
import Testing

@Suite struct PercentileTests {
    /// Waits of every scale: zeros, small, around bucket edges, hours (past the first resize).
    static let waits = zip(Gen.int(in: 0...3), Gen.int64(in: 0...20_000_000_000)).map { scale, raw in
        switch scale {
        case 0: raw % 4
        case 1: raw % 5_001
        case 2: raw % 10_000_001
        default: raw
        }
    }.array(of: 0...400)

    @Test(.shrinking) func oneWalkMatchesOneScanPerPercentile() async {
        await propertyCheck(count: 300, input: Self.waits) { waits in
            var recorder = WaitRecorder()
            for wait in waits { recorder.record(microseconds: wait) }
            #expect(recorder.percentileValues == recorder.percentilesByBucketScan, "\(waits)")
        }
    }

    @Test func emptyRecorderReportsZeros() {
        #expect(WaitRecorder().percentileValues == [0, 0, 0, 0, 0])
        #expect(WaitRecorder().percentiles.p999Milliseconds == 0)
    }
}
