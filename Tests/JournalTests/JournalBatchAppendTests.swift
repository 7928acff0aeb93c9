// Appending a run of events at once (what the simulator's journal sink does with each batch it
// is handed) writes exactly the log that appending them one by one writes, across seals in the
// middle of a run; a run stops at its first refused event, keeping those before it and nothing
// after, so that appending can go on where it stopped.

import EventLog
import Journal
import RunLifecycle
import Testing
import TestSupport

@Suite struct JournalBatchAppendTests {
    typealias Entry = JournalWriterTests.Entry

    /// Appends `entries`, the events in runs of the lengths `runLengths` cycles through (cut
    /// short by each definition and flush), each run in one `append(contentsOf:)`.
    static func writeInRuns(_ entries: [Entry], runLengths: [Int], to directory: String, options: WriterOptions) throws {
        let writer = try JournalWriter(directory: directory, header: JournalWriterTests.header, options: options)
        var pending: [Event] = []
        var runs = 0
        var target = runLengths[0]
        func appendPending() throws {
            try pending.withUnsafeBufferPointer { try writer.append(contentsOf: $0) }
            pending.removeAll()
            runs += 1
            target = runLengths[runs % runLengths.count]
        }
        for entry in entries {
            switch entry {
            case let .event(event):
                pending.append(event)
                if pending.count >= target { try appendPending() }
            case let .definition(id, name):
                try appendPending()
                try writer.define(id, as: name)
            case .flush:
                try appendPending()
                try writer.flush()
            }
        }
        try appendPending()
        try writer.close()
        #expect(writer.eventCount == UInt64(entries.filter { if case .event = $0 { true } else { false } }.count))
    }

    // Runs of every length from empty to hundreds, definitions and flushes between them, under
    // the simulator's options and under tiny batches that seal several times inside one run:
    // byte-for-byte the log of encoded appends.
    @Test(arguments: [UInt64(3), 4])
    func runsWriteTheSameBytesAsSingleAppends(seed: UInt64) throws {
        let entries = JournalWriterTests.entries(seed: seed)
        try JournalWriterTests.expectSameBytesAsEncoding(entries, seed: seed) { directory, options in
            try Self.writeInRuns(entries, runLengths: [0, 1, 2, 3, 256, 5, 40, 1_000], to: directory, options: options)
        }
    }

    // A run holding an invalid event, or one earlier than the event before it, appends the
    // events before it and throws that event's error; the rest, appended again, give the
    // journal written without the refused events.
    @Test func aRunStopsAtItsFirstRefusedEvent() throws {
        let (events, _) = simulate(Workload(runs: 60, seed: 9))
        let invalid = Event.threadCreated(thread: ThreadID(0), temporary: false, status: .idle, at: events[10].at)
        let earlier = Event.threadDeleted(
            thread: ThreadID(1), at: Timestamp(microsecondsSinceEpoch: events[20].at.microsecondsSinceEpoch - 1))
        let clean = TemporaryDirectory("clean")
        let refused = TemporaryDirectory("refused")
        var tiny = WriterOptions()
        tiny.batchBytes = 64
        try JournalWriterTests.writeWithJournalWriter(events.map { .event($0) }, to: clean.path, options: tiny).close()
        let writer = try JournalWriter(directory: refused.path, header: JournalWriterTests.header, options: tiny)
        let first = Array(events[...10]) + [invalid] + Array(events[11...20])
        #expect(throws: JournalError.self) { try first.withUnsafeBufferPointer { try writer.append(contentsOf: $0) } }
        #expect(writer.eventCount == 11)
        let second = Array(events[11...20]) + [earlier] + Array(events[21...])
        #expect(throws: EventLogError.self) { try second.withUnsafeBufferPointer { try writer.append(contentsOf: $0) } }
        #expect(writer.eventCount == 21)
        let rest = Array(events[21...])
        try rest.withUnsafeBufferPointer { try writer.append(contentsOf: $0) }
        try writer.close()
        #expect(writer.eventCount == UInt64(events.count))
        #expect(throws: EventLogError.closed) { try rest.withUnsafeBufferPointer { try writer.append(contentsOf: $0) } }
        #expect(JournalWriterTests.segmentBytes(refused.path) == JournalWriterTests.segmentBytes(clean.path))
    }
}
