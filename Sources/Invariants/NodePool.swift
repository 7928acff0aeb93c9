// Short per-thread lists (checkpoint spans, settled runs of a temporary thread) kept as linked
// nodes in one shared pool, so a thread record holds three integers instead of an array: no
// allocation per thread, no reference counting when a record is copied, and freed nodes are
// reused by the next thread.

/// A list's ends and length inside a ``NodePool``.
struct PoolList {
    var head: Int32 = -1
    var tail: Int32 = -1
    var count = 0

    var isEmpty: Bool { count == 0 }
}

/// Doubly linked nodes holding `Value`s, for many small ``PoolList``s.
struct NodePool<Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var value: Value
        var previous: Int32
        var next: Int32
    }

    private var nodes = UniqueBuffer<Node>()
    /// Freed nodes, chained through `next`.
    private var freeHead: Int32 = -1

    /// To be called before changes (see ``UniqueBuffer``).
    @inline(__always) mutating func makeUnique() { nodes.makeUnique() }

    subscript(node: Int32) -> Value {
        @inline(__always) get { nodes[Int(node)].value }
        @inline(__always) _modify { yield &nodes[Int(node)].value }
    }

    func next(_ node: Int32) -> Int32 { nodes[Int(node)].next }

    func last(of list: PoolList) -> Value? { list.tail < 0 ? nil : nodes[Int(list.tail)].value }

    mutating func append(_ value: Value, to list: inout PoolList) {
        let node: Int32
        if freeHead >= 0 {
            node = freeHead
            freeHead = nodes[Int(node)].next
            nodes[Int(node)] = Node(value: value, previous: list.tail, next: -1)
        } else {
            node = Int32(nodes.count)
            nodes.append(Node(value: value, previous: list.tail, next: -1))
        }
        if list.tail >= 0 { nodes[Int(list.tail)].next = node } else { list.head = node }
        list.tail = node
        list.count += 1
    }

    mutating func remove(_ node: Int32, from list: inout PoolList) {
        let previous = nodes[Int(node)].previous
        let next = nodes[Int(node)].next
        if previous >= 0 { nodes[Int(previous)].next = next } else { list.head = next }
        if next >= 0 { nodes[Int(next)].previous = previous } else { list.tail = previous }
        list.count -= 1
        nodes[Int(node)].next = freeHead
        freeHead = node
    }

    /// Removes the last node and returns its value, or nil when the list is empty.
    mutating func removeLast(from list: inout PoolList) -> Value? {
        let node = list.tail
        guard node >= 0 else { return nil }
        let value = nodes[Int(node)].value
        remove(node, from: &list)
        return value
    }

    /// Removes every node for which `shouldRemove` is true, keeping the order of the rest.
    mutating func removeAll(from list: inout PoolList, where shouldRemove: (Value) -> Bool) {
        var node = list.head
        while node >= 0 {
            let next = nodes[Int(node)].next
            if shouldRemove(nodes[Int(node)].value) { remove(node, from: &list) }
            node = next
        }
    }

    mutating func removeAll(from list: inout PoolList) {
        while list.head >= 0 { remove(list.head, from: &list) }
    }

    /// The values in order (for the rare paths that need them all).
    func values(of list: PoolList) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(list.count)
        var node = list.head
        while node >= 0 {
            values.append(nodes[Int(node)].value)
            node = nodes[Int(node)].next
        }
        return values
    }
}

