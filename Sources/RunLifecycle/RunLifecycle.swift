// The pure run-lifecycle domain: commands, events, state, decide/evolve, behaviour profiles.
// No Foundation, no I/O, no clock, no randomness. Filled by the domain issue.

/// Namespace for the run-lifecycle domain.
public enum RunLifecycle {}
