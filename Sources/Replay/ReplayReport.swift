// Comparing a replay with the recorded truth, run by run.
import Invariants
import RunLifecycle
import Traces

/// One trace run, recorded and simulated side by side. Times are trace times.
public struct RunComparison: Hashable, Sendable {
    public var index: Int
    public var externalID: String
    public var reference: String?
    public var thread: String
    public var recordedStatus: ReplayStatus
    public var modelStatus: ReplayStatus
    public var recordedCreatedAt: Timestamp?
    public var modelCreatedAt: Timestamp?
    public var recordedStartedAt: Timestamp?
    public var modelStartedAt: Timestamp?
    public var recordedQueueWait: Microseconds?
    public var modelQueueWait: Microseconds?
    /// The run started just before this one on its thread (trace run index), recorded and simulated.
    public var recordedThreadPredecessor: Int?
    public var modelThreadPredecessor: Int?
    /// The model's run id, when it created the run.
    public var modelRunID: RunID?

    public var name: String { reference.map { "\($0) (\(externalID))" } ?? externalID }
    public var statusAgrees: Bool { recordedStatus == modelStatus }
    public var startedInBoth: Bool { recordedStartedAt != nil && modelStartedAt != nil }
    public var startedInEither: Bool { recordedStartedAt != nil || modelStartedAt != nil }
    public var threadOrderAgrees: Bool { startedInBoth && recordedThreadPredecessor == modelThreadPredecessor }
    /// |simulated − recorded| queue wait, for runs that started in both.
    public var queueWaitError: Microseconds? {
        guard let recorded = recordedQueueWait, let model = modelQueueWait else { return nil }
        return Microseconds(abs(model.count - recorded.count))
    }
}

/// Percentiles of the absolute queue-wait error, in milliseconds.
public struct ErrorPercentiles: Hashable, Sendable {
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var max: Double

    init(_ values: [Microseconds]) {
        let sorted = values.map { Double($0.count) / 1_000 }.sorted()
        count = sorted.count
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank))]
        }
        p50 = quantile(0.5)
        p95 = quantile(0.95)
        self.max = sorted.last ?? 0
    }
}

/// The first place the model and the recording part ways.
public struct Divergence: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case status
        case threadOrder = "thread_order"
        case queueWait = "queue_wait"
    }

    public var kind: Kind
    /// When it shows (trace time).
    public var at: Timestamp
    public var run: RunComparison
    /// What the trace shows and what the model did, in words.
    public var trace: String
    public var model: String
    /// The simulated events around it (the run's own, and its thread's near `at`), trace times.
    public var modelEvents: [String]
    /// The trace's requests on the run's thread up to shortly after `at`.
    public var traceRequests: [String]
}

/// A run whose outcome changes under a what-if configuration.
public struct WhatIfChange: Hashable, Sendable {
    public var run: RunComparison
    public var changes: [String]
}

/// The comparison of a replay with the recording.
public struct ReplayReport: Sendable {
    public var runs: [RunComparison]
    public var statusAgreement: Double
    public var threadOrderAgreement: Double
    public var globalOrderAgreement: Double
    public var queueWaitError: ErrorPercentiles
    public var firstDivergence: Divergence?
    /// Safety and liveness violations; profile divergences (quirks the profile allows) apart.
    public var safetyViolations: Int
    public var livenessViolations: Int
    public var profileDivergences: Int
    public var violationDescriptions: [String]
    public var whatIfChanges: [WhatIfChange]
    public var eventCount: Int

