import Foundation
import Simulation
import Testing

/// Spec errors name the field path, so a user can fix the file without reading the code.
@Suite struct WorkloadSpecTests {
    static let valid = """
    {
      "seed": 9, "runs": 10,
      "server": { "slots": 2, "poll_interval_ms": 0, "profile": "documented" },
      "threads": { "mode": "pool", "count": 3 },
      "arrivals": { "process": "poisson", "rate_per_s": 1 },
      "run_time": { "distribution": "exponential", "mean_ms": 100 },
      "steps": 2,
      "strategy_mix": { "enqueue": 1 }
    }
    """

    static func error(_ text: String) -> String? {
        do {
            _ = try WorkloadSpec.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    /// The valid spec parses with the values written and defaults for what is left out.
    @Test func validSpecParses() throws {
        let parsed = try WorkloadSpec.parse(Self.valid)
        #expect(parsed.seed == 9 && parsed.length == .runs(10) && parsed.server.slots == 2)
        #expect(parsed.threads.mode == .pool(count: 3, popularity: .uniform) && parsed.steps == 2)
        #expect(parsed.server.maxRetries == 3 && parsed.doubleText == nil)
    }

    /// Each broken field is reported with its path and what was wrong.
    @Test(arguments: [
        ("\"slots\": 2", "\"slots\": 0", "server.slots: must be >= 1, got 0"),
        ("\"slots\": 2", "\"slots\": 2.5", "server.slots: must be a whole number, got 2.5"),
        ("\"slots\": 2", "\"slots\": \"2\"", "server.slots: must be a number, got a string"),
        ("\"slots\": 2,", "\"slots\": 2, \"slot\": 3,", "server.slot: unknown field"),
        ("\"seed\": 9,", "\"seed\": 9, \"colour\": 1,", "colour: unknown field"),
        ("\"mode\": \"pool\"", "\"mode\": \"shared\"", "threads.mode: must be \"fresh\" or \"pool\", got \"shared\""),
        ("\"count\": 3", "\"count\": 0", "threads.count: must be >= 1, got 0"),
        ("\"process\": \"poisson\"", "\"process\": \"uniform\"",
         "arrivals.process: must be \"poisson\", \"bursty\", \"mmpp\", \"diurnal\" or \"closed_loop\", got \"uniform\""),
        ("\"process\": \"poisson\", \"rate_per_s\": 1", "\"process\": \"mmpp\", \"rates_per_s\": [1, 2], \"sojourn_ms\": [5]",
         "arrivals.sojourn_ms: must list 2 to 64 numbers, got 1"),
        ("\"process\": \"poisson\", \"rate_per_s\": 1", "\"process\": \"mmpp\", \"rates_per_s\": [1, 2, 3], \"sojourn_ms\": [5, 6]",
         "arrivals.sojourn_ms: must list one mean per state: 3 rates, 2 sojourns"),
        ("\"process\": \"poisson\", \"rate_per_s\": 1", "\"process\": \"mmpp\", \"rates_per_s\": [0, 0], \"sojourn_ms\": [5, 6]",
         "arrivals.rates_per_s: must have at least one rate above 0"),
        ("\"process\": \"poisson\", \"rate_per_s\": 1", "\"process\": \"mmpp\", \"rates_per_s\": [1, -2], \"sojourn_ms\": [5, 6]",
         "arrivals.rates_per_s[1]: must be >= 0, got -2"),
        ("\"profile\": \"documented\"", "\"profile\": \"documented\", \"restarts\": { \"downtime_ms\": 5 }",
         "server.restarts.interval: is required"),
        ("\"profile\": \"documented\"", "\"profile\": \"documented\", \"restarts\": { \"interval\": { \"distribution\": \"constant\", \"mean_ms\": 1000 }, \"downtime_ms\": -1 }",
         "server.restarts.downtime_ms: must be >= 0, got -1"),
        ("\"rate_per_s\": 1", "\"rate_per_s\": -1", "arrivals.rate_per_s: must be > 0, got -1"),
        ("\"mean_ms\": 100", "\"mean_ms\": 0", "run_time.mean_ms: must be > 0, got 0"),
        ("\"distribution\": \"exponential\"", "\"distribution\": \"normal\"",
         "run_time.distribution: must be constant, uniform, exponential, lognormal, pareto or empirical, got \"normal\""),
        ("\"enqueue\": 1", "\"enqueue\": 1, \"steal\": 1", "strategy_mix.steal: unknown strategy (use reject, interrupt, rollback or enqueue)"),
        ("\"enqueue\": 1", "\"enqueue\": 0", "strategy_mix: needs at least one strategy with a weight above 0"),
        ("\"profile\": \"documented\"", "\"profile\": \"prod\"", "server.profile: must be \"documented\" or \"langgraph-inmem\", got \"prod\""),
        ("\"runs\": 10,", "\"runs\": 10, \"duration_ms\": 5,", "duration_ms: give runs or duration_ms, not both"),
        ("\"steps\": 2,", "\"steps\": 0,", "steps: must be >= 1, got 0"),
        ("\"steps\": 2,", "\"steps\": 2, \"double_text\": { \"probability\": 1.5, \"delay\": { \"distribution\": \"constant\", \"mean_ms\": 1 } },",
         "double_text.probability: must be between 0 and 1, got 1.5"),
    ])
    func badFieldIsNamed(original: String, replacement: String, expected: String) {
        let text = Self.valid.replacingFirst(original, with: replacement)
        #expect(text != Self.valid, "the test's replacement did not apply")
        #expect(Self.error(text) == expected)
    }

    /// A missing required section is named.
    @Test func missingSectionIsNamed() {
        let text = Self.valid.replacingFirst("\"arrivals\": { \"process\": \"poisson\", \"rate_per_s\": 1 },", with: "")
        #expect(Self.error(text) == "arrivals: is required")
    }

    /// Syntax errors give a line and column; duplicate keys are refused.
    @Test func syntaxErrorsGiveALine() {
        #expect(Self.error("{\n  \"seed\": 1,\n  oops\n}") == "line 3, column 3: expected a member name in quotes")
        #expect(Self.error("{\"seed\": 1, \"seed\": 2}") == "line 1, column 19: duplicate member \"seed\"")
        #expect(Self.error("[1, 2") == "line 1, column 6: unexpected end of input in an array")
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
