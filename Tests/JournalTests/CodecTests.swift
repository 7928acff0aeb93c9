// The codec round-trips every example and rejects every malformed record with a typed error
// that names the record and the byte; it never traps on bad input.

import Journal
import RunLifecycle
import Testing
import TestSupport

@Suite struct CodecTests {
    // Every hand-written example decodes back to itself, and the examples cover all 22 cases.
    @Test func everyExampleRoundTrips() throws {
        for event in eventExamples {
            let bytes = try encoded(event)
            #expect(try decoded(bytes, at: event.at) == event, "\(event) as \(bytes)")
        }
        #expect(Set(eventExamples.map(caseName)).count == 22)
    }

    // Small enums live in the tag: a typical started, succeeded or status change takes a few bytes.
    @Test func commonEventsAreShort() throws {
        #expect(try encoded(.started(run: RunID(100), thread: ThreadID(2), attempt: 1, at: at(9))) == [3 << 3 | 1, 100, 2])
        #expect(try encoded(.threadStatusChanged(thread: ThreadID(2), status: .busy, at: at(9))).count == 2)
        let created = RunCreated(
            runID: RunID(100), threadID: ThreadID(2), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at(0),
            after: .zero, work: [.zero, .zero, .milliseconds(500), .milliseconds(500), .milliseconds(500)], subscribed: false)
        // tag, run, thread, assistant, after, work header, (2 x 0), (3 x 500 in two bytes).
        #expect(try encoded(.created(created)).count == 11)
    }

    // Ids are plain LEB128 at and around every size boundary (one to five bytes): the id writer
    // tests sizes in its own order, and must write the bytes the format documents.
    @Test func idsAreLEB128AtEverySize() throws {
        func leb(_ value: UInt32) -> [UInt8] { referenceLEB128(UInt64(value)) }
        var ids: [UInt32] = [1, .max, .max - 1]
        for bits in 1..<32 { ids += [(1 << bits) - 1, 1 << bits, (1 << bits) + 1] }
        for id in ids {
            let other = id == 1 ? UInt32.max : id - 1
            let event = Event.succeeded(run: RunID(id), thread: ThreadID(other), at: at(9))
            #expect(try encoded(event) == [5 << 3] + leb(id) + leb(other), "run \(id), thread \(other)")
        }
    }

    // Cutting any example's record short at any offset fails with a malformed-record error
    // naming the record's sequence number and an offset inside what was left.
    @Test func everyTruncationFailsCleanly() throws {
        var truncations = 0
        for event in eventExamples {
            let bytes = try encoded(event)
            for length in 0..<bytes.count {
                switch decodeResult(bytes[..<length], timestamp: event.at.microsecondsSinceEpoch, sequence: 41) {
                case let .success(record):
                    Issue.record("a \(length)-byte prefix of \(bytes) decoded as \(record)")
                case let .failure(.malformedRecord(sequence, offset, _)):
                    #expect(sequence == 41)
                    #expect(offset <= length)
                case let .failure(error):
                    Issue.record("unexpected \(error)")
                }
                truncations += 1
            }
        }
        #expect(truncations > 1_000)
    }

