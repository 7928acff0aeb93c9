// A run's last step decides its checkpoint, its success and the event-driven queue's dequeues in
// one execute, and a first text's create goes on to the dequeues too (see
// `SimulationEngine.execute(_:thenSucceed:thenDequeue:)`). These tests check that this is
// invisible: the same events, in the same order, and the same summary (with the same command and
// poll counts) as the engine that executes each command on its own.
import DiscreteEvent
import RunLifecycle
@testable import Simulation
import Testing

@Suite struct ChainedFollowUpsTests {
    /// Workloads that reach every path around the chained commands: event-driven and polling
    /// queues, one and several steps, retries, errors and timeouts, thread pools with double
    /// texts, cancels, joins and delayed runs, closed-loop users, and restarts.
    static let workloads: [String] = [
        """
        { "seed": 1, "runs": 3000, "server": { "slots": 10, "poll_interval_ms": 0, "profile": "documented" },
          "threads": { "mode": "fresh" }, "arrivals": { "process": "poisson", "rate_per_s": 8 },
          "run_time": { "distribution": "exponential", "mean_ms": 1000 }, "steps": 1, "strategy_mix": { "enqueue": 1 } }
        """,
        """
        { "seed": 2, "runs": 2000,
          "server": { "slots": 3, "poll_interval_ms": 0, "timeout_ms": 3000, "retry_probability": 0.1, "error_probability": 0.05 },
          "threads": { "mode": "fresh" }, "arrivals": { "process": "poisson", "rate_per_s": 2.5 },
          "run_time": { "distribution": "exponential", "mean_ms": 1000 }, "steps": 2, "strategy_mix": { "enqueue": 1 } }
        """,
        """
        { "seed": 3, "runs": 1500, "server": { "slots": 4, "poll_interval_ms": 0, "profile": "langgraph-inmem" },
          "threads": { "mode": "pool", "count": 30 }, "arrivals": { "process": "poisson", "rate_per_s": 4 },
          "run_time": { "distribution": "exponential", "mean_ms": 800 }, "steps": 1,
          "strategy_mix": { "enqueue": 4, "reject": 1, "interrupt": 1, "rollback": 1 },
          "double_text": { "probability": 0.3, "delay": { "distribution": "exponential", "mean_ms": 300 },
                           "strategy_mix": { "interrupt": 1, "rollback": 1, "enqueue": 1, "reject": 1 } },
          "cancel": { "probability": 0.05, "delay": { "distribution": "uniform", "min_ms": 0, "max_ms": 2000 },
                      "action_mix": { "interrupt": 1, "rollback": 1 } },
          "join": { "probability": 0.2, "delay": { "distribution": "constant", "mean_ms": 10 } },
          "after_seconds": { "probability": 0.1, "delay": { "distribution": "uniform", "min_ms": 100, "max_ms": 1500 } } }
        """,
        """
        { "seed": 4, "runs": 1500, "server": { "slots": 2, "poll_interval_ms": 0 },
          "threads": { "mode": "fresh" }, "arrivals": { "process": "closed_loop", "users": 6,
          "think_time": { "distribution": "exponential", "mean_ms": 500 } },
          "run_time": { "distribution": "exponential", "mean_ms": 400 }, "steps": 1, "strategy_mix": { "enqueue": 1 } }
        """,
        """
        { "seed": 5, "runs": 800,
          "server": { "slots": 3, "poll_interval_ms": 0, "profile": "langgraph-inmem",
                      "restarts": { "interval": { "distribution": "exponential", "mean_ms": 8000 }, "downtime_ms": 700 } },
          "threads": { "mode": "pool", "count": 20 }, "arrivals": { "process": "poisson", "rate_per_s": 2 },
          "run_time": { "distribution": "exponential", "mean_ms": 1200 }, "steps": 1,
          "strategy_mix": { "enqueue": 3, "interrupt": 1, "rollback": 1, "reject": 1 } }
        """,
        """
        { "seed": 6, "runs": 1500, "server": { "slots": 4, "poll_interval_ms": 50 },
          "threads": { "mode": "fresh" }, "arrivals": { "process": "poisson", "rate_per_s": 3 },
          "run_time": { "distribution": "exponential", "mean_ms": 1000 }, "steps": 1, "strategy_mix": { "enqueue": 1 } }
        """,
    ]

    static func run(_ json: String, chaining: Bool) -> (digest: UInt64, summary: SimulationSummary, commands: UInt64, polls: UInt64) {
        var simulator = Simulator(spec: spec(json), sink: DigestSink())
        simulator.engine.chainsFollowUps = chaining
        let summary = simulator.run()
        return (simulator.sink.digest, summary, simulator.engine.metrics.commands, simulator.engine.metrics.pollsIssued)
    }

    @Test(arguments: 0..<workloads.count)
    func chainingChangesNothing(workload: Int) {
        let chained = Self.run(Self.workloads[workload], chaining: true)
        let separate = Self.run(Self.workloads[workload], chaining: false)
        #expect(chained.digest == separate.digest)
        #expect(chained.summary == separate.summary)
        #expect(chained.commands == separate.commands)
        #expect(chained.polls == separate.polls)
        #expect(chained.summary.events > 1_000, "the workload should run: \(chained.summary)")
    }
}
