import Foundation
import Basics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes through Basics' one reader and one writer, with errors as `DataError`s.
enum FileIO {
    /// The whole file, through the one reader; more than `limit` bytes is an error.
    static func readAll(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
        do {
            return try FileContents.read(path, limit: limit)
        } catch {
            switch error.kind {
            case .missing: throw DataError.noSuchFile(path)
            case .isDirectory: throw DataError(file: path, message: "is a directory, not a file")
            case .tooLarge(let limit):
                var tooLarge = DataError(file: path, message: "is larger than the \(NumberText.bytes(limit)) the memory budget leaves")
                tooLarge.memory = MemoryBudgetExceeded(what: path, needed: limit + 1, inUse: 0, limit: limit)
                throw tooLarge
            default: throw DataError(file: path, message: "cannot read: \(error.reason)")
            }
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

    /// Size, inode, and modification and status-change times (to the nanosecond), used to remember which
    /// files were already checksummed. Editing a file changes its ctime even when its mtime is set back.
    static func fingerprint(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return "\(info.st_size):\(info.st_ino):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// Creates `path` and any missing folders above it (through Basics' one way), as a DataError.
    static func makeDirectory(_ path: String) throws {
        do throws(AtomicFile.WriteError) {
            try AtomicFile.createDirectories(path)
        } catch {
            throw DataError(file: path, message: error.reason)
        }
    }

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
