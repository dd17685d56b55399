#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum LineReadResult: Sendable, Equatable {
    case line(String)
    /// Ctrl-C at the prompt: the line being typed was discarded.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// Where the REPL gets its lines: readline on a terminal, plain reads otherwise, anything in tests.
public protocol LineSource: AnyObject {
    /// Reads one line (without its newline), showing `prompt` if the source shows prompts.
    func readLine(prompt: String) -> LineReadResult
    /// Interactive sources return to the prompt after Ctrl-C; non-interactive input stops instead,
    /// as a shell script would.
    var isInteractive: Bool { get }
    /// Called once when the REPL stops reading (save state, restore the terminal).
    func close()
}

extension LineSource {
    public func close() {}
}

/// Reads lines from a C stream with no prompt, echo or editing: used when stdin is not a terminal
/// (piped commands, `nnlab < lab.nnl`), and by tests through a pipe.
public final class PlainLineSource: LineSource {
    private let file: UnsafeMutablePointer<FILE>?
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// Reads from `file`; the caller keeps ownership of the stream.
    public init(file: UnsafeMutablePointer<FILE>) {
        self.file = file
    }

    /// Reads standard input. A stream of our own on descriptor 0, because Swift 6 rejects the C global
    /// `stdin` as shared mutable state; nothing else in nnlab reads stdin, so buffers cannot clash.
    public convenience init() {
        self.init(file: fdopen(STDIN_FILENO, "r"))
    }

    private init(file: UnsafeMutablePointer<FILE>?) {
        self.file = file
    }

    deinit { free(buffer) }

    public var isInteractive: Bool { false }

    public func readLine(prompt: String) -> LineReadResult {
        guard let file else { return .endOfInput }
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return .endOfInput }
        var bytes = UnsafeRawBufferPointer(start: buffer, count: count)[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        // Scripts edited on Windows end lines with "\r\n".
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        return .line(String(decoding: bytes, as: UTF8.self))
    }
}
