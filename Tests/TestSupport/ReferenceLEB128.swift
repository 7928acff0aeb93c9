/// LEB128 as the log format documents it, byte by byte and with no fast path: the reference that
/// the varint writers' size-class shortcuts (the log's and the journal's) are checked against.
public func referenceLEB128(_ value: UInt64) -> [UInt8] {
    var bytes: [UInt8] = []
    var remaining = value
    repeat {
        let low = UInt8(remaining & 0x7F)
        remaining >>= 7
        bytes.append(remaining == 0 ? low : low | 0x80)
    } while remaining != 0
    return bytes
}
