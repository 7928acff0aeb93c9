// The checker's table storage is written in place (``UniqueBuffer``) and its id map answers
// most ids from a window (``IDSlotMap``): a copied checker must still never see the other's
// changes, and the map must agree with a dictionary whatever order ids come in. Paged cells
// must read back every write, whether the page was collapsed, chunked, or the id lies above
// all written ones or beyond the dense range.

@testable import Invariants
import PropertyBased
import RunLifecycle
import Testing

@Suite struct TableStorageTests {
    // Without the copy at the entry points, a copy's writes would land in the original's
    // records: the second copy to start the pending run would find it already running.
    @Test func copiedCheckerKeepsItsOwnTables() {
        var (original, stream) = FreshThreadStream.checked(runs: 300, budget: 4)
        let next = UInt32(301)
        let at = Timestamp(microsecondsSinceEpoch: stream.time + 10)
        let created: [Event] = [
            .threadCreated(thread: T(next), temporary: false, status: .busy, at: at),
            .created(RunCreated(
                runID: R(next), threadID: T(next), assistantID: AssistantID(1), strategy: .enqueue, requestedAt: at,
                after: .zero, work: [.milliseconds(1)], subscribed: false)),
        ]
        for (offset, event) in created.enumerated() {
            original.observe(event, sequence: UInt64(stream.events.count + offset))
        }
        let start = Event.started(run: R(next), thread: T(next), attempt: 1, at: at)
        let sequence = UInt64(stream.events.count + created.count)
        var first = original
        var second = original
        first.observe(start, sequence: sequence)
        second.observe(start, sequence: sequence)
        original.observe(start, sequence: sequence)
        #expect(first.finish(drained: false).isEmpty)
        #expect(second.finish(drained: false).isEmpty, "the second copy saw the first one's start")
        #expect(original.finish(drained: false).isEmpty, "the original saw its copies' starts")
    }

    // A fresh thread's record is written whole and read at every boundary: its rare fields
    // live beside it, so the record must stay small.
    @Test func threadRecordStaysSmall() {
        #expect(MemoryLayout<ShadowThread>.stride <= 176)
    }

    // A run's record is built whole at its creation; its tracked flag sits in padding.
    @Test func runRecordStaysSmall() {
        #expect(MemoryLayout<ShadowRun>.stride <= 192)
    }

    // The rare fields live in a side table by slot: a thread that reuses a slot must not see
    // what the slot's earlier thread left there (cancel marks, settled temporary runs).
    @Test func slotReuseStartsWithoutExtras() {
        var table = ThreadTable()
        table.makeUnique()
        let at = EventReference(sequence: 7, at: .zero)
        let old = table.insert(id: T(1), temporary: true)
        table.noteRollback(old, at)
        table.noteInterrupt(old, at)
        table.appendSettledTemporaryRun(old, R(5))
        #expect(table.rollbackSinceCheckpoint(old) == at)
        #expect(table.interruptSinceCheckpoint(old) == at)
        #expect(table.settledTemporaryRuns(old) == [R(5)])
        table.remove(old)
        let new = table.insert(id: T(2), temporary: true)
        #expect(new == old, "the freed slot is reused")
        #expect(table.rollbackSinceCheckpoint(new) == nil)
        #expect(table.interruptSinceCheckpoint(new) == nil)
        #expect(table.settledTemporaryRuns(new).isEmpty)
        table.appendSettledTemporaryRun(new, R(6))
        #expect(table.settledTemporaryRuns(new) == [R(6)], "the old thread's runs went back to the pool")
    }

    // Dense increasing ids with stragglers, ids far ahead and behind, and removals in any
    // order: every lookup agrees with a dictionary.
    @Test func idSlotMapAgreesWithDictionary() async {
        let operation = zip(Gen.int(in: 0...9), Gen.int(in: 0...40_000))
        await propertyCheck(count: 200, input: operation.array(of: 1...600)) { operations in
            var map = IDSlotMap()
            var reference: [UInt32: Int] = [:]
            var next: UInt32 = 1
            for (kind, value) in operations {
                let key: UInt32
                switch kind {
                case 0...4: key = next; next += 1
                case 5: key = UInt32(value)
                case 6: key = next &+ UInt32(value)
                default:
                    guard let existing = reference.keys.sorted().first(where: { $0 >= UInt32(value % Int(next)) })
                        ?? reference.keys.min()
                    else { continue }
                    map.remove(existing)
                    reference[existing] = nil
                    continue
                }
                if reference[key] == nil {
                    map.insert(key, slot: value)
                    reference[key] = value
                }
            }
            #expect(map.count == reference.count)
            for (key, slot) in reference { #expect(map.slot(key) == slot) }
            for key in 0..<next + 50 where reference[key] == nil { #expect(map.slot(key) == nil) }
        }
    }

    // Writes in any order, some past the dense range, some rewriting to 0, and pages filled
    // whole with one value so they collapse: every id reads what a dictionary holds.
    @Test func pagedCellsAgreeWithDictionary() async {
        let size = PagedCells<UInt8>.pageSize
        let write = zip(Gen.int(in: 0...5), Gen.int(in: 0...(3 * size)))
        await propertyCheck(count: 100, input: write.array(of: 1...200)) { writes in
            var cells = PagedCells<UInt8>(provisional: 1)
            var reference: [UInt32: UInt8] = [:]
            func store(_ id: UInt32, _ value: UInt8) {
                cells[id] = value
                reference[id] = value == 0 ? nil : value
            }
            for (kind, value) in writes {
                switch kind {
                case 0: store(UInt32(value), 0)
                case 1: store(PagedCells<UInt8>.denseLimit + UInt32(value), 3)
                case 2:
                    // A whole page of one final value: it collapses.
                    let first = UInt32(value / size * size)
                    for id in first..<first + UInt32(size) { store(id, 2) }
                default: store(UInt32(value), UInt8(kind))
                }
            }
            let ids = Array(0..<UInt32(4 * size)) + (0..<UInt32(3 * size + 2)).map { PagedCells<UInt8>.denseLimit + $0 }
            let wrong = ids.filter { cells[$0] != reference[$0] ?? 0 }
            #expect(wrong.isEmpty, "ids reading other than written: \(wrong.prefix(5))")
        }
    }
}
