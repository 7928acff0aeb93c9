/// How a segment's blocks end.
enum SegmentEnding: Equatable {
    /// Sealed: a valid index footer and trailer.
    case sealed
    /// The file ends cleanly after the last block, with no index (a live or crashed writer's tail).
    case open(blocksEnd: UInt64)
    /// An index footer starts here but the trailer that points at it is missing or broken.
    case partialFooter(at: UInt64)
    /// The file ends inside the structure at this offset.
    case torn(at: UInt64, reason: String)
    /// Complete bytes that are wrong, at this offset.
    case damaged(at: UInt64, reason: String)
}

/// A segment's index and how it ends, read from its footer when sealed, else by scanning the
/// block metadata (which is how a missing index is rebuilt).
struct SegmentSummary {
    var firstSequence: UInt64
    var index: SegmentIndex
    var ending: SegmentEnding
    var fileSize: UInt64

    var nextSequence: UInt64 { firstSequence + index.recordCount }

    /// - Parameters:
    ///   - expectedFirstSequence: the sequence the segment's name (and so its header) promises.
    ///   - verifyData: also check every block's side-table and data checksums while scanning.
    ///   - trustFooter: use a valid footer instead of scanning.
    static func load(
        _ file: SegmentFile, expectedFirstSequence: UInt64, verifyData: Bool, trustFooter: Bool = true
    ) throws -> SegmentSummary {
        var scanner = try SegmentScanner(file: file)
        switch scanner.header {
        case .incomplete:
            return SegmentSummary(
                firstSequence: expectedFirstSequence,
                index: SegmentIndex(entries: [], recordCount: 0, blocksEndOffset: 0),
                ending: .torn(at: 0, reason: "file ends inside the segment header"), fileSize: scanner.fileSize)
        case let .invalid(reason):
            throw EventLogError.corrupt(path: file.path, offset: 0, reason: reason)
        case let .complete(header):
            guard header.firstSequence == expectedFirstSequence else {
                throw EventLogError.corrupt(
                    path: file.path, offset: 0,
                    reason: "header says first sequence \(header.firstSequence), the file name says \(expectedFirstSequence)")
            }
        }
        if trustFooter, let sealed = try readFooter(file, fileSize: scanner.fileSize, firstSequence: expectedFirstSequence) {
            return SegmentSummary(firstSequence: expectedFirstSequence, index: sealed, ending: .sealed, fileSize: scanner.fileSize)
        }
        var entries: [SegmentIndex.Entry] = []
        var expectedSequence = expectedFirstSequence
        var previousTimestamp = Int64.min
        var ending: SegmentEnding
        scanning: while true {
            let item = try scanner.next(readData: verifyData)
            switch item {
            case let .block(metadata, offset, _):
                guard metadata.firstSequence == expectedSequence else {
                    ending = .damaged(at: offset, reason: "block starts at sequence \(metadata.firstSequence), expected \(expectedSequence)")
                    break scanning
                }
                guard metadata.firstTimestamp >= previousTimestamp else {
                    ending = .damaged(at: offset, reason: "block time \(metadata.firstTimestamp) goes back before \(previousTimestamp)")
                    break scanning
                }
                entries.append(SegmentIndex.Entry(
                    firstSequence: metadata.firstSequence, firstTimestamp: metadata.firstTimestamp,
                    lastTimestamp: metadata.lastTimestamp, offset: offset))
                expectedSequence += UInt64(metadata.recordCount)
                previousTimestamp = metadata.lastTimestamp
            case let .end(offset): ending = .open(blocksEnd: offset); break scanning
            case let .footer(offset): ending = .partialFooter(at: offset); break scanning
            case let .torn(offset, reason): ending = .torn(at: offset, reason: reason); break scanning
            case let .damaged(offset, reason): ending = .damaged(at: offset, reason: reason); break scanning
            }
        }
        let blocksEnd: UInt64 = switch ending {
        case .sealed: scanner.offset
        case let .open(end): end
        case let .partialFooter(at): at
        case let .torn(at, _): at
        case let .damaged(at, _): at
        }
        if case .partialFooter = ending,
           let sealed = try readFooter(file, fileSize: scanner.fileSize, firstSequence: expectedFirstSequence),
           sealed.entries == entries {
            // A valid footer whose trailer we did not trust (trustFooter false): it is sealed.
            return SegmentSummary(firstSequence: expectedFirstSequence, index: sealed, ending: .sealed, fileSize: scanner.fileSize)
        }
        let index = SegmentIndex(entries: entries, recordCount: expectedSequence - expectedFirstSequence, blocksEndOffset: blocksEnd)
        return SegmentSummary(firstSequence: expectedFirstSequence, index: index, ending: ending, fileSize: scanner.fileSize)
    }

    /// The footer of a sealed segment, or nil when there is no valid trailer and footer.
    static func readFooter(_ file: SegmentFile, fileSize: UInt64, firstSequence: UInt64) throws -> SegmentIndex? {
        let trailerBytes = UInt64(SegmentIndex.trailerFrameBytes)
        guard fileSize >= UInt64(SegmentHeader.frameBytes) + trailerBytes else { return nil }
        let tail = try file.read(at: fileSize - trailerBytes, count: Int(trailerBytes))
        guard let footerOffset = SegmentIndex.footerOffset(fromTrailer: tail[...], fileSize: fileSize),
              footerOffset >= UInt64(SegmentHeader.frameBytes), footerOffset < fileSize - trailerBytes
        else { return nil }
        let footer = try file.read(at: footerOffset, count: Int(fileSize - trailerBytes - footerOffset))
        guard let index = SegmentIndex.decodeFooter(footer[...], blocksEndOffset: footerOffset) else { return nil }
        if let first = index.entries.first, first.firstSequence != firstSequence { return nil }
        return index
    }
}
