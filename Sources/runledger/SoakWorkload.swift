import DiscreteEvent

/// One soak case: a workload spec drawn at random from a case seed (swarm testing: the
/// configuration is randomized per seed, not only the inputs). The spec is JSON text, so a
/// failing case can be written out and rerun with `runledger simulate`.
struct SoakWorkload {
    let caseSeed: UInt64
    let json: String

    /// The case `index` of a soak rooted at `rootSeed`.
    static func caseSeed(root rootSeed: UInt64, index: UInt64) -> UInt64 {
        var mixer = SplitMix64(seed: rootSeed &+ index &* 0x9E37_79B9_7F4A_7C15)
        return mixer.next() >> 11  // at most 2^53, as the spec's seed field requires
    }

    init(caseSeed: UInt64) {
        self.caseSeed = caseSeed
        var random = Xoshiro256StarStar(seed: caseSeed)
        json = Self.draw(seed: caseSeed, using: &random)
    }

    private static func draw(seed: UInt64, using random: inout Xoshiro256StarStar) -> String {
        func pick<T>(_ options: [T]) -> T { options[random.nextInt(below: options.count)] }
        func chance(_ p: Double) -> Bool { random.nextBool(probability: p) }
        func number(_ low: Double, _ high: Double) -> String {
            let value = low + (high - low) * random.nextDouble()
            return String((value * 1000).rounded() / 1000)
        }
        func mix() -> String {
            // Weights 0...3 per strategy, at least one positive; often a single strategy.
            let names = ["enqueue", "reject", "interrupt", "rollback"]
            if chance(0.3) { return "{ \"\(pick(names))\": 1 }" }
            var weights = names.map { _ in random.nextInt(in: 0...3) }
            if weights.allSatisfy({ $0 == 0 }) { weights[random.nextInt(below: 4)] = 1 }
            return "{ " + zip(names, weights).map { "\"\($0)\": \($1)" }.joined(separator: ", ") + " }"
        }
        func delay(maximumMilliseconds: Double) -> String {
            switch random.nextInt(below: 3) {
            case 0: return "{ \"distribution\": \"exponential\", \"mean_ms\": \(number(1, maximumMilliseconds)) }"
            case 1: return "{ \"distribution\": \"uniform\", \"min_ms\": 0, \"max_ms\": \(number(1, maximumMilliseconds)) }"
            default: return "{ \"distribution\": \"constant\", \"mean_ms\": \(number(0, maximumMilliseconds)) }"
            }
        }

        let slots = pick([1, 1, 2, 3, 4, 8, 16])
        let poll = pick([0, 0, 1, 10, 50, 100, 500, 1000])
        let profile = pick(["documented", "langgraph-inmem"])
        let meanRunMilliseconds = pick([5.0, 50, 300, 1000, 3000])
        let steps = pick([1, 1, 2, 3, 5])
        var server = "\"slots\": \(slots), \"poll_interval_ms\": \(poll), \"profile\": \"\(profile)\", "
            + "\"max_retries\": \(pick([1, 2, 3, 5]))"
        if chance(0.2) { server += ", \"timeout_ms\": \(number(meanRunMilliseconds, meanRunMilliseconds * 4))" }
        if chance(0.3) {
            server += ", \"retry_probability\": \(number(0, 0.1)), \"error_probability\": \(number(0, 0.05))"
        }
        if chance(0.3) { server += ", \"cancel_stop_delay\": \(delay(maximumMilliseconds: 20))" }
        if chance(0.2) {
            server += ", \"restarts\": { \"interval\": { \"distribution\": \"exponential\", \"mean_ms\": "
                + "\(number(meanRunMilliseconds * 2, meanRunMilliseconds * 40)) }, \"downtime_ms\": \(number(0, 500)) }"
        }

        let threads = chance(0.2)
            ? "{ \"mode\": \"fresh\" }"
            : (chance(0.5)
                ? "{ \"mode\": \"pool\", \"count\": \(pick([1, 2, 3, 5, 10, 50])) }"
                : "{ \"mode\": \"pool\", \"count\": \(pick([2, 5, 20, 100])), \"popularity\": \"zipf\", \"zipf_exponent\": \(number(0.5, 2)) }")
        // Aim the load around the slots' capacity: from light to overloaded.
        let capacityPerSecond = Double(slots) * 1000 / meanRunMilliseconds
        let rate = number(capacityPerSecond * 0.2, capacityPerSecond * 1.2)
        let arrivals: String
        switch random.nextInt(below: 5) {
        case 0: arrivals = "{ \"process\": \"bursty\", \"rate_per_s\": \(rate), \"on_ms\": \(number(100, 5000)), \"off_ms\": \(number(100, 5000)) }"
        case 4:
            arrivals = "{ \"process\": \"mmpp\", \"rates_per_s\": [\(number(0, capacityPerSecond * 0.5)), \(number(capacityPerSecond * 0.5, capacityPerSecond * 1.5))], "
                + "\"sojourn_ms\": [\(number(200, 5000)), \(number(200, 5000))] }"
        case 1: arrivals = "{ \"process\": \"closed_loop\", \"users\": \(pick([1, 3, 10, 30])), \"think_time\": \(delay(maximumMilliseconds: meanRunMilliseconds * 2)) }"
        default: arrivals = "{ \"process\": \"poisson\", \"rate_per_s\": \(rate) }"
        }
        let runTimeDistribution = pick(["exponential", "constant", "lognormal"])
        let runTime = "\"run_time\": { \"distribution\": \"\(runTimeDistribution)\", \"mean_ms\": \(meanRunMilliseconds)"
            + (runTimeDistribution == "lognormal" ? ", \"cv\": \(number(0.2, 2)) }" : " }")
        var fields = [
            "\"seed\": \(seed)", "\"runs\": \(pick([20, 50, 100, 200, 400]))",
            "\"server\": { \(server) }", "\"threads\": \(threads)", "\"arrivals\": \(arrivals)",
            runTime,
            "\"steps\": \(steps)", "\"strategy_mix\": \(mix())",
        ]
        if chance(0.8) {
            fields.append("\"double_text\": { \"probability\": \(number(0.05, 0.9)), "
                + "\"delay\": \(delay(maximumMilliseconds: meanRunMilliseconds * 2)), \"strategy_mix\": \(mix()) }")
        }
        if chance(0.4) {
            fields.append("\"cancel\": { \"probability\": \(number(0.01, 0.3)), "
                + "\"delay\": \(delay(maximumMilliseconds: meanRunMilliseconds * 2)), "
                + "\"action_mix\": { \"interrupt\": \(random.nextInt(in: 0...2)), \"rollback\": 1 } }")
        }
        if chance(0.4) {
            fields.append("\"join\": { \"probability\": \(number(0.05, 0.5)), \"delay\": \(delay(maximumMilliseconds: meanRunMilliseconds)) }")
        }
        if chance(0.4) {
            fields.append("\"after_seconds\": { \"probability\": \(number(0.05, 0.5)), "
                + "\"delay\": \(delay(maximumMilliseconds: meanRunMilliseconds * 3)) }")
        }
        return "{\n  " + fields.joined(separator: ",\n  ") + "\n}\n"
    }
}
