import RunLifecycle
import Simulation
import Testing

/// The seed is the test case: the same workload and seed must give the same event stream.
@Suite struct DeterminismTests {
    /// A workload that touches every client feature, under both profiles.
    static func busyWorkload(profile: String, seed: UInt64) -> WorkloadSpec {
        spec("""
        {
          "seed": \(seed), "runs": 1500,
          "server": { "slots": 3, "poll_interval_ms": 500, "profile": "\(profile)", "timeout_ms": 9000,
                      "retry_probability": 0.02, "error_probability": 0.01 },
          "threads": { "mode": "pool", "count": 40, "popularity": "zipf", "zipf_exponent": 1.1 },
          "arrivals": { "process": "bursty", "rate_per_s": 4, "on_ms": 20000, "off_ms": 10000 },
          "run_time": { "distribution": "lognormal", "mean_ms": 1200, "cv": 1.5 },
          "steps": 3,
          "strategy_mix": { "enqueue": 4, "reject": 1, "interrupt": 1, "rollback": 1 },
          "double_text": { "probability": 0.3, "delay": { "distribution": "exponential", "mean_ms": 800 },
                           "strategy_mix": { "interrupt": 1, "rollback": 1, "enqueue": 1, "reject": 1 } },
          "cancel": { "probability": 0.05, "delay": { "distribution": "uniform", "min_ms": 0, "max_ms": 3000 },
                      "action_mix": { "interrupt": 1, "rollback": 1 } },
          "join": { "probability": 0.2, "delay": { "distribution": "constant", "mean_ms": 10 } },
          "after_seconds": { "probability": 0.05, "delay": { "distribution": "uniform", "min_ms": 500, "max_ms": 3000 } }
        }
        """)
    }

    static func digest(_ workload: WorkloadSpec, seed: UInt64? = nil) -> (UInt64, SimulationSummary) {
        var simulator = Simulator(spec: workload, seed: seed, sink: DigestSink())
        let summary = simulator.run()
        return (simulator.sink.digest, summary)
    }

    /// Two runs in one process give the same digest and summary; another seed changes the digest.
    @Test(arguments: ["documented", "langgraph-inmem"])
    func sameSeedSameEvents(profile: String) {
        let workload = Self.busyWorkload(profile: profile, seed: 11)
        let (first, firstSummary) = Self.digest(workload)
        let (second, secondSummary) = Self.digest(workload)
        #expect(first == second, "seed 11 \(profile): digests differ")
        #expect(firstSummary == secondSummary)
        #expect(firstSummary.events > 10_000, "the workload should be busy: \(firstSummary)")
        let (other, _) = Self.digest(workload, seed: 12)
        #expect(other != first, "seeds 11 and 12 gave the same events")
    }

    /// The event count the summary reports equals what a counting sink saw, with no gaps.
    @Test func summaryCountsEverySinkEvent() {
        var simulator = Simulator(spec: Self.busyWorkload(profile: "documented", seed: 5), sink: CountingSink())
        let summary = simulator.run()
        #expect(summary.events == simulator.sink.eventCount)
        #expect(summary.runsCreated + summary.runsRejected == summary.runsRequested)
        let settled = RunOutcome.allCases.reduce(UInt64(0)) { $0 + summary.count($1) }
        #expect(settled == summary.runsCreated)
    }

    /// Every strategy mix, many seeds, documented profile: the final state is structurally
    /// sound and keeps the documented promises (thread busy exactly while active, no overlap).
    @Test(arguments: 1...6)
    func documentedProfileKeepsItsPromises(seed: UInt64) {
        var simulator = Simulator(spec: Self.busyWorkload(profile: "documented", seed: seed), sink: CountingSink())
        let summary = simulator.run()
        #expect(simulator.state.structuralViolations().isEmpty, "seed \(seed): \(simulator.state.structuralViolations())")
        #expect(
            simulator.state.documentedConsistencyViolations().isEmpty,
            "seed \(seed): \(simulator.state.documentedConsistencyViolations())")
        #expect(summary.count(.pending) == 0 && summary.count(.running) == 0, "seed \(seed) did not drain: \(summary)")
        #expect(summary.count(.interrupted) > 0 && summary.count(.rolledBack) > 0 && summary.runsRejected > 0)
    }
}
