// Whole-structure checks (swift-collections' `_checkInvariants` habit). They describe the
// storage, not the server's semantics: the independent oracle lives in the Invariants module.

extension State {
    /// Descriptions of every broken structural invariant; empty when the state is well formed.
    /// These hold under every profile, quirks included.
    public func structuralViolations() -> [String] {
        var violations: [String] = []
        let runs = self.runs
        let threads = self.threads
        let runsByThread = Dictionary(grouping: runs, by: \.threadID)
        func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { violations.append(message()) }
        }
        check(zip(runs, runs.dropFirst()).allSatisfy { $0.id < $1.id }, "runs not strictly ascending by id")
        check(zip(threads, threads.dropFirst()).allSatisfy { $0.id < $1.id }, "threads not strictly ascending by id")
        check(runs.allSatisfy { $0.id < nextRunID }, "a run id is not below nextRunID \(nextRunID)")
        check(threads.allSatisfy { $0.id < nextThreadID }, "a thread id is not below nextThreadID \(nextThreadID)")
        check(waiterTotal == runs.reduce(0) { $0 + $1.waiterCount }, "waiterTotal \(waiterTotal) is not the sum of waiters")
        check(executions.count <= slotCount, "\(executions.count) workers exceed \(slotCount) slots")
        check(Set(executions.map(\.runID)).count == executions.count, "a run has two workers")

        for run in runs {
            check(thread(run.threadID)?.runIDs.contains(run.id) == true, "\(run.id) missing from \(run.threadID)")
            check(run.completedSteps <= run.stepCount, "\(run.id) completed more steps than its work")
            check(run.waiterCount >= 0 && run.waiterCount <= run.subscriberCount, "\(run.id) waiters exceed subscribers")
            check(run.attempt <= maxRetries + 1, "\(run.id) attempt \(run.attempt) beyond maxRetries + 1")
            let execution = execution(of: run.id)
            switch run.status {
            case .running:
                check(execution != nil && execution?.signal == nil, "running \(run.id) has no uncancelled worker")
            case .pending, .success, .error, .timeout:
                check(execution == nil, "\(run.status) \(run.id) still has a worker")
            case .interrupted:
                check(execution == nil || execution?.signal != nil, "interrupted \(run.id) has an unsignalled worker")
            }
        }
        for thread in threadTable.values {
            let workers = executions.reduce(0) { $0 + ($1.threadID == thread.id ? 1 : 0) }
            check(Int(thread.executionCount) == workers, "\(thread.id) counts \(thread.executionCount) workers, not \(workers)")
        }
        for thread in threads {
            let owned = (runsByThread[thread.id] ?? []).map(\.id)
            check(Array(thread.runIDs) == owned, "\(thread.id) runIDs \(thread.runIDs) != \(owned)")
            let inFlight = owned.filter { run($0)?.status.isInFlight == true }
            check(Array(thread.inFlightRunIDs) == inFlight, "\(thread.id) inFlightRunIDs \(thread.inFlightRunIDs) != \(inFlight)")
            let running = owned.filter { run($0)?.status == .running }
            check(running.count <= 1, "\(thread.id) has \(running.count) running runs")
            check(thread.checkpoints.allSatisfy { owned.contains($0.runID) }, "\(thread.id) keeps checkpoints of a deleted run")
            check(thread.checkpoints.allSatisfy { $0.count >= 1 }, "\(thread.id) has an empty checkpoint span")
            check(
                zip(thread.checkpoints, thread.checkpoints.dropFirst()).allSatisfy { $0.lastStep < $1.firstStep },
                "\(thread.id) checkpoint steps not increasing")
            check(!thread.isTemporary || thread.checkpoints.isEmpty, "temporary \(thread.id) has checkpoints")
        }
        let expectedPending = runs.filter { $0.status == .pending }
            .sorted { $0.createdAt != $1.createdAt ? $0.createdAt < $1.createdAt : $0.id < $1.id }.map(\.id)
        check(Array(pendingOrder) == expectedPending, "pendingOrder \(Array(pendingOrder)) != \(expectedPending)")
        for execution in executions where run(execution.runID) != nil {
            check(run(execution.runID)?.threadID == execution.threadID, "worker of \(execution.runID) on the wrong thread")
        }
        return violations
    }

    /// The documented profile's promises, which the in-memory quirks break: a thread is `busy`
    /// exactly while one of its runs is in flight or a worker still executes on it, and at most
    /// one worker executes per thread (no overlap). Temporary threads are exempt (they skip
    /// status writes). Empty when all hold.
    public func documentedConsistencyViolations() -> [String] {
        var violations: [String] = []
        for thread in threads where !thread.isTemporary {
            let workers = executions.filter { $0.threadID == thread.id }.count
            let active = !inFlightRuns(on: thread.id).isEmpty || workers > 0
            if active != (thread.status == .busy) {
                violations.append("\(thread.id) is \(thread.status) while \(active ? "active" : "inactive")")
            }
            if workers > 1 { violations.append("\(thread.id) has \(workers) overlapping workers") }
        }
        return violations
    }
}
