@testable import EventLog
import PropertyBased
import Testing
import TestSupport

/// The side-table decoder: one pass that turns a block's record lengths and timestamp deltas into
/// offsets and timestamps, with a fast path for short entries and a general one for the rest.
/// Both must agree with a plain model, and every inconsistency must be refused before a record
/// of the block is handed out.
@Suite struct SideTableTests {
    /// One side-table entry as the model sees it, and how many extra (redundant) continuation
    /// bytes to write: the format is plain LEB128, so a non-minimal varint is still valid.
    struct Entry {
        var length: UInt64
        var delta: UInt64
        var lengthPadding = 0
        var deltaPadding = 0
    }

    static func varint(_ value: UInt64, padding: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendVarint(value)
        guard padding > 0, bytes.count + padding <= 10 else { return bytes }
        bytes[bytes.count - 1] |= 0x80
        bytes += Array(repeating: 0x80, count: padding - 1) + [0]
        return bytes
    }

    static func raw(_ entries: [Entry]) -> [UInt8] {
        entries.flatMap { varint($0.length, padding: $0.lengthPadding) + varint($0.delta, padding: $0.deltaPadding) }
    }

    static func store(_ raw: [UInt8]) throws -> [UInt8] {
        try raw.withUnsafeBytes { try SideTable.store($0) }
    }

    static func metadata(_ entries: [Entry], raw: [UInt8], stored: [UInt8], firstTimestamp: Int64 = 1_000) -> BlockMetadata {
        let total = entries.reduce(0) { $0 + $1.length }
        let last = entries.reduce(firstTimestamp) { $0 &+ Int64(truncatingIfNeeded: $1.delta) }
        return BlockMetadata(
            firstSequence: 0, recordCount: UInt32(entries.count), firstTimestamp: firstTimestamp,
            lastTimestamp: last, uncompressedBytes: UInt32(truncatingIfNeeded: total), dataFrameBytes: 0,
            dataFrameChecksum: 0, sideTableRawBytes: UInt32(raw.count), sideTableStoredBytes: UInt32(stored.count))
    }

    /// Decodes `raw` as the side table of a block described by `metadata` (built from `entries`
    /// unless given): the reason it is refused, or nil and the decoded index.
    static func decode(
        _ entries: [Entry], raw: [UInt8]? = nil, adjust: (inout BlockMetadata) -> Void = { _ in }
    ) throws -> (reason: String?, index: RecordIndex) {
        let raw = raw ?? Self.raw(entries)
        let stored = try Self.store(raw)
        var metadata = Self.metadata(entries, raw: raw, stored: stored)
        adjust(&metadata)
        var scratch: [UInt8] = [9, 9, 9]
        var index = RecordIndex()
        let reason = SideTable.decode(stored: stored[...], metadata: metadata, scratch: &scratch, into: &index)
        return (reason, index)
    }

    /// Short entries, long ones, 10-byte varints and redundant encodings, in any mix and at any
    /// distance from the end of the table, decode to exactly the model's offsets and timestamps.
    @Test func decodesEveryEncodingLikeTheModel() async throws {
        let lengths = Gen.oneOf(Gen.uint64(in: 0...127), Gen.uint64(in: 128...20_000),
                                Gen.uint64(in: 0...UInt64(LogFormat.maximumRecordBytes)))
        let deltas = Gen.oneOf(Gen.uint64(in: 0...127), Gen.uint64(in: 128...16_383),
                               Gen.uint64(in: 16_384...(1 << 40)), Gen.always(UInt64(Int64.max) / 64))  // 40 of them still fit
        let entry = zip(lengths, deltas, Gen.int(in: 0...2), Gen.int(in: 0...2))
            .map { length, delta, lengthPad, deltaPad in
                // Mostly minimal encodings (as the writer writes them), sometimes padded.
                Entry(length: length, delta: delta, lengthPadding: lengthPad == 2 ? 1 : 0, deltaPadding: deltaPad == 2 ? 3 : 0)
            }
        await propertyCheck(count: 300, input: entry.array(of: 1...40)) { entries in
            let (reason, index) = try Self.decode(entries)
            #expect(reason == nil)
            var offset: UInt64 = 0
            var time: Int64 = 1_000
            #expect(index.offsets.count == entries.count + 1 && index.timestamps.count == entries.count)
            #expect(index.offsets.first == 0)
            for (position, entry) in entries.enumerated() {
                offset += entry.length
                time &+= Int64(entry.delta)
                #expect(UInt64(index.offsets[position + 1]) == offset % (1 << 32))
                #expect(index.timestamps[position] == time)
            }
        }
    }

