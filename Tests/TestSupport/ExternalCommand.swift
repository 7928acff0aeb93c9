import Foundation

/// Runs a program to completion and captures what it printed.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: [UInt8]
    public var standardError: String
    public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
}

public enum ExternalCommand {
    /// Runs `executable` with `arguments`, optionally feeding `input` on standard input.
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8]? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Standard error goes to a file, so a chatty child can never block on a full pipe while
        // we drain standard output.
        let errorFile = TemporaryDirectory("stderr")
        let errorPath = errorFile.child("stderr")
        precondition(FileManager.default.createFile(atPath: errorPath, contents: nil), "cannot create \(errorPath)")
        let errorHandle = FileHandle(forWritingAtPath: errorPath)!
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input))
            try inputPipe.fileHandleForWriting.close()
        }
        let stdoutData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        return CommandResult(status: process.terminationStatus, standardOutput: [UInt8](stdoutData),
                             standardError: String(decoding: TestFiles.read(errorPath), as: UTF8.self))
    }

    /// The absolute path of `name` on PATH, or nil.
    public static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The package root, found from this source file's location.
    public static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// The built `runledger` binary next to the test bundle.
    public static var runledgerBinary: String {
        let bundle = Bundle.main.bundleURL
        for candidate in [bundle.deletingLastPathComponent().appendingPathComponent("runledger"),
                          bundle.appendingPathComponent("runledger")] where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return packageRoot + "/.build/debug/runledger"
    }
}
