import Foundation

/// Completion of what is being typed, from the commands' declarations: the REPL's Tab calls it, and so will
/// the Jupyter kernel (its complete_request gives the code and the cursor; the reply's matches, cursor_start and
/// cursor_end are `candidates`, `start` and the cursor).
public struct Completion: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case command, keyword, subcommand, option, value, variable, model, path
    }

    public struct Candidate: Sendable, Equatable {
        /// The whole word that replaces `prefix` ("epochs=", "leaky_relu", "data/train.csv", "data/").
        public var text: String
        public var kind: Kind
    }

    /// Where the word being completed starts, in Unicode scalars from the start of the text (Jupyter counts
    /// cursor positions so).
    public var start: Int
    /// The word being completed, from `start` to the cursor; every candidate begins with it.
    public var prefix: String
    public var candidates: [Candidate]
}

extension Interpreter {
    /// Characters that end a word, as the REPL's readline breaks them: `act=re<Tab>` completes `re`.
    static let completionBreaks: Set<Character> = [" ", "\t", "\n", "\"", "'", "=", "[", "]", "(", ")", ",", ";"]

    /// What may come at the end of `textBeforeCursor`: commands and keywords at the start of a statement; then the
    /// command's forms, option keys (`epochs=`, the ones not written yet), the values an argument or option
    /// takes (choices, true/false, layer kinds, activations, models), variables where a number or value goes,
    /// and file paths where a path goes.
    public func complete(_ textBeforeCursor: String) -> Completion {
        guard let statement = Self.currentStatement(textBeforeCursor) else {
            return Completion(start: textBeforeCursor.unicodeScalars.count, prefix: "", candidates: [])
        }
        var wordStart = statement.endIndex
        while wordStart > statement.startIndex, !Self.completionBreaks.contains(statement[statement.index(before: wordStart)]) {
            wordStart = statement.index(before: wordStart)
        }
        let prefix = String(statement[wordStart...])
        let before = statement[..<wordStart]
        let candidates = completionCandidates(before: before, prefix: prefix)
        var seen = Set<String>()
        let matching = candidates.filter { $0.text.hasPrefix(prefix) && seen.insert($0.text).inserted }
            .sorted { $0.text < $1.text }
        return Completion(start: textBeforeCursor.unicodeScalars.count - prefix.unicodeScalars.count, prefix: prefix,
                          candidates: matching)
    }

    /// The words the REPL offers (readline keeps those starting with `word`).
    public func completions(line: String, word: String) -> [String] {
        complete(line).candidates.map(\.text)
    }

