// The event outbox: what is read back is what was appended (across growth and reuse), and what
// it held is released when it is emptied or dropped, although it destroys only the events it
// noted as holding references. That shortcut is sound only if every other case is plain bytes,
// which the last test checks payload type by payload type.

import PropertyBased
@testable import RunLifecycle
import Testing

@Suite struct EventOutboxTests {
    /// An event of each shape, chosen by `kind`; `created` and `rejected` hold arrays.
    static func event(_ kind: Int, _ n: Int) -> Event {
        let id = UInt32(truncatingIfNeeded: n)
        switch kind {
        case 0:
            return .created(RunCreated(
                runID: R(id), threadID: T(id), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: ms(Int64(n)),
                after: .zero, work: (0...(n % 4)).map { Microseconds(Int64($0 + n)) }, subscribed: n % 2 == 0))
        case 1:
            return .rejected(thread: T(id), strategy: .reject, reason: .threadBusy(inFlight: [R(id), R(id + 1)]), at: ms(Int64(n)))
        case 2:
            return .checkpointed(Checkpointed(runID: R(id), threadID: T(id), stepIndex: n, checkpointStep: nil, hasNext: true, at: ms(1)))
        case 3:
            return .started(run: R(id), thread: T(id), attempt: 1, at: ms(Int64(n)))
        default:
            return .threadValuesCached(thread: T(id), fromRun: R(id), at: ms(Int64(n)))
        }
    }

    /// Rounds of appends (event kinds), each read back and then emptied, on one outbox.
    static let rounds = Gen.int(in: 0...4).array(of: 0...300).array(of: 1...4)

    @Test(.shrinking) func readsBackWhatWasAppendedAcrossGrowthAndReuse() async {
        await propertyCheck(count: 200, input: Self.rounds) { rounds in
            var outbox = EventOutbox()
            var serial = 0
            for kinds in rounds {
                var expected: [Event] = []
                for kind in kinds {
                    let event = Self.event(kind, serial)
                    serial += 1
                    outbox.append(event)
                    expected.append(event)
                }
                #expect(outbox.count == expected.count)
                #expect(Array(outbox) == expected)
                #expect(outbox.withUnsafeBufferPointer { Array($0) } == expected)
                outbox.removeAll()
                #expect(outbox.isEmpty)
            }
        }
    }

    @Test func moveAllHandsOverEveryEventAndLeavesItEmpty() {
        var outbox = EventOutbox(capacity: 2)
        let events = (0..<40).map { Self.event($0 % 5, $0) }
        for event in events { outbox.append(event) }
        #expect(outbox.moveAll() == events)
        #expect(outbox.isEmpty)
        outbox.append(events[0])
        #expect(Array(outbox) == [events[0]])
    }

    /// The address of `array`'s elements after a write: the same as before only if no one else
    /// held the buffer (copy-on-write copies a shared one).
    static func addressAfterWriting(_ array: inout [Microseconds]) -> UnsafeRawPointer? {
        array[0] = Microseconds(99)
        return array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    static func created(work: [Microseconds]) -> Event {
        .created(RunCreated(
            runID: R(1), threadID: T(1), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: ms(1),
            after: .zero, work: work, subscribed: false))
    }

    @Test func emptyingReleasesTheStepListOfACreatedEvent() {
        // Proves the array is no longer shared once emptied; the control shows it was shared before.
        var work = [Microseconds](repeating: Microseconds(1), count: 3)
        let address = work.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        var outbox = EventOutbox()
        for n in 0..<20 { outbox.append(Self.event(3, n)) }
        outbox.append(Self.created(work: work))
        for n in 0..<20 { outbox.append(Self.event(4, n)) }
        var control = work
        #expect(Self.addressAfterWriting(&control) != address, "the outbox holds the array")
        outbox.removeAll()
        #expect(Self.addressAfterWriting(&work) == address)
    }

    @Test func emptyingReleasesTheRunsOfARejection() {
        var inFlight = [R(1), R(2)]
        let address = inFlight.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        var outbox = EventOutbox()
        outbox.append(.started(run: R(1), thread: T(1), attempt: 1, at: ms(1)))
        outbox.append(.rejected(thread: T(1), strategy: .reject, reason: .threadBusy(inFlight: inFlight), at: ms(2)))
        outbox.removeAll()
        inFlight[0] = R(7)
        #expect(inFlight.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } == address)
    }

    @Test func droppingAnOutboxReleasesWhatItHolds() {
        // Held across a growth (the first storage is 2 events), then the outbox goes away unemptied.
        var work = [Microseconds](repeating: Microseconds(1), count: 3)
        let address = work.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        do {
            var outbox = EventOutbox(capacity: 2)
            outbox.append(Self.event(2, 0))
            outbox.append(Self.created(work: work))
            for n in 0..<50 { outbox.append(Self.event(n % 5, n)) }
            #expect(outbox.count == 52)
        }
        #expect(Self.addressAfterWriting(&work) == address)
    }

    @Test func theEventsNotNotedAsHoldingReferencesArePlainBytes() {
        // `removeAll` forgets every case but `created` and `rejected` without destroying it.
        #expect(EventOutbox.holdsReferences(Self.event(0, 1)))
        #expect(EventOutbox.holdsReferences(Self.event(1, 1)))
        #expect(!EventOutbox.holdsReferences(Self.event(2, 1)))
        let plainPayloads: [(String, Bool)] = [
            ("ThreadID", _isPOD(ThreadID.self)), ("RunID", _isPOD(RunID.self)), ("RunID?", _isPOD(RunID?.self)),
            ("Timestamp", _isPOD(Timestamp.self)), ("Bool", _isPOD(Bool.self)), ("UInt32", _isPOD(UInt32.self)),
            ("ThreadStatus", _isPOD(ThreadStatus.self)), ("Checkpointed", _isPOD(Checkpointed.self)),
            ("FailureCause", _isPOD(FailureCause.self)), ("RetryCause", _isPOD(RetryCause.self)),
            ("CancelAction", _isPOD(CancelAction.self)), ("CancelCause", _isPOD(CancelCause.self)),
            ("RollbackStage", _isPOD(RollbackStage.self)), ("FinalWrite", _isPOD(FinalWrite.self)),
            ("JoinAnswer", _isPOD(JoinAnswer.self)), ("CancelRefusal", _isPOD(CancelRefusal.self)),
            ("CommandKind", _isPOD(CommandKind.self)), ("RefusalReason", _isPOD(RefusalReason.self)),
        ]
        for (name, isPlain) in plainPayloads { #expect(isPlain, "\(name)") }
        #expect(!_isPOD(RunCreated.self))
        #expect(!_isPOD(CreateRejection.self))
    }
}
