// A create on a thread it creates stores the thread record already holding its first run,
// built in its table slot (Decision+Apply.swift), not built empty and then given the run. The
// raw record must be what the general path (`evolve`: an empty thread, then the run added)
// stores, down to the fields equality of states leaves out (the worker count, the shared
// in-flight list), which later decisions read.

@testable import RunLifecycle
import Testing

@Suite struct NewThreadRecordTests {
    @Test func theRecordIsWhatInsertingTheRunIntoAnEmptyThreadMakes() {
        for temporary in [false, true] {
            var pool = ListPool<RunID>()
            var general = StoredThread(id: T(5), isTemporary: temporary, status: .busy)
            general.executionCount = 2
            State.insert(R(9), into: &general, in: &pool)
            let direct = StoredThread(id: T(5), isTemporary: temporary, status: .busy, executionCount: 2, onlyRun: R(9))
            #expect(direct == general)
            #expect(pool.liveCount == 0, "one run is kept inline")
        }
    }

    /// Stateless creates (fresh temporary threads, appended at the table's end) and creates on
    /// absent threads (one far from the others, an outlier), each stored as the fold stores it.
    @Test func handleStoresTheRecordTheFoldStores() {
        let commands = [
            create(nil, at: 0), create(nil, at: 1), create(7, at: 2), create(nil, at: 3), create(200_000, at: 4),
            create(9, at: 5), poll(at: 6), create(nil, at: 7),
        ]
        var state = State.initial(profile: .documented, slots: 2)
        let initial = state
        var events: [Event] = []
        for command in commands { events += Decider.handle(command, &state) }
        let folded = Decider.fold(events, from: initial)
        let threads = state.threadTable.sortedEntries
        #expect(threads.count == 7)
        #expect(threads.map(\.key) == folded.threadTable.sortedEntries.map(\.key))
        for (threadID, thread) in threads {
            #expect(thread == folded.threadTable[threadID], "thread \(threadID)")
            #expect(thread.inFlightSharesRunIDs && thread.runIDs.count == 1, "thread \(threadID)")
        }
        #expect(state.structuralViolations() == [])
    }
}