    /// Compares `replay` with its recording.
    public init(_ replay: ReplayRun) {
        let input = replay.input
        var modelStatus = [ReplayStatus](repeating: .unknown, count: input.runs.count)
        var modelCreated = [Timestamp?](repeating: nil, count: input.runs.count)
        var modelStarted = [Timestamp?](repeating: nil, count: input.runs.count)
        var modelStartOrder: [Int] = []
        func index(_ run: RunID) -> Int? {
            let slot = Int(run.rawValue) - 1
            guard slot >= 0, slot < replay.traceRun.count, replay.traceRun[slot] >= 0 else { return nil }
            return replay.traceRun[slot]
        }
        for event in replay.events {
            guard let run = event.runID, let i = index(run) else { continue }
            switch event {
            case .created(let created):
                modelStatus[i] = .run(.pending)
                modelCreated[i] = replay.traceTime(created.createdAt)
            case .started(_, _, _, let at):
                modelStatus[i] = .run(.running)
                if modelStarted[i] == nil {
                    modelStarted[i] = replay.traceTime(at)
                    modelStartOrder.append(i)
                }
            case .retried: modelStatus[i] = .run(.pending)
            case .succeeded: modelStatus[i] = .run(.success)
            case .failed: modelStatus[i] = .run(.error)
            case .timedOut: modelStatus[i] = .run(.timeout)
            case .interrupted: modelStatus[i] = .run(.interrupted)
            case .rolledBack, .deleted: modelStatus[i] = .deleted
            default: break
            }
        }
        for i in input.runs.indices where replay.modelRun[i] == nil {
            modelStatus[i] = replay.modelRefusal[i] ?? .unknown
        }
        // Thread predecessors, recorded (by start time) and simulated (by start event order).
        var recordedPredecessor = [Int?](repeating: nil, count: input.runs.count)
        var modelPredecessor = [Int?](repeating: nil, count: input.runs.count)
        let recordedOrder = input.runs.indices.filter { input.runs[$0].recordedStartedAt != nil }
            .sorted { (input.runs[$0].recordedStartedAt!, $0) < (input.runs[$1].recordedStartedAt!, $1) }
        var lastOnThread: [ThreadID: Int] = [:]
        for i in recordedOrder {
            recordedPredecessor[i] = lastOnThread[input.runs[i].thread]
            lastOnThread[input.runs[i].thread] = i
        }
        lastOnThread = [:]
        for i in modelStartOrder {
            modelPredecessor[i] = lastOnThread[input.runs[i].thread]
            lastOnThread[input.runs[i].thread] = i
        }
        var runs: [RunComparison] = []
        for (i, run) in input.runs.enumerated() {
            var modelWait: Microseconds?
            if let started = modelStarted[i], let created = modelCreated[i] { modelWait = started - created }
            runs.append(RunComparison(
                index: i, externalID: run.externalID, reference: run.reference, thread: run.threadExternalID,
                recordedStatus: run.recordedStatus, modelStatus: modelStatus[i],
                recordedCreatedAt: run.recordedCreatedAt, modelCreatedAt: modelCreated[i],
                recordedStartedAt: run.recordedStartedAt, modelStartedAt: modelStarted[i],
                recordedQueueWait: run.recordedStartedAt == nil ? nil : run.recordedQueueWait, modelQueueWait: modelWait,
                recordedThreadPredecessor: recordedPredecessor[i], modelThreadPredecessor: modelPredecessor[i],
                modelRunID: replay.modelRun[i]))
        }
        self.runs = runs
        eventCount = replay.events.count

        let compared = runs.filter { $0.recordedStatus != .unknown }
        statusAgreement = Self.fraction(compared.filter(\.statusAgrees).count, of: compared.count)
        let started = runs.filter(\.startedInEither)
        threadOrderAgreement = Self.fraction(started.filter(\.threadOrderAgrees).count, of: started.count)
        // Global order: concordant pairs among runs that started in both (Kendall), with
        // unmatched starts counted as disagreeing.
        let both = recordedOrder.filter { modelStarted[$0] != nil }
        var modelRank = [Int](repeating: 0, count: input.runs.count)
        for (rank, i) in modelStartOrder.enumerated() { modelRank[i] = rank }
        let ranks = both.map { modelRank[$0] }
        let pairs = ranks.count * (ranks.count - 1) / 2
        let inversions = Self.inversions(ranks)
        let unmatched = started.count - both.count
        globalOrderAgreement = pairs == 0
            ? Self.fraction(both.count, of: started.count)
            : Double(pairs - inversions) / Double(pairs) * Self.fraction(both.count, of: started.count)
        queueWaitError = ErrorPercentiles(runs.compactMap(\.queueWaitError))
        _ = unmatched

        let kinds = replay.violations.map(\.kind)
        safetyViolations = kinds.filter { $0 == .safety }.count
        livenessViolations = kinds.filter { $0 == .liveness }.count
        profileDivergences = kinds.filter { $0 == .profileDivergence }.count
        violationDescriptions = replay.violations.filter { $0.kind != .profileDivergence }.prefix(20).map(\.description)

        let tolerance = replay.options.waitTolerance ?? .milliseconds(max(replay.pollIntervalMilliseconds, 1))
        firstDivergence = Self.firstDivergence(runs, replay: replay, tolerance: tolerance)
        whatIfChanges = replay.isWhatIf ? Self.whatIf(runs, tolerance: tolerance) : []
    }

