import EventLog
import Foundation
import Journal
import RunLifecycle

/// Formats records for `runledger log cat`: a journal's records as events, definitions and its
/// header (JSON lines with snake_case keys, or one readable text line each); records of any
/// other log as opaque bytes (base64 in JSON, a hex preview in text).
///
/// A log is a journal when its record 0 decodes as a journal header. The formatter remembers
/// the definitions it has printed so that later events show the external names too.
struct RecordFormatter {
    /// Whether the log's records are journal records.
    private(set) var isJournal: Bool
    private var names = JournalNames()

    /// Detects the kind of log at `directory` from its first record, which it reads with a
    /// reader of its own (the caller's reader may start anywhere). An empty log is detected
    /// later, when record 0 passes through ``jsonLine(_:)`` or ``textLine(_:)``.
    init(directory: String) {
        isJournal = false
        if let reader = try? LogReader(directory: directory), let first = try? reader.next() {
            isJournal = Self.isJournalHeader(first)
        }
    }

    private static func isJournalHeader(_ record: LogRecord) -> Bool {
        guard record.sequence == 0, record.bytes.first == JournalFormat.headerTag else { return false }
        if case .success(.header) = Result(catching: { () throws(JournalError) -> JournalRecord in
            try JournalCodec.decode(record.bytes, timestamp: record.timestamp, sequence: record.sequence)
        }) {
            return true
        }
        return false
    }

    mutating func jsonLine(_ record: LogRecord) -> String {
        guard let fields = journalFields(record) else { return Self.opaqueJSONLine(record) }
        let body = fields.map { "\"\($0.key)\":\($0.json)" }.joined(separator: ",")
        return "{\"seq\":\(record.sequence),\"at_us\":\(record.timestamp),\(body)}\n"
    }

    mutating func textLine(_ record: LogRecord) -> String {
        guard let fields = journalFields(record) else { return Self.opaqueTextLine(record) }
        let kind = fields[0].text
        let rest = fields.dropFirst().map { "\($0.key)=\($0.text)" }.joined(separator: " ")
        return "\(record.sequence)\t\(record.timestamp)\t\(kind)\(rest.isEmpty ? "" : " " + rest)\n"
    }

    // MARK: - Journal records

    /// One output field, rendered for JSON and for text.
    private struct Field {
        var key: String
        var json: String
        var text: String

        static func int<T: BinaryInteger>(_ key: String, _ value: T) -> Field { Field(key: key, json: "\(value)", text: "\(value)") }
        static func bool(_ key: String, _ value: Bool) -> Field { Field(key: key, json: "\(value)", text: "\(value)") }
        static func string(_ key: String, _ value: String) -> Field {
            Field(key: key, json: jsonString(value), text: value.contains(where: { $0 == " " || $0 == "\"" }) ? jsonString(value) : value)
        }
        /// An enum case, by its name in snake_case.
        static func name(_ key: String, _ value: Any) -> Field { string(key, snakeCase(String(describing: value))) }
        static func ints(_ key: String, _ values: [Int64]) -> Field {
            let list = values.map(String.init).joined(separator: ",")
            return Field(key: key, json: "[\(list)]", text: "[\(list)]")
        }
    }

    /// The fields of a journal record (the first names the record), or nil to print it opaque.
    private mutating func journalFields(_ record: LogRecord) -> [Field]? {
        if record.sequence == 0 && !isJournal { isJournal = Self.isJournalHeader(record) }
        guard isJournal else { return nil }
        let decoded = Result { () throws(JournalError) -> JournalRecord in
            try JournalCodec.decode(record.bytes, timestamp: record.timestamp, sequence: record.sequence)
        }
        switch decoded {
        case let .failure(error):
            return [.string("record", "invalid"), .string("error", error.description), .int("length", record.bytes.count)]
        case let .success(.header(header)):
            let metadata = header.metadata.map { "\(jsonString($0.key)):\(jsonString($0.value))" }.joined(separator: ",")
            return [
                .string("record", "header"), .string("format", JournalFormat.formatName), .int("codec_version", header.codecVersion),
                .string("profile", header.profileName), .ints("quirks", header.quirks.map { Int64($0.rawValue) }),
                .int("slots", header.slotCount), .int("max_retries", header.maxRetries),
                Field(key: "metadata", json: "{\(metadata)}",
                      text: header.metadata.map { "\($0.key):\($0.value)" }.joined(separator: ",")),
            ]
        case let .success(.definition(definition)):
            names.record(definition)
            let (kind, id): (String, UInt32) = switch definition.id {
            case let .run(run): ("run", run.rawValue)
            case let .thread(thread): ("thread", thread.rawValue)
            case let .assistant(assistant): ("assistant", assistant.rawValue)
            }
            return [.string("record", "define"), .string("kind", kind), .int("id", id), .string("name", definition.externalName)]
        case let .success(.event(event)):
            return eventFields(event)
        }
    }