    /// The buffers are reused: decoding a long table and then a short one leaves exactly the
    /// short one's entries.
    @Test func reusedBuffersHoldOnlyTheLatestBlock() throws {
        let long = (0..<50).map { Entry(length: UInt64($0), delta: 300) }
        let short = [Entry(length: 5, delta: 0), Entry(length: 7, delta: 2)]
        var index = RecordIndex()
        var scratch: [UInt8] = []
        for entries in [long, short] {
            let raw = Self.raw(entries)
            let stored = try Self.store(raw)
            #expect(SideTable.decode(stored: stored[...], metadata: Self.metadata(entries, raw: raw, stored: stored),
                                     scratch: &scratch, into: &index) == nil)
        }
        #expect(index.offsets == [0, 5, 12])
        #expect(index.timestamps == [1_000, 1_002])
    }

    /// Every way a side table can disagree with its block, each refused with its own reason.
    @Test func refusesEveryInconsistency() throws {
        let entries = (0..<20).map { Entry(length: UInt64(3 * $0), delta: UInt64(($0 * 977) % 20_000)) }
        let raw = Self.raw(entries)
        let cutShort = "side table is cut short or holds an out-of-range value"

        // Cut at every length: the last entry is incomplete.
        for cut in 0..<raw.count {
            let reason = try Self.decode(entries, raw: Array(raw.prefix(cut))).reason
            #expect(reason == cutShort, "cut at \(cut)")
        }
        #expect(try Self.decode(entries, raw: raw + [0]).reason == "side table has 1 extra bytes")
        #expect(try Self.decode(entries) { $0.uncompressedBytes += 1 }.reason?.hasPrefix("record lengths add up to") == true)
        #expect(try Self.decode(entries) { $0.lastTimestamp += 1 }.reason == "record timestamps disagree with the block's time range")
        #expect(try Self.decode(entries) { $0.recordCount += 1 }.reason == cutShort)
        #expect(try Self.decode(entries) { $0.recordCount = 1_000_000 }.reason != nil)
        #expect(try Self.decode(entries) { $0.recordCount -= 1 }.reason?.hasSuffix("extra bytes") == true)
        #expect(try Self.decode([], raw: []).reason == nil)
        #expect(try Self.decode([], raw: [0, 0]).reason != nil)

        // Values out of range, on the general path and near the end of the table.
        let tooLong = [Entry(length: UInt64(LogFormat.maximumRecordBytes) + 1, delta: 0)]
        #expect(try Self.decode(tooLong).reason == cutShort)
        #expect(try Self.decode(entries + tooLong).reason == cutShort)
        let hugeDelta = [Entry(length: 1, delta: UInt64(Int64.max) + 1)]
        #expect(try Self.decode(hugeDelta).reason == cutShort)
        let overflow = [Entry(length: 1, delta: UInt64(Int64.max) - 10), Entry(length: 1, delta: 20)] + entries
        #expect(try Self.decode(overflow).reason == cutShort)
        // An 11-byte varint.
        let eleven: [UInt8] = [1] + Array(repeating: 0x80, count: 10) + [0]
        #expect(try Self.decode([Entry(length: 1, delta: 0)], raw: eleven).reason == cutShort)
        // A continuation bit on the table's last byte.
        #expect(try Self.decode(entries, raw: raw.dropLast() + [raw.last! | 0x80]).reason == cutShort)
    }
}
