import RunLifecycle

/// Imports a trace one line at a time, in either format, with memory bounded by one line plus a
/// few fields per run: feed every line in order, then call ``finish(into:)``.
///
/// ```swift
/// var importer = TraceImporter(format: nil)          // nil: detect from the first non-empty line
/// var items: [TraceItem] = []
/// for line in lines { try importer.feed(line: line, into: &items) }
/// let summary = importer.finish(into: &items)
/// ```
///
/// Detection: a first non-empty line that is a JSON object with a `type` field starts a
/// runledger-trace (its header); anything else (the server's banner, or a structlog object)
/// starts a langgraph-log.
public struct TraceImporter {
    /// The format asked for; nil means detect it.
    public let requestedFormat: TraceFormat?
    public let options: TraceImportOptions
    /// The format in use, once known.
    public private(set) var format: TraceFormat?

    private var summary = TraceSummary()
    private var members: [JSONMember] = []
    private var log: LangGraphLogImporter
    private var trace = RunLedgerTraceImporter()
    private var runIDs = DistinctCounter()
    private var threadIDs = DistinctCounter()
    private var unknownTypes: [String: Int] = [:]
    private var outcomeStatuses: [String: Int] = [:]
    private var finished = false

    public init(format: TraceFormat? = nil, options: TraceImportOptions = TraceImportOptions()) {
        requestedFormat = format
        self.format = format
        self.options = options
        log = LangGraphLogImporter(outcomeDelay: options.outcomeDelay)
    }

    /// The number of lines fed so far (the current line's number after a feed).
    public var lineNumber: Int { summary.lines }

    /// Reads one line (without its newline; a trailing carriage return is ignored) and appends
    /// what it says to `items`. Throws on a bad line unless ``TraceImportOptions/skipBadLines``.
    public mutating func feed(line: UnsafeBufferPointer<UInt8>, into items: inout [TraceItem]) throws(TraceError) {
        precondition(!finished, "TraceImporter.feed after finish")
        summary.lines += 1
        var line = line
        if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            summary.emptyLines += 1
            return
        }
        if options.lines != .all, format == .runledgerTrace,
           let outcomeLine = RunLedgerTraceImporter.isOutcomeLine(line), outcomeLine != (options.lines == .outcomes)
        {
            summary.ignoredLines += 1
            return
        }
        let firstItem = items.count
        do {
            try read(line, into: &items)
        } catch {
            items.removeSubrange(firstItem...)
            guard options.skipBadLines else { throw error }
            summary.badLines += 1
            if summary.firstBadLines.count < TraceImportOptions.keptBadLines { summary.firstBadLines.append(error) }
            return
        }
        if format == .langgraphLog { log.retire(into: &items) }
        for index in firstItem..<items.count { tally(items[index]) }
    }

    public mutating func feed(line: ArraySlice<UInt8>, into items: inout [TraceItem]) throws(TraceError) {
        let result: Result<Void, TraceError> = line.withUnsafeBufferPointer { buffer in
            Result { () throws(TraceError) in try feed(line: buffer, into: &items) }
        }
        try result.get()
    }

    public mutating func feed(line: [UInt8], into items: inout [TraceItem]) throws(TraceError) {
        try feed(line: line[...], into: &items)
    }

    public mutating func feed(line: Substring, into items: inout [TraceItem]) throws(TraceError) {
        var text = line
        let result: Result<Void, TraceError> = text.withUTF8 { buffer in
            Result { () throws(TraceError) in try feed(line: buffer, into: &items) }
        }
        try result.get()
    }

    public mutating func feed(line: String, into items: inout [TraceItem]) throws(TraceError) {
        try feed(line: line[...], into: &items)
    }

    /// Ends the input: appends the outcomes only the whole log can tell (langgraph-log) and
    /// returns the summary.
    public mutating func finish(into items: inout [TraceItem]) -> TraceSummary {
        precondition(!finished, "TraceImporter.finish called twice")
        finished = true
        if format == .langgraphLog {
            let first = items.count
            log.finish(into: &items)
            for index in first..<items.count { tally(items[index]) }
        }
        summary.format = format
        summary.runs = runIDs.count
        summary.threads = threadIDs.count
        summary.distinctCountsEstimated = runIDs.isEstimate || threadIDs.isEstimate
        summary.unknownLineTypes = unknownTypes.sorted { $0.key < $1.key }
            .map { TraceSummary.UnknownLineType(type: $0.key, lines: $0.value) }
        summary.outcomeStatuses = outcomeStatuses.sorted { $0.key < $1.key }
            .map { TraceSummary.StatusCount(status: $0.key, runs: $0.value) }
        return summary
    }

    // MARK: - One line

    private mutating func read(_ line: UnsafeBufferPointer<UInt8>, into items: inout [TraceItem]) throws(TraceError) {
        let lineNumber = summary.lines
        var syntaxError: JSONSyntaxError?
        do {
            try JSONScanner.scanObject(line, into: &members)
        } catch {
            syntaxError = error
        }
        if format == nil {
            format = syntaxError == nil && JSONLine(bytes: line, members: members).value("type") != nil
                ? .runledgerTrace : .langgraphLog
        }
        let fields = LineFields(json: JSONLine(bytes: line, members: members), line: lineNumber)
        switch format! {
        case .langgraphLog:
            if let syntaxError {
                // The server log mixes in banners, warnings and tracebacks: skip what is not JSON.
                summary.nonJSONLines += 1
                if line.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "{"),
                   syntaxError.kind != .notAnObject
                {
                    summary.malformedJSONLines += 1
                }
                return
            }
            if try !log.consume(fields, into: &items) { summary.ignoredLines += 1 }
        case .runledgerTrace:
            if let syntaxError {
                throw TraceError(line: lineNumber, column: syntaxError.offset + 1, reason: .syntax(syntaxError.kind))
            }
            switch try trace.consume(fields, into: &items) {
            case .used: break
            case .ignored: summary.ignoredLines += 1
            case .unknown(let type): unknownTypes[type, default: 0] += 1
            }
        }
    }

    private mutating func tally(_ item: TraceItem) {
        summary.counts.count(item)
        let distinct = options.countsDistinctIDs
        switch item {
        case .server(let server):
            if let slots = server.slots { summary.slots = slots }
            if let at = server.at { see(at) }
        case .request(let request):
            see(request.at)
            guard distinct else { return }
            switch request {
            case .createThread(let create): threadIDs.insert(create.threadID)
            case .create(let create):
                runIDs.insert(create.runID)
                threadIDs.insert(create.threadID)
            case .rejectedCreate(let refused), .notFoundCreate(let refused): threadIDs.insert(refused.threadID)
            case .cancel, .bulkCancel, .join, .delete: break
            }
        case .outcome(let outcome):
            outcomeStatuses[outcome.status.name, default: 0] += 1
            for time in [outcome.createdAt, outcome.startedAt, outcome.endedAt] { if let time { see(time) } }
            guard distinct else { return }
            runIDs.insert(outcome.runID)
            if !outcome.threadID.isEmpty { threadIDs.insert(outcome.threadID) }
        case .threadOutcome(let thread):
            if distinct { threadIDs.insert(thread.threadID) }
        }
    }

    private mutating func see(_ time: Timestamp) {
        if summary.firstTime.map({ time < $0 }) ?? true { summary.firstTime = time }
        if summary.lastTime.map({ time > $0 }) ?? true { summary.lastTime = time }
    }
}
