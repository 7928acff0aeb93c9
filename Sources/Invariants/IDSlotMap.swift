// Maps a run or thread id to the slot that holds its record. Ids a simulation hands out are
// dense and increasing, and the records alive at once have ids close together, so most ids are
// found in a window: a ring of slots indexed by the id itself, which slides forward over ids
// whose records are gone (and grows, up to a bound, when an old record holds it back). Ids
// outside the window (a replayed recording's, or one far behind the rest) go to an
// open-addressed hash table: Swift's Dictionary hashes with seeded SipHash; ids here are small
// integers the checker alone sees, so a multiplicative hash with linear probing is several
// times cheaper. Both parts follow the live ids (the table grows and shrinks, the window is
// bounded), never the largest id seen.

/// Ids near the newest, at ring positions `id & (count - 1)`, covering `[base, base + count)`.
private struct IDWindow {
    /// A ``UniqueBuffer``, not an Array: each write to an Array asked the runtime whether it
    /// was uniquely referenced (four writes per run). See ``IDSlotMap/makeUnique()``.
    var slots = IDWindow.emptySlots(count: 64)
    var base: UInt32 = 0
    /// Entries holding a slot.
    var count = 0
    static let maximumSize = 1 << 14

    @inline(__always) var mask: Int { slots.count - 1 }

    static func emptySlots(count: Int) -> UniqueBuffer<Int32> {
        var slots = UniqueBuffer<Int32>()
        slots.append(repeating: -1, count: count)
        return slots
    }

    @inline(__always) func covers(_ key: UInt32) -> Bool { UInt64(key &- base) < UInt64(slots.count) }

    /// The usual new id, one past the window's end while the window's first id holds no entry:
    /// slides the window by that one id, as ``makeRoom(for:)`` would, without the call.
    @inline(__always) mutating func slidesByOne(toCover key: UInt32) -> Bool {
        guard count > 0, UInt64(key) == UInt64(base) + UInt64(slots.count), slots[Int(base) & mask] < 0 else { return false }
        base &+= 1
        return true
    }

    /// Moves or grows the window so it covers `key`, when that keeps every entry; false when
    /// the entries span too many ids.
    @inline(never) mutating func makeRoom(for key: UInt32) -> Bool {
        if count == 0 {
            base = key
            return true
        }
        guard key > base else { return false }
        while true {
            // Growing may have brought `key` in; otherwise `needed` is above `base`.
            if covers(key) { return true }
            let needed = UInt64(key) - UInt64(slots.count) + 1
            if needed - UInt64(base) <= UInt64(slots.count) {
                // Slide over the ids whose entries are empty (each id is passed once).
                while UInt64(base) < needed, slots[Int(base) & mask] < 0 { base &+= 1 }
                if UInt64(base) >= needed { return true }
            }
            guard slots.count < Self.maximumSize else { return false }
            grow()
        }
    }

    private mutating func grow() {
        let old = slots
        let oldMask = mask
        slots = Self.emptySlots(count: old.count * 2)
        for index in old.indices where old[index] >= 0 {
            let key = base &+ UInt32((index &- Int(base)) & oldMask)
            slots[Int(key) & mask] = old[index]
        }
    }
}

/// A map from 32-bit ids to non-negative slot numbers.
struct IDSlotMap {
    private var window = IDWindow()
    /// Entries in the hash table.
    private var hashedCount = 0
    var count: Int { window.count + hashedCount }

    /// To be called before changes, like the tables holding the map (see ``UniqueBuffer``).
    mutating func makeUnique() { window.slots.makeUnique() }

    /// The slot stored for `key`, or nil.
    @inline(__always) func slot(_ key: UInt32) -> Int? {
        if window.covers(key) {
            let slot = window.slots[Int(key) & window.mask]
            if slot >= 0 { return Int(slot) }
        }
        return hashedCount == 0 ? nil : hashedSlot(key)
    }

    /// Stores `slot` for `key` (which must be absent).
    // The two mutations are inlined (their usual path is a few instructions); the rare paths
    // stay calls.
    @inline(__always) mutating func insert(_ key: UInt32, slot: Int) {
        if window.covers(key) || window.slidesByOne(toCover: key) || window.makeRoom(for: key) {
            let index = Int(key) & window.mask
            precondition(window.slots[index] < 0, "id \(key) inserted twice")
            window.slots[index] = Int32(slot)
            window.count += 1
        } else {
            insertHashed(key, slot: slot)
        }
    }

    /// Removes `key` if present.
    @inline(__always) mutating func remove(_ key: UInt32) {
        if window.covers(key) {
            let index = Int(key) & window.mask
            if window.slots[index] >= 0 {
                window.slots[index] = -1
                window.count -= 1
                return
            }
        }
        if hashedCount > 0 { removeHashed(key) }
    }

    private struct Entry {
        var key: UInt32
        /// -1 when the entry is empty.
        var slot: Int32
    }

    private var entries: [Entry]
    private var shift: UInt32
    private static let minimumBits: UInt32 = 4

    init() {
        entries = Array(repeating: Entry(key: 0, slot: -1), count: 1 << Self.minimumBits)
        shift = 32 - Self.minimumBits
    }

    private var mask: Int { entries.count - 1 }

    /// Fibonacci hashing: the top bits of the product spread consecutive ids evenly.
    @inline(__always) private func home(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B9) >> shift)
    }

    private func hashedSlot(_ key: UInt32) -> Int? {
        var index = home(key)
        while true {
            let entry = entries[index]
            if entry.slot < 0 { return nil }
            if entry.key == key { return Int(entry.slot) }
            index = (index + 1) & mask
        }
    }

    @inline(never) private mutating func insertHashed(_ key: UInt32, slot: Int) {
        if (hashedCount + 1) * 2 > entries.count { resize(bits: UInt32(entries.count.trailingZeroBitCount) + 1) }
        var index = home(key)
        while entries[index].slot >= 0 {
            precondition(entries[index].key != key, "id \(key) inserted twice")
            index = (index + 1) & mask
        }
        entries[index] = Entry(key: key, slot: Int32(slot))
        hashedCount += 1
    }

    /// Removes `key` from the hash table if present; shifts later entries of its probe run back
    /// so no tombstones accumulate.
    @inline(never) private mutating func removeHashed(_ key: UInt32) {
        var index = home(key)
        while true {
            let entry = entries[index]
            if entry.slot < 0 { return }
            if entry.key == key { break }
            index = (index + 1) & mask
        }
        var hole = index
        var next = (hole + 1) & mask
        while entries[next].slot >= 0 {
            let wanted = home(entries[next].key)
            // Move the entry into the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next)
            if !stays {
                entries[hole] = entries[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        entries[hole].slot = -1
        hashedCount -= 1
        let bits = UInt32(entries.count.trailingZeroBitCount)
        if bits > Self.minimumBits, hashedCount * 8 < entries.count { resize(bits: bits - 1) }
    }

    private mutating func resize(bits: UInt32) {
        let old = entries
        entries = Array(repeating: Entry(key: 0, slot: -1), count: 1 << bits)
        shift = 32 - bits
        for entry in old where entry.slot >= 0 {
            var index = home(entry.key)
            while entries[index].slot >= 0 { index = (index + 1) & mask }
            entries[index] = entry
        }
    }
}