    static func fraction(_ part: Int, of whole: Int) -> Double { whole == 0 ? 1 : Double(part) / Double(whole) }

    /// Inversions in `values` (merge sort).
    static func inversions(_ values: [Int]) -> Int {
        var array = values
        var buffer = values
        var count = 0
        var width = 1
        while width < array.count {
            var start = 0
            while start < array.count {
                let middle = min(start + width, array.count)
                let end = min(start + 2 * width, array.count)
                var left = start, right = middle, out = start
                while left < middle && right < end {
                    if array[left] <= array[right] {
                        buffer[out] = array[left]; left += 1
                    } else {
                        buffer[out] = array[right]; right += 1
                        count += middle - left
                    }
                    out += 1
                }
                while left < middle { buffer[out] = array[left]; left += 1; out += 1 }
                while right < end { buffer[out] = array[right]; right += 1; out += 1 }
                start = end
            }
            swap(&array, &buffer)
            width *= 2
        }
        return count
    }

    // MARK: - First divergence

    static func firstDivergence(_ runs: [RunComparison], replay: ReplayRun, tolerance: Microseconds) -> Divergence? {
        var best: (at: Timestamp, rank: Int, kind: Divergence.Kind, run: RunComparison)?
        func consider(_ at: Timestamp, _ rank: Int, _ kind: Divergence.Kind, _ run: RunComparison) {
            if best.map({ (at, rank) < ($0.at, $0.rank) }) ?? true { best = (at, rank, kind, run) }
        }
        for run in runs {
            let traceRun = replay.input.runs[run.index]
            if !run.statusAgrees && run.recordedStatus != .unknown {
                // A refusal shows at the create; any other status difference at the first
                // moment the two sides' stories differ: a start only one side made, or the end.
                var at = traceRun.request.at
                let refusal: Set<ReplayStatus> = [.rejected, .notFound]
                if !refusal.contains(run.recordedStatus) && !refusal.contains(run.modelStatus) {
                    let ends = [run.recordedStartedAt == nil ? nil : run.modelStartedAt == nil ? run.recordedStartedAt : nil,
                                run.modelStartedAt == nil ? nil : run.recordedStartedAt == nil ? run.modelStartedAt : nil,
                                traceRun.recordedEndedAt, modelSettledAt(run, replay)].compactMap { $0 }
                    at = ends.min() ?? at
                }
                consider(at, 0, .status, run)
            }
            if run.startedInEither && !run.threadOrderAgrees {
                let at = [run.recordedStartedAt, run.modelStartedAt].compactMap { $0 }.min()!
                consider(at, 1, .threadOrder, run)
            }
            if let error = run.queueWaitError, error > tolerance {
                consider(min(run.recordedStartedAt!, run.modelStartedAt!), 2, .queueWait, run)
            }
        }
        guard let best else { return nil }
        let run = best.run
        let names = Names(replay)
        func side(_ status: ReplayStatus, _ created: Timestamp?, _ started: Timestamp?, _ wait: Microseconds?, predecessor: Int?) -> String {
            var text = "status \(status)"
            if let started { text += ", started at \(names.time(started))" } else { text += ", never started" }
            if let wait { text += ", queue wait \(wait.count / 1_000) ms" }
            if let created { text += " (created_at \(names.time(created)))" }
            if run.startedInEither {
                text += ", after \(predecessor.map { names.run($0) } ?? "no earlier run") on its thread"
            }
            return text
        }
        let trace = side(run.recordedStatus, run.recordedCreatedAt, run.recordedStartedAt, run.recordedQueueWait,
                         predecessor: run.recordedThreadPredecessor)
        let model = side(run.modelStatus, run.modelCreatedAt, run.modelStartedAt, run.modelQueueWait,
                         predecessor: run.modelThreadPredecessor)
        // The model's side: this run's events and its thread's events within 2 s of the divergence.
        let thread = replay.input.runs[run.index].thread
        var modelEvents: [String] = []
        for (sequence, event) in replay.events.enumerated() {
            let at = replay.traceTime(event.at)
            let own = event.runID != nil && event.runID == run.modelRunID
            let near = abs(at.microsecondsSinceEpoch - best.at.microsecondsSinceEpoch) <= 2_000_000
            guard own || (near && names.thread(of: event) == thread) else { continue }
            if case .threadStatusChanged = event, !own { continue }
            modelEvents.append("#\(sequence) \(names.time(at)) \(names.describe(event))")
            if modelEvents.count >= 24 { break }
        }
        var traceRequests: [String] = []
        for (at, request) in replay.input.requests where at.microsecondsSinceEpoch <= best.at.microsecondsSinceEpoch + 1_000_000 {
            if let text = names.describe(request, at: at, onThread: thread) { traceRequests.append(text) }
        }
        if traceRequests.count > 16 { traceRequests = Array(traceRequests.suffix(16)) }
        return Divergence(
            kind: best.kind, at: best.at, run: run, trace: trace, model: model, modelEvents: modelEvents,
            traceRequests: traceRequests)
    }

