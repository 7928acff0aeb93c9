import DiscreteEvent
import Testing

@Suite struct SimulatedTimeTests {
    @Test func instantsAndSpansComposeByIntegerArithmetic() {
        // Proves time and span arithmetic is exact integer microseconds by round-tripping sums.
        let start = SimulatedTime.zero + .seconds(2)
        let later = start + .milliseconds(1_500) + .microseconds(7)
        #expect(later.microsecondsSinceStart == 3_500_007)
        #expect(later - start == .microseconds(1_500_007))
        #expect(later - .microseconds(7) == SimulatedTime(microsecondsSinceStart: 3_500_000))
        #expect(SimulatedSpan.seconds(3) * 2 == .seconds(6))
        #expect(SimulatedSpan.seconds(7) / 2 == .microseconds(3_500_000))
        #expect(-SimulatedSpan.milliseconds(1) < .zero)
        #expect(start < later)
    }

    @Test func doubleConversionsRoundExplicitly() {
        // Proves conversions from sampled doubles round by the rule given, by checking half-way cases.
        #expect(SimulatedSpan(seconds: 0.0000025).microseconds == 3)
        #expect(SimulatedSpan(seconds: 0.0000025, rounding: .down).microseconds == 2)
        #expect(SimulatedSpan(seconds: -0.0000025).microseconds == -3)
        #expect(SimulatedSpan(milliseconds: 1.0004).microseconds == 1_000)
        #expect(SimulatedSpan(milliseconds: 2.5, rounding: .up).microseconds == 2_500)
        #expect(SimulatedSpan(clampingSeconds: 1e300) == .max)
        #expect(SimulatedSpan(clampingSeconds: .infinity) == .max)
        #expect(SimulatedSpan(clampingSeconds: -1e300).microseconds == .min)
        #expect(SimulatedSpan(clampingSeconds: 1.25).microseconds == 1_250_000)
    }

    @Test func descriptionsPrintExactSeconds() {
        // Proves descriptions are exact decimal seconds by printing a few known values.
        #expect(SimulatedSpan.microseconds(1_500_000).description == "1.500000s")
        #expect(SimulatedSpan.microseconds(-250).description == "-0.000250s")
        #expect(SimulatedTime(microsecondsSinceStart: 42).description == "t+0.000042s")
    }

    @Test func convertingANonFiniteSecondCountTraps() async {
        // Proves a NaN clock value is a programmer error, by running the conversion in an exit test.
        await #expect(processExitsWith: .failure) {
            _ = SimulatedSpan(seconds: .nan)
        }
    }
}
