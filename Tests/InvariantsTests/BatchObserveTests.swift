// The batch entry point (``InvariantChecker/observe(contentsOf:firstSequence:)``) reads each
// event where it lies and checks table uniqueness once per batch: it must find exactly what
// observing the events one by one finds, whatever the batch sizes, and a copy of the checker
// taken between batches must keep its own tables.

import Invariants
import RunLifecycle
import Testing

@Suite struct BatchObserveTests {
    /// Each scenario's journal, with one event dropped (so most streams break a rule) and,
    /// for every third scenario, a gap in the sequence numbers.
    static func brokenStreams() -> [(name: String, events: [Event], sequences: [UInt64])] {
        scenarios.enumerated().map { index, scenario in
            var harness = Harness(.langgraphInmem, slots: scenario.slots)
            harness.apply(scenario.commands)
            harness.drain()
            var events = harness.journal
            if events.count > 2 { events.remove(at: events.count / 2) }
            var sequences = (0..<UInt64(events.count)).map { $0 }
            if index % 3 == 0, sequences.count > 3 {
                for position in (sequences.count / 3)..<sequences.count { sequences[position] += 5 }
            }
            return (scenario.name, events, sequences)
        }
    }

    static func checker() -> InvariantChecker {
        InvariantChecker(configuration: CheckerConfiguration(profile: .langgraphInmem, slotCount: 2, maximumRetries: 3))
    }

    /// Feeds `events` in batches of the given sizes (cycled), each batch contiguous in sequence.
    static func observeInBatches(
        _ checker: inout InvariantChecker, _ events: [Event], sequences: [UInt64], sizes: [Int]
    ) {
        var start = 0
        var turn = 0
        while start < events.count {
            var end = min(events.count, start + sizes[turn % sizes.count])
            turn += 1
            // A batch never spans a gap: its sequences are `firstSequence` onwards.
            if end > start + 1, let gap = (start + 1..<end).first(where: { sequences[$0] != sequences[$0 - 1] + 1 }) { end = gap }
            events[start..<end].withUnsafeBufferPointer {
                checker.observe(contentsOf: $0, firstSequence: sequences[start])
            }
            start = end
        }
    }

    @Test(arguments: [[1], [3], [0, 7, 2], [1_000]])
    func batchesFindWhatSingleEventsFind(sizes: [Int]) {
        var broken = 0
        for stream in Self.brokenStreams() {
            var single = Self.checker()
            for (event, sequence) in zip(stream.events, stream.sequences) { single.observe(event, sequence: sequence) }
            var batched = Self.checker()
            Self.observeInBatches(&batched, stream.events, sequences: stream.sequences, sizes: sizes)
            #expect(batched.observedEventCount == single.observedEventCount, "\(stream.name)")
            #expect(batched.coverage == single.coverage, "\(stream.name)")
            let expected = single.finish(drained: true)
            #expect(batched.finish(drained: true) == expected, "\(stream.name)")
            if !expected.isEmpty { broken += 1 }
        }
        // The comparison means something only if the streams break rules.
        #expect(broken > 10)
    }

    // Without the uniqueness check at the batch entry point, the copy's batch would write into
    // the original's records: the original would then see its own start as a second one.
    @Test func copyTakenBetweenBatchesKeepsItsOwnTables() {
        let at = Timestamp(microsecondsSinceEpoch: 10)
        let setup: [Event] = [
            .threadCreated(thread: T(1), temporary: false, status: .busy, at: at),
            .created(RunCreated(
                runID: R(1), threadID: T(1), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at,
                after: .zero, work: [.milliseconds(1)], subscribed: false)),
        ]
        var original = Self.checker()
        setup.withUnsafeBufferPointer { original.observe(contentsOf: $0, firstSequence: 0) }
        let start: [Event] = [.started(run: R(1), thread: T(1), attempt: 1, at: at)]
        var copy = original
        start.withUnsafeBufferPointer { copy.observe(contentsOf: $0, firstSequence: 2) }
        start.withUnsafeBufferPointer { original.observe(contentsOf: $0, firstSequence: 2) }
        #expect(copy.finish(drained: false).isEmpty)
        #expect(original.finish(drained: false).isEmpty, "the original saw its copy's start")
    }
}
