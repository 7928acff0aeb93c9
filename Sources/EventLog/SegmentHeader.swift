/// The skippable frame that opens every segment: signature, version and first sequence number.
struct SegmentHeader: Equatable {
    var firstSequence: UInt64

    static let frameBytes = LogFormat.frameHeaderBytes + LogFormat.segmentHeaderPayloadBytes

    func encode() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(Self.frameBytes)
        output.appendLittleEndian(LogFormat.segmentHeaderMagic)
        output.appendLittleEndian(UInt32(LogFormat.segmentHeaderPayloadBytes))
        output.appendLittleEndian(LogFormat.segmentSignature)
        output.appendLittleEndian(LogFormat.version)
        output.appendLittleEndian(UInt16(0))  // flags
        output.appendLittleEndian(firstSequence)
        output.appendLittleEndian(CRC32C.checksum(output[(LogFormat.frameHeaderBytes)...]))
        return output
    }

    enum Decoding: Equatable {
        case complete(SegmentHeader)
        case incomplete
        case invalid(String)
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> Decoding {
        guard bytes.count >= frameBytes else { return .incomplete }
        var cursor = ByteCursor(bytes)
        guard cursor.readLittleEndian(UInt32.self) == LogFormat.segmentHeaderMagic,
              cursor.readLittleEndian(UInt32.self) == UInt32(LogFormat.segmentHeaderPayloadBytes)
        else { return .invalid("not a RunLedger segment (bad header frame)") }
        let checked = bytes[cursor.position..<(cursor.position + LogFormat.segmentHeaderPayloadBytes - 4)]
        guard cursor.readLittleEndian(UInt32.self) == LogFormat.segmentSignature,
              let version: UInt16 = cursor.readLittleEndian(),
              let _: UInt16 = cursor.readLittleEndian(),
              let firstSequence: UInt64 = cursor.readLittleEndian(),
              let checksum: UInt32 = cursor.readLittleEndian()
        else { return .invalid("not a RunLedger segment (bad signature)") }
        guard checksum == CRC32C.checksum(checked) else { return .invalid("segment header checksum mismatch") }
        guard version == LogFormat.version else { return .invalid("unsupported segment format version \(version)") }
        return .complete(SegmentHeader(firstSequence: firstSequence))
    }
}
