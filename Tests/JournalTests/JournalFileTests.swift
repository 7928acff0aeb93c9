// Journals through a real log directory: what the writer appends the reader yields, names
// resolve, the header rebuilds the initial state, and folding the read events reproduces the
// live state's digest. Also the size budget: at most 8 bytes per event before LZ4.

import EventLog
import Journal
import RunLifecycle
import TestSupport
import Testing

@Suite struct JournalFileTests {
    // Writing a simulated workload and reading it back gives the same events in order, with
    // contiguous sequence numbers after the header; the header rebuilds the initial state, and
    // folding the read events from it gives the live state's digest.
    @Test(arguments: [(BehaviourProfile.documented, UInt64(11)), (.langgraphInmem, 12)])
    func simulatedJournalReplaysToTheLiveState(profile: BehaviourProfile, seed: UInt64) throws {
        let workload = Workload(profile: profile, slots: 3, runs: 300, seed: seed)
        let (events, live) = simulate(workload)
        let directory = TemporaryDirectory("journal")
        var options = WriterOptions()
        options.batchRecords = 512 // several blocks
        let header = JournalHeader(profile: profile, slotCount: 3, metadata: [.init(key: "seed", value: "\(seed)")])
        let writer = try JournalWriter(directory: directory.path, header: header, options: options)
        for event in events { try writer.append(event) }
        try writer.close()

        let reader = try JournalReader(directory: directory.path)
        #expect(reader.header == header)
        #expect(reader.header[metadata: "seed"] == "\(seed)")
        #expect(try reader.next() == .header(header))
        var read: [Event] = []
        while let entry = try reader.next() {
            guard case let .event(sequence, event) = entry else {
                Issue.record("unexpected \(entry)")
                continue
            }
            #expect(sequence == UInt64(read.count + 1))
            read.append(event)
        }
        #expect(reader.tail == .clean)
        #expect(read.count == events.count)
        if let index = read.indices.first(where: { $0 < events.count && read[$0] != events[$0] }) {
            Issue.record("event \(index) reads back as \(read[index]), not \(events[index])")
        }
        let replayed = Decider.fold(read, from: reader.header.initialState())
        #expect(replayed.stateDigest == live.stateDigest, "seed \(seed)")
        // The check can fail: dropping any one state-changing event changes the digest.
        if let index = read.lastIndex(where: { !$0.isRefusal }) {
            var shortened = read
            shortened.remove(at: index)
            #expect(Decider.fold(shortened, from: reader.header.initialState()).stateDigest != live.stateDigest)
        }
    }

    // Definitions written before first use come back in place and resolve through the
    // reader's names; defining an id again is a no-op with the same name and an error with
    // another; a log that is not a journal is refused.
    @Test func definitionsResolve() throws {
        let directory = TemporaryDirectory("journal")
        let writer = try JournalWriter(
            directory: directory.path, header: JournalHeader(profile: .documented, slotCount: 1), origin: at(1_000))
        let thread = ThreadID(1)
        let run = RunID(1)
        try writer.define(.thread(thread), as: "6f1c2d5e-0000-4000-8000-00000000000a")
        try writer.append(.threadCreated(thread: thread, temporary: false, status: .busy, at: at(2_000)))
        try writer.define(.run(run), as: "1ef0c3a2-7b7e-6d4a-9a9e-0c9f2f1b7d11")
        try writer.define(.assistant(AssistantID(1)), as: "agent")
        #expect(try writer.define(.run(run), as: "1ef0c3a2-7b7e-6d4a-9a9e-0c9f2f1b7d11") == false)
        #expect(throws: JournalError.self) { try writer.define(.run(run), as: "another") }
        let created = Event.created(RunCreated(
            runID: run, threadID: thread, assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at(2_000),
            after: .zero, work: [.seconds(1)], subscribed: false))
        try writer.append(created)
        #expect(throws: EventLogError.self) {
            try writer.append(.succeeded(run: run, thread: thread, at: at(1_999)))
        }
        try writer.close()

        let reader = try JournalReader(directory: directory.path)
        var entries: [JournalEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        #expect(entries.map(\.sequence) == [0, 1, 2, 3, 4, 5])
        #expect(entries[1] == .definition(sequence: 1, JournalDefinition(.thread(thread), externalName: "6f1c2d5e-0000-4000-8000-00000000000a")))
        #expect(entries[5] == .event(sequence: 5, created))
        #expect(reader.names.name(of: run) == "1ef0c3a2-7b7e-6d4a-9a9e-0c9f2f1b7d11")
        #expect(reader.names.name(of: .assistant(AssistantID(1))) == "agent")
        #expect(reader.names.name(of: ThreadID(2)) == nil)

        // Record timestamps: the header at the origin, definitions at the latest record's time.
        let log = try LogReader(directory: directory.path)
        var timestamps: [Int64] = []
        while let record = try log.next() { timestamps.append(record.timestamp) }
        #expect(timestamps == [1_000, 1_000, 2_000, 2_000, 2_000, 2_000])

        // Reopening for a new journal on a non-empty log is refused.
        #expect(throws: JournalError.logNotEmpty(path: directory.path, records: 6)) {
            _ = try JournalWriter(directory: directory.path, header: JournalHeader(profile: .documented, slotCount: 1))
        }
    }

    // A plain log of opaque records, or an empty one, is not a journal.
    @Test func opaqueLogsAreNotJournals() throws {
        let directory = TemporaryDirectory("journal")
        let log = try LogWriter(directory: directory.path)
        try log.close()
        #expect(throws: JournalError.self) { _ = try JournalReader(directory: directory.path) }
        let other = TemporaryDirectory("journal")
        let opaque = try LogWriter(directory: other.path)
        try opaque.append([0xF0, 1, 2, 3], timestamp: 0)
        try opaque.close()
        #expect(throws: JournalError.self) { _ = try JournalReader(directory: other.path) }
    }

    // The size budget: a realistic simulated workload (four threads, two thousand runs, double
    // texting, joins and cancels) averages at most 8 bytes per event before compression.
    @Test func simulatedEventsAverageAtMostEightBytes() throws {
        let (events, _) = simulate(Workload(runs: 2_000, seed: 7))
        var buffer: [UInt8] = []
        var total = 0
        var largest = 0
        for event in events {
            buffer.removeAll(keepingCapacity: true)
            try JournalCodec.encode(event, into: &buffer)
            total += buffer.count
            largest = max(largest, buffer.count)
        }
        let mean = Double(total) / Double(events.count)
        print("journal size: \(events.count) events, \(total) bytes, \(mean) bytes/event, largest \(largest)")
        #expect(events.count > 10_000)
        #expect(mean <= 8, "mean \(mean) bytes/event over \(events.count) events")
    }
}
