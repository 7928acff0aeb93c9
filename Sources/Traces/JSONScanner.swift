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

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0

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
    private func fail(_ kind: JSONSyntaxError.Kind) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, kind: kind)
    }

    /// The byte at the cursor, or `unexpectedEnd`.
    @inline(__always)
    private func current() throws(JSONSyntaxError) -> UInt8 {
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

    private mutating func scanString() throws(JSONSyntaxError) -> JSONValue {
        position += 1  // opening quote
        let start = position
        var escaped = false
        while true {
            // The common case: a run of printable ASCII, eight bytes at a time, then byte by byte.
            position = endOfPlainASCII(from: position)
            let byte = try current()
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return JSONValue(kind: .string, start: start, end: position - 1, escaped: escaped, fractional: false)
            case UInt8(ascii: "\\"):
                escaped = true
                try scanEscape()
            case 0..<0x20:
                throw fail(.controlCharacterInString)
            default:
                try scanUTF8Sequence()
            }
        }
    }

    /// The first position at or after `from` that holds a quote, a backslash, a control byte or
    /// a byte of a multi-byte UTF-8 sequence (or `count`). Strings are most of a log line's bytes,
    /// so this loop is most of the scan: it tests eight bytes per step with word arithmetic.
    @inline(__always)
    private func endOfPlainASCII(from start: Int) -> Int {
        var position = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            // A byte's high bit is set in `special` when the byte is below 0x20, is a quote or a
            // backslash (each found as a zero byte after XOR), or has its own high bit set. A
            // borrow can mark bytes after the first special one, never before it, so the lowest
            // marked byte is exact.
            let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            let below = (word &- ones &* 0x20)
            let zeroQuote = quote &- ones
            let zeroBackslash = backslash &- ones
            let special = ((below & ~word) | (zeroQuote & ~quote) | (zeroBackslash & ~backslash) | word) & highs
            if special != 0 { return position + special.trailingZeroBitCount / 8 }
            position += 8
        }
        while position < count {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            position += 1
        }
        return position
    }

    /// At a backslash: checks one escape, including both halves of a surrogate pair.
    private mutating func scanEscape() throws(JSONSyntaxError) {
        let escapeStart = position
        position += 1
        let byte = try current()
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            let unit = try scanHexQuad()
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw JSONSyntaxError(offset: escapeStart, kind: .unpairedSurrogate)
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed at once by an escaped low one.
                guard try current() == UInt8(ascii: "\\") else {
                    throw JSONSyntaxError(offset: escapeStart, kind: .unpairedSurrogate)
                }
                guard position + 1 < count else { throw JSONSyntaxError(offset: count, kind: .unexpectedEnd) }
                guard base[position + 1] == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(offset: escapeStart, kind: .unpairedSurrogate)
                }
                position += 2
                let low = try scanHexQuad()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw JSONSyntaxError(offset: escapeStart, kind: .unpairedSurrogate)
                }
            }
        default:
            throw fail(.invalidEscape)
        }
    }

    private mutating func scanHexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try current()
            guard let digit = hexValue(byte) else { throw fail(.invalidUnicodeEscape) }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// At a byte ≥ 0x80 inside a string: checks one UTF-8 sequence (RFC 3629, no surrogates,
    /// no overlong forms, nothing above U+10FFFF).
    private mutating func scanUTF8Sequence() throws(JSONSyntaxError) {
        let lead = base[position]
        let start = position
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw fail(.invalidUTF8)
        }
        position += 1
        for index in 1..<length {
            guard position < count else { throw fail(.unexpectedEnd) }
            let byte = base[position]
            let allowedLow = index == 1 ? low : 0x80
            let allowedHigh = index == 1 ? high : 0xBF
            guard byte >= allowedLow && byte <= allowedHigh else {
                throw JSONSyntaxError(offset: start, kind: .invalidUTF8)
            }
            position += 1
        }
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
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
