import ArgumentParser
import EventLog
import Foundation

/// `runledger dev crash-writer LOG`: appends records whose bytes derive from their sequence
/// number and, after each `flush()` returns, prints `acked N` (N = the next sequence number) on
/// stdout. The crash test kills it with SIGKILL at random moments and checks that reopening
/// keeps every acknowledged record.
struct CrashWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-writer", abstract: "Append verifiable records and acknowledge each flush.")

    @Argument var log: String
    @Option var durability: String = "fsync"
    @Option(help: "Records per flush.") var recordsPerFlush: Int = 7
    @Option(help: "Stop after this many records.") var records: Int = 1_000_000

    /// The bytes of record `sequence`: its number and a length that varies with it.
    static func recordBytes(sequence: UInt64) -> [UInt8] {
        var bytes = withUnsafeBytes(of: sequence.littleEndian) { Array($0) }
        for index in 0..<Int(sequence % 41) { bytes.append(UInt8(truncatingIfNeeded: sequence &* 31 &+ UInt64(index))) }
        return bytes
    }

    func run() throws {
        guard let policy = Durability(name: durability) else { throw ValidationError("bad --durability") }
        var options = WriterOptions()
        options.durability = policy
        options.batchBytes = 512
        options.segmentBytes = 8192
        options.monotonicNanoseconds = { DispatchTime.now().uptimeNanoseconds }
        try reportingFailures {
            let writer = try LogWriter(directory: log, options: options)
            FileHandle.standardOutput.write(Data("opened \(writer.nextSequence) dropped \(writer.recovery.droppedBytes)\n".utf8))
            for _ in 0..<records {
                let sequence = writer.nextSequence
                try writer.append(Self.recordBytes(sequence: sequence), timestamp: Int64(sequence / 3))
                if (sequence + 1) % UInt64(recordsPerFlush) == 0 {
                    try writer.flush()
                    FileHandle.standardOutput.write(Data("acked \(writer.nextSequence)\n".utf8))
                }
            }
            try writer.close()
        }
    }
}
