// The report's aggregates, fed one finished run at a time: counts, queue-wait error percentiles,
// the first divergence so far, and the first what-if changes by run index. Bounded: runs are
// kept only when asked, percentiles switch from exact samples to an HdrHistogram past a limit.
import Histogram
import RunLifecycle

/// What the tally needs of a run besides its comparison, to time a divergence.
struct RunTiming {
    /// The create's time as played.
    var requestedAt: Timestamp
    var recordedEndedAt: Timestamp?
    /// When the model's run reached its final status.
    var modelSettledAt: Timestamp?
    var thread: ThreadID
}

/// The earliest divergence found so far, before it is put into words.
struct DivergenceCandidate {
    var at: Timestamp
    var rank: Int
    var kind: Divergence.Kind
    var run: RunComparison
    var thread: ThreadID

    func precedes(_ other: DivergenceCandidate) -> Bool {
        (at, rank, run.index) < (other.at, other.rank, other.run.index)
    }
}

/// Absolute queue-wait errors: exact below ``exactLimit`` samples (nearest-rank percentiles on
/// the sorted values), then three significant digits in an HdrHistogram.
struct ErrorRecorder {
    static let exactLimit = 1 << 16
    private var samples: [Int64] = []
    private var histogram: Histogram<UInt64>?
    private var maximum: Int64 = 0
    private(set) var count = 0

    mutating func record(_ microseconds: Int64) {
        count += 1
        maximum = max(maximum, microseconds)
        if var histogram {
            _ = histogram.record(UInt64(max(0, microseconds)))
            self.histogram = histogram
            return
        }
        samples.append(microseconds)
        guard samples.count > Self.exactLimit else { return }
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        for sample in samples { _ = histogram.record(UInt64(max(0, sample))) }
        samples = []
        self.histogram = histogram
    }

    var percentiles: ErrorPercentiles {
        guard count > 0 else { return ErrorPercentiles(count: 0, p50: 0, p95: 0, max: 0) }
        let max = Double(maximum) / 1_000
        if let histogram {
            return ErrorPercentiles(
                count: count, p50: Double(histogram.valueAtPercentile(50)) / 1_000,
                p95: Double(histogram.valueAtPercentile(95)) / 1_000, max: max)
        }
        let sorted = samples.map { Double($0) / 1_000 }.sorted()
        func quantile(_ q: Double) -> Double {
            let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank))]
        }
        return ErrorPercentiles(count: count, p50: quantile(0.5), p95: quantile(0.95), max: max)
    }
}

/// Sums of the report, one run at a time.
struct ReplayTally {
    let keepRuns: Bool
    let isWhatIf: Bool
    let tolerance: Microseconds
    let whatIfLimit: Int

    private(set) var runs: [RunComparison] = []
    private(set) var compared = 0
    private(set) var agreeing = 0
    private(set) var startedInEither = 0
    private(set) var threadOrderAgreeing = 0
    private(set) var startedRecorded = 0
    private(set) var startedSimulated = 0
    private(set) var waitErrors = ErrorRecorder()
    private(set) var firstDivergence: DivergenceCandidate?
    /// The listed what-if changes: the lowest run indices seen so far (a max-heap by index).
    private var changes = MinHeap<ChangeByIndex>()
    private(set) var changeCount = 0
    private(set) var rejectedRecorded = 0
    private(set) var rejectedSimulated = 0
    private var recordedWaits: (sum: Int64, count: Int) = (0, 0)
    private var simulatedWaits: (sum: Int64, count: Int) = (0, 0)

    init(keepRuns: Bool, isWhatIf: Bool, tolerance: Microseconds, whatIfLimit: Int) {
        self.keepRuns = keepRuns
        self.isWhatIf = isWhatIf
        self.tolerance = tolerance
        self.whatIfLimit = whatIfLimit
    }

    /// Orders changes so that the heap's top is the highest index.
    struct ChangeByIndex: Comparable {
        var change: WhatIfChange
        static func < (left: ChangeByIndex, right: ChangeByIndex) -> Bool { left.change.run.index > right.change.run.index }
        static func == (left: ChangeByIndex, right: ChangeByIndex) -> Bool { left.change.run.index == right.change.run.index }
    }

