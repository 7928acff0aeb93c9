// The runs the checker tracks, in reusable slots, and the ordered lists that thread them:
// each thread's runs in flight (by id), pending (by created_at) and executing (by start), and
// the global pending queue. The lists are links stored beside the slots, so moving a run
// between them allocates nothing and removing one is O(1), where sorted arrays moved memory.
import RunLifecycle

/// Which list a link belongs to; a run can be in all four at once.
enum RunListKind: Int {
    case inFlight = 0, threadPending, executing, globalPending
    static let count = 4
}

/// A list of run slots: its ends and length.
struct RunList {
    var head: Int32 = -1
    var tail: Int32 = -1
    var count = 0

    @inline(__always) var isEmpty: Bool { count == 0 }
}

/// Tracked runs by id, in slots reused after a run is forgotten.
struct RunTable {
    private struct Link {
        var previous: Int32 = -1
        var next: Int32 = -1
        var member = false
    }

    /// Records in slots, held or free (``ShadowRun/isTracked``: a flag in the record, not a
    /// buffer of its own, so tracking and forgetting a run write no second buffer).
    private var pool = UniqueBuffer<ShadowRun>()
    /// `RunListKind.count` links per slot.
    private var links = UniqueBuffer<Link>()
    private var freeSlots = UniqueBuffer<Int32>()
    private var map = IDSlotMap()

    var count: Int { map.count }

    /// To be called before changes (see ``UniqueBuffer``).
    mutating func makeUnique() {
        pool.makeUnique()
        links.makeUnique()
        freeSlots.makeUnique()
        map.makeUnique()
    }

    /// The slot of tracked run `id`, or nil.
    // Inlined: a call copied the table's fields to the stack first (about 30 instructions).
    @inline(__always) func slot(of id: RunID) -> Int? { map.slot(id.rawValue) }

    subscript(slot: Int) -> ShadowRun {
        // A getter, not a `_read` coroutine: where the optimizer did not inline the coroutine,
        // each read allocated its frame.
        @inline(__always) get { pool[slot] }
        @inline(__always) _modify { yield &pool[slot] }
    }

    /// The record in `slot`, for a run of field reads and writes with one bounds check (each
    /// subscript access reloads the storage and checks the bounds again). Valid until a run
    /// is next inserted; see ``UniqueBuffer/pointer(to:)``.
    @inline(__always) func record(_ slot: Int) -> UnsafeMutablePointer<ShadowRun> { pool.pointer(to: slot) }

    /// The tracked run `id`, copied (for the rare paths that only read it).
    subscript(id: RunID) -> ShadowRun? { map.slot(id.rawValue).map { pool[$0] } }

