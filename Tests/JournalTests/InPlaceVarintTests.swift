// The in-place writer stores a varint of two or three bytes as one four-byte store of its spread
// groups; an array gets it byte by byte. Events whose ids and values take every varint width,
// each width's bounds included, must give the journal of encoded appends byte for byte.

import EventLog
import Journal
import RunLifecycle
import Testing

@Suite struct InPlaceVarintTests {
    /// Values at and around every varint width's bounds (1 to 5 bytes for 32 bits).
    static let widthBounds: [UInt32] = [1, 2, 126, 127, 128, 129, 16_383, 16_384, 16_385, 2_097_151, 2_097_152,
                                        2_097_153, 268_435_455, 268_435_456, .max]

    /// Every event kind with every pair of bounds as its two ids, times near each delta width.
    static func entries() -> [JournalWriterTests.Entry] {
        var events: [Event] = []
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return random >> 11
        }
        for first in widthBounds {
            for second in widthBounds {
                let kind = Int(next() % 22)
                let work = (0..<Int(next() % 3)).map { _ in next() % (1 << UInt64(next() % 41)) }
                let wide = Int64(next() << 10) >> Int64(next() % 63)  // not negative: no event before the header
                events.append(event(from: (kind, first, second, Int(next() % 256), wide, work)))
            }
        }
        // Non-decreasing times, so that the side table's deltas take every width too.
        events.sort { $0.at.microsecondsSinceEpoch < $1.at.microsecondsSinceEpoch }
        return events.map { .event($0) }
    }

    @Test func everyVarintWidthWritesTheEncodedBytes() throws {
        let entries = Self.entries()
        try JournalWriterTests.expectSameBytesAsEncoding(entries, seed: 0) { directory, options in
            _ = try JournalWriterTests.writeWithJournalWriter(entries, to: directory, options: options)
        }
    }
}
