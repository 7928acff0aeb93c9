// Feeds a recorded trace into the simulation and compares outcomes with the recorded truth:
// ReplayInputBuilder (trace items -> runs and requests), ReplayEngine (the simulation),
// ReplayReport (run-by-run comparison, first divergence, what-if changes).
import Traces

/// Namespace for trace replay.
public enum Replay {
    /// Builds the input from `items`, replays it and compares: the whole pipeline in one call.
    public static func replay(
        items: [TraceItem], format: TraceFormat? = nil, options: ReplayOptions = ReplayOptions()
    ) -> (run: ReplayRun, report: ReplayReport) {
        var builder = ReplayInputBuilder(format: format)
        for item in items { builder.add(item) }
        let run = ReplayEngine.run(builder.finish(), options: options)
        return (run, ReplayReport(run))
    }
}
