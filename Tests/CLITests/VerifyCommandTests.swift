import Foundation
import Journal
import RunLifecycle
import Testing
import TestSupport

/// `runledger verify` replays a journal through the invariant checker with the configuration its
/// header records: a stream from the real decider passes (exit 0), a stream with a planted bug
/// fails (exit 1) naming the rule and the event's log sequence number, and a non-journal is
/// refused as unreadable (exit 3).
@Suite struct VerifyCommandTests {
    let binary = ExternalCommand.runledgerBinary

    /// Two threads, a running run, a double text of each strategy, the poller, the workers.
    static func scenario(profile: BehaviourProfile) -> [Event] {
        var state = State.initial(profile: profile, slots: 2)
        var events: [Event] = []
        func handle(_ command: Command) { events += Decider.handle(command, &state) }
        let step = Microseconds.milliseconds(100)
        handle(.createRun(CreateRun(threadID: ThreadID(1), ifNotExists: .create, work: [step, step], at: Timestamp(microsecondsSinceEpoch: 0))))
        handle(.createRun(CreateRun(threadID: ThreadID(2), ifNotExists: .create, work: [step], at: Timestamp(microsecondsSinceEpoch: 10))))
        handle(.dequeue(snapshot: Timestamp(microsecondsSinceEpoch: 20), limit: 2, at: Timestamp(microsecondsSinceEpoch: 20)))
        handle(.createRun(CreateRun(threadID: ThreadID(1), strategy: .reject, work: [step], at: Timestamp(microsecondsSinceEpoch: 30))))
        handle(.createRun(CreateRun(threadID: ThreadID(2), strategy: .enqueue, work: [step], at: Timestamp(microsecondsSinceEpoch: 40))))
        handle(.checkpoint(run: RunID(1), at: Timestamp(microsecondsSinceEpoch: 100_020)))
        handle(.checkpoint(run: RunID(2), at: Timestamp(microsecondsSinceEpoch: 100_020)))
        handle(.finish(run: RunID(2), outcome: .success, at: Timestamp(microsecondsSinceEpoch: 100_030)))
        handle(.checkpoint(run: RunID(1), at: Timestamp(microsecondsSinceEpoch: 200_020)))
        handle(.finish(run: RunID(1), outcome: .success, at: Timestamp(microsecondsSinceEpoch: 200_030)))
        handle(.dequeue(snapshot: Timestamp(microsecondsSinceEpoch: 200_040), limit: 2, at: Timestamp(microsecondsSinceEpoch: 200_040)))
        let third = state.nextRunID.rawValue - 1
        handle(.checkpoint(run: RunID(third), at: Timestamp(microsecondsSinceEpoch: 300_040)))
        handle(.finish(run: RunID(third), outcome: .success, at: Timestamp(microsecondsSinceEpoch: 300_050)))
        return events
    }

    static func writeJournal(_ events: [Event], profile: BehaviourProfile, to path: String) throws {
        let writer = try JournalWriter(directory: path, header: JournalHeader(profile: profile, slotCount: 2))
        for event in events { try writer.append(event) }
        try writer.close()
    }

    @Test func aDecidedStreamPasses() throws {
        let directory = TemporaryDirectory("verify-ok")
        try Self.writeJournal(Self.scenario(profile: .documented), profile: .documented, to: directory.child("log"))
        let result = try ExternalCommand.run(binary, ["verify", directory.child("log"), "--json"])
        #expect(result.status == 0, "\(result.outputText) \(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as! [String: Any]
        #expect(object["invariant_violations"] as? Int == 0)
        #expect((object["events"] as? Int ?? 0) > 10)
        #expect(object["passed"] as? Bool == true)
    }

    @Test func aPlantedBugFailsAndIsNamed() throws {
        let directory = TemporaryDirectory("verify-bug")
        var events = Self.scenario(profile: .documented)
        // The bug: a rejected create that inserted a run anyway (the 409 is followed by a created
        // event for the same thread at the same time).
        let rejected = events.firstIndex { if case .rejected = $0 { return true } else { return false } }!
        guard case let .rejected(thread?, _, _, at) = events[rejected] else { Issue.record("no reject"); return }
        var planted = RunCreated(runID: RunID(99), threadID: thread, assistantID: AssistantID(1), strategy: .reject,
                                 requestedAt: at, after: .zero, work: [Microseconds.milliseconds(1)], subscribed: false)
        planted.work = [Microseconds.milliseconds(1)]
        events.insert(.created(planted), at: rejected + 1)
        try Self.writeJournal(events, profile: .documented, to: directory.child("log"))
        let result = try ExternalCommand.run(binary, ["verify", directory.child("log")])
        #expect(result.status == 1)
        #expect(result.outputText.contains("reject"), "\(result.outputText)")
        // The log sequence of the planted event: the header is record 0, events follow.
        #expect(result.outputText.contains("#\(rejected + 2)"), "\(result.outputText)")
    }

    @Test func aLogThatIsNotAJournalIsUnreadable() throws {
        let directory = TemporaryDirectory("verify-opaque")
        let demo = try ExternalCommand.run(binary, ["demo", "--log", directory.child("log"), "--records", "10"])
        #expect(demo.status == 0)
        let result = try ExternalCommand.run(binary, ["verify", directory.child("log")])
        #expect(result.status == 3)
        #expect(result.standardError.contains(directory.child("log")))
    }
}