    /// The statement the cursor is in: after the last newline or ';' outside quotes; nil in a comment.
    static func currentStatement(_ text: String) -> Substring? {
        var start = text.startIndex
        var quote: Character?
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                // A comment runs to the end of the line: nothing in it is completed as code.
                if let newline = text[i...].firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) { i = newline; continue }
                return nil
            } else if c == "\n" || c == "\r\n" || c == ";" {
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        return text[start...]
    }

    /// The words of `text` split at spaces outside quotes and brackets (a list is one word).
    static func words(_ text: Substring) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        var quote: Character?
        var depth = 0
        for i in text.indices {
            let c = text[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "[" || c == "(" {
                depth += 1
            } else if c == "]" || c == ")" {
                depth = max(0, depth - 1)
            } else if (c == " " || c == "\t") && depth == 0 {
                if let s = start { words.append(text[s..<i]) }
                start = nil
                continue
            }
            if start == nil { start = i }
        }
        if let s = start { words.append(text[s...]) }
        return words
    }

    private func completionCandidates(before: Substring, prefix: String) -> [Completion.Candidate] {
        let variables = self.variables.keys.map { Completion.Candidate(text: $0, kind: .variable) }
        var words = Self.words(before)
        // Inside a string just opened (`load csv "da`): the quote is not a word of its own.
        if let last = words.last, last == "\"" || last == "'" { words.removeLast() }
        // `key=` directly before the word: the word is that option's value.
        var valueKey: String?
        if before.last == "=", let last = words.last {
            valueKey = String(last.dropLast())
            words.removeLast()
        } else if before.last == ",", let last = words.last, Self.isKeyed(last) {
            // `features=x1,` goes on with another value of the same option.
            valueKey = last.split(separator: "=", maxSplits: 1).first.map(String.init)
            words.removeLast()
        }
        guard let first = words.first else {
            return Commands.names.map { .init(text: $0, kind: .command) } + Commands.keywords.map { .init(text: $0, kind: .keyword) }
        }
        switch first {
        case "let":
            return valueKey != nil || words.count > 2 ? variables : []
        case "for":
            return words.count >= 3 ? variables : words.count == 2 ? [.init(text: "in", kind: .keyword)] : []
        case "end":
            return []
        default:
            break
        }
        guard let spec = Commands.table[String(first)] else { return [] }
        let written = words.dropFirst()
        // A list still open before the word (`mlp [784, 12`): numbers or variables go there.
        let openLists = before.filter { $0 == "[" }.count - before.filter { $0 == "]" }.count
        if valueKey == nil && openLists > 0 { return variables }

        let positional = written.filter { !Self.isKeyed($0) }
        let given = Set(written.filter(Self.isKeyed).compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        var form: SubcommandSpec?
        var arguments = positional.count
        if !spec.subcommands.isEmpty {
            if let word = positional.first, let named = spec.subcommand(named: String(word)), !named.name.isEmpty {
                form = named
                arguments -= 1
            } else if positional.isEmpty {
                // The form's word, or the unnamed form's first argument, or an option of every form.
                let forms = spec.subcommands.filter { !$0.name.isEmpty }.map { Completion.Candidate(text: $0.name, kind: .subcommand) }
                let unnamed = spec.subcommand(named: "").flatMap(\.arguments.first).map { values(for: $0.kind, prefix: prefix) } ?? []
                if let key = valueKey { return spec.options.first { $0.name == key }.map { values(for: $0.kind, prefix: prefix) } ?? [] }
                return forms + unnamed + keys(spec.options, except: given)
            } else if let unnamed = spec.subcommand(named: "") {
                form = unnamed
            } else {
                return []
            }
        }
        let options = spec.options(of: form)
        if let key = valueKey {
            return options.first { $0.name == key }.map { values(for: $0.kind, prefix: prefix) } ?? []
        }
        let declared = spec.arguments(of: form)
        let argument = arguments < declared.count ? declared[arguments] : declared.last.flatMap { $0.isRepeated ? $0 : nil }
        return (argument.map { values(for: $0.kind, prefix: prefix) } ?? []) + keys(options, except: given)
    }

    /// `epochs=`, for the options not written yet.
    private func keys(_ options: [OptionSpec], except given: Set<String>) -> [Completion.Candidate] {
        options.filter { !given.contains($0.name) }.map { .init(text: $0.name + "=", kind: .option) }
    }

    private static func isKeyed(_ word: Substring) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals > word.startIndex else { return false }
        return Parser.isIdentifier(String(word[..<equals]))
    }

    /// What a value of this kind may be.
    private func values(for kind: ValueKind, prefix: String) -> [Completion.Candidate] {
        let variables = self.variables.keys.map { Completion.Candidate(text: $0, kind: .variable) }
        switch kind {
        case .choice(let choices), .terms(let choices): return choices.map { .init(text: $0, kind: .value) } + variables
        case .bool: return ["true", "false"].map { .init(text: $0, kind: .value) } + variables
        case .command: return Commands.names.map { .init(text: $0, kind: .command) } + Commands.keywords.map { .init(text: $0, kind: .keyword) }
        case .model: return modelOrder.map { .init(text: $0, kind: .model) }
        case .path: return Self.paths(completing: prefix).map { .init(text: $0, kind: .path) }
        case .identifier: return []
        case .int, .number, .positive, .text, .any: return variables
        }
    }

    /// Files and directories (with a trailing '/') whose path starts with `prefix`, relative to the current
    /// directory; `~/` stands for the home directory. Hidden ones only when asked for with a leading '.'.
    static func paths(completing prefix: String, limit: Int = 500) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let directoryPart = slash.map { String(prefix[...$0]) } ?? ""
        let namePart = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory.hasPrefix("~/") || directory == "~/" { directory = NSHomeDirectory() + directory.dropFirst() }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var out: [String] = []
        for entry in entries.sorted() where entry.hasPrefix(namePart) && (namePart.hasPrefix(".") || !entry.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            let full = (directory as NSString).appendingPathComponent(entry)
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            out.append(directoryPart + entry + (isDirectory.boolValue ? "/" : ""))
            if out.count >= limit { break }
        }
        return out
    }
}
