@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// readline's callbacks are C function pointers that cannot capture context, so what they need lives in
// globals. Only the main thread touches them, and only inside `ReadlineLineSource.readLine`.
nonisolated(unsafe) private var completionEvaluator: LineEvaluator?
nonisolated(unsafe) private var completionCandidates: [String] = []
nonisolated(unsafe) private var completionNextIndex = 0
nonisolated(unsafe) private var receivedLine: LineReadResult?

/// Called by readline when a line is complete (nil on Ctrl-D at an empty line). Removing the handler
/// here restores the terminal, so the command runs in normal (cooked) mode.
private let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
    if let line {
        receivedLine = .line(String(cString: line))
        free(line)
    } else {
        receivedLine = .endOfInput
    }
    rl_callback_handler_remove()
}

/// Asks the evaluator for words; with none, readline falls back to file-name completion.
private let attemptCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, end in
    guard let text else { return nil }
    let word = String(cString: text)
    var line = ""
    if let buffer = rl_line_buffer, end > 0 {
        line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(end)), as: UTF8.self)
    }
    let candidates = completionEvaluator?.completions(line: line, word: word) ?? []
    var seen = Set<String>()
    completionCandidates = candidates.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    completionNextIndex = 0
    guard !completionCandidates.isEmpty else {
        rl_attempted_completion_over = 0
        return nil
    }
    rl_attempted_completion_over = 1
    // "epochs=" and "data/" continue the same word: no space after them.
    if completionCandidates.allSatisfy({ $0.hasSuffix("=") || $0.hasSuffix("/") }) {
        rl_completion_append_character = 0
    }
    return rl_completion_matches(text, nextCompletion)
}

/// readline's generator protocol: state 0 restarts; each call returns a malloc'ed match readline frees.
private let nextCompletion: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    if state == 0 { completionNextIndex = 0 }
    guard completionNextIndex < completionCandidates.count else { return nil }
    defer { completionNextIndex += 1 }
    return strdup(completionCandidates[completionNextIndex])
}

/// GNU readline on a terminal: line editing, persistent history, tab completion from the evaluator.
///
/// Uses readline's callback interface: we wait for input in `pselect` with SIGINT unblocked only there, so
/// a Ctrl-C always wakes the wait (no race with the flag check) and readline never handles signals itself
/// (`rl_catch_signals = 0`): the line is discarded and a fresh prompt shown.
public final class ReadlineLineSource: LineSource {
    private let history: CommandHistory
    private var reportedHistoryError = false

    public init(evaluator: LineEvaluator, config: REPLConfig) {
        history = CommandHistory(path: config.historyFile, limit: config.historyLimit)
        completionEvaluator = evaluator
        rl_readline_name = UnsafePointer(strdup("nnlab"))  // for `$if nnlab` in ~/.inputrc
        rl_catch_signals = 0
        rl_attempted_completion_function = attemptCompletion
        // Break words at DSL punctuation too, so `act=re<Tab>` and `[relu, sig<Tab>` complete the value.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"'=[](),;"))
        rl_completer_quote_characters = UnsafePointer(strdup("\"'"))
        do {
            try history.load()
        } catch {
            reportHistoryError(error)
        }
    }

    public var isInteractive: Bool { true }

    public func readLine(prompt: String) -> LineReadResult {
        receivedLine = nil
        var interruptOnly = sigset_t()
        var unblocked = sigset_t()
        sigemptyset(&interruptOnly)
        sigaddset(&interruptOnly, SIGINT)
        sigprocmask(SIG_BLOCK, &interruptOnly, &unblocked)
        defer { sigprocmask(SIG_SETMASK, &unblocked, nil) }

        rl_callback_handler_install(prompt, lineHandler)
        while true {
            if Interrupt.isRequested {
                Interrupt.clear()
                discardLine()
                return .interrupted
            }
            var readable = FileDescriptorSet(containing: STDIN_FILENO)
            if pselect(STDIN_FILENO + 1, &readable.set, nil, nil, nil, &unblocked) < 0 {
                if errno == EINTR {
                    rl_check_signals()  // a window resize readline noticed
                    continue
                }
                rl_callback_handler_remove()
                return .endOfInput
            }
            rl_callback_read_char()
            if let result = receivedLine {
                if case .line(let line) = result { record(line) }
                if result == .endOfInput && !readlineEndedLine() { print() }  // Ctrl-D: end the prompt line
                return result
            }
        }
    }

    public func close() {
        history.close()
        completionEvaluator = nil
    }

    /// Ctrl-C at the prompt: end any search or macro, leave the typed text visible followed by ^C
    /// (as bash does), then drop it and move to a new line.
    private func discardLine() {
        rl_free_line_state()
        rl_callback_sigcleanup()
        // Redraw with the cursor at the end, so ^C lands after the text (after Ctrl-R the screen
        // still shows the search prompt until redrawn).
        rl_point = rl_end
        rl_redisplay()
        rl_echo_signal_char(SIGINT)
        rl_replace_line("", 0)
        rl_callback_handler_remove()
        print()
    }

    /// With bracketed paste on, readline itself prints a newline when it restores the terminal after EOF.
    private func readlineEndedLine() -> Bool {
        guard let value = rl_variable_value("enable-bracketed-paste") else { return false }
        return String(cString: value) == "on"
    }

    private func record(_ line: String) {
        do {
            try history.record(line)
        } catch {
            reportHistoryError(error)
        }
    }

    /// History problems are worth one warning, not an error per line.
    private func reportHistoryError(_ error: Error) {
        guard !reportedHistoryError else { return }
        reportedHistoryError = true
        fputs("nnlab: warning: \(error)\n", stderr)
    }
}

/// An fd_set holding one descriptor; the FD_SET macro is not imported into Swift.
private struct FileDescriptorSet {
    var set = fd_set()

    init(containing descriptor: Int32) {
        let bitsPerWord = Int.bitWidth
        withUnsafeMutableBytes(of: &set) { bytes in
            let words = bytes.bindMemory(to: Int.self)
            let index = Int(descriptor) / bitsPerWord
            if index < words.count { words[index] |= 1 << (Int(descriptor) % bitsPerWord) }
        }
    }
}
