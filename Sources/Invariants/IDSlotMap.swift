// Maps a run or thread id to the slot that holds its record. Swift's Dictionary hashes with
// seeded SipHash; ids here are small integers the checker alone sees, so a multiplicative hash
// into an open-addressed table with linear probing is several times cheaper, and its size
// follows the live ids (it grows and shrinks), never the largest id seen.

/// An open-addressed hash table from 32-bit ids to non-negative slot numbers.
struct IDSlotMap {
    private struct Entry {
        var key: UInt32
        /// -1 when the entry is empty.
        var slot: Int32
    }

    private var entries: [Entry]
    private var shift: UInt32
    private(set) var count = 0
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

    /// The slot stored for `key`, or nil.
    func slot(_ key: UInt32) -> Int? {
        var index = home(key)
        while true {
            let entry = entries[index]
            if entry.slot < 0 { return nil }
            if entry.key == key { return Int(entry.slot) }
            index = (index + 1) & mask
        }
    }

    /// Stores `slot` for `key` (which must be absent).
    mutating func insert(_ key: UInt32, slot: Int) {
        if (count + 1) * 2 > entries.count { resize(bits: UInt32(entries.count.trailingZeroBitCount) + 1) }
        var index = home(key)
        while entries[index].slot >= 0 {
            precondition(entries[index].key != key, "id \(key) inserted twice")
            index = (index + 1) & mask
        }
        entries[index] = Entry(key: key, slot: Int32(slot))
        count += 1
    }

    /// Removes `key` if present; shifts later entries of its probe run back so no tombstones
    /// accumulate.
    mutating func remove(_ key: UInt32) {
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
        count -= 1
        let bits = UInt32(entries.count.trailingZeroBitCount)
        if bits > Self.minimumBits, count * 8 < entries.count { resize(bits: bits - 1) }
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
