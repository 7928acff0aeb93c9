// The server model (slots, poller, retries, timeouts) and the client model (double texting,
// joins, cancels) driven by the DiscreteEvent kernel. Filled by the simulator issue.

/// Namespace for the simulator.
public enum Simulation {}
