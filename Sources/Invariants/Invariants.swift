// The independent oracle (STYLE habit 9): it re-derives every expectation from the event stream
// with its own small shadow model and never calls the domain's decide, evolve or State methods.
// It uses only RunLifecycle's value types (ids, events, statuses, profile and quirk names).
import RunLifecycle

/// Namespace for the invariant checker's documentation and shared helpers.
///
/// Feed every event of a stream to ``InvariantChecker/observe(_:sequence:)`` in order, then call
/// ``InvariantChecker/finish(drained:)``. Each broken promise becomes a ``Violation`` naming its
/// ``Rule``, its ``ViolationKind`` (safety, liveness, or a divergence explained by an enabled
/// ``Quirk``), the events involved and a one-line explanation.
public enum Invariants {}
