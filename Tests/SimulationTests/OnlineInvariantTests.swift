import Invariants
import RunLifecycle
import Simulation
import Testing

/// The independent checker rides along every simulation. Over many seeds and every strategy
/// mix, the documented profile breaks nothing and diverges nowhere; the in-memory profile only
/// diverges where a named quirk explains it (and does so wherever double texts cancel runs);
/// and the coverage counters, summed over the batch, show the rare interleavings were reached.
@Suite struct OnlineInvariantTests {
    /// Every strategy alone, and all four mixed.
    static let mixes: [String] = [
        #"{ "enqueue": 1 }"#, #"{ "reject": 1 }"#, #"{ "interrupt": 1 }"#, #"{ "rollback": 1 }"#,
        #"{ "enqueue": 1, "reject": 1, "interrupt": 1, "rollback": 1 }"#,
    ]
    static let seeds: ClosedRange<UInt64> = 1...30

    /// Few threads and slots, a fast poller, many double texts, delayed runs, cancels and
    /// joins: small, but crowded enough to reach the rare interleavings.
    static func crowded(profile: String, mix: String, seed: UInt64) -> WorkloadSpec {
        spec("""
        {
          "seed": \(seed), "runs": 40,
          "server": { "slots": 2, "poll_interval_ms": 100, "profile": "\(profile)", "retry_probability": 0.02 },
          "threads": { "mode": "pool", "count": 5 },
          "arrivals": { "process": "poisson", "rate_per_s": 4 },
          "run_time": { "distribution": "exponential", "mean_ms": 400 },
          "steps": 2,
          "strategy_mix": \(mix),
          "double_text": { "probability": 0.6, "delay": { "distribution": "exponential", "mean_ms": 150 },
                           "strategy_mix": \(mix) },
          "cancel": { "probability": 0.05, "delay": { "distribution": "uniform", "min_ms": 0, "max_ms": 500 },
                      "action_mix": { "interrupt": 1, "rollback": 1 } },
          "join": { "probability": 0.2, "delay": { "distribution": "constant", "mean_ms": 5 } },
          "after_seconds": { "probability": 0.25, "delay": { "distribution": "uniform", "min_ms": 100, "max_ms": 800 } }
        }
        """)
    }

    struct Batch {
        var failures: [String] = []
        var divergences = 0
        var coverage = Coverage()
        var events: UInt64 = 0
    }

    /// Plays every seed of `mix` under `profile` with the checker plugged in.
    static func play(profile: String, mix: String) -> Batch {
        var batch = Batch()
        for seed in seeds {
            let workload = crowded(profile: profile, mix: mix, seed: seed)
            var simulator = Simulator(spec: workload, sink: InvariantSink(spec: workload))
            let summary = simulator.run()
            let checker = simulator.sink.checker
            for violation in checker.violations where violation.kind != .profileDivergence {
                batch.failures.append("seed \(seed) \(profile) \(mix): \(violation)")
            }
            #expect(summary.invariantViolations == checker.failureCount)
            #expect(summary.profileDivergences == checker.profileDivergenceCount)
            batch.divergences += checker.profileDivergenceCount
            batch.coverage.merge(checker.coverage)
            batch.events += summary.events
        }
        return batch
    }

    @Test(arguments: mixes)
    func documentedBreaksNothing(mix: String) {
        let batch = Self.play(profile: "documented", mix: mix)
        #expect(batch.failures.isEmpty, "\(batch.failures.prefix(5))")
        #expect(batch.divergences == 0, "documented diverged \(batch.divergences) times under \(mix)")
        #expect(batch.events > 5_000)
    }

    /// Only quirks diverge in memory; a mix whose double texts cancel runs shows some.
    @Test(arguments: mixes)
    func inMemoryOnlyDiverges(mix: String) {
        let batch = Self.play(profile: "langgraph-inmem", mix: mix)
        #expect(batch.failures.isEmpty, "\(batch.failures.prefix(5))")
        if mix.contains("interrupt") || mix.contains("rollback") {
            #expect(batch.divergences > 0, "no quirk showed under \(mix)")
        }
    }

    /// Summed over the seeds of the mixed strategies, the rare interleavings were reached.
    @Test func rareInterleavingsAreReached() {
        let coverage = Self.play(profile: "documented", mix: Self.mixes.last!).coverage
        #expect(coverage.rollbacksOfDelayedRuns > 0, "no delayed run was superseded by rollback")
        #expect(coverage.rejectsAgainstDelayedPendingRun > 0, "no reject met a delayed run")
        #expect(coverage.headOfLineBlocks > 0, "no head-of-line blocking")
        #expect(coverage.interruptsHittingSeveralPendingRuns > 0, "no interrupt of several pending runs")
        #expect(coverage.rollbacksOfRunningRuns > 0 && coverage.interruptChains > 0)
        #expect(coverage.joinsAnsweredNotFound > 0 && coverage.retries > 0)
    }
}
