// The streaming checker: `observe` each event in order (O(1) amortized, no allocation in the
// steady state; memory bounded by the runs in flight or awaited, the threads active plus a
// budget of quiet ones, and the fates of settled runs in collapsing pages), then `finish` for
// the liveness rules.
import RunLifecycle

/// Checks an event stream against the invariants of ``Rule``, using its own shadow model.
public struct InvariantChecker: Sendable {
    /// The server the stream came from.
    public let configuration: CheckerConfiguration
    /// Violations so far, in the order they were noticed.
    public internal(set) var violations: [Violation] = []
    /// Violations not stored because ``CheckerConfiguration/maximumStoredViolations`` was reached.
    public internal(set) var droppedViolationCount = 0
    /// Safety and liveness violations reported so far, stored or dropped.
    public internal(set) var failureCount = 0
    /// Profile divergences reported so far, stored or dropped.
    public internal(set) var profileDivergenceCount = 0
    /// Rare interleavings reached so far.
    public internal(set) var coverage = Coverage()
    /// Events observed so far.
    public internal(set) var observedEventCount = 0

    /// Referenced by this checker and its copies only; see ``makeTablesUnique()``.
    private var tableOwner = TableOwner()
    var runs = RunTable()
    var threads = ThreadTable()
    var fates = RunFateTable()
    /// Waiters of runs the checker no longer tracks (a join on a settled run).
    var settledWaiters: [RunID: Int] = [:]
    /// Pending runs of every thread, in queue order.
    var globalPending = RunList()
    var executingCount = 0

    /// The sequence of the latest record, event or not, when ``hasLastSequence``: two fields,
    /// so that each event of a batch writes one word (the optional's flag byte cost an
    /// instruction an event; a batch sets the flag once).
    var lastSequenceValue: UInt64 = 0
    var hasLastSequence = false
    @inline(__always) var lastSequence: UInt64? { hasLastSequence ? lastSequenceValue : nil }
    var latestTime: Timestamp?
    /// What the previous event was, for the two rules that look one event back (see
    /// ``previousEvent``). Every event writes this byte; only a refused create and a `busy`
    /// write fill the two fields below (the whole enum written per event cost about 5
    /// instructions).
    var previousEventKind: PreviousEventKind = .none
    var previousEventThread: ThreadID?
    var previousEventReference = EventReference(sequence: 0, at: .zero)
    /// The thread's status before the latest `busy` write (set by that write only: a refused
    /// create right after it is the one reader, and asks about that write's thread).
    var statusBeforeBusyWrite: ThreadStatus?
    /// Threads touched since the last time advance (with repeats), each with its slot (see
    /// ``DirtyThread``); their status is checked, in id order, when time moves.
    var dirtyThreads = ReusableList<DirtyThread>()
    /// Runs that received an obligation since the last time advance.
    var openObligations = ReusableList<RunID>()
    /// A run started with `attempt > maximumRetries`: the next event must fail it.
    var awaitingMaximumAttemptFailure: (runID: RunID, event: EventReference)?
    var stall = StallClock() {
        // Kept beside the clock: the end of every event asks whether it is idle, one test
        // rather than two. The clock changes only with a poll interval, and seldom.
        didSet { stallIdle = stall.runID == nil && !stall.reported }
    }
    /// No run's stall clock running and none reported (see ``stall``).
    var stallIdle = true
    /// When the queue comes back after the latest restart: no dispatch is owed before.
    var queueDownUntil: Timestamp?
    var inHeadOfLineBlock = false
    /// The pending run whose thread the end of an event last found free, or -1. While runs
    /// wait and a slot has just freed, each of the three events ending a run asked the same
    /// question of the same head run (about 40 instructions each). Only the events that cannot
    /// make a free thread busy, nor move a run out of the pending queue, keep it: worker ends,
    /// checkpoints, status writes and cached values (see the dispatch); every other event
    /// forgets it.
    var freeHeadRun: Int32 = -1
    /// The run the previous event left live on an active thread, with its record's slot and its
    /// thread's, valid for the event at ``recentRunNextSequence`` only (see ``noteRecentRun``).
    /// A run's events come in pairs (created then started, started then its input checkpoint,
    /// its last checkpoint then its end): the second one skips the id lookup and the thread
    /// slot check.
    var recentRunID = RunID(0)
    var recentRunSlot: Int32 = -1
    var recentThreadSlot: Int32 = -1
    /// The sequence the next event must carry for the note to hold; `max` for no note.
    var recentRunNextSequence = UInt64.max
    var finished = false

