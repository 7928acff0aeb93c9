// The worker list against a plain array under random appends, removals (from the middle too),
// signal writes and clears, with copies taken along the way that must keep what they held (the
// list copies its buffer on write, as an array does). A copied state keeps its own workers too.

import PropertyBased
@testable import RunLifecycle
import Testing

@Suite struct WorkerListTests {
    /// (operation, value): 0-1 append, 2 remove at value modulo count, 3 signal at value modulo
    /// count, 4 remove all, 5 take a copy.
    static let operations = zip(Gen.int(in: 0...5), Gen.int(in: 0...40)).array(of: 1...150)

    static func execution(_ value: Int) -> Execution {
        Execution(runID: RunID(UInt32(value)), threadID: ThreadID(UInt32(value % 7)), startedAt: Timestamp(microsecondsSinceEpoch: Int64(value)), signal: nil)
    }

    @Test(.shrinking) func behavesLikeAnArrayAndCopiesOnWrite() async {
        await propertyCheck(count: 300, input: Self.operations) { operations in
            var list = WorkerList()
            var model: [Execution] = []
            var copies: [(list: WorkerList, model: [Execution])] = []
            for (operation, value) in operations {
                switch operation {
                case 0, 1:
                    list.append(Self.execution(value))
                    model.append(Self.execution(value))
                case 2 where !model.isEmpty:
                    list.remove(at: value % model.count)
                    model.remove(at: value % model.count)
                case 3 where !model.isEmpty:
                    list[value % model.count].signal = .interrupt
                    model[value % model.count].signal = .interrupt
                case 4:
                    list.removeAll()
                    model.removeAll()
                default:
                    copies.append((list, model))
                }
                #expect(Array(list) == model)
                #expect(list.count == model.count && list.isEmpty == model.isEmpty)
                if let last = model.last { #expect(list.index(ofRun: last.runID) == model.firstIndex { $0.runID == last.runID }) }
                #expect(list.index(ofRun: RunID(999)) == nil)
            }
            for copy in copies {
                #expect(Array(copy.list) == copy.model)
            }
            #expect(list.hashValue == WorkerList(Array(list)).hashValue)
            var hasher = Hasher()
            hasher.combine(model)
            #expect(list.hashValue == hasher.finalize())
        }
    }

    @Test func aCopiedStateKeepsItsOwnWorkers() {
        var state = State.initial(profile: .langgraphInmem, slots: 2)
        state.executions.append(Self.execution(1))
        let original = state
        var copy = state
        copy.executions.append(Self.execution(2))
        copy.executions.remove(at: 0)
        copy.executions[0].signal = .rollback
        #expect(state.executions.map(\.runID) == [RunID(1)] && state.executions[0].signal == nil)
        #expect(copy.executions.map(\.runID) == [RunID(2)] && copy.executions[0].signal == .rollback)
        #expect(state == original)
        #expect(copy != original)
    }
}

extension WorkerList {
    init(_ executions: [Execution]) {
        self.init()
        for execution in executions { append(execution) }
    }
}