    mutating func add(_ run: RunComparison, _ timing: RunTiming) {
        if keepRuns { runs.append(run) }
        if run.recordedStatus != .unknown {
            compared += 1
            if run.statusAgrees { agreeing += 1 }
        }
        if run.startedInEither {
            startedInEither += 1
            if run.threadOrderAgrees { threadOrderAgreeing += 1 }
        }
        if run.recordedStartedAt != nil { startedRecorded += 1 }
        if run.modelStartedAt != nil { startedSimulated += 1 }
        if let error = run.queueWaitError { waitErrors.record(error.count) }
        if run.recordedStatus == .rejected { rejectedRecorded += 1 }
        if run.modelStatus == .rejected { rejectedSimulated += 1 }
        if let wait = run.recordedQueueWait { recordedWaits = (recordedWaits.sum + wait.count, recordedWaits.count + 1) }
        if let wait = run.modelQueueWait { simulatedWaits = (simulatedWaits.sum + wait.count, simulatedWaits.count + 1) }
        considerDivergence(run, timing)
        if isWhatIf { considerChange(run) }
    }

    /// The first moment the two sides' stories differ for this run, if they do.
    private mutating func considerDivergence(_ run: RunComparison, _ timing: RunTiming) {
        func consider(_ at: Timestamp, _ rank: Int, _ kind: Divergence.Kind) {
            let candidate = DivergenceCandidate(at: at, rank: rank, kind: kind, run: run, thread: timing.thread)
            if firstDivergence.map({ candidate.precedes($0) }) ?? true { firstDivergence = candidate }
        }
        if !run.statusAgrees && run.recordedStatus != .unknown {
            // A refusal shows at the create; any other status difference at the first moment the
            // two sides' stories differ: a start only one side made, or the end.
            var at = timing.requestedAt
            let refusal: Set<ReplayStatus> = [.rejected, .notFound]
            if !refusal.contains(run.recordedStatus) && !refusal.contains(run.modelStatus) {
                let ends = [run.recordedStartedAt == nil ? nil : run.modelStartedAt == nil ? run.recordedStartedAt : nil,
                            run.modelStartedAt == nil ? nil : run.recordedStartedAt == nil ? run.modelStartedAt : nil,
                            timing.recordedEndedAt, timing.modelSettledAt].compactMap { $0 }
                at = ends.min() ?? at
            }
            consider(at, 0, .status)
        }
        if run.startedInEither && !run.threadOrderAgrees {
            let at = [run.recordedStartedAt, run.modelStartedAt].compactMap { $0 }.min()!
            consider(at, 1, .threadOrder)
        }
        if let error = run.queueWaitError, error > tolerance {
            consider(min(run.recordedStartedAt!, run.modelStartedAt!), 2, .queueWait)
        }
    }

    private mutating func considerChange(_ run: RunComparison) {
        var notes: [String] = []
        if !run.statusAgrees { notes.append("status \(run.recordedStatus) -> \(run.modelStatus)") }
        switch (run.recordedQueueWait, run.modelQueueWait) {
        case let (recorded?, model?) where abs(model.count - recorded.count) > tolerance.count / 2:
            notes.append("queue wait \(recorded.count / 1_000) ms -> \(model.count / 1_000) ms")
        case (nil, let model?): notes.append("now starts (queue wait \(model.count / 1_000) ms)")
        case (let recorded?, nil): notes.append("no longer starts (was queue wait \(recorded.count / 1_000) ms)")
        default: break
        }
        guard !notes.isEmpty else { return }
        changeCount += 1
        changes.push(ChangeByIndex(change: WhatIfChange(run: run, changes: notes)))
        if changes.count > whatIfLimit { changes.pop() }
    }

    var agreementFractions: (status: Double, threadOrder: Double) {
        (ReplayReport.fraction(agreeing, of: compared), ReplayReport.fraction(threadOrderAgreeing, of: startedInEither))
    }

    var listedChanges: [WhatIfChange] { changes.elements.map(\.change).sorted { $0.run.index < $1.run.index } }

    var meanWaits: (recorded: Double?, simulated: Double?) {
        func mean(_ total: (sum: Int64, count: Int)) -> Double? {
            total.count == 0 ? nil : Double(total.sum) / 1_000 / Double(total.count)
        }
        return (mean(recordedWaits), mean(simulatedWaits))
    }
}
