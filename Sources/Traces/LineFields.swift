import RunLifecycle

// Typed field reads that turn a missing or ill-typed field into a `TraceError` naming the line
// and the column of the value.

struct LineFields {
    let json: JSONLine
    let line: Int

    /// The 1-based column where `value` starts (a string's opening quote).
    func column(of value: JSONValue) -> Int {
        value.kind == .string ? value.start : value.start + 1
    }

    func missing(_ key: StaticString) -> TraceError {
        TraceError(line: line, column: nil, reason: .missingField(key.description))
    }

    func invalid(_ key: StaticString, _ value: JSONValue, expected: String) -> TraceError {
        TraceError(line: line, column: column(of: value), reason: .invalidField(key.description, expected: expected))
    }

    /// The value of `key`, or nil when absent or null.
    func present(_ key: StaticString) -> JSONValue? {
        guard let value = json.value(key), value.kind != .null else { return nil }
        return value
    }

    func string(_ key: StaticString) throws(TraceError) -> String {
        guard let value = try optionalString(key) else { throw missing(key) }
        return value
    }

    func optionalString(_ key: StaticString) throws(TraceError) -> String? {
        guard let value = present(key) else { return nil }
        guard value.kind == .string else { throw invalid(key, value, expected: "a string") }
        return json.string(value)
    }

    func integer(_ key: StaticString) throws(TraceError) -> Int64 {
        guard let value = try optionalInteger(key) else { throw missing(key) }
        return value
    }

    func optionalInteger(_ key: StaticString) throws(TraceError) -> Int64? {
        guard let value = present(key) else { return nil }
        guard let number = json.integer(value) else { throw invalid(key, value, expected: "an integer") }
        return number
    }

    func optionalBool(_ key: StaticString) throws(TraceError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard let flag = json.bool(value) else { throw invalid(key, value, expected: "true or false") }
        return flag
    }

    /// A number of seconds (`unit` 1_000_000) or milliseconds (`unit` 1_000) as microseconds.
    func optionalMicroseconds(_ key: StaticString, unit: Int64) throws(TraceError) -> Microseconds? {
        guard let value = present(key) else { return nil }
        guard let count = json.microseconds(value, unitMicroseconds: unit) else {
            throw invalid(key, value, expected: "a number")
        }
        return Microseconds(count)
    }

    func time(_ key: StaticString) throws(TraceError) -> Timestamp {
        guard let value = try optionalTime(key) else { throw missing(key) }
        return value
    }

    /// An ISO-8601 time as microseconds since the Unix epoch.
    func optionalTime(_ key: StaticString) throws(TraceError) -> Timestamp? {
        guard let value = present(key) else { return nil }
        guard value.kind == .string, !value.escaped,
              let micros = ISOTimestamp.parse(json.rawBytes(value))
        else { throw invalid(key, value, expected: "an ISO-8601 time") }
        return Timestamp(microsecondsSinceEpoch: micros)
    }

    func optionalStrategy(_ key: StaticString) throws(TraceError) -> MultitaskStrategy? {
        guard let value = present(key) else { return nil }
        if json.string(value, equals: "enqueue") { return .enqueue }
        if json.string(value, equals: "reject") { return .reject }
        if json.string(value, equals: "interrupt") { return .interrupt }
        if json.string(value, equals: "rollback") { return .rollback }
        throw invalid(key, value, expected: "reject, enqueue, interrupt or rollback")
    }

    func optionalIfNotExists(_ key: StaticString) throws(TraceError) -> IfNotExists? {
        guard let value = present(key) else { return nil }
        if json.string(value, equals: "reject") { return .reject }
        if json.string(value, equals: "create") { return .create }
        throw invalid(key, value, expected: "create or reject")
    }

    func action(_ key: StaticString) throws(TraceError) -> CancelAction {
        guard let value = present(key) else { throw missing(key) }
        if json.string(value, equals: "interrupt") { return .interrupt }
        if json.string(value, equals: "rollback") { return .rollback }
        throw invalid(key, value, expected: "interrupt or rollback")
    }

    func optionalBulkStatus(_ key: StaticString) throws(TraceError) -> BulkCancelStatus? {
        guard let value = present(key) else { return nil }
        if json.string(value, equals: "pending") { return .pending }
        if json.string(value, equals: "running") { return .running }
        if json.string(value, equals: "all") { return .all }
        throw invalid(key, value, expected: "pending, running or all")
    }

    /// A list of strings, or nil when absent or null.
    func optionalStrings(_ key: StaticString) throws(TraceError) -> [String]? {
        guard let value = present(key) else { return nil }
        guard value.kind == .array else { throw invalid(key, value, expected: "a list of strings") }
        var strings: [String] = []
        var allStrings = true
        json.forEachElement(of: value) { element in
            if element.kind == .string { strings.append(json.string(element)) } else { allStrings = false }
        }
        guard allStrings else { throw invalid(key, value, expected: "a list of strings") }
        return strings
    }
}
