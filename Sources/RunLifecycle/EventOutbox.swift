// The buffer a decision appends its events to and the simulator's sinks read them from.
//
// Why not `[Event]`: each append paid a uniqueness check of the array's buffer, and emptying the
// array ran `Event`'s destroy witness on every element, although only two cases hold a
// reference (`created`'s step list, `rejected`'s in-flight runs). Together about 50
// instructions per event on the simulator's hot loop. This buffer has one owner, so an append
// checks only the capacity, and it remembers where the events with references are, so emptying
// destroys those and simply forgets the others (their bytes need no clean-up).
//
// Unsafe inside: the events live in the tail of a `ManagedBuffer` and are read and written
// through its pointers, which is what lets an append skip the checks above. Nothing unsafe
// leaves this file except the buffer pointer lent to a closure for the duration of a call.

/// Events in the order appended, owned by one holder at a time.
///
/// Not copy-on-write: a copy of the value shares the buffer, like a class reference. One owner
/// appends and empties it (the simulator's engine, which lends it to the ``State`` for each
/// decision); hence the unchecked `Sendable`. An empty outbox shares a storage of capacity 0
/// that is never written: the first append moves to a storage of its own.
public struct EventOutbox: @unchecked Sendable {
    @usableFromInline var storage: Storage

    /// An empty outbox; it allocates on its first append.
    public init() {
        storage = Storage.empty
    }

    /// An empty outbox with room for `capacity` events.
    public init(capacity: Int) {
        storage = capacity > 0 ? Storage.make(capacity: capacity) : Storage.empty
    }

    /// The number of events held.
    @inlinable
    public var count: Int {
        @inline(__always) get { storage.headerPointer.pointee.count }
    }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// The event at `index` (a copy).
    @inlinable
    public subscript(index: Int) -> Event {
        precondition(index >= 0 && index < count, "EventOutbox index out of range")
        return storage.elementPointer[index]
    }

    /// Appends `event`. Only the capacity is checked; the events holding references have their
    /// index noted, for ``removeAll()``.
    @inlinable @inline(__always)
    public mutating func append(_ event: consuming Event) {
        let holdsReferences = Self.holdsReferences(event)
        if _slowPath(storage.headerPointer.pointee.count == storage.headerPointer.pointee.capacity) { grow() }
        let header = storage.headerPointer
        let index = header.pointee.count
        (storage.elementPointer + index).initialize(to: event)
        if holdsReferences {
            header.pointee.referenceIndices[header.pointee.referenceCount] = index
            header.pointee.referenceCount += 1
        }
        header.pointee.count = index + 1
    }

    /// Lends the events to `body` in place. `body` may move an event out, but must move it
    /// (or an equal one) back before it returns.
    @inlinable
    public func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Event>) throws -> Result
    ) rethrows -> Result {
        try body(UnsafeMutableBufferPointer(start: storage.elementPointer, count: count))
    }

    /// Lends the events to `body` in place, to read.
    @inlinable
    public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Event>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage.elementPointer, count: count))
    }

    /// Empties the outbox, keeping its capacity: the events that hold references are destroyed,
    /// the others forgotten.
    @inlinable
    public mutating func removeAll() {
        let header = storage.headerPointer
        // The shared empty storage is never written, so that no two owners ever write one buffer.
        guard header.pointee.count > 0 else { return }
        let elements = storage.elementPointer
        for position in 0..<header.pointee.referenceCount {
            (elements + header.pointee.referenceIndices[position]).deinitialize(count: 1)
        }
        header.pointee.referenceCount = 0
        header.pointee.count = 0
    }

    /// Moves every event into an array, leaving the outbox empty (with its capacity).
    public mutating func moveAll() -> [Event] {
        let header = storage.headerPointer
        let count = header.pointee.count
        guard count > 0 else { return [] }
        let elements = storage.elementPointer
        let events = [Event](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: elements, count: count)
            initialized = count
        }
        header.pointee.referenceCount = 0
        header.pointee.count = 0
        return events
    }

    /// Whether `event` holds a reference that must be released when it is destroyed. Every
    /// other case's payload is plain bytes (a test checks each payload type with `_isPOD`).
    /// The switch lists every case, so a new case must be classified here.
    @inlinable @inline(__always)
    static func holdsReferences(_ event: borrowing Event) -> Bool {
        switch event {
        case .created, .rejected:
            true
        case .threadCreated, .started, .checkpointed, .succeeded, .failed, .timedOut, .retried, .interrupted,
            .rolledBack, .deleted, .workerStopped, .subscribed, .unsubscribed, .joinAnswered, .threadStatusChanged,
            .threadValuesCached, .threadDeleted, .cancelRefused, .commandRefused, .serverRestarted:
            false
        }
    }

    /// Moves the events to a storage twice as large (the old one is left empty and freed).
    @usableFromInline @inline(never)
    mutating func grow() {
        let old = storage.headerPointer.pointee
        let larger = Storage.make(capacity: Swift.max(16, old.capacity * 2))
        larger.elementPointer.moveInitialize(from: storage.elementPointer, count: old.count)
        larger.headerPointer.pointee.referenceIndices.initialize(from: old.referenceIndices, count: old.referenceCount)
        larger.headerPointer.pointee.count = old.count
        larger.headerPointer.pointee.referenceCount = old.referenceCount
        if old.capacity > 0 {
            storage.headerPointer.pointee.count = 0
            storage.headerPointer.pointee.referenceCount = 0
        }
        storage = larger
    }

    /// The counts, the capacity and the positions of the events holding references.
    @usableFromInline
    struct Header {
        @usableFromInline var count = 0
        @usableFromInline let capacity: Int
        /// How many of `referenceIndices` are in use (never more than `count`).
        @usableFromInline var referenceCount = 0
        /// Room for `capacity` positions, so noting one needs no check.
        @usableFromInline let referenceIndices: UnsafeMutablePointer<Int>

        init(capacity: Int) {
            self.capacity = capacity
            self.referenceIndices = .allocate(capacity: Swift.max(capacity, 1))
        }
    }

    /// The header and the events, in one allocation.
    @usableFromInline
    final class Storage: ManagedBuffer<Header, Event> {
        /// The storage of every empty outbox that has not appended yet: capacity 0, never
        /// written (an outbox's first append moves to a storage of its own), so sharing it is safe.
        nonisolated(unsafe) static let empty = make(capacity: 0)

        static func make(capacity: Int) -> Storage {
            let buffer = Storage.create(minimumCapacity: capacity) { _ in Header(capacity: capacity) }
            return unsafeDowncast(buffer, to: Storage.self)
        }

        // The pointers stay valid while the storage lives, which the outbox holding it ensures.
        @inlinable
        var headerPointer: UnsafeMutablePointer<Header> {
            @inline(__always) get { withUnsafeMutablePointerToHeader { $0 } }
        }

        @inlinable
        var elementPointer: UnsafeMutablePointer<Event> {
            @inline(__always) get { withUnsafeMutablePointerToElements { $0 } }
        }

        deinit {
            withUnsafeMutablePointers { header, elements in
                for position in 0..<header.pointee.referenceCount {
                    (elements + header.pointee.referenceIndices[position]).deinitialize(count: 1)
                }
                header.pointee.referenceIndices.deallocate()
            }
        }
    }
}

extension EventOutbox: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
}
