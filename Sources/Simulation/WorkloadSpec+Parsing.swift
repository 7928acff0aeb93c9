// Reading a workload spec from JSON. Every member is consumed by name; anything left over is
// an unknown field, and every refusal names the field's path.
import DiscreteEvent
import RunLifecycle

extension WorkloadSpec {
    /// Parses and validates a spec from UTF-8 JSON bytes.
    public static func parse(_ bytes: [UInt8]) throws(WorkloadError) -> WorkloadSpec {
        let root = try JSONReader.parse(bytes)
        var fields = try ObjectFields(root, path: "")
        let spec = try parse(&fields)
        try fields.finish()
        return spec
    }

    /// Parses a spec from a string (tests and documentation).
    public static func parse(_ text: String) throws(WorkloadError) -> WorkloadSpec {
        try parse(Array(text.utf8))
    }

    private static func parse(_ fields: inout ObjectFields) throws(WorkloadError) -> WorkloadSpec {
        let seed = try fields.optional("seed") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 0, maximum: Double(UInt64(1) << 53))
        }
        let runs = try fields.optional("runs") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 0, maximum: 1e12)
        }
        let duration = try fields.optional("duration_ms") { value, path throws(WorkloadError) in
            try positiveNumber(value, path)
        }
        let length: Length
        switch (runs, duration) {
        case (let runs?, nil): length = .runs(Int(runs))
        case (nil, let duration?): length = .durationMilliseconds(Int64(duration.rounded(.up)))
        case (nil, nil): throw .invalidField(path: "runs", message: "one of runs or duration_ms is required")
        case (_?, _?): throw .invalidField(path: "duration_ms", message: "give runs or duration_ms, not both")
        }
        let server = try fields.required("server") { value, path throws(WorkloadError) in
            try ServerSpec.parse(value, path)
        }
        let threads = try fields.optional("threads") { value, path throws(WorkloadError) in
            try ThreadsSpec.parse(value, path)
        } ?? ThreadsSpec(mode: .fresh)
        let arrivals = try fields.required("arrivals") { value, path throws(WorkloadError) in
            try ArrivalsSpec.parse(value, path)
        }
        let runTime = try fields.required("run_time") { value, path throws(WorkloadError) in
            try distribution(value, path)
        }
        let steps = try fields.optional("steps") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 1, maximum: 10_000)
        }
        let strategyMix = try fields.optional("strategy_mix") { value, path throws(WorkloadError) in
            try StrategyMix.parse(value, path)
        } ?? .only(.enqueue)
        let doubleText = try fields.optional("double_text") { value, path throws(WorkloadError) in
            try DoubleTextSpec.parse(value, path)
        }
        let cancel = try fields.optional("cancel") { value, path throws(WorkloadError) in
            try CancelSpec.parse(value, path)
        }
        let join = try fields.optional("join") { value, path throws(WorkloadError) in
            try DelayedActionSpec.parse(value, path)
        }
        let afterSeconds = try fields.optional("after_seconds") { value, path throws(WorkloadError) in
            try DelayedActionSpec.parse(value, path)
        }
        return WorkloadSpec(
            seed: UInt64(seed ?? 1), length: length, server: server, threads: threads, arrivals: arrivals,
            runTime: runTime, steps: Int(steps ?? 1), strategyMix: strategyMix, doubleText: doubleText,
            cancel: cancel, join: join, afterSeconds: afterSeconds)
    }
}

