import ArgumentParser
import Dispatch
import Invariants
import Journal
import RunLifecycle

/// `runledger dev bench-checker LOG`: the invariant checker's own speed. The journal (written by
/// `simulate --log`) is decoded into memory first, so the timed loop runs only `observe`; each
/// round feeds the whole stream to a fresh checker, and the best round is reported.
struct BenchCheckerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-checker", abstract: "Benchmark the invariant checker alone on a recorded journal.")

    @Argument(help: "The journal's log directory.") var log: String
    @Option(help: "Timed passes over the stream; the fastest counts.") var rounds: Int = 3
    @Option(help: "The checker's quiet-thread budget (default: the configuration's).") var quietThreads: Int?

    struct Output: Encodable {
        var log: String
        var events: Int
        var rounds: Int
        var bestSeconds: Double
        var nanosecondsPerEvent: Double
        var eventsPerSecond: Double
        var invariantViolations: Int
        var profileDivergences: Int
    }

    func run() throws {
        var (configuration, entries) = try reportingFailures { () -> (CheckerConfiguration, [(UInt64, Event?)]) in
            let reader: JournalReader
            do { reader = try JournalReader(directory: log) } catch let error as JournalError {
                throw CommandFailure("\(log): \(error)", status: .corruptLog)
            }
            let header = reader.header
            let poll = header[metadata: "poll_interval_us"].flatMap { Int64($0) }.flatMap { $0 > 0 ? Microseconds($0) : nil }
            let configuration = CheckerConfiguration(
                profile: header.profile, slotCount: header.slotCount, pollInterval: poll, maximumRetries: header.maxRetries)
            // Header and name definitions stay in the stream (as nil), so sequences are contiguous.
            var events: [(UInt64, Event?)] = []
            do {
                while let entry = try reader.next() {
                    switch entry {
                    case .header: events.append((0, nil))
                    case let .definition(sequence, _): events.append((sequence, nil))
                    case let .event(sequence, event): events.append((sequence, event))
                    }
                }
            } catch let error as JournalError {
                throw CommandFailure("\(log): \(error)", status: .corruptLog)
            }
            return (configuration, events)
        }
        if let quietThreads { configuration.maximumQuietThreads = quietThreads }
        // Parallel arrays, so the timed loop copies no tuples of optionals.
        let sequences = entries.map(\.0)
        let events = entries.map { $0.1 ?? .serverRestarted(attemptCountersReset: false, at: .zero) }
        let isEvent = entries.map { $0.1 != nil }
        entries = []
        let eventCount = isEvent.filter { $0 }.count
        guard eventCount > 0 else { throw CommandFailure("\(log): no events", status: .badInput) }
        var best = Double.infinity
        var last = InvariantChecker(configuration: configuration)
        for _ in 0..<max(1, rounds) {
            var checker = InvariantChecker(configuration: configuration)
            let start = DispatchTime.now().uptimeNanoseconds
            for index in events.indices {
                if isEvent[index] {
                    checker.observe(events[index], sequence: sequences[index])
                } else {
                    checker.observeNonEvent(sequence: sequences[index])
                }
            }
            _ = checker.finish(drained: true)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
            last = checker
        }
        try Terminal.printJSON(Output(
            log: log, events: eventCount, rounds: max(1, rounds), bestSeconds: best,
            nanosecondsPerEvent: best * 1e9 / Double(eventCount), eventsPerSecond: Double(eventCount) / best,
            invariantViolations: last.failureCount, profileDivergences: last.profileDivergenceCount))
    }
}
