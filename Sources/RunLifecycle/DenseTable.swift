// Runs and threads are numbered densely and mostly created, settled and forgotten in id order,
// so a sliding window of slots indexed by `id - base` finds them in O(1) with no hashing, and
// dropping the settled prefix keeps memory proportional to what is still alive. Ids that fall
// far outside the window (a client naming thread 1,000,000 of a 10-thread pool) go to a small
// dictionary, so one odd id never allocates a huge array.

/// An identifier that is a dense unsigned number.
public protocol DenseKey: Hashable, Comparable, Sendable {
    /// The number the table indexes by.
    var denseIndex: UInt32 { get }
    /// The key with this number.
    static func withDenseIndex(_ index: UInt32) -> Self
}

extension RunID: DenseKey {
    @inlinable public var denseIndex: UInt32 { rawValue }
    @inlinable public static func withDenseIndex(_ index: UInt32) -> Self { Self(index) }
}

extension ThreadID: DenseKey {
    @inlinable public var denseIndex: UInt32 { rawValue }
    @inlinable public static func withDenseIndex(_ index: UInt32) -> Self { Self(index) }
}

/// Values by dense key: O(1) lookup, iteration in key order, memory bounded by the span of live
/// keys (plus the few outliers kept aside).
public struct DenseTable<Key: DenseKey, Value> {
    /// Slot `i` holds the value of key `base + i`.
    @usableFromInline var slots: ContiguousArray<Value?> = []
    @usableFromInline var base: UInt32 = 0
    /// Slots before this one are known to be empty (trimmed lazily, in amortised O(1)).
    @usableFromInline var head = 0
    /// Keys outside the window's reach.
    @usableFromInline var outliers: [Key: Value] = [:]
    /// Live values.
    @usableFromInline var liveCount = 0
    /// Live values.
    @inlinable public var count: Int { liveCount }

    /// How far past the window's end a key may land before it counts as an outlier.
    @inlinable static var maximumGap: Int { 1 << 16 }

    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { liveCount == 0 }

    @inlinable
    func slotIndex(of key: Key) -> Int? {
        let raw = key.denseIndex
        guard raw >= base else { return nil }
        let index = Int(raw - base)
        return index < slots.count ? index : nil
    }

    // Plain get/set and a closure for in-place changes, not `_read`/`_modify`: a yield-once
    // accessor that is not inlined allocates its coroutine frame on the heap, which measured as
    // the single largest cost of the simulator (a malloc and free per lookup).
    @inlinable
    public subscript(key: Key) -> Value? {
        // Inlined: out of line, the getter returned a copy of the whole optional value through
        // memory (a stored thread is 65 bytes) when the caller wanted one or two fields.
        @inline(__always) get {
            if let index = slotIndex(of: key) { return slots[index] }
            return outliers.isEmpty ? nil : outliers[key]
        }
        set {
            if let newValue { setValue(newValue, forKey: key) } else { removeValue(forKey: key) }
        }
    }

    /// The window slot holding `key`'s value, or nil when `key` has no value or is an outlier.
    /// A decision looks a run or thread up once and then reads and changes it through this
    /// slot (``subscript(slot:)``, ``updateSlot(_:_:)``) instead of looking it up again.
    @inlinable @inline(__always)
    public func occupiedSlot(of key: Key) -> Int? {
        guard let index = slotIndex(of: key), slots[index] != nil else { return nil }
        return index
    }

    /// The value in an occupied slot (see ``occupiedSlot(of:)``).
    @inlinable
    public subscript(slot slot: Int) -> Value { slots[slot].unsafelyUnwrapped }

    /// Changes the value in an occupied slot in place (see ``occupiedSlot(of:)``).
    @inlinable @discardableResult
    mutating func updateSlot<Result>(_ slot: Int, _ change: (inout Value) throws -> Result) rethrows -> Result {
        try change(&slots[slot]!)
    }

    /// Whether `key` has a value (nothing copied).
    @inlinable @inline(__always)
    public func contains(_ key: Key) -> Bool {
        if let index = slotIndex(of: key) { return slots[index] != nil }
        return !outliers.isEmpty && outliers[key] != nil
    }