    /// Starts tracking `run` (its id must not be tracked) and returns its slot. Inlined, so
    /// that the record (192 bytes) is built in its slot rather than copied there.
    @inline(__always) mutating func insert(_ run: ShadowRun) -> Int {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = Int(free)
            // The record written is tracked (``ShadowRun/isTracked`` starts true).
            pool.pointer(to: slot).pointee = run
        } else {
            slot = pool.count
            pool.append(run)
            for _ in 0..<RunListKind.count { links.append(Link()) }
        }
        map.insert(run.id.rawValue, slot: slot)
        return slot
    }

    /// Stops tracking the run in `slot`; it must be in no list.
    @inline(__always) mutating func remove(_ slot: Int) {
        // A slot's links lie together: the bounds check of its last one covers all, so each
        // is read without its own (four checks cost about 20 instructions per forgotten run).
        let slotLinks = links.pointer(to: index(slot, .globalPending)) - (RunListKind.count - 1)
        for kind in 0..<RunListKind.count {
            precondition(!slotLinks[kind].member, "forgotten run \(pool[slot].id) still listed")
        }
        let record = pool.pointer(to: slot)
        map.remove(record.pointee.id.rawValue)
        record.pointee.isTracked = false
        freeSlots.append(Int32(slot))
    }

    /// The tracked slots whose run satisfies `isIncluded`, ascending by run id.
    func slotsByID(where isIncluded: (ShadowRun) -> Bool = { _ in true }) -> [Int] {
        pool.indices.filter { pool[$0].isTracked && isIncluded(pool[$0]) }.sorted { pool[$0].id < pool[$1].id }
    }

    // MARK: Lists

    @inline(__always) private func index(_ slot: Int, _ kind: RunListKind) -> Int { slot * RunListKind.count + kind.rawValue }

    @inline(__always) func isMember(_ slot: Int, of kind: RunListKind) -> Bool { links[index(slot, kind)].member }

    @inline(__always) func next(_ slot: Int32, in kind: RunListKind) -> Int32 { links[index(Int(slot), kind)].next }

    @inline(__always) func previous(_ slot: Int32, in kind: RunListKind) -> Int32 { links[index(Int(slot), kind)].previous }

    /// Links `slot` into `list` before `successor` (-1: at the end).
    // The slot's own link is reached through one pointer, one bounds check for its read and
    // its write (the writes to its neighbours between made the subscript check it again).
    @inline(__always) mutating func insert(_ slot: Int, before successor: Int32, in list: inout RunList, _ kind: RunListKind) {
        let own = links.pointer(to: index(slot, kind))
        precondition(!own.pointee.member, "run \(pool[slot].id) listed twice in \(kind)")
        let predecessor = successor >= 0 ? links[index(Int(successor), kind)].previous : list.tail
        own.pointee = Link(previous: predecessor, next: successor, member: true)
        if predecessor >= 0 { links[index(Int(predecessor), kind)].next = Int32(slot) } else { list.head = Int32(slot) }
        if successor >= 0 { links[index(Int(successor), kind)].previous = Int32(slot) } else { list.tail = Int32(slot) }
        list.count += 1
    }

    @inline(__always) mutating func append(_ slot: Int, to list: inout RunList, _ kind: RunListKind) {
        insert(slot, before: -1, in: &list, kind)
    }

    /// Unlinks `slot` from `list` if it is there (its own link through one pointer, as in
    /// ``insert(_:before:in:_:)``).
    @inline(__always) mutating func remove(_ slot: Int, from list: inout RunList, _ kind: RunListKind) {
        let own = links.pointer(to: index(slot, kind))
        let link = own.pointee
        guard link.member else { return }
        if link.previous >= 0 { links[index(Int(link.previous), kind)].next = link.next } else { list.head = link.next }
        if link.next >= 0 { links[index(Int(link.next), kind)].previous = link.previous } else { list.tail = link.previous }
        own.pointee = Link()
        list.count -= 1
    }

    /// Forgets `slot`'s membership of a list that is being dropped whole (a deleted thread's).
    mutating func detach(_ slot: Int, from kind: RunListKind) {
        links[index(slot, kind)] = Link()
    }

    /// Inserts into a list kept ascending by run id, after equal ids.
    @inline(__always) mutating func insertByID(_ slot: Int, into list: inout RunList, _ kind: RunListKind) {
        // The usual list is empty or ends below the new id (ids grow): appended inline.
        if list.tail < 0 || !(pool[slot].id < pool[Int(list.tail)].id) {
            insert(slot, before: -1, in: &list, kind)
        } else {
            insertByIDWalking(slot, into: &list, kind)
        }
    }

    @inline(never) private mutating func insertByIDWalking(_ slot: Int, into list: inout RunList, _ kind: RunListKind) {
        let id = pool[slot].id
        var successor: Int32 = -1
        var candidate = list.tail
        while candidate >= 0, id < pool[Int(candidate)].id {
            successor = candidate
            candidate = links[index(Int(candidate), kind)].previous
        }
        insert(slot, before: successor, in: &list, kind)
    }

    /// Inserts into a list kept in queue order (`created_at`, then creation order): appended
    /// when it sorts last, otherwise before the first run it does not sort after.
    @inline(__always) mutating func insertByPendingKey(_ slot: Int, into list: inout RunList, _ kind: RunListKind) {
        // The usual new run sorts last (an empty list, or a later or equal created_at with a
        // later creation): appended inline.
        if list.tail < 0 || !sortsBefore(slot, Int(list.tail)) {
            insert(slot, before: -1, in: &list, kind)
        } else {
            insertByPendingKeyWalking(slot, into: &list, kind)
        }
    }

    /// Whether the run in `slot` comes before the one in `other` in queue order.
    @inline(__always) private func sortsBefore(_ slot: Int, _ other: Int) -> Bool {
        let createdAt = pool[slot].createdAt
        let otherCreatedAt = pool[other].createdAt
        return createdAt != otherCreatedAt ? createdAt < otherCreatedAt : pool[slot].ordinal < pool[other].ordinal
    }

    @inline(never) private mutating func insertByPendingKeyWalking(_ slot: Int, into list: inout RunList, _ kind: RunListKind) {
        let createdAt = pool[slot].createdAt
        let ordinal = pool[slot].ordinal
        func sortsBefore(_ other: Int32) -> Bool {
            let otherCreatedAt = pool[Int(other)].createdAt
            return createdAt != otherCreatedAt ? createdAt < otherCreatedAt : ordinal < pool[Int(other)].ordinal
        }
        func sortsAfter(_ other: Int32) -> Bool {
            let otherCreatedAt = pool[Int(other)].createdAt
            return createdAt != otherCreatedAt ? otherCreatedAt < createdAt : pool[Int(other)].ordinal < ordinal
        }
        guard list.tail >= 0, sortsBefore(list.tail) else {
            insert(slot, before: -1, in: &list, kind)
            return
        }
        var successor = list.tail
        var candidate = links[index(Int(successor), kind)].previous
        while candidate >= 0, !sortsAfter(candidate) {
            successor = candidate
            candidate = links[index(Int(candidate), kind)].previous
        }
        insert(slot, before: successor, in: &list, kind)
    }

    /// Whether `list` holds exactly `ids`, in order.
    func list(_ list: RunList, _ kind: RunListKind, equals ids: [RunID]) -> Bool {
        guard list.count == ids.count else { return false }
        var slot = list.head
        for id in ids {
            guard slot >= 0, pool[Int(slot)].id == id else { return false }
            slot = links[index(Int(slot), kind)].next
        }
        return true
    }

    /// The run ids of `list`, in order (for reports).
    func ids(of list: RunList, _ kind: RunListKind) -> [RunID] {
        var ids: [RunID] = []
        ids.reserveCapacity(list.count)
        var slot = list.head
        while slot >= 0 {
            ids.append(pool[Int(slot)].id)
            slot = links[index(Int(slot), kind)].next
        }
        return ids
    }
}
