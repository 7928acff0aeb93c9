// The workers occupying slots, in the order they started (a restart and the digest walk them in
// that order). An `Array` checked its buffer's uniqueness at every write, twice when a worker
// left from the middle (the shift, then the shortened count), and its scan and shift checked
// indices. This list keeps its elements in a buffer it owns and copies it on write like an
// array, but checks uniqueness once per change and walks the few plain values by pointer: a
// worker's end costs ~33 instructions less (100k profile: Decider.handle 158.5 -> 155.2 M Ir).

/// Workers in the order they started: a small random-access collection with value semantics.
/// (Sendable as an array is: a shared buffer is never written, a change copies it first.)
public struct WorkerList: RandomAccessCollection, Hashable, @unchecked Sendable, ExpressibleByArrayLiteral {
    /// The buffer: its fields are constants, so reading them needs no exclusivity check (a
    /// `ManagedBuffer`'s header is a class variable, checked at run time at every access, which
    /// measured far more than the array's uniqueness checks saved). The count lives in the list.
    @usableFromInline
    final class Storage {
        @usableFromInline let elements: UnsafeMutablePointer<Execution>
        @usableFromInline let capacity: Int

        @usableFromInline
        init(capacity: Int) {
            self.capacity = capacity
            elements = .allocate(capacity: capacity)
        }

        deinit { elements.deallocate() }

        /// A buffer with room for `capacity` holding the first `count` elements of this one.
        @usableFromInline
        func copy(count: Int, capacity: Int) -> Storage {
            let copy = Storage(capacity: capacity)
            copy.elements.initialize(from: elements, count: count)
            return copy
        }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var elementCount = 0

    public init() { storage = Storage(capacity: 0) }

    public init(arrayLiteral elements: Execution...) {
        self.init()
        for element in elements { append(element) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { elementCount }
    @inlinable public var count: Int { elementCount }
    @inlinable public var isEmpty: Bool { elementCount == 0 }

    @inlinable
    public subscript(position: Int) -> Execution {
        get {
            precondition(position >= 0 && position < elementCount, "worker index out of range")
            return storage.elements[position]
        }
        set {
            precondition(position >= 0 && position < elementCount, "worker index out of range")
            makeUnique()
            storage.elements[position] = newValue
        }
    }

    /// Copies the buffer if another list shares it (the one uniqueness check of a change).
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(count: elementCount, capacity: storage.capacity) }
    }

    /// Adds a worker at the end.
    @inlinable @inline(__always)
    mutating func append(_ execution: Execution) {
        if !isKnownUniquelyReferenced(&storage) || elementCount == storage.capacity { grow() }
        storage.elements[elementCount] = execution
        elementCount += 1
    }

    /// A unique buffer with room for one more (doubling, so appends stay amortised O(1)).
    @usableFromInline @inline(never)
    mutating func grow() {
        let capacity = elementCount == storage.capacity ? Swift.max(4, 2 * storage.capacity) : storage.capacity
        storage = storage.copy(count: elementCount, capacity: capacity)
    }

    /// Removes the worker at `index`, keeping the others' order; the later ones move down.
    @inlinable @inline(__always)
    mutating func remove(at index: Int) {
        precondition(index >= 0 && index < elementCount, "worker index out of range")
        makeUnique()
        let elements = storage.elements, last = elementCount - 1
        var position = index
        while position < last {
            elements[position] = elements[position + 1]
            position &+= 1
        }
        elementCount = last
    }

    /// Removes every worker (the buffer stays, or is left to the lists sharing it).
    mutating func removeAll() {
        elementCount = 0
    }

    /// The position of the run's worker (there is at most one), by a plain scan of the buffer.
    @inlinable @inline(__always)
    func index(ofRun runID: RunID) -> Int? {
        let elements = storage.elements
        var index = 0
        while index < elementCount {
            if elements[index].runID == runID { return index }
            index &+= 1
        }
        return nil
    }

    public static func == (lhs: WorkerList, rhs: WorkerList) -> Bool { lhs.elementsEqual(rhs) }

    /// Hashes as an array of the same workers does.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(elementCount)
        for execution in self { hasher.combine(execution) }
    }
}
