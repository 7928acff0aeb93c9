// The journal writer encodes events in place in the log's open batch. These tests pin that it
// writes exactly the log that encoding each record and appending it would (the bytes of a
// journal are compared across processes), that refused events leave no trace, and that the
// codec's bytes are those of format version 1 as first written.

import EventLog
import Journal
import RunLifecycle
import Testing
import TestSupport

@Suite struct JournalWriterTests {
    /// What a journal is made of, in order.
    enum Entry {
        case event(Event)
        case definition(InternedID, String)
        case flush
    }

    /// A simulated workload with definitions, flushes, and large events (a run with 300 steps,
    /// a rejection naming 100 runs) mixed in.
    static func entries(seed: UInt64) -> [Entry] {
        let (events, _) = simulate(Workload(runs: 400, seed: seed))
        var entries: [Entry] = []
        for (index, event) in events.enumerated() {
            if index % 97 == 0, let run = event.runID { entries.append(.definition(.run(run), "run-\(run.rawValue)")) }
            if index % 501 == 0 { entries.append(.flush) }
            entries.append(.event(event))
            if index % 613 == 0 {
                let at = event.at
                entries.append(.event(.created(RunCreated(
                    runID: RunID(90_000 + UInt32(index)), threadID: ThreadID(1), assistantID: AssistantID(1), strategy: .enqueue,
                    requestedAt: at, after: .zero, work: (0..<300).map { Microseconds(Int64($0 * 7)) }, subscribed: false))))
                entries.append(.event(.rejected(
                    thread: ThreadID(1), strategy: .reject,
                    reason: .threadBusy(inFlight: (1...100).map { RunID(UInt32($0 * 3)) }), at: at)))
            }
        }
        return entries
    }

    static let header = JournalHeader(profile: .documented, slotCount: 4, metadata: [.init(key: "seed", value: "5")])

    /// The reference: each record encoded into an array and appended to a plain log writer.
    static func writeByEncoding(_ entries: [Entry], to directory: String, options: WriterOptions) throws {
        let log = try LogWriter(directory: directory, options: options)
        var bytes: [UInt8] = []
        try JournalCodec.encode(header, into: &bytes)
        try log.append(bytes, timestamp: 0)
        var latest: Int64 = 0
        var defined = Set<InternedID>()
        for entry in entries {
            bytes.removeAll()
            switch entry {
            case let .event(event):
                try JournalCodec.encode(event, into: &bytes)
                latest = event.at.microsecondsSinceEpoch
                try log.append(bytes, timestamp: latest)
            case let .definition(id, name):
                guard defined.insert(id).inserted else { continue }
                try JournalCodec.encode(JournalDefinition(id, externalName: name), into: &bytes)
                try log.append(bytes, timestamp: latest)
            case .flush:
                try log.flush()
            }
        }
        try log.close()
    }

    static func writeWithJournalWriter(_ entries: [Entry], to directory: String, options: WriterOptions) throws -> JournalWriter {
        let writer = try JournalWriter(directory: directory, header: header, options: options)
        for entry in entries {
            switch entry {
            case let .event(event): try writer.append(event)
            case let .definition(id, name): try writer.define(id, as: name)
            case .flush: try writer.flush()
            }
        }
        try writer.close()
        return writer
    }

    static func segmentBytes(_ directory: String) -> [[UInt8]] {
        TestFiles.list(directory).filter { $0.hasSuffix(LogFormat.segmentSuffix) }.map { TestFiles.read(directory + "/" + $0) }
    }

    /// The simulator's options, and batches and segments so small that they seal and rotate
    /// every few records.
    static var simulatorAndTinyBatches: [WriterOptions] {
        var tiny = WriterOptions()
        tiny.batchBytes = 200
        tiny.batchRecords = 7
        tiny.segmentBytes = 2_000
        var simulator = WriterOptions()
        simulator.durability = .none
        return [simulator, tiny]
    }

    // Events encoded in place (the large ones too), definitions and
    // flushes give byte-for-byte the log of encoded appends, under the simulator's options and
    // under tiny batches and segments that seal and rotate every few records.
    @Test(arguments: [UInt64(3), 4])
    func writerMatchesEncodedAppends(seed: UInt64) throws {
        let entries = Self.entries(seed: seed)
        try Self.expectSameBytesAsEncoding(entries, seed: seed) { directory, options in
            let writer = try Self.writeWithJournalWriter(entries, to: directory, options: options)
            let events = entries.filter { if case .event = $0 { true } else { false } }.count
            #expect(writer.eventCount == UInt64(events))
        }
    }

