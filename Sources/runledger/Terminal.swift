import Foundation

/// The only place that writes to the terminal: results to stdout, messages to stderr.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("runledger: " + message + "\n").utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data(("runledger: warning: " + message + "\n").utf8))
    }

    /// A progress line on stderr (long runs), never on stdout.
    static func progress(_ message: String) {
        FileHandle.standardError.write(Data(("runledger: " + message + "\n").utf8))
    }

    /// Prints one JSON object (sorted, snake_case keys) as a single line on stdout.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// Buffered stdout for commands that print many lines (`log cat`).
struct OutputBuffer {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func write(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
