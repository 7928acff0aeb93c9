import ArgumentParser
import EventLog
import Foundation

/// `runledger log cat LOG`: the records, in order, as text or JSON lines; can follow a live log.
struct LogCatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat", abstract: "Print a log's records in order (JSON lines with --json).")

    @Argument(help: "The log directory.") var log: String
    @Option(name: .customLong("from-seq"), help: "Start at this sequence number.") var fromSequence: UInt64?
    @Option(help: "Start at the first record with this timestamp or later.") var since: Int64?
    @Option(help: "Stop after this many records.") var limit: UInt64?
    @Flag(help: "Keep reading as a writer appends (like tail -f); stop with Ctrl-C.") var follow = false
    @Flag(help: "Print JSON lines.") var json = false

    func validate() throws {
        if fromSequence != nil && since != nil {
            throw ValidationError("--from-seq and --since cannot be combined")
        }
    }

    func run() throws {
        try reportingFailures {
            let reader = try LogReader(directory: log)
            if let fromSequence { try reader.seek(toSequence: fromSequence) }
            if let since { try reader.seek(toTimestamp: since) }
            var output = OutputBuffer()
            var formatter = RecordFormatter(directory: log)
            var printed: UInt64 = 0
            while limit.map({ printed < $0 }) ?? true {
                guard let record = try reader.next() else {
                    guard follow else { break }
                    output.flush()
                    usleep(200_000)
                    continue
                }
                output.write(json ? formatter.jsonLine(record) : formatter.textLine(record))
                printed += 1
            }
            output.flush()
            if case let .torn(path, offset, reason) = reader.tail {
                Terminal.warning("\(path): the log ends inside a block at byte \(offset) (\(reason)); run `runledger log verify`")
            }
        }
    }
}
