import RunLifecycle

// The recorder's own format (traces/README.md, version 1): a header, the client's actions in
// issue order, one outcome per create, one line per thread. Unknown fields are ignored as the
// README requires; unknown line types are counted by the caller, not fatal.

/// Reads `runledger-trace` lines one at a time. Its only state is the header's origin and assistant.
struct RunLedgerTraceImporter {
    /// `t0` of the header: the wall time of `t_us = 0`, for lines that lack their ISO `at`.
    private var origin: Timestamp?
    private var assistant: String?

    /// What a line turned out to be.
    enum LineKind {
        case used
        case ignored
        case unknown(String)
    }

    mutating func consume(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) -> LineKind {
        let json = fields.json
        guard let type = json.value("type") else { throw fields.missing("type") }
        guard type.kind == .string else { throw fields.invalid("type", type, expected: "a string") }
        if json.string(type, equals: "create") {
            try create(fields, into: &items)
        } else if json.string(type, equals: "outcome") {
            try outcome(fields, into: &items)
        } else if json.string(type, equals: "cancel") {
            items.append(.request(.cancel(TraceCancel(
                at: try requestTime(fields), runID: try fields.string("run_id"),
                threadID: try fields.optionalString("thread_id"), action: try fields.action("action"),
                wait: try fields.optionalBool("wait"), statusCode: try statusCode(fields)))))
        } else if json.string(type, equals: "join") {
            items.append(.request(.join(TraceJoin(
                at: try requestTime(fields), runID: try fields.string("run_id"),
                threadID: try fields.optionalString("thread_id"), statusCode: try statusCode(fields)))))
        } else if json.string(type, equals: "get") {
            return .ignored
        } else if json.string(type, equals: "thread_create") {
            guard let threadID = try fields.optionalString("thread_id") else { return .ignored }  // refused
            items.append(.request(.createThread(TraceThreadCreate(
                at: try requestTime(fields), threadID: threadID, threadReference: try fields.optionalString("thread")))))
        } else if json.string(type, equals: "thread") {
            try thread(fields, into: &items)
        } else if json.string(type, equals: "cancel_many") {
            items.append(.request(.bulkCancel(TraceBulkCancel(
                at: try requestTime(fields), threadID: try fields.optionalString("thread_id"),
                runIDs: try fields.optionalStrings("run_ids"), status: try fields.optionalBulkStatus("status"),
                action: try fields.action("action"), statusCode: try statusCode(fields)))))
        } else if json.string(type, equals: "delete") {
            items.append(.request(.delete(TraceDelete(
                at: try requestTime(fields), runID: try fields.string("run_id"),
                threadID: try fields.optionalString("thread_id"), statusCode: try statusCode(fields)))))
        } else if json.string(type, equals: "header") {
            try header(fields, into: &items)
        } else {
            return .unknown(json.string(type))
        }
        return .used
    }

    // MARK: - Line types

    private mutating func header(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) {
        let format = try fields.string("format")
        guard format == TraceFormat.runledgerTrace.rawValue else {
            throw TraceError(line: fields.line, column: nil, reason: .unsupportedFormat("format \"\(format)\""))
        }
        let version = try fields.integer("version")
        guard version == 1 else {
            throw TraceError(line: fields.line, column: nil, reason: .unsupportedFormat("version \(version) (this reader knows 1)"))
        }
        origin = try fields.optionalTime("t0")
        let json = fields.json
        var slots: Int?
        var poll: Microseconds?
        if let server = json.value("server") {
            if let value = json.nestedValue(server, "slots") { slots = json.integer(value).map(Int.init) }
            if let value = json.nestedValue(server, "poll_interval_ms") {
                poll = json.microseconds(value, unitMicroseconds: 1_000).map { Microseconds($0) }
            }
        }
        if let graph = json.value("graph"), let value = json.nestedValue(graph, "assistant_id"), value.kind == .string {
            assistant = json.string(value)
        }
        items.append(.server(TraceServer(slots: slots, pollInterval: poll, at: origin)))
    }

