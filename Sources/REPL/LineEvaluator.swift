/// Whether the input so far forms complete statements or the REPL should keep reading (e.g. inside
/// `for ... end`).
public enum EvalStatus: Sendable, Equatable {
    case complete, needsMoreInput
}

/// What the REPL drives: the script interpreter, or a stand-in in tests. The REPL never imports Script,
/// so the dependency points one way.
public protocol LineEvaluator: AnyObject {
    /// Evaluates accumulated input (one or more lines, joined by "\n"); prints its own output and errors.
    func evaluate(_ input: String) -> EvalStatus
    /// Words to complete at this point: given the line buffer up to the cursor and the word being completed.
    /// The REPL keeps only those starting with `word`, so returning every candidate is fine.
    func completions(line: String, word: String) -> [String]
    /// True once the user asked to leave (`exit`, `quit`).
    var isFinished: Bool { get }
    /// Input ended while `evaluate` still wanted more (e.g. `for` without `end`); `pending` is what was
    /// accumulated. Lets the evaluator report the unterminated statement. Default: does nothing.
    func inputEnded(pending: String)
    /// The process exit code `REPL.run` returns when input ends normally. Default: 0.
    var exitCode: Int32 { get }
}

extension LineEvaluator {
    public func inputEnded(pending: String) {}
    public var exitCode: Int32 { 0 }
}
