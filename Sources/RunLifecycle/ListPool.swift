// The short per-thread lists (its runs, its in-flight runs, its checkpoint spans): the first
// element inline, the others as linked nodes in pools the state owns, so a stored thread holds
// a few plain values instead of arrays:
// creating one allocates nothing, copying or dropping one touches no reference count, and the
// nodes a forgotten thread frees are reused by the next one. The lists are short (one or two
// entries in the common case), so walking them is cheap.

/// A list whose first element is kept in the list itself, the rest in nodes of a ``ListPool``
/// (most threads only ever have one run and one checkpoint span: their lists then touch no
/// pool at all, so adding, reading and forgetting them changes no shared array).
public struct PooledList<Element: BitwiseCopyable & Hashable & Sendable>: Hashable, Sendable, BitwiseCopyable {
    /// The first element; nil exactly when the list is empty.
    @usableFromInline var first: Element?
    /// The first and last node of the elements after the first (-1: none).
    @usableFromInline var head: Int32 = -1
    @usableFromInline var tail: Int32 = -1
    /// How many elements the list holds.
    public internal(set) var count: Int32 = 0

    public init() {}

    /// Whether the list holds no element.
    @inlinable public var isEmpty: Bool { count == 0 }
}

/// Singly linked nodes holding `Element`s, for many small ``PooledList``s.
public struct ListPool<Element: BitwiseCopyable & Hashable & Sendable>: Sendable {
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var element: Element
        @usableFromInline var next: Int32
    }

    @usableFromInline var nodes: ContiguousArray<Node> = []
    /// Freed nodes, chained through `next`.
    @usableFromInline var freeHead: Int32 = -1
    /// Nodes in use.
    public private(set) var liveCount = 0

    public init() {}

    @inlinable
    func element(at node: Int32) -> Element { nodes[Int(node)].element }

    @inlinable
    func next(after node: Int32) -> Int32 { nodes[Int(node)].next }

    /// The list's last element.
    @inlinable
    public func last(of list: PooledList<Element>) -> Element? {
        list.tail < 0 ? list.first : nodes[Int(list.tail)].element
    }

    /// Whether an element of the list satisfies `predicate`.
    @inlinable
    public func contains(in list: PooledList<Element>, where predicate: (Element) throws -> Bool) rethrows -> Bool {
        guard let first = list.first else { return false }
        if try predicate(first) { return true }
        var node = list.head
        while node >= 0 {
            if try predicate(nodes[Int(node)].element) { return true }
            node = nodes[Int(node)].next
        }
        return false
    }

    /// Combines the list's elements in order.
    @inlinable
    public func reduce<Result>(_ list: PooledList<Element>, _ initial: Result, _ combine: (Result, Element) throws -> Result) rethrows -> Result {
        guard let first = list.first else { return initial }
        var result = try combine(initial, first)
        var node = list.head
        while node >= 0 {
            result = try combine(result, nodes[Int(node)].element)
            node = nodes[Int(node)].next
        }
        return result
    }

    /// The list's elements, in order (builds an array: for checks, reports and rare paths).
    public func elements(of list: PooledList<Element>) -> [Element] {
        guard let first = list.first else { return [] }
        var elements: [Element] = []
        elements.reserveCapacity(Int(list.count))
        elements.append(first)
        var node = list.head
        while node >= 0 {
            elements.append(nodes[Int(node)].element)
            node = nodes[Int(node)].next
        }
        return elements
    }

    /// Replaces the list's last element (the list must not be empty).
    @inline(__always)
    mutating func setLast(of list: inout PooledList<Element>, to element: Element) {
        precondition(list.count > 0, "setLast on an empty list")
        if list.tail >= 0 { nodes[Int(list.tail)].element = element } else { list.first = element }
    }

    /// Adds `element` at the end of `list`.
    @inline(__always)
    mutating func append(_ element: Element, to list: inout PooledList<Element>) {
        if list.count == 0 {
            list.first = element
            list.count = 1
            return
        }
        let node = newNode(element)
        if list.tail >= 0 { nodes[Int(list.tail)].next = node } else { list.head = node }
        list.tail = node
        list.count += 1
    }

    /// Inserts `element` before the first element for which `isAfter` holds (at the end if
    /// none does). `isAfter` must be monotonic along the list (false, then true), as "is not
    /// smaller" is on a sorted list: then a last element for which it is false means none
    /// holds, and the common insert (a new, largest id) appends without walking.
    @inline(__always)
    mutating func insert(_ element: Element, into list: inout PooledList<Element>, beforeFirst isAfter: (Element) -> Bool) {
        guard let last = last(of: list), isAfter(last) else { return append(element, to: &list) }
        insertWalking(element, into: &list, beforeFirst: isAfter)
    }

    /// ``insert(_:into:beforeFirst:)`` before the list's last element: walks from the front.
    @inline(never)
    private mutating func insertWalking(_ element: Element, into list: inout PooledList<Element>, beforeFirst isAfter: (Element) -> Bool) {
        if isAfter(list.first.unsafelyUnwrapped) {
            // The new element becomes the first; the old first moves to the front of the nodes.
            let moved = newNode(list.first.unsafelyUnwrapped)
            nodes[Int(moved)].next = list.head
            list.head = moved
            if list.tail < 0 { list.tail = moved }
            list.first = element
            list.count += 1
            return
        }
        var previous: Int32 = -1
        var node = list.head
        while node >= 0, !isAfter(nodes[Int(node)].element) {
            previous = node
            node = nodes[Int(node)].next
        }
        guard node >= 0 else { return append(element, to: &list) }
        let inserted = newNode(element)
        nodes[Int(inserted)].next = node
        if previous >= 0 { nodes[Int(previous)].next = inserted } else { list.head = inserted }
        list.count += 1
    }

    /// Removes every element that `shouldBeRemoved` selects, keeping the others' order.
    @inline(__always)
    mutating func removeAll(from list: inout PooledList<Element>, where shouldBeRemoved: (Element) -> Bool) {
        guard let first = list.first else { return }
        guard list.head >= 0 else {
            // Only the inline element (the common list): no node to walk or free.
            if shouldBeRemoved(first) { list = PooledList() }
            return
        }
        removeAllWalking(from: &list, where: shouldBeRemoved)
    }

    /// ``removeAll(from:where:)`` on a list with nodes.
    @inline(never)
    private mutating func removeAllWalking(from list: inout PooledList<Element>, where shouldBeRemoved: (Element) -> Bool) {
        let first = list.first.unsafelyUnwrapped
        // Elements are tested in order: the first, then the nodes.
        let removesFirst = shouldBeRemoved(first)
        var previous: Int32 = -1
        var node = list.head
        while node >= 0 {
            let next = nodes[Int(node)].next
            if shouldBeRemoved(nodes[Int(node)].element) {
                if previous >= 0 { nodes[Int(previous)].next = next } else { list.head = next }
                if list.tail == node { list.tail = previous }
                list.count -= 1
                free(node)
            } else {
                previous = node
            }
            node = next
        }
        guard removesFirst else { return }
        list.count -= 1
        guard list.head >= 0 else {
            list.first = nil
            return
        }
        // The first node's element moves into the list.
        let promoted = list.head
        list.first = nodes[Int(promoted)].element
        list.head = nodes[Int(promoted)].next
        if list.tail == promoted { list.tail = -1 }
        free(promoted)
    }

    /// Frees every node of `list` and empties it.
    @inline(__always)
    mutating func clear(_ list: inout PooledList<Element>) {
        if list.head >= 0 { freeNodes(from: list.head) }
        list = PooledList()
    }

    /// Frees the chain of nodes starting at `head`.
    @inline(never)
    private mutating func freeNodes(from head: Int32) {
        var node = head
        while node >= 0 {
            let next = nodes[Int(node)].next
            free(node)
            node = next
        }
    }

    @inline(__always)
    private mutating func newNode(_ element: Element) -> Int32 {
        liveCount += 1
        if freeHead >= 0 {
            let node = freeHead
            freeHead = nodes[Int(node)].next
            nodes[Int(node)] = Node(element: element, next: -1)
            return node
        }
        precondition(nodes.count < Int(Int32.max), "list pool full")
        nodes.append(Node(element: element, next: -1))
        return Int32(nodes.count - 1)
    }

    private mutating func free(_ node: Int32) {
        liveCount -= 1
        nodes[Int(node)].next = freeHead
        freeHead = node
    }
}
