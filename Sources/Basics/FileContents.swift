#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way nnlab reads a whole file (scripts, data sets, models, notebooks): POSIX calls, so a failure says
/// why in the operating system's words, a folder or a device given for a file says so, and a pipe that does not
/// end or a file larger than the caller can hold is an error before memory runs out.
public enum FileContents {
    /// Why a file could not be read, for the caller to render with the name it knows the file by.
    public struct ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Kind: Equatable, Sendable {
            case missing, isDirectory, isDevice, tooLarge(limit: Int), system(SystemError)
        }
        public var path: String
        public var kind: Kind
        /// The reason alone: "no such file", "it is a directory, not a file", "Permission denied".
        public var reason: String {
            switch kind {
            case .missing: return "no such file"
            case .isDirectory: return "it is a directory, not a file"
            case .isDevice: return "it is a device, not a file"
            case .tooLarge(let limit): return "it is larger than \(limit) bytes, the most that can be read here"
            case .system(let error): return error.description
            }
        }
        public var description: String { "cannot read '\(SafeText.escaped(path))': \(reason)" }
    }

    /// The whole file; more than `limit` bytes is an error (before allocating, for a regular file).
    public static func read(_ path: String, limit: Int = Int.max) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw ReadError(path: path, kind: .missing) }
            throw ReadError(path: path, kind: .system(SystemError(code)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ReadError(path: path, kind: .system(.last)) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw ReadError(path: path, kind: .isDirectory) }
        // /dev/zero or /dev/urandom never end, /dev/tty waits for typing: not data. (Pipes are read, to the limit.)
        if kind == S_IFCHR || kind == S_IFBLK { throw ReadError(path: path, kind: .isDevice) }
        if kind == S_IFREG {
            if Int(info.st_size) > limit { throw ReadError(path: path, kind: .tooLarge(limit: limit)) }
            return try readRegular(descriptor, size: Int(info.st_size), path: path)
        }
        return try readStream(descriptor, path: path, limit: limit)
    }

    /// A regular file: allocate exactly its size once, without zero-filling.
    private static func readRegular(_ descriptor: Int32, size: Int, path: String) throws(ReadError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var filled = 0
            while filled < size, let base = buffer.baseAddress {
                let got = Glibc.read(descriptor, base + filled, min(size - filled, 1 << 30))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }  // the file shrank while we read it; keep what we have
                filled += got
            }
            initialized = filled
        }
        if failure != 0 { throw ReadError(path: path, kind: .system(SystemError(failure))) }
        return bytes
    }

    /// Pipes and devices report no useful size: read in chunks until end of file, or the limit.
    private static func readStream(_ descriptor: Int32, path: String, limit: Int) throws(ReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, kind: .system(.last))
            }
            if got == 0 { return bytes }
            if bytes.count + got > limit { throw ReadError(path: path, kind: .tooLarge(limit: limit)) }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// Whether `path` names a folder (for messages such as "a folder, not a script").
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
