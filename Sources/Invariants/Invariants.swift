// The independent oracle: re-derives expectations from an event stream and never calls the
// domain's decide or evolve. Filled by the domain issue.
import RunLifecycle

/// Namespace for the invariant checker.
public enum Invariants {}
