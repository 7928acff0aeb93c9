import RunLifecycle
import Simulation
import Testing

/// The poller against the real server's timing (shared/reference/real-server-notes.md).
@Suite struct PollerTimingTests {
    /// An idle queue picks a new run up 0.5–1.0 s after its creation (observed 546–970 ms):
    /// the poll's `now` is captured before its 500 ms sleep.
    @Test func idlePickUpTakesHalfToOneSecond() {
        var simulator = Simulator(spec: spec("""
        {
          "seed": 4, "runs": 400,
          "server": { "slots": 1, "poll_interval_ms": 500, "profile": "langgraph-inmem" },
          "threads": { "mode": "fresh" },
          "arrivals": { "process": "poisson", "rate_per_s": 0.1 },
          "run_time": { "distribution": "constant", "mean_ms": 50 }
        }
        """), sink: TimelineSink())
        _ = simulator.run()
        let timelines = simulator.sink.runs.compactMap { $0 }
        #expect(timelines.count == 400)
        // An idle pick-up: the run arrives after the previous run (1 slot, FIFO) has ended.
        let idle = timelines.indices.filter { $0 == 0 || timelines[$0].createdAt > timelines[$0 - 1].workerEndedAt! }
        let waits = idle.map { timelines[$0].firstStartedAt! - timelines[$0].createdAt }
        #expect(waits.count >= 340, "with 10 s between arrivals most runs meet an idle queue, got \(waits.count)")
        #expect(waits.allSatisfy { $0 >= 500_000 && $0 <= 1_000_000 }, "min \(waits.min()!) µs, max \(waits.max()!) µs")
    }

    /// A run enqueued behind a running run on its thread starts within 0.5 s after the blocker
    /// ends (observed 290–500 ms with 10 workers), and never before.
    @Test func enqueuedRunStartsWithinHalfASecondOfItsBlocker() {
        var simulator = Simulator(spec: scriptedSpec(slots: 10, pollMilliseconds: 500), sink: TimelineSink())
        for index in 0..<20 {
            let base = Int64(index) * 10_000 + Int64(index * 37 % 500)
            simulator.inject(create(thread: UInt32(index + 1), at: base, steps: [500, 500, 500, 500]))
            simulator.inject(create(thread: UInt32(index + 1), at: base + 50 + Int64(index * 13 % 900), steps: [300]))
        }
        _ = simulator.run()
        for index in 0..<20 {
            let blocker = simulator.sink.timeline(UInt32(2 * index + 1))
            let queued = simulator.sink.timeline(UInt32(2 * index + 2))
            let gap = queued.firstStartedAt! - blocker.endedAt!
            #expect(gap >= 0 && gap <= 500_000, "pair \(index): started \(gap) µs after the blocker ended")
        }
    }

    /// With 1 slot the next queued run starts at once when the slot frees, because the poll
    /// that dispatched the blocker was not empty, so the loop does not sleep (z_…_1jobs).
    @Test func singleSlotHandsOverAtOnce() {
        var simulator = Simulator(spec: scriptedSpec(slots: 1, pollMilliseconds: 500), sink: TimelineSink())
        simulator.inject(create(thread: 1, at: 0, steps: [500, 500]))
        simulator.inject(create(thread: 2, at: 100, steps: [500, 500]))
        _ = simulator.run()
        let first = simulator.sink.timeline(1)
        let second = simulator.sink.timeline(2)
        #expect(second.firstStartedAt! == first.endedAt!)
    }

