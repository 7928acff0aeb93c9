// One random stream per concern, split from the root seed in a fixed order, so that changing
// how often one concern draws (say, a new cancel probability) leaves the others' draws alone.
import DiscreteEvent

/// The simulator's independent random streams.
struct RandomStreams {
    /// Inter-arrival times, burst periods, think times.
    var arrivals: Xoshiro256StarStar
    /// Run times.
    var runTimes: Xoshiro256StarStar
    /// Strategies of first texts and double texts.
    var strategies: Xoshiro256StarStar
    /// Thread choice from the pool.
    var threads: Xoshiro256StarStar
    /// Client decisions: double text, cancel, join, after_seconds and their delays.
    var clients: Xoshiro256StarStar
    /// Server-side draws: worker stop delays, retriable and graph errors.
    var server: Xoshiro256StarStar

    init(seed: UInt64) {
        var root = Xoshiro256StarStar(seed: seed)
        arrivals = root.split()
        runTimes = root.split()
        strategies = root.split()
        threads = root.split()
        clients = root.split()
        server = root.split()
    }
}
