// A `threadValuesCached` event reads the fate written last before asking the run table and the
// fate pages (its run usually settled two events before): whichever way it finds the run's fate,
// the verdict must be the same.

import Invariants
import RunLifecycle
import Testing

@Suite struct CachedValuesTests {
    static func checker() -> InvariantChecker {
        InvariantChecker(configuration: CheckerConfiguration(profile: .langgraphInmem, slotCount: 2, maximumRetries: 3))
    }

    static func at(_ time: Int64) -> Timestamp { Timestamp(microsecondsSinceEpoch: time) }

    /// Thread `id` and a pending run of the same id on it, at `time`.
    static func pendingRun(_ id: UInt32, at time: Int64) -> [Event] {
        [
            .threadCreated(thread: T(id), temporary: false, status: .busy, at: at(time)),
            .created(RunCreated(
                runID: R(id), threadID: T(id), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at(time),
                after: .zero, work: [.milliseconds(1)], subscribed: false)),
        ]
    }

    /// Observes `events` in one batch and returns the violations of `rule` naming the event at
    /// position `index`.
    static func violations(_ events: [Event], rule: Rule, naming index: Int) -> [Violation] {
        var checker = checker()
        events.withUnsafeBufferPointer { checker.observe(contentsOf: $0, firstSequence: 0) }
        return checker.finish(drained: false).filter { $0.rule == rule && $0.events.contains { $0.sequence == UInt64(index) } }
    }

    @Test func valuesOfTheRunJustSucceededAreAccepted() {
        var stream = FreshThreadStream()
        stream.run(1)
        var checker = Self.checker()
        stream.events.withUnsafeBufferPointer { checker.observe(contentsOf: $0, firstSequence: 0) }
        #expect(checker.finish(drained: true).isEmpty)
    }

    /// The deleted run's fate is the one written last (the cached read) or an older one (the
    /// page read): both report the cached values as an event after the deletion.
    @Test(arguments: [false, true])
    func valuesOfADeletedRunAreReported(anotherRunSettlesAfter: Bool) {
        var events = Self.pendingRun(1, at: 10) + [.deleted(run: R(1), thread: T(1), at: Self.at(20))]
        if anotherRunSettlesAfter { events += Self.pendingRun(2, at: 30) + [.deleted(run: R(2), thread: T(2), at: Self.at(30))] }
        events.append(.threadValuesCached(thread: T(1), fromRun: R(1), at: Self.at(40)))
        let found = Self.violations(events, rule: .noEventAfterDeletion, naming: events.count - 1)
        #expect(found.count == 1)
    }

    /// A run never created, named just after another run's fate was written.
    @Test func valuesOfAnUnknownRunAreReported() {
        var events = Self.pendingRun(1, at: 10) + [.deleted(run: R(1), thread: T(1), at: Self.at(20))]
        events.append(.threadValuesCached(thread: T(1), fromRun: R(9), at: Self.at(30)))
        let found = Self.violations(events, rule: .legalTransition, naming: events.count - 1)
        #expect(found.count == 1)
    }
}
