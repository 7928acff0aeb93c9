// Capacity sweeps, the SLO solver, analytic models (Erlang C) and report rendering.
// Filled after the simulator issue.

/// Namespace for capacity planning.
public enum Capacity {}
