import Foundation
import Journal
import RunLifecycle
import Simulation
import Testing
import TestSupport

/// `runledger simulate --log` journals every event: two processes given the same workload and
/// seed write byte-identical logs (every segment file), another seed writes a different one,
/// the journal holds exactly the stream an in-process simulation produces, and `runledger
/// verify` passes on it.
@Suite struct SimulateCommandTests {
    let binary = ExternalCommand.runledgerBinary

    /// Small, but every client feature and every strategy, on a pool of threads.
    static func workload(profile: String) -> String {
        """
        {
          "seed": 5, "runs": 600,
          "server": { "slots": 3, "poll_interval_ms": 200, "profile": "\(profile)", "timeout_ms": 9000,
                      "retry_probability": 0.02, "error_probability": 0.01 },
          "threads": { "mode": "pool", "count": 15, "popularity": "zipf", "zipf_exponent": 1.1 },
          "arrivals": { "process": "poisson", "rate_per_s": 3 },
          "run_time": { "distribution": "lognormal", "mean_ms": 800, "cv": 1.0 },
          "steps": 3,
          "strategy_mix": { "enqueue": 2, "reject": 1, "interrupt": 1, "rollback": 1 },
          "double_text": { "probability": 0.3, "delay": { "distribution": "exponential", "mean_ms": 500 },
                           "strategy_mix": { "interrupt": 1, "rollback": 1, "enqueue": 1, "reject": 1 } },
          "cancel": { "probability": 0.05, "delay": { "distribution": "uniform", "min_ms": 0, "max_ms": 2000 },
                      "action_mix": { "interrupt": 1, "rollback": 1 } },
          "join": { "probability": 0.2, "delay": { "distribution": "constant", "mean_ms": 10 } },
          "after_seconds": { "probability": 0.05, "delay": { "distribution": "uniform", "min_ms": 300, "max_ms": 2000 } }
        }
        """
    }

    /// Writes the workload and simulates it into `log` with small segments, so several
    /// segment files are compared.
    func simulate(_ directory: TemporaryDirectory, profile: String, seed: UInt64, log: String) throws -> CommandResult {
        let workload = directory.child("workload-\(profile).json")
        TestFiles.write(Array(Self.workload(profile: profile).utf8), to: workload)
        return try ExternalCommand.run(
            binary, ["simulate", workload, "--seed", "\(seed)", "--log", log, "--log-segment-bytes", "4096", "--log-batch-records", "500", "--json"])
    }

    /// Every file of the log directory, by name, with its bytes.
    func files(_ log: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in TestFiles.list(log) { files[name] = TestFiles.read(log + "/" + name) }
        return files
    }

    @Test func sameSeedSameBytesAcrossProcesses() throws {
        let directory = TemporaryDirectory("simulate-determinism")
        let first = try simulate(directory, profile: "langgraph-inmem", seed: 21, log: directory.child("a"))
        let second = try simulate(directory, profile: "langgraph-inmem", seed: 21, log: directory.child("b"))
        #expect(first.status == 0, "\(first.standardError)")
        #expect(second.status == 0, "\(second.standardError)")
        let a = files(directory.child("a"))
        let b = files(directory.child("b"))
        let segments = a.keys.filter { $0.hasSuffix(".rlseg") }
        #expect(segments.count >= 2, "expected several segments, got \(a.keys.sorted())")
        #expect(a.keys.sorted() == b.keys.sorted())
        for name in a.keys.sorted() {
            #expect(a[name] == b[name], "seed 21: \(name) differs between two processes")
        }
        let other = try simulate(directory, profile: "langgraph-inmem", seed: 22, log: directory.child("c"))
        #expect(other.status == 0, "\(other.standardError)")
        #expect(files(directory.child("c"))[segments.sorted()[0]] != a[segments.sorted()[0]], "seeds 21 and 22 wrote the same log")
    }

