// A line an importer cannot use, named by its 1-based line number and byte column.

/// A bad line in a trace.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the line.
    public enum Reason: Hashable, Sendable {
        /// The line is not one JSON object (runledger-trace, where every line must be one).
        case syntax(JSONSyntaxError.Kind)
        /// A field the line's kind requires is absent (or null).
        case missingField(String)
        /// A field has the wrong JSON type or a value outside its vocabulary.
        case invalidField(String, expected: String)
        /// A runledger-trace header of another format or version.
        case unsupportedFormat(String)
        /// The line is longer than the reader's named maximum.
        case lineTooLong(maximumBytes: Int)
    }

    /// The 1-based line number.
    public var line: Int
    /// The 1-based byte column of the offending value, when one is known.
    public var column: Int?
    public var reason: Reason

    public init(line: Int, column: Int?, reason: Reason) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `line 12, column 34: missing field "run_id"`: the CLI prefixes the file name.
    public var description: String {
        let place = column.map { "line \(line), column \($0)" } ?? "line \(line)"
        return place + ": " + message
    }

    /// The reason alone.
    public var message: String {
        switch reason {
        case .syntax(let kind): JSONSyntaxError(offset: 0, kind: kind).description
        case .missingField(let field): "missing field \"\(field)\""
        case .invalidField(let field, let expected): "field \"\(field)\": expected \(expected)"
        case .unsupportedFormat(let what): "unsupported trace: \(what)"
        case .lineTooLong(let maximum): "line longer than the maximum of \(maximum) bytes"
        }
    }
}
