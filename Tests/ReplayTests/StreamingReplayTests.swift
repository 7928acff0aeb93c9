// The streaming replay's parts, each against a plain model: start order counted online against
// Kendall's pairs, percentiles against sorting, and forgetting runs early against keeping them.

import Foundation
import PropertyBased
@testable import Replay
import RunLifecycle
import TestSupport
import Testing
import Traces

@Suite struct GlobalOrderTests {
    /// Proves the online count of discordant pairs equals the brute-force count over the two
    /// whole orders, whatever the interleaving of recorded and simulated starts and whichever
    /// runs start on one side only.
    @Test func onlineInversionsMatchBruteForce() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = TestRandom(seed: seed)
            let n = Int(random.next() % 40)
            let recorded = (0..<n).filter { _ in random.next() % 5 != 0 }.shuffled(using: &random)
            let simulated = (0..<n).filter { _ in random.next() % 5 != 0 }.shuffled(using: &random)
            let recordedSet = Set(recorded)
            let simulatedSet = Set(simulated)
            var order = GlobalOrder()
            var ranks: [Int: Int] = [:]
            var r = 0
            var s = 0
            func take() {
                _ = order.take { index in
                    if let rank = ranks[index] { return .started(rank: rank) }
                    return simulatedSet.contains(index) ? .unknown : .never
                }
            }
            while r < recorded.count || s < simulated.count {
                if s < simulated.count && (r == recorded.count || random.next() % 2 == 0) {
                    ranks[simulated[s]] = order.simulatedStart(mayBeRecorded: recordedSet.contains(simulated[s]))
                    s += 1
                } else {
                    order.recorded(recorded[r])
                    r += 1
                }
                take()
            }
            let both = recorded.filter { simulatedSet.contains($0) }
            let position = Dictionary(uniqueKeysWithValues: simulated.enumerated().map { ($1, $0) })
            var inversions = 0
            for i in both.indices {
                for j in both.indices where j > i && position[both[i]]! > position[both[j]]! { inversions += 1 }
            }
            #expect(order.both == both.count, "seed \(seed)")
            #expect(order.inversions == inversions, "seed \(seed)")
            #expect(order.waiting == 0, "seed \(seed)")
        }
    }
}

@Suite struct ErrorPercentileTests {
    /// Proves the exact percentiles are nearest-rank on the sorted values, and that past the
    /// exact limit the histogram keeps them within its three significant digits.
    @Test func exactThenWithinThreeDigits() {
        var random = TestRandom(seed: 7)
        var values: [Int64] = []
        var recorder = ErrorRecorder()
        for _ in 0..<(ErrorRecorder.exactLimit + 5_000) {
            let value = Int64(random.next() % 5_000_000)
            values.append(value)
            recorder.record(value)
            if values.count == 1_001 {
                let sorted = values.sorted()
                let exact = recorder.percentiles
                #expect(exact.p50 == Double(sorted[500]) / 1_000)
                #expect(exact.p95 == Double(sorted[950]) / 1_000)
                #expect(exact.max == Double(sorted.last!) / 1_000)
            }
        }
        let sorted = values.sorted()
        let estimated = recorder.percentiles
        let p50 = Double(sorted[Int((0.5 * Double(sorted.count)).rounded(.up)) - 1]) / 1_000
        #expect(abs(estimated.p50 - p50) <= p50 * 0.001 + 0.001)
        #expect(estimated.max == Double(sorted.last!) / 1_000)
        #expect(estimated.count == values.count)
    }
}

@Suite struct ForgettingRuns {
    /// Proves that forgetting runs a few seconds after they settle, and playing requests a few
    /// seconds behind the reading, gives the same runs and figures as keeping everything, on both
    /// load recordings in both formats (where most runs are forgotten long before the end).
    @Test(arguments: ["load_10slots.trace.jsonl", "load_2slots.trace.jsonl", "load_10slots.server.jsonl", "load_2slots.server.jsonl"])
    func shortWindowsChangeNothing(file: String) throws {
        let (items, format) = try importItems(realTraces + file)
        let wide = Replay.replay(items: items, format: format, options: ReplayOptions(
            reorderWindow: .seconds(3_600), retention: .seconds(3_600), threadRetention: .seconds(3_600)))
        let narrow = Replay.replay(items: items, format: format, options: ReplayOptions(
            reorderWindow: .seconds(2), retention: .seconds(2), threadRetention: .seconds(3_600)))
        #expect(narrow.run.memory.peakRunsHeld < wide.run.memory.peakRunsHeld)
        #expect(narrow.report.runs == wide.report.runs)
        #expect(narrow.report.globalOrderAgreement == wide.report.globalOrderAgreement)
        #expect(narrow.report.queueWaitError == wide.report.queueWaitError)
        #expect(narrow.run.eventCount == wide.run.eventCount)
        #expect(narrow.run.notes == wide.run.notes)
    }

