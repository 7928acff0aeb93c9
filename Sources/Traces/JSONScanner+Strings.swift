// Strings, the bulk of a log line's bytes: the scan of one string with every escape and UTF-8
// sequence checked, a word at a time over the plain ASCII runs.

extension JSONScanner {
    mutating func scanString() throws(JSONSyntaxError) -> JSONValue {
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