    /// The journal holds exactly the events of an in-process simulation of the same workload
    /// and seed (equal digests), and its header names the seed, the workload and the server.
    @Test func theJournalIsTheSimulatedStream() throws {
        let directory = TemporaryDirectory("simulate-journal")
        let result = try simulate(directory, profile: "documented", seed: 8, log: directory.child("log"))
        #expect(result.status == 0, "\(result.standardError)")
        let reader = try JournalReader(directory: directory.child("log"))
        #expect(reader.header[metadata: "seed"] == "8")
        #expect(reader.header[metadata: "workload"] == "workload-documented.json")
        #expect(reader.header[metadata: "poll_interval_us"] == "200000")
        #expect(reader.header[metadata: "runs"] == "600")
        #expect(reader.header.profileName == "documented" && reader.header.slotCount == 3)
        var fromLog = DigestSink()
        for (index, event) in try reader.readEvents().enumerated() { fromLog.receive(event, sequence: UInt64(index)) }
        var simulator = Simulator(
            spec: try WorkloadSpec.parse(Self.workload(profile: "documented")), seed: 8, sink: DigestSink())
        let summary = simulator.run()
        #expect(fromLog.eventCount == summary.events && summary.events > 4_000)
        #expect(fromLog.digest == simulator.sink.digest)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as! [String: Any]
        #expect(object["events"] as? Int == Int(summary.events))
    }

    /// `runledger verify` rebuilds the checker from the header and finds nothing to report in a
    /// documented simulation.
    @Test func verifyPassesOnASimulatedDocumentedLog() throws {
        let directory = TemporaryDirectory("simulate-verify")
        let result = try simulate(directory, profile: "documented", seed: 3, log: directory.child("log"))
        #expect(result.status == 0, "\(result.standardError)")
        let verify = try ExternalCommand.run(binary, ["verify", directory.child("log"), "--json"])
        #expect(verify.status == 0, "\(verify.outputText) \(verify.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(verify.standardOutput)) as! [String: Any]
        #expect(object["invariant_violations"] as? Int == 0)
        #expect(object["profile_divergences"] as? Int == 0)
        #expect(object["poll_interval_ms"] as? Double == 200)
    }

    /// A log directory that already holds records is refused as bad input, not overwritten.
    @Test func aNonEmptyLogIsRefused() throws {
        let directory = TemporaryDirectory("simulate-refuse")
        _ = try simulate(directory, profile: "documented", seed: 1, log: directory.child("log"))
        let again = try simulate(directory, profile: "documented", seed: 1, log: directory.child("log"))
        #expect(again.status == 2, "\(again.standardError)")
        #expect(again.standardError.contains(directory.child("log")))
    }

    /// Online checking: in-memory quirks are listed as profile divergences with the command that
    /// reproduces the run, and they do not fail it (exit 0); the JSON summary counts them apart.
    @Test func divergencesAreListedWithTheirReproduceCommand() throws {
        let directory = TemporaryDirectory("simulate-divergences")
        let workload = directory.child("inmem.json")
        TestFiles.write(Array(Self.workload(profile: "langgraph-inmem").utf8), to: workload)
        let text = try ExternalCommand.run(binary, ["simulate", workload, "--seed", "4", "--limit", "3"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.outputText.contains("0 violations"), "\(text.outputText)")
        #expect(text.outputText.contains("[profileDivergence]"), "\(text.outputText)")
        #expect(text.outputText.contains("reproduce: runledger simulate \(workload) --seed 4"))
        let json = try ExternalCommand.run(binary, ["simulate", workload, "--seed", "4", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as! [String: Any]
        #expect(object["invariant_violations"] as? Int == 0)
        #expect((object["profile_divergences"] as? Int ?? 0) > 0)
        #expect((object["coverage"] as? [String: Int])?["slots_filled"] ?? 0 > 0)
    }

    /// A smoke test of the soak (Tools/soak runs it for as long as asked): a few random cases
    /// pass, the coverage is printed, and a case seed replays one case with its workload.
    @Test func soakSmoke() throws {
        let soak = try ExternalCommand.run(binary, ["dev", "soak", "--seconds", "5", "--seed", "1", "--maximum-cases", "4"])
        #expect(soak.status == 0, "\(soak.outputText) \(soak.standardError)")
        #expect(soak.outputText.contains("4 cases"), "\(soak.outputText)")
        #expect(soak.outputText.contains("0 failing") && soak.outputText.contains("slots_filled"))
        let replay = try ExternalCommand.run(binary, ["dev", "soak", "--case", "12345"])
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(replay.outputText.contains("\"strategy_mix\"") && replay.outputText.contains("case 12345: seed 12345"))
    }
}
