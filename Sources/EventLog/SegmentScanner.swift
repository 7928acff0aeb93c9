import LZ4

/// What the scanner found at its position in a segment.
enum SegmentItem {
    /// A complete block whose metadata checks out (and, when asked, whose data checksum does too).
    case block(BlockMetadata, offset: UInt64, bytes: [UInt8]?)
    /// The index footer (or its trailer) starts here: the blocks end at this offset.
    case footer(offset: UInt64)
    /// The file ends exactly here, at a block boundary.
    case end(offset: UInt64)
    /// The file ends inside the structure that starts here: a torn tail (or a tail still being
    /// written, for a reader following a live writer).
    case torn(offset: UInt64, reason: String)
    /// The bytes here are complete but wrong.
    case damaged(offset: UInt64, reason: String)
}

/// Walks the blocks of one segment file in order, classifying what it finds. Shared by the
/// writer's recovery, the reader and the verifier, so all three agree on what damage is.
struct SegmentScanner {
    let file: SegmentFile
    private(set) var fileSize: UInt64
    var offset: UInt64
    let header: SegmentHeader.Decoding
    /// The last block read with `readData`; handed out and reused, so that a caller that lets go
    /// of it before the next call costs no allocation per block.
    private var blockBuffer: [UInt8] = []

    init(file: SegmentFile) throws {
        self.file = file
        fileSize = try file.size()
        header = SegmentHeader.decode(try file.read(at: 0, count: SegmentHeader.frameBytes)[...])
        offset = UInt64(SegmentHeader.frameBytes)
    }

    /// Re-reads the file size, for a reader following a writer.
    mutating func refreshSize() throws { fileSize = try file.size() }

    /// The item at the current position. Advances past a complete block; stays put otherwise.
    /// - Parameter readData: read the whole block and check its side-table and data checksums.
    mutating func next(readData: Bool) throws -> SegmentItem {
        if offset == fileSize { return .end(offset: offset) }
        if offset > fileSize { return .torn(offset: offset, reason: "file is shorter than expected") }
        let available = fileSize - offset
        let head = try file.read(at: offset, count: Int(min(available, UInt64(LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes))))
        guard head.count >= 4 else { return .torn(offset: offset, reason: "file ends inside a frame header") }
        var cursor = ByteCursor(head[...])
        let magic: UInt32 = cursor.readLittleEndian()!
        switch magic {
        case LogFormat.indexFooterMagic, LogFormat.trailerMagic:
            return .footer(offset: offset)
        case LogFormat.blockMetadataMagic:
            break
        default:
            return .damaged(offset: offset, reason: String(format32: magic, expecting: "block metadata"))
        }
        let metadata: BlockMetadata
        switch BlockMetadata.decodePrefix(head[...]) {
        case .incomplete: return .torn(offset: offset, reason: "file ends inside block metadata")
        case let .invalid(reason): return .damaged(offset: offset, reason: reason)
        case let .complete(decoded): metadata = decoded
        }
        let blockEnd = offset + UInt64(metadata.blockBytes)
        guard blockEnd <= fileSize else {
            return .torn(offset: offset, reason: "file ends inside a block of \(metadata.blockBytes) bytes")
        }
        var bytes: [UInt8]?
        if readData {
            try file.read(at: offset, count: metadata.blockBytes, into: &blockBuffer)
            guard blockBuffer.count == metadata.blockBytes else {
                return .torn(offset: offset, reason: "file ends inside a block")
            }
            if let reason = Self.checkChecksums(blockBuffer, metadata) { return .damaged(offset: offset, reason: reason) }
            bytes = blockBuffer
        }
        let start = offset
        offset = blockEnd
        return .block(metadata, offset: start, bytes: bytes)
    }

    /// Checks the side table's and the data frame's CRC32C; nil when both agree.
    static func checkChecksums(_ block: [UInt8], _ metadata: BlockMetadata) -> String? {
        let sideStart = LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes
        let sideEnd = sideStart + Int(metadata.sideTableStoredBytes)
        var cursor = ByteCursor(block[sideEnd..<(sideEnd + 4)])
        guard cursor.readLittleEndian(UInt32.self) == CRC32C.checksum(block[sideStart..<sideEnd]) else {
            return "block side-table checksum mismatch"
        }
        let dataFrame = block[metadata.frameBytes...]
        guard CRC32C.checksum(dataFrame) == metadata.dataFrameChecksum else {
            return "block data checksum mismatch"
        }
        return nil
    }

    /// The offset of the next plausible block after damage at `from`: a metadata magic whose
    /// prefix checksum holds. Lets the verifier list every damaged block and salvage the rest.
    func resynchronize(after from: UInt64) throws -> UInt64? {
        var position = from + 1
        let chunk = 1 << 20
        let magicBytes: [UInt8] = [0x51, 0x2A, 0x4D, 0x18]
        while position + 4 <= fileSize {
            let bytes = try file.read(at: position, count: Int(min(UInt64(chunk + 3), fileSize - position)))
            var index = 0
            while index + 4 <= bytes.count {
                if bytes[index] == magicBytes[0], bytes[index + 1] == magicBytes[1],
                   bytes[index + 2] == magicBytes[2], bytes[index + 3] == magicBytes[3] {
                    let candidate = position + UInt64(index)
                    let head = try file.read(at: candidate, count: LogFormat.frameHeaderBytes + LogFormat.blockMetadataFixedBytes)
                    if case .complete = BlockMetadata.decodePrefix(head[...]) { return candidate }
                }
                index += 1
            }
            position += UInt64(chunk)
        }
        return nil
    }
}
