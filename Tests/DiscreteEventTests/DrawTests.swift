import DiscreteEvent
import Testing

@Suite struct DrawTests {
    @Test func nextIntStaysInRangeAndIsRoughlyUniform() {
        // Proves nextInt(below:) covers 0..<10 evenly, by a chi-square test on 100,000 draws from a fixed seed.
        var generator = Xoshiro256StarStar(seed: 2_024)
        var counts = [Int](repeating: 0, count: 10)
        let draws = 100_000
        for _ in 0..<draws {
            let value = generator.nextInt(below: 10)
            #expect((0..<10).contains(value))
            counts[value] += 1
        }
        let expected = Double(draws) / 10
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        // 9 degrees of freedom: the 99.9 % quantile is 27.88; the fixed seed makes this exact.
        #expect(chiSquare < 27.88, "chi-square \(chiSquare) for counts \(counts)")
    }

    @Test func nextIntInAClosedRangeHitsBothEnds() {
        // Proves nextInt(in:) is inclusive at both ends, by drawing from a three-value range until both ends appear.
        var generator = Xoshiro256StarStar(seed: 5)
        var seen: Set<Int> = []
        for _ in 0..<200 {
            let value = generator.nextInt(in: -1...1)
            #expect((-1...1).contains(value))
            seen.insert(value)
        }
        #expect(seen == [-1, 0, 1])
        let single = generator.nextInt(in: 7...7)
        #expect(single == 7)
    }

    @Test func nextDoubleIsInTheHalfOpenUnitInterval() {
        // Proves nextDouble() stays in [0, 1) with mean near 1/2, over 100,000 draws from a fixed seed.
        var generator = Xoshiro256StarStar(seed: 11)
        var total = 0.0
        for _ in 0..<100_000 {
            let value = generator.nextDouble()
            #expect(value >= 0 && value < 1)
            total += value
        }
        // Standard error is sqrt(1/12 / 1e5) ≈ 0.00091; allow 4 of them.
        #expect(abs(total / 100_000 - 0.5) < 0.0037)
    }

    @Test func nextBoolHonoursItsProbability() {
        // Proves nextBool(probability:) hits its rate and its extremes, counting 100,000 draws at p = 0.3.
        var generator = Xoshiro256StarStar(seed: 3)
        let hits = (0..<100_000).filter { _ in generator.nextBool(probability: 0.3) }.count
        // Standard deviation is sqrt(1e5 · 0.3 · 0.7) ≈ 145; allow 4 of them.
        #expect(abs(hits - 30_000) < 580, "\(hits) hits")
        let never = generator.nextBool(probability: 0)
        let always = generator.nextBool(probability: 1)
        #expect(!never && always)
    }

    @Test func weightedIndexFollowsTheWeightsAndSkipsZeroWeights() {
        // Proves nextIndex(weights:) draws in proportion to weights and never picks a zero weight, over 60,000 draws.
        var generator = Xoshiro256StarStar(seed: 8)
        var counts = [0, 0, 0, 0]
        for _ in 0..<60_000 {
            counts[generator.nextIndex(weights: [1, 0, 2, 3])] += 1
        }
        #expect(counts[1] == 0)
        #expect(abs(counts[0] - 10_000) < 400 && abs(counts[2] - 20_000) < 500 && abs(counts[3] - 30_000) < 500,
            "\(counts)")
    }

    @Test func weightedChoiceMatchesItsProbabilities() throws {
        // Proves WeightedChoice's binary search draws each option at its probability, over 60,000 draws.
        let choice = try WeightedChoice(weights: [0, 1, 0, 2, 3, 0])
        #expect(choice.count == 6)
        #expect(choice.probability(of: 3) == 2.0 / 6)
        var generator = Xoshiro256StarStar(seed: 8)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 {
            counts[choice.sample(using: &generator)] += 1
        }
        #expect(counts[0] == 0 && counts[2] == 0 && counts[5] == 0, "\(counts)")
        #expect(abs(counts[1] - 10_000) < 400 && abs(counts[3] - 20_000) < 500 && abs(counts[4] - 30_000) < 500,
            "\(counts)")
    }

    @Test func weightedChoiceRejectsBadWeightsByName() {
        // Proves bad weights throw a typed error naming the weight, by trying each kind of bad list.
        #expect(throws: DistributionError.invalidParameter(name: "weights", value: 0, reason: "needs at least one weight")) {
            try WeightedChoice(weights: [])
        }
        #expect(throws: DistributionError.invalidParameter(
            name: "weights[1]", value: -1, reason: "must be finite and not negative")) {
            try WeightedChoice(weights: [1, -1])
        }
        #expect(throws: DistributionError.invalidParameter(
            name: "weights", value: 0, reason: "the total must be finite and above zero")) {
            try WeightedChoice(weights: [0, 0])
        }
    }
}
