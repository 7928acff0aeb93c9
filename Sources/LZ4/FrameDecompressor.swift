import CLZ4

/// Decodes one standard LZ4 frame at a time, checking liblz4's block and content checksums.
///
/// Owns one liblz4 decompression context and resets it between frames. Not thread-safe.
public final class FrameDecompressor {
    private let context: OpaquePointer

    public init() throws {
        var created: OpaquePointer?
        let result = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        guard let created, !LZ4FrameResult.isError(result) else {
            throw LZ4Error.outOfMemory
        }
        context = created
    }

    deinit { LZ4F_freeDecompressionContext(context) }

    /// Replaces `output` with the content of the single frame that fills `frame` exactly.
    ///
    /// - Parameters:
    ///   - expectedContentCount: the length the caller already knows (from its own metadata);
    ///     the frame must decode to exactly this many bytes.
    ///   - limit: refuse frames that declare more than this, so a corrupt header cannot make us
    ///     allocate gigabytes.
    ///   - verifyContentChecksum: check the frame's xxHash32 content checksum. A caller that has
    ///     already checked its own stronger checksum of the compressed frame (the event log checks
    ///     CRC-32C) may skip it and decode at block speed.
    public func decompress(
        _ frame: ArraySlice<UInt8>, expectedContentCount: Int, limit: Int, into output: inout [UInt8],
        verifyContentChecksum: Bool = true
    ) throws {
        guard expectedContentCount <= limit else {
            throw LZ4Error.contentTooLarge(declared: expectedContentCount, limit: limit)
        }
        LZ4F_resetDecompressionContext(context)
        // Resize without clearing: every byte is overwritten below, and a scan reuses one buffer
        // for frames of similar sizes, so only the difference is ever touched.
        output.resizeWithoutClearing(to: expectedContentCount)
        let context = self.context
        var options = LZ4F_decompressOptions_t()
        options.stableDst = 1  // the whole output buffer stays put: no internal copy
        options.skipChecksums = verifyContentChecksum ? 0 : 1
        let produced = try frame.withUnsafeBytes { (source) throws -> Int in
            try output.withUnsafeMutableBytes { (destination) throws -> Int in
                var sourceOffset = 0
                var produced = 0
                while true {
                    var sourceCount = source.count - sourceOffset
                    var destinationCount = destination.count - produced
                    // liblz4 wants a non-null destination even when the frame is empty.
                    var scratch: UInt8 = 0
                    let hint = withUnsafeMutablePointer(to: &scratch) { scratchPointer in
                        LZ4F_decompress(
                            context,
                            destination.count > 0 ? destination.baseAddress! + produced : UnsafeMutableRawPointer(scratchPointer),
                            &destinationCount,
                            source.baseAddress.map { $0 + sourceOffset },
                            &sourceCount,
                            &options)
                    }
                    _ = try checkFrameResult(hint, "decompress")
                    sourceOffset += sourceCount
                    produced += destinationCount
                    if hint == 0 { break }  // the frame is complete and its checksum verified
                    if sourceCount == 0 && destinationCount == 0 {
                        if sourceOffset >= source.count { throw LZ4Error.truncated(operation: "decompress") }
                        throw LZ4Error.contentSizeMismatch(expected: expectedContentCount, actual: produced + 1)
                    }
                }
                if sourceOffset != source.count {
                    throw LZ4Error.trailingBytes(count: source.count - sourceOffset)
                }
                return produced
            }
        }
        if produced != expectedContentCount {
            throw LZ4Error.contentSizeMismatch(expected: expectedContentCount, actual: produced)
        }
    }
}
