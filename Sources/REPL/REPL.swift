#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read-evaluate loop: reads lines, accumulates them while the evaluator needs more input, and
/// handles Ctrl-C (discard the line at the prompt; stop a running command).
public enum REPL {
    /// Exit code after Ctrl-C stopped non-interactive input (128 + SIGINT, as shells report it).
    public static let interruptedExitCode: Int32 = 130
    /// Exit code after SIGTERM, at the prompt or in a command (128 + SIGTERM).
    public static let terminatedExitCode: Int32 = 143

    /// Runs on stdin: readline with history and completion when stdin is a terminal, plain reads otherwise.
    public static func run(_ evaluator: LineEvaluator, config: REPLConfig) -> Int32 {
        let source: LineSource
        if isatty(STDIN_FILENO) != 0 {
            source = ReadlineLineSource(evaluator: evaluator, config: config)
        } else {
            source = PlainLineSource()
        }
        return run(evaluator, config: config, source: source)
    }

    /// Runs the loop on any line source (tests inject one).
    public static func run(_ evaluator: LineEvaluator, config: REPLConfig, source: LineSource) -> Int32 {
        Interrupt.install()
        Interrupt.clear()
        defer { source.close() }
        if source.isInteractive, let banner = config.banner {
            print(banner)
        }
        var pending: [String] = []
        while !evaluator.isFinished {
            let prompt = pending.isEmpty ? config.prompt : config.continuationPrompt
            switch source.readLine(prompt: prompt) {
            case .endOfInput:
                if !pending.isEmpty { evaluator.inputEnded(pending: pending.joined(separator: "\n")) }
                return exitCode(evaluator, source)
            case .interrupted:
                pending.removeAll()
                Interrupt.clear()
                if Interrupt.isTerminating { return terminatedExitCode }
                if !source.isInteractive { return interruptedExitCode }
            case .line(let line):
                pending.append(line)
                Interrupt.clear()
                let status = evaluator.evaluate(pending.joined(separator: "\n"))
                if status == .complete { pending.removeAll() }
                if Interrupt.isTerminating { return terminatedExitCode }
                if Interrupt.isRequested {
                    // The command saw (or ignored) Ctrl-C; a terminal user gets the prompt back, piped
                    // input stops rather than running the rest of a script the user meant to cancel.
                    Interrupt.clear()
                    pending.removeAll()
                    if !source.isInteractive { return interruptedExitCode }
                }
            }
        }
        return exitCode(evaluator, source)
    }

    /// Piped input reports through the exit code whether anything failed; a terminal user leaving with
    /// Ctrl-D or `exit` has seen every error already, and leaving is not a failure.
    static func exitCode(_ evaluator: LineEvaluator, _ source: LineSource) -> Int32 {
        source.isInteractive ? 0 : evaluator.exitCode
    }
}
