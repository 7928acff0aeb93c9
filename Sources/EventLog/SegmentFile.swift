#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open file of the log, through plain POSIX calls so that every failure carries its errno
/// and path, and nothing is buffered behind our back.
final class SegmentFile {
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    static func openForReading(_ path: String) throws -> SegmentFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw EventLogError.io(path: path, operation: "open", errno: errno) }
        return SegmentFile(path: path, descriptor: descriptor)
    }

    static func openForWriting(_ path: String, create: Bool) throws -> SegmentFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else { throw EventLogError.io(path: path, operation: "open", errno: errno) }
        return SegmentFile(path: path, descriptor: descriptor)
    }

    func size() throws -> UInt64 {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw EventLogError.io(path: path, operation: "fstat", errno: errno) }
        return UInt64(status.st_size)
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer: [UInt8] = []
        try read(at: offset, count: count, into: &buffer)
        return buffer
    }

    /// Replaces `buffer` with up to `count` bytes from `offset` (fewer only at the end of the
    /// file), reusing its storage: reading block after block then allocates and clears nothing.
    func read(at offset: UInt64, count: Int, into buffer: inout [UInt8]) throws {
        guard count > 0 else { buffer.removeAll(keepingCapacity: true); return }
        buffer.resizeWithoutClearing(to: count)
        let filled = try buffer.withUnsafeMutableBytes { raw -> Int in
            var filled = 0
            while filled < count {
                let result = pread(descriptor, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw EventLogError.io(path: path, operation: "read", errno: errno)
                }
                if result == 0 { break }
                filled += result
            }
            return filled
        }
        if filled < count { buffer.removeLast(count - filled) }
    }

    func write(_ bytes: [UInt8], at offset: UInt64) throws {
        try bytes.withUnsafeBytes { raw in try write(raw, at: offset) }
    }

    func write(_ raw: UnsafeRawBufferPointer, at offset: UInt64) throws {
        var written = 0
        while written < raw.count {
            let result = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(offset) + off_t(written))
            if result < 0 {
                if errno == EINTR { continue }
                throw EventLogError.io(path: path, operation: "write", errno: errno)
            }
            written += result
        }
    }

    func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw EventLogError.io(path: path, operation: "fsync", errno: errno) }
    }

    func truncate(to length: UInt64) throws {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw EventLogError.io(path: path, operation: "truncate", errno: errno)
        }
    }
}

/// The directory that holds a log: listing segments, creating it, syncing it, and the lock.
enum LogDirectory {
    static func segmentPath(_ directory: String, firstSequence: UInt64) -> String {
        directory + "/" + LogFormat.segmentFileName(firstSequence: firstSequence)
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    static func create(_ path: String) throws {
        if exists(path) { return }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw EventLogError.io(path: path, operation: "mkdir", errno: errno)
        }
    }

    /// The segments' first sequence numbers, ascending. Other files are ignored.
    static func segmentSequences(_ path: String) throws -> [UInt64] {
        guard let stream = opendir(path) else {
            if errno == ENOENT || errno == ENOTDIR {
                throw EventLogError.notALog(path: path, reason: "no such directory")
            }
            throw EventLogError.io(path: path, operation: "opendir", errno: errno)
        }
        defer { closedir(stream) }
        var sequences: [UInt64] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let sequence = LogFormat.firstSequence(ofSegmentFileName: name) { sequences.append(sequence) }
        }
        return sequences.sorted()
    }

    /// Makes a new segment's directory entry durable.
    static func synchronize(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw EventLogError.io(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw EventLogError.io(path: path, operation: "fsync", errno: errno) }
    }
}

/// The single-writer lock: an exclusive `flock` on `LOCK`, held while the writer is open. A
/// crashed writer's lock goes away with its process, so recovery never needs a manual unlock.
final class WriterLock {
    private let descriptor: Int32

    init(directory: String) throws {
        let path = directory + "/" + LogFormat.lockFileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw EventLogError.io(path: path, operation: "open", errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw EventLogError.locked(path: directory) }
            throw EventLogError.io(path: path, operation: "flock", errno: code)
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
