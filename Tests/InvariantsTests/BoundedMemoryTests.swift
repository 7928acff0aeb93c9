// The checker's memory follows the work in flight: a long fresh-thread stream leaves a bounded
// number of threads held and almost no per-run state, while what it dropped still answers
// exactly (old fates) or well enough to keep every status rule (evicted threads).

import Invariants
import PropertyBased
import RunLifecycle
import Testing

/// A server that runs one fresh thread per run to success, one run at a time, as the simulator
/// does in `fresh` mode: thread created, run created, started, input and step checkpoints,
/// succeeded, status idle, values cached.
struct FreshThreadStream {
    var events: [Event] = []
    var time: Int64 = 0

    mutating func run(_ id: UInt32) {
        time += 10
        let at = Timestamp(microsecondsSinceEpoch: time)
        let end = Timestamp(microsecondsSinceEpoch: time + 5)
        events += [
            .threadCreated(thread: T(id), temporary: false, status: .busy, at: at),
            .created(RunCreated(
                runID: R(id), threadID: T(id), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at,
                after: .zero, work: [.milliseconds(1)], subscribed: false)),
            .started(run: R(id), thread: T(id), attempt: 1, at: at),
            .checkpointed(Checkpointed(runID: R(id), threadID: T(id), stepIndex: nil, checkpointStep: -1, hasNext: true, at: at)),
            .checkpointed(Checkpointed(runID: R(id), threadID: T(id), stepIndex: 0, checkpointStep: 0, hasNext: false, at: end)),
            .succeeded(run: R(id), thread: T(id), at: end),
            .threadStatusChanged(thread: T(id), status: .idle, at: end),
            .threadValuesCached(thread: T(id), fromRun: R(id), at: end),
        ]
        time += 5
    }

    /// The checker after `runs` runs, with `budget` quiet threads held.
    static func checked(runs: UInt32, budget: Int) -> (checker: InvariantChecker, stream: FreshThreadStream) {
        var stream = FreshThreadStream()
        for id in 1...runs { stream.run(id) }
        var checker = InvariantChecker(configuration: CheckerConfiguration(
            profile: .documented, slotCount: 1, maximumQuietThreads: budget))
        for (sequence, event) in stream.events.enumerated() { checker.observe(event, sequence: UInt64(sequence)) }
        return (checker, stream)
    }

    /// Feeds more events after the stream and finishes.
    static func finish(_ checker: inout InvariantChecker, after stream: FreshThreadStream, _ events: [Event]) -> [Violation] {
        for (offset, event) in events.enumerated() {
            checker.observe(event, sequence: UInt64(stream.events.count + offset))
        }
        return checker.finish(drained: true)
    }
}

/// Like ``check(_:profile:slots:)``, with a checker that evicts every quiet thread at once.
func checkEvictingEveryQuietThread(_ steps: [Step], profile: BehaviourProfile, slots: Int) -> [Violation] {
    var harness = Harness(profile, slots: slots)
    harness.checker = InvariantChecker(configuration: CheckerConfiguration(
        profile: profile, slotCount: slots, maximumQuietThreads: 0))
    var now: Int64 = 0
    for step in steps {
        now += Int64(step.advanceMillis)
        harness.apply(command(for: step, in: harness.state, now: now))
    }
    harness.drain()
    return harness.finish()
}

@Suite struct BoundedMemoryTests {
    // Proves memory does not grow with the stream: 20,000 fresh-thread runs leave no tracked
    // run, at most the budget of threads held, and the fates and evicted threads collapsed but
    // for two pages of 4,096 ids (the first holds id 0, never used; the last is partial).
    @Test func freshThreadStreamKeepsLittle() {
        var (checker, _) = FreshThreadStream.checked(runs: 20_000, budget: 64)
        #expect(checker.finish(drained: true).isEmpty)
        let footprint = checker.footprint
        #expect(footprint.trackedRuns == 0)
        #expect(footprint.heldThreads <= 64)
        #expect(footprint.evictions >= 20_000 - 64)
        #expect(footprint.storedFates <= 2 * 4_096, "\(footprint)")
        #expect(footprint.storedEvictedThreads <= 2 * 4_096, "\(footprint)")
    }

    // Proves a collapsed page of fates (ids 4,096-8,191) still answers exactly: a join on an
    // old run must get its own status, and an old run deleted is not named again.
    @Test func oldFatesStayExact() {
        var (checker, stream) = FreshThreadStream.checked(runs: 9_000, budget: 64)
        let at = Timestamp(microsecondsSinceEpoch: stream.time + 10)
        let violations = FreshThreadStream.finish(&checker, after: stream, [
            .subscribed(run: R(5_000), thread: T(5_000), waits: true, at: at),
            .joinAnswered(run: R(5_000), answer: .finished(.error), at: at),
            .deleted(run: R(5_001), thread: T(5_001), at: at),
            .started(run: R(5_001), thread: T(5_001), attempt: 2, at: at),
        ])
        #expect(violations.map(\.rule) == [.joinAnsweredAfterSettled, .noEventAfterDeletion], "\(violations.text)")
        #expect(violations.first?.explanation.contains("the answer success") == true, "\(violations.text)")
    }

