/// The records of the batch being filled, with their side table (record lengths and timestamp
/// deltas), in memory the batch allocates itself. It cannot be copied, so exactly one owner
/// (the `LogWriter`) frees it, by ``deallocate()`` in its own deinit: a deinit here would make
/// the owner's accessors, which inlined code uses, call a function the compiler cannot inline
/// into them (Swift 6.3 asserts on it).
///
/// A record is added in two steps: ``reserve(_:)`` returns room for its largest possible size at
/// the end of the records, the caller writes it there, and ``commit(_:timestamp:)`` makes the
/// first `length` bytes of that room a record. An encoder can thus write a record in place, with
/// no copy; ``append(_:timestamp:)`` is the same for bytes that already exist. The hot path is a
/// capacity check, two varints into the side table and a few counters: no uniqueness or
/// exclusivity checks, as there are no arrays and the owner accesses the batch once per call.
///
/// The hot paths (`reserve` and `commit`; `fill`, which does both for a run of records an encoder
/// writes) are `@inlinable`, with their storage `@usableFromInline`, so that they inline through
/// ``LogWriter/commitRecord(byteCount:timestamp:reservingNext:)`` and
/// ``LogWriter/appendRecords(from:maximumBytes:)`` into the journal's append: one loop per run
/// of events, the counters in registers.
@usableFromInline
struct OpenBatch: ~Copyable {
    /// Records concatenated; only the first `recordBytes` bytes are in use.
    @usableFromInline var records: UnsafeMutablePointer<UInt8>
    @usableFromInline var recordCapacity: Int
    @usableFromInline var recordBytes = 0
    /// Bytes after `recordBytes` that the last `reserve` guaranteed and no commit has used yet.
    @usableFromInline var reservedBytes = 0
    /// The raw side table; only the first `sideTableBytes` bytes are in use.
    @usableFromInline var sideTable: UnsafeMutablePointer<UInt8>
    @usableFromInline var sideTableCapacity: Int
    @usableFromInline var sideTableBytes = 0
    /// The sequence number of the batch's first record; of the next record while it is empty.
    @usableFromInline var firstSequence: UInt64
    @usableFromInline var count = 0
    @usableFromInline var firstTimestamp: Int64 = 0
    /// The last appended timestamp (across batches): timestamps never decrease.
    @usableFromInline var lastTimestamp: Int64
    /// Set by `close()`; every later append is refused.
    @usableFromInline var isClosed = false

    @usableFromInline let sealBytes: Int
    @usableFromInline let sealRecords: Int

    /// The sequence number the next record gets: derived, so that a commit updates one counter.
    @inlinable var nextSequence: UInt64 { firstSequence &+ UInt64(truncatingIfNeeded: count) }

    /// The most bytes one side-table entry takes: two varints of at most 10 bytes.
    @inlinable static var sideTableEntryBytes: Int { 20 }

    @usableFromInline
    enum Outcome {
        /// Added; the batch has room for more.
        case appended(UInt64)
        /// Added; the batch reached its size or record limit and must be sealed now.
        case appendedAndFull(UInt64)
        case timestampWentBackwards(previous: Int64)
        case closed
    }

    init(nextSequence: UInt64, lastTimestamp: Int64, sealBytes: Int, sealRecords: Int) {
        firstSequence = nextSequence
        self.lastTimestamp = lastTimestamp
        self.sealBytes = sealBytes
        self.sealRecords = sealRecords
        // A batch seals once it reaches `sealBytes`, so small records never need more room.
        recordCapacity = sealBytes + 256
        records = .allocate(capacity: recordCapacity)
        sideTableCapacity = 4096
        sideTable = .allocate(capacity: sideTableCapacity)
    }

    /// Frees the buffers; the batch must not be used afterwards.
    mutating func deallocate() {
        records.deallocate()
        sideTable.deallocate()
    }

