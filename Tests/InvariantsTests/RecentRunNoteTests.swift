// The note of the previous event's run (``InvariantChecker/noteRecentRun``) lets a start, a
// checkpoint or a worker end skip the run's id lookup and its thread's slot check when the event
// just before was of the same run. It must change nothing the checker says: these tests feed the
// same streams to a checker that uses the note and to one whose note is cleared before every
// event, and expect the same violations, counts, coverage and footprint.

@testable import Invariants
import PropertyBased
import RunLifecycle
import Testing

/// The journal of random steps through the real domain, drained.
private func journal(_ steps: [Step], profile: BehaviourProfile, slots: Int) -> [Event] {
    drainedHarness(steps, profile: profile, slots: slots).journal
}

/// Breaks a journal the way `damage` selects: drop an event, repeat one or swap two neighbours;
/// 0 leaves it whole.
private func damaged(_ events: [Event], _ damage: Int, at position: Int) -> [Event] {
    guard !events.isEmpty else { return events }
    var events = events
    let index = position % events.count
    switch damage % 4 {
    case 1: events.remove(at: index)
    case 2: events.insert(events[index], at: index)
    case 3 where index + 1 < events.count: events.swapAt(index, index + 1)
    default: break
    }
    return events
}

/// Every observable answer of a checker after the stream.
private struct Verdict: Equatable {
    var violations: [Violation]
    var failures: Int
    var divergences: Int
    var dropped: Int
    var coverage: Coverage
    var footprint: CheckerFootprint
}

/// Feeds `events` (with `sequences`) to a checker with the note on or off, and finishes it.
private func verdict(
    _ events: [Event], sequences: [UInt64], profile: BehaviourProfile, slots: Int, quietBudget: Int, noteOn: Bool
) -> Verdict {
    var checker = InvariantChecker(configuration: CheckerConfiguration(
        profile: profile, slotCount: slots, maximumRetries: 3, maximumQuietThreads: quietBudget))
    if noteOn {
        // In batches, as the simulator delivers them, split where the sequence jumps.
        var start = 0
        while start < events.count {
            var end = min(events.count, start + 5)
            if let gap = (start + 1..<end).first(where: { sequences[$0] != sequences[$0 - 1] &+ 1 }) { end = gap }
            events[start..<end].withUnsafeBufferPointer { checker.observe(contentsOf: $0, firstSequence: sequences[start]) }
            start = end
        }
    } else {
        for (event, sequence) in zip(events, sequences) {
            checker.recentRunNextSequence = .max
            checker.observe(event, sequence: sequence)
        }
    }
    let violations = checker.finish(drained: true)
    return Verdict(
        violations: violations, failures: checker.failureCount, divergences: checker.profileDivergenceCount,
        dropped: checker.droppedViolationCount, coverage: checker.coverage, footprint: checker.footprint)
}

@Suite struct RecentRunNoteTests {
    // Proves the note changes no verdict: random streams, whole or broken, some with their
    // sequence numbers set back (a gap that repeats numbers), under both profiles and with
    // every quiet thread evicted at once or none, give the same answers with the note and without.
    @Test(.shrinking) func verdictsAreTheSameWithAndWithoutTheNote() async {
        await propertyCheck(count: 200, input: stepsGenerator, Gen.int(in: 1...3), Gen.int(in: 0...3_199)) { steps, slots, choice in
            let damage = choice % 8
            let position = choice / 8
            let profile: BehaviourProfile = damage >= 4 ? .langgraphInmem : .documented
            let events = damaged(journal(steps, profile: profile, slots: slots), damage, at: position)
            var sequences = (0..<UInt64(events.count)).map { $0 }
            if damage % 2 == 1, events.count > 4 {
                // From a point on, numbers restart a few back: the note of the event before the
                // restart names a sequence that now belongs to another event.
                let cut = position % (events.count - 2) + 2
                for index in cut..<events.count { sequences[index] -= 2 }
            }
            for budget in [0, 4_096] {
                let on = verdict(events, sequences: sequences, profile: profile, slots: slots, quietBudget: budget, noteOn: true)
                let off = verdict(events, sequences: sequences, profile: profile, slots: slots, quietBudget: budget, noteOn: false)
                #expect(on == off, "budget \(budget): \(on.violations.text)\n---\n\(off.violations.text)")
            }
        }
    }

    // Proves the note is used on the usual run (so the test above compares two different paths):
    // after a create the note names the new run for the next sequence, after its start the same
    // run, and after the start's input checkpoint still that run.
    @Test func theUsualRunIsNotedEventByEvent() {
        var checker = InvariantChecker(configuration: CheckerConfiguration(profile: .documented, slotCount: 1, maximumRetries: 3))
        var harness = Harness(.documented, slots: 1)
        let events = harness.apply(create(1, .enqueue, at: 0, steps: 1)) + harness.apply(poll(at: 1, limit: 1))
        var noted: [(kind: String, next: UInt64, run: RunID)] = []
        for (sequence, event) in events.enumerated() {
            checker.observe(event, sequence: UInt64(sequence))
            noted.append(("\(event)".prefix(while: { $0 != "(" }).description, checker.recentRunNextSequence, checker.recentRunID))
        }
        let runEvents = noted.filter { ["created", "started", "checkpointed"].contains($0.kind) }
        #expect(runEvents.count == 3, "\(noted)")
        for (index, entry) in noted.enumerated() where ["created", "started", "checkpointed"].contains(entry.kind) {
            #expect(entry.next == UInt64(index + 1) && entry.run == R(1), "\(entry)")
        }
        #expect(checker.finish(drained: false).isEmpty)
    }

    // Proves a sequence gap clears the note: the event after the gap may carry the number the
    // note expects, but it is not the event after the noted one.
    @Test func aGapClearsTheNote() {
        var checker = InvariantChecker(configuration: CheckerConfiguration(profile: .documented, slotCount: 1, maximumRetries: 3))
        var harness = Harness(.documented, slots: 1)
        let events = harness.apply(create(1, .enqueue, at: 0, steps: 1))
        for (sequence, event) in events.enumerated() { checker.observe(event, sequence: UInt64(sequence)) }
        #expect(checker.recentRunNextSequence == UInt64(events.count))
        checker.observe(events[0], sequence: 0)
        #expect(checker.recentRunNextSequence == .max)
    }
}