    // Proves an evicted thread is still known and still judged: it cannot be created twice or
    // answered 404, and reused without being marked busy it breaks the status rule.
    @Test func evictedThreadsAreStillChecked() {
        var (checker, stream) = FreshThreadStream.checked(runs: 100, budget: 0)
        #expect(checker.footprint.heldThreads <= 1, "only the thread of the last decision is held")
        let at = Timestamp(microsecondsSinceEpoch: stream.time + 10)
        let later = Timestamp(microsecondsSinceEpoch: stream.time + 20)
        let violations = FreshThreadStream.finish(&checker, after: stream, [
            .threadCreated(thread: T(3), temporary: false, status: .idle, at: at),
            .rejected(thread: T(4), strategy: .enqueue, reason: .threadNotFound, at: at),
            .created(RunCreated(
                runID: R(101), threadID: T(5), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at,
                after: .zero, work: [.milliseconds(1)], subscribed: false)),
            .rolledBack(run: R(101), thread: T(5), stage: .eager, at: later),
        ])
        #expect(violations.map(\.rule) == [.legalTransition, .legalTransition, .threadStatusFollowsRuns], "\(violations.text)")
        #expect(violations.last?.explanation.contains("busy while [R101] in flight") == true, "\(violations.text)")
    }

    // Proves a thread the in-memory server's quirk leaves busy with nothing in flight (an
    // eager deletion) is evicted like a quiet one once its divergence is reported, is reported
    // once only, and named again later adds nothing: a replay of a long recording holds
    // thousands of such threads otherwise.
    @Test func busyThreadsLeftByAQuirkAreEvictedAndReportedOnce() {
        let runs: UInt32 = 2_000
        var events: [Event] = []
        var time: Int64 = 0
        for id in 1...runs {
            time += 10
            let at = Timestamp(microsecondsSinceEpoch: time)
            events += [
                .threadCreated(thread: T(id), temporary: false, status: .busy, at: at),
                .created(RunCreated(
                    runID: R(id), threadID: T(id), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at,
                    after: .zero, work: [.milliseconds(1)], subscribed: false)),
                .deleted(run: R(id), thread: T(id), at: Timestamp(microsecondsSinceEpoch: time + 5)),
            ]
        }
        let at = Timestamp(microsecondsSinceEpoch: time + 10)
        let end = Timestamp(microsecondsSinceEpoch: time + 20)
        let reused = R(runs + 1)
        events += [
            .created(RunCreated(
                runID: reused, threadID: T(5), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at,
                after: .zero, work: [.milliseconds(1)], subscribed: false)),
            .started(run: reused, thread: T(5), attempt: 1, at: at),
            .checkpointed(Checkpointed(runID: reused, threadID: T(5), stepIndex: nil, checkpointStep: -1, hasNext: true, at: at)),
            .checkpointed(Checkpointed(runID: reused, threadID: T(5), stepIndex: 0, checkpointStep: 0, hasNext: false, at: end)),
            .succeeded(run: reused, thread: T(5), at: end),
            .threadStatusChanged(thread: T(5), status: .idle, at: end),
        ]
        var checker = InvariantChecker(configuration: CheckerConfiguration(
            profile: .langgraphInmem, slotCount: 1, maximumQuietThreads: 64))
        for (sequence, event) in events.enumerated() { checker.observe(event, sequence: UInt64(sequence)) }
        #expect(checker.footprint.heldThreads <= 66, "\(checker.footprint)")
        #expect(checker.footprint.evictions >= Int(runs) - 66, "\(checker.footprint)")
        let violations = checker.finish(drained: true)
        #expect(violations.failures.isEmpty, "\(violations.text)")
        // One status divergence per thread, none again after a restore, and at drain every busy
        // thread named as if it were held, in id order; the reused thread T5 is idle again.
        let drained = violations.filter { $0.rule == .drainedThreadsNotBusy }
        #expect(violations.count - drained.count == Int(runs))
        #expect(drained.map(\.threadIDs) == (1...runs).filter { $0 != 5 }.map { [T($0)] })
    }

    // Proves eviction invents nothing and keeps the quirk classification: with every quiet
    // thread evicted at once, random streams of the documented server stay clean and those of
    // the in-memory server still show divergences only.
    @Test(.shrinking) func evictingEveryQuietThreadStaysSound() async {
        await propertyCheck(count: 200, input: stepsGenerator, Gen.int(in: 1...3), Gen.bool) { steps, slots, inmem in
            let violations = checkEvictingEveryQuietThread(steps, profile: inmem ? .langgraphInmem : .documented, slots: slots)
            #expect(inmem ? violations.failures.isEmpty : violations.isEmpty, "\(violations.text)")
        }
    }
}
