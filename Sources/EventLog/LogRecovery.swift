/// Opening a log for append: checks every segment, rebuilds a missing index, truncates a torn
/// tail (reporting what it dropped) and refuses, with the segment and offset, any damage before it.
enum LogRecovery {
    struct OpenTail {
        var file: SegmentFile
        var firstSequence: UInt64
        var size: UInt64
        var index: [SegmentIndex.Entry]
        var recordCount: UInt64
    }

    struct Opened {
        var report = RecoveryReport()
        var nextSequence: UInt64 = 0
        var lastTimestamp: Int64?
        var openTail: OpenTail?
    }

    static func openForAppend(directory: String) throws -> Opened {
        var opened = Opened()
        let sequences = try LogDirectory.segmentSequences(directory)
        for (position, firstSequence) in sequences.enumerated() {
            let path = LogDirectory.segmentPath(directory, firstSequence: firstSequence)
            guard firstSequence == opened.nextSequence else {
                throw EventLogError.corrupt(
                    path: path, offset: 0,
                    reason: "segment starts at sequence \(firstSequence), expected \(opened.nextSequence) (a segment is missing or misnamed)")
            }
            let isLast = position == sequences.count - 1
            let file = try SegmentFile.openForWriting(path, create: false)
            let summary = try SegmentSummary.load(file, expectedFirstSequence: firstSequence, verifyData: isLast)
            switch summary.ending {
            case .sealed:
                break
            case let .damaged(offset, reason):
                throw EventLogError.corrupt(path: path, offset: offset, reason: reason)
            case let .torn(offset, reason) where !isLast:
                throw EventLogError.corrupt(path: path, offset: offset, reason: "\(reason), but later segments follow")
            case let .open(end) where !isLast, let .partialFooter(end) where !isLast:
                // An earlier segment that lost its index: rebuild it from the blocks.
                try file.truncate(to: end)
                try file.write(summary.index.encodeFooterAndTrailer(), at: end)
                opened.report.rebuiltIndexes.append(path)
            case .open, .partialFooter, .torn:
                opened.openTail = try reopenTail(file, summary: summary, report: &opened.report)
            }
            opened.nextSequence = summary.nextSequence
            if let last = summary.index.lastTimestamp { opened.lastTimestamp = last }
        }
        return opened
    }

    /// Truncates the tail segment to its last complete block and returns it ready for appending.
    private static func reopenTail(_ file: SegmentFile, summary: SegmentSummary, report: inout RecoveryReport) throws -> OpenTail {
        var keep: UInt64
        switch summary.ending {
        case let .open(end): keep = end
        case let .partialFooter(at): keep = at
        case let .torn(at, _): keep = at
        case .sealed, .damaged: preconditionFailure("reopenTail called for a \(summary.ending) segment")
        }
        if keep < summary.fileSize {
            try file.truncate(to: keep)
            if case .torn = summary.ending {
                report.droppedBytes += summary.fileSize - keep
                report.truncatedSegment = file.path
                report.truncatedAt = keep
            }
        }
        if keep == 0 {
            // The header itself was torn: write it again.
            let header = SegmentHeader(firstSequence: summary.firstSequence).encode()
            try file.write(header, at: 0)
            keep = UInt64(header.count)
        }
        return OpenTail(file: file, firstSequence: summary.firstSequence, size: keep,
                        index: summary.index.entries, recordCount: summary.index.recordCount)
    }
}
