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
///
/// Waits are counted in the histogram's own layout (``WaitBuckets``) and the histogram is built
/// from the counts when the percentiles are asked for: recording each wait in the histogram
/// (resize check, out-of-line index math, copy-on-write check) cost about 125 instructions, a
/// third of the simulator's per-run bookkeeping.
struct WaitRecorder {
    /// Waits per bucket index; grows to the largest wait's bucket.
    private var counts: [UInt64] = []
    private var totals = WaitTotals()
    private var sumMicroseconds: Double { totals.sumMicroseconds }
    private var maxMicroseconds: UInt64 { totals.maxMicroseconds }
    private var minNonZeroMicroseconds: UInt64 { totals.minNonZeroMicroseconds }
    var count: UInt64 { totals.count }
    var positiveCount: UInt64 { totals.positiveCount }

    init() {}

    /// A recorder that counted `counts` per bucket index, with `totals` over the same waits.
    init(counts: [UInt64], totals: WaitTotals) {
        self.counts = counts
        self.totals = totals
    }

    // Inlined: three calls per started run, where the call cost about a sixth of the work.
    @inline(__always)
    mutating func record(microseconds: Int64) {
        let value = UInt64(max(0, microseconds))
        let index = WaitBuckets.index(of: value)
        if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index + 1 - counts.count)) }
        counts[index] &+= 1
        totals.add(value)
    }

    /// ``record(microseconds:)`` of 0: bucket 0, and nothing else but the count changes (the
    /// sum stays +0.0 or grows by +0.0, the maximum cannot drop, 0 is not positive).
    @inline(__always)
    mutating func recordZero() {
        if counts.isEmpty { counts.append(0) }
        counts[0] &+= 1
        totals.count += 1
    }

    /// The histogram that recording every wait would have built: the same count in every
    /// bucket, and the same smallest non-zero and largest value (which clamp its percentiles).
    var histogram: Histogram<UInt64> {
        // Ten seconds of wait before the first resize: a histogram sized for an hour zeroes
        // 180 KB, and a replay makes three of them, which showed in its start-up time. Resizing
        // keeps every wait exact to three significant digits (the buckets below the old top do
        // not move), so the percentiles are the same.
        var histogram = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        let maxIndex = WaitBuckets.index(of: maxMicroseconds)
        let minIndex = minNonZeroMicroseconds == .max ? -1 : WaitBuckets.index(of: minNonZeroMicroseconds)
        for index in counts.indices where counts[index] > 0 {
            // Any value of a bucket counts the same; the extremes must be the real ones.
            let count = counts[index]
            if index == maxIndex, index == minIndex, minNonZeroMicroseconds != maxMicroseconds {
                histogram.record(minNonZeroMicroseconds)
                histogram.record(maxMicroseconds, count: count - 1)
            } else {
                let value = index == maxIndex ? maxMicroseconds
                    : index == minIndex ? minNonZeroMicroseconds : WaitBuckets.lowestValue(at: index)
                histogram.record(value, count: count)
            }
        }
        return histogram
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
        let histogram = histogram
        return count == 0 ? [0, 0, 0, 0, 0] : [50, 90, 95, 99, 99.9].map { histogram.valueAtPercentile($0) }
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

/// What a ``WaitRecorder`` keeps besides its bucket counts.
struct WaitTotals {
    var sumMicroseconds: Double = 0
    var maxMicroseconds: UInt64 = 0
    var minNonZeroMicroseconds: UInt64 = .max
    var count: UInt64 = 0
    var positiveCount: UInt64 = 0

    /// Counts the (non-negative) wait `value`.
    @inline(__always)
    mutating func add(_ value: UInt64) {
        sumMicroseconds += Double(value)
        maxMicroseconds = max(maxMicroseconds, value)
        // Without a branch on the value's sign: queue waits are zero or not at random, and the
        // branch was mispredicted about once per run. A zero leaves the minimum as it was.
        let positive = value > 0
        positiveCount += positive ? 1 : 0
        minNonZeroMicroseconds = min(minNonZeroMicroseconds, positive ? value : .max)
        count += 1
    }
}

/// The three waits of each run's first start (queue, own thread, slot), each as a
/// ``WaitRecorder`` would count it, with the bucket counts of all three in one table: three
/// recorders checked their own table's uniqueness and bounds each time, and the usual start
/// (no wait behind the thread's own runs) counts the same value twice.
struct StartWaitRecorder {
    /// Three counts per bucket index: queue wait, own-thread wait, slot wait. Not
    /// copy-on-write (see ``CountBuffer``): the engine's recorder is never copied while it counts.
    private let counts = CountBuffer()
    private(set) var queueTotals = WaitTotals()
    private(set) var ownThreadTotals = WaitTotals()
    private(set) var slotTotals = WaitTotals()
    /// Whether every start so far had no own-thread wait, so the slot column and totals are
    /// the queue's and are not kept (always, with fresh threads): counting the same value twice
    /// was a sixth of each start's bookkeeping.
    private var slotMirrorsQueue = true

    /// Records a start after `wait`, `own` of which was behind the thread's own runs
    /// (`0 <= own`); the slot wait is the rest.
    @inline(__always)
    mutating func record(wait: Int64, own: Int64) {
        let waitValue = UInt64(max(0, wait))
        let waitIndex = WaitBuckets.index(of: waitValue)
        if own == 0 {
            // Usual (always, for fresh threads): the slot wait is the queue wait, and the own
            // wait is 0, which changes only its count (see ``WaitRecorder/recordZero()``).
            reserveBuckets(through: waitIndex)
            // In range: reserved through `waitIndex` (and bucket 0 with it).
            let counts = counts.base
            counts[3 * waitIndex] &+= 1
            counts[1] &+= 1
            if !slotMirrorsQueue { counts[3 * waitIndex + 2] &+= 1 }
            queueTotals.add(waitValue)
            ownThreadTotals.count += 1
            if !slotMirrorsQueue { slotTotals.add(waitValue) }
            return
        }
        if slotMirrorsQueue { stopMirroring() }
        let ownValue = UInt64(own)
        let slotValue = UInt64(max(0, wait - own))
        let ownIndex = WaitBuckets.index(of: ownValue), slotIndex = WaitBuckets.index(of: slotValue)
        reserveBuckets(through: max(waitIndex, ownIndex, slotIndex))
        let counts = counts.base
        counts[3 * waitIndex] &+= 1
        counts[3 * ownIndex + 1] &+= 1
        counts[3 * slotIndex + 2] &+= 1
        queueTotals.add(waitValue)
        ownThreadTotals.add(ownValue)
        slotTotals.add(slotValue)
    }

    /// Gives the slot column and totals their own values (the queue's so far).
    private mutating func stopMirroring() {
        slotMirrorsQueue = false
        slotTotals = queueTotals
        for index in stride(from: 0, to: counts.count, by: 3) { counts[index + 2] = counts[index] }
    }

    /// Grows the table to hold bucket `index` of every column.
    @inline(__always)
    private mutating func reserveBuckets(through index: Int) {
        counts.reserve(3 * index + 3)
    }

    /// Column `column` (0 queue, 1 own thread, 2 slot) as a recorder.
    private func recorder(column: Int, totals: WaitTotals) -> WaitRecorder {
        WaitRecorder(counts: stride(from: column, to: counts.count, by: 3).map { counts[$0] }, totals: totals)
    }

    var queueWait: WaitRecorder { recorder(column: 0, totals: queueTotals) }
    var ownThreadWait: WaitRecorder { recorder(column: 1, totals: ownThreadTotals) }
    var slotWait: WaitRecorder {
        slotMirrorsQueue ? recorder(column: 0, totals: queueTotals) : recorder(column: 2, totals: slotTotals)
    }
}

/// The bucket layout of a `Histogram<UInt64>` with three significant digits and a unit of 1
/// (HdrHistogram's): 2,048 sub-buckets of 1 for the first bucket, then each bucket twice as wide
/// with its top 1,024 sub-buckets.
enum WaitBuckets {
    /// Where the histogram counts `value` (its `countsIndexForValue`).
    @inline(__always)
    static func index(of value: UInt64) -> Int {
        let bucket = 53 - (value | 2047).leadingZeroBitCount
        let subBucket = Int(truncatingIfNeeded: value >> UInt64(bucket))
        return (bucket + 1) << 10 + subBucket - 1024
    }

    /// The smallest value counted at `index` (the histogram's `valueFromIndex`).
    static func lowestValue(at index: Int) -> UInt64 {
        var bucket = (index >> 10) - 1
        var subBucket = (index & 1023) + 1024
        if bucket < 0 {
            subBucket -= 1024
            bucket = 0
        }
        return UInt64(subBucket) << UInt64(bucket)
    }
}

/// Everything the simulator counts besides the events themselves.
struct MetricsCollector {
    var startWaits = StartWaitRecorder()
    /// Runs settled per outcome, by raw value. A tuple, not an array: counting a run in an
    /// array checked its uniqueness and bounds each time.
    private var settled: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0)
    /// Runs settled per outcome, indexed by raw value.
    var outcomes: [UInt64] {
        withUnsafeBytes(of: settled) { Array($0.bindMemory(to: UInt64.self)) }
    }
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

    mutating func count(_ outcome: RunOutcome) {
        precondition(Int(outcome.rawValue) < MemoryLayout.size(ofValue: settled) / MemoryLayout<UInt64>.stride)
        withUnsafeMutableBytes(of: &settled) { counts in
            let offset = Int(outcome.rawValue) * MemoryLayout<UInt64>.stride
            counts.storeBytes(of: counts.load(fromByteOffset: offset, as: UInt64.self) + 1, toByteOffset: offset, as: UInt64.self)
        }
    }
}
