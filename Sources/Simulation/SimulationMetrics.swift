// Queue-latency metrics collected while the simulation runs. Waits go into HdrHistograms (in
// microseconds, three significant digits) for percentiles; means are exact sums.
import Histogram

/// How a run's lifecycle ended, as counted in the summary.
public enum RunOutcome: UInt8, CaseIterable, Hashable, Sendable {
    case succeeded = 0
    case failed
    case timedOut
    case interrupted
    case rolledBack
    /// Still pending when the simulation stopped.
    case pending
    /// Still running when the simulation stopped.
    case running

    /// The snake_case name used in summaries.
    public var name: String {
        switch self {
        case .succeeded: "success"
        case .failed: "error"
        case .timedOut: "timeout"
        case .interrupted: "interrupted"
        case .rolledBack: "rolled_back"
        case .pending: "pending"
        case .running: "running"
        }
    }
}

/// Percentiles of one wait distribution, in milliseconds.
public struct WaitPercentiles: Hashable, Sendable {
    public var count: UInt64
    public var meanMilliseconds: Double
    public var p50Milliseconds: Double
    public var p90Milliseconds: Double
    public var p95Milliseconds: Double
    public var p99Milliseconds: Double
    public var p999Milliseconds: Double
    public var maxMilliseconds: Double
}

/// An accumulator of waits in microseconds.
struct WaitRecorder {
    private var histogram: Histogram<UInt64>
    private var sumMicroseconds: Double = 0
    private var maxMicroseconds: UInt64 = 0
    private(set) var count: UInt64 = 0
    private(set) var positiveCount: UInt64 = 0

    init() {
        // Ten seconds of wait before the first resize: a histogram sized for an hour zeroes
        // 180 KB, and a replay makes three of them, which showed in its start-up time. Resizing
        // keeps every wait exact to three significant digits (the buckets below the old top do
        // not move), so the percentiles are the same.
        histogram = Histogram(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    mutating func record(microseconds: Int64) {
        let value = UInt64(max(0, microseconds))
        _ = histogram.record(value)
        sumMicroseconds += Double(value)
        maxMicroseconds = max(maxMicroseconds, value)
        count += 1
        if value > 0 { positiveCount += 1 }
    }

    var percentiles: WaitPercentiles {
        let values = percentileValues
        func milliseconds(_ index: Int) -> Double { Double(values[index]) / 1_000 }
        return WaitPercentiles(
            count: count, meanMilliseconds: count == 0 ? 0 : sumMicroseconds / Double(count) / 1_000,
            p50Milliseconds: milliseconds(0), p90Milliseconds: milliseconds(1), p95Milliseconds: milliseconds(2),
            p99Milliseconds: milliseconds(3), p999Milliseconds: milliseconds(4),
            maxMilliseconds: Double(maxMicroseconds) / 1_000)
    }

    /// The summary's percentiles the slow way, one `valueAtPercentile` each: the oracle of the
    /// tests of ``values(atPercentiles:of:)``.
    var percentilesByBucketScan: [UInt64] {
        count == 0 ? [0, 0, 0, 0, 0] : [50, 90, 95, 99, 99.9].map { histogram.valueAtPercentile($0) }
    }

    /// The summary's percentiles in microseconds, as ``percentiles`` reports them.
    var percentileValues: [UInt64] {
        count == 0 ? [0, 0, 0, 0, 0] : Self.values(atPercentiles: [50, 90, 95, 99, 99.9], of: histogram)
    }

    /// What `histogram.valueAtPercentile` gives for each of `percentiles` (ascending, each in
    /// (0, 100)), in one walk over the recorded values: called once per percentile, it scanned
    /// every bucket of the histogram each time.
    static func values(atPercentiles percentiles: [Double], of histogram: Histogram<UInt64>) -> [UInt64] {
        // The same rank as valueAtPercentile: one ulp below the percentile, rounded up, at least 1.
        let ranks = percentiles.map { percentile in
            let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
            return Swift.max(1, UInt64((requested * Double(histogram.totalCount) / 100).rounded(.up)))
        }
        var values = [UInt64](repeating: 0, count: percentiles.count)
        var next = 0
        for recorded in histogram.recordedValues() {
            while next < ranks.count, recorded.totalCountToThisValue >= ranks[next] {
                values[next] = Swift.max(Swift.min(recorded.value, histogram.maxRecorded), histogram.min)
                next += 1
            }
            if next == ranks.count { break }
        }
        return values
    }
}

/// Everything the simulator counts besides the events themselves.
struct MetricsCollector {
    var queueWait = WaitRecorder()
    var ownThreadWait = WaitRecorder()
    var slotWait = WaitRecorder()
    var outcomes = [UInt64](repeating: 0, count: RunOutcome.allCases.count)
    var runsRequested: UInt64 = 0
    var runsCreated: UInt64 = 0
    var runsRejected: UInt64 = 0
    var firstTexts: UInt64 = 0
    var doubleTexts: UInt64 = 0
    var cancelsSent: UInt64 = 0
    var joinsSent: UInt64 = 0
    var retries: UInt64 = 0
    var serverRestarts: UInt64 = 0
    var pollsIssued: UInt64 = 0
    var commands: UInt64 = 0
    /// Slot-microseconds during which a worker held a slot.
    var busySlotMicroseconds: Double = 0
    /// Microseconds of useful execution (steps that were checkpointed and kept).
    var executedMicroseconds: Double = 0
    var wastedByRollbackMicroseconds: Double = 0
    var cutShortByInterruptMicroseconds: Double = 0
    var wastedByRetryMicroseconds: Double = 0
    var threadQueueDepthMax: Int = 0

    mutating func count(_ outcome: RunOutcome) { outcomes[Int(outcome.rawValue)] += 1 }
}
