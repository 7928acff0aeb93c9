// What the checker reads of a `created` event, taken out of the batch without its step array.
import RunLifecycle

/// What the checker reads of a `created` event: plain values only. Passing the payload itself
/// copied it out of the batch, retaining and releasing its step array, for every run.
struct CreatedFacts {
    let runID: RunID
    let threadID: ThreadID
    let strategy: MultitaskStrategy
    let requestedAt: Timestamp
    let createdAt: Timestamp
    let workCount: Int
    let subscribed: Bool

    /// The facts of the `created` event at `event`, nil for another event. Its own scope, so
    /// that the payload bound here ends before the checker writes anything: bound in the
    /// caller, it lived across the observer and was copied (its step array retained).
    @inline(__always) init?(_ event: UnsafePointer<Event>) {
        guard case .created(let created) = event.pointee else { return nil }
        runID = created.runID
        threadID = created.threadID
        strategy = created.strategy
        requestedAt = created.requestedAt
        createdAt = created.createdAt
        workCount = created.work.count
        subscribed = created.subscribed
    }
}
