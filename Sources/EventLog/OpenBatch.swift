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
    /// The records go in stretches with no room check per record. Before a stretch the room is
    /// grown if needed; the stretch then takes at most as many records as the encoder has left,
    /// as keep the batch under its record limit, and as surely fit the side table's room (20
    /// bytes each). Inside it a record costs two comparisons: the byte limit (the batch's, or
    /// the room's if that comes first, which it only does before the room first grows) and the
    /// encoder's own stop at the stretch's end. The encoder need not check that it has a record
    /// left. The counters
    /// are locals, in registers: through `self` they would be reloaded and stored around every
    /// byte the encoder stores (a byte store may alias them). Positions are pointers, so a
    /// record's end is the next one's start.
    @inlinable @inline(__always)
    mutating func fill<Encoder: RecordEncoder>(from encoder: inout Encoder, maximumBytes: Int) -> FillOutcome {
        if isClosed { return .closed }
        precondition(UInt(bitPattern: maximumBytes) <= UInt(LogFormat.maximumRecordBytes), "reservation out of range")
        reservedBytes = 0
        while true {
            let left = encoder.remainingRecords
            let (stretch, byteStopOffset) = planStretch(recordsLeft: left, maximumBytes: maximumBytes)
            if stretch == 0 { return .exhausted }
            // The encoder stops itself after the stretch (one comparison of its own position):
            // a record counter here, kept for the stop, cost three instructions per record more.
            // The records added are counted once, after the stretch, from what the encoder has left.
            encoder.stop(afterRecords: stretch)
            let records = self.records
            var position = records + recordBytes
            let byteStop = records + byteStopOffset
            let sideTable = self.sideTable
            var side = sideTable + sideTableBytes
            var lastTimestamp = self.lastTimestamp
            // Set when the stretch stops at a record that is not added: 1 when the encoder
            // returned none (at its stop, or failed), 2 when its time went back (to
            // `refusedTimestamp`). Plain values, set only where the loop breaks: an optional
            // outcome cost two instructions at every record.
            var refusal: UInt8 = 0
            var refusedTimestamp: Int64 = 0
            while true {
                guard let (end, timestamp) = encoder.encodeNext(at: position) else {
                    refusal = 1
                    break
                }
                let length = end - position
                // The record must lie in its room. A short entry's test (length below 0x80) proves
                // it for a room of 0x7F bytes or more (the journal's, a constant: then this test
                // folds away); a negative length, as a long one, takes the long entry's path,
                // where it is tested. One check per record, out of the common paths.
                precondition(maximumBytes >= 0x7F || UInt(bitPattern: length) <= UInt(bitPattern: maximumBytes),
                             "record outside its room")
                if timestamp < lastTimestamp {
                    (refusal, refusedTimestamp) = (2, timestamp)
                    break
                }
                // The side-table entry `commit` writes, spelled out again on the locals: a shared
                // always-inlined helper cost 23 more instructions per event (callgrind, 100k
                // customers). Both varints usually take one byte: then one two-byte store. Else
                // the delta usually takes two or three bytes (the gap between two instants of a
                // simulation is milliseconds): then one four-byte store, with no branch on the
                // delta's size; its last byte is zero for a two-byte delta and is not counted
                // (the side table has room for 20 bytes per entry). Exact: the true difference
                // is in 0 ..< 2^64, so its wrapped bits are the value.
                let delta = UInt64(bitPattern: timestamp &- lastTimestamp)
                let lengthBits = UInt64(truncatingIfNeeded: length)
                if lengthBits | delta < 0x80 {
                    UnsafeMutableRawPointer(side).storeBytes(
                        of: UInt16(truncatingIfNeeded: lengthBits | delta << 8).littleEndian, as: UInt16.self)
                    side += 2
                } else if lengthBits | delta >> 14 < 0x80 {
                    // The delta is in 0x80 ..< 2^21: its groups spread to byte boundaries
                    // (``spreadVarintGroups(_:)``). It is three bytes exactly when adding
                    // 2^21 - 2^14 carries into bit 21: that bit, moved to bit 23, is the second
                    // byte's continuation.
                    let three = (delta &+ 0x1F_C000) >> 21
                    let spread = UInt64(spreadVarintGroups(UInt32(truncatingIfNeeded: delta)))
                    let entry = lengthBits | spread << 8 | 0x8000 | three << 23
                    UnsafeMutableRawPointer(side).storeBytes(
                        of: UInt32(truncatingIfNeeded: entry).littleEndian, as: UInt32.self)
                    side += 3 &+ Int(truncatingIfNeeded: three)
                } else {
                    precondition(UInt(bitPattern: length) <= UInt(bitPattern: maximumBytes), "record outside its room")
                    side = Self.appendSideEntry(length: lengthBits, delta: delta, at: side)
                }
                position = end
                lastTimestamp = timestamp
                if position >= byteStop { break }
            }
            if let outcome = endStretch(
                recordBytes: position - records, sideTableBytes: side - sideTable, lastTimestamp: lastTimestamp,
                encoded: left &- encoder.remainingRecords, stretch: stretch,
                refusal: refusal, refusedTimestamp: refusedTimestamp)
            {
                return outcome
            }
            // Otherwise the stretch ended for room, or at the encoder's stop: go on.
        }
    }

    /// Before a stretch of ``fill(from:maximumBytes:)``: grows the room if needed and returns
    /// how many records the stretch takes (0 when the encoder has none left) and the offset in
    /// the records where it must stop. The stretch takes at most as many records as the encoder
    /// has left, as keep the batch under its record limit, and as surely fit the side table's
    /// room (20 bytes each); it stops where the batch is full or the room must grow first,
    /// whichever comes first. A batch's first record has delta 0, not the gap to the previous
    /// batch: rather than test for it at every record, an empty batch takes a stretch of one
    /// record, whose entry ``endStretch`` rewrites. Out of line, as is ``endStretch``: once per
    /// stretch, and the loop of ``fill(from:maximumBytes:)`` has few blocks to spare.
    @usableFromInline @inline(never)
    mutating func planStretch(recordsLeft left: Int, maximumBytes: Int) -> (records: Int, byteStop: Int) {
        if left <= 0 { return (0, 0) }
        if recordBytes > recordCapacity &- maximumBytes { growRecords(toFit: maximumBytes) }
        if sideTableBytes > sideTableCapacity &- Self.sideTableEntryBytes { growSideTable() }
        let byteStop = min(sealBytes, recordCapacity &- maximumBytes &+ 1)
        let sideRoom = (sideTableCapacity &- Self.sideTableEntryBytes &- sideTableBytes) / Self.sideTableEntryBytes &+ 1
        return (count == 0 ? 1 : min(left, sealRecords &- count, sideRoom), byteStop)
    }

    /// After a stretch of ``fill(from:maximumBytes:)`` that wrote `encoded` records (the refused
    /// one too, refusal 2) of the `stretch` asked for: stores the loop's counters and returns
    /// what the fill stops at, or nil to go on.
    @usableFromInline @inline(never)
    mutating func endStretch(
        recordBytes: Int, sideTableBytes: Int, lastTimestamp: Int64, encoded: Int, stretch: Int,
        refusal: UInt8, refusedTimestamp: Int64
    ) -> FillOutcome? {
        let added = refusal == 2 ? encoded &- 1 : encoded
        let startsBatch = count == 0
        (self.recordBytes, self.sideTableBytes, count) = (recordBytes, sideTableBytes, count &+ added)
        self.lastTimestamp = lastTimestamp
        if startsBatch { rewriteFirstSideEntry() }
        // The encoder returned none before its stop: it had no more, or could not encode one.
        if refusal == 1 && added != stretch { return .exhausted }
        if refusal == 2 { return .timestampWentBackwards(previous: lastTimestamp, given: refusedTimestamp) }
        if recordBytes >= sealBytes || count >= sealRecords { return .full }
        return nil
    }

    /// After a stretch that started an empty batch: the batch holds at most one record, and
    /// its side-table entry was written with the gap to the previous batch's last record. It is
    /// rewritten as a batch's first entry must be, with delta 0, and the record's time becomes
    /// the batch's first. Once per batch.
    mutating func rewriteFirstSideEntry() {
        guard count == 1 else { return }
        firstTimestamp = lastTimestamp
        var entry = UncheckedByteWriter(sideTable)
        entry.appendVarint(UInt64(truncatingIfNeeded: recordBytes))
        entry.append(0)
        sideTableBytes = entry.position - sideTable
    }

    /// A side-table entry with a varint longer than a byte, out of line. Blocks in the loop of
    /// ``fill(from:maximumBytes:)`` are scarce: the optimizer inlines an always-inline function
    /// of more than 64 blocks (the journal's encoder) only into a caller of fewer than 64, and an
    /// inlined three-byte entry made the encoder a call (+29 instructions per event, 100k profile).
    @usableFromInline @inline(never)
    static func appendSideEntry(length: UInt64, delta: UInt64, at side: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var entry = UncheckedByteWriter(side)
        entry.appendVarint(length)
        entry.appendVarint(delta)
        return entry.position
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
    /// How many records are left to write (the refused one counts as written, see ``encodeNext(at:)``).
    /// The log asks for at most that many before it asks again.
    var remainingRecords: Int { get }

    /// Makes ``encodeNext(at:)`` return nil, writing nothing, once it has written `count` more
    /// records (`count` is at least 1 and at most ``remainingRecords``). The log stops each
    /// stretch of records this way, so that its loop counts no records.
    mutating func stop(afterRecords count: Int)

    /// At the stop set by ``stop(afterRecords:)``, returns nil. Otherwise writes the next record
    /// at `room` (at most the `maximumBytes` given to the log) and returns where it ends and its
    /// timestamp, the record then counting as written; or returns nil when it cannot be encoded
    /// (the encoder keeps why, and the record does not count as written): nothing written after
    /// the previous record then counts.
    mutating func encodeNext(at room: UnsafeMutablePointer<UInt8>) -> (end: UnsafeMutablePointer<UInt8>, timestamp: Int64)?
}
