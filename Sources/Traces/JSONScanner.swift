// A validating scanner for one line that holds one JSON object. It checks the whole grammar
// (RFC 8259: strings with every escape and UTF-8, numbers, nesting, literals, whitespace), records
// where the top-level members are, and decodes nothing until asked: the importers look at a few
// fields of each line and skip the rest, so the cost is one pass over the bytes.

/// The JSON type of a value.
enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null
}

/// Where one value sits in the line. For strings, `start..<end` is the content between the quotes.
struct JSONValue: Sendable {
    var kind: JSONKind
    var start: Int
    var end: Int
    /// A string that holds at least one backslash escape (so it cannot be read byte for byte).
    var escaped: Bool
    /// A number with a fraction or an exponent.
    var fractional: Bool
}

/// One top-level `"key": value` pair.
struct JSONMember: Sendable {
    var key: JSONValue
    var value: JSONValue
}

/// The scanner. It works on a buffer the caller keeps alive for the duration of the call.
struct JSONScanner {
    /// The deepest nesting of objects and arrays a line may have; deeper lines are rejected
    /// rather than risking the stack.
    static let maximumDepth = 64

    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address; any valid pointer works for zero bytes.
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        count = bytes.count
    }

    /// Validates `bytes` as exactly one JSON object (whitespace around it allowed) and replaces
    /// `members` with its top-level members in order.
    static func scanObject(
        _ bytes: UnsafeBufferPointer<UInt8>, into members: inout [JSONMember]
    ) throws(JSONSyntaxError) {
        members.removeAll(keepingCapacity: true)
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.position < scanner.count else { throw JSONSyntaxError(offset: scanner.position, kind: .unexpectedEnd) }
        if scanner.base[scanner.position] != UInt8(ascii: "{") {
            let start = scanner.position
            _ = try scanner.scanValue(depth: 0)
            try scanner.expectEnd()
            throw JSONSyntaxError(offset: start, kind: .notAnObject)
        }
        try scanner.scanObject(depth: 1, members: &members)
        try scanner.expectEnd()
    }

    /// Validates `bytes` as exactly one JSON value of any kind.
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        var scanner = JSONScanner(bytes)
        _ = try scanner.scanValue(depth: 0)
        try scanner.expectEnd()
    }

    /// Calls `body` with each member of an object that a previous scan already validated.
    static func forEachMember(
        of object: JSONValue, in bytes: UnsafeBufferPointer<UInt8>, _ body: (JSONMember) -> Void
    ) {
        guard object.kind == .object else { return }
        var members: [JSONMember] = []
        var scanner = JSONScanner(UnsafeBufferPointer(rebasing: bytes[..<object.end]))
        scanner.position = object.start
        do { try scanner.scanObject(depth: 1, members: &members) } catch { return }
        for member in members { body(member) }
    }

    /// Calls `body` with each element of an array that a previous scan already validated.
    static func forEachElement(
        of array: JSONValue, in bytes: UnsafeBufferPointer<UInt8>, _ body: (JSONValue) -> Void
    ) {
        guard array.kind == .array else { return }
        var scanner = JSONScanner(UnsafeBufferPointer(rebasing: bytes[..<array.end]))
        scanner.position = array.start + 1
        scanner.skipWhitespace()
        guard scanner.position < scanner.count, scanner.base[scanner.position] != UInt8(ascii: "]") else { return }
        while true {
            guard let element = try? scanner.scanValue(depth: 1) else { return }
            body(element)
            scanner.skipWhitespace()
            guard scanner.position < scanner.count, scanner.base[scanner.position] == UInt8(ascii: ",") else { return }
            scanner.position += 1
        }
    }

    // MARK: - Grammar

    private mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        if position < count { throw JSONSyntaxError(offset: position, kind: .trailingContent) }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    @inline(__always)
    func fail(_ kind: JSONSyntaxError.Kind) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, kind: kind)
    }

    /// The byte at the cursor, or `unexpectedEnd`.
    @inline(__always)
    func current() throws(JSONSyntaxError) -> UInt8 {
        guard position < count else { throw fail(.unexpectedEnd) }
        return base[position]
    }

    private mutating func scanValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let byte = try current()
        switch byte {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw fail(.nestingTooDeep) }
            var ignored: [JSONMember] = []
            let start = position
            try scanObject(depth: depth + 1, members: &ignored, record: false)
            return JSONValue(kind: .object, start: start, end: position, escaped: false, fractional: false)
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw fail(.nestingTooDeep) }
            return try scanArray(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try scanNumber()
        case UInt8(ascii: "t"):
            return try scanLiteral("true", kind: .true)
        case UInt8(ascii: "f"):
            return try scanLiteral("false", kind: .false)
        case UInt8(ascii: "n"):
            return try scanLiteral("null", kind: .null)
        default:
            throw fail(.unexpectedByte(byte))
        }
    }

    private mutating func scanObject(
        depth: Int, members: inout [JSONMember], record: Bool = true
    ) throws(JSONSyntaxError) {
        position += 1  // "{"
        skipWhitespace()
        if try current() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let byte = try current()
            guard byte == UInt8(ascii: "\"") else { throw fail(.unexpectedByte(byte)) }
            let key = try scanString()
            skipWhitespace()
            let colon = try current()
            guard colon == UInt8(ascii: ":") else { throw fail(.unexpectedByte(colon)) }
            position += 1
            let value = try scanValue(depth: depth)
            if record { members.append(JSONMember(key: key, value: value)) }
            skipWhitespace()
            let separator = try current()
            position += 1
            if separator == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if separator == UInt8(ascii: "}") { return }
            position -= 1
            throw fail(.unexpectedByte(separator))
        }
    }

    private mutating func scanArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = position
        position += 1  // "["
        skipWhitespace()
        if try current() == UInt8(ascii: "]") {
            position += 1
            return JSONValue(kind: .array, start: start, end: position, escaped: false, fractional: false)
        }
        while true {
            _ = try scanValue(depth: depth)
            skipWhitespace()
            let separator = try current()
            position += 1
            if separator == UInt8(ascii: ",") { continue }
            if separator == UInt8(ascii: "]") {
                return JSONValue(kind: .array, start: start, end: position, escaped: false, fractional: false)
            }
            position -= 1
            throw fail(.unexpectedByte(separator))
        }
    }

    private mutating func scanLiteral(_ text: StaticString, kind: JSONKind) throws(JSONSyntaxError) -> JSONValue {
        let start = position
        let literal = text.utf8Start
        for index in 0..<text.utf8CodeUnitCount {
            let byte = try current()
            guard byte == literal[index] else { throw fail(.unexpectedByte(byte)) }
            position += 1
        }
        return JSONValue(kind: kind, start: start, end: position, escaped: false, fractional: false)
    }

    private mutating func scanNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        var fractional = false
        if base[position] == UInt8(ascii: "-") { position += 1 }
        let first = try current()
        if first == UInt8(ascii: "0") {
            position += 1
            if position < count, isDigit(base[position]) { throw fail(.invalidNumber) }
        } else if isDigit(first) {
            repeat { position += 1 } while position < count && isDigit(base[position])
        } else {
            throw fail(.invalidNumber)
        }
        if position < count, base[position] == UInt8(ascii: ".") {
            fractional = true
            position += 1
            guard position < count else { throw fail(.unexpectedEnd) }
            guard isDigit(base[position]) else { throw fail(.invalidNumber) }
            repeat { position += 1 } while position < count && isDigit(base[position])
        }
        if position < count, base[position] | 0x20 == UInt8(ascii: "e") {
            fractional = true
            position += 1
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < count else { throw fail(.unexpectedEnd) }
            guard isDigit(base[position]) else { throw fail(.invalidNumber) }
            repeat { position += 1 } while position < count && isDigit(base[position])
        }
        return JSONValue(kind: .number, start: start, end: position, escaped: false, fractional: fractional)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}

/// The scanner's public face: checks that a line is exactly one JSON object, naming the byte
/// offset of the first fault. The importers use the same scan and then read fields in place.
public enum JSONLineValidator {
    /// Throws unless `line` holds one JSON object (whitespace around it allowed).
    public static func validateObject(_ line: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        var members: [JSONMember] = []
        try JSONScanner.scanObject(line, into: &members)
    }

    /// Throws unless `line` holds one JSON object.
    public static func validateObject(_ line: [UInt8]) throws(JSONSyntaxError) {
        let result: Result<Void, JSONSyntaxError> = line.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try validateObject(buffer) }
        }
        try result.get()
    }
}
