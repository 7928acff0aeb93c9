// Scripted mode, for replaying recorded traces: no generated clients, every request is handed
// in by the caller at its own time, and the caller sees each request's events before it hands
// in the next one (a replay maps the decider's run ids to the trace's runs as they appear).
// Additive only: it drives the same server model through the same fold as generated workloads.
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

extension Simulator {
    /// Plays the server up to `command.at`, then decides `command` at exactly that time, so the
    /// events it produced are in the sink when this returns. Items due at the same instant keep
    /// the simulator's tie order: workers report first, then the client, then the poller.
    ///
    /// - Precondition: `command.at` is not before ``now``.
    public mutating func perform(scripted command: Command) {
        let time = SimulatedTime(microsecondsSinceStart: command.at.microsecondsSinceEpoch)
        precondition(time >= kernel.now, "perform(scripted:) at \(time), before now (\(kernel.now))")
        while let entry = kernel.step(before: time) { perform(entry.payload) }
        // Same instant: worker reports (priority 0) go first; the poller's items (priority 2)
        // are put back behind the command, in their order.
        var later: [Action] = []
        while kernel.nextTime == time, let entry = kernel.step() {
            if entry.payload.priority < Action.scripted(0).priority {
                perform(entry.payload)
            } else {
                later.append(entry.payload)
            }
        }
        kernel.advance(to: time)
        perform(.scripted(keepScripted(command)))
        for action in later { schedule(action, at: time) }
        if case .idle = poller, !eventDriven { startPollIteration() }
    }

    /// Drops a settled run from ``state``, for a driver of scripted commands that knows none of
    /// its later commands names the run (see ``State/forgetSettledRun(_:)``).
    @discardableResult
    public mutating func forgetSettledRun(_ runID: RunID) -> Bool { state.forgetSettledRun(runID) }

    /// Drops an idle thread with no runs left from ``state``, on the same promise.
    @discardableResult
    public mutating func forgetIdleThread(_ threadID: ThreadID) -> Bool { state.forgetIdleThread(threadID) }

    /// Stores a command for a `.scripted` agenda item. Scripted commands may name any run at
    /// any time, so from now on the state forgets nothing.
    mutating func keepScripted(_ command: Command) -> UInt64 {
        forgetsSettledRuns = false
        let key = nextScriptedCommand
        nextScriptedCommand += 1
        scriptedCommands[key] = command
        return key
    }

    /// Keeps the poller cycling until `time` even when nothing is pending, as the real queue
    /// loop polls forever: without it the poll grid would restart at the next scripted request.
    public mutating func keepPolling(until time: Timestamp) {
        // `becameDue` only marks the queue as movable; in polling mode it changes nothing else.
        schedule(.becameDue, at: SimulatedTime(microsecondsSinceStart: max(time.microsecondsSinceEpoch, kernel.now.microsecondsSinceStart)))
        if case .idle = poller, !eventDriven { startPollIteration() }
    }
}