    /// The profile's quirks, a bit per raw value: asked on hot paths, where copying the profile
    /// and searching its list would cost more than the check.
    private let quirkMask: UInt64

    /// A checker for a stream from `configuration`'s server, which starts empty.
    public init(configuration: CheckerConfiguration) {
        self.configuration = configuration
        quirkMask = configuration.profile.quirks.reduce(0) { $0 | (1 << UInt64($1.rawValue)) }
    }

    var profile: BehaviourProfile { configuration.profile }

    /// Whether the profile enables `quirk`.
    @inline(__always) func allows(_ quirk: Quirk) -> Bool { quirkMask & (1 << UInt64(quirk.rawValue)) != 0 }

    // MARK: Observing

    /// Accounts for a record at `sequence` that is not an event (a journal's header or name
    /// definition), so that the event sequence numbers the checker reports are the log's own.
    public mutating func observeNonEvent(sequence: UInt64) {
        recentRunNextSequence = .max
        lastSequenceValue = sequence
        hasLastSequence = true
    }

    /// Ends the stream: settles pending checks and, when `drained` (the producer ran out of
    /// work), checks the liveness rules. Returns every violation.
    public mutating func finish(drained: Bool) -> [Violation] {
        guard !finished else { return violations }
        finished = true
        makeTablesUnique()
        settleDecisionBoundary()
        if drained { checkDrained() }
        return violations
    }

    /// Gives this checker its own table storage if a copy of it shares it; every mutating entry
    /// point calls it before changing a table (see ``UniqueBuffer``). The tables' buffers are
    /// shared only by copies of the whole checker (the tables are never copied out of it), which
    /// share ``tableOwner`` too: one uniqueness check per event answers for every buffer.
    @inline(__always) mutating func makeTablesUnique() {
        if !isKnownUniquelyReferenced(&tableOwner) { copyTables() }
    }

    private mutating func copyTables() {
        tableOwner = TableOwner()
        runs.makeUnique()
        threads.makeUnique()
        fates.makeUnique()
        dirtyThreads.makeUnique()
        openObligations.makeUnique()
    }

    mutating func reportSequenceGap(after last: UInt64, _ reference: EventReference) {
        report(
            .sequenceContiguous, events: [reference],
            expected: "sequence \(last &+ 1) after #\(last)", observed: "sequence \(reference.sequence)")
    }

    /// The time of a non-refusal event is later than the latest one: the decisions at the
    /// earlier time are complete.
    mutating func timeAdvanced(to at: Timestamp, _ reference: EventReference) {
        // Without a poll interval there is no stall rule (one test here, not a call).
        if configuration.pollInterval != nil { checkStall(now: at, reference: reference) }
        settleDecisionBoundary()
        latestTime = at
    }

    /// What ``observe(_:sequence:)`` checks of an event only now and then: its time went back
    /// (a violation), or a start past the maximum attempts awaits this event's failure.
    @inline(never) mutating func enterRarely(_ event: Event, timeWentBack: Bool, _ reference: EventReference) {
        if timeWentBack, let latest = latestTime {
            report(
                .timeMonotonic, events: [reference], runs: event.runID.map { [$0] } ?? [],
                expected: "time at or after \(latest)", observed: "\(eventName(event)) at \(reference.at)")
        }
        if awaitingMaximumAttemptFailure != nil { checkAwaitedMaximumAttemptFailure(event, reference) }
    }

    /// Checks what must hold once every decision at the current time is complete: the
    /// supersession obligations and the thread statuses.
    mutating func settleDecisionBoundary() {
        // Reporting never adds obligations or dirty threads, so both lists are walked in place
        // and emptied keeping their storage. Obligations are rare (interrupt and rollback
        // creates): their walk, with its reports, is a call of its own, which keeps this
        // function's frame small for the usual boundary.
        if !openObligations.isEmpty { settleObligations() }
        // Usually one thread changed since the last boundary: nothing to sort, no repeat to
        // skip, no loop (the loop cost about 20 instructions a boundary, two boundaries a run).
        // Several threads go through a call, which keeps this function small enough for the
        // eviction below to stay inlined.
        if dirtyThreads.count == 1 {
            let slot = dirtyThreads[0].slot
            assert(threads.slot(of: dirtyThreads[0].threadID) == slot, "dirty thread noted with a stale slot")
            checkThreadStatus(slot)
            threads.noteChecked(slot)
        } else if dirtyThreads.count > 1 {
            checkSeveralDirtyThreads()
        }
        dirtyThreads.removeAll()
        if threads.quietCount > configuration.maximumQuietThreads { threads.evictQuiet(keeping: configuration.maximumQuietThreads) }
    }

