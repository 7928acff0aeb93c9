// Random events (PropertyBased, with shrinking) round-trip, and random bytes never trap the
// decoder: they decode to an event that re-encodes to an equal event, or throw JournalError.

import Journal
import PropertyBased
import RunLifecycle
import Testing

/// The raw material of one random event; shrinking makes each part small and simple.
typealias EventSeed = (kind: Int, first: UInt32, second: UInt32, flags: Int, wide: Int64, work: [UInt64])

let eventSeeds = zip(
    Gen.int(in: 0...21), Gen.uint32(), Gen.uint32(), Gen.int(in: 0...255), Gen.int64(),
    Gen.uint64(in: 0...(1 << 40)).array(of: 0...6))

/// Builds the event a seed describes; every seed gives a valid event.
func event(from seed: EventSeed) -> Event {
    let run = RunID(seed.first)
    let thread = ThreadID(seed.second)
    let flag = seed.flags & 1 != 0
    let pick = seed.flags >> 1
    let time = at(seed.wide)
    switch seed.kind {
    case 0: return .threadCreated(thread: ThreadID(max(1, seed.second)), temporary: flag, status: ThreadStatus.allCases[pick % 4], at: time)
    case 1:
        // Halves of one value keep requestedAt + after inside Int64 (the after delay may be negative).
        let after = Microseconds(seed.wide / 2)
        let requested = at(seed.wide / 2)
        let work = seed.work.map { Microseconds(Int64($0) * (pick % 3 == 0 ? 1_000 : 1)) }
        return .created(RunCreated(
            runID: RunID(max(1, seed.first)), threadID: ThreadID(max(1, seed.second)), assistantID: AssistantID(UInt32(pick)),
            strategy: MultitaskStrategy.allCases[pick % 4], requestedAt: requested, after: after, work: work, subscribed: flag))
    case 2:
        let runs = Array(Set(seed.work.map { RunID(UInt32(truncatingIfNeeded: $0)) })).sorted()
        return .rejected(thread: flag ? thread : nil, strategy: MultitaskStrategy.allCases[pick % 4],
                         reason: pick % 5 == 0 ? .threadNotFound : .threadBusy(inFlight: runs), at: time)
    case 3: return .started(run: run, thread: thread, attempt: UInt32(truncatingIfNeeded: seed.wide) >> UInt32(pick % 32), at: time)
    case 4:
        return .checkpointed(Checkpointed(
            runID: run, threadID: thread, stepIndex: pick % 3 == 0 ? nil : Int(seed.first % UInt32(JournalFormat.maximumWorkSteps)),
            checkpointStep: pick % 5 == 0 ? nil : seed.wide >> (pick % 64), hasNext: flag, at: time))
    case 5: return .succeeded(run: run, thread: thread, at: time)
    case 6: return .failed(run: run, thread: thread, cause: flag ? .graphError : .exceededMaxAttempts, at: time)
    case 7: return .timedOut(run: run, thread: thread, at: time)
    case 8: return .retried(run: run, thread: thread, cause: flag ? .retriableError : .serverShutdown, at: time)
    case 9:
        let causes: [CancelCause] = [.supersededBy(RunID(UInt32(truncatingIfNeeded: seed.wide))), .cancelRequest, .bulkCancelRequest]
        return .interrupted(run: run, thread: thread, action: flag ? .rollback : .interrupt, cause: causes[pick % 3], at: time)
    case 10: return .rolledBack(run: run, thread: thread, stage: flag ? .byWorker : .eager, at: time)
    case 11: return .deleted(run: run, thread: thread, at: time)
    case 12: return .workerStopped(run: run, thread: thread, finalWrite: [FinalWrite.interrupted, .rolledBack, .runMissing][pick % 3], at: time)
    case 13: return .subscribed(run: run, thread: thread, waits: flag, at: time)
    case 14: return .unsubscribed(run: run, thread: thread, at: time)
    case 15: return .joinAnswered(run: run, answer: pick % 7 == 6 ? .runNotFound : .finished(RunStatus.allCases[pick % 6]), at: time)
    case 16: return .threadStatusChanged(thread: thread, status: ThreadStatus.allCases[pick % 4], at: time)
    case 17: return .threadValuesCached(thread: thread, fromRun: run, at: time)
    case 18: return .threadDeleted(thread: thread, at: time)
    case 19: return .cancelRefused(run: flag ? run : nil, reason: [CancelRefusal.notFound, .alreadyTerminal, .nothingToCancel][pick % 3], at: time)
    case 20:
        return .commandRefused(run: flag ? run : nil, command: CommandKind.allCases[pick % CommandKind.allCases.count],
                               reason: RefusalReason(rawValue: UInt8(pick % 8))!, at: time)
    default: return .serverRestarted(attemptCountersReset: flag, at: time)
    }
}

@Suite struct CodecPropertyTests {
    // Any valid event decodes back to itself from its own record at its own time.
    @Test(.shrinking) func randomEventsRoundTrip() async {
        await propertyCheck(count: 2_000, input: eventSeeds) { kind, first, second, flags, wide, work in
            let original = event(from: (kind, first, second, flags, wide, work))
            #expect(JournalCodec.problem(in: original) == nil, "the generator made an invalid event \(original)")
            var bytes: [UInt8] = []
            do {
                try JournalCodec.encode(original, into: &bytes)
                #expect(try decoded(bytes, at: original.at) == original)
            } catch {
                Issue.record("\(original): \(error)")
            }
        }
    }

    // Arbitrary bytes either throw a JournalError or decode to an event that survives a second
    // round trip: the decoder never traps and never accepts what the encoder could not write.
    @Test(.shrinking) func randomBytesNeverTrap() async {
        await propertyCheck(count: 3_000, input: Gen.uint8().array(of: 0...16), Gen.int64()) { bytes, timestamp in
            switch decodeResult(bytes[...], timestamp: timestamp, sequence: 9) {
            case let .success(.event(event)):
                #expect((try? decoded(encoded(event), at: event.at)) == event)
            case .success:
                break
            case let .failure(.malformedRecord(sequence, offset, _)):
                #expect(sequence == 9 && offset <= bytes.count)
            case let .failure(error):
                Issue.record("unexpected \(error)")
            }
        }
    }
}
