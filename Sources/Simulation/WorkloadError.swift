// Operating errors of workload specs: typed, and each one names where the problem is.

/// Why a workload spec was refused. The description names the line and column of a syntax
/// error, or the field path of a bad value (`server.slots: must be >= 1, got 0`).
public enum WorkloadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text is not JSON.
    case syntax(line: Int, column: Int, message: String)
    /// A field is unknown, missing, of the wrong type or out of range.
    case invalidField(path: String, message: String)

    public var description: String {
        switch self {
        case .syntax(let line, let column, let message): "line \(line), column \(column): \(message)"
        case .invalidField(let path, let message): "\(path): \(message)"
        }
    }
}