    /// The records in use, lent until the batch next changes.
    var recordBuffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: records, count: recordBytes) }
    /// The raw side table in use, lent until the batch next changes.
    var sideTableBuffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: sideTable, count: sideTableBytes) }

    /// Room for a record of up to `maximumBytes` bytes, valid until the batch next changes.
    @inlinable @inline(__always)
    mutating func reserve(_ maximumBytes: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(UInt(bitPattern: maximumBytes) <= UInt(LogFormat.maximumRecordBytes), "reservation out of range")
        if maximumBytes > recordCapacity &- recordBytes { growRecords(toFit: maximumBytes) }
        reservedBytes = maximumBytes
        return records + recordBytes
    }

    /// Makes the first `length` bytes of the last reservation the next record.
    ///
    /// Counters use wrapping arithmetic where they are bounded anyway: `recordBytes` stays within
    /// the reservation, `count` below `sealRecords`, and 2^64 sequence numbers are never reached.
    @inlinable @inline(__always)
    mutating func commit(_ length: Int, timestamp: Int64) -> Outcome {
        if isClosed { return .closed }
        precondition(UInt(bitPattern: length) <= UInt(bitPattern: reservedBytes), "record outside its reservation")
        if timestamp < lastTimestamp { return .timestampWentBackwards(previous: lastTimestamp) }
        reservedBytes = 0
        if Self.sideTableEntryBytes > sideTableCapacity &- sideTableBytes { growSideTable() }
        let delta: UInt64
        if count == 0 {
            firstTimestamp = timestamp
            delta = 0
        } else {
            // Exact: the true difference is in 0 ..< 2^64, so its wrapped bits are the value.
            delta = UInt64(bitPattern: timestamp &- lastTimestamp)
        }
        recordBytes &+= length
        var entry = UncheckedByteWriter(sideTable + sideTableBytes)
        // Not negative: the precondition above bounds it by the reservation.
        entry.appendVarint(UInt64(truncatingIfNeeded: length))
        entry.appendVarint(delta)
        sideTableBytes = entry.position - sideTable
        lastTimestamp = timestamp
        let sequence = nextSequence
        count &+= 1
        let full = recordBytes >= sealBytes || count >= sealRecords
        return full ? .appendedAndFull(sequence) : .appended(sequence)
    }

    /// What ``fill(maximumBytes:_:)`` stopped at.
    @usableFromInline
    enum FillOutcome {
        /// The encoder had no more records.
        case exhausted
        /// The last record filled the batch: it must be sealed before more are added.
        case full
        /// The last record the encoder wrote is earlier than the one before; it was not added.
        case timestampWentBackwards(previous: Int64, given: Int64)
        case closed
    }

    /// Adds the records `encoder` writes, one per call, until it has none left, the batch is
    /// full or a timestamp goes backwards. Each call gets room for `maximumBytes` at the end of
    /// the records; each record is committed as ``commit(_:timestamp:)`` would (same bytes, same
    /// side table).
    ///
    /// The counters live in locals for the whole run, in registers: through `self` they would be
    /// reloaded and stored around every byte the encoder stores (a byte store may alias them).
    @inlinable @inline(__always)
    mutating func fill<Encoder: RecordEncoder>(from encoder: inout Encoder, maximumBytes: Int) -> FillOutcome {
        if isClosed { return .closed }
        precondition(UInt(bitPattern: maximumBytes) <= UInt(LogFormat.maximumRecordBytes), "reservation out of range")
        reservedBytes = 0
        var records = self.records
        var recordBytes = self.recordBytes
        // The most bytes in use that still leave room for a record, and for a side-table entry:
        // one comparison each per record.
        var recordLimit = self.recordCapacity &- maximumBytes
        var sideTable = self.sideTable
        var sideTableBytes = self.sideTableBytes
        var sideTableLimit = self.sideTableCapacity &- Self.sideTableEntryBytes
        var count = self.count
        var lastTimestamp = self.lastTimestamp
        let sealBytes = self.sealBytes
        let sealRecords = self.sealRecords
        while true {
            if recordBytes > recordLimit {
                self.recordBytes = recordBytes
                growRecords(toFit: maximumBytes)
                (records, recordLimit) = (self.records, self.recordCapacity &- maximumBytes)
            }
            if sideTableBytes > sideTableLimit {
                self.sideTableBytes = sideTableBytes
                growSideTable()
                (sideTable, sideTableLimit) = (self.sideTable, self.sideTableCapacity &- Self.sideTableEntryBytes)
            }
            let start = records + recordBytes
            guard let (end, timestamp) = encoder.encodeNext(at: start) else {
                (self.recordBytes, self.sideTableBytes, self.count) = (recordBytes, sideTableBytes, count)
                self.lastTimestamp = lastTimestamp
                return .exhausted
            }
            let length = end - start
            precondition(UInt(bitPattern: length) <= UInt(bitPattern: maximumBytes), "record outside its room")
            if timestamp < lastTimestamp {
                (self.recordBytes, self.sideTableBytes, self.count) = (recordBytes, sideTableBytes, count)
                self.lastTimestamp = lastTimestamp
                return .timestampWentBackwards(previous: lastTimestamp, given: timestamp)
            }
            // The side-table entry `commit` writes, spelled out again on the locals: a shared
            // always-inlined helper cost 23 more instructions per event (callgrind, 100k customers).
            let delta: UInt64
            if count == 0 {
                firstTimestamp = timestamp
                delta = 0
            } else {
                delta = UInt64(bitPattern: timestamp &- lastTimestamp)
            }
            recordBytes &+= length
            var entry = UncheckedByteWriter(sideTable + sideTableBytes)
            entry.appendVarint(UInt64(truncatingIfNeeded: length))
            entry.appendVarint(delta)
            sideTableBytes = entry.position - sideTable
            lastTimestamp = timestamp
            count &+= 1
            if recordBytes >= sealBytes || count >= sealRecords {
                (self.recordBytes, self.sideTableBytes, self.count) = (recordBytes, sideTableBytes, count)
                self.lastTimestamp = lastTimestamp
                return .full
            }
        }
    }

    /// Copies `record` in and commits it.
    @inline(__always)
    mutating func append(_ record: UnsafeRawBufferPointer, timestamp: Int64) -> Outcome {
        let length = record.count
        let destination = reserve(length)
        if let source = record.baseAddress, length > 0 {
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: length)
        }
        return commit(length, timestamp: timestamp)
    }

    mutating func reset() {
        firstSequence = nextSequence
        recordBytes = 0
        reservedBytes = 0
        sideTableBytes = 0
        count = 0
    }

    @usableFromInline @inline(never)
    mutating func growRecords(toFit maximumBytes: Int) {
        let capacity = recordBytes + maximumBytes + sealBytes
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.update(from: records, count: recordBytes)
        records.deallocate()
        records = larger
        recordCapacity = capacity
    }

    @usableFromInline @inline(never)
    mutating func growSideTable() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: sideTableCapacity * 2)
        larger.update(from: sideTable, count: sideTableBytes)
        sideTable.deallocate()
        sideTable = larger
        sideTableCapacity *= 2
    }
}

/// Writes records in place, one per call, for ``LogWriter/appendRecords(from:maximumBytes:)``.
/// A protocol rather than a closure, so that the encoder is inlined into the batch's loop;
/// public, as generic code that `@inlinable` code names must be.
public protocol RecordEncoder {
    /// Writes the next record at `room` (at most the `maximumBytes` given to the log) and returns
    /// where it ends and its timestamp, or nil when there is none left, or it cannot be encoded
    /// (the encoder keeps why): nothing written after the previous record then counts.
    mutating func encodeNext(at room: UnsafeMutablePointer<UInt8>) -> (end: UnsafeMutablePointer<UInt8>, timestamp: Int64)?
}
