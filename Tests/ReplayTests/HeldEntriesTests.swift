// The streaming replay holds what is in flight, never what it has read: a trace three times as
// long, made of the same blocks of runs, must leave every container of the replay at the same
// high-water mark. Count-based (entries, not bytes or seconds), so it fails the same way on any
// machine. The trace is generated line by line and read through the importer by two cursors,
// as `runledger replay` reads a runledger-trace file, so neither side is ever in memory whole.

@testable import Replay
import RunLifecycle
import Testing
import Traces

/// A runledger-trace of `blocks` blocks, each 100 s of trace with 40 runs over 6 threads of its
/// own: creates (a 409 among them), cancels, joins and a delete of a run that never existed,
/// then the block's outcomes and thread lines, as the recorder writes a recording.
struct SyntheticRunLedgerTrace {
    let blocks: Int
    static let runsPerBlock = 40
    static let threadsPerBlock = 6
    static let blockMicroseconds: Int64 = 100_000_000

    /// The lines of block `block` (block -1: the header).
    func lines(block: Int) -> [String] {
        guard block >= 0 else {
            return [#"{"type":"header","format":"runledger-trace","version":1,"t0":"2026-01-01T00:00:00.000000Z","server":{"slots":2,"poll_interval_ms":500}}"#]
        }
        let base = Int64(block) * Self.blockMicroseconds + 1_000_000
        var requests: [(at: Int64, line: String)] = []
        var outcomes: [String] = []
        func ids(_ run: Int) -> String {
            #""run":"r\#(block)-\#(run)","thread_id":"thread-\#(block)-\#(run % Self.threadsPerBlock)","run_id":"run-\#(block)-\#(run)""#
        }
        for run in 0..<Self.runsPerBlock {
            let at = base + Int64(run) * 500_000
            let thread = #""thread_id":"thread-\#(block)-\#(run % Self.threadsPerBlock)""#
            if run == 17 {
                requests.append((at, #"{"type":"create","t_us":\#(at),\#(thread),"multitask_strategy":"reject","work":{"steps":2,"step_ms":150},"status_code":409}"#))
                continue
            }
            let strategy = run % 5 == 4 ? "interrupt" : "enqueue"
            requests.append((at, #"{"type":"create","t_us":\#(at),\#(ids(run)),"multitask_strategy":"\#(strategy)","work":{"steps":2,"step_ms":150},"status_code":200}"#))
            if run % 10 == 3 {
                requests.append((at + 200_000, #"{"type":"cancel","t_us":\#(at + 200_000),\#(ids(run)),"action":"interrupt","wait":false,"status_code":202}"#))
            }
            if run % 7 == 2 {
                requests.append((at + 100_000, #"{"type":"join","t_us":\#(at + 100_000),\#(ids(run)),"status_code":200}"#))
            }
            let created = at + 3_000
            let started = created + 40_000
            let ended = started + 320_000
            let status = run % 10 == 3 ? "interrupted" : "success"
            outcomes.append(#"{"type":"outcome",\#(ids(run)),"status":"\#(status)","created_at":"\#(Self.iso(created))","started_at":"\#(Self.iso(started))","ended_at":"\#(Self.iso(ended))","attempts":1}"#)
        }
        let deleteAt = base + 30_000_000
        requests.append((deleteAt, #"{"type":"delete","t_us":\#(deleteAt),"thread_id":"thread-\#(block)-0","run_id":"gone-\#(block)","status_code":404}"#))
        var lines = requests.sorted { $0.at < $1.at }.map(\.line)
        lines += outcomes
        for thread in 0..<Self.threadsPerBlock {
            lines.append(#"{"type":"thread","thread_id":"thread-\#(block)-\#(thread)","status":"idle"}"#)
        }
        return lines
    }

    /// `t0` (midnight) plus `micros`, in ISO form; the trace stays within its first day.
    static func iso(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(micros % 1_000_000)
        return "2026-01-01T\(two(seconds / 3_600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }
}

/// Reads a synthetic trace through the importer a batch of lines at a time, generating each
/// block's lines only when the reader gets there.
struct SyntheticTraceSource: TraceItemSource {
    let trace: SyntheticRunLedgerTrace
    private var importer: TraceImporter
    private var block = -1
    private var pending: [String] = []
    private var position = 0
    private var done = false

    init(_ trace: SyntheticRunLedgerTrace, lines: TraceLineSelection) {
        self.trace = trace
        importer = TraceImporter(format: nil, options: TraceImportOptions(lines: lines, countsDistinctIDs: false))
        pending = trace.lines(block: -1)
    }

    var format: TraceFormat? { importer.format }

    mutating func read(into items: inout [TraceItem]) throws -> Bool {
        guard !done else { return false }
        // A few lines per read, far less than a block, as a 64 KiB read is a fraction of the
        // replay's windows: the peaks then do not depend on where the reads fall.
        for _ in 0..<16 {
            while position == pending.count {
                block += 1
                guard block < trace.blocks else {
                    _ = importer.finish(into: &items)
                    done = true
                    return false
                }
                pending = trace.lines(block: block)
                position = 0
            }
            try importer.feed(line: pending[position], into: &items)
            position += 1
        }
        return true
    }
}

@Suite struct HeldEntriesDoNotGrow {
    func replay(blocks: Int) throws -> (run: ReplayRun, report: ReplayReport) {
        let trace = SyntheticRunLedgerTrace(blocks: blocks)
        return try Replay.run(
            options: ReplayOptions(),
            open: { SyntheticTraceSource(trace, lines: .requests) },
            openOutcomes: { SyntheticTraceSource(trace, lines: .outcomes) })
    }

    /// Proves every container of the replay (the feed's runs, waiting creates, early outcomes,
    /// request slots; the thread table; the tracker's runs, retention queue, start orders;
    /// phantom ids) holds at most as many entries, give or take a read's worth, for a trace
    /// three times as long: the replay's own memory does not grow with the trace. Both traces
    /// span more than the thread retention (600 s), so the shorter one already holds the
    /// steady state. Before the feed dropped resolved creates from its waiting heap, that heap
    /// held an entry (and its run id) for every create read.
    @Test func aThreeTimesLongerTraceHoldsNoMoreEntries() throws {
        let short = try replay(blocks: 10)
        let long = try replay(blocks: 30)
        let perBlock = SyntheticRunLedgerTrace.runsPerBlock
        #expect(short.report.runsCompared == 10 * perBlock)
        #expect(long.report.runsCompared == 30 * perBlock)
        let shortHeld = short.run.memory.peakHeld.named
        let longHeld = long.run.memory.peakHeld.named
        for (held, longer) in zip(shortHeld, longHeld) where held.name != "phantoms" {
            #expect(longer.entries * 8 <= held.entries * 9 + 8, "\(held.name): \(longer.entries) vs \(held.entries)")
            // In flight: a few blocks' runs and threads at most, never the trace.
            #expect(longer.entries <= 4 * perBlock, "\(held.name): \(longer.entries)")
        }
        // Ids for requests about unknown runs (one per block here) are capped by a constant.
        #expect(long.run.memory.peakHeld.phantoms <= 2 * (ReplaySession.phantomLimit + 1))
    }
}
