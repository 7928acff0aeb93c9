// Scripted mode, for replaying recorded traces: no generated clients, every request is handed
// in by the caller at its own time, and the caller sees each request's events before it hands
// in the next one (a replay maps the decider's run ids to the trace's runs as they appear).
// Additive only: it drives the same server model through the same fold as generated workloads.
// The public entry points are on ``Simulator``; the engine does the work.
import DiscreteEvent
import RunLifecycle

extension ServerSpec {
    /// A server with the given slots, poll interval and profile; no timeouts, no random
    /// failures, the observed cancel stop delay (0.1–3.4 ms).
    public static func scripted(
        slots: Int, pollIntervalMilliseconds: Int64, profile: BehaviourProfile, maxRetries: UInt32 = 3
    ) -> ServerSpec {
        precondition(slots >= 1, "a scripted server needs at least one slot")
        precondition(pollIntervalMilliseconds >= 0, "the poll interval must not be negative")
        return ServerSpec(
            slots: slots, pollIntervalMilliseconds: pollIntervalMilliseconds, profile: profile,
            maxRetries: maxRetries, timeoutMilliseconds: nil,
            cancelStopDelay: try! Distribution.uniform(lower: 0.1, upper: 3.4),
            retryProbability: 0, errorProbability: 0)
    }
}

extension WorkloadSpec {
    /// A workload whose clients send nothing on their own: zero generated runs. Requests come
    /// from ``Simulator/perform(scripted:)``.
    public static func scripted(server: ServerSpec, seed: UInt64 = 1) -> WorkloadSpec {
        WorkloadSpec(
            seed: seed, length: .runs(0), server: server, threads: ThreadsSpec(mode: .fresh),
            // With `runs: 0` the first arrival finds nothing left to send and stops the process.
            arrivals: .poisson(ratePerSecond: 1e9), runTime: try! Distribution.constant(1), steps: 1,
            strategyMix: .only(.enqueue), doubleText: nil, cancel: nil, join: nil, afterSeconds: nil)
    }
}

