// Why a line is not valid JSON, and where. Offsets are 0-based bytes into the line; callers add
// the line number.

/// A line that is not one well-formed JSON value, with the byte offset of the first bad byte.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Hashable, Sendable {
        /// The line ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the value here.
        case unexpectedByte(UInt8)
        /// A backslash followed by a byte that is not an escape.
        case invalidEscape
        /// `\u` not followed by four hexadecimal digits.
        case invalidUnicodeEscape
        /// A `\uD800`–`\uDFFF` escape that is not half of a high-low pair.
        case unpairedSurrogate
        /// A raw byte below 0x20 inside a string.
        case controlCharacterInString
        /// Bytes that are not UTF-8.
        case invalidUTF8
        /// A number that breaks the grammar (leading zero, lone minus, missing digits).
        case invalidNumber
        /// Something other than whitespace after the value.
        case trailingContent
        /// Objects and arrays nested deeper than ``JSONScanner/maximumDepth``.
        case nestingTooDeep
        /// The line holds valid JSON that is not an object.
        case notAnObject
    }

    /// The 0-based byte offset in the line.
    public var offset: Int
    public var kind: Kind

    public init(offset: Int, kind: Kind) {
        self.offset = offset
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .unexpectedEnd: "unexpected end of line"
        case .unexpectedByte(let byte): "unexpected \(Self.describe(byte))"
        case .invalidEscape: "invalid escape in string"
        case .invalidUnicodeEscape: "invalid \\u escape (want four hexadecimal digits)"
        case .unpairedSurrogate: "unpaired UTF-16 surrogate in \\u escape"
        case .controlCharacterInString: "unescaped control character in string"
        case .invalidUTF8: "invalid UTF-8"
        case .invalidNumber: "invalid number"
        case .trailingContent: "unexpected content after the JSON value"
        case .nestingTooDeep: "nested deeper than \(JSONScanner.maximumDepth) levels"
        case .notAnObject: "not a JSON object"
        }
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
