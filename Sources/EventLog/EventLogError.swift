import LZ4

/// Operating errors of the log. Each names the file and, where it applies, the byte offset, so
/// that the command line can print it as one line and exit with the right status.
public enum EventLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// Another writer holds the log's lock.
    case locked(path: String)
    /// The path is not a log directory, or holds no segments where some are required.
    case notALog(path: String, reason: String)
    /// Damage before the tail: never skipped, never truncated away.
    case corrupt(path: String, offset: UInt64, reason: String)
    /// A record larger than `LogFormat.maximumRecordBytes`.
    case recordTooLarge(bytes: Int, limit: Int)
    /// Timestamps must not decrease: seeking by time relies on it.
    case timestampWentBackwards(previous: Int64, given: Int64)
    /// The writer was used after `close()`.
    case closed
    /// An option is out of its allowed range.
    case invalidOption(name: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, operation, errno):
            "\(path): \(operation) failed: \(String(cString: strerror(errno)))"
        case let .locked(path):
            "\(path): another writer has this log open (lock held on \(LogFormat.lockFileName))"
        case let .notALog(path, reason): "\(path): not a RunLedger log: \(reason)"
        case let .corrupt(path, offset, reason): "\(path): corrupt at byte \(offset): \(reason)"
        case let .recordTooLarge(bytes, limit): "record of \(bytes) bytes exceeds the limit of \(limit)"
        case let .timestampWentBackwards(previous, given):
            "timestamp \(given) is earlier than the previous record's \(previous)"
        case .closed: "the log writer is closed"
        case let .invalidOption(name, reason): "invalid \(name): \(reason)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
