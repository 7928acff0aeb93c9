// The storage of the checker's record tables. Their element writes are the checker's hot path,
// and an Array nested in the checker asked the runtime whether its buffer was uniquely
// referenced at every write (about seven calls per event, each with its reload of the buffer).
// Here the buffer is made unique once per change, at the checker's entry points
// (``InvariantChecker/observe(_:sequence:)`` and ``InvariantChecker/finish(drained:)``), so
// the tables keep value semantics (a copied checker never sees the other's changes) while a
// write is a bounds check and a store.

/// A growable buffer of plain values (no references), copied on write at ``makeUnique()``.
///
/// Writing through the subscript assumes ``makeUnique()`` was called since the buffer was last
/// possibly shared, that is at the start of the mutating entry point doing the write.
struct UniqueBuffer<Element>: @unchecked Sendable {
    // @unchecked: the storage class is mutated only while uniquely referenced (see above), so
    // the buffer behaves as a value.
    private final class Storage {
        var base: UnsafeMutablePointer<Element>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        }

        /// A copy with room for `capacity` elements.
        func copy(capacity newCapacity: Int) -> Storage {
            let copy = Storage(capacity: newCapacity)
            copy.base.initialize(from: base, count: count)
            copy.count = count
            return copy
        }

        // Elements are plain values (checked at init), so they need no deinitialization.
        deinit { base.deallocate() }
    }

    private var storage: Storage

    init() {
        precondition(_isPOD(Element.self), "UniqueBuffer holds plain values only")
        storage = Storage(capacity: 0)
    }

    var count: Int { storage.count }

    var indices: Range<Int> { 0..<storage.count }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: storage.count), "index \(index) out of range")
            return storage.base[index]
        }
        @inline(__always) _modify {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: storage.count), "index \(index) out of range")
            yield &storage.base[index]
        }
    }

    /// The element at `index`, for a run of reads and writes of its fields with one bounds
    /// check: each subscript access reloads the storage and checks the bounds again. Valid
    /// until the buffer next grows or is copied; like the subscript's writes, writes through it
    /// assume ``makeUnique()`` was called.
    @inline(__always) func pointer(to index: Int) -> UnsafeMutablePointer<Element> {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: storage.count), "index \(index) out of range")
        return storage.base + index
    }

    /// Copies the storage if another buffer shares it; to be called before writes.
    @inline(__always) mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(capacity: storage.capacity) }
    }

    /// Removes and returns the last element (like ``makeUnique()``'s callers, writes in place).
    @inline(__always) mutating func popLast() -> Element? {
        guard storage.count > 0 else { return nil }
        storage.count -= 1
        return storage.base[storage.count]
    }

    /// Appends `element`. Like the subscript's writes, assumes ``makeUnique()`` was called: the
    /// runtime's uniqueness check here cost a call on every append (several per event).
    @inline(__always) mutating func append(_ element: Element) {
        if storage.count == storage.capacity { grow() }
        (storage.base + storage.count).initialize(to: element)
        storage.count += 1
    }

    @inline(never) private mutating func grow() {
        storage = storage.copy(capacity: max(16, storage.capacity * 2))
    }

    /// Appends `count` copies of `element` (one capacity check, not one per element).
    mutating func append(repeating element: Element, count: Int) {
        if !isKnownUniquelyReferenced(&storage) || storage.count + count > storage.capacity {
            storage = storage.copy(capacity: max(16, storage.capacity * 2, storage.count + count))
        }
        (storage.base + storage.count).initialize(repeating: element, count: count)
        storage.count += count
    }
}
