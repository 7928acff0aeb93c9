import ArgumentParser
import Foundation
import Replay
import Traces

/// `runledger trace …`: inspect recorded traces.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace", abstract: "Inspect recorded traces (server logs and RunLedger request traces).",
        subcommands: [TraceStatCommand.self, TraceBenchCommand.self])
}

/// The size of each read; memory stays bounded by this plus the longest line. Small enough that
/// the buffer comes from the heap already paged in (a fresh megabyte costs hundreds of page
/// faults, more than the reads themselves on a small trace).
private let traceReadChunkBytes = 64 << 10

/// A trace file read in chunks, split into lines and imported as it goes. Bad input becomes
/// `file:line: message` and exit status 2.
final class TraceFileSource: TraceItemSource {
    let path: String
    private let handle: FileHandle
    /// One buffer for every read: pages a fresh buffer per chunk would fault in again each time.
    private let buffer: UnsafeMutableRawBufferPointer
    private var splitter = TraceLineSplitter()
    private var importer: TraceImporter
    /// The import's summary, once the whole file is read.
    private(set) var summary: TraceSummary?

    init(path: String, format: TraceFormat?, options: TraceImportOptions) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandFailure("\(path): cannot open", status: .badInput)
        }
        self.path = path
        self.handle = handle
        buffer = .allocate(byteCount: traceReadChunkBytes, alignment: 16)
        importer = TraceImporter(format: format, options: options)
    }

    deinit {
        buffer.deallocate()
        try? handle.close()
    }

    var format: TraceFormat? { importer.format }

    func read(into items: inout [TraceItem]) throws -> Bool {
        guard summary == nil else { return false }
        var count: Int
        repeat {
            count = readBytes(handle.fileDescriptor, buffer.baseAddress, buffer.count)
        } while count < 0 && errno == EINTR
        guard count >= 0 else {
            throw CommandFailure("\(path): \(String(cString: strerror(errno)))", status: .badInput)
        }
        if count == 0 {
            do {
                try splitter.finish { line throws(TraceError) in try importer.feed(line: line, into: &items) }
            } catch { throw report(error) }
            summary = importer.finish(into: &items)
            return false
        }
        let chunk = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
        do {
            try splitter.feed(chunk) { line throws(TraceError) in try importer.feed(line: line, into: &items) }
        } catch { throw report(error) }
        return true
    }

    private func report(_ error: TraceError) -> CommandFailure {
        CommandFailure("\(path):\(error.line):\(error.column.map { "\($0):" } ?? "") \(error.message)", status: .badInput)
    }
}

/// `read(2)`, which the source's own `read(into:)` hides.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// Reads `path` through the importer, handing each batch of items to `consume`.
func importTrace(
    path: String, format: TraceFormat?, options: TraceImportOptions, consume: ([TraceItem]) -> Void
) throws -> TraceSummary {
    let source = try TraceFileSource(path: path, format: format, options: options)
    var items: [TraceItem] = []
    while try source.read(into: &items) {
        consume(items)
        items.removeAll(keepingCapacity: true)
    }
    consume(items)
    return source.summary!
}

/// Parses `--format`.
func traceFormat(_ name: String) throws -> TraceFormat? {
    if name == "auto" { return nil }
    guard let format = TraceFormat(rawValue: name) else {
        throw ValidationError("--format must be auto, langgraph-log or runledger-trace")
    }
    return format
}

/// `runledger trace stat TRACE`: what a trace holds, by kind, and whether every line reads.
struct TraceStatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stat", abstract: "Print a trace's format, lines, items by kind, runs, threads and time span.")

    @Argument(help: "The trace file (a server log or a runledger-trace).") var trace: String
    @Option(help: "auto, langgraph-log or runledger-trace.") var format = "auto"
    @Flag(help: "Count bad lines and go on instead of stopping at the first.") var skipBad = false
    @Flag(help: "Print one JSON object.") var json = false

    struct Output: Encodable {
        var trace: String
        var format: String?
        var lines: Int
        var emptyLines: Int
        var nonJsonLines: Int
        var malformedJsonLines: Int
        var ignoredLines: Int
        var badLines: Int
        var firstBadLines: [String]
        var unknownLineTypes: [String: Int]
        var items: [String: Int]
        var outcomeStatuses: [String: Int]
        var runs: Int
        var threads: Int
        /// Runs and threads are HyperLogLog estimates (more than 65,536 distinct ids).
        var distinctCountsEstimated: Bool
        var slots: Int?
        var firstTimeUs: Int64?
        var lastTimeUs: Int64?
        var spanSeconds: Double?
    }

    func run() throws {
        let summary = try importTrace(
            path: trace, format: try traceFormat(format), options: TraceImportOptions(skipBadLines: skipBad)) { _ in }
        let counts = summary.counts
        let items: [String: Int] = [
            "server": counts.servers, "thread_create": counts.threadCreates, "create": counts.creates,
            "rejected_create": counts.rejectedCreates, "not_found_create": counts.notFoundCreates,
            "cancel": counts.cancels, "bulk_cancel": counts.bulkCancels, "join": counts.joins,
            "delete": counts.deletes, "outcome": counts.outcomes, "thread_outcome": counts.threadOutcomes,
        ]
        var span: Double?
        if let first = summary.firstTime, let last = summary.lastTime {
            span = Double(last.microsecondsSinceEpoch - first.microsecondsSinceEpoch) / 1_000_000
        }
        let output = Output(
            trace: trace, format: summary.format?.rawValue, lines: summary.lines, emptyLines: summary.emptyLines,
            nonJsonLines: summary.nonJSONLines, malformedJsonLines: summary.malformedJSONLines,
            ignoredLines: summary.ignoredLines, badLines: summary.badLines,
            firstBadLines: summary.firstBadLines.map { "\(trace):\($0.line): \($0.message)" },
            unknownLineTypes: Dictionary(uniqueKeysWithValues: summary.unknownLineTypes.map { ($0.type, $0.lines) }),
            items: items,
            outcomeStatuses: Dictionary(uniqueKeysWithValues: summary.outcomeStatuses.map { ($0.status, $0.runs) }),
            runs: summary.runs, threads: summary.threads, distinctCountsEstimated: summary.distinctCountsEstimated,
            slots: summary.slots,
            firstTimeUs: summary.firstTime?.microsecondsSinceEpoch, lastTimeUs: summary.lastTime?.microsecondsSinceEpoch,
            spanSeconds: span)
        if json { return try Terminal.printJSON(output) }
        let estimated = output.distinctCountsEstimated ? " (estimated)" : ""
        var text = """
        trace:          \(trace)
        format:         \(output.format ?? "unknown (no lines)")
        lines:          \(output.lines) (empty \(output.emptyLines), non-JSON \(output.nonJsonLines), \
        malformed JSON \(output.malformedJsonLines), ignored \(output.ignoredLines), bad \(output.badLines))
        runs:           \(output.runs)\(estimated)
        threads:        \(output.threads)\(estimated)
        slots:          \(output.slots.map(String.init) ?? "not stated")
        time span:      \(span.map { formatDecimal($0, places: 3) + " s" } ?? "empty")
        items:
        """
        for (name, count) in items.sorted(by: { $0.key < $1.key }) where count > 0 {
            text += "\n  \(name.padding(toLength: 17, withPad: " ", startingAt: 0)) \(count)"
        }
        if !summary.outcomeStatuses.isEmpty {
            text += "\noutcomes:"
            for entry in summary.outcomeStatuses {
                text += "\n  \(entry.status.padding(toLength: 17, withPad: " ", startingAt: 0)) \(entry.runs)"
            }
        }
        for entry in summary.unknownLineTypes { text += "\nunknown type:   \(entry.type) (\(entry.lines) lines)" }
        for line in output.firstBadLines { text += "\nbad line:       \(line)" }
        print(text)
    }
}

