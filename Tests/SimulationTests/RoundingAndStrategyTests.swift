// The engine's shortcuts that must not change a value: rounding without libm's `round`, and
// skipping the strategy draw when every mix has a single strategy.
import DiscreteEvent
import PropertyBased
@testable import Simulation
import Testing

@Suite struct RoundingAndStrategyTests {
    @Test func roundingMatchesTheStandardLibraryOnHalvesAndNeighbours() {
        // Proves the truncate-and-correct rounding gives Int64(x.rounded()) at the tricky
        // points: exact halves (away from zero), the doubles just beside them, and large values.
        var values: [Double] = [0, -0.0, 0.49999999999999994, 0.5, -0.5, 1.5, 2.5, -2.5, 1e14, 4_503_599_627_370_495.5]
        for whole in [0.0, 1, 2, 41, 1_000, 123_456_789, 1e12] {
            for base in [whole + 0.5, -(whole + 0.5)] {
                values += [base, base.nextUp, base.nextDown]
            }
        }
        for value in values {
            #expect(roundedToInt64(value) == Int64(value.rounded()), "\(value)")
        }
    }

    @Test func roundingMatchesTheStandardLibraryOnRandomDraws() async {
        // Proves the same over random magnitudes across the simulator's range (up to 1e14 µs).
        await propertyCheck(count: 500, input: Gen.double(in: -1e14...1e14)) { value in
            #expect(roundedToInt64(value) == Int64(value.rounded()), "\(value)")
            let small = value / 1e12
            #expect(roundedToInt64(small) == Int64(small.rounded()), "\(small)")
        }
    }

    @Test func theStrategyDrawIsSkippedOnlyWhenEveryMixHasOneStrategy() {
        // Proves the flag: a single first-text strategy alone skips the draw, a double-text mix
        // of two strategies (drawing from the same stream) keeps it.
        let single = SimulationEngine(spec: mmcSpec(servers: 2, rho: 0.5, customers: 10, seed: 1), seed: nil)
        #expect(single.strategiesAreFixed)
        let mixed = spec("""
        {
          "seed": 1, "runs": 10,
          "server": { "slots": 2, "poll_interval_ms": 0 },
          "threads": { "mode": "fresh" },
          "arrivals": { "process": "poisson", "rate_per_s": 1 },
          "run_time": { "distribution": "exponential", "mean_ms": 1000 },
          "steps": 1,
          "strategy_mix": { "enqueue": 1 },
          "double_text": { "probability": 0.5, "delay": { "distribution": "constant", "mean_ms": 10 },
                           "strategy_mix": { "enqueue": 1, "interrupt": 1 } }
        }
        """)
        #expect(!SimulationEngine(spec: mixed, seed: nil).strategiesAreFixed)
    }
}
