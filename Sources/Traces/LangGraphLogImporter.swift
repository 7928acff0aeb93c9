import RunLifecycle

// The server's own JSON log (LOG_JSON=true) read as a trace. What it shows: accepted creates
// (`Created run`), refused creates (4xx access lines), cancels, bulk cancels, joins (access lines,
// logged only at INFO), deletes, each attempt's start and end with microsecond times, and the
// slot count. What it cannot show: thread creation (no thread id in `POST /threads` lines), a
// run's steps or their durations (only the whole execution time of runs that ran), checkpoints,
// whether a cancel used `wait=true` when it succeeded, and the body of a refused create.

/// What the log says about one run so far.
struct LoggedRun {
    var runID: String
    var threadID: String
    var strategy: MultitaskStrategy?
    var status: RecordedRunStatus = .run(.pending)
    /// Exact once a worker line gives `run_created_at`; before that, the `Created run` line's
    /// time plus `after_seconds` (the server stores insert time + delay).
    var createdAt: Timestamp?
    var createdAtIsExact = false
    var firstStartedAt: Timestamp?
    var lastStartedAt: Timestamp?
    var endedAt: Timestamp?
    var executionMilliseconds: Int64?
    var attempts = 0
    var endEvent: String?
    var cancels: [TraceCancelMark] = []
    var eagerlyDeleted = false
    /// The order in which the log first named the run.
    var sequence: Int
    /// The time of the latest line that named the run.
    var lastLine: Timestamp
    /// Whether the run is queued for retirement.
    var retiring = false

    init(runID: String, threadID: String, sequence: Int, lastLine: Timestamp) {
        self.runID = runID
        self.threadID = threadID
        self.sequence = sequence
        self.lastLine = lastLine
    }

    /// Whether the run has reached a status no worker line changes (only a later delete does).
    var isTerminal: Bool {
        switch status {
        case .deleted: true
        case .run(let status): !status.isInFlight
        }
    }

    var outcome: TraceOutcome {
        var execution: Microseconds?
        if let start = lastStartedAt, let end = endedAt { execution = end - start }
        else if let milliseconds = executionMilliseconds { execution = .milliseconds(milliseconds) }
        var queueWait: Microseconds?
        if let start = firstStartedAt, let created = createdAt { queueWait = start - created }
        return TraceOutcome(
            runID: runID, threadID: threadID, status: status, createdAt: createdAt, startedAt: firstStartedAt,
            endedAt: endedAt, queueWait: queueWait, execution: execution, attempts: attempts, strategy: strategy,
            endEvent: endEvent, cancels: cancels, eagerlyDeleted: eagerlyDeleted)
    }
}

/// Reads `langgraph-log` lines one at a time. Memory is a few fields per run in flight: a run's
/// outcome is emitted, and the run forgotten, once it has been terminal for ``outcomeDelay`` of
/// log time with no further line naming it (a later line about it, rare, starts a new record).
struct LangGraphLogImporter {
    let outcomeDelay: Microseconds
    private var runs: [String: LoggedRun] = [:]
    /// Runs in the order the log first named them (the order of the outcomes at the end).
    private var nextSequence = 0
    /// Terminal runs to look at again once their delay has passed, in the order they got there.
    private var retiring: [(due: Timestamp, runID: String)] = []
    private var retiringHead = 0
    /// The latest time any line showed.
    private var clock: Timestamp?

    init(outcomeDelay: Microseconds = .seconds(60)) {
        self.outcomeDelay = outcomeDelay
    }

