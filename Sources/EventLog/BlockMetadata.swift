import LZ4

/// What a block-metadata frame says about the LZ4 data frame that follows it.
public struct BlockMetadata: Equatable, Sendable {
    public var firstSequence: UInt64
    public var recordCount: UInt32
    public var firstTimestamp: Int64
    public var lastTimestamp: Int64
    /// The length of the concatenated records (the data frame's content size).
    public var uncompressedBytes: UInt32
    /// The length of the LZ4 data frame on disk.
    public var dataFrameBytes: UInt32
    public var dataFrameChecksum: UInt32
    /// The raw and stored lengths of the side table (record lengths and timestamp deltas).
    var sideTableRawBytes: UInt32
    var sideTableStoredBytes: UInt32

    /// The sequence number of the last record in the block.
    public var lastSequence: UInt64 { firstSequence + UInt64(recordCount) - 1 }

    /// Bytes the metadata frame occupies on disk, its skippable-frame header included.
    var frameBytes: Int { Self.frameBytes(sideTableStoredBytes: Int(sideTableStoredBytes)) }

    /// Bytes of a metadata frame whose stored side table takes `sideTableStoredBytes`.
    static func frameBytes(sideTableStoredBytes: Int) -> Int {
        LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes + sideTableStoredBytes + 4
    }

    /// Bytes the whole block (metadata frame and data frame) occupies on disk.
    public var blockBytes: Int { frameBytes + Int(dataFrameBytes) }

    /// Bytes of a metadata frame before its stored side table: the skippable-frame header and
    /// the fixed prefix with its checksum.
    static var headBytes: Int { LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes }

    /// Appends the metadata frame: the fixed prefix with its own checksum, the stored side table,
    /// and the side table's checksum.
    func encodeFrame(storedSideTable: [UInt8], appendingTo output: inout [UInt8]) {
        precondition(storedSideTable.count == Int(sideTableStoredBytes), "side table length mismatch")
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: Self.headBytes))
        output.withUnsafeMutableBytes { encodeHead(at: $0.baseAddress! + start) }
        output.append(contentsOf: storedSideTable)
        output.appendLittleEndian(CRC32C.checksum(storedSideTable))
    }

    /// Writes the first ``headBytes`` of the metadata frame at `head`: the skippable-frame header
    /// (its size counts the stored side table and its checksum, which the caller writes after)
    /// and the fixed prefix with its own checksum.
    func encodeHead(at head: UnsafeMutableRawPointer) {
        var cursor = head
        func put<T: FixedWidthInteger>(_ value: T) {
            cursor.storeBytes(of: value.littleEndian, as: T.self)
            cursor += MemoryLayout<T>.size
        }
        put(LogFormat.blockMetadataMagic)
        put(UInt32(LogFormat.blockMetadataFixedBytes + Int(sideTableStoredBytes) + 4))
        let prefixStart = cursor
        put(firstSequence)
        put(recordCount)
        put(firstTimestamp)
        put(lastTimestamp)
        put(uncompressedBytes)
        put(dataFrameBytes)
        put(dataFrameChecksum)
        put(sideTableRawBytes)
        put(sideTableStoredBytes)
        put(UInt8(LogFormat.version))
        put(UInt8(0))  // flags
        put(UInt16(0))  // reserved
        put(CRC32C.checksum(prefixStart, count: cursor - prefixStart))
        precondition(cursor - head == Self.headBytes, "metadata head size mismatch")
    }

    /// Outcome of reading the fixed part of a metadata frame.
    enum PrefixDecoding: Equatable {
        case complete(BlockMetadata)
        /// Fewer bytes than the fixed prefix needs: a torn tail if nothing follows.
        case incomplete
        /// The bytes are there but are not a valid metadata prefix.
        case invalid(String)
    }

    /// Decodes the skippable-frame header and the fixed prefix from `bytes`, which start at the
    /// frame. Checks the magic, the prefix checksum, the version and the declared frame size.
    static func decodePrefix(_ bytes: ArraySlice<UInt8>) -> PrefixDecoding {
        var cursor = ByteCursor(bytes)
        guard let magic: UInt32 = cursor.readLittleEndian() else { return .incomplete }
        guard magic == LogFormat.blockMetadataMagic else {
            return .invalid(String(format32: magic, expecting: "block metadata"))
        }
        guard let frameSize: UInt32 = cursor.readLittleEndian(),
              cursor.remaining >= LogFormat.blockMetadataFixedBytes
        else { return .incomplete }
        let prefix = bytes[cursor.position..<(cursor.position + LogFormat.blockMetadataFixedBytes - 4)]
        guard let metadata = decodeFields(&cursor), let storedChecksum: UInt32 = cursor.readLittleEndian()
        else { return .incomplete }
        guard storedChecksum == CRC32C.checksum(prefix) else {
            return .invalid("block metadata checksum mismatch")
        }
        guard metadata.version == LogFormat.version else {
            return .invalid("unsupported block format version \(metadata.version)")
        }
        let block = metadata.block
        guard Int(frameSize) == LogFormat.blockMetadataFixedBytes + Int(block.sideTableStoredBytes) + 4 else {
            return .invalid("block metadata frame size \(frameSize) disagrees with its side table")
        }
        guard block.recordCount > 0, block.firstTimestamp <= block.lastTimestamp,
              Int(block.uncompressedBytes) <= LogFormat.maximumBatchBytes
        else { return .invalid("block metadata fields are out of range") }
        return .complete(block)
    }

    private static func decodeFields(_ cursor: inout ByteCursor) -> (block: BlockMetadata, version: UInt8)? {
        guard let firstSequence: UInt64 = cursor.readLittleEndian(),
              let recordCount: UInt32 = cursor.readLittleEndian(),
              let firstTimestamp: Int64 = cursor.readLittleEndian(),
              let lastTimestamp: Int64 = cursor.readLittleEndian(),
              let uncompressed: UInt32 = cursor.readLittleEndian(),
              let dataFrameBytes: UInt32 = cursor.readLittleEndian(),
              let dataFrameChecksum: UInt32 = cursor.readLittleEndian(),
              let sideRaw: UInt32 = cursor.readLittleEndian(),
              let sideStored: UInt32 = cursor.readLittleEndian(),
              let version: UInt8 = cursor.readLittleEndian(),
              let _: UInt8 = cursor.readLittleEndian(),
              let _: UInt16 = cursor.readLittleEndian()
        else { return nil }
        let block = BlockMetadata(
            firstSequence: firstSequence, recordCount: recordCount, firstTimestamp: firstTimestamp,
            lastTimestamp: lastTimestamp, uncompressedBytes: uncompressed, dataFrameBytes: dataFrameBytes,
            dataFrameChecksum: dataFrameChecksum, sideTableRawBytes: sideRaw, sideTableStoredBytes: sideStored)
        return (block, version)
    }
}

extension String {
    init(format32 magic: UInt32, expecting what: String) {
        self = "expected \(what) frame, found magic 0x" + String(magic, radix: 16, uppercase: true)
    }
}
