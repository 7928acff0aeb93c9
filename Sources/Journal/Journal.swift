// Lifecycle events <-> log records: a compact versioned binary codec. Filled by the domain issue.
import EventLog
import RunLifecycle

/// Namespace for the journal codec.
public enum Journal {}