    /// Reads one JSON line. Returns false when the line says nothing the model holds.
    mutating func consume(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) -> Bool {
        let json = fields.json
        guard let event = json.value("event"), event.kind == .string else { return false }
        if json.string(event, equals: "Created run") {
            try created(fields, into: &items)
        } else if json.string(event, equals: "Starting background run") {
            try started(fields)
        } else if json.string(event, equals: "Cancelled runs") {
            try cancelled(fields, into: &items)
        } else if json.string(event, equals: "Eagerly deleting pending run with rollback action") {
            let runID = try fields.string("run_id")
            let at = try fields.optionalTime("timestamp") ?? clock ?? .zero
            update(runID, threadID: nil, at: at) { run in
                run.status = .deleted
                run.eagerlyDeleted = true
            }
        } else if json.string(event, equals: "Run deleted") {
            let at = try fields.time("timestamp")
            let runID = try fields.string("run_id")
            let threadID = runs[runID]?.threadID
            update(runID, threadID: nil, at: at) { $0.status = .deleted }
            items.append(.request(.delete(TraceDelete(at: at, runID: runID, threadID: threadID, statusCode: nil))))
        } else if let status = Self.workerEndStatus(json, event) {
            try ended(fields, status: status, event: json.string(event))
        } else if json.string(event, hasPrefix: "Starting "), let slots = Self.workerCount(json.rawBytes(event)) {
            let at = try fields.time("timestamp")
            see(at)
            items.append(.server(TraceServer(slots: slots, at: at)))
        } else if let logger = json.value("logger"), json.string(logger, equals: "langgraph_api.server") {
            return try accessLine(fields, into: &items)
        } else {
            return false
        }
        return true
    }

    /// The outcome of every run still held, in the order the log first named them.
    mutating func finish(into items: inout [TraceItem]) {
        for run in runs.values.sorted(by: { $0.sequence < $1.sequence }) { items.append(.outcome(run.outcome)) }
        runs = [:]
        retiring = []
        retiringHead = 0
    }

    /// Emits the outcome of every run that has been terminal for ``outcomeDelay`` with no line
    /// about it since, and forgets it. Called after each line that imported without error.
    mutating func retire(into items: inout [TraceItem]) {
        guard let clock else { return }
        while retiringHead < retiring.count, retiring[retiringHead].due <= clock {
            let runID = retiring[retiringHead].runID
            retiringHead += 1
            guard var run = runs[runID] else { continue }
            guard run.isTerminal else {
                run.retiring = false
                runs[runID] = run
                continue
            }
            let due = run.lastLine + outcomeDelay
            if due <= clock {
                runs[runID] = nil
                items.append(.outcome(run.outcome))
            } else {
                retiring.append((due, runID))
            }
        }
        if retiringHead > 1_024, retiringHead * 2 > retiring.count {
            retiring.removeFirst(retiringHead)
            retiringHead = 0
        }
    }

    // MARK: - Lifecycle lines

    private mutating func created(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) {
        let time = try fields.time("timestamp")
        let runID = try fields.string("run_id")
        let threadID = try fields.string("thread_id")
        let strategy = try fields.optionalStrategy("multitask_strategy")
        let ifNotExists = try fields.optionalIfNotExists("if_not_exists")
        let after = try fields.optionalMicroseconds("after_seconds", unit: 1_000_000)
        let createMilliseconds = try fields.optionalInteger("run_create_ms")
        let assistant = try fields.optionalString("assistant_id")
        let endpoint = Self.endpoint(route: fields.json.value("path"), fields.json)
        let at = createMilliseconds.map { time + .milliseconds(-$0) } ?? time
        update(runID, threadID: threadID, at: time) { run in
            run.strategy = strategy
            if !run.createdAtIsExact { run.createdAt = time + (after ?? .zero) }
        }
        items.append(.request(.create(TraceCreate(
            at: at, runID: runID, threadID: threadID, assistant: assistant, strategy: strategy,
            ifNotExists: ifNotExists, after: after, endpoint: endpoint, work: nil))))
    }

    private mutating func started(_ fields: LineFields) throws(TraceError) {
        let runID = try fields.string("run_id")
        let threadID = try fields.optionalString("thread_id")
        let logged = try fields.time("timestamp")
        let startedAt = try fields.optionalTime("run_started_at") ?? logged
        update(runID, threadID: threadID, at: logged) { run in
            run.attempts += 1
            if run.firstStartedAt == nil { run.firstStartedAt = startedAt }
            run.lastStartedAt = startedAt
            run.status = .run(.running)
        }
    }

