// Start order compared as two streams of run ids: the recorded starts (by recorded time) and the
// simulated starts (by event order). Global agreement is Kendall's: the share of pairs of runs
// that started in both and in the same order. Counting the discordant pairs needs, for each run
// in recorded order, how many runs before it started after it in the model; only simulated
// ranks that a later run could still be compared against are kept, so memory follows the
// disorder between the two streams, not the length of the trace.
import RunLifecycle

/// The recorded start order, released in time order once no earlier start can still arrive.
struct RecordedStarts {
    private var heap = MinHeap<Start>()

    struct Start: Comparable {
        var at: Timestamp
        var index: Int
        static func < (left: Start, right: Start) -> Bool { (left.at, left.index) < (right.at, right.index) }
    }

    var count: Int { heap.count }

    mutating func add(_ index: Int, startedAt: Timestamp) {
        heap.push(Start(at: startedAt, index: index))
    }

    /// The next run in recorded start order whose start is before `bound` (nil bound: any).
    mutating func next(before bound: Timestamp?) -> Int? {
        guard let top = heap.top else { return nil }
        if let bound, top.at >= bound { return nil }
        heap.pop()
        return top.index
    }
}

/// Kendall's concordance between the recorded and the simulated start order, counted online.
struct GlobalOrder {
    /// Runs in recorded start order, waiting until their simulated start is known.
    private var queue: [Int] = []
    private var queueHead = 0
    /// Simulated ranks of runs that may still be compared (not yet taken in recorded order).
    private var openRanks = MinHeap<Int>()
    private var closedRanks: Set<Int> = []
    /// Ranks of runs already taken, above the lowest rank a later run can have, ascending.
    private var takenRanks: [Int] = []
    /// The next simulated start's rank.
    private(set) var nextRank = 0
    /// Runs taken (started in both), and the discordant pairs among them.
    private(set) var both = 0
    private(set) var inversions = 0

    /// What the simulation says of a run at the head of the queue.
    enum Simulated {
        case started(rank: Int)
        /// It will never start in the model.
        case never
        /// Not yet known (the simulation has not got there).
        case unknown
    }

    var waiting: Int { queue.count - queueHead }
    var heldRanks: Int { takenRanks.count + openRanks.count }
    /// Entries stored: the queue's waiting runs (its consumed head is dropped past 1,024) and
    /// every set of ranks.
    var storedCount: Int { waiting + openRanks.count + closedRanks.count + takenRanks.count }

    /// A run started in the model: returns its rank. `mayBeRecorded`: the run has (or may have)
    /// a recorded start, so it will be taken in recorded order later.
    mutating func simulatedStart(mayBeRecorded: Bool) -> Int {
        let rank = nextRank
        nextRank += 1
        if mayBeRecorded { openRanks.push(rank) }
        return rank
    }

    /// A rank pushed as `mayBeRecorded` that will never be taken (the run has no recorded start).
    mutating func close(rank: Int) {
        closedRanks.insert(rank)
    }

    /// The next run in recorded start order.
    mutating func recorded(_ index: Int) {
        queue.append(index)
    }

    /// Takes runs from the head of the queue while their simulated side is known; returns the
    /// runs taken.
    mutating func take(_ simulated: (Int) -> Simulated) -> [Int] {
        var taken: [Int] = []
        while queueHead < queue.count {
            let index = queue[queueHead]
            switch simulated(index) {
            case .unknown:
                compact()
                return taken
            case .never: break
            case .started(let rank):
                // Runs taken before with a higher rank started after this one in the model.
                let position = Self.firstIndex(in: takenRanks, above: rank)
                inversions += takenRanks.count - position
                takenRanks.insert(rank, at: position)
                both += 1
                closedRanks.insert(rank)
            }
            queueHead += 1
            taken.append(index)
        }
        compact()
        return taken
    }

    /// Drops ranks no later run can be compared against.
    private mutating func compact() {
        while let top = openRanks.top, closedRanks.contains(top) {
            openRanks.pop()
            closedRanks.remove(top)
        }
        let lowest = openRanks.top ?? nextRank
        let drop = Self.firstIndex(in: takenRanks, above: lowest - 1)
        if drop > 0 { takenRanks.removeFirst(drop) }
        if queueHead > 1_024, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    /// The position of the first element of the ascending `ranks` greater than `value`.
    static func firstIndex(in ranks: [Int], above value: Int) -> Int {
        var low = 0
        var high = ranks.count
        while low < high {
            let middle = (low + high) / 2
            if ranks[middle] > value { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
