// Counts distinct ids in bounded memory, so that importing a trace of millions of runs does not
// keep every id: exact (64-bit hashes) up to a limit, then a HyperLogLog estimate.

/// The number of distinct strings inserted: exact up to ``exactLimit`` distinct values (their
/// 64-bit hashes in an open-addressing table), then estimated by HyperLogLog with 2^14 registers
/// (standard error about 0.8 %). Deterministic: the hash is FNV-1a with a fixed finaliser, never
/// Swift's seeded `Hasher`.
public struct DistinctCounter: Sendable {
    /// Distinct values counted exactly before switching to the estimate.
    public static let exactLimit = 1 << 16
    private static let registerBits = 14

    /// Hashes seen (0 marks an empty bucket; a hash of 0 is stored as 1), at most half full.
    private var table: [UInt64] = []
    private var exactCount = 0
    private var registers: [UInt8] = []

    public init() {}

    /// Whether ``count`` is an estimate (more than ``exactLimit`` distinct values were seen).
    public var isEstimate: Bool { !registers.isEmpty }

    public mutating func insert(_ value: String) {
        var text = value
        let hash = text.withUTF8 { Self.hash($0) }
        if registers.isEmpty {
            insertExact(hash == 0 ? 1 : hash)
            guard exactCount > Self.exactLimit else { return }
            registers = [UInt8](repeating: 0, count: 1 << Self.registerBits)
            for known in table where known != 0 { record(known) }
            table = []
        } else {
            record(hash)
        }
    }

    private mutating func insertExact(_ hash: UInt64) {
        if (exactCount + 1) * 2 > table.count {
            let old = table
            table = [UInt64](repeating: 0, count: max(64, table.count * 2))
            exactCount = 0
            for known in old where known != 0 { insertExact(known) }
        }
        let mask = table.count - 1
        var bucket = Int(truncatingIfNeeded: hash) & mask
        while table[bucket] != 0 {
            if table[bucket] == hash { return }
            bucket = (bucket + 1) & mask
        }
        table[bucket] = hash
        exactCount += 1
    }

    /// The number of distinct values (estimated once ``isEstimate``).
    public var count: Int {
        guard isEstimate else { return exactCount }
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum
        // Small-range correction (linear counting) while many registers are still empty.
        if estimate <= 2.5 * m, zeros > 0 { return Int((m * (m / Double(zeros)).logarithm).rounded()) }
        return Int(estimate.rounded())
    }

    private mutating func record(_ hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.registerBits))
        let rest = hash << UInt64(Self.registerBits) | (1 << UInt64(Self.registerBits - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    /// FNV-1a 64 with the MurmurHash3 finaliser (FNV alone mixes its high bits poorly).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}

private extension Double {
    /// The natural logarithm, without Foundation (this module stays pure Swift).
    var logarithm: Double {
        // ln(x) = 2·atanh((x−1)/(x+1)), after scaling x into [1, 2) by powers of two.
        var x = self
        var exponent = 0.0
        while x >= 2 { x /= 2; exponent += 1 }
        while x < 1 { x *= 2; exponent -= 1 }
        let y = (x - 1) / (x + 1)
        var term = y
        var sum = 0.0
        var n = 1.0
        while abs(term) > 1e-17 {
            sum += term / n
            term *= y * y
            n += 2
        }
        return 2 * sum + exponent * 0.693_147_180_559_945_3
    }
}
