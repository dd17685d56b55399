import Foundation
import Basics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes on POSIX calls: Foundation's `Data` round trip would copy
/// 50 MB image files one extra time, and we want errno-precise messages.
enum FileIO {
    static func readAll(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw DataError.noSuchFile(path) }
            throw DataError(file: path, message: "cannot open: \(errnoText(code))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw DataError(file: path, message: "cannot read: \(errnoText(errno))")
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw DataError(file: path, message: "is a directory, not a file") }
        if kind == S_IFREG {
            return try readRegular(descriptor, size: Int(info.st_size), path: path)
        }
        return try readStream(descriptor, path: path)
    }

    /// A regular file: allocate exactly its size once, without zero-filling.
    private static func readRegular(_ descriptor: Int32, size: Int, path: String) throws -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var filled = 0
            while filled < size, let base = buffer.baseAddress {
                let got = read(descriptor, base + filled, min(size - filled, 1 << 30))
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
        if failure != 0 { throw DataError(file: path, message: "cannot read: \(errnoText(failure))") }
        return bytes
    }

    /// Pipes and devices report no useful size: read in chunks until end of file.
    private static func readStream(_ descriptor: Int32, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw DataError(file: path, message: "cannot read: \(errnoText(errno))")
            }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<got])
        }
    }

    /// Writes through the one atomic writer (temporary file, fsync, rename, fsync of the folder), so
    /// readers never see a half-written file (an interrupted fetch leaves no truncated data behind).
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw DataError(file: path, message: "cannot write: \(error.reason)")
        }
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size and modification time, used to remember which files were already checksummed.
    static func fingerprint(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber,
              let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return "\(size.int64Value):\(modified.timeIntervalSince1970)"
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DataError(file: path, message: "cannot create directory: \(error.localizedDescription)")
        }
    }

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
