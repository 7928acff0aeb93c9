import CLZ4

/// The raw LZ4 block format, for small side buffers that live inside RunLedger's own metadata
/// frames (record lengths, timestamp deltas). Frames are for data other tools must read.
public enum BlockCodec {
    /// Appends the compressed form of `source` to `output`; returns the compressed length.
    @discardableResult
    public static func compress(_ source: [UInt8], appendingTo output: inout [UInt8]) throws -> Int {
        try compress(source[...], appendingTo: &output)
    }

    /// Appends the compressed form of `source` to `output`; returns the compressed length.
    @discardableResult
    public static func compress(_ source: ArraySlice<UInt8>, appendingTo output: inout [UInt8]) throws -> Int {
        try source.withUnsafeBytes { try compress($0, appendingTo: &output) }
    }

    /// Appends the compressed form of `source` to `output`; returns the compressed length.
    @discardableResult
    public static func compress(_ source: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws -> Int {
        let bound = try compressBound(sourceCount: source.count)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        do {
            let written = try output.withUnsafeMutableBytes { all in
                try compress(source, into: UnsafeMutableRawBufferPointer(rebasing: all[start...]))
            }
            output.removeLast(bound - written)
            return written
        } catch {
            output.removeLast(bound)
            throw error
        }
    }

    /// The most bytes the compressed form of `sourceCount` bytes can take; throws for a source
    /// larger than the block format allows.
    public static func compressBound(sourceCount: Int) throws -> Int {
        guard sourceCount <= LZ4.maximumBlockInputSize else {
            throw LZ4Error.contentTooLarge(declared: sourceCount, limit: LZ4.maximumBlockInputSize)
        }
        return Int(LZ4_compressBound(Int32(sourceCount)))
    }

    /// Writes the compressed form of `source` at the start of `destination`, which must hold
    /// exactly ``compressBound(sourceCount:)`` bytes (liblz4 is given that much room, so the
    /// block is the same wherever it goes); returns the compressed length. For a caller that
    /// builds its output in place, with no zeroed room and no copy.
    public static func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        let bound = try compressBound(sourceCount: source.count)
        precondition(destination.count == bound, "block room is not the bound")
        let written = Int(LZ4_compress_default(
            source.baseAddress?.assumingMemoryBound(to: CChar.self),
            destination.baseAddress!.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(bound)))
        guard written > 0 || source.isEmpty else {
            throw LZ4Error.library(operation: "compress_default", name: "returned 0")
        }
        return written
    }

    /// Decodes a block that must expand to exactly `originalCount` bytes.
    public static func decompress(_ block: ArraySlice<UInt8>, originalCount: Int, limit: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        try decompress(block, originalCount: originalCount, limit: limit, into: &output)
        return output
    }

    /// Replaces `output` with the `originalCount` bytes that `block` must expand to, reusing its
    /// storage: a reader that decodes one block after another allocates and clears nothing once
    /// the buffer has grown. On failure `output` holds unspecified bytes.
    public static func decompress(
        _ block: ArraySlice<UInt8>, originalCount: Int, limit: Int, into output: inout [UInt8]
    ) throws {
        guard originalCount <= limit, originalCount <= LZ4.maximumBlockInputSize else {
            throw LZ4Error.contentTooLarge(declared: originalCount, limit: min(limit, LZ4.maximumBlockInputSize))
        }
        if originalCount == 0 {
            guard block.count <= 1 else { throw LZ4Error.trailingBytes(count: block.count) }
            output.removeAll(keepingCapacity: true)
            return
        }
        output.resizeWithoutClearing(to: originalCount)
        let produced = block.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { destination in
                Int(LZ4_decompress_safe(
                    input.baseAddress?.assumingMemoryBound(to: CChar.self),
                    destination.baseAddress!.assumingMemoryBound(to: CChar.self),
                    Int32(block.count), Int32(originalCount)))
            }
        }
        guard produced == originalCount else {
            if produced < 0 { throw LZ4Error.library(operation: "decompress_safe", name: "malformed block") }
            throw LZ4Error.contentSizeMismatch(expected: originalCount, actual: produced)
        }
    }
}

extension Array where Element == UInt8 {
    /// Makes the count `count`, keeping existing bytes and zeroing only new ones: every byte is
    /// about to be overwritten, and a buffer reused for similar sizes then costs nothing to size.
    mutating func resizeWithoutClearing(to count: Int) {
        if self.count > count {
            removeLast(self.count - count)
        } else if self.count < count {
            append(contentsOf: repeatElement(0, count: count - self.count))
        }
    }
}
