// The ids touched since the last decision boundary. Emptied at every boundary, which with an
// Array (`removeAll(keepingCapacity:)`) went through a generic range replacement each time;
// here emptying only resets a length and the storage is reused. The storage is a
// ``UniqueBuffer``, made unique with the checker's tables, so an append is a store.

/// A list whose storage survives being emptied.
struct ReusableList<Element: Comparable & Sendable>: Sendable {
    private var storage = UniqueBuffer<Element>()
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The element appended last, or nil when empty.
    var last: Element? { count > 0 ? storage[count - 1] : nil }

    subscript(index: Int) -> Element {
        precondition(index < count, "index \(index) beyond \(count)")
        return storage[index]
    }

    @inline(__always) mutating func append(_ element: Element) {
        if count < storage.count {
            storage[count] = element
        } else {
            storage.append(element)
        }
        count += 1
    }

    mutating func removeAll() { count = 0 }

    /// To be called before changes (see ``UniqueBuffer``).
    mutating func makeUnique() { storage.makeUnique() }

    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        var kept = 0
        for index in 0..<count where !shouldRemove(storage[index]) {
            storage[kept] = storage[index]
            kept += 1
        }
        count = kept
    }

    /// Sorts in place; the lists are short, so insertion sort beats the general one.
    // Inlined for the usual list that needs sorting, two ids, swapped or not without the
    // loops (the call cost more than the swap).
    @inline(__always) mutating func sort() {
        if count == 2 {
            if storage[1] < storage[0] {
                let first = storage[0]
                storage[0] = storage[1]
                storage[1] = first
            }
            return
        }
        sortLonger()
    }

    @inline(never) private mutating func sortLonger() {
        guard count > 16 else {
            for index in 1..<max(1, count) {
                let element = storage[index]
                var position = index
                while position > 0, element < storage[position - 1] {
                    storage[position] = storage[position - 1]
                    position -= 1
                }
                storage[position] = element
            }
            return
        }
        let sorted = (0..<count).map { storage[$0] }.sorted()
        for index in 0..<count { storage[index] = sorted[index] }
    }
}
