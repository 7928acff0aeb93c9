/// What can go wrong inside liblz4, as a value: never a raw error code.
public enum LZ4Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// liblz4 refused the operation; `name` is its own error name (for example
    /// "ERROR_contentChecksum_invalid").
    case library(operation: String, name: String)
    /// The compressed input ended before the frame or block was complete.
    case truncated(operation: String)
    /// The frame declares (or decodes to) more bytes than the caller allows.
    case contentTooLarge(declared: Int, limit: Int)
    /// The frame decoded to a different length than its header or the caller promised.
    case contentSizeMismatch(expected: Int, actual: Int)
    /// Bytes follow the end of the frame inside the slice that should hold exactly one frame.
    case trailingBytes(count: Int)
    /// A context could not be allocated.
    case outOfMemory

    public var description: String {
        switch self {
        case let .library(operation, name): "lz4 \(operation) failed: \(name)"
        case let .truncated(operation): "lz4 \(operation): input ends inside the frame"
        case let .contentTooLarge(declared, limit):
            "lz4 frame declares \(declared) bytes, more than the limit of \(limit)"
        case let .contentSizeMismatch(expected, actual):
            "lz4 frame decoded to \(actual) bytes, expected \(expected)"
        case let .trailingBytes(count): "lz4 frame is followed by \(count) unexpected bytes"
        case .outOfMemory: "lz4 could not allocate a context"
        }
    }
}

/// Converts a liblz4 frame-API result into a typed error. Every `LZ4F_*` call goes through here.
@inline(__always)
func checkFrameResult(_ result: Int, _ operation: String) throws -> Int {
    if LZ4FrameResult.isError(result) {
        throw LZ4Error.library(operation: operation, name: LZ4FrameResult.name(result))
    }
    return result
}
