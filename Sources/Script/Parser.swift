/// Recursive-descent parser (match/consume/check/advance, as in Crafting Interpreters). One error per
/// statement: on an error the parser records it and skips to the next separator (`synchronize`).
public struct Parser {
    private let tokens: [Token]
    private var current = 0
    public private(set) var errors: [ScriptError] = []
    /// Set when input ended inside an unfinished construct (`for` without `end`): the REPL asks for more.
    public private(set) var needsMoreInput = false
    /// Deeper nesting ("((((...", or thousands of '+' in a row) would overflow the stack while the
    /// expression is parsed, evaluated or freed; no real script comes near it.
    public static let maxExpressionDepth = 100
    /// Open '(', '[' and unary '-' around the current token, and the depth of the expression just parsed.
    private var nesting = 0
    private var lastDepth = 0
    /// Loops inside loops; each level costs stack when parsed, run and freed.
    public static let maxLoopNesting = 32
    private var loopNesting = 0

    public init(tokens: [Token]) { self.tokens = tokens }

    /// Tokenizes and parses; returns the statements or the errors found (lexer errors stop at the first).
    public static func parse(_ source: String, firstLine: Int = 1) -> (statements: [Statement], errors: [ScriptError], incomplete: Bool) {
        var lexer = Lexer(source, firstLine: firstLine)
        let tokens: [Token]
        do { tokens = try lexer.tokenize() } catch { return ([], [error], false) }
        var parser = Parser(tokens: tokens)
        let statements = parser.program()
        return (statements, parser.errors, parser.needsMoreInput)
    }

    // program := { separator } { statement { separator } }
    public mutating func program() -> [Statement] {
        var statements: [Statement] = []
        while true {
            skipSeparators()
            if isAtEnd { break }
            do {
                statements.append(try statement())
            } catch {
                errors.append(error)
                synchronize()
            }
        }
        return statements
    }

    // statement := let | for | command
    private mutating func statement() throws(ScriptError) -> Statement {
        nesting = 0
        let token = peek
        guard case .word(let word) = token.kind else {
            if case .symbol("=") = token.kind {
                throw ScriptError("expected a command before '='", at: token.location)
            }
            throw ScriptError("expected a command, found \(describe(token))", at: token.location)
        }
        switch word {
        case "let": return try letStatement()
        case "for": return try forStatement()
        case "end":
            throw ScriptError("'end' without a matching 'for'", at: token.location)
        default: return try command()
        }
    }

    // let := 'let' WORD '=' expr
    private mutating func letStatement() throws(ScriptError) -> Statement {
        advance()
        let nameToken = peek
        guard case .word(let name) = nameToken.kind else {
            throw ScriptError("expected a variable name after 'let', found \(describe(nameToken))", at: nameToken.location)
        }
        guard Parser.isIdentifier(name) else {
            throw ScriptError("'\(name)' is not a valid variable name", at: nameToken.location,
                              hint: "names start with a letter or '_' and contain letters, digits and '_'")
        }
        advance()
        try consume("=", "expected '=' after 'let \(name)'")
        let value = try expression()
        try expectEndOfStatement()
        return .assign(name: name, nameLocation: nameToken.location, value: value)
    }

    // for := 'for' WORD 'in' expr separator { statement } 'end'
    private mutating func forStatement() throws(ScriptError) -> Statement {
        let forToken = advance()
        let nameToken = peek
        loopNesting += 1
        defer { loopNesting -= 1 }
        let name: String, sequence: Expr
        do throws(ScriptError) {
            if loopNesting > Parser.maxLoopNesting {
                throw ScriptError("loops are nested too deeply (more than \(Parser.maxLoopNesting) levels)", at: forToken.location)
            }
            (name, sequence) = try forHeader()
        } catch {
            // The broken loop still owns its body and 'end': skip them, or that 'end' is reported again.
            skipLoopBody()
            throw error
        }
        var body: [Statement] = []
        while true {
            skipSeparators()
            if isAtEnd {
                needsMoreInput = true
                throw ScriptError("'for' loop is missing its 'end'", at: forToken.location)
            }
            if case .word("end") = peek.kind {
                advance()
                try expectEndOfStatement()
                break
            }
            do {
                body.append(try statement())
            } catch {
                errors.append(error)
                synchronize()
            }
        }
        return .loop(variable: name, variableLocation: nameToken.location, sequence: sequence, body: body)
    }