    /// When the model's run reached its final status.
    static func modelSettledAt(_ run: RunComparison, _ replay: ReplayRun) -> Timestamp? {
        guard let id = run.modelRunID else { return nil }
        var last: Timestamp?
        for event in replay.events where event.runID == id {
            switch event {
            case .succeeded, .failed, .timedOut, .interrupted, .rolledBack, .deleted: last = replay.traceTime(event.at)
            default: break
            }
        }
        return last
    }

    // MARK: - What-if

    static func whatIf(_ runs: [RunComparison], tolerance: Microseconds) -> [WhatIfChange] {
        var changes: [WhatIfChange] = []
        for run in runs {
            var notes: [String] = []
            if !run.statusAgrees { notes.append("status \(run.recordedStatus) -> \(run.modelStatus)") }
            switch (run.recordedQueueWait, run.modelQueueWait) {
            case let (recorded?, model?) where abs(model.count - recorded.count) > tolerance.count / 2:
                notes.append("queue wait \(recorded.count / 1_000) ms -> \(model.count / 1_000) ms")
            case (nil, let model?): notes.append("now starts (queue wait \(model.count / 1_000) ms)")
            case (let recorded?, nil): notes.append("no longer starts (was queue wait \(recorded.count / 1_000) ms)")
            default: break
            }
            if !notes.isEmpty { changes.append(WhatIfChange(run: run, changes: notes)) }
        }
        return changes
    }
}

/// External names for reports.
struct Names {
    let replay: ReplayRun
    let origin: Timestamp

    init(_ replay: ReplayRun) {
        self.replay = replay
        origin = replay.input.firstTime ?? replay.origin
    }

