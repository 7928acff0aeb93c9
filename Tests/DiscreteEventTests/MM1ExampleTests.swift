import DiscreteEvent
import Testing

@Suite struct MM1ExampleTests {
    enum Event { case arrival, departure }

    @Test func mm1MeanWaitMatchesQueueingTheory() throws {
        // Proves the kernel, the PRNG streams and the exponential distribution compose correctly: an M/M/1 queue
        // at rho = 0.5 over 200,000 customers (fixed seed) has a mean wait whose batch-means 99 % confidence
        // interval contains Wq = rho / (mu - lambda) = 1 s.
        let arrivalRate = 0.5  // lambda, per second
        let serviceRate = 1.0  // mu, per second
        let customers = 200_000
        let warmUp = 10_000  // the queue starts empty, which biases the first waits low
        var root = Xoshiro256StarStar(seed: 20_240_601)
        var arrivalStream = root.split()
        var serviceStream = root.split()
        let interArrival = try Distribution.exponential(mean: 1 / arrivalRate)
        let service = try Distribution.exponential(mean: 1 / serviceRate)

        var kernel = Kernel<Event>(minimumCapacity: 4)
        var waitingSince: [SimulatedTime] = []  // FIFO of arrival times; `head` is the next to serve
        waitingSince.reserveCapacity(customers)
        var head = 0
        var serverBusy = false
        var arrived = 0
        var waitsSeconds: [Double] = []
        waitsSeconds.reserveCapacity(customers)

        func startService(arrivedAt: SimulatedTime) {
            waitsSeconds.append((kernel.now - arrivedAt).inSeconds)
            serverBusy = true
            kernel.schedule(after: SimulatedSpan(seconds: service.sample(using: &serviceStream)), .departure)
        }

        kernel.schedule(after: SimulatedSpan(seconds: interArrival.sample(using: &arrivalStream)), .arrival)
        while waitsSeconds.count < customers, let entry = kernel.step() {
            switch entry.payload {
            case .arrival:
                arrived += 1
                if arrived < customers {
                    kernel.schedule(after: SimulatedSpan(seconds: interArrival.sample(using: &arrivalStream)), .arrival)
                }
                if serverBusy {
                    waitingSince.append(kernel.now)
                } else {
                    startService(arrivedAt: kernel.now)
                }
            case .departure:
                serverBusy = false
                if head < waitingSince.count {
                    head += 1
                    startService(arrivedAt: waitingSince[head - 1])
                }
            }
        }
        #expect(waitsSeconds.count == customers)

        // Batch means: 19 batches of 10,000 consecutive waits are nearly independent, so their means
        // give a t-interval with 18 degrees of freedom (t_0.995 = 2.878).
        let steady = waitsSeconds[warmUp...]
        let batchSize = 10_000
        let batchCount = steady.count / batchSize
        let batchMeans = (0..<batchCount).map { batch in
            steady.dropFirst(batch * batchSize).prefix(batchSize).reduce(0, +) / Double(batchSize)
        }
        let grandMean = batchMeans.reduce(0, +) / Double(batchCount)
        let batchVariance = batchMeans.reduce(0) { $0 + ($1 - grandMean) * ($1 - grandMean) } / Double(batchCount - 1)
        let halfWidth = 2.878 * (batchVariance / Double(batchCount)).squareRoot()
        let rho = arrivalRate / serviceRate
        let theoreticalWait = rho / (serviceRate - arrivalRate)
        #expect(batchCount == 19)
        #expect(
            abs(grandMean - theoreticalWait) <= halfWidth,
            "mean wait \(grandMean) s ± \(halfWidth) s (99 %) should contain Wq = \(theoreticalWait) s")
        // A sanity bound that would catch a half-width blown up by a broken run.
        #expect(halfWidth < 0.1, "half-width \(halfWidth)")
    }
}
