import ArgumentParser
import EventLog
import Foundation

/// `runledger demo`: writes a log of synthetic lifecycle-shaped records and prints its `log stat`.
/// The main job until the simulator lands.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Write a demo event log and print `runledger log stat` of it.")

    @Option(help: "Where to write the log (must not exist). Default: demo.rlog in a new temporary directory.")
    var log: String?
    @Option(help: "How many records to write.") var records: Int = 2_000_000
    @Option(help: "Seed of the synthetic records.") var seed: UInt64 = 1
    @Option(help: "Durability: none, flush, fsync or group:MILLIS.") var durability: String = "flush"
    @Flag(help: "Print the statistics as one JSON object.") var json = false

    func validate() throws {
        guard records >= 0 else { throw ValidationError("--records must not be negative") }
        guard Durability(name: durability) != nil else {
            throw ValidationError("--durability must be none, flush, fsync or group:MILLIS, not '\(durability)'")
        }
    }

    func run() throws {
        let path = try log ?? Self.logInNewTemporaryDirectory()
        if FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path) already exists; the demo writes a new log", status: .badInput)
        }
        var options = WriterOptions()
        options.durability = Durability(name: durability)!
        options.monotonicNanoseconds = { DispatchTime.now().uptimeNanoseconds }
        let started = DispatchTime.now().uptimeNanoseconds
        try reportingFailures {
            let writer = try LogWriter(directory: path, options: options)
            var generator = SyntheticRecords(seed: seed)
            for _ in 0..<records {
                try generator.next { bytes, timestamp in _ = try writer.append(bytes, timestamp: timestamp) }
            }
            try writer.close()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        FileHandle.standardError.write(Data("wrote \(records) records to \(path) in \(formatDecimal(seconds, places: 3)) s\n".utf8))
        let stat = try LogStatCommand.parse([path] + (json ? ["--json"] : []))
        try stat.run()
    }

    /// `demo.rlog` in a directory made for this run. A name made of the process id alone could
    /// be left from an earlier process that had the same id, and the demo then refused to run.
    static func logInNewTemporaryDirectory() throws -> String {
        let temporary = NSTemporaryDirectory()
        var template = Array((temporary + "runledger-demo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CommandFailure("cannot create a directory in \(temporary): \(String(cString: strerror(errno)))", status: .badInput)
        }
        return String(cString: made) + "/demo.rlog"
    }
}
