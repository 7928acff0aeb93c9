import Foundation

/// A fresh directory under the system's temporary folder, removed when the test drops it.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "runledger") {
        let template = NSTemporaryDirectory() + "/\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        let created = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed for \(template)")
        path = String(cString: created!)
    }

    /// A path inside the directory (not created).
    public func child(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// File helpers for tests that damage logs on purpose.
public enum TestFiles {
    public static func read(_ path: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    public static func write(_ bytes: [UInt8], to path: String) {
        precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
    }

    /// Appends `bytes` to the file at `path` in place (same inode), creating it if needed, as a
    /// writer would: a reader holding the file open sees it grow.
    public static func append(_ bytes: [UInt8], to path: String) {
        if !FileManager.default.fileExists(atPath: path) {
            precondition(FileManager.default.createFile(atPath: path, contents: nil), "cannot create \(path)")
        }
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        handle.closeFile()
    }

    public static func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Copies every file of `source` into a new directory `destination`.
    public static func copyDirectory(_ source: String, to destination: String) {
        try? FileManager.default.removeItem(atPath: destination)
        try! FileManager.default.copyItem(atPath: source, toPath: destination)
    }
}
