import DiscreteEvent
import Testing

@Suite struct DistributionTests {
    /// Two-sided 99.9 % standard normal quantile.
    static let z999 = 3.2905
    static let sampleCount = 200_000

    static func cases() throws -> [(String, Distribution)] {
        [
            ("constant", try .constant(4.5)),
            ("uniform", try .uniform(lower: 2, upper: 10)),
            ("exponential", try .exponential(mean: 0.75)),
            ("lognormal mean/cv", try .lognormal(mean: 3, coefficientOfVariation: 0.8)),
            ("lognormal mu/sigma", try .lognormal(mu: 0.2, sigma: 0.5)),
            ("pareto", try .pareto(scale: 1.5, shape: 4.5)),
            ("empirical", try .empirical(samples: [5, 1, 1, 2, 8, 3, 13])),
        ]
    }

    @Test func sampleMeansMatchTheoreticalMeans() throws {
        // Proves each family samples from the right law, by checking 200,000 draws' mean against a 99.9 % normal bound.
        for (index, (name, distribution)) in try Self.cases().enumerated() {
            var generator = Xoshiro256StarStar(seed: 1_000 + UInt64(index))
            var total = 0.0
            for _ in 0..<Self.sampleCount {
                total += distribution.sample(using: &generator)
            }
            let sampleMean = total / Double(Self.sampleCount)
            let bound = Self.z999 * (distribution.variance / Double(Self.sampleCount)).squareRoot()
            #expect(
                abs(sampleMean - distribution.mean) <= bound,
                "\(name): sample mean \(sampleMean), theoretical \(distribution.mean), bound ±\(bound)")
        }
    }

    @Test func momentsFollowTheParameterisation() throws {
        // Proves the documented parameterisations, by computing moments of hand-checked cases.
        let lognormal = try Distribution.lognormal(mean: 3, coefficientOfVariation: 0.8)
        #expect(abs(lognormal.mean - 3) < 1e-12)
        #expect(abs(lognormal.variance.squareRoot() / lognormal.mean - 0.8) < 1e-12)
        #expect(try Distribution.pareto(scale: 2, shape: 3).mean == 3)
        #expect(try Distribution.pareto(scale: 2, shape: 1).mean == .infinity)
        #expect(try Distribution.pareto(scale: 2, shape: 2).variance == .infinity)
        #expect(try Distribution.empirical(samples: [3, 1, 2]).kind == .empirical(sortedSamples: [1, 2, 3]))
        #expect(try Distribution.empirical(samples: [1, 3]).variance == 1)
        #expect(try Distribution.uniform(lower: 0, upper: 6).variance == 3)
    }

    @Test func samplesStayInTheSupport() throws {
        // Proves draws respect each family's support, over 10,000 draws each from a fixed seed.
        var generator = Xoshiro256StarStar(seed: 77)
        let uniform = try Distribution.uniform(lower: -1, upper: 1)
        let pareto = try Distribution.pareto(scale: 2, shape: 0.5)
        let exponential = try Distribution.exponential(mean: 1)
        let empirical = try Distribution.empirical(samples: [4, 9])
        for _ in 0..<10_000 {
            let u = uniform.sample(using: &generator)
            #expect(u >= -1 && u < 1)
            #expect(pareto.sample(using: &generator) >= 2)
            let e = exponential.sample(using: &generator)
            #expect(e >= 0 && e.isFinite)
            #expect([4.0, 9.0].contains(empirical.sample(using: &generator)))
        }
        #expect(try Distribution.constant(4).sample(using: &generator) == 4)
    }

    @Test func eachDrawConsumesAFixedNumberOfWords() throws {
        // Proves draws use a fixed word count (so streams stay aligned), by comparing generator states after draws.
        let expectations: [(Distribution, Int)] = [
            (try .constant(1), 0), (try .uniform(lower: 0, upper: 1), 1), (try .exponential(mean: 1), 1),
            (try .pareto(scale: 1, shape: 2), 1), (try .empirical(samples: [1, 2, 3]), 1),
            (try .lognormal(mu: 0, sigma: 1), 2),
        ]
        for (distribution, words) in expectations {
            var sampled = Xoshiro256StarStar(seed: 4)
            var counted = sampled
            for _ in 0..<100 { _ = distribution.sample(using: &sampled) }
            for _ in 0..<(100 * words) { _ = counted.next() }
            #expect(sampled == counted, "\(distribution.kind) should use \(words) words a draw")
        }
    }

    @Test func badParametersThrowErrorsNamingThem() {
        // Proves user-supplied parameters are validated with a typed error naming the parameter, for each family.
        let cases: [(String, () throws(DistributionError) -> Distribution)] = [
            ("value", { () throws(DistributionError) in try .constant(.nan) }),
            ("upper", { () throws(DistributionError) in try .uniform(lower: 2, upper: 1) }),
            ("lower", { () throws(DistributionError) in try .uniform(lower: -.infinity, upper: 1) }),
            ("mean", { () throws(DistributionError) in try .exponential(mean: 0) }),
            ("mean", { () throws(DistributionError) in try .lognormal(mean: -1, coefficientOfVariation: 1) }),
            ("coefficientOfVariation", { () throws(DistributionError) in
                try .lognormal(mean: 1, coefficientOfVariation: -0.1)
            }),
            ("sigma", { () throws(DistributionError) in try .lognormal(mu: 0, sigma: -1) }),
            ("scale", { () throws(DistributionError) in try .pareto(scale: 0, shape: 1) }),
            ("shape", { () throws(DistributionError) in try .pareto(scale: 1, shape: .infinity) }),
            ("samples", { () throws(DistributionError) in try .empirical(samples: []) }),
            ("samples[1]", { () throws(DistributionError) in try .empirical(samples: [1, .infinity]) }),
        ]
        for (expectedName, build) in cases {
            do {
                let distribution = try build()
                Issue.record("expected a throw naming \(expectedName), built \(distribution.kind)")
            } catch {
                switch error {
                case .invalidParameter(let name, _, _):
                    #expect(name == expectedName, "\(error)")
                }
            }
        }
    }

    @Test func samplingIsDeterministicForASeed() throws {
        // Proves a seed fixes the samples, by drawing twice from equal seeds and once from another.
        let distribution = try Distribution.lognormal(mean: 2, coefficientOfVariation: 1.5)
        func draws(seed: UInt64) -> [Double] {
            var generator = Xoshiro256StarStar(seed: seed)
            return (0..<50).map { _ in distribution.sample(using: &generator) }
        }
        #expect(draws(seed: 5) == draws(seed: 5))
        #expect(draws(seed: 5) != draws(seed: 6))
    }
}
