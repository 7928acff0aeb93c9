import LZ4

/// One problem `LogVerifier` found.
public struct VerificationFinding: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A complete block whose checksums, metadata or contents are wrong.
        case damagedBlock = "damaged_block"
        /// The last segment ends inside a block (a crashed writer; append-open truncates it).
        case tornTail = "torn_tail"
        /// A segment other than the last ends inside a block.
        case truncatedSegment = "truncated_segment"
        /// The segment header is missing or wrong.
        case badHeader = "bad_header"
        /// A sealed segment's index footer or trailer is damaged, or disagrees with the blocks.
        case badIndex = "bad_index"
        /// Sequence numbers skip or repeat between blocks or segments.
        case sequenceGap = "sequence_gap"
    }

    public var kind: Kind
    public var path: String
    public var offset: UInt64
    public var message: String

    public var description: String { "\(path): byte \(offset): \(kind.rawValue): \(message)" }
}

/// The result of checking a whole log.
public struct VerificationReport: Sendable {
    public var segments = 0
    public var blocks = 0
    public var records: UInt64 = 0
    public var findings: [VerificationFinding] = []
    public var isIntact: Bool { findings.isEmpty }
}

/// What `salvage` copied.
public struct SalvageReport: Sendable {
    public var blocksCopied = 0
    public var recordsCopied: UInt64 = 0
    public var blocksLost = 0
}

/// Reads every byte of a log and lists every damaged block, continuing past damage by searching
/// for the next valid block; can copy every readable block to a new log.
public enum LogVerifier {
    public static func verify(directory: String) throws -> VerificationReport {
        var report = VerificationReport()
        try walk(directory: directory, report: &report) { _, _ in }
        return report
    }

    /// Copies every block that decodes to a new log at `destination` (which must not hold one).
    public static func salvage(directory: String, into destination: String) throws -> (VerificationReport, SalvageReport) {
        if LogDirectory.exists(destination), !(try LogDirectory.segmentSequences(destination)).isEmpty {
            throw EventLogError.invalidOption(name: "salvage destination", reason: "\(destination) already holds a log")
        }
        var options = WriterOptions()
        options.durability = .flush
        let writer = try LogWriter(directory: destination, options: options)
        var report = VerificationReport()
        var salvage = SalvageReport()
        var lastTimestamp = Int64.min
        try walk(directory: directory, report: &report) { block, _ in
            // A block whose time goes back cannot follow in the new log; count it lost.
            guard block.metadata.firstTimestamp >= lastTimestamp else { salvage.blocksLost += 1; return }
            var records = block
            try records.forEachRemaining { record in
                try writer.append(record.bytes, timestamp: record.timestamp)
            }
            lastTimestamp = block.metadata.lastTimestamp
            salvage.blocksCopied += 1
            salvage.recordsCopied += UInt64(block.metadata.recordCount)
        }
        try writer.close()
        salvage.blocksLost += report.findings.filter { $0.kind == .damagedBlock }.count
        return (report, salvage)
    }

    private static func walk(
        directory: String, report: inout VerificationReport,
        onBlock: (DecodedBlock, String) throws -> Void
    ) throws {
        guard LogDirectory.exists(directory) else {
            throw EventLogError.notALog(path: directory, reason: "no such directory")
        }
        let sequences = try LogDirectory.segmentSequences(directory)
        let decompressor = try FrameDecompressor()
        var decoded = DecodedBlock()
        var expectedSequence: UInt64 = 0
        for (position, first) in sequences.enumerated() {
            let path = LogDirectory.segmentPath(directory, firstSequence: first)
            let isLast = position == sequences.count - 1
            report.segments += 1
            func finding(_ kind: VerificationFinding.Kind, _ offset: UInt64, _ message: String) {
                report.findings.append(VerificationFinding(kind: kind, path: path, offset: offset, message: message))
            }
            if first != expectedSequence {
                finding(.sequenceGap, 0, "segment starts at sequence \(first), expected \(expectedSequence)")
                expectedSequence = first
            }
            let file = try SegmentFile.openForReading(path)
            var scanner = try SegmentScanner(file: file)
            switch scanner.header {
            case .complete(let header) where header.firstSequence == first: break
            case .complete(let header):
                finding(.badHeader, 0, "header says first sequence \(header.firstSequence), the name says \(first)")
            case .incomplete:
                finding(isLast ? .tornTail : .truncatedSegment, 0, "file ends inside the segment header")
                continue
            case let .invalid(reason):
                finding(.badHeader, 0, reason)
                guard let next = try scanner.resynchronize(after: 0) else { continue }
                scanner.offset = next
            }
            var scanned: [SegmentIndex.Entry] = []
            var damaged = false
            walking: while true {
                switch try scanner.next(readData: true) {
                case let .block(metadata, offset, bytes):
                    if let reason = decoded.decode(bytes!, metadata: metadata, decompressor: decompressor) {
                        finding(.damagedBlock, offset, reason)
                        damaged = true
                        continue walking
                    }
                    if metadata.firstSequence != expectedSequence {
                        finding(.sequenceGap, offset, "block starts at sequence \(metadata.firstSequence), expected \(expectedSequence)")
                    }
                    expectedSequence = metadata.firstSequence + UInt64(metadata.recordCount)
                    scanned.append(SegmentIndex.Entry(
                        firstSequence: metadata.firstSequence, firstTimestamp: metadata.firstTimestamp,
                        lastTimestamp: metadata.lastTimestamp, offset: offset))
                    report.blocks += 1
                    report.records += UInt64(metadata.recordCount)
                    try onBlock(decoded, path)
                case let .footer(offset):
                    let footer = try SegmentSummary.readFooter(file, fileSize: scanner.fileSize, firstSequence: first)
                    if footer == nil {
                        finding(.badIndex, offset, "index footer or trailer is damaged")
                    } else if !damaged, footer!.entries != scanned || footer!.blocksEndOffset != offset {
                        finding(.badIndex, offset, "index footer disagrees with the blocks")
                    }
                    break walking
                case let .end(offset):
                    if !isLast { finding(.badIndex, offset, "segment has no index footer (opening for append rebuilds it)") }
                    break walking
                case let .torn(offset, reason):
                    finding(isLast ? .tornTail : .truncatedSegment, offset,
                            reason + (isLast ? " (opening for append truncates \(scanner.fileSize - offset) bytes)" : ""))
                    break walking
                case let .damaged(offset, reason):
                    finding(.damagedBlock, offset, reason)
                    damaged = true
                    guard let next = try scanner.resynchronize(after: offset) else { break walking }
                    scanner.offset = next
                }
            }
        }
    }
}
