/// Tokens of the `.nnl` language.
public enum TokenKind: Sendable, Equatable {
    case word(String)       // names, keywords, bare paths: load, mnist, leaky_relu, fashion-mnist, out/model.st
    case number(Double)
    case string(String)
    case symbol(Character)  // = [ ] , ( ) + - * / ^
    case separator          // newline or ';'
    case end                // end of input
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// Whether whitespace precedes the token: `mlp 3 -4` has two arguments, `3 - 4` and `3-4` one.
    public var spaceBefore: Bool
    public var text: String
}

/// Turns source text into tokens. `#` starts a comment to the end of the line.
///
/// lexer := { space | comment | newline | ';' | number | string | word | symbol }
public struct Lexer {
    private let chars: [Character]
    /// Where each character starts in `source` (and its end), so a token's text is one slice of the source.
    private let source: String
    private let offsets: [String.Index]
    private var index = 0
    private var line: Int
    private var column = 1

    public init(_ source: String, firstLine: Int = 1) {
        chars = Array(source)
        self.source = source
        offsets = Array(source.indices) + [source.endIndex]
        line = firstLine
    }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func advance() -> Character {
        let c = chars[index]
        index += 1
        if Lexer.isNewline(c) { line += 1; column = 1 } else { column += 1 }
        return c
    }

    /// Input that was not UTF-8 where it was decoded shows as U+FFFD: said so, at its place.
    static func notUTF8(at location: SourceLocation) -> ScriptError {
        ScriptError("invalid UTF-8: this character (shown as \u{FFFD}) was bytes that are not UTF-8 text", at: location,
                    hint: "type or save the text as UTF-8")
    }

    static let sizeUnits: Set<String> = ["b", "k", "kb", "kib", "m", "mb", "mib", "g", "gb", "gib", "t", "tb", "tib"]

    /// Whether the characters from here to the end of the word (letters, digits, '.', '/', '-') hold a file
    /// extension: a '.' followed by a letter.
    private func extensionAhead() -> Bool {
        var offset = 0
        while let c = peek(offset), Lexer.isWordChar(c) || c == "-" {
            if c == ".", let next = peek(offset + 1), next.isLetter { return true }
            offset += 1
        }
        return false
    }

    /// "\r\n" is one Character in Swift: a script saved on Windows must not read as one long line.
    static func isNewline(_ c: Character) -> Bool { c == "\n" || c == "\r\n" }

    static func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" || c == "~" }
    static func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." || c == "/" || c == "~" }

    public mutating func tokenize() throws(ScriptError) -> [Token] {
        var tokens: [Token] = []
        var spaceBefore = true
        while let c = peek() {
            let start = SourceLocation(line: line, column: column)
            if c == " " || c == "\t" || c == "\r" { _ = advance(); spaceBefore = true; continue }
            if c == "#" {
                while let n = peek(), !Lexer.isNewline(n) { _ = advance() }
                continue
            }
            if Lexer.isNewline(c) || c == ";" {
                _ = advance()
                tokens.append(Token(kind: .separator, location: start, spaceBefore: spaceBefore, text: c == ";" ? ";" : "\n"))
                spaceBefore = true
                continue
            }
            let begin = index
            let kind: TokenKind
            if c.isASCII && c.isNumber || (c == "." && (peek(1)?.isNumber ?? false)) {
                kind = try number(start)
            } else if c == "\"" || c == "'" {
                kind = try string(quote: c, start: start)
            } else if Lexer.isWordStart(c) || (c == "." || c == "/") && (peek(1).map { Lexer.isWordChar($0) } ?? false)
                        && (spaceBefore || tokens.last?.kind == .symbol("=")) {
                // (A path starts a word after a space, or right after `key=`: `test=/data/test.csv`.)
                // A word; '-' joins words (fashion-mnist) when a letter follows it, and digits too in what is
                // a path: one already (runs/lr-0.01/model.safetensors) or a file name with an extension ahead
                // (mnist-2k.csv, labels-5-0.csv), where `x-1` and `a-1.5` stay subtractions.
                var text = ""
                while let n = peek() {
                    if Lexer.isWordChar(n) { text.append(advance()) }
                    else if n == "-", let after = peek(1), !text.isEmpty,
                            after.isLetter || after.isNumber && (text.contains("/") || text.contains(".") || extensionAhead()) {
                        text.append(advance())
                    }
                    else { break }
                }
                kind = .word(text)
            } else if "=[],()+-*/^".contains(c) {
                kind = .symbol(advance())
            } else {
                if c.unicodeScalars.contains("\u{FFFD}") { throw Lexer.notUTF8(at: start) }
                throw ScriptError("unexpected character '\(c)'", at: start)
            }
            var loc = start
            loc.length = index - begin
            tokens.append(Token(kind: kind, location: loc, spaceBefore: spaceBefore, text: String(source[offsets[begin]..<offsets[index]])))
            spaceBefore = false
        }
        tokens.append(Token(kind: .end, location: SourceLocation(line: line, column: column), spaceBefore: true, text: ""))
        return tokens
    }

    private mutating func number(_ start: SourceLocation) throws(ScriptError) -> TokenKind {
        var text = ""
        while let n = peek(), n.isNumber || n == "." || n == "_" { if n != "_" { text.append(n) }; _ = advance() }
        if let e = peek(), e == "e" || e == "E",
           let next = peek(1), next.isNumber || ((next == "-" || next == "+") && (peek(2)?.isNumber ?? false)) {
            text.append(advance())
            text.append(advance())
            while let n = peek(), n.isNumber { text.append(advance()) }
        }
        if let n = peek(), n.isLetter {
            var rest = text
            while let m = peek(), Lexer.isWordChar(m) { rest.append(advance()) }
            // A size with its unit (`set memory=2GB`) is a word, read by what takes sizes.
            let unit = rest.dropFirst(text.count).lowercased()
            if Lexer.sizeUnits.contains(unit) && !text.contains("e") { return .word(rest) }
            throw ScriptError("malformed number '\(rest)'", at: SourceLocation(line: start.line, column: start.column, length: rest.count))
        }
        guard let value = Double(text) else {
            throw ScriptError("malformed number '\(text)'", at: SourceLocation(line: start.line, column: start.column, length: text.count))
        }
        guard value.isFinite else {
            throw ScriptError("number '\(text)' is too large", at: SourceLocation(line: start.line, column: start.column, length: text.count))
        }
        return .number(value)
    }

    private mutating func string(quote: Character, start: SourceLocation) throws(ScriptError) -> TokenKind {
        _ = advance()
        var text = ""
        while true {
            guard let c = peek(), !Lexer.isNewline(c) else {
                throw ScriptError("unterminated string", at: start, hint: "close it with \(quote) on the same line")
            }
            // Bytes that were not UTF-8 reach here as U+FFFD (piped input, a terminal in another encoding).
            if c.unicodeScalars.contains("\u{FFFD}") { throw Lexer.notUTF8(at: SourceLocation(line: line, column: column)) }
            _ = advance()
            if c == quote { break }
            if c == "\\", let e = peek() {
                _ = advance()
                switch e {
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: text.append(e)
                }
            } else {
                text.append(c)
            }
        }
        return .string(text)
    }
}
