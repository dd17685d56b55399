import REPL
import Script

/// Bridges the REPL's line reading to the interpreter: numbers the lines as one growing file, so errors
/// point at the line the user typed, and remembers whether anything failed for the exit status.
final class InteractiveSession: LineEvaluator {
    let interpreter: Interpreter
    let file: String
    private var nextLine = 1
    private(set) var sawError = false

    init(_ interpreter: Interpreter, file: String) {
        self.interpreter = interpreter
        self.file = file
    }

    func evaluate(_ input: String) -> EvalStatus {
        let (status, hadError) = interpreter.runInteractive(input, file: file, firstLine: nextLine)
        if status == .needsMoreInput { return .needsMoreInput }
        nextLine += input.split(separator: "\n", omittingEmptySubsequences: false).count
        if hadError { sawError = true }
        Interrupt.clear()
        return .complete
    }

    func completions(line: String, word: String) -> [String] { interpreter.completions(line: line, word: word) }
    var isFinished: Bool { interpreter.finished }

    func inputEnded(pending: String) {
        _ = interpreter.runInteractive(pending, file: file, firstLine: nextLine, atEndOfInput: true)
        sawError = true
    }

    /// Piped input keeps going after an error, but the exit status says something failed.
    var exitCode: Int32 { sawError ? 1 : 0 }
}
