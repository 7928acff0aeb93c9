/// Shared helpers for RunLedger's test targets.
public enum TestSupport {}