    private func create(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) {
        let at = try requestTime(fields)
        let threadID = try fields.string("thread_id")
        let runReference = try fields.optionalString("run")
        let threadReference = try fields.optionalString("thread")
        let strategy = try fields.optionalStrategy("multitask_strategy")
        let ifNotExists = try fields.optionalIfNotExists("if_not_exists")
        let after = try fields.optionalMicroseconds("after_seconds", unit: 1_000_000)
        let endpoint = try self.endpoint(fields)
        let work = try self.work(fields)
        let status = try statusCode(fields)
        if let runID = try fields.optionalString("run_id") {
            items.append(.request(.create(TraceCreate(
                at: at, runID: runID, threadID: threadID, runReference: runReference, threadReference: threadReference,
                assistant: assistant, strategy: strategy, ifNotExists: ifNotExists, after: after, endpoint: endpoint,
                work: work))))
            return
        }
        let refused = TraceRefusedCreate(
            at: at, threadID: threadID, runReference: runReference, threadReference: threadReference,
            strategy: strategy, ifNotExists: ifNotExists, endpoint: endpoint, work: work)
        switch status {
        case 409: items.append(.request(.rejectedCreate(refused)))
        case 404: items.append(.request(.notFoundCreate(refused)))
        default:
            let value = fields.json.value("status_code") ?? fields.json.value("type")!
            throw fields.invalid("status_code", value, expected: "409 or 404 for a create without run_id")
        }
    }

    private func outcome(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) {
        let statusName = try fields.string("status")
        guard statusName != "not_created" else { return }  // the refused create is already an item
        guard let status = Self.recordedStatus(statusName) else {
            let value = fields.json.value("status")!
            throw fields.invalid("status", value, expected: "a run status, deleted or not_created")
        }
        let createdAt = try fields.optionalTime("created_at")
        let startedAt = try fields.optionalTime("started_at")
        let endedAt = try fields.optionalTime("ended_at")
        var queueWait: Microseconds?
        if let startedAt, let createdAt { queueWait = startedAt - createdAt }
        var execution: Microseconds?
        if let startedAt, let endedAt { execution = endedAt - startedAt }
        items.append(.outcome(TraceOutcome(
            runID: try fields.string("run_id"), threadID: try fields.string("thread_id"),
            runReference: try fields.optionalString("run"), status: status, createdAt: createdAt,
            startedAt: startedAt, endedAt: endedAt, queueWait: queueWait, execution: execution,
            attempts: Int(try fields.optionalInteger("attempts") ?? 0),
            strategy: try fields.optionalStrategy("multitask_strategy"),
            endEvent: try fields.optionalString("end_event"), cancels: try cancelMarks(fields),
            eagerlyDeleted: try fields.optionalBool("eager_deleted") ?? false,
            checkpoints: try fields.optionalInteger("checkpoints").map(Int.init))))
    }

    private func thread(_ fields: LineFields, into items: inout [TraceItem]) throws(TraceError) {
        let name = try fields.string("status")
        let status: ThreadStatus?
        switch name {
        case "idle": status = .idle
        case "busy": status = .busy
        case "interrupted": status = .interrupted
        case "error": status = .error
        case "missing": status = nil
        default:
            throw fields.invalid("status", fields.json.value("status")!, expected: "idle, busy, interrupted, error or missing")
        }
        items.append(.threadOutcome(TraceThreadOutcome(
            threadID: try fields.string("thread_id"), threadReference: try fields.optionalString("thread"),
            status: status, checkpoints: try fields.optionalInteger("checkpoints").map(Int.init))))
    }

    // MARK: - Fields

    /// The ISO `at`, or `t0 + t_us` when a line lacks it.
    private func requestTime(_ fields: LineFields) throws(TraceError) -> Timestamp {
        if let at = try fields.optionalTime("at") { return at }
        guard let origin, let offset = try fields.optionalInteger("t_us") else { throw fields.missing("at") }
        return origin + Microseconds(offset)
    }

    private func statusCode(_ fields: LineFields) throws(TraceError) -> Int? {
        try fields.optionalInteger("status_code").map(Int.init)
    }