    /// The thread statuses at a boundary after changes to several threads, in id order, each
    /// thread once.
    @inline(never) private mutating func checkSeveralDirtyThreads() {
        dirtyThreads.sort()
        var previous: ThreadID?
        for index in 0..<dirtyThreads.count {
            let dirty = dirtyThreads[index]
            let threadID = dirty.threadID
            if threadID == previous { continue }
            previous = threadID
            // The slot noted with the id is still the thread's: the list is emptied at the
            // boundary, and the rare paths that drop a noted thread (``observeThreadCreated``
            // for an existing id, ``observeThreadDeleted``) take its entries out; evictions
            // happen only after this check.
            let slot = dirty.slot
            assert(threads.slot(of: threadID) == slot, "dirty \(threadID) noted with a stale slot")
            checkThreadStatus(slot)
            threads.noteChecked(slot)
        }
    }

    /// The supersession obligations of the decisions just completed: every victim must have
    /// been cancelled by now.
    @inline(never) private mutating func settleObligations() {
        for index in 0..<openObligations.count {
            let runID = openObligations[index]
            guard let slot = runs.slot(of: runID), let obligation = runs[slot].obligation else { continue }
            runs[slot].obligation = nil
            let run = runs[slot]
            let rule: Rule = obligation.action == .interrupt ? .interruptCancelsInFlight : .rollbackDeletesInFlight
            let verb = obligation.action == .interrupt ? "interrupted" : "deleted"
            report(
                rule, events: [run.createdEvent, obligation.event], runs: [runID, obligation.by], threads: [run.threadID],
                expected: "\(runID) \(verb) when \(obligation.by) (\(obligation.action) strategy) was created",
                observed: "\(runID) still \(run.deleted ? "deleted" : String(describing: run.status)) after that decision")
        }
        openObligations.removeAll()
    }

    /// Called only while a run started past its maximum attempts awaits its failure.
    mutating func checkAwaitedMaximumAttemptFailure(_ event: Event, _ reference: EventReference) {
        guard let awaited = awaitingMaximumAttemptFailure else { return }
        awaitingMaximumAttemptFailure = nil
        if case .failed(let runID, _, .exceededMaxAttempts, _) = event, runID == awaited.runID { return }
        report(
            .attemptCounting, events: [awaited.event, reference], runs: [awaited.runID],
            expected: "\(awaited.runID) failed at once for exceeding \(configuration.maximumRetries) attempts",
            observed: "\(eventName(event)) instead")
    }

    // MARK: Reporting

    /// Counts a violation without storing it when the storage cap is reached, and says so: the
    /// rules that fire often call it first, to skip building explanations that would be dropped.
    mutating func countIfNotStored(_ rule: Rule, quirk: Quirk? = nil) -> Bool {
        guard violations.count >= configuration.maximumStoredViolations else { return false }
        let kind: ViolationKind = quirk == nil ? rule.naturalKind : .profileDivergence
        if kind == .profileDivergence { profileDivergenceCount += 1 } else { failureCount += 1 }
        droppedViolationCount += 1
        return true
    }

    /// Records a violation whose explanation reads "expected …; observed … (events …)"; past
    /// the storage cap it is only counted.
    mutating func report(
        _ rule: Rule, quirk: Quirk? = nil, events: [EventReference], runs runIDs: [RunID] = [],
        threads threadIDs: [ThreadID] = [], expected: String, observed: String
    ) {
        let kind: ViolationKind = quirk == nil ? rule.naturalKind : .profileDivergence
        if kind == .profileDivergence { profileDivergenceCount += 1 } else { failureCount += 1 }
        guard violations.count < configuration.maximumStoredViolations else {
            droppedViolationCount += 1
            return
        }
        let eventList = events.map(\.description).joined(separator: ", ")
        let quirkText = quirk.map { "; allowed by quirk \($0) of profile \(profile.name)" } ?? ""
        let line = "expected \(expected); observed \(observed) (events \(eventList))\(quirkText)"
        violations.append(Violation(
            rule: rule, kind: kind, quirk: quirk, events: events, runIDs: runIDs, threadIDs: threadIDs,
            explanation: Self.singleLine(line)))
    }