    private mutating func ended(_ fields: LineFields, status: RecordedRunStatus, event: String) throws(TraceError) {
        let runID = try fields.string("run_id")
        let threadID = try fields.optionalString("thread_id")
        let createdAt = try fields.optionalTime("run_created_at")
        let startedAt = try fields.optionalTime("run_started_at")
        let endedAt = try fields.optionalTime("run_ended_at")
        let executionMilliseconds = try fields.optionalInteger("run_exec_ms")
        let logged = try fields.optionalTime("timestamp") ?? endedAt ?? clock ?? .zero
        update(runID, threadID: threadID, at: logged) { run in
            if let createdAt {
                run.createdAt = createdAt
                run.createdAtIsExact = true
            }
            if let startedAt {
                run.lastStartedAt = startedAt
                if run.firstStartedAt == nil { run.firstStartedAt = startedAt }
            }
            if let endedAt { run.endedAt = endedAt }
            if let executionMilliseconds { run.executionMilliseconds = executionMilliseconds }
            run.endEvent = event
            // An eager delete already removed the record; a later worker line cannot bring it back.
            if run.status != .deleted { run.status = status }
        }
    }

    private mutating func cancelled(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) {
        let at = try fields.time("timestamp")
        guard let runIDs = try fields.optionalStrings("run_ids") else { throw fields.missing("run_ids") }
        let action = try fields.action("action")
        let threadID = try fields.optionalString("thread_id")
        let status = try fields.optionalBulkStatus("status")
        for runID in runIDs {
            update(runID, threadID: threadID, at: at) { run in
                run.cancels.append(TraceCancelMark(action: action, at: at))
                // The cancel marks an in-flight run interrupted at once; a rollback then deletes it
                // (eager delete or worker line) unless a stream subscriber holds it.
                if case .run(let current) = run.status, current.isInFlight { run.status = .run(.interrupted) }
            }
        }
        // The request's route tells a cancel from a bulk cancel from a create's strategy.
        let route = fields.json.value("path")
        if let route, fields.json.string(route, equals: "/runs/cancel") {
            items.append(.request(.bulkCancel(TraceBulkCancel(
                at: at, threadID: threadID, runIDs: runIDs, status: status, action: action, statusCode: nil))))
        } else if let route, Self.rawHasSuffix(fields.json.rawBytes(route), "/cancel") {
            for runID in runIDs {
                items.append(.request(.cancel(TraceCancel(
                    at: at, runID: runID, threadID: threadID, action: action, wait: nil, statusCode: nil))))
            }
        }
    }

    /// Access lines: refused creates, joins, and cancels the server answered with 404.
    private mutating func accessLine(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) -> Bool {
        let json = fields.json
        guard let statusValue = json.value("status"), let status = json.integer(statusValue),
              let method = json.value("method"), let route = json.value("route") ?? json.value("path")
        else { return false }
        let time = try fields.time("timestamp")
        see(time)
        let latency = try fields.optionalMicroseconds("latency_ms", unit: 1_000) ?? .zero
        let at = time + Microseconds(-latency.count)
        // Most access lines are answered 200 and become nothing: decode ids only for those kept.
        let parameters = json.value("path_params")
        func pathParameter(_ key: StaticString) -> String? {
            parameters.flatMap { json.nestedValue($0, key) }.map { json.string($0) }
        }
        if json.string(method, equals: "POST"),
           json.string(route, equals: "/threads/{thread_id}/runs")
            || json.string(route, equals: "/threads/{thread_id}/runs/stream")
            || json.string(route, equals: "/threads/{thread_id}/runs/wait"),
           status == 409 || status == 404
        {
            guard let threadID = pathParameter("thread_id") else { throw fields.missing("path_params.thread_id") }
            let refused = TraceRefusedCreate(at: at, threadID: threadID, endpoint: Self.endpoint(route: route, json))
            items.append(.request(status == 409 ? .rejectedCreate(refused) : .notFoundCreate(refused)))
            return true
        }
        if json.string(method, equals: "GET"), json.string(route, equals: "/threads/{thread_id}/runs/{run_id}/join") {
            guard let runID = pathParameter("run_id") else { throw fields.missing("path_params.run_id") }
            items.append(.request(.join(TraceJoin(
                at: at, runID: runID, threadID: pathParameter("thread_id"), statusCode: Int(status)))))
            return true
        }
        guard json.string(method, equals: "POST"), status == 404 else { return false }
        let query = json.value("query_string").map { json.string($0) } ?? ""
        let action: CancelAction = Self.queryValue(query, "action") == "rollback" ? .rollback : .interrupt
        if json.string(route, equals: "/threads/{thread_id}/runs/{run_id}/cancel") {
            guard let runID = pathParameter("run_id") else { throw fields.missing("path_params.run_id") }
            let threadID = pathParameter("thread_id")
            let wait = Self.queryValue(query, "wait").map { $0 == "1" || $0 == "true" }
            items.append(.request(.cancel(TraceCancel(
                at: at, runID: runID, threadID: threadID, action: action, wait: wait, statusCode: 404))))
            return true
        }
        if json.string(route, equals: "/runs/cancel") {
            items.append(.request(.bulkCancel(TraceBulkCancel(
                at: at, threadID: nil, runIDs: nil, status: nil, action: action, statusCode: 404))))
            return true
        }
        return false
    }

