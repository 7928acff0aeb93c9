import CLZ4

/// Compresses byte buffers into standard LZ4 frames (the format `lz4 -dc` reads): independent
/// 64 KiB blocks, the content size in the header and a content checksum at the end.
///
/// Owns one liblz4 compression context and reuses it for every frame, so a long stream of small
/// frames pays for the context once. Not thread-safe: one compressor per writer.
public final class FrameCompressor {
    private let context: OpaquePointer
    private var preferences: LZ4F_preferences_t

    /// - Parameter acceleration: liblz4's fast level; 1 is the default speed/ratio trade-off
    ///   (the level `lz4 -1` uses), larger values are faster and compress less.
    public init(acceleration: Int32 = 1) throws {
        var created: OpaquePointer?
        let result = LZ4F_createCompressionContext(&created, UInt32(LZ4F_VERSION))
        guard let created, !LZ4FrameResult.isError(result) else {
            throw LZ4Error.outOfMemory
        }
        context = created
        preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.compressionLevel = acceleration > 1 ? -acceleration : 0
    }

    deinit { LZ4F_freeCompressionContext(context) }

    /// The largest frame `compress` can produce for `sourceCount` bytes.
    public func frameBound(sourceCount: Int) -> Int {
        var prefs = preferences
        prefs.frameInfo.contentSize = UInt64(sourceCount)
        // The header is at most 19 bytes; compressFrameBound covers header, blocks and end mark.
        return LZ4F_compressFrameBound(sourceCount, &prefs)
    }

    /// Appends one complete frame holding `source` to `output` and returns the frame's length.
    @discardableResult
    public func compress(_ source: [UInt8], appendingTo output: inout [UInt8]) throws -> Int {
        try source.withUnsafeBytes { (bytes) throws -> Int in
            try compress(bytes, appendingTo: &output)
        }
    }

    /// Appends one complete frame holding `source` to `output` and returns the frame's length.
    @discardableResult
    public func compress(_ source: ArraySlice<UInt8>, appendingTo output: inout [UInt8]) throws -> Int {
        try source.withUnsafeBytes { (bytes) throws -> Int in
            try compress(bytes, appendingTo: &output)
        }
    }

    /// Appends one complete frame holding `source` to `output` and returns the frame's length.
    @discardableResult
    public func compress(_ source: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws -> Int {
        let start = output.count
        let bound = frameBound(sourceCount: source.count)
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = try output.withUnsafeMutableBytes { (all) throws -> Int in
            try compress(source, into: UnsafeMutableRawBufferPointer(rebasing: all[start...]))
        }
        output.removeLast(bound - written)
        return written
    }

    /// Writes one complete frame holding `source` at the start of `destination`, which must
    /// hold exactly ``frameBound(sourceCount:)`` bytes (liblz4 is given that much room, so the
    /// frame is the same wherever it goes), and returns the frame's length. For a caller that
    /// builds its output in place, with no zeroed room and no copy.
    public func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        precondition(destination.count == frameBound(sourceCount: source.count), "frame room is not the bound")
        var prefs = preferences
        prefs.frameInfo.contentSize = UInt64(source.count)
        var used = try checkFrameResult(
            LZ4F_compressBegin(context, destination.baseAddress, destination.count, &prefs),
            "compressBegin")
        if source.count > 0 {
            used += try checkFrameResult(
                LZ4F_compressUpdate(context, destination.baseAddress! + used,
                                    destination.count - used, source.baseAddress,
                                    source.count, nil),
                "compressUpdate")
        }
        used += try checkFrameResult(
            LZ4F_compressEnd(context, destination.baseAddress! + used, destination.count - used, nil),
            "compressEnd")
        return used
    }
}
