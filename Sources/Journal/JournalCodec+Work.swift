import EventLog
import RunLifecycle

// A run's step durations. Header varint: count << 2 | runLength << 1 | milliseconds.
// `milliseconds`: every value is stored divided by 1000 (set when all are whole milliseconds).
// `runLength`: the values come as (repeat count, value) pairs covering exactly `count` steps,
// chosen when that is shorter than listing them, as for [0, 0, 500ms, 500ms, 500ms].

extension JournalCodec {
    /// Inlined into the event encoder: the common list of one step then costs no call. Two steps
    /// or more go out of line with the sink moved in and back out (not `inout`): a sink whose
    /// address reached a function that is not inlined could not stay in registers, so the
    /// encoder's write position was stored and reloaded at every event.
    @inline(__always)
    static func encodeWork(_ work: [Microseconds], into buffer: inout some ByteSink) {
        guard work.count > 1 else {
            encodeWork(single: work.first, into: &buffer)
            return
        }
        buffer = encodeWork(several: work, appendingTo: consume buffer)
    }

    /// Two steps or more: whole milliseconds or not, listed or run-length coded.
    @inline(never)
    private static func encodeWork<Sink: ByteSink>(several work: [Microseconds], appendingTo buffer: consuming Sink) -> Sink {
        var wholeMilliseconds = true
        for step in work where step.count % 1_000 != 0 {
            wholeMilliseconds = false
            break
        }
        let divisor: Int64 = wholeMilliseconds ? 1_000 : 1
        var plainBytes = 0
        var runLengthBytes = 0
        var index = 0
        while index < work.count {
            let value = UInt64(work[index].count / divisor)
            var end = index + 1
            while end < work.count && work[end] == work[index] { end += 1 }
            plainBytes += (end - index) * varintSize(value)
            runLengthBytes += varintSize(UInt64(end - index)) + varintSize(value)
            index = end
        }
        let runLength = runLengthBytes < plainBytes
        buffer.appendVarint(UInt64(work.count) << 2 | (runLength ? 2 : 0) | (wholeMilliseconds ? 1 : 0))
        if runLength {
            index = 0
            while index < work.count {
                var end = index + 1
                while end < work.count && work[end] == work[index] { end += 1 }
                buffer.appendVarint(UInt64(end - index))
                buffer.appendVarint(UInt64(work[index].count / divisor))
                index = end
            }
        } else {
            for step in work { buffer.appendVarint(UInt64(step.count / divisor)) }
        }
        return buffer
    }

    /// No step or one, the common case, without the run-length analysis: a single value is never
    /// shorter as a (repeat count, value) pair, so the general path writes the same bytes.
    @inline(__always)
    private static func encodeWork(single step: Microseconds?, into buffer: inout some ByteSink) {
        guard let step else {
            buffer.append(0)
            return
        }
        // Not negative (every step passed the check before encoding): its bits are the value,
        // and unsigned division by 1,000 needs no correction for the sign.
        let microseconds = UInt64(truncatingIfNeeded: step.count)
        let milliseconds = microseconds / 1_000
        let wholeMilliseconds = milliseconds &* 1_000 == microseconds
        let header: UInt64 = 1 << 2 | (wholeMilliseconds ? 1 : 0)
        buffer.appendVarint(header)
        buffer.appendVarint(wholeMilliseconds ? milliseconds : microseconds)
    }

    static func decodeWork(_ cursor: inout RecordCursor) throws(JournalError) -> [Microseconds] {
        let headerOffset = cursor.offset
        let header = try cursor.readVarint("work header")
        let count = header >> 2
        guard count <= UInt64(JournalFormat.maximumWorkSteps) else {
            throw cursor.failure(.outOfRange(field: "work step count", value: count), at: headerOffset)
        }
        let runLength = header & 2 != 0
        let multiplier: Int64 = header & 1 != 0 ? 1_000 : 1
        if count == 0 {
            guard header == 0 else { throw cursor.failure(.inconsistent("flags on an empty work list"), at: headerOffset) }
            return []
        }
        var work: [Microseconds] = []
        work.reserveCapacity(Int(count))
        while work.count < Int(count) {
            var repeats = 1
            if runLength {
                let repeatOffset = cursor.offset
                let raw = try cursor.readVarint("work repeat count")
                guard raw >= 1, raw <= count - UInt64(work.count) else {
                    throw cursor.failure(.outOfRange(field: "work repeat count", value: raw), at: repeatOffset)
                }
                repeats = Int(raw)
            }
            let valueOffset = cursor.offset
            let raw = try cursor.readVarint("work step")
            let (scaled, overflow) = Int64(clamping: raw).multipliedReportingOverflow(by: multiplier)
            guard raw <= UInt64(Int64.max), !overflow else {
                throw cursor.failure(.outOfRange(field: "work step", value: raw), at: valueOffset)
            }
            for _ in 0..<repeats { work.append(Microseconds(scaled)) }
        }
        return work
    }
}