    /// A server log tells a run's work only when the run ends: with a lookahead shorter than the
    /// runs, creates are played without it (unknown work, noted), and the outcomes that arrive
    /// later still reach the comparison, so every run is compared.
    @Test func aShortLookaheadPlaysCreatesWithoutTheirOutcome() throws {
        let (items, format) = try importItems(realTraces + "load_10slots.server.jsonl")
        let full = Replay.replay(items: items, format: format)
        let short = Replay.replay(items: items, format: format, options: ReplayOptions(maximumLookahead: .milliseconds(500)))
        #expect(short.run.notes.contains { $0.contains("played with unknown work") })
        #expect(short.report.runsCompared == full.report.runsCompared)
        #expect(short.report.runs.map(\.recordedStatus) == full.report.runs.map(\.recordedStatus))
        #expect(short.report.runsStartedRecorded == full.report.runsStartedRecorded)
    }

    /// A what-if lists the first changes by run index up to the limit and counts all of them.
    @Test func whatIfChangesAreCappedAndCounted() throws {
        let (items, format) = try importItems(realTraces + "load_2slots.trace.jsonl")
        let all = Replay.replay(items: items, format: format, options: ReplayOptions(slots: 10)).report
        let capped = Replay.replay(items: items, format: format, options: ReplayOptions(slots: 10, whatIfChangeLimit: 3)).report
        #expect(all.whatIfChanges.count > 3)
        #expect(capped.whatIfChanges.count == 3)
        #expect(capped.whatIfChangeCount == all.whatIfChanges.count)
        #expect(capped.whatIfChanges == Array(all.whatIfChanges.prefix(3)))
    }
}

@Suite struct BoundedReplayCLI {
    /// Proves the replay's own memory does not grow with the input: 2 and 6 shifted copies of a
    /// load recording replay with 100 % agreement and exactly the copies' events, and tripling
    /// the input leaves the peaks of runs and requests held within a quarter (where the 64 KiB
    /// reads fall varies them a little); only the simulator's kept runs triple.
    @Test(arguments: ["load_2slots.server.jsonl", "load_2slots.trace.jsonl"])
    func copiesReplayInTheSameMemory(file: String) throws {
        let directory = TemporaryDirectory("replay-bounded")
        func replay(copies: Int) throws -> [String: Any] {
            let path = directory.child("copies-\(copies)-\(file)")
            let made = try ExternalCommand.run(
                ExternalCommand.runledgerBinary, ["dev", "replay-input", realTraces + file, "--out", path, "--copies", "\(copies)"])
            #expect(made.status == 0, "\(made.standardError)")
            let result = try ExternalCommand.run(ExternalCommand.runledgerBinary, ["replay", path, "--json"])
            #expect(result.status == 0, "\(result.standardError)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as? [String: Any])
        }
        let one = try replay(copies: 1)
        let two = try replay(copies: 2)
        let six = try replay(copies: 6)
        for output in [two, six] {
            #expect(output["status_agreement"] as? Double == 1)
            #expect(output["order_agreement"] as? Double == 1)
            #expect(output["invariant_violations"] as? Int == 0)
        }
        let events = try #require(one["simulated_events"] as? Int)
        #expect(two["simulated_events"] as? Int == 2 * events)
        #expect(six["simulated_events"] as? Int == 6 * events)
        let memoryTwo = try #require(two["memory"] as? [String: Int])
        let memorySix = try #require(six["memory"] as? [String: Int])
        for key in ["peak_runs_held", "peak_requests_held"] {
            #expect(memorySix[key]! * 4 <= memoryTwo[key]! * 5, "\(key): \(memorySix[key]!) vs \(memoryTwo[key]!)")
        }
        // Threads are forgotten after 600 s idle: at most 600 s worth of copies (plus two) of 24 threads.
        #expect(memorySix["threads_held"]! <= 24 * (600 / 95 + 2))
        // The model's state forgets what the replay forgot: it holds about as many runs for six
        // copies as for two.
        #expect(memorySix["simulator_runs"]! * 4 <= memoryTwo["simulator_runs"]! * 5,
                "simulator_runs: \(memorySix["simulator_runs"]!) vs \(memoryTwo["simulator_runs"]!)")
    }
}