    /// What `read` makes of the value for `key`, or nil when absent. The value is lent, not
    /// copied, so reading one field of a value that holds arrays retains none of them.
    @inlinable
    public func peek<Result>(_ key: Key, _ read: (borrowing Value) throws -> Result) rethrows -> Result? {
        if let index = slotIndex(of: key) {
            return try slots.withUnsafeBufferPointer { buffer in
                buffer[index] == nil ? nil : try read(buffer[index]!)
            }
        }
        guard !outliers.isEmpty, let value = outliers[key] else { return nil }
        return try read(value)
    }

    /// ``peek(_:_:)`` through the slot the caller found for `key` (``occupiedSlot(of:)``), or
    /// by `key` when that is nil (an outlier, or absent).
    @inlinable @inline(__always)
    public func peek<Result>(slot: Int?, orKey key: Key, _ read: (borrowing Value) throws -> Result) rethrows -> Result? {
        guard let slot else { return try peek(key, read) }
        return try slots.withUnsafeBufferPointer { buffer in try read(buffer[slot].unsafelyUnwrapped) }
    }

    /// Changes the value for `key` in place (nil: absent; setting nil removes it), so a value
    /// holding arrays is not copied out and back (which would copy the arrays on write).
    @inlinable @discardableResult
    public mutating func modifyValue<Result>(forKey key: Key, _ change: (inout Value?) throws -> Result) rethrows -> Result {
        let index = slotIndexCreatingRoom(for: key)
        guard index >= 0 else {
            var value = outliers.removeValue(forKey: key)
            let wasPresent = value != nil
            defer {
                if let value { outliers[key] = value }
                liveCount += (value != nil ? 1 : 0) - (wasPresent ? 1 : 0)
            }
            return try change(&value)
        }
        let wasPresent = slots[index] != nil
        defer {
            let isPresent = slots[index] != nil
            liveCount += (isPresent ? 1 : 0) - (wasPresent ? 1 : 0)
            if isPresent {
                if index < head { head = index }
            } else if index == head {
                trimFront()
            }
        }
        return try change(&slots[index])
    }

    /// Changes an existing value in place; returns nil (calling nothing) when `key` is absent.
    @inlinable @inline(__always) @discardableResult
    public mutating func update<Result>(_ key: Key, _ change: (inout Value) throws -> Result) rethrows -> Result? {
        if let index = slotIndex(of: key) {
            guard slots[index] != nil else { return nil }
            return try change(&slots[index]!)
        }
        guard !outliers.isEmpty, outliers[key] != nil else { return nil }
        return try change(&outliers[key]!)
    }