extension ServerSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> ServerSpec {
        var fields = try ObjectFields(value, path: path)
        let slots = try fields.required("slots") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 1, maximum: 1_000_000)
        }
        let poll = try fields.optional("poll_interval_ms") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 0, maximum: 86_400_000)
        }
        let profile = try fields.optional("profile") { value, path throws(WorkloadError) in
            switch try string(value, path) {
            case "documented": BehaviourProfile.documented
            case "langgraph-inmem": BehaviourProfile.langgraphInmem
            case let other:
                throw WorkloadError.invalidField(
                    path: path, message: "must be \"documented\" or \"langgraph-inmem\", got \"\(other)\"")
            }
        }
        let maxRetries = try fields.optional("max_retries") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 0, maximum: 1000)
        }
        let timeout = try fields.optional("timeout_ms") { value, path throws(WorkloadError) in
            try positiveNumber(value, path)
        }
        let stopDelay = try fields.optional("cancel_stop_delay") { value, path throws(WorkloadError) in
            try distribution(value, path)
        }
        let retry = try fields.optional("retry_probability") { value, path throws(WorkloadError) in
            try probabilityValue(value, path)
        }
        let error = try fields.optional("error_probability") { value, path throws(WorkloadError) in
            try probabilityValue(value, path)
        }
        let restarts = try fields.optional("restarts") { value, path throws(WorkloadError) in
            try RestartSpec.parse(value, path)
        }
        try fields.finish()
        if (retry ?? 0) + (error ?? 0) > 1 {
            throw .invalidField(
                path: path.isEmpty ? "error_probability" : path + ".error_probability",
                message: "retry_probability + error_probability must be <= 1")
        }
        return ServerSpec(
            slots: Int(slots), pollIntervalMilliseconds: Int64(poll ?? 500), profile: profile ?? .documented,
            maxRetries: UInt32(maxRetries ?? 3), timeoutMilliseconds: timeout.map { Int64($0.rounded(.up)) },
            // The observed stop delay: 0.1–3.4 ms (n=15).
            cancelStopDelay: stopDelay ?? (try! Distribution.uniform(lower: 0.1, upper: 3.4)),
            retryProbability: retry ?? 0, errorProbability: error ?? 0, restarts: restarts)
    }
}

extension RestartSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> RestartSpec {
        var fields = try ObjectFields(value, path: path)
        let interval = try fields.required("interval") { value, path throws(WorkloadError) in try distribution(value, path) }
        let downtime = try fields.optional("downtime_ms") { value, path throws(WorkloadError) in
            try nonNegativeNumber(value, path)
        }
        try fields.finish()
        guard interval.mean > 0 else {
            throw .invalidField(path: fields.child("interval"), message: "must have a mean above 0 (restarts would never stop)")
        }
        // Observed: a graceful restart of `langgraph dev` dequeued again within about 0.1 s.
        return RestartSpec(interval: interval, downtimeMicroseconds: Int64(((downtime ?? 100) * 1_000).rounded()))
    }
}

extension ThreadsSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> ThreadsSpec {
        var fields = try ObjectFields(value, path: path)
        let mode = try fields.required("mode") { value, path throws(WorkloadError) in try string(value, path) }
        let count = try fields.optional("count") { value, path throws(WorkloadError) in
            try wholeNumber(value, path, minimum: 1, maximum: Double(ZipfDistribution.maximumCount))
        }
        let popularity = try fields.optional("popularity") { value, path throws(WorkloadError) in
            try string(value, path)
        }
        let exponent = try fields.optional("zipf_exponent") { value, path throws(WorkloadError) in
            let exponent = try number(value, path)
            guard exponent >= 0 else { throw WorkloadError.invalidField(path: path, message: "must be >= 0, got \(exponent)") }
            return exponent
        }
        let result: ThreadsSpec
        switch mode {
        case "fresh":
            for (name, present) in [("count", count != nil), ("popularity", popularity != nil), ("zipf_exponent", exponent != nil)]
            where present {
                throw .invalidField(path: fields.child(name), message: "only allowed with mode \"pool\"")
            }
            result = ThreadsSpec(mode: .fresh)
        case "pool":
            guard let count else { throw .invalidField(path: fields.child("count"), message: "required with mode \"pool\"") }
            let chosen: Popularity
            switch popularity ?? "uniform" {
            case "uniform":
                if exponent != nil {
                    throw .invalidField(path: fields.child("zipf_exponent"), message: "only allowed with popularity \"zipf\"")
                }
                chosen = .uniform
            case "zipf": chosen = .zipf(exponent: exponent ?? 1.0)
            case let other:
                throw .invalidField(path: fields.child("popularity"), message: "must be \"uniform\" or \"zipf\", got \"\(other)\"")
            }
            result = ThreadsSpec(mode: .pool(count: Int(count), popularity: chosen))
        default:
            throw .invalidField(path: fields.child("mode"), message: "must be \"fresh\" or \"pool\", got \"\(mode)\"")
        }
        try fields.finish()
        return result
    }
}

