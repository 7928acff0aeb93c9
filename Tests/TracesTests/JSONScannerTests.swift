// The scanner accepts the whole JSON grammar, decodes strings and numbers exactly, and rejects
// every malformed line with the offset of its first bad byte, never trapping.

import Testing
import TestSupport
@testable import Traces

/// Scans `text` as one object and returns the members, or the error.
func scan(_ text: String) -> Result<[(String, String)], JSONSyntaxError> {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
        var members: [JSONMember] = []
        do throws(JSONSyntaxError) {
            try JSONScanner.scanObject(buffer, into: &members)
        } catch {
            return .failure(error)
        }
        let line = JSONLine(bytes: buffer, members: members)
        return .success(members.map { member in
            (line.string(member.key), member.value.kind == .string
                ? line.string(member.value) : String(decoding: line.rawBytes(member.value), as: UTF8.self))
        })
    }
}

@Suite struct JSONScannerTests {
    /// Tricky but valid lines are accepted, nested values are skipped whole, and string values
    /// come out with every escape (including a surrogate pair) decoded.
    @Test func acceptsTheWholeGrammarAndDecodesStrings() throws {
        let line = #" { "a\"b" : "x\\y\/z\b\f\n\r\t" , "u":"\u00e9\u20AC\ud83d\ude00", "raw":"é€😀", "#
            + #""n":[-0,0.5,-1.25e+10,3E-2,1e5,{"deep":[[],{}]}], "t":true,"f":false,"z":null,"o":{}} "#
        let members = try scan(line).get()
        #expect(members.map(\.0) == ["a\"b", "u", "raw", "n", "t", "f", "z", "o"])
        #expect(members[0].1 == "x\\y/z\u{8}\u{c}\n\r\t")
        #expect(members[1].1 == "é€😀")
        #expect(members[2].1 == "é€😀")
        #expect(members[3].1 == #"[-0,0.5,-1.25e+10,3E-2,1e5,{"deep":[[],{}]}]"#)
        #expect(members[6].1 == "null")
        #expect(try scan("{}").get().isEmpty)
    }

