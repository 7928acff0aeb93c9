// Short lists kept inside their owner. A thread's runs, in-flight runs and checkpoint spans
// nearly always number one or two, so the first two elements live in place: a fresh thread
// allocates nothing, and copying or dropping it touches no reference count beyond a test for
// the (absent) spill. A longer list, as a journal fold that never forgets builds, moves to an
// array until it is short again.

/// What an ``InlineList`` can hold: plain values with a filler for its unused places.
public protocol InlineListElement: Hashable, Sendable, BitwiseCopyable {
    /// Any value; it fills the places no element occupies and is never read as an element.
    static var filler: Self { get }
}

/// An ordered list whose first two elements are stored in place (no allocation).
public struct InlineList<Element: InlineListElement>: RandomAccessCollection, Hashable, Sendable {
    @usableFromInline var first: Element = .filler
    @usableFromInline var second: Element = .filler
    @usableFromInline var storedCount: Int32 = 0
    /// Every element, in order, while there are more than two (nil otherwise).
    @usableFromInline var spill: ContiguousArray<Element>?

    @inlinable public init() {}

    /// A list of `elements`, in their order.
    public init(_ elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { Int(storedCount) }
    @inlinable public var count: Int { Int(storedCount) }
    @inlinable public var isEmpty: Bool { storedCount == 0 }

    // Plain get/set, not `_read`/`_modify`: a yield-once accessor that is not inlined
    // allocates its coroutine frame on the heap.
    @inlinable
    public subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "InlineList index \(position) out of 0..<\(count)")
            if let spill { return spill[position] }
            return position == 0 ? first : second
        }
        set {
            precondition(position >= 0 && position < count, "InlineList index \(position) out of 0..<\(count)")
            if spill != nil {
                spill![position] = newValue
            } else if position == 0 {
                first = newValue
            } else {
                second = newValue
            }
        }
    }

    /// Adds `element` at the end.
    @inlinable
    public mutating func append(_ element: Element) {
        switch storedCount {
        case 0: first = element
        case 1: second = element
        case 2: spill = [first, second, element]
        default: spill!.append(element)
        }
        storedCount += 1
    }

    /// Inserts `element` before `position` (`count` appends).
    public mutating func insert(_ element: Element, at position: Int) {
        precondition(position >= 0 && position <= count, "InlineList insert at \(position) out of 0...\(count)")
        if position == count { return append(element) }
        if spill == nil {
            if storedCount == 1 {
                second = first
                first = element
                storedCount = 2
                return
            }
            spill = [first, second]
        }
        spill!.insert(element, at: position)
        storedCount += 1
    }

    /// Removes every element that `shouldBeRemoved` selects, keeping the others' order.
    @inlinable
    public mutating func removeAll(where shouldBeRemoved: (Element) throws -> Bool) rethrows {
        if spill != nil {
            try spill!.removeAll(where: shouldBeRemoved)
            storedCount = Int32(spill!.count)
            if storedCount <= 2 { moveInPlace() }
            return
        }
        if storedCount == 2, try shouldBeRemoved(second) { storedCount = 1 }
        if storedCount >= 1, try shouldBeRemoved(first) {
            first = second
            storedCount -= 1
        }
    }

    /// A spilled list that is short again goes back in place.
    @usableFromInline
    mutating func moveInPlace() {
        guard let elements = spill, elements.count <= 2 else { return }
        if elements.count >= 1 { first = elements[0] }
        if elements.count == 2 { second = elements[1] }
        spill = nil
    }

    public static func == (lhs: InlineList, rhs: InlineList) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for element in self { hasher.combine(element) }
    }
}

extension InlineList: CustomStringConvertible {
    public var description: String { Array(self).description }
}

extension RunID: InlineListElement {
    public static var filler: RunID { RunID(0) }
}
