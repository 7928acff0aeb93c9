import EventLog
import Foundation
import Testing
import TestSupport

/// The `runledger log` commands against the built binary: their output, their JSON, and the exit
/// statuses of PRODUCT.md (0 ok, 2 bad usage or input, 3 corrupt or unreadable log).
@Suite struct LogCommandTests {
    let binary = ExternalCommand.runledgerBinary

    func run(_ arguments: [String]) throws -> CommandResult {
        try ExternalCommand.run(binary, arguments)
    }

    func writeLog(_ path: String, records: Int) throws {
        var options = WriterOptions()
        options.batchBytes = 1000
        options.segmentBytes = 1000
        let writer = try LogWriter(directory: path, options: options)
        for index in 0..<records { try writer.append(Array("record \(index)".utf8), timestamp: Int64(index * 10)) }
        try writer.close()
    }

    /// `log stat --json` prints one object with the counts and the time range.
    @Test func statReportsCountsAndRange() throws {
        let directory = TemporaryDirectory("cli-stat")
        try writeLog(directory.child("log"), records: 500)
        let result = try run(["log", "stat", directory.child("log"), "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as! [String: Any]
        #expect(object["records"] as? Int == 500)
        #expect((object["segments"] as? Int ?? 0) > 1)
        #expect(object["first_timestamp"] as? Int == 0)
        #expect(object["last_timestamp"] as? Int == 4990)
        #expect((object["compression_ratio"] as? Double ?? 0) > 0)
    }

    /// `log cat --json --from-seq` prints JSON lines from that record on; `--since` starts at a time.
    @Test func catPrintsRecordsFromASequenceOrTime() throws {
        let directory = TemporaryDirectory("cli-cat")
        try writeLog(directory.child("log"), records: 300)
        let result = try run(["log", "cat", directory.child("log"), "--json", "--from-seq", "250"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.outputText.split(separator: "\n")
        #expect(lines.count == 50)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["seq"] as? Int == 250)
        #expect(Data(base64Encoded: first["base64"] as! String) == Data("record 250".utf8))
        let since = try run(["log", "cat", directory.child("log"), "--since", "2950"])
        #expect(since.outputText.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["295", "296", "297", "298", "299"])
    }

    /// `log verify` exits 0 on an intact log and 3 with one line per finding on a damaged one;
    /// `--salvage` writes the readable blocks to a new log.
    @Test func verifyExitsThreeOnDamageAndSalvages() throws {
        let directory = TemporaryDirectory("cli-verify")
        let log = directory.child("log")
        try writeLog(log, records: 400)
        #expect(try run(["log", "verify", log]).status == 0)
        let segment = log + "/" + TestFiles.list(log).first { $0.hasSuffix(".rlseg") }!
        var bytes = TestFiles.read(segment)
        bytes[200] ^= 0x40
        TestFiles.write(bytes, to: segment)
        let result = try run(["log", "verify", log, "--json", "--salvage", directory.child("saved")])
        #expect(result.status == 3)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as! [String: Any]
        #expect(object["intact"] as? Bool == false)
        #expect((object["findings"] as? [Any])?.isEmpty == false)
        #expect((object["salvaged_records"] as? Int ?? 0) > 250)
        #expect(try run(["log", "verify", directory.child("saved")]).status == 0)
        let cat = try run(["log", "cat", log])
        #expect(cat.status == 3)
        #expect(cat.standardError.contains(segment) && cat.standardError.contains("corrupt at byte"))
    }

    /// Bad usage and missing logs give one clear line and the documented status.
    @Test func badInputGivesOneLineAndTheRightStatus() throws {
        let missing = try run(["log", "stat", "/nonexistent/runledger-log"])
        #expect(missing.status == 3)
        #expect(missing.standardError.contains("/nonexistent/runledger-log"))
        #expect(missing.standardError.split(separator: "\n").count == 1)
        let usage = try run(["log", "cat"])
        #expect(usage.status == 2)
        let conflicting = try run(["log", "cat", "x", "--from-seq", "1", "--since", "2"])
        #expect(conflicting.status == 2)
    }

    /// The demo writes a new log and prints its statistics; it refuses to overwrite a path.
    @Test func demoWritesALogAndPrintsItsStatistics() throws {
        let directory = TemporaryDirectory("cli-demo")
        let result = try run(["demo", "--log", directory.child("demo"), "--records", "5000", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput)) as! [String: Any]
        #expect(object["records"] as? Int == 5000)
        let again = try run(["demo", "--log", directory.child("demo"), "--records", "10"])
        #expect(again.status == 2)
    }

    /// Without `--log`, each run writes to a directory of its own (a name from the process id
    /// alone could be left over from an earlier process and make the demo refuse to run).
    @Test func demoWithoutALogPathWritesEachRunToANewDirectory() throws {
        var paths: [String] = []
        for _ in 0..<2 {
            let result = try run(["demo", "--records", "10"])
            #expect(result.status == 0, "\(result.standardError)")
            let wrote = result.standardError.split(separator: "\n").first { $0.hasPrefix("wrote 10 records to ") }
            let path = try #require(wrote.map { String($0.dropFirst("wrote 10 records to ".count).prefix { $0 != " " }) })
            #expect(path.hasSuffix("/demo.rlog"))
            #expect(FileManager.default.fileExists(atPath: path))
            paths.append(path)
        }
        #expect(paths[0] != paths[1])
        for path in paths { try FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    }
}
