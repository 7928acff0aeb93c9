// Shared helpers: workloads built from JSON text, and sinks that record what tests measure.
import DiscreteEvent
import RunLifecycle
import Simulation

/// Parses a spec that the test itself wrote; a parse failure is a bug in the test.
func spec(_ json: String) -> WorkloadSpec {
    do {
        return try WorkloadSpec.parse(json)
    } catch {
        fatalError("test spec does not parse: \(error)\n\(json)")
    }
}

/// An M/M/c workload: fresh threads, Poisson arrivals, exponential run times, one step,
/// event-driven dequeue. Mean run time 1 s, so the arrival rate is c·ρ per second.
func mmcSpec(servers: Int, rho: Double, customers: Int, seed: UInt64, pollMilliseconds: Int = 0) -> WorkloadSpec {
    spec("""
    {
      "seed": \(seed), "runs": \(customers),
      "server": { "slots": \(servers), "poll_interval_ms": \(pollMilliseconds) },
      "threads": { "mode": "fresh" },
      "arrivals": { "process": "poisson", "rate_per_s": \(Double(servers) * rho) },
      "run_time": { "distribution": "exponential", "mean_ms": 1000 },
      "steps": 1,
      "strategy_mix": { "enqueue": 1 }
    }
    """)
}

/// Records, per run, when it was created and when its attempts started and ended, from the
/// event stream alone.
struct TimelineSink: EventSink {
    struct Timeline {
        var threadID: ThreadID
        var createdAt: Int64
        var firstStartedAt: Int64?
        var endedAt: Int64?
        var workerEndedAt: Int64?
    }

    /// Indexed by run id (ids are dense from 1).
    var runs: [Timeline?] = [nil]

    mutating func receive(_ event: Event, sequence: UInt64) {
        switch event {
        case .created(let created):
            let index = Int(created.runID.rawValue)
            while runs.count <= index { runs.append(nil) }
            runs[index] = Timeline(threadID: created.threadID, createdAt: created.createdAt.microsecondsSinceEpoch)
        case .started(let run, _, _, let at):
            if runs[Int(run.rawValue)]?.firstStartedAt == nil { runs[Int(run.rawValue)]?.firstStartedAt = at.microsecondsSinceEpoch }
        case .succeeded(let run, _, let at), .failed(let run, _, _, let at), .timedOut(let run, _, let at):
            runs[Int(run.rawValue)]?.endedAt = at.microsecondsSinceEpoch
            runs[Int(run.rawValue)]?.workerEndedAt = at.microsecondsSinceEpoch
        case .workerStopped(let run, _, _, let at):
            runs[Int(run.rawValue)]?.workerEndedAt = at.microsecondsSinceEpoch
        default:
            break
        }
    }

    func timeline(_ run: UInt32) -> Timeline { runs[Int(run)]! }

    /// First-attempt waits in microseconds, in run-id (arrival) order.
    var waits: [Int64] {
        runs.compactMap { timeline in
            guard let timeline, let started = timeline.firstStartedAt else { return nil }
            return started - timeline.createdAt
        }
    }
}

/// A create request at `milliseconds` on thread `thread`, creating the thread if needed.
func create(
    thread: UInt32, at milliseconds: Int64, steps: [Int64], strategy: MultitaskStrategy = .enqueue
) -> Command {
    .createRun(
        CreateRun(
            threadID: ThreadID(thread), strategy: strategy, ifNotExists: .create,
            work: steps.map { Microseconds.milliseconds($0) }, at: Timestamp(microsecondsSinceEpoch: milliseconds * 1_000)))
}

/// A spec with no generated arrivals, for scripted scenarios.
func scriptedSpec(slots: Int, pollMilliseconds: Int, profile: String = "langgraph-inmem") -> WorkloadSpec {
    spec("""
    {
      "runs": 0,
      "server": { "slots": \(slots), "poll_interval_ms": \(pollMilliseconds), "profile": "\(profile)" },
      "arrivals": { "process": "poisson", "rate_per_s": 1 },
      "run_time": { "distribution": "constant", "mean_ms": 1 }
    }
    """)
}
