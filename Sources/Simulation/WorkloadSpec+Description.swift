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
        cancel_stop_delay \(Self.describe(server.cancelStopDelay)), \
        restarts \(server.restarts.map { "every \(Self.describe($0.interval)), downtime \(Self.number(Double($0.downtimeMicroseconds) / 1_000)) ms" } ?? "off")
          threads: \(threads)
          arrivals: \(Self.describe(spec.arrivals))
          run_time: \(Self.describe(spec.runTime)), steps \(spec.steps)
          strategy_mix: \(Self.describe(spec.strategyMix))
          double_text: \(spec.doubleText.map { "p \($0.probability), delay \(Self.describe($0.delay)), mix \(Self.describe($0.strategyMix))" } ?? "off")
          cancel: \(spec.cancel.map { "p \($0.probability), delay \(Self.describe($0.delay)), actions \($0.actions.map { "\($0)" }.joined(separator: ", "))" } ?? "off")
          join: \(spec.join.map { "p \($0.probability), delay \(Self.describe($0.delay))" } ?? "off")
          after_seconds: \(spec.afterSeconds.map { "p \($0.probability), delay \(Self.describe($0.delay))" } ?? "off")
        """
    }

    public static func describe(_ distribution: Distribution) -> String {
        switch distribution.kind {
        case .constant(let value): "constant \(number(value)) ms"
        case .uniform(let lower, let upper): "uniform \(number(lower))-\(number(upper)) ms"
        case .exponential(let mean): "exponential mean \(number(mean)) ms"
        case .lognormal: "lognormal mean \(number(distribution.mean)) ms, sd \(number(distribution.variance.squareRoot())) ms"
        case .pareto(let scale, let shape): "pareto scale \(number(scale)) ms, shape \(number(shape))"
        case .empirical(let samples): "empirical, \(samples.count) samples"
        }
    }

    public static func describe(_ arrivals: ArrivalsSpec) -> String {
        switch arrivals {
        case .poisson(let rate): "poisson \(number(rate))/s"
        case .bursty(let rate, let on, let off): "bursty \(number(rate))/s, on \(number(on)) ms, off \(number(off)) ms (means)"
        case .diurnal(let rate, let amplitude, let period):
            "diurnal \(number(rate))/s, amplitude \(number(amplitude)), period \(number(period)) ms"
        case .closedLoop(let users, let think): "closed loop, \(users) users, think \(describe(think))"
        case .mmpp(let rates, let sojourns):
            "mmpp, states " + zip(rates, sojourns).map { "\(number($0))/s for \(number($1)) ms" }.joined(separator: ", ")
        }
    }

    /// A number as people write it: integers without a fraction, others to at most 6 decimals
    /// (so 799.9999999999999, an artefact of the lognormal's parameters, reads 800).
    static func number(_ value: Double) -> String {
        let rounded = abs(value) < 1e9 ? (value * 1e6).rounded() / 1e6 : value
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return "\(rounded)"
    }

    public static func describe(_ mix: StrategyMix) -> String {
        mix.strategies.indices.map { "\(mix.strategies[$0]) \(number(mix.choice.probability(of: $0)))" }
            .joined(separator: ", ")
    }
}
