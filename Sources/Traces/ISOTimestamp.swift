// ISO-8601 date-times to integer microseconds since the Unix epoch, without DateFormatter: both
// formats write `YYYY-MM-DDTHH:MM:SS.ffffff` with `Z` (the structlog `timestamp` and the trace) or
// `+00:00` (Python's isoformat in the worker's `run_*_at` fields).

/// Parses ISO-8601 timestamps of the form the LangGraph server and the recorder write.
public enum ISOTimestamp {
    /// Microseconds since 1970-01-01T00:00:00Z for `YYYY-MM-DDTHH:MM:SS[.f…][Z|±HH:MM]`, or nil
    /// when the text is not such a timestamp or names an impossible date. The `T` may be a space;
    /// a fraction may have 1–9 digits (digits beyond the sixth are truncated); an offset is applied.
    public static func microseconds<Bytes: Collection<UInt8>>(_ text: Bytes) -> Int64? {
        if let result = text.withContiguousStorageIfAvailable({ parse($0) }) { return result }
        return Array(text).withUnsafeBufferPointer { parse($0) }
    }

    /// Microseconds since the Unix epoch of a `String` timestamp.
    public static func microseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard text.count >= 19 else { return nil }
        guard let year = digits(text, 0, 4), text[4] == UInt8(ascii: "-"),
              let month = digits(text, 5, 2), text[7] == UInt8(ascii: "-"),
              let day = digits(text, 8, 2), text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: " "),
              let hour = digits(text, 11, 2), text[13] == UInt8(ascii: ":"),
              let minute = digits(text, 14, 2), text[16] == UInt8(ascii: ":"),
              let second = digits(text, 17, 2)
        else { return nil }
        guard month >= 1 && month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            var place: Int64 = 100_000
            let fractionStart = index
            while index < text.count, text[index] &- UInt8(ascii: "0") < 10 {
                fraction += Int64(text[index] - UInt8(ascii: "0")) * place
                place /= 10
                index += 1
            }
            let fractionDigits = index - fractionStart
            guard fractionDigits >= 1 && fractionDigits <= 9 else { return nil }
        }
        var offsetSeconds: Int64 = 0
        guard index < text.count else { return nil }  // a zone is required: naive times are ambiguous
        switch text[index] {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == text.count, let offsetHours = digits(text, index + 1, 2),
                  text[index + 3] == UInt8(ascii: ":"), let offsetMinutes = digits(text, index + 4, 2),
                  offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            let magnitude = offsetHours * 3600 + offsetMinutes * 60
            offsetSeconds = text[index] == UInt8(ascii: "+") ? magnitude : -magnitude
            index += 6
        default:
            return nil
        }
        guard index == text.count else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + fraction
    }

    @inline(__always)
    private static func digits(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for index in start..<(start + count) {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given civil date (proleptic Gregorian; H. Hinnant's algorithm).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
