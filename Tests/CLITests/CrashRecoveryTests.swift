import EventLog
import Foundation
import Testing
import TestSupport

/// A real child process appending under `fsync` is killed with SIGKILL at random moments; the log
/// is then reopened for append (never failing) and must hold every record whose append and flush
/// the child acknowledged, byte for byte, in order. 50 kills over 5 logs (each log is killed 10
/// times in a row, so recovery also runs on logs that were recovered before).
/// Reproduce one seed with: RUNLEDGER_CRASH_SEED=N swift test --filter CrashRecoveryTests
@Test func killedWriterKeepsEveryAcknowledgedRecord() throws {
    let binary = ExternalCommand.runledgerBinary
    let seed = UInt64(ProcessInfo.processInfo.environment["RUNLEDGER_CRASH_SEED"] ?? "") ?? 20_261_121
    print("crash test seed \(seed)")
    var random = TestRandom(seed: seed)
    var killsAfterAnAcknowledgement = 0
    for logNumber in 0..<5 {
        let directory = TemporaryDirectory("crash")
        let log = directory.child("log")
        var acknowledged: UInt64 = 0
        for trial in 0..<10 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["dev", "crash-writer", log, "--durability", "fsync", "--records-per-flush", String(1 + random.next() % 9)]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Let the child acknowledge a random number of flushes (0 to 20: 0 kills it while it
            // opens or recovers), then kill it a random moment later, so the kills land among
            // appends however fast or slow the machine is. Bounded: never waits past 20 s.
            let wantedAcknowledgements = Int(random.next() % 21)
            var opened = Data()
            let deadline = Date().addingTimeInterval(20)
            while wantedAcknowledgements > 0, Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                opened += chunk
                let acks = String(decoding: opened, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("acked ") }.count
                if acks >= wantedAcknowledgements { break }
            }
            usleep(UInt32(random.next() % 3_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let lines = String(decoding: opened + output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n")
            if ProcessInfo.processInfo.environment["RUNLEDGER_CRASH_DEBUG"] != nil { print(logNumber, trial, lines.count, lines.last ?? "") }
            if lines.contains(where: { $0.hasPrefix("acked ") }) { killsAfterAnAcknowledgement += 1 }
            for line in lines where line.hasPrefix("acked ") {
                acknowledged = max(acknowledged, UInt64(line.dropFirst(6))!)
            }
            let context = "seed \(seed), log \(logNumber), kill \(trial)"
            let reader = try LogReader(directory: log)
            var sequence: UInt64 = 0
            while let record = try reader.next() {
                #expect(record.sequence == sequence, "\(context)")
                #expect(Array(record.bytes) == crashWriterRecord(sequence: sequence), "\(context): record \(sequence) differs")
                sequence += 1
            }
            #expect(sequence >= acknowledged, "\(context): \(acknowledged) acknowledged, \(sequence) kept")
            let writer = try LogWriter(directory: log)
            #expect(writer.nextSequence == sequence, "\(context)")
            try writer.close()
        }
    }
    // Guard against a test that proves nothing: most kills must land after some flushes.
    #expect(killsAfterAnAcknowledgement >= 25, "only \(killsAfterAnAcknowledgement) of 50 kills came after a flush")
}

/// The bytes `runledger dev crash-writer` appends as record `sequence` (kept in step with
/// `CrashWriterCommand.recordBytes`).
func crashWriterRecord(sequence: UInt64) -> [UInt8] {
    var bytes = withUnsafeBytes(of: sequence.littleEndian) { Array($0) }
    for index in 0..<Int(sequence % 41) { bytes.append(UInt8(truncatingIfNeeded: sequence &* 31 &+ UInt64(index))) }
    return bytes
}