    private func eventFields(_ event: Event) -> [Field] {
        var fields: [Field] = []
        func add(_ field: Field) { fields.append(field) }
        func run(_ id: RunID?, key: String = "run") {
            guard let id else { return add(Field(key: key, json: "null", text: "none")) }
            add(.int(key, id.rawValue))
            if let name = names.name(of: id) { add(.string(key + "_name", name)) }
        }
        func thread(_ id: ThreadID?) {
            guard let id else { return add(Field(key: "thread", json: "null", text: "none")) }
            add(.int("thread", id.rawValue))
            if let name = names.name(of: id) { add(.string("thread_name", name)) }
        }
        switch event {
        case let .threadCreated(id, temporary, status, _):
            add(.string("event", "thread_created")); thread(id); add(.bool("temporary", temporary)); add(.name("status", status))
        case let .created(created):
            add(.string("event", "created")); run(created.runID); thread(created.threadID)
            add(.int("assistant", created.assistantID.rawValue))
            if let name = names.name(of: created.assistantID) { add(.string("assistant_name", name)) }
            add(.name("strategy", created.strategy)); add(.int("after_us", created.after.count))
            add(.int("created_at_us", created.createdAt.microsecondsSinceEpoch)); add(.ints("work_us", created.work.map(\.count)))
            add(.bool("subscribed", created.subscribed))
        case let .rejected(id, strategy, reason, _):
            add(.string("event", "rejected")); thread(id); add(.name("strategy", strategy))
            switch reason {
            case .threadNotFound: add(.string("reason", "thread_not_found"))
            case let .threadBusy(inFlight):
                add(.string("reason", "thread_busy")); add(.ints("in_flight", inFlight.map { Int64($0.rawValue) }))
            }
        case let .started(id, threadID, attempt, _):
            add(.string("event", "started")); run(id); thread(threadID); add(.int("attempt", attempt))
        case let .checkpointed(checkpointed):
            add(.string("event", "checkpointed")); run(checkpointed.runID); thread(checkpointed.threadID)
            add(checkpointed.stepIndex.map { .int("step_index", $0) } ?? Field(key: "step_index", json: "null", text: "none"))
            add(checkpointed.checkpointStep.map { .int("checkpoint_step", $0) } ?? Field(key: "checkpoint_step", json: "null", text: "none"))
            add(.bool("has_next", checkpointed.hasNext))
        case let .succeeded(id, threadID, _):
            add(.string("event", "succeeded")); run(id); thread(threadID)
        case let .failed(id, threadID, cause, _):
            add(.string("event", "failed")); run(id); thread(threadID); add(.name("cause", cause))
        case let .timedOut(id, threadID, _):
            add(.string("event", "timed_out")); run(id); thread(threadID)
        case let .retried(id, threadID, cause, _):
            add(.string("event", "retried")); run(id); thread(threadID); add(.name("cause", cause))
        case let .interrupted(id, threadID, action, cause, _):
            add(.string("event", "interrupted")); run(id); thread(threadID); add(.name("action", action))
            switch cause {
            case let .supersededBy(successor): add(.string("cause", "superseded")); run(successor, key: "superseded_by")
            case .cancelRequest: add(.string("cause", "cancel_request"))
            case .bulkCancelRequest: add(.string("cause", "bulk_cancel_request"))
            }
        case let .rolledBack(id, threadID, stage, _):
            add(.string("event", "rolled_back")); run(id); thread(threadID); add(.name("stage", stage))
        case let .deleted(id, threadID, _):
            add(.string("event", "deleted")); run(id); thread(threadID)
        case let .workerStopped(id, threadID, finalWrite, _):
            add(.string("event", "worker_stopped")); run(id); thread(threadID); add(.name("final_write", finalWrite))
        case let .subscribed(id, threadID, waits, _):
            add(.string("event", "subscribed")); run(id); thread(threadID); add(.bool("waits", waits))
        case let .unsubscribed(id, threadID, _):
            add(.string("event", "unsubscribed")); run(id); thread(threadID)
        case let .joinAnswered(id, answer, _):
            add(.string("event", "join_answered")); run(id)
            switch answer {
            case let .finished(status): add(.name("answer", status))
            case .runNotFound: add(.string("answer", "run_not_found"))
            }
        case let .threadStatusChanged(id, status, _):
            add(.string("event", "thread_status_changed")); thread(id); add(.name("status", status))
        case let .threadValuesCached(id, fromRun, _):
            add(.string("event", "thread_values_cached")); thread(id); run(fromRun, key: "from_run")
        case let .threadDeleted(id, _):
            add(.string("event", "thread_deleted")); thread(id)
        case let .cancelRefused(id, reason, _):
            add(.string("event", "cancel_refused")); run(id); add(.name("reason", reason))
        case let .commandRefused(id, command, reason, _):
            add(.string("event", "command_refused")); run(id); add(.name("command", command)); add(.name("reason", reason))
        case let .serverRestarted(reset, _):
            add(.string("event", "server_restarted")); add(.bool("attempt_counters_reset", reset))
        }
        return fields
    }

    // MARK: - Opaque records

    static func opaqueJSONLine(_ record: LogRecord) -> String {
        "{\"seq\":\(record.sequence),\"timestamp\":\(record.timestamp),\"length\":\(record.bytes.count),\"base64\":\"\(Data(record.bytes).base64EncodedString())\"}\n"
    }

    static func opaqueTextLine(_ record: LogRecord) -> String {
        let preview = record.bytes.prefix(32).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
        return "\(record.sequence)\t\(record.timestamp)\t\(record.bytes.count)\t\(preview)\(record.bytes.count > 32 ? "..." : "")\n"
    }
}

/// `value` as a JSON string literal.
func jsonString(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// `camelCase` as `snake_case`.
func snakeCase(_ name: String) -> String {
    var out = ""
    for character in name {
        if character.isUppercase {
            out += "_" + character.lowercased()
        } else {
            out.append(character)
        }
    }
    return out
}
