// The short per-thread lists (its runs, its in-flight runs, its checkpoint spans) as linked
// nodes in pools the state owns, so a stored thread holds a few integers instead of arrays:
// creating one allocates nothing, copying or dropping one touches no reference count, and the
// nodes a forgotten thread frees are reused by the next one. The lists are short (one or two
// entries in the common case), so walking them is cheap.

/// A list's first and last node inside a ``ListPool``, and its length (-1: no node).
public struct PooledList: Hashable, Sendable, BitwiseCopyable {
    @usableFromInline var head: Int32 = -1
    @usableFromInline var tail: Int32 = -1
    /// How many elements the list holds.
    public internal(set) var count: Int32 = 0

    public init() {}

    /// Whether the list holds no element.
    @inlinable public var isEmpty: Bool { head < 0 }
}

/// Singly linked nodes holding `Element`s, for many small ``PooledList``s.
public struct ListPool<Element: BitwiseCopyable & Sendable>: Sendable {
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
    public func last(of list: PooledList) -> Element? {
        list.tail < 0 ? nil : nodes[Int(list.tail)].element
    }

    /// Whether an element of the list satisfies `predicate`.
    @inlinable
    public func contains(in list: PooledList, where predicate: (Element) throws -> Bool) rethrows -> Bool {
        var node = list.head
        while node >= 0 {
            if try predicate(nodes[Int(node)].element) { return true }
            node = nodes[Int(node)].next
        }
        return false
    }

    /// Combines the list's elements in order.
    @inlinable
    public func reduce<Result>(_ list: PooledList, _ initial: Result, _ combine: (Result, Element) throws -> Result) rethrows -> Result {
        var result = initial
        var node = list.head
        while node >= 0 {
            result = try combine(result, nodes[Int(node)].element)
            node = nodes[Int(node)].next
        }
        return result
    }

    /// The list's elements, in order (builds an array: for checks, reports and rare paths).
    public func elements(of list: PooledList) -> [Element] {
        var elements: [Element] = []
        elements.reserveCapacity(Int(list.count))
        var node = list.head
        while node >= 0 {
            elements.append(nodes[Int(node)].element)
            node = nodes[Int(node)].next
        }
        return elements
    }

    /// Replaces the list's last element (the list must not be empty).
    mutating func setLast(of list: PooledList, to element: Element) {
        precondition(list.tail >= 0, "setLast on an empty list")
        nodes[Int(list.tail)].element = element
    }

    /// Adds `element` at the end of `list`.
    @inline(__always)
    mutating func append(_ element: Element, to list: inout PooledList) {
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
    mutating func insert(_ element: Element, into list: inout PooledList, beforeFirst isAfter: (Element) -> Bool) {
        if list.tail < 0 || !isAfter(nodes[Int(list.tail)].element) { return append(element, to: &list) }
        insertWalking(element, into: &list, beforeFirst: isAfter)
    }

    /// ``insert(_:into:beforeFirst:)`` before the list's last element: walks from the front.
    @inline(never)
    private mutating func insertWalking(_ element: Element, into list: inout PooledList, beforeFirst isAfter: (Element) -> Bool) {
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
    mutating func removeAll(from list: inout PooledList, where shouldBeRemoved: (Element) -> Bool) {
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
    }

    /// Frees every node of `list` and empties it.
    mutating func clear(_ list: inout PooledList) {
        var node = list.head
        while node >= 0 {
            let next = nodes[Int(node)].next
            free(node)
            node = next
        }
        list = PooledList()
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