    // MARK: - Helpers

    private mutating func update(
        _ runID: String, threadID: String?, at time: Timestamp, _ change: (inout LoggedRun) -> Void
    ) {
        see(time)
        var run: LoggedRun
        if let known = runs[runID] {
            run = known
            if let threadID, run.threadID.isEmpty { run.threadID = threadID }
        } else {
            run = LoggedRun(runID: runID, threadID: threadID ?? "", sequence: nextSequence, lastLine: time)
            nextSequence += 1
        }
        change(&run)
        if time > run.lastLine { run.lastLine = time }
        if run.isTerminal, !run.retiring {
            run.retiring = true
            retiring.append((run.lastLine + outcomeDelay, runID))
        }
        runs[runID] = run
    }

    private mutating func see(_ time: Timestamp) {
        if clock.map({ time > $0 }) ?? true { clock = time }
    }

    /// The status a worker's final line writes, or nil for any other event.
    private static func workerEndStatus(_ json: JSONLine, _ event: JSONValue) -> RecordedRunStatus? {
        if json.string(event, equals: "Background run succeeded") { return .run(.success) }
        if json.string(event, equals: "Background run interrupted") { return .run(.interrupted) }
        if json.string(event, equals: "Background run rolled back") { return .deleted }
        if json.string(event, equals: "Ignoring rollback error for missing run") { return .deleted }
        // The retry line shares the failed line's prefix, so it must be tested first.
        if json.string(event, hasPrefix: "Background run failed, will retry") { return .run(.pending) }
        if json.string(event, hasPrefix: "Background run failed") { return .run(.error) }
        if json.string(event, hasPrefix: "Background run timed out") { return .run(.timeout) }
        if json.string(event, hasPrefix: "Run encountered an error in graph") { return .run(.error) }
        if json.string(event, equals: "Run exceeded max attempts") { return .run(.error) }
        return nil
    }

    /// N from `Starting N background workers`.
    private static func workerCount(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        let prefix = "Starting ".utf8.count
        let suffix = " background workers".utf8
        guard text.count > prefix + suffix.count, text.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        let digits = UnsafeBufferPointer(rebasing: text[prefix..<(text.count - suffix.count)])
        return DecimalText.integer(digits).map(Int.init)
    }

    private static func endpoint(route: JSONValue?, _ json: JSONLine) -> TraceEndpoint {
        guard let route else { return .background }
        let raw = json.rawBytes(route)
        if rawHasSuffix(raw, "/runs/stream") { return .stream }
        if rawHasSuffix(raw, "/runs/wait") { return .wait }
        return .background
    }

    private static func rawHasSuffix(_ raw: UnsafeBufferPointer<UInt8>, _ suffix: StaticString) -> Bool {
        raw.count >= suffix.utf8CodeUnitCount && raw.suffix(suffix.utf8CodeUnitCount).elementsEqual(suffix.bytes)
    }

    /// The value of `key` in a `a=1&b=2` query string.
    private static func queryValue(_ query: String, _ key: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == key { return String(parts[1]) }
        }
        return nil
    }
}
