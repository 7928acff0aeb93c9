// The engine skips its thread table while every thread can hold only one run (fresh threads,
// no client actions; see SimulationEngine+SingleRunThreads.swift). These tests check that this
// is invisible, against the same simulation with the table kept from the start.
import DiscreteEvent
import RunLifecycle
@testable import Simulation
import Testing

@Suite struct SingleRunThreadsTests {
    /// Fresh threads, no client actions; retries (a worker leaves, its run stays), errors,
    /// timeouts and two steps per run.
    static func workload(seed: UInt64) -> WorkloadSpec {
        spec("""
        {
          "seed": \(seed), "runs": 3000,
          "server": { "slots": 4, "poll_interval_ms": 0, "timeout_ms": 4000,
                      "retry_probability": 0.2, "error_probability": 0.02 },
          "threads": { "mode": "fresh" },
          "arrivals": { "process": "poisson", "rate_per_s": 3.4 },
          "run_time": { "distribution": "exponential", "mean_ms": 1000 },
          "steps": 2,
          "strategy_mix": { "enqueue": 1 }
        }
        """)
    }

    /// Simulators of `seed`'s workload: one as it starts (table off), one with the table on.
    static func pair(seed: UInt64) -> (skipping: Simulator<DigestSink>, tracking: Simulator<DigestSink>) {
        let skipping = Simulator(spec: workload(seed: seed), sink: DigestSink())
        var tracking = Simulator(spec: workload(seed: seed), sink: DigestSink())
        tracking.engine.trackThreads()
        return (skipping, tracking)
    }

    /// The summary's text, and the figures the thread table feeds, which the text leaves out.
    static func expectSameFigures(_ skipped: SimulationSummary, _ tracked: SimulationSummary) {
        #expect(skipped == tracked)
        #expect(skipped.threadQueueDepthMax == tracked.threadQueueDepthMax)
        #expect(skipped.ownThreadWait == tracked.ownThreadWait)
        #expect(skipped.slotWait == tracked.slotWait)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func skippingTheThreadTableChangesNothing(seed: UInt64) {
        var (skipping, tracking) = Self.pair(seed: seed)
        #expect(skipping.engine.threadsHoldOneRun)
        #expect(!tracking.engine.threadsHoldOneRun)
        let skipped = skipping.run(), tracked = tracking.run()
        Self.expectSameFigures(skipped, tracked)
        #expect(skipping.sink.digest == tracking.sink.digest)
        #expect(skipped.retries > 100, "the workload should retry often: \(skipped)")
    }

    /// A scripted create on the thread of a generated run in flight (one whose worker left,
    /// if any) switches the table on: it must hold that run as if it had been on all along,
    /// or the new run's queue depth and wait behind its thread's own run would differ.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func theTableSwitchedOnMidRunHoldsTheRunsInFlight(seed: UInt64) {
        var (skipping, tracking) = Self.pair(seed: seed)
        _ = skipping.advance(maximumItems: 3_000)
        _ = tracking.advance(maximumItems: 3_000)
        let engine = skipping.engine
        let inFlight = engine.runs.occupiedIndices.map { engine.runs[$0].threadID }
        #expect(!inFlight.isEmpty)
        guard let any = inFlight.first else { return }
        let thread = inFlight.first { engine.untrackedWorkerEnds[$0] != nil } ?? any
        let command = Command.createRun(CreateRun(
            threadID: thread, strategy: .enqueue, ifNotExists: .create, work: [.milliseconds(500)],
            at: Timestamp(microsecondsSinceEpoch: skipping.now.microsecondsSinceStart + 1)))
        skipping.perform(scripted: command)
        tracking.perform(scripted: command)
        #expect(!skipping.engine.threadsHoldOneRun)
        let skipped = skipping.run(), tracked = tracking.run()
        Self.expectSameFigures(skipped, tracked)
        #expect(skipped.threadQueueDepthMax == 2)
        #expect(skipping.sink.digest == tracking.sink.digest)
    }
}
