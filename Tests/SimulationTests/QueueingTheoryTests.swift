import Simulation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Accuracy: with fresh threads, Poisson arrivals, exponential run times, one step and
/// event-driven dequeue the simulator is an M/M/c queue, so its waits must match Erlang C.
@Suite struct QueueingTheoryTests {
    /// Erlang C against closed forms: M/M/1 waits with probability ρ, and W_q = ρ / (μ − λ).
    @Test func erlangCMatchesClosedForms() {
        let single = ErlangC(servers: 1, arrivalRate: 0.8, serviceRate: 1)
        #expect(abs(single.waitProbability - 0.8) < 1e-12)
        #expect(abs(single.meanWait - 4) < 1e-12)
        // M/M/2 at λ = 1, μ = 1: C = 1/3, W_q = 1/3.
        let double = ErlangC(servers: 2, arrivalRate: 1, serviceRate: 1)
        #expect(abs(double.waitProbability - 1.0 / 3) < 1e-12)
        #expect(abs(double.meanWait - 1.0 / 3) < 1e-12)
    }

    /// A batch-means confidence interval: the mean of `batches` consecutive batch averages
    /// (after dropping the first batch as warm-up) ± t(0.995, batches − 2) × standard error.
    static func batchMeansInterval(_ values: [Double], batches: Int) -> (mean: Double, halfWidth: Double) {
        let size = values.count / batches
        var means: [Double] = []
        for batch in 1..<batches {
            let slice = values[(batch * size)..<((batch + 1) * size)]
            means.append(slice.reduce(0, +) / Double(size))
        }
        let mean = means.reduce(0, +) / Double(means.count)
        let variance = means.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(means.count - 1)
        // t quantile for a two-sided 99 % interval with 19 degrees of freedom.
        precondition(means.count == 20, "the t quantile below assumes 20 batches")
        return (mean, 2.861 * (variance / Double(means.count)).squareRoot())
    }

    struct GridPoint: CustomTestStringConvertible, Sendable {
        var servers: Int
        var rho: Double
        var testDescription: String { "c=\(servers) rho=\(rho)" }
    }

    static let grid: [GridPoint] = [1, 4, 10].flatMap { servers in
        [0.5, 0.8, 0.9].map { GridPoint(servers: servers, rho: $0) }
    }

    /// Customers per grid point: enough for a 99 % interval a few percent wide at ρ = 0.9.
    static let customers = 42_000

    static func simulatedWaits(_ point: GridPoint, seed: UInt64, pollMilliseconds: Int = 0) -> [Double] {
        var simulator = Simulator(
            spec: mmcSpec(servers: point.servers, rho: point.rho, customers: customers, seed: seed,
                          pollMilliseconds: pollMilliseconds),
            sink: TimelineSink())
        _ = simulator.run()
        return simulator.sink.waits.map { Double($0) / 1_000_000 }
    }

    /// For each (c, ρ) the simulated mean wait and P(wait > 0) lie inside a batch-means 99 %
    /// interval around Erlang C's values.
    @Test(arguments: grid)
    func mmcMatchesErlangC(point: GridPoint) {
        let seed = UInt64(1000 + point.servers * 10 + Int(point.rho * 10))
        let waits = Self.simulatedWaits(point, seed: seed)
        #expect(waits.count == Self.customers)
        let theory = ErlangC(servers: point.servers, arrivalRate: Double(point.servers) * point.rho, serviceRate: 1)
        let wait = Self.batchMeansInterval(waits, batches: 21)
        let waited = Self.batchMeansInterval(waits.map { $0 > 0 ? 1 : 0 }, batches: 21)
        #expect(
            abs(wait.mean - theory.meanWait) <= wait.halfWidth,
            "seed \(seed) \(point.testDescription): mean wait \(wait.mean) ± \(wait.halfWidth) s, Erlang C \(theory.meanWait) s")
        #expect(
            abs(waited.mean - theory.waitProbability) <= waited.halfWidth,
            "seed \(seed) \(point.testDescription): P(wait>0) \(waited.mean) ± \(waited.halfWidth), Erlang C \(theory.waitProbability)")
    }

    /// The check can fail: with the 500 ms poller the same workload is no longer M/M/c, and
    /// every run waits, so P(wait > 0) falls far outside the interval around Erlang C.
    @Test func pollingServerIsNotMMc() {
        let point = GridPoint(servers: 4, rho: 0.5)
        let waits = Self.simulatedWaits(point, seed: 77, pollMilliseconds: 500)
        let theory = ErlangC(servers: 4, arrivalRate: 2, serviceRate: 1)
        let waited = Self.batchMeansInterval(waits.map { $0 > 0 ? 1 : 0 }, batches: 21)
        let wait = Self.batchMeansInterval(waits, batches: 21)
        #expect(abs(waited.mean - theory.waitProbability) > waited.halfWidth)
        #expect(abs(wait.mean - theory.meanWait) > wait.halfWidth)
    }
}
