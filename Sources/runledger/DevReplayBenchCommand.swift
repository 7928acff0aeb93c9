import ArgumentParser
import Foundation
import Replay
import RunLifecycle
import Traces

/// `runledger dev replay-bench TRACE`: the replay of one trace repeated in one process, each
/// round timed as `runledger replay` times itself (reading the file included). The first round
/// pays the process's one-time costs (type metadata, protocol conformance lookups); the others
/// show the replay's own speed. `--memory` instead replays once and samples the resident set
/// (`/proc/self/statm`) as the simulator's retained runs grow, to tell the simulator's share of
/// the memory (bytes per run it keeps) from the rest (the intercept).
struct DevReplayBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay-bench", abstract: "Time repeated replays of one trace.")

    @Argument(help: "The trace file.") var trace: String
    @Option(help: "Rounds.") var rounds = 20
    @Flag(help: "Sample the heap in use instead of timing.") var memory = false
    @Flag(help: "Skip the invariant checker.") var noInvariants = false

    struct MemorySample: Encodable {
        var events: Int
        /// Runs the model created and has not deleted: what the simulator's state keeps.
        var simulatorRuns: Int
        var residentMegabytes: Double
    }

    struct MemoryOutput: Encodable {
        var trace: String
        var samples: [MemorySample]
        /// Least-squares fit of the resident set against the simulator's runs.
        var bytesPerSimulatorRun: Double
        var interceptMegabytes: Double
        /// The most entries each of the replay's own containers held at once.
        var peakHeld: [String: Int]
        /// Runs and threads in the simulator's state at the end.
        var simulatorRuns: Int
        var simulatorThreads: Int
        /// What the invariant checker holds at the end.
        var checker: CheckerOutput?
    }

    struct CheckerOutput: Encodable {
        var trackedRuns: Int
        var heldThreads: Int
        var evictions: Int
        var storedFates: Int
        var storedEvictedThreads: Int
    }

    struct Output: Encodable {
        var trace: String
        var traceSpanSeconds: Double
        var firstRoundMs: Double
        var bestRoundMs: Double
        var medianRoundMs: Double
        var firstRoundSpeedup: Double
        var bestRoundSpeedup: Double
    }

    func run() throws {
        if memory { return try sampleMemory() }
        var times: [Double] = []
        var span = 0.0
        for _ in 0..<max(1, rounds) {
            let begin = DispatchTime.now().uptimeNanoseconds
            let (replay, _) = try Replay.run(
                options: ReplayOptions(checksInvariants: !noInvariants),
                open: { try TraceFileSource(path: trace, format: nil, options: TraceImportOptions(lines: .requests, countsDistinctIDs: false)) },
                openOutcomes: {
                    try TraceFileSource(path: trace, format: .runledgerTrace, options: TraceImportOptions(lines: .outcomes, countsDistinctIDs: false))
                })
            times.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
            span = Double(replay.span.count) / 1e6
        }
        let sorted = times.dropFirst().sorted()
        let best = sorted.first ?? times[0]
        try Terminal.printJSON(Output(
            trace: trace, traceSpanSeconds: span, firstRoundMs: times[0], bestRoundMs: best,
            medianRoundMs: sorted.isEmpty ? times[0] : sorted[sorted.count / 2],
            firstRoundSpeedup: span * 1_000 / times[0], bestRoundSpeedup: span * 1_000 / best))
    }

    private func sampleMemory() throws {
        var samples: [MemorySample] = []
        var events = 0
        var alive = 0
        let (replay, _) = try Replay.run(
            options: ReplayOptions(checksInvariants: !noInvariants),
            open: { try TraceFileSource(path: trace, format: nil, options: TraceImportOptions(lines: .requests, countsDistinctIDs: false)) },
            openOutcomes: {
                try TraceFileSource(path: trace, format: .runledgerTrace, options: TraceImportOptions(lines: .outcomes, countsDistinctIDs: false))
            },
            observer: { event, _ in
                events += 1
                switch event {
                case .created: alive += 1
                case .rolledBack, .deleted: alive -= 1
                default: break
                }
                if events % 100_000 == 0 {
                    samples.append(MemorySample(
                        events: events, simulatorRuns: alive, residentMegabytes: Self.residentBytes() / 1e6))
                }
            })
        let n = Double(samples.count)
        let xs = samples.map { Double($0.simulatorRuns) }
        let ys = samples.map { $0.residentMegabytes * 1e6 }
        let mx = xs.reduce(0, +) / max(n, 1)
        let my = ys.reduce(0, +) / max(n, 1)
        let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let slope = sxx > 0 ? sxy / sxx : 0
        try Terminal.printJSON(MemoryOutput(
            trace: trace, samples: samples, bytesPerSimulatorRun: slope, interceptMegabytes: (my - slope * mx) / 1e6,
            peakHeld: Dictionary(uniqueKeysWithValues: replay.memory.peakHeld.named.map { ($0.name, $0.entries) }),
            simulatorRuns: replay.memory.simulatorRuns, simulatorThreads: replay.memory.simulatorThreads,
            checker: replay.memory.checker.map {
                CheckerOutput(
                    trackedRuns: $0.trackedRuns, heldThreads: $0.heldThreads, evictions: $0.evictions,
                    storedFates: $0.storedFates, storedEvictedThreads: $0.storedEvictedThreads)
            }))
    }

    /// The resident set size, from `/proc/self/statm` (0 where there is none).
    static func residentBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * 4_096
    }
}