    /// The value for `key`, or `defaultValue` stored first when absent (like Dictionary's).
    @inlinable
    public subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        set { self[key] = newValue }
    }

    /// The slot for `key`, growing the window to reach it; -1 when the key is an outlier.
    /// Invariant: no outlier's key lies inside the window's range.
    @inlinable
    mutating func slotIndexCreatingRoom(for key: Key) -> Int {
        if let index = slotIndex(of: key) { return index }
        if !outliers.isEmpty, outliers[key] != nil { return -1 }
        let raw = key.denseIndex
        if liveCount == outliers.count {
            // An empty window can move anywhere: restart it at this key.
            slots.removeAll(keepingCapacity: true)
            base = raw
            head = 0
            slots.append(nil)
            return 0
        }
        guard raw >= base, Int(raw - base) - slots.count <= Self.maximumGap else { return -1 }
        let needed = Int(raw - base) + 1 - slots.count
        if needed == 1 {
            slots.append(nil)
        } else {
            slots.append(contentsOf: repeatElement(nil, count: needed))
        }
        if !outliers.isEmpty { adoptOutliersInsideWindow() }
        return Int(raw - base)
    }

    /// Moves outliers the grown window now reaches into their slots.
    @inlinable
    mutating func adoptOutliersInsideWindow() {
        for key in outliers.keys {
            if let index = slotIndex(of: key) {
                slots[index] = outliers.removeValue(forKey: key)
                if index < head { head = index }
            }
        }
    }

    /// Advances `head` past empty slots and drops the empty prefix once it is large.
    @inlinable
    mutating func trimFront() {
        while head < slots.count, slots[head] == nil { head += 1 }
        if head == slots.count {
            base &+= UInt32(head)
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= slots.count {
            slots.removeSubrange(0..<head)
            base &+= UInt32(head)
            head = 0
        }
    }

    /// Stores `value` for `key`, replacing any value it had.
    @inlinable @inline(__always)
    public mutating func setValue(_ value: Value, forKey key: Key) {
        // The common insert: ids are handed out in order, so a new key is usually the one just
        // past the window's end. This is what the general path below does for it, minus the
        // checks that cannot fail here and the second write of the slot. Only this test is
        // inlined into the caller.
        if appendsAtEnd(key) { return appendAtEnd(value) }
        setValueInGeneral(value, forKey: key)
    }

    /// Whether a value for `key` would be appended at the window's end (the common insert
    /// ``setValue(_:forKey:)`` makes in place). A caller that builds a large value can then
    /// build it in each branch: built once before ``setValue(_:forKey:)``, it was stored in
    /// memory for the general path and then again, field by field, in the window's new slot.
    @inlinable @inline(__always)
    func appendsAtEnd(_ key: Key) -> Bool {
        outliers.isEmpty && liveCount > 0 && key.denseIndex >= base && Int(key.denseIndex - base) == slots.count
    }

    /// Stores the value of a key for which ``appendsAtEnd(_:)`` holds.
    @inlinable @inline(__always)
    mutating func appendAtEnd(_ value: Value) {
        slots.append(value)
        liveCount += 1
    }

    @inlinable @inline(never)
    mutating func setValueInGeneral(_ value: Value, forKey key: Key) {
        let index = slotIndexCreatingRoom(for: key)
        guard index >= 0 else {
            if outliers.updateValue(value, forKey: key) == nil { liveCount += 1 }
            return
        }
        if slots[index] == nil {
            liveCount += 1
            if index < head { head = index }
        }
        slots[index] = value
    }

    /// Removes and returns the value for `key`.
    @inlinable @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        if let index = slotIndex(of: key) {
            guard let old = slots[index] else { return nil }
            slots[index] = nil
            liveCount -= 1
            if index == head { trimFront() }
            return old
        }
        guard !outliers.isEmpty, let old = outliers.removeValue(forKey: key) else { return nil }
        liveCount -= 1
        return old
    }

    /// Empties an occupied slot (see ``occupiedSlot(of:)``): a removal whose caller already
    /// found the slot, so the key is not looked up again and the old value not returned.
    @inlinable
    mutating func removeSlot(_ slot: Int) {
        slots[slot] = nil
        liveCount -= 1
        if slot == head { trimFront() }
    }

    /// Every value, ascending by key.
    public var values: [Value] { sortedEntries.map(\.value) }

    /// Every key, ascending.
    public var keys: [Key] { sortedEntries.map(\.key) }

    /// Every (key, value), ascending by key. Builds an array: for reports and checks, not hot paths.
    public var sortedEntries: [(key: Key, value: Value)] {
        var entries: [(key: Key, value: Value)] = []
        entries.reserveCapacity(count)
        for index in head..<slots.count {
            if let value = slots[index] { entries.append((Key.withDenseIndex(base &+ UInt32(index)), value)) }
        }
        if !outliers.isEmpty {
            entries.append(contentsOf: outliers.map { ($0.key, $0.value) })
            entries.sort { $0.key < $1.key }
        }
        return entries
    }

    /// Calls `body` with every value in key order of the window, then the outliers in key order.
    @inlinable
    public func forEachValue(_ body: (Value) throws -> Void) rethrows {
        for index in head..<slots.count {
            if let value = slots[index] { try body(value) }
        }
        if !outliers.isEmpty {
            for key in outliers.keys.sorted() { try body(outliers[key]!) }
        }
    }

    /// Applies `change` to every value in place (window then outliers).
    @inlinable
    public mutating func updateEach(_ change: (inout Value) -> Void) {
        for index in head..<slots.count where slots[index] != nil { change(&slots[index]!) }
        for key in outliers.keys { change(&outliers[key]!) }
    }
}

extension DenseTable: Sendable where Value: Sendable {}

extension DenseTable: Equatable where Value: Equatable {
    public static func == (lhs: DenseTable, rhs: DenseTable) -> Bool {
        lhs.count == rhs.count && lhs.sortedEntries.elementsEqual(rhs.sortedEntries) { $0.key == $1.key && $0.value == $1.value }
    }
}

extension DenseTable: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for entry in sortedEntries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
