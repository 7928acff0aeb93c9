// Measures the agenda's storage against swift-collections' `Heap` and the kernel's event rate.
// Hold model (Jones 1986): fill a queue with n items, then repeat "pop the minimum, push an item
// a random span later", which keeps the size at n, the way a simulation's agenda behaves.
// Timing uses the wall clock; this is a tool, not the pure kernel. Best of three rounds.

import DiscreteEvent
import HeapModule

/// The item stored in `HeapModule.Heap`: the same key and payload the agenda stores.
struct HeapItem: Comparable {
    var time: Int64
    var priority: Int
    var sequence: UInt64
    var payload: Int

    static func < (lhs: HeapItem, rhs: HeapItem) -> Bool {
        if lhs.time != rhs.time { return lhs.time < rhs.time }
        if lhs.priority != rhs.priority { return lhs.priority < rhs.priority }
        return lhs.sequence < rhs.sequence
    }

    static func == (lhs: HeapItem, rhs: HeapItem) -> Bool { lhs.sequence == rhs.sequence }
}

let clock = ContinuousClock()

func seconds(_ duration: Swift.Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

/// Runs `body` three times and returns the best rate in operations per second.
func bestRate(operations: Int, _ body: () -> Int) -> (rate: Double, checksum: Int) {
    var best = 0.0
    var checksum = 0
    for _ in 0..<3 {
        let start = clock.now
        checksum &+= body()
        let elapsed = seconds(clock.now - start)
        best = max(best, Double(operations) / elapsed)
    }
    return (best, checksum)
}

func holdAgenda(size: Int, pairs: Int, seed: UInt64) -> Int {
    var generator = Xoshiro256StarStar(seed: seed)
    var agenda = Agenda<Int>(minimumCapacity: size)
    for index in 0..<size {
        agenda.insert(index, at: SimulatedTime(microsecondsSinceStart: Int64(generator.nextInt(below: 1_000_000))))
    }
    var checksum = 0
    for _ in 0..<pairs {
        let entry = agenda.popFirst()!
        checksum &+= entry.payload
        let later = entry.time + .microseconds(Int64(1 + generator.nextInt(below: 1_000_000)))
        agenda.insert(entry.payload, at: later, priority: generator.nextInt(below: 2))
    }
    return checksum
}

func holdHeap(size: Int, pairs: Int, seed: UInt64) -> Int {
    var generator = Xoshiro256StarStar(seed: seed)
    var heap = Heap<HeapItem>()
    heap.reserveCapacity(size)
    var sequence: UInt64 = 0
    for index in 0..<size {
        heap.insert(HeapItem(time: Int64(generator.nextInt(below: 1_000_000)), priority: 0, sequence: sequence, payload: index))
        sequence += 1
    }
    var checksum = 0
    for _ in 0..<pairs {
        let item = heap.removeMin()
        checksum &+= item.payload
        let later = item.time + Int64(1 + generator.nextInt(below: 1_000_000))
        heap.insert(HeapItem(time: later, priority: generator.nextInt(below: 2), sequence: sequence, payload: item.payload))
        sequence += 1
    }
    return checksum
}

enum Event { case arrival, departure }

/// A bare M/M/c queue (c servers, load `rho`) on the kernel; returns the number of events (an
/// arrival and a departure per customer).
func mmc(servers: Int, rho: Double, events: Int, seed: UInt64) -> Int {
    var root = Xoshiro256StarStar(seed: seed)
    var arrivals = root.split()
    var services = root.split()
    let interArrival = try! Distribution.exponential(mean: 1.0 / (rho * Double(servers)))
    let service = try! Distribution.exponential(mean: 1.0)
    var kernel = Kernel<Event>(minimumCapacity: servers + 1)
    var busy = 0
    var queued = 0
    var handled = 0
    kernel.schedule(after: SimulatedSpan(seconds: interArrival.sample(using: &arrivals)), .arrival)
    while handled < events, let entry = kernel.step() {
        handled += 1
        switch entry.payload {
        case .arrival:
            kernel.schedule(after: SimulatedSpan(seconds: interArrival.sample(using: &arrivals)), .arrival)
            if busy < servers {
                busy += 1
                kernel.schedule(after: SimulatedSpan(seconds: service.sample(using: &services)), .departure)
            } else {
                queued += 1
            }
        case .departure:
            if queued > 0 {
                queued -= 1
                kernel.schedule(after: SimulatedSpan(seconds: service.sample(using: &services)), .departure)
            } else {
                busy -= 1
            }
        }
    }
    return handled
}

extension String {
    func padded(to width: Int) -> String {
        self + String(repeating: " ", count: Swift.max(0, width - count))
    }
}

func format(_ rate: Double) -> String {
    let millions = (rate / 10_000).rounded() / 100
    return "\(millions) M/s"
}

print("hold model: pop-min + push pairs per second (best of 3), payload Int")
print("size       Agenda (4-ary)   HeapModule.Heap  ratio")
for size in [10, 1_000, 100_000] {
    let pairs = 4_000_000
    let agenda = bestRate(operations: pairs) { holdAgenda(size: size, pairs: pairs, seed: 1) }
    let heap = bestRate(operations: pairs) { holdHeap(size: size, pairs: pairs, seed: 1) }
    let sizeColumn = String(size).padded(to: 11)
    let agendaColumn = format(agenda.rate).padded(to: 17)
    let heapColumn = format(heap.rate).padded(to: 17)
    let ratio = (agenda.rate / heap.rate * 100).rounded() / 100
    print("\(sizeColumn)\(agendaColumn)\(heapColumn)\(ratio)x  (checksums \(agenda.checksum) \(heap.checksum))")
}

let events = 5_000_000
for servers in [1, 64] {
    let result = bestRate(operations: events) { mmc(servers: servers, rho: 0.9, events: events, seed: 7) }
    print("M/M/\(servers) on Kernel, rho 0.9: \(format(result.rate)) events per second")
}
// The yardstick ("a bare Swift M/M/10 kernel runs 12.4 M customers/s") on this machine:
// it says how much faster or slower this machine is than the one the targets were set on.
let mm10 = bestRate(operations: events / 2) { mmc(servers: 10, rho: 0.8, events: events, seed: 7) }
print("M/M/10 on Kernel, rho 0.8: \(format(mm10.rate)) customers per second")
