// Feeds a recorded trace into the simulation and compares outcomes with the recorded truth.
// Filled by the replay issue.

/// Namespace for trace replay.
public enum Replay {}