extension StrategyMix {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> StrategyMix {
        guard case .object(let members) = value else {
            throw .invalidField(path: path, message: "must be an object of strategy weights, got \(value.typeName)")
        }
        var strategies: [MultitaskStrategy] = []
        var weights: [Double] = []
        for member in members {
            let memberPath = path + "." + member.key
            let strategy: MultitaskStrategy
            switch member.key {
            case "reject": strategy = .reject
            case "interrupt": strategy = .interrupt
            case "rollback": strategy = .rollback
            case "enqueue": strategy = .enqueue
            default:
                throw .invalidField(
                    path: memberPath, message: "unknown strategy (use reject, interrupt, rollback or enqueue)")
            }
            let weight = try number(member.value, memberPath)
            guard weight >= 0 else { throw .invalidField(path: memberPath, message: "must be >= 0, got \(weight)") }
            strategies.append(strategy)
            weights.append(weight)
        }
        guard weights.reduce(0, +) > 0 else {
            throw .invalidField(path: path, message: "needs at least one strategy with a weight above 0")
        }
        return StrategyMix(strategies: strategies, choice: try! WeightedChoice(weights: weights))
    }
}

extension DoubleTextSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> DoubleTextSpec {
        var fields = try ObjectFields(value, path: path)
        let chance = try fields.required("probability") { value, path throws(WorkloadError) in try probabilityValue(value, path) }
        let delay = try fields.required("delay") { value, path throws(WorkloadError) in try distribution(value, path) }
        let mix = try fields.optional("strategy_mix") { value, path throws(WorkloadError) in
            try StrategyMix.parse(value, path)
        } ?? .only(.enqueue)
        try fields.finish()
        return DoubleTextSpec(probability: chance, delay: delay, strategyMix: mix)
    }
}

extension DelayedActionSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> DelayedActionSpec {
        var fields = try ObjectFields(value, path: path)
        let chance = try fields.required("probability") { value, path throws(WorkloadError) in try probabilityValue(value, path) }
        let delay = try fields.required("delay") { value, path throws(WorkloadError) in try distribution(value, path) }
        try fields.finish()
        return DelayedActionSpec(probability: chance, delay: delay)
    }
}

extension CancelSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> CancelSpec {
        var fields = try ObjectFields(value, path: path)
        let chance = try fields.required("probability") { value, path throws(WorkloadError) in try probabilityValue(value, path) }
        let delay = try fields.required("delay") { value, path throws(WorkloadError) in try distribution(value, path) }
        let mix = try fields.optional("action_mix") { value, path throws(WorkloadError) -> ([CancelAction], [Double]) in
            guard case .object(let members) = value else {
                throw WorkloadError.invalidField(path: path, message: "must be an object of action weights, got \(value.typeName)")
            }
            var actions: [CancelAction] = []
            var weights: [Double] = []
            for member in members {
                let memberPath = path + "." + member.key
                switch member.key {
                case "interrupt": actions.append(.interrupt)
                case "rollback": actions.append(.rollback)
                default: throw WorkloadError.invalidField(path: memberPath, message: "unknown action (use interrupt or rollback)")
                }
                let weight = try number(member.value, memberPath)
                guard weight >= 0 else { throw WorkloadError.invalidField(path: memberPath, message: "must be >= 0, got \(weight)") }
                weights.append(weight)
            }
            guard weights.reduce(0, +) > 0 else {
                throw WorkloadError.invalidField(path: path, message: "needs at least one action with a weight above 0")
            }
            return (actions, weights)
        } ?? ([.interrupt], [1])
        try fields.finish()
        return CancelSpec(
            probability: chance, delay: delay, actions: mix.0, actionChoice: try! WeightedChoice(weights: mix.1))
    }
}
