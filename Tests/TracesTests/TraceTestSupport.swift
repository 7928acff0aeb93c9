import Foundation
import RunLifecycle
import TestSupport
import Traces

/// The real recordings shipped in `traces/real/`.
enum RealRecordings {
    static let directory = ExternalCommand.packageRoot + "/traces/real"

    /// Every recording name (the stem shared by `<name>.trace.jsonl` and `<name>.server.jsonl`).
    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".trace.jsonl") }.map { String($0.dropLast(".trace.jsonl".count)) }.sorted()
    }

    static func bytes(_ name: String, _ suffix: String) -> [UInt8] {
        TestFiles.read(directory + "/" + name + suffix)
    }
}

/// The result of importing a whole byte string.
struct Imported {
    var items: [TraceItem]
    var summary: TraceSummary

    var creates: [TraceCreate] { items.compactMap { if case .request(.create(let c)) = $0 { c } else { nil } } }
    var outcomes: [TraceOutcome] { items.compactMap { if case .outcome(let o) = $0 { o } else { nil } } }
    var requests: [TraceRequest] { items.compactMap { if case .request(let r) = $0 { r } else { nil } } }
}

/// Imports `bytes` through the line splitter, cutting them into chunks of the sizes `chunkSizes`
/// draws (the whole input at once when nil).
func importBytes(
    _ bytes: [UInt8], format: TraceFormat? = nil, options: TraceImportOptions = TraceImportOptions(),
    maximumLineBytes: Int = TraceLineSplitter.defaultMaximumLineBytes, chunkSizes: (() -> Int)? = nil
) throws(TraceError) -> Imported {
    var importer = TraceImporter(format: format, options: options)
    var splitter = TraceLineSplitter(maximumLineBytes: maximumLineBytes)
    var items: [TraceItem] = []
    var start = 0
    while start < bytes.count {
        let size = min(bytes.count - start, max(1, chunkSizes?() ?? bytes.count))
        let chunk = Array(bytes[start..<(start + size)])
        let result: Result<Void, TraceError> = chunk.withUnsafeBufferPointer { buffer in
            Result { () throws(TraceError) in
                try splitter.feed(buffer) { line throws(TraceError) in try importer.feed(line: line, into: &items) }
            }
        }
        try result.get()
        start += size
    }
    try splitter.finish { line throws(TraceError) in try importer.feed(line: line, into: &items) }
    let summary = importer.finish(into: &items)
    return Imported(items: items, summary: summary)
}

func importText(
    _ text: String, format: TraceFormat? = nil, options: TraceImportOptions = TraceImportOptions()
) throws(TraceError) -> Imported {
    try importBytes(Array(text.utf8), format: format, options: options)
}
