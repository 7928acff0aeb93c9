// The summary's percentiles come from one walk over the histogram's recorded values; they must
// equal what the histogram's own valueAtPercentile gives, one scan per percentile.

import PropertyBased
import Histogram
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

/// The recorder counts waits itself and builds the histogram afterwards: that histogram must
/// answer like one that recorded every wait.
@Suite struct WaitRecorderHistogramTests {
    @Test(.shrinking) func rebuiltHistogramMatchesOneFedEveryWait() async {
        await propertyCheck(count: 300, input: PercentileTests.waits) { waits in
            var recorder = WaitRecorder()
            var direct = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
            direct.autoResize = true
            for wait in waits {
                recorder.record(microseconds: wait)
                direct.record(UInt64(max(0, wait)))
            }
            let rebuilt = recorder.histogram
            #expect(rebuilt.totalCount == direct.totalCount, "\(waits)")
            #expect(rebuilt.min == direct.min && rebuilt.maxRecorded == direct.maxRecorded, "\(waits)")
            #expect(rebuilt.minNonZero == direct.minNonZero, "\(waits)")
            let percentiles: [Double] = [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]
            #expect(percentiles.map { rebuilt.valueAtPercentile($0) } == percentiles.map { direct.valueAtPercentile($0) }, "\(waits)")
            #expect(WaitRecorder.values(atPercentiles: [50, 90, 95, 99, 99.9], of: rebuilt)
                == WaitRecorder.values(atPercentiles: [50, 90, 95, 99, 99.9], of: direct), "\(waits)")
        }
    }

    @Test func bucketIndexMatchesTheLowestValueOfEachBucket() {
        // Every bucket's lowest value maps back to it, and the value just below maps to the one
        // before. The last bucket (53) ends at UInt64.max.
        let lastIndex = 54 << 10 + 1023
        #expect(WaitBuckets.index(of: .max) == lastIndex)
        for index in 1...lastIndex {
            let lowest = WaitBuckets.lowestValue(at: index)
            #expect(WaitBuckets.index(of: lowest) == index)
            #expect(WaitBuckets.index(of: lowest - 1) == index - 1)
        }
    }
}
