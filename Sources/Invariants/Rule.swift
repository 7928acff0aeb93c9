// One case per invariant. The raw values are stable snake_case names for reports and journals.
import RunLifecycle

/// An invariant the checker enforces. See the module's report for exactly what each one checks.
public enum Rule: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 1. At most one run of a thread has status `running` at any instant.
    case singleRunningRunPerThread = "single_running_run_per_thread"
    /// 1. Documented: a run never starts while a cancelled worker of its thread still executes.
    case noExecutionOverlap = "no_execution_overlap"
    /// 2. `reject` is refused exactly when the thread has pending or running runs, and the
    /// refusal lists exactly those runs.
    case rejectIffInFlight = "reject_iff_in_flight"
    /// 2. A refused create (or the write just before it) changes nothing.
    case rejectedCreateChangesNothing = "rejected_create_changes_nothing"
    /// 3. The runs of a thread start in `created_at` order, ties by creation order.
    case enqueueCreatedAtOrder = "enqueue_created_at_order"
    /// 4. An `interrupt` create ends every run in flight on the thread `interrupted`, and their
    /// checkpoints stay.
    case interruptCancelsInFlight = "interrupt_cancels_in_flight"
    /// 5. A rollback (strategy or cancel) deletes every victim with all its checkpoints.
    case rollbackDeletesInFlight = "rollback_deletes_in_flight"
    /// Checkpoint step numbers continue the thread's surviving history.
    case checkpointHistory = "checkpoint_history"
    /// 6. No event for a terminal run other than the documented after-effects; terminal
    /// statuses never change.
    case noEventAfterTerminal = "no_event_after_terminal"
    /// 6. No event for a deleted run other than its worker's stop and join answers.
    case noEventAfterDeletion = "no_event_after_deletion"
    /// 7. No run starts before its `created_at`.
    case noStartBeforeCreatedAt = "no_start_before_created_at"
    /// 8. A join is answered only after its run is terminal, with that status, or with the
    /// not-found body for a deleted run.
    case joinAnsweredAfterSettled = "join_answered_after_settled"
    /// 8. At drain, no join is left waiting on a settled or deleted run.
    case joinEventuallyAnswered = "join_eventually_answered"
    /// 9. Executing workers never exceed the slots.
    case slotCapacity = "slot_capacity"
    /// 9. With a poll interval, a free slot never stays idle beside a dispatchable run for more
    /// than two poll intervals.
    case pollerFillsFreeSlots = "poller_fills_free_slots"
    /// 10. At drain nothing is pending, running or executing.
    case drainedNothingInFlight = "drained_nothing_in_flight"
    /// 10. At drain no thread is left `busy`.
    case drainedThreadsNotBusy = "drained_threads_not_busy"
    /// 11. A thread is `busy` iff something is in flight or executing on it, and settles to the
    /// status §3 derives.
    case threadStatusFollowsRuns = "thread_status_follows_runs"
    /// Attempts count dequeues, survive restarts, and `attempt > max` fails at once.
    case attemptCounting = "attempt_counting"
    /// Every event is a legal transition of its run, worker or thread.
    case legalTransition = "legal_transition"
    /// 12. Sequence numbers are contiguous.
    case sequenceContiguous = "sequence_contiguous"
    /// 12. Time never goes back (refusals excepted: they carry the refused command's time).
    case timeMonotonic = "time_monotonic"
    /// 12. Run ids are never reused.
    case runIDUnique = "run_id_unique"

    /// The stable snake_case name.
    public var name: String { rawValue }

    /// The kind a violation of this rule has when no quirk explains it.
    public var naturalKind: ViolationKind {
        switch self {
        case .joinEventuallyAnswered, .pollerFillsFreeSlots, .drainedNothingInFlight, .drainedThreadsNotBusy:
            .liveness
        case .singleRunningRunPerThread, .noExecutionOverlap, .rejectIffInFlight, .rejectedCreateChangesNothing,
            .enqueueCreatedAtOrder, .interruptCancelsInFlight, .rollbackDeletesInFlight, .checkpointHistory,
            .noEventAfterTerminal, .noEventAfterDeletion, .noStartBeforeCreatedAt, .joinAnsweredAfterSettled,
            .slotCapacity, .threadStatusFollowsRuns, .attemptCounting, .legalTransition, .sequenceContiguous,
            .timeMonotonic, .runIDUnique:
            .safety
        }
    }

    public var description: String { rawValue }
}

/// How bad a violation is.
public enum ViolationKind: String, Hashable, Sendable, CustomStringConvertible {
    /// Something that must never happen happened.
    case safety
    /// Something that must eventually happen did not (checked at drain or after a bound).
    case liveness
    /// The documented intent was broken in a way an enabled ``Quirk`` of the profile explains.
    case profileDivergence

    public var description: String { rawValue }
}
