import ArgumentParser
import EventLog
import Invariants
import Journal
import RunLifecycle

/// `runledger verify LOG`: replays a journal through the independent invariant checker, with
/// the configuration its header records (profile, slots, retries, poll interval).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every invariant over a recorded event log (exit 1 on a violation).",
        discussion: """
        Safety and liveness violations fail the check. Profile divergences (behaviour that the
        log's profile explains by a named quirk of the real server) are listed and counted, and
        fail it only with --strict.
        """)

    @Argument(help: "The journal's log directory.") var log: String
    @Option(name: .customLong("poll-ms"), help: "The poller's interval, if the header does not record it (0: event-driven).")
    var pollMilliseconds: Int?
    @Flag(help: "The producer stopped before its work drained: skip the liveness-at-drain rules.")
    var notDrained = false
    @Flag(help: "Profile divergences fail the check too.") var strict = false
    @Option(help: "Print at most this many violations.") var limit: Int = 50
    @Flag(help: "Print one JSON object.") var json = false

    struct Output: Encodable {
        struct Item: Encodable {
            var rule: String
            var kind: String
            var quirk: String?
            var sequences: [UInt64]
            var runs: [UInt32]
            var threads: [UInt32]
            var explanation: String
        }
        var log: String
        var profile: String
        var slots: Int
        var pollIntervalMs: Double?
        var events: Int
        var invariantViolations: Int
        var profileDivergences: Int
        var violations: [Item]
        var coverage: [String: Int]
        var passed: Bool
    }

    func run() throws {
        let (checker, violations, events) = try reportingFailures { () -> (InvariantChecker, [Violation], Int) in
            let reader: JournalReader
            do { reader = try JournalReader(directory: log) } catch let error as JournalError {
                throw CommandFailure("\(log): \(error)", status: .corruptLog)
            }
            let header = reader.header
            let pollFromHeader = header[metadata: "poll_interval_us"].flatMap { Int64($0) }
            let poll: Microseconds? = pollMilliseconds.map { $0 > 0 ? Microseconds(Int64($0) * 1000) : nil }
                ?? pollFromHeader.flatMap { $0 > 0 ? Microseconds($0) : nil }
            let downtime = header[metadata: "restart_downtime_us"].flatMap { Int64($0) } ?? 0
            var checker = InvariantChecker(configuration: CheckerConfiguration(
                profile: header.profile, slotCount: header.slotCount, pollInterval: poll,
                maximumRetries: header.maxRetries, restartDowntime: Microseconds(downtime)))
            var events = 0
            do {
                while let entry = try reader.next() {
                    switch entry {
                    case .header: checker.observeNonEvent(sequence: 0)
                    case let .definition(sequence, _): checker.observeNonEvent(sequence: sequence)
                    case let .event(sequence, event):
                        checker.observe(event, sequence: sequence)
                        events += 1
                    }
                }
            } catch let error as JournalError {
                throw CommandFailure("\(log): \(error)", status: .corruptLog)
            }
            if case let .torn(path, offset, reason) = reader.tail {
                Terminal.warning("\(path): the log ends inside a block at byte \(offset) (\(reason)); checking what precedes it")
            }
            let torn = reader.tail != .clean
            let violations = checker.finish(drained: !notDrained && !torn)
            return (checker, violations, events)
        }
        let failing = violations.filter { $0.kind != .profileDivergence || strict }
        let divergences = violations.filter { $0.kind == .profileDivergence }.count
        let output = Output(
            log: log, profile: checker.configuration.profile.name, slots: checker.configuration.slotCount,
            pollIntervalMs: checker.configuration.pollInterval.map { Double($0.count) / 1000 },
            events: events, invariantViolations: violations.count - divergences, profileDivergences: divergences,
            violations: violations.prefix(max(0, limit)).map {
                .init(rule: $0.rule.name, kind: $0.kind.rawValue, quirk: $0.quirk.map { "\($0)" },
                      sequences: $0.sequences, runs: $0.runIDs.map(\.rawValue), threads: $0.threadIDs.map(\.rawValue),
                      explanation: $0.explanation)
            },
            coverage: Dictionary(uniqueKeysWithValues: checker.coverage.named.map { ($0.name, $0.count) }),
            passed: failing.isEmpty)
        if json {
            try Terminal.printJSON(output)
        } else {
            for violation in violations.prefix(max(0, limit)) { print(violation.description) }
            if violations.count > limit { print("... \(violations.count - limit) more") }
            print("\(log): \(events) events, profile \(output.profile), \(output.slots) slots: "
                  + "\(output.invariantViolations) invariant violations, \(divergences) profile divergences")
        }
        if !failing.isEmpty { throw ExitCode(ExitStatus.violation.rawValue) }
    }
}
