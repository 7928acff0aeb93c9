// The workload spec: what the simulated server is and what its clients do. Field names follow
// traces/workloads/README.md, which documents each one; parsing lives in WorkloadSpec+Parsing.
import DiscreteEvent
import RunLifecycle

/// A whole workload: server, threads, arrivals, run work and client behaviour.
public struct WorkloadSpec: Hashable, Sendable {
    /// The root seed; every random stream is split from it. `--seed` overrides it.
    public var seed: UInt64
    /// When the workload stops generating arrivals.
    public var length: Length
    public var server: ServerSpec
    public var threads: ThreadsSpec
    public var arrivals: ArrivalsSpec
    /// The total execution time of a run (split evenly over its steps).
    public var runTime: Distribution
    /// Steps per run; the worker writes one checkpoint per completed step.
    public var steps: Int
    /// The strategy of a first text (not a double text).
    public var strategyMix: StrategyMix
    /// Follow-up runs on the same thread while the first may still be in flight.
    public var doubleText: DoubleTextSpec?
    /// Clients that cancel their run after a delay.
    public var cancel: CancelSpec?
    /// Clients that join their run after a delay.
    public var join: DelayedActionSpec?
    /// Runs created with `after_seconds`.
    public var afterSeconds: DelayedActionSpec?

    /// When arrivals stop. The simulation then drains: it ends when nothing is left to do.
    public enum Length: Hashable, Sendable {
        /// After this many first texts (double texts come on top).
        case runs(Int)
        /// After this much simulated time, in milliseconds.
        case durationMilliseconds(Int64)
    }
}

/// The server: `N_JOBS_PER_WORKER` slots, the poller, the profile, timeouts and retries.
public struct ServerSpec: Hashable, Sendable {
    /// Worker slots.
    public var slots: Int
    /// The poller's sleep after an empty poll, in milliseconds; 0 selects event-driven dequeue.
    public var pollIntervalMilliseconds: Int64
    /// Which server's behaviour the domain follows.
    public var profile: BehaviourProfile
    /// `BG_JOB_MAX_RETRIES`.
    public var maxRetries: UInt32
    /// `BG_JOB_TIMEOUT_SECS`, in milliseconds; nil never times out.
    public var timeoutMilliseconds: Int64?
    /// How long a cancelled worker takes to stop, in milliseconds (observed 0.1–3.4 ms).
    public var cancelStopDelay: Distribution
    /// The chance that a step ends in a retriable error (the run goes back to pending).
    public var retryProbability: Double
    /// The chance that a step ends in a graph error (the run ends `error`).
    public var errorProbability: Double
    /// Graceful restarts while the workload runs; nil never restarts.
    public var restarts: RestartSpec? = nil
}

/// Graceful server restarts (SIGTERM, §2 of the reference): every worker is cancelled, running
/// runs go back to pending, and the queue starts polling again after a downtime.
public struct RestartSpec: Hashable, Sendable {
    /// Time from the end of one restart's downtime to the next restart; restarts stop once no
    /// first text can arrive.
    public var interval: Distribution
    /// How long the queue is down (no dequeue) after each restart, in microseconds. Requests
    /// still arrive meanwhile (as if a load balancer held them), so they queue up.
    public var downtimeMicroseconds: Int64
}

/// Which threads runs go to.
public struct ThreadsSpec: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        /// A new thread (created with `if_not_exists=create`) for every first text.
        case fresh
        /// A fixed pool of `count` threads, chosen by popularity.
        case pool(count: Int, popularity: Popularity)
    }

    public enum Popularity: Hashable, Sendable {
        case uniform
        case zipf(exponent: Double)
    }

    public var mode: Mode
}

/// How first texts arrive.
public enum ArrivalsSpec: Hashable, Sendable {
    /// Exponential inter-arrival times.
    case poisson(ratePerSecond: Double)
    /// On/off: Poisson at `ratePerSecond` during on periods, nothing during off periods; period
    /// lengths are exponential with the given means.
    case bursty(ratePerSecond: Double, onMeanMilliseconds: Double, offMeanMilliseconds: Double)
    /// A Poisson process whose rate follows `rate × (1 + amplitude × sin(2πt / period))`.
    case diurnal(ratePerSecond: Double, amplitude: Double, periodMilliseconds: Double)
    /// `users` users, each sending a run, waiting until it ends, then thinking.
    case closedLoop(users: Int, thinkTime: Distribution)
    /// A Markov-modulated Poisson process: Poisson at `ratesPerSecond[k]` while in state `k`;
    /// each state lasts an exponential time with mean `meanSojournMilliseconds[k]`, then the
    /// process moves to another state chosen uniformly (with two states: the other one).
    case mmpp(ratesPerSecond: [Double], meanSojournMilliseconds: [Double])
}

/// A strategy → weight table.
public struct StrategyMix: Hashable, Sendable {
    public var strategies: [MultitaskStrategy]
    public var choice: WeightedChoice

    /// Always `strategy`.
    public static func only(_ strategy: MultitaskStrategy) -> StrategyMix {
        // A single positive weight is always valid.
        StrategyMix(strategies: [strategy], choice: try! WeightedChoice(weights: [1]))
    }
}

/// A follow-up run on the same thread.
public struct DoubleTextSpec: Hashable, Sendable {
    public var probability: Double
    /// From the first text's request to the follow-up's, in milliseconds.
    public var delay: Distribution
    public var strategyMix: StrategyMix
}

/// A client action taken with some probability after a delay (ms).
public struct DelayedActionSpec: Hashable, Sendable {
    public var probability: Double
    public var delay: Distribution
}

/// A client that cancels its run.
public struct CancelSpec: Hashable, Sendable {
    public var probability: Double
    public var delay: Distribution
    /// Weights of interrupt (index 0) and rollback (index 1).
    public var actions: [CancelAction]
    public var actionChoice: WeightedChoice
}
