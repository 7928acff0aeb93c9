// Typed reads of the values a scan found: a field by key, strings (escapes decoded only when
// present), integers, exact decimal seconds and milliseconds, booleans. Valid only while the
// buffer the line was scanned from is alive.

/// One scanned line: its bytes and its top-level members.
struct JSONLine {
    let bytes: UnsafeBufferPointer<UInt8>
    let members: [JSONMember]

    /// The value of the first top-level member named `key`.
    func value(_ key: StaticString) -> JSONValue? {
        let keyBase = key.utf8Start
        let keyCount = key.utf8CodeUnitCount
        for member in members {
            let candidate = member.key
            if candidate.escaped {
                if string(candidate).utf8.elementsEqual(UnsafeBufferPointer(start: keyBase, count: keyCount)) {
                    return member.value
                }
                continue
            }
            guard candidate.end - candidate.start == keyCount else { continue }
            if memoryEqual(bytes.baseAddress! + candidate.start, keyBase, keyCount) { return member.value }
        }
        return nil
    }

    /// The bytes of `value` (for strings, the raw content between the quotes).
    func rawBytes(_ value: JSONValue) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[value.start..<value.end])
    }

    /// A string value, escapes decoded.
    func string(_ value: JSONValue) -> String {
        let raw = rawBytes(value)
        guard value.escaped else { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: Self.unescape(raw), as: UTF8.self)
    }

    /// Whether `value` is a string equal to `literal` (an ASCII literal without escapes).
    func string(_ value: JSONValue, equals literal: StaticString) -> Bool {
        guard value.kind == .string else { return false }
        if value.escaped { return string(value).utf8.elementsEqual(literal.bytes) }
        guard value.end - value.start == literal.utf8CodeUnitCount else { return false }
        return memoryEqual(bytes.baseAddress! + value.start, literal.utf8Start, literal.utf8CodeUnitCount)
    }

    /// Whether `value` is a string that starts with `prefix`.
    func string(_ value: JSONValue, hasPrefix prefix: StaticString) -> Bool {
        guard value.kind == .string else { return false }
        if value.escaped { return string(value).utf8.starts(with: prefix.bytes) }
        guard value.end - value.start >= prefix.utf8CodeUnitCount else { return false }
        return memoryEqual(bytes.baseAddress! + value.start, prefix.utf8Start, prefix.utf8CodeUnitCount)
    }

    /// An integer number (no fraction or exponent) that fits in 64 bits.
    func integer(_ value: JSONValue) -> Int64? {
        guard value.kind == .number, !value.fractional else { return nil }
        return DecimalText.integer(rawBytes(value))
    }

    /// A number of `unit`s (seconds or milliseconds) as whole microseconds, read exactly from the
    /// decimal text, rounded half away from zero below a microsecond.
    func microseconds(_ value: JSONValue, unitMicroseconds: Int64) -> Int64? {
        guard value.kind == .number else { return nil }
        return DecimalText.scaled(rawBytes(value), by: unitMicroseconds)
    }

    func bool(_ value: JSONValue) -> Bool? {
        switch value.kind {
        case .true: true
        case .false: false
        case .object, .array, .string, .number, .null: nil
        }
    }

    func forEachElement(of array: JSONValue, _ body: (JSONValue) -> Void) {
        JSONScanner.forEachElement(of: array, in: bytes, body)
    }

    /// The value of `key` inside a nested object `object`.
    func nestedValue(_ object: JSONValue, _ key: StaticString) -> JSONValue? {
        var found: JSONValue?
        let keyBytes = key.bytes
        JSONScanner.forEachMember(of: object, in: bytes) { member in
            guard found == nil else { return }
            let raw = rawBytes(member.key)
            let matches = member.key.escaped
                ? string(member.key).utf8.elementsEqual(keyBytes) : raw.elementsEqual(keyBytes)
            if matches { found = member.value }
        }
        return found
    }

    /// Decodes the escapes of a string's raw content (already validated by the scanner).
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = readHexQuad(raw, at: index)
                index += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF && index + 6 <= raw.count {
                    let low = readHexQuad(raw, at: index + 2)
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                appendUTF8(Unicode.Scalar(scalar) ?? "\u{FFFD}", to: &output)
            default: output.append(escape)  // \" \\ \/
            }
        }
        return output
    }

    private static func readHexQuad(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 where index + offset < raw.count {
            value = value << 4 | (hexValue(raw[index + offset]) ?? 0)
        }
        return value
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        for unit in UTF8.encode(scalar)! { output.append(unit) }
    }
}

extension StaticString {
    /// The literal's bytes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}

@inline(__always)
func memoryEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    while index < count {
        if left[index] != right[index] { return false }
        index += 1
    }
    return true
}

/// Exact reads of JSON number text, without going through `Double`.
enum DecimalText {
    /// A decimal integer with an optional minus sign, or nil if it does not fit in `Int64`.
    static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < text.count else { return nil }
        var value: Int64 = 0
        while index < text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int64(digit))
            guard !overflowTimes && !overflowSum else { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    /// `text` (a JSON number) times `scale`, rounded half away from zero to an integer; nil on
    /// overflow. Plain decimals are exact; numbers with an exponent go through `Double`.
    static func scaled(_ text: UnsafeBufferPointer<UInt8>, by scale: Int64) -> Int64? {
        if text.contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) {
            guard let double = Double(String(decoding: text, as: UTF8.self)) else { return nil }
            let product = (double * Double(scale)).rounded(.toNearestOrAwayFromZero)
            guard product.magnitude < 9.2e18 else { return nil }
            return Int64(product)
        }
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var whole: Int64 = 0
        while index < text.count, text[index] != UInt8(ascii: ".") {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow) = whole.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            whole = times + Int64(digit)
            index += 1
        }
        let (scaledWhole, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        var fraction: Int64 = 0
        var place = scale
        var roundUp = false
        if index < text.count { index += 1 }  // "."
        while index < text.count {
            let digit = Int64(text[index] &- UInt8(ascii: "0"))
            guard digit < 10 else { return nil }
            if place >= 10 {
                place /= 10
                fraction += digit * place
            } else if place == 1 {
                roundUp = digit >= 5
                place = 0
            }
            index += 1
        }
        let (total, overflowSum) = scaledWhole.addingReportingOverflow(fraction + (roundUp ? 1 : 0))
        guard !overflowSum else { return nil }
        return negative ? -total : total
    }
}