    // header := WORD 'in' expr
    private mutating func forHeader() throws(ScriptError) -> (String, Expr) {
        let nameToken = peek
        guard case .word(let name) = nameToken.kind, Parser.isIdentifier(name) else {
            throw ScriptError("expected a loop variable after 'for', found \(describe(nameToken))", at: nameToken.location)
        }
        advance()
        guard case .word("in") = peek.kind else {
            throw ScriptError("expected 'in' after 'for \(name)', found \(describe(peek))", at: peek.location)
        }
        advance()
        return (name, try expression())
    }

    /// Skips to just after the 'end' that closes the current loop (nested loops included), or to the end of input.
    private mutating func skipLoopBody() {
        var open = 1
        synchronize()
        while true {
            skipSeparators()
            if isAtEnd { return }
            if case .word("for") = peek.kind { open += 1 }
            if case .word("end") = peek.kind {
                open -= 1
                if open == 0 { advance(); return }
            }
            advance()
            synchronize()
        }
    }

    // command := WORD { argument } ; argument := WORD '=' value | expr ; value := expr { ',' expr }
    private mutating func command() throws(ScriptError) -> Statement {
        let nameToken = advance()
        guard case .word(let name) = nameToken.kind else { throw ScriptError("expected a command", at: nameToken.location) }
        var arguments: [Argument] = []
        while !isStatementEnd {
            if case .word(let key) = peek.kind, case .symbol("=") = peek(1).kind {
                let keyToken = advance()
                advance()
                if isStatementEnd {
                    throw ScriptError("missing value after '\(key)='", at: keyToken.location)
                }
                arguments.append(Argument(key: key, keyLocation: keyToken.location, value: try optionValue()))
            } else if case .symbol("=") = peek.kind {
                throw ScriptError("expected a key before '='", at: peek.location, hint: "options are written key=value, e.g. epochs=5")
            } else {
                arguments.append(Argument(key: nil, keyLocation: nil, value: try argumentExpression()))
            }
        }
        return .command(name: name, nameLocation: nameToken.location, arguments: arguments)
    }

    /// An option's value; `key=a,b,c` is the list [a, b, c] (`features=x1,x2,x1*x2`).
    private mutating func optionValue() throws(ScriptError) -> Expr {
        let first = try argumentExpression()
        guard case .symbol(",") = peek.kind else { return first }
        var items = [first]
        while case .symbol(",") = peek.kind {
            let comma = advance()
            if isStatementEnd {
                throw ScriptError("expected a value after ','", at: comma.location, hint: "a list of values is written a,b,c")
            }
            items.append(try argumentExpression())
        }
        return .list(items, first.location)
    }

    /// In argument position, `3 -4` is two arguments: an operator with space before it and none after starts
    /// a new (negative) argument.
    private mutating func argumentExpression() throws(ScriptError) -> Expr {
        try expression(inArguments: true)
    }

    // expr := term { ('+'|'-') term }
    private mutating func expression(inArguments: Bool = false) throws(ScriptError) -> Expr {
        var left = try term(inArguments)
        var depth = lastDepth
        while case .symbol(let op) = peek.kind, op == "+" || op == "-" {
            if inArguments && peek.spaceBefore && !peek(1).spaceBefore { break }
            let opToken = advance()
            let right = try term(inArguments)
            depth = try deeper(max(depth, lastDepth), at: opToken)
            left = .binary(op, left, right, opToken.location)
        }
        lastDepth = depth
        return left
    }

    // term := unary { ('*'|'/') unary }
    private mutating func term(_ inArguments: Bool) throws(ScriptError) -> Expr {
        var left = try unary()
        var depth = lastDepth
        while case .symbol(let op) = peek.kind, op == "*" || op == "/" {
            let opToken = advance()
            let right = try unary()
            depth = try deeper(max(depth, lastDepth), at: opToken)
            left = .binary(op, left, right, opToken.location)
        }
        lastDepth = depth
        return left
    }

    // unary := '-' unary | power
    private mutating func unary() throws(ScriptError) -> Expr {
        if case .symbol("-") = peek.kind {
            let minus = advance()
            try open(minus)
            defer { nesting -= 1 }
            let inner = try unary()
            lastDepth = try deeper(lastDepth, at: minus)
            return .negate(inner, minus.location)
        }
        return try power()
    }

    // power := primary [ '^' unary ]   (right-associative, above unary minus: -2^2 is -4, 2^-1 is 0.5)
    private mutating func power() throws(ScriptError) -> Expr {
        let base = try primary()
        guard case .symbol("^") = peek.kind else { return base }
        let caret = advance()
        let depth = lastDepth
        try open(caret)
        defer { nesting -= 1 }
        let exponent = try unary()
        lastDepth = try deeper(max(depth, lastDepth), at: caret)
        return .binary("^", base, exponent, caret.location)
    }

