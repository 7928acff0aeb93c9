// The generic simulation kernel: simulated time, the agenda, the seeded PRNG and distributions.
// Filled by the simulator issue.

/// Namespace for the simulation kernel.
public enum DiscreteEvent {}
