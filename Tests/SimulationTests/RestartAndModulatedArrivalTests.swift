// Server restarts and Markov-modulated arrivals in generated workloads.
import DiscreteEvent
import RunLifecycle
import Simulation
import Testing

/// Records restarts, starts and terminal events, to check what a restart does to the queue.
private struct RestartSink: EventSink {
    var restarts: [Int64] = []
    var startsAfterRestart: [(restart: Int64, start: Int64)] = []
    var attemptsAboveOne = 0
    var created = 0
    var ended: Set<RunID> = []

    mutating func receive(_ event: Event, sequence: UInt64) {
        switch event {
        case .serverRestarted(_, let at):
            restarts.append(at.microsecondsSinceEpoch)
        case .started(_, _, let attempt, let at):
            if attempt > 1 { attemptsAboveOne += 1 }
            if let last = restarts.last, startsAfterRestart.last?.restart != last {
                startsAfterRestart.append((last, at.microsecondsSinceEpoch))
            }
        case .created:
            created += 1
        case .succeeded(let run, _, _), .failed(let run, _, _, _), .timedOut(let run, _, _),
            .interrupted(let run, _, _, _, _), .rolledBack(let run, _, _, _), .deleted(let run, _, _):
            ended.insert(run)
        default:
            break
        }
    }
}

private func restartSpec(profile: String, downtime: Int, poll: Int) -> WorkloadSpec {
    spec("""
    { "seed": 11, "runs": 600,
      "server": { "slots": 3, "poll_interval_ms": \(poll), "profile": "\(profile)",
                  "restarts": { "interval": { "distribution": "exponential", "mean_ms": 8000 }, "downtime_ms": \(downtime) } },
      "threads": { "mode": "pool", "count": 20 },
      "arrivals": { "process": "poisson", "rate_per_s": 2 },
      "run_time": { "distribution": "exponential", "mean_ms": 1200 },
      "steps": 3, "strategy_mix": { "enqueue": 3, "interrupt": 1, "rollback": 1, "reject": 1 } }
    """)
}

@Suite struct RestartAndModulatedArrivalTests {
    /// Restarts happen, put running runs back to pending (later attempts), the queue stays down
    /// for the downtime, and every run still ends: nothing is stranded.
    @Test(arguments: ["documented", "langgraph-inmem"], [0, 1000])
    func restartsRequeueRunningRunsAndEverythingEnds(profile: String, poll: Int) {
        var simulator = Simulator(spec: restartSpec(profile: profile, downtime: 300, poll: poll), sink: RestartSink())
        let summary = simulator.run()
        let sink = simulator.sink
        #expect(summary.serverRestarts > 10, "restarts: \(summary.serverRestarts)")
        #expect(summary.serverRestarts == UInt64(sink.restarts.count))
        #expect(summary.retries > 0)
        if profile == "documented" { #expect(sink.attemptsAboveOne > 0) }
        #expect(summary.count(.pending) == 0 && summary.count(.running) == 0)
        #expect(sink.ended.count == sink.created, "every created run ended")
        for pair in sink.startsAfterRestart {
            #expect(pair.start >= pair.restart + 300_000, "a run started \(pair.start - pair.restart) µs into a 300 ms downtime")
        }
    }

    /// The online checker, told the downtime, finds nothing wrong with restarts: the poller
    /// owes no dispatch while the queue is down, and re-queued runs start again afterwards.
    @Test(arguments: ["documented", "langgraph-inmem"], [0, 200])
    func invariantsHoldAcrossRestarts(profile: String, poll: Int) {
        let restarting = restartSpec(profile: profile, downtime: 300, poll: poll)
        var simulator = Simulator(spec: restarting, sink: InvariantSink(spec: restarting))
        let summary = simulator.run()
        #expect(summary.serverRestarts > 10)
        #expect(summary.invariantViolations == 0, "\(simulator.sink.checker.violations.prefix(3).map(\.description))")
        if profile == "documented" { #expect(summary.profileDivergences == 0) }
    }

    /// Regression (soak case 282027047013485): restarts every ~29 ms with a 472 ms downtime
    /// once kept the queue down forever. Intervals now start when the queue is back, and
    /// restarts stop with the arrivals, so the work drains.
    @Test func restartsFasterThanTheirDowntimeStillDrain() {
        let storm = spec("""
        { "seed": 282027047013485, "runs": 200,
          "server": { "slots": 1, "poll_interval_ms": 10, "profile": "langgraph-inmem",
                      "restarts": { "interval": { "distribution": "exponential", "mean_ms": 29.397 }, "downtime_ms": 471.977 } },
          "threads": { "mode": "pool", "count": 100 },
          "arrivals": { "process": "poisson", "rate_per_s": 121.682 },
          "run_time": { "distribution": "constant", "mean_ms": 5 },
          "steps": 2, "strategy_mix": { "enqueue": 1, "interrupt": 1, "rollback": 3 } }
        """)
        var simulator = Simulator(spec: storm, sink: InvariantSink(spec: storm))
        var items = 0
        while simulator.advance(maximumItems: 10_000) {
            items += 10_000
            if items > 10_000_000 { break }
        }
        #expect(items <= 10_000_000, "the simulation did not drain")
        let summary = simulator.summary()
        #expect(summary.serverRestarts > 0)
        #expect(summary.count(.pending) == 0 && summary.count(.running) == 0)
        #expect(summary.invariantViolations == 0)
    }

    /// The same spec and seed give the same run, restarts included.
    @Test func restartsAreDeterministic() {
        var first = Simulator(spec: restartSpec(profile: "langgraph-inmem", downtime: 100, poll: 0), sink: DigestSink())
        var second = Simulator(spec: restartSpec(profile: "langgraph-inmem", downtime: 100, poll: 0), sink: DigestSink())
        _ = first.run()
        _ = second.run()
        #expect(first.sink.digest == second.sink.digest)
    }

    /// The first texts per second an MMPP workload sends over `seconds` of simulated time.
    private func arrivalRate(rates: [Double], sojourns: [Double], seconds: Int, seed: UInt64) -> Double {
        let mmpp = spec("""
        { "seed": \(seed), "duration_ms": \(seconds * 1_000),
          "server": { "slots": 100, "poll_interval_ms": 0 },
          "threads": { "mode": "fresh" },
          "arrivals": { "process": "mmpp", "rates_per_s": \(rates), "sojourn_ms": \(sojourns) },
          "run_time": { "distribution": "constant", "mean_ms": 1 },
          "steps": 1, "strategy_mix": { "enqueue": 1 } }
        """)
        var simulator = Simulator(spec: mmpp, sink: CountingSink())
        return Double(simulator.run().runsCreated) / Double(seconds)
    }

    /// An MMPP's long-run rate is the sojourn-weighted mean of its state rates; with rates 2/s
    /// and 10/s and sojourns 1 s and 3 s it is (2·1 + 10·3) / 4 = 8/s.
    @Test func modulatedArrivalsHaveTheStationaryMeanRate() {
        let rate = arrivalRate(rates: [2, 10], sojourns: [1000, 3000], seconds: 2_000, seed: 5)
        #expect(abs(rate - 8) / 8 < 0.03, "rate \(rate)/s")
    }

    /// A state with rate 0 is an off period: MMPP with rates [0, r] is the on/off process.
    /// About 1,000 on/off cycles: the count's relative standard deviation is about 4 %.
    @Test func aZeroRateStateSendsNothing() {
        let rate = arrivalRate(rates: [0, 20], sojourns: [3000, 1000], seconds: 4_000, seed: 3)
        #expect(abs(rate - 5) / 5 < 0.1, "rate \(rate)/s")
    }
}
