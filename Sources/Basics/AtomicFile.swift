#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way nnlab writes a file it must never leave half-written (models, transcripts, figures, data
/// caches): readers see the old file or the complete new one. The bytes go to a temporary file in the same
/// directory (so the rename stays on one file system), which is flushed to disk, renamed over the target,
/// and then the directory itself is flushed, so the rename survives a power cut too.
public enum AtomicFile {
    /// Why a write failed, for the caller to render with the path it knows the user by.
    public struct WriteError: Error, Equatable, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = parent(of: path)
        if let problem = directoryProblem(directory) { throw WriteError(path: path, reason: problem) }
        if isDirectory(path) { throw WriteError(path: path, reason: "it is a directory") }
        if let special = specialFile(path) { throw WriteError(path: path, reason: special) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        // Dot-prefixed: a crash between create and rename leaves a hidden file, never a truncated target.
        let temporary = (directory == "." && !path.hasPrefix("./") ? "" : directory + "/")
            + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: SystemError.last.description) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count, let base = buffer.baseAddress {
                let put = Glibc.write(descriptor, base + written, min(buffer.count - written, 1 << 30))
                if put < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += put
            }
        }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw WriteError(path: path, reason: SystemError(failure).description)
        }
        // The rename is durable once the directory entry is on disk; a failure here changes nothing visible.
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Creates `path` and the folders above it that are missing (mkdir -p), with errors in the operating system's
    /// words (Foundation's would say "NSCocoaErrorDomain error 512").
    public static func createDirectories(_ path: String) throws(WriteError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if isDirectory(prefix) { continue }
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw WriteError(path: path, reason: "cannot create the folder \(prefix): \(SystemError.last)")
            }
            if !isDirectory(prefix) {
                throw WriteError(path: path, reason: "cannot create the folder \(path): \(prefix) is a file, not a folder")
            }
        }
    }

    /// Why a file could not be created in `directory`, before anything is written; nil when it can.
    /// (`--transcript` checks this before a script runs, so a typo in the path does not cost the run.)
    public static func directoryProblem(_ directory: String) -> String? {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            return errno == ENOENT ? "the folder '\(directory)' does not exist" : SystemError.last.description
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return "'\(directory)' is not a folder" }
        guard access(directory, W_OK | X_OK) == 0 else {
            return "the folder '\(directory)' is not writable (\(SystemError.last))"
        }
        return nil
    }

    /// Why `path` could not be written atomically, checked without writing anything; nil when it can.
    public static func writeProblem(_ path: String) -> String? {
        if isDirectory(path) { return "it is a directory" }
        if let special = specialFile(path) { return special }
        return directoryProblem(parent(of: path))
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let head = path[..<slash]
        return head.isEmpty ? "/" : String(head)
    }

    /// A device, pipe or socket at `path`: renaming a file over it would replace it (as root, /dev/null itself).
    static func specialFile(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFCHR, S_IFBLK: return "it is a device, not a file"
        case S_IFIFO: return "it is a pipe, not a file"
        case S_IFSOCK: return "it is a socket, not a file"
        default: return nil
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