    /// Under the simulator's options and under tiny batches, `write` (given a directory and the
    /// options) must leave the same segment bytes as encoding each entry and appending it.
    static func expectSameBytesAsEncoding(
        _ entries: [Entry], seed: UInt64, write: (String, WriterOptions) throws -> Void
    ) throws {
        for options in simulatorAndTinyBatches {
            let reference = TemporaryDirectory("reference")
            let written = TemporaryDirectory("written")
            try writeByEncoding(entries, to: reference.path, options: options)
            try write(written.path, options)
            let expected = segmentBytes(reference.path)
            #expect(!expected.isEmpty)
            #expect(segmentBytes(written.path) == expected, "seed \(seed), batch \(options.batchBytes)")
        }
    }

    // The largest events the format allows (a run of the most steps, none a whole millisecond,
    // every value near its widest; a rejection naming the most runs, far apart) are written in
    // place like any other: the writer's room is the codec's bound, and the log equals the one
    // of encoded appends under both batch sizes.
    @Test func largestEventsFitTheRoom() throws {
        let at = Timestamp(microsecondsSinceEpoch: 1 << 62)
        let after = Microseconds(-(1 << 62) - 1)  // zigzags to 10 bytes
        let steps = JournalFormat.maximumWorkSteps
        let created = Event.created(RunCreated(
            runID: RunID(.max), threadID: ThreadID(.max), assistantID: AssistantID(.max), strategy: .interrupt,
            requestedAt: at, after: after, work: (0..<steps).map { Microseconds(Int64.max - Int64($0)) },
            subscribed: true))
        let rejected = Event.rejected(
            thread: ThreadID(.max), strategy: .reject,
            reason: .threadBusy(inFlight: (0..<JournalFormat.maximumRejectedRuns).map { RunID(UInt32($0) * 60_000) }),
            at: at)
        var bytes: [UInt8] = []
        try JournalCodec.encode(created, into: &bytes)
        #expect(bytes.count > 9 * steps && bytes.count <= 48 + 10 * steps)
        let entries: [Entry] = [.event(rejected), .event(created), .event(rejected), .flush, .event(created)]
        var tiny = WriterOptions()
        tiny.batchBytes = 200
        for options in [WriterOptions(), tiny] {
            let reference = TemporaryDirectory("reference")
            let journal = TemporaryDirectory("journal")
            try Self.writeByEncoding(entries, to: reference.path, options: options)
            try Self.writeWithJournalWriter(entries, to: journal.path, options: options).close()
            #expect(Self.segmentBytes(journal.path) == Self.segmentBytes(reference.path))
        }
    }

    // An invalid event and one earlier than the log's latest record are refused with their own
    // errors and leave nothing behind: the journal equals the one written without them, and
    // appending goes on where it was.
    @Test func refusedEventsLeaveNoTrace() throws {
        let (events, _) = simulate(Workload(runs: 60, seed: 9))
        let invalid = Event.threadCreated(thread: ThreadID(0), temporary: false, status: .idle, at: events[10].at)
        let clean = TemporaryDirectory("clean")
        let refused = TemporaryDirectory("refused")
        try Self.writeWithJournalWriter(events.map { .event($0) }, to: clean.path, options: WriterOptions()).close()
        let writer = try JournalWriter(directory: refused.path, header: Self.header)
        for (index, event) in events.enumerated() {
            try writer.append(event)
            if index == 10 {
                #expect(throws: JournalError.self) { try writer.append(invalid) }
            }
            if index == 20 {
                let earlier = Event.threadDeleted(thread: ThreadID(1), at: Timestamp(microsecondsSinceEpoch: event.at.microsecondsSinceEpoch - 1))
                #expect(throws: EventLogError.self) { try writer.append(earlier) }
            }
        }
        try writer.close()
        #expect(writer.eventCount == UInt64(events.count))
        #expect(throws: EventLogError.closed) { try writer.append(events[events.count - 1]) }
        #expect(Self.segmentBytes(refused.path) == Self.segmentBytes(clean.path))
    }

    // The codec's bytes for every hand-written example (each case, each enum value, edge
    // values, run-length and millisecond work lists) hash to the value the first version of the
    // encoder produced: records are compared across builds, so they must never drift.
    @Test func encodingsArePinned() throws {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var total = 0
        for event in eventExamples {
            let bytes = try encoded(event)
            // Each record prefixed with its length, so that moving a byte between records shows.
            for byte in [UInt8(truncatingIfNeeded: bytes.count)] + bytes {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
            }
            total += bytes.count
        }
        #expect(eventExamples.count == 259 && total == 1_752)
        #expect(String(hash, radix: 16) == "6ea94319ca991b4f")
    }
}
