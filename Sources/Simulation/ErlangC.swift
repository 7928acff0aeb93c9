// Queueing theory for the accuracy check: the M/M/c queue's waiting probability and mean wait.
// With fresh threads, Poisson arrivals, exponential run times, one step and event-driven
// dequeue, the simulated server is exactly an M/M/c queue.

/// The M/M/c queue: `servers` servers, arrival rate λ and service rate μ per server.
public struct ErlangC: Hashable, Sendable {
    public let servers: Int
    public let arrivalRate: Double
    public let serviceRate: Double

    /// - Precondition: the queue is stable, ρ = λ / (c μ) < 1.
    public init(servers: Int, arrivalRate: Double, serviceRate: Double) {
        precondition(servers >= 1 && arrivalRate > 0 && serviceRate > 0, "ErlangC: bad parameters")
        precondition(arrivalRate < Double(servers) * serviceRate, "ErlangC: unstable queue (rho >= 1)")
        self.servers = servers
        self.arrivalRate = arrivalRate
        self.serviceRate = serviceRate
    }

    /// ρ = λ / (c μ).
    public var utilization: Double { arrivalRate / (Double(servers) * serviceRate) }

    /// The probability that an arrival waits (Erlang's C formula), computed through the
    /// Erlang B recursion, which stays stable for large c.
    public var waitProbability: Double {
        let offered = arrivalRate / serviceRate
        var blocking = 1.0
        for k in 1...servers {
            blocking = offered * blocking / (Double(k) + offered * blocking)
        }
        let rho = utilization
        return blocking / (1 - rho + rho * blocking)
    }

    /// The mean wait in queue, W_q = C / (c μ − λ), in the rates' time unit.
    public var meanWait: Double {
        waitProbability / (Double(servers) * serviceRate - arrivalRate)
    }
}
