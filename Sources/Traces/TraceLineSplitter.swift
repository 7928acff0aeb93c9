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

    /// Calls `body` with every line completed by `chunk`, in order, without the `\n`. Throws
    /// `lineTooLong` naming the line once a line outgrows ``maximumLineBytes``, or what `body` throws.
    public mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(TraceError) -> Void
    ) throws(TraceError) {
        var start = 0
        while start < chunk.count {
            guard let newline = Self.newline(in: chunk, from: start) else {
                try checkLength(pending.count + chunk.count - start)
                pending.append(contentsOf: chunk[start...])
                return
            }
            try checkLength(pending.count + newline - start)
            lineCount += 1
            if pending.isEmpty {
                try body(UnsafeBufferPointer(rebasing: chunk[start..<newline]))
            } else {
                pending.append(contentsOf: chunk[start..<newline])
                try deliverPending(body)
            }
            start = newline + 1
        }
    }

    /// Delivers the last line if the input did not end with a newline.
    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) throws(TraceError) -> Void) throws(TraceError) {
        guard !pending.isEmpty else { return }
        lineCount += 1
        try deliverPending(body)
    }

    private mutating func deliverPending(
        _ body: (UnsafeBufferPointer<UInt8>) throws(TraceError) -> Void
    ) throws(TraceError) {
        let line = pending
        pending.removeAll(keepingCapacity: true)
        let result: Result<Void, TraceError> = line.withUnsafeBufferPointer { buffer in
            Result { () throws(TraceError) in try body(buffer) }
        }
        try result.get()
    }

    /// The index of the first `\n` at or after `start`: eight bytes at a time (a word has a zero
    /// byte after XOR with 0x0A… exactly where it held a newline).
    @inline(__always)
    static func newline(in chunk: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = chunk.baseAddress else { return nil }
        var index = start
        let end = chunk.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        while index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) ^ newlines
            let zero = (word &- ones) & ~word & highs
            if zero != 0 { return index + zero.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < end {
            if base[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    private func checkLength(_ length: Int) throws(TraceError) {
        guard length <= maximumLineBytes else {
            throw TraceError(line: lineCount + 1, column: nil, reason: .lineTooLong(maximumBytes: maximumLineBytes))
        }
    }
}
