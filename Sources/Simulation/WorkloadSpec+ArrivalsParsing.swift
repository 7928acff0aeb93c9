// Parsing of the `arrivals` object: one case per arrival process, each with its own fields.

extension ArrivalsSpec {
    static func parse(_ value: JSONValue, _ path: String) throws(WorkloadError) -> ArrivalsSpec {
        var fields = try ObjectFields(value, path: path)
        let process = try fields.required("process") { value, path throws(WorkloadError) in try string(value, path) }
        let result: ArrivalsSpec
        switch process {
        case "poisson":
            let rate = try fields.required("rate_per_s") { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            result = .poisson(ratePerSecond: rate)
        case "bursty":
            let rate = try fields.required("rate_per_s") { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            let on = try fields.required("on_ms") { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            let off = try fields.required("off_ms") { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            result = .bursty(ratePerSecond: rate, onMeanMilliseconds: on, offMeanMilliseconds: off)
        case "diurnal":
            let rate = try fields.required("rate_per_s") { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            let amplitude = try fields.optional("amplitude") { value, path throws(WorkloadError) in try probabilityValue(value, path) }
            let period = try fields.optional("period_ms") { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            result = .diurnal(ratePerSecond: rate, amplitude: amplitude ?? 0.5, periodMilliseconds: period ?? 86_400_000)
        case "mmpp":
            let rates = try fields.required("rates_per_s") { value, path throws(WorkloadError) in
                try numbers(value, path, minimumCount: 2) { value, path throws(WorkloadError) in try nonNegativeNumber(value, path) }
            }
            let sojourns = try fields.required("sojourn_ms") { value, path throws(WorkloadError) in
                try numbers(value, path, minimumCount: 2) { value, path throws(WorkloadError) in try positiveNumber(value, path) }
            }
            guard sojourns.count == rates.count else {
                throw .invalidField(
                    path: fields.child("sojourn_ms"),
                    message: "must list one mean per state: \(rates.count) rates, \(sojourns.count) sojourns")
            }
            guard rates.contains(where: { $0 > 0 }) else {
                throw .invalidField(path: fields.child("rates_per_s"), message: "must have at least one rate above 0")
            }
            result = .mmpp(ratesPerSecond: rates, meanSojournMilliseconds: sojourns)
        case "closed_loop":
            let users = try fields.required("users") { value, path throws(WorkloadError) in
                try wholeNumber(value, path, minimum: 1, maximum: 10_000_000)
            }
            let think = try fields.required("think_time") { value, path throws(WorkloadError) in try distribution(value, path) }
            result = .closedLoop(users: Int(users), thinkTime: think)
        default:
            throw .invalidField(
                path: fields.child("process"),
                message: "must be \"poisson\", \"bursty\", \"mmpp\", \"diurnal\" or \"closed_loop\", got \"\(process)\"")
        }
        try fields.finish()
        return result
    }
}
