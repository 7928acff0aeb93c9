import ArgumentParser
import EventLog

/// `runledger log verify LOG`: reads every byte, lists every damaged block; exit 3 on any finding.
struct LogVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every block of a log; list each damaged one (exit 3 if any).")

    @Argument(help: "The log directory.") var log: String
    @Option(help: "Copy every readable block into a new log at this path.") var salvage: String?
    @Flag(help: "Print one JSON object.") var json = false

    struct Output: Encodable {
        struct Finding: Encodable {
            var kind: String
            var path: String
            var offset: UInt64
            var message: String
        }
        var log: String
        var intact: Bool
        var segments: Int
        var blocks: Int
        var records: UInt64
        var findings: [Finding]
        var salvagedTo: String?
        var salvagedRecords: UInt64?
        var salvagedBlocks: Int?
        var lostBlocks: Int?
    }

    func run() throws {
        let (report, salvaged): (VerificationReport, SalvageReport?) = try reportingFailures {
            if let salvage {
                let (report, copied) = try LogVerifier.salvage(directory: log, into: salvage)
                return (report, copied)
            }
            return (try LogVerifier.verify(directory: log), nil)
        }
        let output = Output(
            log: log, intact: report.isIntact, segments: report.segments, blocks: report.blocks,
            records: report.records,
            findings: report.findings.map { .init(kind: $0.kind.rawValue, path: $0.path, offset: $0.offset, message: $0.message) },
            salvagedTo: salvage, salvagedRecords: salvaged?.recordsCopied, salvagedBlocks: salvaged?.blocksCopied,
            lostBlocks: salvaged?.blocksLost)
        if json {
            try Terminal.printJSON(output)
        } else {
            for finding in report.findings { print(finding.description) }
            print("\(log): \(report.segments) segments, \(report.blocks) good blocks, \(report.records) records, \(report.findings.count) findings")
            if let salvaged, let salvage {
                print("salvaged \(salvaged.recordsCopied) records in \(salvaged.blocksCopied) blocks to \(salvage); \(salvaged.blocksLost) blocks lost")
            }
        }
        if !report.isIntact { throw ExitCode(ExitStatus.corruptLog.rawValue) }
    }
}