    // A byte after the last field is reported as trailing, at the offset where it starts.
    @Test func trailingBytesAreRejected() throws {
        for event in eventExamples {
            let bytes = try encoded(event)
            #expect(throws: JournalError.malformedRecord(sequence: 7, offset: bytes.count, problem: .trailingBytes(count: 1))) {
                try decoded(bytes + [0], at: event.at)
            }
        }
    }

    // Unknown tags, reserved flag bits, out-of-range enum raw values and overlong varints each
    // get their own problem, at the byte that holds them.
    @Test func badBytesAreNamed() throws {
        func problem(_ bytes: [UInt8], timestamp: Int64 = 0) -> (Int, DecodingProblem)? {
            guard case let .failure(.malformedRecord(sequence, offset, problem)) = decodeResult(bytes[...], timestamp: timestamp) else {
                return nil
            }
            #expect(sequence == 3)
            return (offset, problem)
        }
        for kind: UInt8 in [22, 29, 31] {
            #expect(problem([kind << 3, 1, 1])! == (0, .unknownTag(kind << 3)))
        }
        #expect(problem([30 << 3 | 4, 1, 1, 65])! == (0, .unknownTag(30 << 3 | 4)))
        #expect(problem([5 << 3 | 1, 1, 1])! == (0, .reservedBitsSet(tag: 5 << 3 | 1)))
        #expect(problem([6 << 3 | 2, 1, 1])! == (0, .outOfRange(field: "failure cause", value: 2)))
        #expect(problem([12 << 3 | 3, 1, 1])! == (0, .outOfRange(field: "final write", value: 3)))
        #expect(problem([15 << 3 | 7, 1])! == (0, .outOfRange(field: "join answer", value: 7)))
        #expect(problem([9 << 3 | 6, 1, 1])! == (0, .outOfRange(field: "cancel cause", value: 3)))
        #expect(problem([20 << 3, 13 << 3])! == (1, .outOfRange(field: "refused command", value: 13)))
        // A run id above UInt32.max, and a varint longer than ten bytes.
        #expect(problem([5 << 3, 0x80, 0x80, 0x80, 0x80, 0x10, 1])! == (1, .outOfRange(field: "run", value: 1 << 32)))
        #expect(problem([5 << 3] + Array(repeating: 0xFF, count: 10) + [1])! == (1, .varintTooLong(field: "run")))
        // A work list longer than the bound is refused before anything is allocated.
        #expect(problem([1 << 3, 1, 1, 1, 0, 0xFF, 0xFF, 0xFF, 0x7F])! == (5, .outOfRange(field: "work step count", value: 0xFFF_FFFF >> 2)))
        // An after delay that would push createdAt past Int64.max.
        #expect(problem([1 << 3, 1, 1, 1, 2, 0]) == nil)
        #expect(problem([1 << 3, 1, 1, 1, 2, 0], timestamp: .max)! == (4, .outOfRange(field: "after", value: 2)))
    }

    // The paired check refuses what it cannot store faithfully before writing a byte.
    @Test func invalidEventsAreRefusedBeforeEncoding() {
        var created = RunCreated(
            runID: RunID(1), threadID: ThreadID(1), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at(0),
            after: .seconds(1), work: [.seconds(1)], subscribed: false)
        created.createdAt = at(5)
        let negative = RunCreated(
            runID: RunID(1), threadID: ThreadID(1), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at(0),
            after: .zero, work: [Microseconds(-1)], subscribed: false)
        let invalid: [Event] = [
            .created(created), .created(negative),
            .threadCreated(thread: ThreadID(0), temporary: false, status: .idle, at: at(0)),
            .rejected(thread: nil, strategy: .reject, reason: .threadBusy(inFlight: [RunID(2), RunID(2)]), at: at(0)),
            .checkpointed(Checkpointed(runID: RunID(1), threadID: ThreadID(1), stepIndex: -1, checkpointStep: nil, hasNext: false, at: at(0))),
        ]
        for event in invalid {
            var buffer: [UInt8] = []
            #expect(throws: JournalError.self, "\(event)") { try JournalCodec.encode(event, into: &buffer) }
            #expect(buffer.isEmpty)
        }
    }

    // The header and definition records round-trip, and a header of another format or version
    // is refused at the byte that says so.
    @Test func headerAndDefinitionsRoundTrip() throws {
        let header = JournalHeader(
            profile: .langgraphInmem, slotCount: 10, maxRetries: 2,
            metadata: [.init(key: "seed", value: "42"), .init(key: "workload", value: "burst ü")])
        var bytes: [UInt8] = []
        try JournalCodec.encode(header, into: &bytes)
        #expect(bytes.first == JournalFormat.headerTag)
        #expect(try JournalCodec.decode(bytes[...], timestamp: 0, sequence: 0) == .header(header))
        #expect(header.initialState() == State.initial(profile: .langgraphInmem, slots: 10, maxRetries: 2))
        for length in 0..<bytes.count {
            #expect(throws: JournalError.self) { try JournalCodec.decode(bytes[..<length], timestamp: 0, sequence: 0) }
        }
        var wrongVersion = bytes
        wrongVersion[1 + 1 + JournalFormat.formatName.utf8.count] = 2
        #expect(throws: JournalError.malformedRecord(sequence: 0, offset: 19, problem: .unsupportedVersion(2))) {
            try JournalCodec.decode(wrongVersion[...], timestamp: 0, sequence: 0)
        }
        var wrongMagic = bytes
        wrongMagic[2] = UInt8(ascii: "R")
        #expect(throws: JournalError.malformedRecord(sequence: 0, offset: 1, problem: .badMagic)) {
            try JournalCodec.decode(wrongMagic[...], timestamp: 0, sequence: 0)
        }
        for definition in [
            JournalDefinition(.run(maxRun), externalName: "1ef0c3a2-7b7e-6d4a-9a9e-0c9f2f1b7d11"),
            JournalDefinition(.thread(ThreadID(0)), externalName: "t"), JournalDefinition(.assistant(AssistantID(1)), externalName: "agent"),
        ] {
            var record: [UInt8] = []
            try JournalCodec.encode(definition, into: &record)
            #expect(try JournalCodec.decode(record[...], timestamp: 0, sequence: 1) == .definition(definition))
            var badUTF8 = record
            badUTF8[badUTF8.count - 1] = 0xFF
            #expect(throws: JournalError.self) { try JournalCodec.decode(badUTF8[...], timestamp: 0, sequence: 1) }
        }
        var empty: [UInt8] = []
        #expect(throws: JournalError.invalidDefinition("the external name of run 1 is empty")) {
            try JournalCodec.encode(JournalDefinition(.run(RunID(1)), externalName: ""), into: &empty)
        }
    }
}