/// `runledger trace bench FILE` (hidden): this module's scanner and importer against Foundation's
/// `JSONDecoder` on the same lines, in MB/s, best of `--rounds`. Run it from a release build:
/// `swift build -c release && .build/release/runledger trace bench traces/real/load_2slots.server.jsonl`.
struct TraceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark the trace parsers against JSONDecoder.", shouldDisplay: false)

    @Argument(help: "A trace file; it is read into memory once, then parsed from memory.") var trace: String
    @Option(help: "Repeat the file's bytes this many times per round.") var copies = 20
    @Option(help: "Rounds; the best is reported.") var rounds = 3

    /// The fields a naive importer would decode from each line.
    struct NaiveLine: Decodable {
        var type: String?
        var event: String?
        var timestamp: String?
        var runId: String?
        var threadId: String?
        var runIds: [String]?
    }

    struct Output: Encodable {
        var trace: String
        var megabytes: Double
        var lines: Int
        var scannerMegabytesPerSecond: Double
        var importerMegabytesPerSecond: Double
        var jsonDecoderMegabytesPerSecond: Double
        var importerSpeedup: Double
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: trace) else {
            throw CommandFailure("\(trace): cannot open", status: .badInput)
        }
        let bytes = [UInt8](data)
        var lines: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<index)
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        let megabytes = Double(bytes.count * copies) / 1_000_000

        func best(_ body: () throws -> Void) rethrows -> Double {
            var fastest = Double.infinity
            for _ in 0..<rounds {
                let begin = DispatchTime.now().uptimeNanoseconds
                try body()
                fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
            }
            return megabytes / fastest
        }

        var valid = 0
        let scanner = best {
            valid = 0
            bytes.withUnsafeBufferPointer { buffer in
                for _ in 0..<copies {
                    for range in lines {
                        do {
                            try JSONLineValidator.validateObject(UnsafeBufferPointer(rebasing: buffer[range]))
                            valid += 1
                        } catch {}
                    }
                }
            }
        }
        var itemCount = 0
        let importer = try best {
            itemCount = 0
            var items: [TraceItem] = []
            try bytes.withUnsafeBufferPointer { buffer in
                for _ in 0..<copies {
                    var importer = TraceImporter(format: nil)
                    for range in lines {
                        try importer.feed(line: UnsafeBufferPointer(rebasing: buffer[range]), into: &items)
                        itemCount += items.count
                        items.removeAll(keepingCapacity: true)
                    }
                    _ = importer.finish(into: &items)
                    itemCount += items.count
                    items.removeAll(keepingCapacity: true)
                }
            }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var decoded = 0
        let foundation = best {
            decoded = 0
            for _ in 0..<copies {
                for range in lines {
                    if (try? decoder.decode(NaiveLine.self, from: Data(bytes[range]))) != nil { decoded += 1 }
                }
            }
        }
        // The three parsers must have read the same lines, or the comparison means nothing.
        if valid != decoded {
            Terminal.warning("scanner accepted \(valid) lines, JSONDecoder \(decoded), importer produced \(itemCount) items")
        }
        try Terminal.printJSON(Output(
            trace: trace, megabytes: (megabytes * 1000).rounded() / 1000, lines: lines.count * copies,
            scannerMegabytesPerSecond: scanner.rounded(), importerMegabytesPerSecond: importer.rounded(),
            jsonDecoderMegabytesPerSecond: foundation.rounded(),
            importerSpeedup: (importer / foundation * 10).rounded() / 10))
    }
}
