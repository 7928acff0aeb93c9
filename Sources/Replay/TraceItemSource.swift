// Where a streaming replay reads a trace from. A replay of a runledger-trace opens it twice: the
// request lines in file order, and, a little ahead, the outcome lines (written after every
// request, in create order), so that neither the requests nor the outcomes pile up in memory.
import Traces

/// Yields a trace's items in the order an importer produces them.
public protocol TraceItemSource {
    /// The trace's format, once known (after the first line).
    var format: TraceFormat? { get }
    /// Appends the next items to `items` (possibly none); returns false once the trace is
    /// exhausted (any last items appended).
    mutating func read(into items: inout [TraceItem]) throws -> Bool
}

/// Items already in memory, handed out in batches; the outcome view yields only outcomes.
public struct TraceItemArray: TraceItemSource {
    public let format: TraceFormat?
    private let items: [TraceItem]
    private let selection: TraceLineSelection
    private var position = 0
    /// Items per read, so the replay sees the array the way it sees a file: a batch at a time.
    private let batch: Int

    public init(_ items: [TraceItem], format: TraceFormat?, selection: TraceLineSelection = .all, batch: Int = 256) {
        self.items = items
        self.format = format
        self.selection = selection
        self.batch = max(1, batch)
    }

    public mutating func read(into output: inout [TraceItem]) throws -> Bool {
        let end = min(items.count, position + batch)
        for item in items[position..<end] {
            let isOutcome: Bool
            switch item {
            case .outcome, .threadOutcome: isOutcome = true
            case .server, .request: isOutcome = false
            }
            switch selection {
            case .all: output.append(item)
            case .requests: if !isOutcome { output.append(item) }
            case .outcomes: if isOutcome { output.append(item) }
            }
        }
        position = end
        return position < items.count
    }
}
