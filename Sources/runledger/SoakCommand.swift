import ArgumentParser
import Foundation
import Invariants
import Simulation

/// `runledger dev soak --seconds N [--seed S]`: swarm testing. Plays random cases, each a
/// workload whose configuration (slots, poll interval, profile, strategy mixes, double texts,
/// thread pool, after_seconds, cancels, joins, retries...) is drawn from its own case seed,
/// with the invariant checker online; prints every failing case with the command that
/// reproduces it and the coverage counters summed over all cases. Exit 1 on a failure.
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Play random workloads with random configurations and check every invariant.")

    @Option(help: "Wall-clock seconds to run for.") var seconds: Double = 60
    @Option(help: "The root seed (default: from the clock; printed first).") var seed: UInt64?
    @Option(name: .customLong("case"), help: "Play only this case seed and print its workload.") var caseSeed: UInt64?
    @Option(help: "Write each failing case's workload JSON into this directory.") var failures: String?
    @Option(help: "Stop after this many cases.") var maximumCases: UInt64 = .max

    func run() throws {
        if let caseSeed {
            let soakCase = SoakWorkload(caseSeed: caseSeed)
            print(soakCase.json, terminator: "")
            let outcome = try play(soakCase)
            print("case \(caseSeed): \(outcome.summary)")
            for violation in outcome.checker.violations.prefix(20) { print("  \(violation)") }
            if outcome.summary.invariantViolations > 0 { throw ExitCode(ExitStatus.violation.rawValue) }
            return
        }
        let rootSeed = seed ?? UInt64(Date().timeIntervalSince1970 * 1000) % (1 << 40)
        print("soak seed \(rootSeed), \(formatDecimal(seconds, places: 0)) s  (reproduce: runledger dev soak --seed \(rootSeed) --seconds \(formatDecimal(seconds, places: 0)))")
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
        var lastReport = clock.now
        var coverage = Coverage()
        var cases: UInt64 = 0, failed: UInt64 = 0, events: UInt64 = 0, divergences = 0
        var byProfile: [String: UInt64] = [:]
        while clock.now < deadline && cases < maximumCases {
            let soakCase = SoakWorkload(caseSeed: SoakWorkload.caseSeed(root: rootSeed, index: cases))
            cases += 1
            let outcome = try play(soakCase)
            coverage.merge(outcome.checker.coverage)
            events += outcome.summary.events
            divergences += outcome.summary.profileDivergences
            byProfile[outcome.profile, default: 0] += 1
            if outcome.summary.invariantViolations > 0 {
                failed += 1
                var reproduce = "runledger dev soak --case \(soakCase.caseSeed)"
                if let failures {
                    try? FileManager.default.createDirectory(atPath: failures, withIntermediateDirectories: true)
                    let path = "\(failures)/soak-case-\(soakCase.caseSeed).json"
                    try Data(soakCase.json.utf8).write(to: URL(fileURLWithPath: path))
                    reproduce += "  or  runledger simulate \(path) --seed \(soakCase.caseSeed)"
                }
                print("FAIL case \(soakCase.caseSeed): \(outcome.summary.invariantViolations) violations; reproduce: \(reproduce)")
                for violation in outcome.checker.violations.filter({ $0.kind != .profileDivergence }).prefix(3) {
                    print("  \(violation)")
                }
            }
            if clock.now - lastReport > .seconds(2) {
                lastReport = clock.now
                Terminal.progress("soak: \(cases) cases, \(events) events, \(failed) failing")
            }
        }
        print("\(cases) cases (\(byProfile.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), "
              + "\(events) events, \(failed) failing, \(divergences) profile divergences")
        print("coverage:")
        for (name, count) in coverage.named { print("  \(name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(count)") }
        if failed > 0 { throw ExitCode(ExitStatus.violation.rawValue) }
    }

    struct Outcome {
        var summary: SimulationSummary
        var checker: InvariantChecker
        var profile: String
    }

    func play(_ soakCase: SoakWorkload) throws -> Outcome {
        let spec: WorkloadSpec
        do {
            spec = try WorkloadSpec.parse(soakCase.json)
        } catch {
            // A generator bug, not a finding: name the case so it can be fixed.
            throw CommandFailure("soak case \(soakCase.caseSeed) does not parse: \(error)\n\(soakCase.json)", status: .badInput)
        }
        var simulator = Simulator(spec: spec, sink: InvariantSink(spec: spec, sequenceOffset: 1))
        let summary = simulator.run()
        return Outcome(summary: summary, checker: simulator.sink.checker, profile: spec.server.profile.name)
    }
}
