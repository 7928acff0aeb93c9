import DiscreteEvent
import Testing

@Suite struct ZipfDistributionTests {
    @Test func frequenciesFallWithRank() throws {
        // Proves Zipf draws favour low ranks in order, by counting 200,000 draws over 20 ranks.
        let zipf = try ZipfDistribution(count: 20, exponent: 1.1)
        var generator = Xoshiro256StarStar(seed: 31)
        var counts = [Int](repeating: 0, count: 20)
        for _ in 0..<200_000 {
            counts[zipf.sample(using: &generator)] += 1
        }
        // The gap between neighbouring ranks shrinks with rank, so demand strict order where the
        // expected gap is many standard deviations and just "no inversion worse than noise" after.
        for rank in 0..<5 {
            #expect(counts[rank] > counts[rank + 1], "counts \(counts)")
        }
        for rank in 0..<19 {
            let expected = 200_000 * zipf.probability(of: rank)
            #expect(abs(Double(counts[rank]) - expected) < 4 * expected.squareRoot() + 1, "rank \(rank): \(counts)")
        }
        #expect(abs(zipf.probability(of: 0) / zipf.probability(of: 1) - 2.1435469250725863) < 1e-12)
    }

    @Test func exponentZeroIsUniform() throws {
        // Proves the exponent controls skew, by checking s = 0 gives equal probabilities and a middle mean.
        let zipf = try ZipfDistribution(count: 4, exponent: 0)
        #expect((0..<4).allSatisfy { zipf.probability(of: $0) == 0.25 })
        #expect(zipf.mean == 1.5)
    }

    @Test func badParametersThrowErrorsNamingThem() {
        // Proves Zipf parameters from user input throw a typed error naming the parameter.
        #expect(throws: DistributionError.invalidParameter(
            name: "count", value: 0, reason: "must be between 1 and \(ZipfDistribution.maximumCount)")) {
            try ZipfDistribution(count: 0, exponent: 1)
        }
        #expect(throws: DistributionError.invalidParameter(
            name: "exponent", value: -1, reason: "must be finite and not negative")) {
            try ZipfDistribution(count: 3, exponent: -1)
        }
    }
}