    // primary := NUMBER | STRING | WORD | WORD '(' expr ')' | '[' [ expr { ',' expr } ] ']' | '(' expr ')'
    private mutating func primary() throws(ScriptError) -> Expr {
        let token = peek
        lastDepth = 1
        switch token.kind {
        case .number(let v): advance(); return .number(v, token.location)
        case .string(let s): advance(); return .string(s, token.location)
        case .word(let w):
            advance()
            // A call only when '(' touches the name: `sin(x)`; `f (x)` stays two arguments.
            guard case .symbol("(") = peek.kind, !peek.spaceBefore else { return .name(w, token.location) }
            let open = advance()
            try self.open(open)
            defer { nesting -= 1 }
            let argument = try expression()
            try consume(")", "expected ')' to close '\(w)('")
            lastDepth = try deeper(lastDepth, at: open)
            return .call(w, argument, token.location)
        case .symbol("["):
            advance()
            try open(token)
            defer { nesting -= 1 }
            var items: [Expr] = []
            var depth = 1
            skipNewlines()
            if case .symbol("]") = peek.kind { advance(); return .list([], token.location) }
            while true {
                items.append(try expression())
                depth = max(depth, lastDepth + 1)
                skipNewlines()
                if case .symbol(",") = peek.kind { advance(); skipNewlines(); continue }
                if case .symbol("]") = peek.kind { advance(); break }
                if isAtEnd { needsMoreInput = true }
                throw ScriptError("expected ',' or ']' in list, found \(describe(peek))", at: peek.location,
                                  hint: "the list starts here: line \(token.location.line), column \(token.location.column)")
            }
            lastDepth = try deeper(depth - 1, at: token)
            return .list(items, token.location)
        case .symbol("("):
            advance()
            try open(token)
            defer { nesting -= 1 }
            let inner = try expression()
            try consume(")", "expected ')'")
            return inner
        default:
            throw ScriptError("expected a value, found \(describe(token))", at: token.location)
        }
    }

    // MARK: helpers

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// Enters a '(', '[' or unary '-'; `nesting` goes back down when the caller's scope ends (a `defer` there).
    private mutating func open(_ token: Token) throws(ScriptError) {
        nesting += 1
        if nesting > Parser.maxExpressionDepth {
            throw ScriptError("expression is nested too deeply (more than \(Parser.maxExpressionDepth) levels)", at: token.location,
                              hint: "split it with 'let' into smaller steps")
        }
    }

    /// The depth of a node one level above `depth`, if that is still allowed.
    private func deeper(_ depth: Int, at token: Token) throws(ScriptError) -> Int {
        guard depth < Parser.maxExpressionDepth else {
            throw ScriptError("expression is nested too deeply (more than \(Parser.maxExpressionDepth) levels)", at: token.location,
                              hint: "split it with 'let' into smaller steps")
        }
        return depth + 1
    }

    private var peek: Token { tokens[min(current, tokens.count - 1)] }
    private func peek(_ offset: Int) -> Token { tokens[min(current + offset, tokens.count - 1)] }
    private var isAtEnd: Bool { if case .end = peek.kind { return true }; return false }
    private var isStatementEnd: Bool {
        switch peek.kind { case .separator, .end: return true; default: return false }
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = peek
        if !isAtEnd { current += 1 }
        return t
    }

    private mutating func consume(_ symbol: Character, _ message: String) throws(ScriptError) {
        guard case .symbol(symbol) = peek.kind else {
            throw ScriptError("\(message), found \(describe(peek))", at: peek.location)
        }
        advance()
    }

    private mutating func expectEndOfStatement() throws(ScriptError) {
        guard isStatementEnd else {
            throw ScriptError("unexpected \(describe(peek)) at end of statement", at: peek.location)
        }
    }

    private mutating func skipSeparators() { while case .separator = peek.kind { advance() } }
    private mutating func skipNewlines() { while case .separator = peek.kind, peek.text == "\n" { advance() } }

    /// Panic mode: skip to the start of the next statement.
    private mutating func synchronize() {
        while !isAtEnd {
            if case .separator = peek.kind { return }
            advance()
        }
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: return "end of input"
        case .separator: return t.text == ";" ? "';'" : "end of line"
        case .string: return "string \(t.text)"
        default: return "'\(t.text)'"
        }
    }
}
