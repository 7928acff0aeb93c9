// The events and requests around the first divergence. A streaming replay keeps no history, and
// it knows the first divergence only at the end; so it replays the trace a second time (the
// replay is deterministic) and collects, as they pass, the run's own simulated events, its
// thread's events near the divergence, and the trace's requests on its thread up to just after.
import RunLifecycle
import Traces

struct DivergenceContext {
    let target: DivergenceCandidate
    /// The trace's first time: report times count from there.
    let firstTime: Timestamp
    private(set) var modelEvents: [String] = []
    private(set) var traceRequests: [String] = []
    private var requestsDone = false
    private var targetPlayed = false

    static let eventLimit = 24
    static let requestLimit = 16
    /// Thread events this close to the divergence are shown; requests up to this far after it.
    static let eventWindow = Microseconds.seconds(2)
    static let requestWindow = Microseconds.seconds(1)

    init(target: DivergenceCandidate, firstTime: Timestamp) {
        self.target = target
        self.firstTime = firstTime
    }

    /// Whether everything the report shows has been collected, so the second pass can stop.
    func isComplete(_ session: ReplaySession) -> Bool {
        guard requestsDone else { return false }
        if modelEvents.count >= Self.eventLimit { return true }
        // The run's own events end when it is forgotten; its thread's once time is past the window.
        let now = session.simulator.map { session.traceTime(Timestamp(microsecondsSinceEpoch: $0.now.microsecondsSinceStart)) } ?? firstTime
        return targetPlayed && session.tracker.name(of: target.run.index) == nil && now > target.at + Self.eventWindow
    }

    mutating func request(_ next: ReadyRequest, session: ReplaySession) {
        if case .create(let index) = next.request, index == target.run.index { targetPlayed = true }
        guard next.at <= target.at + Self.requestWindow else {
            requestsDone = true
            return
        }
        let names = ReplayNames(session: session, firstTime: firstTime)
        guard let text = names.describe(next, onThread: target.thread) else { return }
        traceRequests.append(text)
        if traceRequests.count > Self.requestLimit { traceRequests.removeFirst() }
    }

    mutating func event(_ event: Event, sequence: UInt64, session: ReplaySession) {
        guard modelEvents.count < Self.eventLimit else { return }
        let at = session.traceTime(event.at)
        let own = event.runID != nil && event.runID == target.run.modelRunID
        let near = abs(at.microsecondsSinceEpoch - target.at.microsecondsSinceEpoch) <= Self.eventWindow.count
        guard own || (near && ReplaySession.thread(of: event) == target.thread) else { return }
        if case .threadStatusChanged = event, !own { return }
        let names = ReplayNames(session: session, firstTime: firstTime)
        modelEvents.append("#\(sequence) \(names.time(at)) \(names.describe(event))")
    }
}

/// External names for reports: runs by their reference or id, threads as `T<n>/<id prefix>`,
/// times as seconds since the trace's first time.
struct ReplayNames {
    let session: ReplaySession
    let firstTime: Timestamp

    /// Seconds since the trace's first time.
    func time(_ at: Timestamp) -> String { Self.time(at, since: firstTime) }

    static func time(_ at: Timestamp, since origin: Timestamp) -> String {
        let micros = at.microsecondsSinceEpoch - origin.microsecondsSinceEpoch
        let sign = micros < 0 ? "-" : "+"
        let magnitude = abs(micros)
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count) + fraction)s"
    }

    func run(_ index: Int) -> String? { session.tracker.name(of: index) }

    func run(model id: RunID) -> String {
        guard let index = session.tracker.index(of: id), let name = run(index) else { return "\(id)" }
        return name
    }

    func thread(_ id: ThreadID) -> String {
        session.feed.threads.name(of: id).map { "T\(id.rawValue)/\($0.prefix(8))" } ?? "\(id)"
    }

    func describe(_ event: Event) -> String {
        switch event {
        case .created(let created):
            return "created \(run(model: created.runID)) on \(thread(created.threadID)) strategy=\(created.strategy) created_at=\(time(session.traceTime(created.createdAt)))"
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
    func describe(_ next: ReadyRequest, onThread thread: ThreadID) -> String? {
        let when = time(next.at)
        func onThread(_ index: Int?) -> Bool { index.flatMap { session.tracker.thread(of: $0) } == thread }
        switch next.request {
        case .create:
            guard let run = next.run, run.thread == thread else { return nil }
            var text = "\(when) create \(run.reference ?? run.externalID) on \(self.thread(run.thread)) strategy=\(run.request.strategy)"
            if run.request.after.count > 0 { text += " after=\(run.request.after.count / 1_000)ms" }
            if run.request.subscribed { text += " (subscribed)" }
            switch run.recordedStatus {
            case .rejected: text += " -> 409"
            case .notFound: text += " -> 404"
            default: text += " -> 200, ended \(run.recordedStatus)"
            }
            return text
        case .cancel(let index, let external, let action, let wait, _):
            guard onThread(index) else { return nil }
            return "\(when) cancel \(index.flatMap { run($0) } ?? external) action=\(action) wait=\(wait)"
        case .bulkCancel(let threadID, let runs, let status, let action, _):
            guard threadID == nil || threadID == thread else { return nil }
            let what = status.map { "status=\($0)" } ?? "runs=\((runs ?? []).map { run($0) ?? "#\($0)" }.joined(separator: ","))"
            return "\(when) bulk cancel \(what) action=\(action)"
        case .join(let index, let external, _):
            guard onThread(index) else { return nil }
            return "\(when) join \(index.flatMap { run($0) } ?? external)"
        case .delete(let index, let external, _):
            guard onThread(index) else { return nil }
            return "\(when) delete \(index.flatMap { run($0) } ?? external)"
        }
    }
}
