// Each observed deviation of the in-memory server from the documented intent, as a named switch.
// Section numbers refer to /work/shared/reference/langgraph-run-semantics.md.

/// A behaviour of langgraph-api 0.16.7 / langgraph-runtime-inmem 0.36.7 that departs from the
/// documented intent. ``BehaviourProfile/langgraphInmem`` enables all of them;
/// ``BehaviourProfile/documented`` enables none.
public enum Quirk: UInt8, CaseIterable, Hashable, Sendable {
    /// Cancelling a *pending* run without deleting it (interrupt, or rollback with a subscriber)
    /// sets its thread `idle` unconditionally, even while other runs of the thread are pending or
    /// running (§3 "Other writers"; notes quirk 4). Documented: the thread status is recomputed
    /// from its runs, so it stays `busy`.
    case idleAfterPendingCancel = 1

    /// An eager deletion (rollback without a subscriber, or `DELETE` of a run) never touches the
    /// thread status, and the final write of a worker whose run is gone fails with "Run not
    /// found" ("Ignoring rollback error for missing run"), so a thread left with nothing in
    /// flight stays `busy` until the next run ends (§3; notes quirk 3). Documented: the thread
    /// status is recomputed at the deletion, or when the worker stops.
    case eagerDeleteLeavesThreadBusy = 2

    /// Rollback of a *running* run with a live subscriber marks it `interrupted` at once; its
    /// worker deletes it with its checkpoints only when it stops (§4.2, d2). Documented: rollback
    /// deletes the run and its checkpoints at once, subscriber or not.
    case rollbackWithSubscriberDefersDelete = 3

    /// Rollback of a *pending* run with a live subscriber marks it `interrupted` and never
    /// deletes it (§4.2, g2). Documented: it is deleted.
    case pendingRollbackWithSubscriberKeepsRun = 4

    /// A cancelled run stops counting as `running` at once, so its thread is free for dispatch
    /// while the old worker still executes. With two or more slots the successor can start
    /// before the old worker stops (overlap), and the old worker's late final write overwrites
    /// the thread's status and cached values with its stale ones (§4.4.1). Documented: the
    /// thread stays blocked until the cancelled worker stops, so executions never overlap.
    case cancelledWorkerFreesThreadAtOnce = 5

    /// A restart does not restore the attempt counter: a run re-queued by a shutdown runs
    /// again with attempt 1 (§2, `start_pool`). Documented: attempts survive restarts.
    case attemptCounterNotRestored = 6

    /// A create on an existing thread sets it `busy` before the reject check, so even a
    /// rejected (409) request can flip an `idle` thread to `busy` (§3). Documented: a rejected
    /// create changes nothing.
    case busyBeforeRejectCheck = 7
}
