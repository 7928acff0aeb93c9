// The pooled lists (first element inline, the rest in shared nodes) against plain arrays under
// random operations on a few lists sharing one pool: ordered inserts (before the first element
// too), appends, last-element updates, removals (of the inline element with nodes behind it too)
// and clears, with freed nodes reused by the other lists.

import PropertyBased
@testable import RunLifecycle
import Testing

@Suite struct ListPoolTests {
    /// (operation, list, value): 0-1 insert before the first element not smaller, 2 append, 3 set last, 4 remove values
    /// equal to `value` modulo 3, 5 clear.
    static let operations = zip(Gen.int(in: 0...5), Gen.int(in: 0...2), Gen.int(in: 0...20)).array(of: 1...120)

    @Test(.shrinking) func behavesLikeArrays() async {
        await propertyCheck(count: 300, input: Self.operations) { operations in
            var pool = ListPool<RunID>()
            var lists = [PooledList<RunID>](repeating: PooledList(), count: 3)
            var models = [[RunID]](repeating: [], count: 3)
            for (operation, index, value) in operations {
                let id = RunID(UInt32(value))
                switch operation {
                case 0, 1:
                    pool.insert(id, into: &lists[index]) { $0 >= id }
                    // The documented rule, for any list: appended unless the last element is
                    // "after" it (on a sorted list, the sorted insert).
                    let position = models[index].last.map { $0 >= id } == true ? models[index].firstIndex { $0 >= id }! : models[index].count
                    models[index].insert(id, at: position)
                case 2:
                    pool.append(id, to: &lists[index])
                    models[index].append(id)
                case 3:
                    guard !models[index].isEmpty else { continue }
                    pool.setLast(of: &lists[index], to: id)
                    models[index][models[index].count - 1] = id
                case 4:
                    var tested: [RunID] = []
                    pool.removeAll(from: &lists[index]) { element in
                        tested.append(element)
                        return element.rawValue % 3 == id.rawValue % 3
                    }
                    // Every element is tested once, in order.
                    #expect(tested == models[index])
                    models[index].removeAll { $0.rawValue % 3 == id.rawValue % 3 }
                default:
                    pool.clear(&lists[index])
                    models[index] = []
                }
                for (list, model) in zip(lists, models) {
                    #expect(pool.elements(of: list) == model)
                    #expect(Int(list.count) == model.count)
                    #expect(list.isEmpty == model.isEmpty)
                    #expect(pool.last(of: list) == model.last)
                    #expect(pool.reduce(list, 0) { $0 + Int($1.rawValue) } == model.reduce(0) { $0 + Int($1.rawValue) })
                    #expect(pool.contains(in: list) { $0 == id } == model.contains(id))
                }
                // Only elements after a list's first take nodes.
                #expect(pool.liveCount == models.reduce(0) { $0 + max(0, $1.count - 1) })
            }
        }
    }

    @Test func aSingleElementTakesNoNode() {
        var pool = ListPool<CheckpointSpan>()
        var list = PooledList<CheckpointSpan>()
        pool.append(CheckpointSpan(runID: RunID(1), firstStep: -1, count: 1, lastHasNext: true), to: &list)
        pool.setLast(of: &list, to: CheckpointSpan(runID: RunID(1), firstStep: -1, count: 2, lastHasNext: false))
        #expect(pool.liveCount == 0)
        #expect(pool.last(of: list)?.lastStep == 0)
        pool.removeAll(from: &list) { $0.runID == RunID(1) }
        #expect(list.isEmpty && pool.liveCount == 0)
    }
}