    /// A list of ids as Swift prints an array ("[a, b]"), without the runtime's reflection.
    func listText<Item: CustomStringConvertible>(_ items: [Item]) -> String {
        "[" + items.map(\.description).joined(separator: ", ") + "]"
    }

    /// The explanation on one line. Walking the text by `Character` costs hundreds of
    /// instructions per character, so the usual text (printable ASCII) is returned as it is.
    static func singleLine(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    /// A short name for an event in explanations.
    func eventName(_ event: Event) -> String {
        switch event {
        case .threadCreated(let thread, _, _, _): "threadCreated(\(thread))"
        case .created(let created): "created(\(created.runID) on \(created.threadID), \(created.strategy))"
        case .rejected(let thread, let strategy, _, _): "rejected(\(thread.map(String.init(describing:)) ?? "-"), \(strategy))"
        case .started(let run, _, let attempt, _): "started(\(run), attempt \(attempt))"
        case .checkpointed(let checkpointed): "checkpointed(\(checkpointed.runID))"
        case .succeeded(let run, _, _): "succeeded(\(run))"
        case .failed(let run, _, let cause, _): "failed(\(run), \(cause))"
        case .timedOut(let run, _, _): "timedOut(\(run))"
        case .retried(let run, _, _, _): "retried(\(run))"
        case .interrupted(let run, _, let action, _, _): "interrupted(\(run), \(action))"
        case .rolledBack(let run, _, let stage, _): "rolledBack(\(run), \(stage))"
        case .deleted(let run, _, _): "deleted(\(run))"
        case .workerStopped(let run, _, let write, _): "workerStopped(\(run), \(write))"
        case .subscribed(let run, _, let waits, _): "subscribed(\(run)\(waits ? ", waits" : ""))"
        case .unsubscribed(let run, _, _): "unsubscribed(\(run))"
        case .joinAnswered(let run, let answer, _): "joinAnswered(\(run), \(answer))"
        case .threadStatusChanged(let thread, let status, _): "threadStatusChanged(\(thread), \(status))"
        case .threadValuesCached(let thread, let run, _): "threadValuesCached(\(thread), \(run))"
        case .threadDeleted(let thread, _): "threadDeleted(\(thread))"
        case .cancelRefused(let run, let reason, _): "cancelRefused(\(run.map(String.init(describing:)) ?? "-"), \(reason))"
        case .commandRefused(_, let command, let reason, _): "commandRefused(\(command), \(reason))"
        case .serverRestarted: "serverRestarted"
        }
    }
}

/// An identity whose reference count tells whether a checker was copied.
final class TableOwner: Sendable {}

/// The kind of the previous event, as far as the rules that look one event back care.
enum PreviousEventKind: UInt8 {
    case none, rejected, busyWrite, other
}

extension InvariantChecker {
    /// The previous event as those rules read it, from ``previousEventKind`` and its fields.
    @inline(__always) var previousEvent: PreviousEvent {
        switch previousEventKind {
        case .none: .none
        case .other: .other
        case .rejected: .rejected(thread: previousEventThread, reference: previousEventReference)
        case .busyWrite: .busyWrite(thread: previousEventThread ?? ThreadID(0), reference: previousEventReference)
        }
    }
}

/// What the two rules that look one event back need of it: a refused create, or a `busy` write,
/// with the event's reference (kept only for these two: every event stored one before).
enum PreviousEvent {
    case none
    case rejected(thread: ThreadID?, reference: EventReference)
    case busyWrite(thread: ThreadID, reference: EventReference)
    case other
}

/// A thread noted for the next decision boundary, with the slot of its record: the boundary
/// reads the record without looking the id up (about 25 instructions per thread, two threads
/// per run), and the latest entry answers for the thread the next event usually names. One
/// word, id above slot, so sorting the entries sorts them by id.
struct DirtyThread: Comparable, Sendable {
    let packed: UInt64

    @inline(__always) init(_ threadID: ThreadID, slot: Int) {
        packed = UInt64(threadID.rawValue) << 32 | UInt64(UInt32(truncatingIfNeeded: slot))
    }

    @inline(__always) var threadID: ThreadID { ThreadID(UInt32(truncatingIfNeeded: packed >> 32)) }
    @inline(__always) var slot: Int { Int(UInt32(truncatingIfNeeded: packed)) }

    static func < (lhs: DirtyThread, rhs: DirtyThread) -> Bool { lhs.packed < rhs.packed }
}