    /// y_head_of_line_2jobs: A1 (6 × 0.5 s) runs on TA, A2 is enqueued on TA, C1 arrives 50 ms
    /// later on an idle thread. With 2 slots only the oldest pending run (A2, blocked) is
    /// examined, so C1 waits until A1 ends although a slot is free; then A2 and C1 start
    /// together. With 10 slots C1 starts within a second.
    @Test func headOfLineBlockingWithTwoSlots() {
        func scenario(slots: Int) -> TimelineSink {
            var simulator = Simulator(spec: scriptedSpec(slots: slots, pollMilliseconds: 500), sink: TimelineSink())
            simulator.inject(create(thread: 1, at: 0, steps: [500, 500, 500, 500, 500, 500]))
            simulator.inject(create(thread: 1, at: 1_500, steps: [500]))
            simulator.inject(create(thread: 3, at: 1_550, steps: [500]))
            _ = simulator.run()
            return simulator.sink
        }
        let two = scenario(slots: 2)
        let a1 = two.timeline(1)
        let a2 = two.timeline(2)
        let c1 = two.timeline(3)
        #expect(a1.firstStartedAt! < 1_500_000, "A1 runs before A2 and C1 arrive")
        #expect(c1.firstStartedAt! >= a1.endedAt!, "C1 waited for A1 although a slot was free")
        #expect(c1.firstStartedAt! == a2.firstStartedAt!, "A2 and C1 started together")
        #expect(c1.firstStartedAt! - c1.createdAt > 2_000_000, "C1 waited seconds (observed 3.45 s)")
        let ten = scenario(slots: 10)
        let c1Ten = ten.timeline(3)
        #expect(c1Ten.firstStartedAt! - c1Ten.createdAt <= 1_000_000)
    }

    /// Event-driven mode (poll 0) starts a run on a free slot at the instant it is created.
    @Test func eventDrivenModeHasNoPickUpDelay() {
        var simulator = Simulator(spec: scriptedSpec(slots: 2, pollMilliseconds: 0), sink: TimelineSink())
        simulator.inject(create(thread: 1, at: 10, steps: [100]))
        simulator.inject(create(thread: 1, at: 20, steps: [100]))
        _ = simulator.run()
        #expect(simulator.sink.timeline(1).firstStartedAt! == 10_000)
        #expect(simulator.sink.timeline(2).firstStartedAt! == simulator.sink.timeline(1).endedAt!)
    }

    /// A cancelled running run's worker stops 0.1–3.4 ms after the cancel, and the step in
    /// progress writes no checkpoint.
    @Test func cancelledWorkerStopsAfterASmallDelay() {
        var simulator = Simulator(spec: scriptedSpec(slots: 1, pollMilliseconds: 0, profile: "documented"), sink: TimelineSink())
        simulator.inject(create(thread: 1, at: 0, steps: [500, 500, 500]))
        simulator.inject(.cancel(run: RunID(1), action: .interrupt, wait: false, at: Timestamp(microsecondsSinceEpoch: 800_000)))
        let summary = simulator.run()
        let stopped = simulator.sink.timeline(1).workerEndedAt!
        #expect(stopped >= 800_100 && stopped <= 803_400, "stopped at \(stopped) µs")
        #expect(simulator.state.run(RunID(1))?.completedSteps == 1)
        #expect(summary.count(.interrupted) == 1)
        #expect(abs(summary.cutShortByInterruptMilliseconds - 300) < 1e-9)
    }

    /// A cancelled worker's discarded step (and its timeout) leave the agenda with it: the
    /// simulation ends when the worker stops, not when the hour-long step would have ended,
    /// and the poller does not tick through that hour (a replay gives runs whose length the
    /// recording does not show a one-hour placeholder, and ticked 7,000 times for nothing).
    @Test func aStoppedWorkersStepDoesNotKeepTheSimulationGoing() {
        var withTimeout = scriptedSpec(slots: 2, pollMilliseconds: 500)
        withTimeout.server.timeoutMilliseconds = 7_200_000
        var simulator = Simulator(spec: withTimeout, sink: TimelineSink())
        simulator.inject(create(thread: 1, at: 0, steps: [3_600_000]))
        simulator.inject(.cancel(run: RunID(1), action: .interrupt, wait: false, at: Timestamp(microsecondsSinceEpoch: 2_000_000)))
        let summary = simulator.run()
        let stopped = simulator.sink.timeline(1).workerEndedAt!
        #expect(stopped >= 2_000_100 && stopped <= 2_003_400, "stopped at \(stopped) µs")
        #expect(summary.simulatedMicroseconds <= stopped + 1_000_000, "ended at \(summary.simulatedMicroseconds) µs")
        #expect(summary.count(.interrupted) == 1)
    }
}
