// Rewrites one line of a recording as a later copy of itself: every ISO time and `*t_us` field
// moved by a shift, every UUID made the copy's own, the recorder's run and thread names suffixed.
// Byte-level, so that writing a gigabyte takes seconds, not minutes.
import Traces

/// Makes copy `copy` of a recording's lines, shifted by `shift` microseconds.
struct ReplayInputRewriter {
    let copy: Int
    let shift: Int64

    /// The line as the copy has it (copy 0 with no shift returns it unchanged).
    func rewrite(_ line: [UInt8]) -> [UInt8] {
        guard copy != 0 || shift != 0 else { return line }
        var out: [UInt8] = []
        out.reserveCapacity(line.count + 16)
        var index = 0
        while index < line.count {
            if line[index] == UInt8(ascii: "\""), let end = rewriteString(line, at: index, into: &out) {
                index = end
                continue
            }
            out.append(line[index])
            index += 1
        }
        return out
    }

    /// At an opening quote: copies the string (and, for a `*t_us` key, its integer value)
    /// rewritten; returns the index after what it consumed, or nil to copy the quote as is.
    private func rewriteString(_ line: [UInt8], at start: Int, into out: inout [UInt8]) -> Int? {
        guard let close = Self.closingQuote(line, after: start) else { return nil }
        let body = Array(line[(start + 1)..<close])
        let after = close + 1
        // A key followed by `:`: `…t_us` keys shift their number; `run`/`thread` refs get a suffix.
        if after < line.count, line[after] == UInt8(ascii: ":") {
            if body.count >= 4, body.suffix(4).elementsEqual("t_us".utf8), let end = integerEnd(line, from: after + 1),
               let value = Int64(String(decoding: line[(after + 1)..<end], as: UTF8.self))
            {
                out.append(contentsOf: line[start...after])
                out.append(contentsOf: Array(String(value + shift).utf8))
                return end
            }
            if copy > 0, body.elementsEqual("run".utf8) || body.elementsEqual("thread".utf8),
               after + 1 < line.count, line[after + 1] == UInt8(ascii: "\""),
               let valueClose = Self.closingQuote(line, after: after + 1)
            {
                let value = Array(line[(after + 2)..<valueClose])
                out.append(contentsOf: line[start...(after + 1)])
                if Self.isUUID(value) { out.append(contentsOf: uuid(value)) } else {
                    out.append(contentsOf: value)
                    out.append(contentsOf: Array("~\(copy)".utf8))
                }
                out.append(UInt8(ascii: "\""))
                return valueClose + 1
            }
        }
        out.append(UInt8(ascii: "\""))
        if Self.isUUID(body) {
            out.append(contentsOf: uuid(body))
        } else if let time = shiftedTime(body) {
            out.append(contentsOf: time)
        } else {
            out.append(contentsOf: body)
        }
        out.append(UInt8(ascii: "\""))
        return after
    }

    /// The quote that closes the string opened at `open`, past backslash escapes.
    static func closingQuote(_ line: [UInt8], after open: Int) -> Int? {
        var index = open + 1
        while index < line.count {
            switch line[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index
            default: index += 1
            }
        }
        return nil
    }

    private func integerEnd(_ line: [UInt8], from start: Int) -> Int? {
        var end = start
        while end < line.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[end]) || line[end] == UInt8(ascii: "-") {
            end += 1
        }
        return end > start ? end : nil
    }

    static func isUUID(_ text: [UInt8]) -> Bool {
        guard text.count == 36 else { return false }
        for (index, byte) in text.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)) {
                return false
            }
        }
        return true
    }

    /// The copy's own UUID: the first 8 hex digits XORed with the copy number (a bijection per
    /// copy; distinct copies differ there).
    private func uuid(_ text: [UInt8]) -> [UInt8] {
        guard copy > 0, let head = UInt32(String(decoding: text[0..<8], as: UTF8.self), radix: 16) else { return text }
        let mixed = String(head ^ UInt32(truncatingIfNeeded: copy), radix: 16)
        return Array((String(repeating: "0", count: 8 - mixed.count) + mixed).utf8) + text[8...]
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff` + `Z` or `+00:00`, moved by the shift; nil for anything else.
    private func shiftedTime(_ text: [UInt8]) -> [UInt8]? {
        guard text.count == 27 || text.count == 32, text[4] == UInt8(ascii: "-"), text[10] == UInt8(ascii: "T"),
              text[19] == UInt8(ascii: "."), let micros = ISOTimestamp.microseconds(text)
        else { return nil }
        let suffix = text[26...]
        return Array(Self.format(micros + shift).utf8) + suffix
    }

    /// Microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC).
    static func format(_ micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3_600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))"
    }
}
