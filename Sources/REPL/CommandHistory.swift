@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Persistent command history on top of readline's (process-wide) history list. Each accepted line is
/// appended to the file at once, so a crash loses nothing and two sessions interleave like bash's
/// `histappend`; the file is trimmed to `limit` entries when loaded and when closed.
public final class CommandHistory {
    public struct FileError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String
        public var description: String { "cannot use history file '\(path)': \(reason)" }
    }

    public let path: String?
    public let limit: Int

    public init(path: String?, limit: Int = 1000) {
        self.path = path
        self.limit = max(1, limit)
    }

    /// Blank lines and immediate repeats stay out of history, as in bash's `ignoreboth`.
    public static func shouldRecord(_ line: String, previous: String?) -> Bool {
        guard line.contains(where: { !$0.isWhitespace }) else { return false }
        return line != previous
    }

    /// Loads the history file into memory (a missing file is an empty history) and trims the file.
    public func load() throws {
        using_history()
        stifle_history(Int32(clamping: limit))
        guard let path else { return }
        let status = read_history(path)
        if status == ENOENT { return }
        if status != 0 { throw FileError(path: path, reason: String(cString: strerror(status))) }
        _ = history_truncate_file(path, Int32(clamping: limit))
    }

    /// Adds `line` unless it is blank or repeats the previous entry, and appends it to the file.
    /// Returns whether it was added.
    @discardableResult
    public func record(_ line: String) throws -> Bool {
        guard Self.shouldRecord(line, previous: entries.last) else { return false }
        add_history(line)
        guard let path else { return true }
        try createPrivateFileIfMissing(path)
        let status = append_history(1, path)
        if status != 0 { throw FileError(path: path, reason: String(cString: strerror(status))) }
        return true
    }

    /// Trims the file to the newest `limit` entries.
    public func close() {
        guard let path else { return }
        _ = history_truncate_file(path, Int32(clamping: limit))
    }

    /// The in-memory history, oldest first.
    public var entries: [String] {
        (0..<Int(history_length)).compactMap { offset in
            guard let entry = history_get(history_base + Int32(offset)), let text = entry.pointee.line else {
                return nil
            }
            return String(cString: text)
        }
    }

    /// Empties the in-memory history (readline keeps one list per process).
    public func clearMemory() {
        clear_history()
    }

    /// append_history does not create the file; history may hold secrets typed by mistake, so 0600.
    private func createPrivateFileIfMissing(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if descriptor < 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        closeDescriptor(descriptor)
    }
}

/// A free function, because inside CommandHistory `close` names its own method.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
