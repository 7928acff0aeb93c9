import LZ4

/// Namespace for the append-only log.
public enum EventLog {}
