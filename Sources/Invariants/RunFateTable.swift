// What became of runs the checker no longer tracks. Every settled run keeps its fate, because a
// join, DELETE or stray event may name any old run and the rules that judge it (join answered
// with the right status, nothing after terminal or deletion) need to know which fate it was.
// The cells live in collapsing pages (``PagedCells``), so a long stretch of runs that all ended
// the same way costs almost nothing.
import RunLifecycle

/// One small cell per run id ever created.
struct RunFateTable {
    /// `tracked` is never stored: a tracked run's cell reads `unseen` until it settles, and
    /// the run table answers for it (one page write per run less).
    enum Fate: UInt8 {
        case unseen = 0, tracked, success, error, timeout, interrupted, deleted
    }

    private var cells = PagedCells<UInt8>(provisional: Fate.tracked.rawValue)
    /// The run whose fate was written last, and that fate (see ``lastWritten(_:)``); the id is
    /// above every 32-bit id until a write.
    private var lastWrittenID = UInt64.max
    private var lastWrittenFate = Fate.unseen

    /// To be called before changes (see ``UniqueBuffer``).
    mutating func makeUnique() { cells.makeUnique() }

    subscript(runID: RunID) -> Fate {
        @inline(__always) get { Self.decode(cells[runID.rawValue]) }
        // Inlined: a call per settled run cost about 20 instructions around the page write.
        @inline(__always) set {
            cells[runID.rawValue] = newValue.rawValue
            lastWrittenID = UInt64(runID.rawValue)
            lastWrittenFate = newValue
        }
    }

    /// The fate of `runID` when it is the run whose fate was written last (the run that
    /// settled just before: its thread's values are cached two events later), read without
    /// the page lookup; nil for any other run. A fate is written only for a run the run table
    /// no longer tracks, and never `unseen`, so a run answered here is not tracked either (a
    /// `created` naming it again is refused).
    @inline(__always) func lastWritten(_ runID: RunID) -> Fate? {
        UInt64(runID.rawValue) == lastWrittenID ? lastWrittenFate : nil
    }

    /// `Fate(rawValue:)`, inlined (the initializer was a call on every read).
    @inline(__always) private static func decode(_ raw: UInt8) -> Fate {
        switch raw {
        case 1: .tracked
        case 2: .success
        case 3: .error
        case 4: .timeout
        case 5: .interrupted
        case 6: .deleted
        default: .unseen
        }
    }

    /// Fates stored one per id (the rest are in collapsed pages).
    var storedFateCount: Int { cells.storedCellCount }

    static func fate(of status: RunStatus) -> Fate {
        switch status {
        case .success: .success
        case .error: .error
        case .timeout: .timeout
        case .interrupted: .interrupted
        case .pending, .running: .tracked
        }
    }

    static func status(of fate: Fate) -> RunStatus? {
        switch fate {
        case .success: .success
        case .error: .error
        case .timeout: .timeout
        case .interrupted: .interrupted
        case .unseen, .tracked, .deleted: nil
        }
    }
}