    /// Seconds since the trace's first time.
    func time(_ at: Timestamp) -> String {
        let micros = at.microsecondsSinceEpoch - origin.microsecondsSinceEpoch
        let sign = micros < 0 ? "-" : "+"
        let magnitude = abs(micros)
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count) + fraction)s"
    }

    func run(_ index: Int) -> String {
        let run = replay.input.runs[index]
        return run.reference ?? run.externalID
    }

    func run(model id: RunID) -> String {
        let slot = Int(id.rawValue) - 1
        guard slot >= 0, slot < replay.traceRun.count, replay.traceRun[slot] >= 0 else { return "\(id)" }
        return run(replay.traceRun[slot])
    }

    func thread(_ id: ThreadID) -> String {
        replay.input.interner.externalName(of: id).map { name in
            replay.input.runs.first { $0.thread == id }?.threadExternalID == name ? shortThread(id, name) : name
        } ?? "\(id)"
    }

    private func shortThread(_ id: ThreadID, _ name: String) -> String { "T\(id.rawValue)/\(name.prefix(8))" }

    func thread(of event: Event) -> ThreadID? {
        switch event {
        case .created(let created): created.threadID
        case .checkpointed(let checkpointed): checkpointed.threadID
        case .threadCreated(let thread, _, _, _), .started(_, let thread, _, _), .succeeded(_, let thread, _),
            .failed(_, let thread, _, _), .timedOut(_, let thread, _), .retried(_, let thread, _, _),
            .interrupted(_, let thread, _, _, _), .rolledBack(_, let thread, _, _), .deleted(_, let thread, _),
            .workerStopped(_, let thread, _, _), .subscribed(_, let thread, _, _), .unsubscribed(_, let thread, _),
            .threadStatusChanged(let thread, _, _), .threadValuesCached(let thread, _, _), .threadDeleted(let thread, _):
            thread
        case .rejected(let thread, _, _, _): thread
        case .joinAnswered, .cancelRefused, .commandRefused, .serverRestarted: nil
        }
    }

    func describe(_ event: Event) -> String {
        switch event {
        case .created(let created):
            return "created \(run(model: created.runID)) on \(thread(created.threadID)) strategy=\(created.strategy) created_at=\(time(replay.traceTime(created.createdAt)))"
        case .rejected(let threadID, let strategy, let reason, _):
            let why: String
            switch reason {
            case .threadBusy(let inFlight): why = "409, in flight: \(inFlight.map { run(model: $0) }.joined(separator: ", "))"
            case .threadNotFound: why = "404, no such thread"
            }
            return "rejected create on \(threadID.map { thread($0) } ?? "-") strategy=\(strategy): \(why)"
        case .started(let id, _, let attempt, _): return "started \(run(model: id)) attempt \(attempt)"
        case .checkpointed(let checkpointed):
            return "checkpoint \(run(model: checkpointed.runID)) step \(checkpointed.stepIndex.map(String.init) ?? "input")"
        case .succeeded(let id, _, _): return "succeeded \(run(model: id))"
        case .failed(let id, _, let cause, _): return "failed \(run(model: id)) (\(cause))"
        case .timedOut(let id, _, _): return "timed out \(run(model: id))"
        case .retried(let id, _, let cause, _): return "retried \(run(model: id)) (\(cause))"
        case .interrupted(let id, _, let action, let cause, _):
            let by: String
            switch cause {
            case .supersededBy(let other): by = "superseded by \(run(model: other))"
            case .cancelRequest: by = "cancel request"
            case .bulkCancelRequest: by = "bulk cancel"
            }
            return "interrupted \(run(model: id)) action=\(action) (\(by))"
        case .rolledBack(let id, _, let stage, _): return "rolled back \(run(model: id)) (\(stage == .eager ? "eager delete" : "by its worker"))"
        case .deleted(let id, _, _): return "deleted \(run(model: id))"
        case .workerStopped(let id, _, let write, _): return "worker of \(run(model: id)) stopped (\(write))"
        case .subscribed(let id, _, let waits, _): return "subscribed to \(run(model: id))\(waits ? " (waiting)" : "")"
        case .unsubscribed(let id, _, _): return "unsubscribed from \(run(model: id))"
        case .joinAnswered(let id, let answer, _): return "join of \(run(model: id)) answered \(answer)"
        case .threadStatusChanged(let id, let status, _): return "thread \(thread(id)) -> \(status)"
        case .threadValuesCached(let id, let from, _): return "thread \(thread(id)) values from \(run(model: from))"
        case .threadCreated(let id, _, let status, _): return "thread \(thread(id)) created (\(status))"
        case .threadDeleted(let id, _): return "thread \(thread(id)) deleted"
        case .cancelRefused(let id, let reason, _): return "cancel of \(id.map { run(model: $0) } ?? "-") refused (\(reason))"
        case .commandRefused(let id, let command, let reason, _):
            return "\(command) of \(id.map { run(model: $0) } ?? "-") refused (\(reason))"
        case .serverRestarted: return "server restarted"
        }
    }

    /// A request, when it is about `thread` (or names no thread).
    func describe(_ request: ReplayRequest, at: Timestamp, onThread thread: ThreadID) -> String? {
        let when = time(at)
        switch request {
        case .create(let index):
            let run = replay.input.runs[index]
            guard run.thread == thread else { return nil }
            var text = "\(when) create \(self.run(index)) on \(self.thread(run.thread)) strategy=\(run.request.strategy)"
            if run.request.after.count > 0 { text += " after=\(run.request.after.count / 1_000)ms" }
            if run.request.subscribed { text += " (subscribed)" }
            switch run.recordedStatus {
            case .rejected: text += " -> 409"
            case .notFound: text += " -> 404"
            default: text += " -> 200, ended \(run.recordedStatus)"
            }
            return text
        case .cancel(let index, let external, let action, let wait, _):
            guard index.map({ replay.input.runs[$0].thread == thread }) ?? false else { return nil }
            return "\(when) cancel \(index.map { self.run($0) } ?? external) action=\(action) wait=\(wait)"
        case .bulkCancel(let threadID, let runs, let status, let action, _):
            guard threadID == nil || threadID == thread else { return nil }
            let what = status.map { "status=\($0)" } ?? "runs=\((runs ?? []).map { self.run($0) }.joined(separator: ","))"
            return "\(when) bulk cancel \(what) action=\(action)"
        case .join(let index, let external, _):
            guard index.map({ replay.input.runs[$0].thread == thread }) ?? false else { return nil }
            return "\(when) join \(index.map { self.run($0) } ?? external)"
        case .delete(let index, let external, _):
            guard index.map({ replay.input.runs[$0].thread == thread }) ?? false else { return nil }
            return "\(when) delete \(index.map { self.run($0) } ?? external)"
        }
    }
}
