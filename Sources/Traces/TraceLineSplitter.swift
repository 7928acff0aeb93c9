/// Splits a byte stream that arrives in chunks of any size into lines, holding at most one
/// partial line, and refuses lines longer than a named maximum. Pure: the caller reads the file.
public struct TraceLineSplitter {
    /// The default longest line accepted, in bytes (without its newline).
    public static let defaultMaximumLineBytes = 16 << 20

    public let maximumLineBytes: Int
    private var pending: [UInt8] = []
    /// Lines completed so far; the next line's number is this plus one.
    public private(set) var lineCount = 0

    public init(maximumLineBytes: Int = TraceLineSplitter.defaultMaximumLineBytes) {
        precondition(maximumLineBytes > 0, "maximumLineBytes must be positive")
        self.maximumLineBytes = maximumLineBytes
    }

    /// Calls `body` with every line completed by `chunk`, in order, without the `\n`.
    public mutating func feed<E: Error>(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void
    ) throws(SplitError<E>) {
        var start = 0
        while start < chunk.count {
            guard let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                guard pending.count + chunk.count - start <= maximumLineBytes else {
                    throw .lineTooLong(TraceError(line: lineCount + 1, column: nil, reason: .lineTooLong(maximumBytes: maximumLineBytes)))
                }
                pending.append(contentsOf: chunk[start...])
                return
            }
            guard pending.count + newline - start <= maximumLineBytes else {
                throw .lineTooLong(TraceError(line: lineCount + 1, column: nil, reason: .lineTooLong(maximumBytes: maximumLineBytes)))
            }
            lineCount += 1
            if pending.isEmpty {
                do { try body(UnsafeBufferPointer(rebasing: chunk[start..<newline])) } catch { throw .body(error) }
            } else {
                pending.append(contentsOf: chunk[start..<newline])
                let line = pending
                pending.removeAll(keepingCapacity: true)
                do { try line.withUnsafeBufferPointer { buffer throws(E) in try body(buffer) } } catch { throw .body(error) }
            }
            start = newline + 1
        }
    }

    /// Delivers the last line if the input did not end with a newline.
    public mutating func finish<E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(SplitError<E>) {
        guard !pending.isEmpty else { return }
        lineCount += 1
        let line = pending
        pending.removeAll()
        do { try line.withUnsafeBufferPointer { buffer throws(E) in try body(buffer) } } catch { throw .body(error) }
    }

    /// Either a line was too long, or the line handler failed.
    public enum SplitError<Failure: Error>: Error {
        case lineTooLong(TraceError)
        case body(Failure)
    }
}
