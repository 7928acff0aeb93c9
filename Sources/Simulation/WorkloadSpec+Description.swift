// The options a spec expands to, defaults included: printed first by `runledger simulate` so
// that a run's output says exactly what was simulated.
import DiscreteEvent
import RunLifecycle

extension WorkloadSpec {
    /// The options the spec expanded to, defaults included.
    public var expandedOptions: String {
        let spec = self
        let length: String
        switch spec.length {
        case .runs(let runs): length = "runs \(runs)"
        case .durationMilliseconds(let duration): length = "duration_ms \(duration)"
        }
        let threads: String
        switch spec.threads.mode {
        case .fresh: threads = "fresh"
        case .pool(let count, .uniform): threads = "pool of \(count), uniform"
        case .pool(let count, .zipf(let exponent)): threads = "pool of \(count), zipf \(exponent)"
        }
        let server = spec.server
        return """
        options:
          \(length)
          server: slots \(server.slots), poll_interval_ms \(server.pollIntervalMilliseconds)\
        \(server.pollIntervalMilliseconds == 0 ? " (event-driven)" : ""), profile \(server.profile.name), \
        max_retries \(server.maxRetries), timeout_ms \(server.timeoutMilliseconds.map(String.init) ?? "none"), \
        retry_probability \(server.retryProbability), error_probability \(server.errorProbability), \
        cancel_stop_delay \(Self.describe(server.cancelStopDelay))
          threads: \(threads)
          arrivals: \(spec.arrivals)
          run_time: \(Self.describe(spec.runTime)), steps \(spec.steps)
          strategy_mix: \(Self.describe(spec.strategyMix))
          double_text: \(spec.doubleText.map { "p \($0.probability), delay \(Self.describe($0.delay)), mix \(Self.describe($0.strategyMix))" } ?? "off")
          cancel: \(spec.cancel.map { "p \($0.probability), delay \(Self.describe($0.delay)), actions \($0.actions)" } ?? "off")
          join: \(spec.join.map { "p \($0.probability), delay \(Self.describe($0.delay))" } ?? "off")
          after_seconds: \(spec.afterSeconds.map { "p \($0.probability), delay \(Self.describe($0.delay))" } ?? "off")
        """
    }

    public static func describe(_ distribution: Distribution) -> String {
        switch distribution.kind {
        case .constant(let value): "constant \(value) ms"
        case .uniform(let lower, let upper): "uniform \(lower)-\(upper) ms"
        case .exponential(let mean): "exponential mean \(mean) ms"
        case .lognormal: "lognormal mean \(distribution.mean) ms, sd \(distribution.variance.squareRoot()) ms"
        case .pareto(let scale, let shape): "pareto scale \(scale) ms, shape \(shape)"
        case .empirical(let samples): "empirical, \(samples.count) samples"
        }
    }

    public static func describe(_ mix: StrategyMix) -> String {
        mix.strategies.indices.map { "\(mix.strategies[$0]) \(mix.choice.probability(of: $0))" }
            .joined(separator: ", ")
    }

}
