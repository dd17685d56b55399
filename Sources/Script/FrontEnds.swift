// What front ends other than the prompt (the Jupyter kernel) ask of the language: whether input is complete,
// the help for a word, and going on after `exit`.

/// Whether a cell's text can run as it is (Jupyter's is_complete_request).
public enum Completeness: Sendable, Equatable {
    case complete
    /// An unfinished construct (`for` without its `end`): more lines will finish it.
    case incomplete
    /// An error that more lines cannot fix.
    case invalid
}

extension Interpreter {
    public static func completeness(of source: String) -> Completeness {
        let parsed = Parser.parse(source)
        if parsed.incomplete { return .incomplete }
        if parsed.errors.isEmpty { return .complete }
        // A list or parenthesis still open (`mlp [784,`): lists may go on over several lines.
        var lexer = Lexer(source)
        guard let tokens = try? lexer.tokenize() else { return .invalid }
        var depth = 0
        for token in tokens {
            switch token.kind {
            case .symbol("["), .symbol("("): depth += 1
            case .symbol("]"), .symbol(")"): depth -= 1
            default: break
            }
        }
        return depth > 0 ? .incomplete : .invalid
    }

    /// `help WORD` for a command or keyword of the language; nil for any other word.
    public static func helpText(for word: String) -> String? {
        guard Commands.table[word] != nil || Commands.keywords.contains(word) else { return nil }
        return GeneralCommands.helpText(for: word)
    }

    /// After `exit` or `quit` a script stops; a session that outlives it (a kernel) takes further input.
    public func resume() { finished = false }
}
