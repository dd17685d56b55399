import Basics
#if canImport(Glibc)
import Glibc
#endif
import Transcript

/// Where command output goes: the terminal (unless silenced) and a capture that becomes the current cell's
/// outputs in a transcript: text, and figures (SVG with the chart's text). Progress redraws and notes
/// (what a download is doing) are terminal-only and never captured.
public final class Console {
    public var echo: Bool
    /// What the current cell showed so far, in order; neighbouring text is kept as one piece.
    public var captured: [CellOutput] { pendingText.isEmpty ? finished : finished + [.text(pendingText)] }
    /// The outputs before the text being written now, which grows in place (appending stays cheap however
    /// much a cell prints).
    private var finished: [CellOutput] = []
    private var pendingText = ""
    public let isTerminal: Bool
    private var transientShown = false
    /// Where echoed output and errors go: the process's stdout and stderr, or a test's buffers.
    private let standardOutput: (String) -> Void
    private let standardError: (String) -> Void

    public init(echo: Bool = true, isTerminal: Bool? = nil,
                standardOutput: @escaping (String) -> Void = { Console.writeAll(STDOUT_FILENO, $0) },
                standardError: @escaping (String) -> Void = { Console.writeAll(STDERR_FILENO, $0) }) {
        self.echo = echo
        self.isTerminal = isTerminal ?? (isatty(STDOUT_FILENO) == 1)
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Control characters that reached here from user input or files are escaped (see `SafeText.forTerminal`);
    /// the colours nnlab draws charts with pass.
    public func write(_ text: String) {
        clearTransient()
        let text = SafeText.forTerminal(text)
        pendingText += text
        if echo { standardOutput(text) }
    }

    public func line(_ text: String = "") { write(text + "\n") }

    /// A multi-line block such as a chart without a figure, always ending with a newline.
    public func chart(_ text: String) { write(text.hasSuffix("\n") ? text : text + "\n") }

    /// A figure: the terminal shows `terminalText` (the chart, in colour where allowed), the capture keeps the
    /// figure itself.
    public func figure(_ figure: Figure, terminalText: String) {
        clearTransient()
        if !pendingText.isEmpty { finished.append(.text(pendingText)) }
        pendingText = ""
        finished.append(.figure(figure))
        if echo, let figureSink {
            figureSink(figure)
            return
        }
        let terminalText = SafeText.forTerminal(terminalText)
        if echo { standardOutput(terminalText.hasSuffix("\n") ? terminalText : terminalText + "\n") }
    }

    /// A message about what is happening (fetching data, converting it), for the person at the terminal:
    /// stderr, never part of a cell's output.
    public func note(_ text: String) {
        clearTransient()
        if echo { standardError(text.hasSuffix("\n") ? text : text + "\n") }
    }

    /// A progress line redrawn in place; shown only on a terminal.
    public func transient(_ text: String) {
        guard echo, isTerminal else { return }
        standardOutput("\r\u{1B}[2K" + text)
        transientShown = true
    }

    public func clearTransient() {
        guard transientShown else { return }
        standardOutput("\r\u{1B}[2K")
        transientShown = false
    }

    /// Lines of the live view on screen now (0: none).
    private var frameLines = 0

    /// Whether a live view can be drawn: an echoing terminal.
    public var showsLiveViews: Bool { echo && isTerminal }

    /// A live view (training's frames): `text` drawn over the previous frame in place, by moving the cursor up
    /// and overwriting each line (no clearing of the screen, so nothing flickers), in one write. Terminal only,
    /// never captured; the caller keeps a frame shorter than the terminal.
    public func redraw(_ text: String) {
        guard showsLiveViews else { return }
        clearTransient()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let shown = lines.last == "" ? Array(lines.dropLast()) : lines
        var out = "\u{1B}[?25l"  // the cursor hidden while frames change
        if frameLines > 0 { out += "\r\u{1B}[\(frameLines)A" }
        for line in shown { out += line + "\u{1B}[K\n" }  // erase what the previous frame left right of the line
        if shown.count < frameLines { out += "\u{1B}[J" }  // a shorter frame: erase the rest
        frameLines = shown.count
        standardOutput(out)
    }

    /// Ends the live view: erases the last frame (so what follows is what a transcript also shows) and gives the
    /// cursor back.
    public func endLiveView() {
        guard frameLines > 0 else { return }
        standardOutput("\r\u{1B}[\(frameLines)A\u{1B}[J\u{1B}[?25h")
        frameLines = 0
    }

    /// Unbuffered write of the whole text (retrying short writes), so stdout and stderr interleave in order.
    public static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
        _ = bytes
    }

    /// Returns and resets what was captured since the last call.
    public func takeCaptured() -> [CellOutput] {
        defer {
            finished = []
            pendingText = ""
        }
        return captured
    }

    /// A front end that shows figures itself (the Jupyter kernel, as display_data) takes them here; the
    /// chart's text is then not written to standard output.
    public var figureSink: ((Figure) -> Void)?

    /// Also receives every error text exactly as rendered, echo or not (tests and embedders read it here).
    public var errorSink: ((String) -> Void)?

    /// Errors go to stderr on the terminal, and to `errorSink`.
    public func error(_ text: String) {
        clearTransient()
        let text = SafeText.forTerminal(text)
        errorSink?(text)
        if echo { standardError(text) }
    }
}
