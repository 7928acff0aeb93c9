// What the feed hands the replay: a request whose turn has come, and its place in time order.
import RunLifecycle
import Traces

/// A request ready to perform, with the run it creates.
struct ReadyRequest {
    var at: Timestamp
    /// The position of the request in the trace, to keep the trace's order among equal times.
    var order: Int
    var request: ReplayRequest
    /// For a create: the run, with its recorded truth.
    var run: TraceRun?
}

/// A ready request's place in time order, and where the request waits.
struct ReadyKey: Comparable {
    var at: Timestamp
    var order: Int
    var slot: Int

    static func < (left: ReadyKey, right: ReadyKey) -> Bool { (left.at, left.order) < (right.at, right.order) }
    static func == (left: ReadyKey, right: ReadyKey) -> Bool { (left.at, left.order) == (right.at, right.order) }
}
