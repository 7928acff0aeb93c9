// Case names as text. Without these conformances, interpolating a case ("\(status)") goes through
// the runtime's reflection (Mirror and dynamic casts), which costs thousands of instructions per
// call and, the first time, a scan of every protocol conformance in the process: it showed as
// 10 % of a replay that stores a few dozen profile divergences. The text is the same.

extension RunStatus: CustomStringConvertible {
    public var description: String {
        switch self {
        case .pending: "pending"
        case .running: "running"
        case .success: "success"
        case .error: "error"
        case .timeout: "timeout"
        case .interrupted: "interrupted"
        }
    }
}

extension ThreadStatus: CustomStringConvertible {
    public var description: String {
        switch self {
        case .idle: "idle"
        case .busy: "busy"
        case .interrupted: "interrupted"
        case .error: "error"
        }
    }
}

extension MultitaskStrategy: CustomStringConvertible {
    public var description: String {
        switch self {
        case .reject: "reject"
        case .interrupt: "interrupt"
        case .rollback: "rollback"
        case .enqueue: "enqueue"
        }
    }
}

extension IfNotExists: CustomStringConvertible {
    public var description: String {
        switch self {
        case .create: "create"
        case .reject: "reject"
        }
    }
}

extension CancelAction: CustomStringConvertible {
    public var description: String {
        switch self {
        case .interrupt: "interrupt"
        case .rollback: "rollback"
        }
    }
}

extension FinishOutcome: CustomStringConvertible {
    public var description: String {
        switch self {
        case .success: "success"
        case .error: "error"
        case .timeout: "timeout"
        }
    }
}

extension Quirk: CustomStringConvertible {
    public var description: String {
        switch self {
        case .idleAfterPendingCancel: "idleAfterPendingCancel"
        case .eagerDeleteLeavesThreadBusy: "eagerDeleteLeavesThreadBusy"
        case .rollbackWithSubscriberDefersDelete: "rollbackWithSubscriberDefersDelete"
        case .pendingRollbackWithSubscriberKeepsRun: "pendingRollbackWithSubscriberKeepsRun"
        case .cancelledWorkerFreesThreadAtOnce: "cancelledWorkerFreesThreadAtOnce"
        case .attemptCounterNotRestored: "attemptCounterNotRestored"
        case .busyBeforeRejectCheck: "busyBeforeRejectCheck"
        }
    }
}
