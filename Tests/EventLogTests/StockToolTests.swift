import EventLog
import Testing
import TestSupport

/// Each segment is a sequence of standard LZ4 frames and skippable frames, so the stock `lz4`
/// command decompresses it to exactly the concatenated records it holds.
@Test(.enabled(if: ExternalCommand.which("lz4") != nil, "needs the lz4 command (Tools/ensure-deps installs it)"))
func stockLz4DecompressesASegmentToTheRecords() throws {
    let directory = TemporaryDirectory("stock")
    let records = LogFixtures.randomRecords(seed: 3, count: 200, maxBytes: 300)
    var options = WriterOptions()
    options.batchBytes = 2000
    options.segmentBytes = 16 << 10
    try LogFixtures.write(records, to: directory.path, options: options)
    let segments = LogFixtures.segments(directory.path)
    #expect(segments.count >= 2)
    let reader = try LogReader(directory: directory.path)
    var expectedPerSegment: [[UInt8]] = Array(repeating: [], count: segments.count)
    let firsts = segments.map { LogFormat.firstSequence(ofSegmentFileName: String($0.split(separator: "/").last!))! }
    while let record = try reader.next() {
        let segment = firsts.lastIndex { $0 <= record.sequence }!
        expectedPerSegment[segment] += Array(record.bytes)
    }
    for (path, expected) in zip(segments, expectedPerSegment) {
        let result = try ExternalCommand.run(ExternalCommand.which("lz4")!, ["-dc", path])
        #expect(result.status == 0, "lz4 -dc \(path): \(result.standardError)")
        #expect(result.standardOutput == expected)
    }
}
