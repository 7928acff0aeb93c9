#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The records of the batch being filled, with their side table (record lengths and timestamp
/// deltas). A value type mutated through a single access per append, writing into buffers it
/// sized in advance: the writer's hot path is a bounds check, a `memcpy` and two varints.
struct OpenBatch {
    /// Records concatenated; only the first `recordBytes` bytes are in use.
    private(set) var records: [UInt8]
    private(set) var recordBytes = 0
    /// The raw side table; only the first `sideTableBytes` bytes are in use.
    private(set) var sideTable: [UInt8]
    private(set) var sideTableBytes = 0
    private(set) var firstSequence: UInt64 = 0
    private(set) var count = 0
    private(set) var firstTimestamp: Int64 = 0
    /// The last appended timestamp (across batches): timestamps never decrease.
    private(set) var lastTimestamp: Int64
    /// The sequence number the next record gets.
    private(set) var nextSequence: UInt64
    /// Set by `close()`; every later append is refused.
    var isClosed = false

    private let sealBytes: Int
    private let sealRecords: Int

    enum Outcome {
        /// Added; the batch has room for more.
        case appended(UInt64)
        /// Added; the batch reached its size or record limit and must be sealed now.
        case appendedAndFull(UInt64)
        case timestampWentBackwards(previous: Int64)
        case closed
    }

    init(nextSequence: UInt64, lastTimestamp: Int64, sealBytes: Int, sealRecords: Int) {
        self.nextSequence = nextSequence
        self.lastTimestamp = lastTimestamp
        self.sealBytes = sealBytes
        self.sealRecords = sealRecords
        records = [UInt8](repeating: 0, count: sealBytes + 256)
        sideTable = [UInt8](repeating: 0, count: 4096)
    }

    /// The records in use.
    var recordSlice: ArraySlice<UInt8> { records[0..<recordBytes] }
    /// The raw side table in use.
    var sideTableSlice: ArraySlice<UInt8> { sideTable[0..<sideTableBytes] }

    @inline(__always)
    mutating func append(_ record: UnsafeRawBufferPointer, timestamp: Int64) -> Outcome {
        if isClosed { return .closed }
        if timestamp < lastTimestamp { return .timestampWentBackwards(previous: lastTimestamp) }
        let length = record.count
        if recordBytes + length > records.count { records.append(contentsOf: repeatElement(0, count: recordBytes + length - records.count + sealBytes)) }
        if sideTableBytes + 20 > sideTable.count { sideTable.append(contentsOf: repeatElement(0, count: sideTable.count)) }
        let delta: UInt64
        if count == 0 {
            firstSequence = nextSequence
            firstTimestamp = timestamp
            delta = 0
        } else {
            delta = UInt64(timestamp &- lastTimestamp)
        }
        if length > 0 {
            let offset = recordBytes
            records.withUnsafeMutableBytes { destination in
                _ = memcpy(destination.baseAddress! + offset, record.baseAddress!, length)
            }
        }
        recordBytes += length
        var position = sideTableBytes
        sideTable.withUnsafeMutableBytes { table in
            position = Self.writeVarint(UInt64(length), into: table, at: position)
            position = Self.writeVarint(delta, into: table, at: position)
        }
        sideTableBytes = position
        lastTimestamp = timestamp
        count += 1
        nextSequence += 1
        let full = recordBytes >= sealBytes || count >= sealRecords
        return full ? .appendedAndFull(nextSequence - 1) : .appended(nextSequence - 1)
    }

    @inline(__always)
    private static func writeVarint(_ value: UInt64, into table: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        var remaining = value
        var position = start
        while remaining >= 0x80 {
            table[position] = UInt8(truncatingIfNeeded: remaining) | 0x80
            remaining >>= 7
            position += 1
        }
        table[position] = UInt8(remaining)
        return position + 1
    }

    mutating func reset() {
        recordBytes = 0
        sideTableBytes = 0
        count = 0
    }
}
