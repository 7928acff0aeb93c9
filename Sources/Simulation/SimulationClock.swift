// Conversions between the kernel's clock and the domain's timestamps (both integer µs from 0).
import DiscreteEvent
import RunLifecycle

extension SimulatedTime {
    /// The domain timestamp of this instant (the simulator's epoch is 0).
    @inlinable var timestamp: Timestamp { Timestamp(microsecondsSinceEpoch: microsecondsSinceStart) }
}

extension Distribution {
    /// A draw in milliseconds, as whole microseconds (never negative).
    @inlinable func sampleMicroseconds(using generator: inout Xoshiro256StarStar) -> Int64 {
        let milliseconds = sample(using: &generator)
        guard milliseconds > 0 else { return 0 }
        // Clamp absurd tails (a Pareto draw) to about 3 years, far beyond any simulation.
        return roundedToInt64(min(milliseconds * 1_000, 1e14))
    }
}
