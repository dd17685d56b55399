import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see the old file or the complete new one, never a partial write:
/// the text goes to a temporary file in the same directory, then rename(2) replaces the target.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent()
        // Same directory, so the rename stays on one file system; dot-prefixed so a crash leaves a hidden file.
        let temporary = directory.appendingPathComponent(
            ".\(target.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw TranscriptError.writeFailed(path: path, reason: describe(error))
        }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TranscriptError.writeFailed(path: path, reason: reason)
        }
    }

    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
