import EventLog
import LZ4

/// The exit statuses of PRODUCT.md.
enum ExitStatus: Int32 {
    case success = 0
    /// An invariant was violated or a replay diverged.
    case violation = 1
    /// Bad usage or bad input.
    case badInput = 2
    /// A log is corrupt or unreadable.
    case corruptLog = 3
}

/// A failure the command line reports as one line and an exit status.
struct CommandFailure: Error {
    var message: String
    var status: ExitStatus

    init(_ message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }

    /// Classifies a log error: damage and unreadable files are status 3, misuse is status 2.
    init(_ error: EventLogError) {
        switch error {
        case .corrupt, .notALog, .io:
            self.init(error.description, status: .corruptLog)
        case .locked, .recordTooLarge, .timestampWentBackwards, .closed, .invalidOption:
            self.init(error.description, status: .badInput)
        }
    }
}

/// Runs `body`, converting the library's typed errors into `CommandFailure`.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as EventLogError {
        throw CommandFailure(error)
    } catch let error as LZ4Error {
        throw CommandFailure(error.description, status: .corruptLog)
    }
}