    private func endpoint(_ fields: LineFields) throws(TraceError) -> TraceEndpoint {
        guard let name = try fields.optionalString("endpoint") else { return .background }
        guard let endpoint = TraceEndpoint(rawValue: name) else {
            throw fields.invalid("endpoint", fields.json.value("endpoint")!, expected: "background, stream or wait")
        }
        return endpoint
    }

    /// `work: {steps: k, step_ms: d | [d…]}` as k step durations.
    private func work(_ fields: LineFields) throws(TraceError) -> [Microseconds]? {
        let json = fields.json
        guard let work = fields.present("work") else { return nil }
        guard work.kind == .object else { throw fields.invalid("work", work, expected: "an object") }
        let steps = json.nestedValue(work, "steps").flatMap { json.integer($0) }
        guard let stepTime = json.nestedValue(work, "step_ms") else {
            throw TraceError(line: fields.line, column: fields.column(of: work), reason: .missingField("work.step_ms"))
        }
        if stepTime.kind == .array {
            var durations: [Microseconds] = []
            var valid = true
            json.forEachElement(of: stepTime) { element in
                if let micros = json.microseconds(element, unitMicroseconds: 1_000), micros >= 0 {
                    durations.append(Microseconds(micros))
                } else {
                    valid = false
                }
            }
            guard valid, steps == nil || steps == Int64(durations.count) else {
                throw fields.invalid("work", stepTime, expected: "step_ms: a list of steps non-negative numbers")
            }
            return durations
        }
        guard let steps, steps >= 0, steps <= 1_000_000,
              let micros = json.microseconds(stepTime, unitMicroseconds: 1_000), micros >= 0
        else { throw fields.invalid("work", work, expected: "{steps: k, step_ms: d or [d…]}") }
        return Array(repeating: Microseconds(micros), count: Int(steps))
    }

    private func cancelMarks(_ fields: LineFields) throws(TraceError) -> [TraceCancelMark] {
        let json = fields.json
        guard let list = fields.present("logged_cancels") else { return [] }
        guard list.kind == .array else { throw fields.invalid("logged_cancels", list, expected: "a list") }
        var marks: [TraceCancelMark] = []
        var valid = true
        json.forEachElement(of: list) { element in
            guard let actionValue = json.nestedValue(element, "action"),
                  let atValue = json.nestedValue(element, "at"), atValue.kind == .string,
                  let micros = ISOTimestamp.parse(json.rawBytes(atValue))
            else { valid = false; return }
            let action: CancelAction
            if json.string(actionValue, equals: "interrupt") { action = .interrupt }
            else if json.string(actionValue, equals: "rollback") { action = .rollback }
            else { valid = false; return }
            marks.append(TraceCancelMark(action: action, at: Timestamp(microsecondsSinceEpoch: micros)))
        }
        guard valid else { throw fields.invalid("logged_cancels", list, expected: "a list of {action, at}") }
        return marks
    }

    /// Whether a line is an `outcome` or `thread` line, judged by its first bytes alone: true or
    /// false when it starts with `{"type":"…"`, nil when it does not (then it must be parsed).
    static func isOutcomeLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool? {
        let prefix: StaticString = #"{"type":""#
        let count = prefix.utf8CodeUnitCount
        guard line.count > count, memoryEqual(line.baseAddress!, prefix.utf8Start, count) else { return nil }
        let rest = UnsafeBufferPointer(rebasing: line[count...])
        func starts(with word: StaticString) -> Bool {
            rest.count >= word.utf8CodeUnitCount && memoryEqual(rest.baseAddress!, word.utf8Start, word.utf8CodeUnitCount)
        }
        return starts(with: #"outcome""#) || starts(with: #"thread""#)
    }

    static func recordedStatus(_ name: String) -> RecordedRunStatus? {
        switch name {
        case "pending": .run(.pending)
        case "running": .run(.running)
        case "success": .run(.success)
        case "error": .run(.error)
        case "timeout": .run(.timeout)
        case "interrupted": .run(.interrupted)
        case "deleted": .deleted
        default: nil
        }
    }
}
