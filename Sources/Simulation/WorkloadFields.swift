// The field readers the workload parser is built from: an object's members consumed by name,
// and typed values that refuse, naming the field's path, anything out of range.
import DiscreteEvent

/// The members of one JSON object, consumed by name; ``finish()`` refuses what is left.
struct ObjectFields {
    let path: String
    private var members: [(key: String, value: JSONValue)]

    init(_ value: JSONValue, path: String) throws(WorkloadError) {
        guard case .object(let members) = value else {
            throw .invalidField(path: path.isEmpty ? "(top level)" : path, message: "must be an object, got \(value.typeName)")
        }
        self.path = path
        self.members = members
    }

    func child(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    mutating func optional<T>(
        _ name: String, _ convert: (JSONValue, String) throws(WorkloadError) -> T
    ) throws(WorkloadError) -> T? {
        guard let index = members.firstIndex(where: { $0.key == name }) else { return nil }
        let value = members.remove(at: index).value
        if case .null = value { return nil }
        return try convert(value, child(name))
    }

    mutating func required<T>(
        _ name: String, _ convert: (JSONValue, String) throws(WorkloadError) -> T
    ) throws(WorkloadError) -> T {
        guard let value = try optional(name, convert) else {
            throw .invalidField(path: child(name), message: "is required")
        }
        return value
    }

    /// Refuses the first member nobody asked for.
    func finish() throws(WorkloadError) {
        if let unknown = members.first { throw .invalidField(path: child(unknown.key), message: "unknown field") }
    }
}

func number(_ value: JSONValue, _ path: String) throws(WorkloadError) -> Double {
    guard case .number(let number) = value else {
        throw .invalidField(path: path, message: "must be a number, got \(value.typeName)")
    }
    return number
}

func string(_ value: JSONValue, _ path: String) throws(WorkloadError) -> String {
    guard case .string(let text) = value else {
        throw .invalidField(path: path, message: "must be a string, got \(value.typeName)")
    }
    return text
}

func wholeNumber(_ value: JSONValue, _ path: String, minimum: Double, maximum: Double) throws(WorkloadError) -> Double {
    let number = try number(value, path)
    guard number.rounded() == number else {
        throw .invalidField(path: path, message: "must be a whole number, got \(format(number))")
    }
    guard number >= minimum else { throw .invalidField(path: path, message: "must be >= \(format(minimum)), got \(format(number))") }
    guard number <= maximum else { throw .invalidField(path: path, message: "must be <= \(format(maximum)), got \(format(number))") }
    return number
}

func positiveNumber(_ value: JSONValue, _ path: String) throws(WorkloadError) -> Double {
    let number = try number(value, path)
    guard number > 0 else { throw .invalidField(path: path, message: "must be > 0, got \(format(number))") }
    return number
}

func nonNegativeNumber(_ value: JSONValue, _ path: String) throws(WorkloadError) -> Double {
    let number = try number(value, path)
    guard number >= 0 else { throw .invalidField(path: path, message: "must be >= 0, got \(format(number))") }
    return number
}

/// An array of at least `minimumCount` numbers, each checked by `element`; errors name the index.
func numbers(
    _ value: JSONValue, _ path: String, minimumCount: Int,
    _ element: (JSONValue, String) throws(WorkloadError) -> Double
) throws(WorkloadError) -> [Double] {
    guard case .array(let items) = value else {
        throw .invalidField(path: path, message: "must be an array of numbers, got \(value.typeName)")
    }
    guard items.count >= minimumCount, items.count <= 64 else {
        throw .invalidField(path: path, message: "must list \(minimumCount) to 64 numbers, got \(items.count)")
    }
    var result: [Double] = []
    for (index, item) in items.enumerated() { result.append(try element(item, "\(path)[\(index)]")) }
    return result
}

func probabilityValue(_ value: JSONValue, _ path: String) throws(WorkloadError) -> Double {
    let number = try number(value, path)
    guard number >= 0, number <= 1 else {
        throw .invalidField(path: path, message: "must be between 0 and 1, got \(format(number))")
    }
    return number
}

/// A duration distribution in milliseconds: `{"distribution": "exponential", "mean_ms": 800}`.
func distribution(_ value: JSONValue, _ path: String) throws(WorkloadError) -> Distribution {
    var fields = try ObjectFields(value, path: path)
    let kind = try fields.required("distribution") { value, path throws(WorkloadError) in try string(value, path) }
    func nonNegative(_ name: String) throws(WorkloadError) -> Double {
        try fields.required(name) { value, path throws(WorkloadError) in
            let number = try number(value, path)
            guard number >= 0 else { throw WorkloadError.invalidField(path: path, message: "must be >= 0, got \(format(number))") }
            return number
        }
    }
    func positive(_ name: String) throws(WorkloadError) -> Double {
        try fields.required(name) { value, path throws(WorkloadError) in try positiveNumber(value, path) }
    }
    let result: Distribution
    do {
        switch kind {
        case "constant":
            result = try Distribution.constant(try nonNegative("mean_ms"))
        case "uniform":
            let lower = try nonNegative("min_ms")
            let upper = try nonNegative("max_ms")
            guard upper >= lower else {
                throw WorkloadError.invalidField(
                    path: fields.child("max_ms"), message: "must be >= min_ms (\(format(lower))), got \(format(upper))")
            }
            result = try Distribution.uniform(lower: lower, upper: upper)
        case "exponential":
            result = try Distribution.exponential(mean: try positive("mean_ms"))
        case "lognormal":
            let mean = try positive("mean_ms")
            let variation = try fields.optional("cv") { value, path throws(WorkloadError) in
                let number = try number(value, path)
                guard number >= 0 else { throw WorkloadError.invalidField(path: path, message: "must be >= 0, got \(format(number))") }
                return number
            }
            result = try Distribution.lognormal(mean: mean, coefficientOfVariation: variation ?? 1)
        case "pareto":
            result = try Distribution.pareto(scale: try positive("scale_ms"), shape: try positive("shape"))
        case "empirical":
            let samples = try fields.required("samples_ms") { value, path throws(WorkloadError) -> [Double] in
                guard case .array(let values) = value, !values.isEmpty else {
                    throw WorkloadError.invalidField(path: path, message: "must be a non-empty array of numbers")
                }
                var samples: [Double] = []
                for (index, element) in values.enumerated() {
                    let sample = try number(element, "\(path)[\(index)]")
                    guard sample >= 0 else {
                        throw WorkloadError.invalidField(path: "\(path)[\(index)]", message: "must be >= 0, got \(format(sample))")
                    }
                    samples.append(sample)
                }
                return samples
            }
            result = try Distribution.empirical(samples: samples)
        default:
            throw WorkloadError.invalidField(
                path: fields.child("distribution"),
                message: "must be constant, uniform, exponential, lognormal, pareto or empirical, got \"\(kind)\"")
        }
    } catch let error as WorkloadError {
        throw error
    } catch {
        throw .invalidField(path: path, message: "\(error)")
    }
    try fields.finish()
    return result
}

/// A number without a needless ".0".
func format(_ number: Double) -> String {
    number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
}
