import ArgumentParser
import Foundation
import Replay
import RunLifecycle
import Traces

/// `runledger dev replay-input SOURCE --out PATH`: a large replay input made from a real
/// recording, for measuring replay in bounded memory. The recording is repeated back to back;
/// each copy's times move by one period and its ids are its own (fresh UUIDs, suffixed names).
/// The period is chosen so that the simulated poll grid meets every copy in the same phase as
/// the first: it is congruent, modulo one poll cycle, to the time of the model's last dispatch in
/// the source; so every copy replays exactly as the source does.
struct DevReplayInputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-input", abstract: "Write a large replay input made of shifted copies of a recording.")

    @Argument(help: "A recording: a runledger-trace or a server log (traces/real/…).") var source: String
    @Option(help: "The file to write (it is replaced).") var out: String
    @Option(help: "How many copies.") var copies: Int?
    @Option(help: "Copies enough to write about this many MB (10^6 bytes).") var megabytes: Double?
    @Option(help: "Idle time between copies at least, in seconds.") var gapSeconds: Double = 5

    struct Output: Encodable {
        var source: String
        var format: String?
        var out: String
        var copies: Int
        var bytes: Int
        var runs: Int
        var periodSeconds: Double
        var spanSeconds: Double
        var sourceStatusAgreement: Double
    }

    func validate() throws {
        guard (copies == nil) != (megabytes == nil) else { throw ValidationError("give either --copies or --megabytes") }
        if let copies, copies < 1 { throw ValidationError("--copies must be at least 1") }
        if let megabytes, megabytes <= 0 { throw ValidationError("--megabytes must be positive") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw CommandFailure("\(source): cannot open", status: .badInput)
        }
        var lines = [UInt8](data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var items: [TraceItem] = []
        let summary = try importTrace(path: source, format: nil, options: TraceImportOptions()) { items += $0 }
        var grid = PollGridRestart()
        let (replay, report) = try Replay.run(
            options: ReplayOptions(keepRuns: true),
            open: { TraceItemArray(items, format: summary.format, selection: summary.format == .runledgerTrace ? .requests : .all) },
            openOutcomes: { TraceItemArray(items, format: summary.format, selection: .outcomes) },
            observer: { event, names in grid.observe(event, slots: names.slots) })
        let period = Self.period(replay, lastRestart: grid.lastRestart, gap: Microseconds(Int64(gapSeconds * 1e6)))
        let copies = self.copies ?? max(1, Int((megabytes! * 1e6 / Double(max(1, data.count))).rounded(.up)))

        guard FileManager.default.createFile(atPath: out, contents: nil),
              let handle = FileHandle(forWritingAtPath: out) else { throw CommandFailure("\(out): cannot create", status: .badInput) }
        var buffer: [UInt8] = []
        var bytes = 0
        func write(_ line: [UInt8]) throws {
            buffer += line
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 8 << 20 { try flush() }
        }
        func flush() throws {
            bytes += buffer.count
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        func copy(_ index: Int) -> ReplayInputRewriter { ReplayInputRewriter(copy: index, shift: period.count * Int64(index)) }
        if summary.format == .runledgerTrace {
            // Header once; every copy's requests; then every copy's outcomes: outcomes stay in create order.
            let kinds = lines.map(Self.traceKind)
            for (line, kind) in zip(lines, kinds) where kind == .header { try write(line) }
            for index in 0..<copies {
                let rewriter = copy(index)
                for (line, kind) in zip(lines, kinds) where kind == .request { try write(rewriter.rewrite(line)) }
            }
            for index in 0..<copies {
                let rewriter = copy(index)
                for (line, kind) in zip(lines, kinds) where kind == .outcome { try write(rewriter.rewrite(line)) }
            }
        } else {
            for index in 0..<copies {
                let rewriter = copy(index)
                for line in lines { try write(rewriter.rewrite(line)) }
            }
        }
        try flush()
        try handle.close()
        try Terminal.printJSON(Output(
            source: source, format: summary.format?.rawValue, out: out, copies: copies, bytes: bytes,
            runs: report.runs.count * copies, periodSeconds: Double(period.count) / 1e6,
            spanSeconds: Double(replay.span.count + period.count * Int64(copies - 1)) / 1e6,
            sourceStatusAgreement: report.statusAgreement))
    }

    /// The shift between copies: at least the source's span plus the gap, and congruent modulo
    /// one poll cycle (poll interval plus the iteration overhead) to the model's last restart of
    /// its poll loop (simulated time), since the simulated grid continues from there through the gap.
    static func period(_ replay: ReplayRun, lastRestart: Timestamp?, gap: Microseconds) -> Microseconds {
        let least = replay.span.count + gap.count
        let cycle = replay.pollIntervalMilliseconds > 0
            ? replay.pollIntervalMilliseconds * 1_000 + replay.options.pollIterationOverhead.count : 0
        guard cycle > 0, let lastRestart else { return Microseconds(least) }
        let phase = lastRestart.microsecondsSinceEpoch % cycle
        let periods = (least - phase + cycle - 1) / cycle
        return Microseconds(phase + periods * cycle)
    }

    /// Where the simulated poll loop last restarted its grid, from the events: at the last
    /// dispatch, or, if that dispatch left no slot free, when the next worker let go of its slot
    /// (the loop waits for a free slot, then polls at once).
    struct PollGridRestart {
        private var busy = 0
        private var lastDispatch: Timestamp?
        private var fullAfterDispatch = false
        private var slotFreedAfter: Timestamp?

        var lastRestart: Timestamp? { fullAfterDispatch ? slotFreedAfter : lastDispatch }

        mutating func observe(_ event: Event, slots: Int) {
            switch event {
            case .started(_, _, _, let at):
                busy += 1
                lastDispatch = at
                fullAfterDispatch = busy >= slots
                slotFreedAfter = nil
            case .succeeded, .failed, .timedOut, .retried, .workerStopped:
                busy -= 1
                if slotFreedAfter == nil, lastDispatch != nil { slotFreedAfter = event.at }
            default:
                break
            }
        }
    }

    enum TraceLineKind { case header, request, outcome }

    static func traceKind(_ line: [UInt8]) -> TraceLineKind {
        func starts(_ prefix: String) -> Bool { line.starts(with: Array(prefix.utf8)) }
        if starts(#"{"type":"header""#) { return .header }
        if starts(#"{"type":"outcome""#) || starts(#"{"type":"thread""#) { return .outcome }
        return .request
    }
}
