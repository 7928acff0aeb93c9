import RunLifecycle

/// How an importer treats bad lines.
public struct TraceImportOptions: Hashable, Sendable {
    /// Count bad lines and go on, instead of stopping at the first one.
    public var skipBadLines: Bool

    /// How many bad lines the summary keeps, to name them.
    public static let keptBadLines = 5

    /// Which runledger-trace lines to read: a replay reads one file twice at once, its requests in
    /// one pass and its outcomes in another, so that it never holds the whole request section.
    public var lines: TraceLineSelection
    /// langgraph-log: a run's outcome is emitted, and the run forgotten, once the run has been
    /// terminal for this long (log time) with no further line about it; the rest at the end.
    public var outcomeDelay: Microseconds
    /// Count distinct run and thread ids for the summary (a replay does not need them).
    public var countsDistinctIDs: Bool

    public init(
        skipBadLines: Bool = false, lines: TraceLineSelection = .all, outcomeDelay: Microseconds = .seconds(60),
        countsDistinctIDs: Bool = true
    ) {
        self.skipBadLines = skipBadLines
        self.lines = lines
        self.outcomeDelay = outcomeDelay
        self.countsDistinctIDs = countsDistinctIDs
    }
}

/// The runledger-trace lines an import reads. A line of the other kind is skipped without being
/// parsed when it starts with `{"type":"` (the recorder writes `type` first); any other line is
/// read in full. The server log is always read whole.
public enum TraceLineSelection: Hashable, Sendable {
    /// Every line.
    case all
    /// Everything but `outcome` and `thread` lines.
    case requests
    /// Only `outcome` and `thread` lines.
    case outcomes
}

/// Items produced, by kind.
public struct TraceItemCounts: Hashable, Sendable {
    public var servers = 0
    public var threadCreates = 0
    public var creates = 0
    public var rejectedCreates = 0
    public var notFoundCreates = 0
    public var cancels = 0
    public var bulkCancels = 0
    public var joins = 0
    public var deletes = 0
    public var outcomes = 0
    public var threadOutcomes = 0

    public init() {}

    mutating func count(_ item: TraceItem) {
        switch item {
        case .server: servers += 1
        case .outcome: outcomes += 1
        case .threadOutcome: threadOutcomes += 1
        case .request(let request):
            switch request {
            case .createThread: threadCreates += 1
            case .create: creates += 1
            case .rejectedCreate: rejectedCreates += 1
            case .notFoundCreate: notFoundCreates += 1
            case .cancel: cancels += 1
            case .bulkCancel: bulkCancels += 1
            case .join: joins += 1
            case .delete: deletes += 1
            }
        }
    }
}

/// What an import saw, for `runledger trace stat` and for checks.
public struct TraceSummary: Hashable, Sendable {
    /// The format read (nil only when no non-empty line arrived under `auto`).
    public var format: TraceFormat?
    /// Lines fed, including empty and skipped ones.
    public var lines = 0
    public var emptyLines = 0
    /// langgraph-log: lines that are not a JSON object (banner, warnings, tracebacks), skipped.
    public var nonJSONLines = 0
    /// Of those, lines that start with `{` but do not parse (a torn or damaged JSON line).
    public var malformedJSONLines = 0
    /// Well-formed lines that say nothing the model holds (other log events; trace `get` lines).
    public var ignoredLines = 0
    /// Bad lines skipped under ``TraceImportOptions/skipBadLines``.
    public var badLines = 0
    /// The first ``TraceImportOptions/keptBadLines`` of them.
    public var firstBadLines: [TraceError] = []
    /// runledger-trace lines whose `type` this importer does not know, by type, sorted by name.
    public var unknownLineTypes: [UnknownLineType] = []
    public var counts = TraceItemCounts()
    /// Outcomes by recorded status name (`success`, `deleted`, …), sorted by name.
    public var outcomeStatuses: [StatusCount] = []
    /// Distinct external run and thread ids named by items.
    public var runs = 0
    public var threads = 0
    /// Whether ``runs`` or ``threads`` is an estimate (more than ``DistinctCounter/exactLimit`` ids).
    public var distinctCountsEstimated = false
    /// The earliest and latest time on any item.
    public var firstTime: Timestamp?
    public var lastTime: Timestamp?
    /// The slot count the trace states, if any.
    public var slots: Int?

    public init() {}

    /// One unknown `type` and how many lines had it.
    public struct UnknownLineType: Hashable, Sendable {
        public var type: String
        public var lines: Int
        public init(type: String, lines: Int) {
            self.type = type
            self.lines = lines
        }
    }

    /// One outcome status and how many runs ended with it.
    public struct StatusCount: Hashable, Sendable {
        public var status: String
        public var runs: Int
        public init(status: String, runs: Int) {
            self.status = status
            self.runs = runs
        }
    }
}
