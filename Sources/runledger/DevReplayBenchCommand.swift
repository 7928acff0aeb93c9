import ArgumentParser
import Foundation
import Replay
import Traces

/// `runledger dev replay-bench TRACE`: the replay of one trace repeated in one process, each
/// round timed as `runledger replay` times itself (reading the file included). The first round
/// pays the process's one-time costs (type metadata, protocol conformance lookups); the others
/// show the replay's own speed.
struct DevReplayBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay-bench", abstract: "Time repeated replays of one trace.")

    @Argument(help: "The trace file.") var trace: String
    @Option(help: "Rounds.") var rounds = 20

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
        var times: [Double] = []
        var span = 0.0
        for _ in 0..<max(1, rounds) {
            let begin = DispatchTime.now().uptimeNanoseconds
            let (replay, _) = try Replay.run(
                options: ReplayOptions(),
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
}