    /// Each malformed line is rejected with the kind of fault and the byte offset where it is.
    @Test(arguments: [
        (#"{"a":1,}"#, 7, JSONSyntaxError.Kind.unexpectedByte(UInt8(ascii: "}"))),
        (#"{"a" 1}"#, 5, .unexpectedByte(UInt8(ascii: "1"))),
        (#"{"a":01}"#, 6, .invalidNumber),
        (#"{"a":-}"#, 6, .invalidNumber),
        (#"{"a":1.}"#, 7, .invalidNumber),
        (#"{"a":1e}"#, 7, .invalidNumber),
        (#"{"a":tru}"#, 8, .unexpectedByte(UInt8(ascii: "}"))),
        (#"{"a":"\x"}"#, 7, .invalidEscape),
        (#"{"a":"\u12G4"}"#, 10, .invalidUnicodeEscape),
        (#"{"a":"\ud83d"}"#, 6, .unpairedSurrogate),
        (#"{"a":"\ude00"}"#, 6, .unpairedSurrogate),
        (#"{"a":"\ud83d\u0041"}"#, 6, .unpairedSurrogate),
        ("{\"a\":\"x\ty\"}", 7, .controlCharacterInString),
        (#"{"a":1} x"#, 8, .trailingContent),
        (#"[1,2]"#, 0, .notAnObject),
        (#"  "text""#, 2, .notAnObject),
        (#"{a:1}"#, 1, .unexpectedByte(UInt8(ascii: "a"))),
        (#"{"a":[1 2]}"#, 8, .unexpectedByte(UInt8(ascii: "2"))),
        ("", 0, .unexpectedEnd),
    ])
    func rejectsMalformedLinesAtTheRightOffset(line: String, offset: Int, kind: JSONSyntaxError.Kind) {
        #expect(throws: JSONSyntaxError(offset: offset, kind: kind)) { try JSONLineValidator.validateObject(Array(line.utf8)) }
    }

    /// Raw bytes that are not UTF-8 (a stray continuation byte, an overlong form, an encoded
    /// surrogate) are rejected at their first byte.
    @Test func rejectsInvalidUTF8() {
        for bad: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x28, 0xA1]] {
            let line = Array(#"{"a":"xy"#.utf8) + bad + Array(#""}"#.utf8)
            #expect(throws: JSONSyntaxError(offset: 8, kind: .invalidUTF8)) { try JSONLineValidator.validateObject(line) }
        }
    }

    /// Nesting deeper than the named maximum is refused instead of recursing without bound.
    @Test func refusesDeepNesting() {
        let deep = "{\"a\":" + String(repeating: "[", count: JSONScanner.maximumDepth + 1)
            + String(repeating: "]", count: JSONScanner.maximumDepth + 1) + "}"
        #expect(throws: JSONSyntaxError.self) { try JSONLineValidator.validateObject(Array(deep.utf8)) }
        let fine = "{\"a\":" + String(repeating: "[", count: 50) + String(repeating: "]", count: 50) + "}"
        #expect(throws: Never.self) { try JSONLineValidator.validateObject(Array(fine.utf8)) }
    }

    /// Cutting a real log line (with escapes, UTF-8 and nesting) at every byte gives a clean error
    /// for every proper prefix, never a trap, and the whole line is accepted.
    @Test func everyTruncationIsRejectedCleanly() throws {
        let sample = #"{"event":"Cancelled runs","run_ids":["a\"b","\ud83d\ude00é"],"n":-1.5e-3,"#
            + #""ok":true,"x":null,"o":{"k":[{}]},"timestamp":"2026-11-21T13:52:22.905063Z"}"#
        let bytes = Array(sample.utf8)
        try JSONLineValidator.validateObject(bytes)
        for length in 0..<bytes.count {
            #expect(throws: JSONSyntaxError.self, "prefix of \(length) bytes") {
                try JSONLineValidator.validateObject(Array(bytes[..<length]))
            }
        }
    }

    /// Random single-byte corruptions of a valid line either still parse or throw; none traps,
    /// and any error offset lies inside the line (seeded, so a failure reproduces).
    @Test func randomCorruptionNeverTraps() {
        let seed: UInt64 = 20_261_121
        var random = TestRandom(seed: seed)
        let bytes = Array(#"{"a":"x\u00e9y","b":[1,2.5e3,{"c":null}],"d":true}"#.utf8)
        for _ in 0..<5_000 {
            var mutated = bytes
            mutated[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            do { try JSONLineValidator.validateObject(mutated) } catch {
                #expect(error.offset >= 0 && error.offset <= mutated.count, "seed \(seed)")
            }
        }
    }

    /// Strings are scanned eight bytes at a time: a quote, an escape, a control byte or a
    /// multi-byte character at every position of a word (and of the tail after the last whole
    /// word) is found exactly, and bytes next to the special ones in value (space, DEL, `!`, `#`,
    /// `[`, `]`) stay plain.
    @Test func specialBytesAreFoundAtEveryPositionOfAWord() throws {
        let filler = Array(" !#[]\u{7F}abcdefghijklmnopqrstuvwxyz0123456789")
        for length in 0..<24 {
            let plain = String((0..<length).map { filler[$0 % filler.count] })
            #expect(try scan("{\"a\":\"\(plain)\"}").get()[0].1 == plain, "plain, length \(length)")
            for (inserted, decoded) in [("\\\"", "\""), ("\\n", "\n"), ("é", "é"), ("😀", "😀")] {
                let text = "{\"a\":\"" + plain + inserted + plain + "\"}"
                #expect(try scan(text).get()[0].1 == plain + decoded + plain, "\(inserted) after \(length) bytes")
            }
            for control: UInt8 in [0x00, 0x09, 0x1F] {
                let line = Array("{\"a\":\"\(plain)".utf8) + [control] + Array("xxxxxxxx\"}".utf8)
                #expect(throws: JSONSyntaxError(offset: 6 + length, kind: .controlCharacterInString)) {
                    try JSONLineValidator.validateObject(line)
                }
            }
        }
    }

    /// Decimal numbers become microseconds exactly (no binary floating point), rounding half
    /// away from zero below a microsecond; exponents and overflow are handled.
    @Test func decimalsScaleExactly() {
        func micros(_ text: String, _ scale: Int64) -> Int64? {
            Array(text.utf8).withUnsafeBufferPointer { DecimalText.scaled($0, by: scale) }
        }
        #expect(micros("2.3", 1_000_000) == 2_300_000)
        #expect(micros("0.1", 1_000_000) == 100_000)
        #expect(micros("-1.0000005", 1_000_000) == -1_000_001)
        #expect(micros("1.9999994", 1_000_000) == 1_999_999)
        #expect(micros("12", 1_000) == 12_000)
        #expect(micros("1.5e2", 1_000) == 150_000)
        #expect(micros("99999999999999999999", 1_000_000) == nil)
        #expect(Array("-42".utf8).withUnsafeBufferPointer { DecimalText.integer($0) } == -42)
        #expect(Array("9223372036854775808".utf8).withUnsafeBufferPointer { DecimalText.integer($0) } == nil)
    }
}
