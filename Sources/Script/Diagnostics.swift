import Basics
import ModelFormat
import Transcript

/// A position in a script: 1-based line and column, and how many columns to underline.
public struct SourceLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var length: Int
    public init(line: Int, column: Int, length: Int = 1) {
        self.line = line
        self.column = column
        self.length = max(1, length)
    }
}

/// Every error the language and its commands report: a message, where it happened, and an optional hint.
/// Errors are values; `Diagnostic.render` is the one place that words their layout.
public struct ScriptError: Error, Sendable, Equatable {
    public var message: String
    public var location: SourceLocation?
    public var hint: String?
    /// Ctrl-C (or SIGTERM): stops a script, but the REPL just returns to its prompt.
    public var isInterrupt = false
    /// The exit status of a script an interrupt stopped: 130 for Ctrl-C, 143 for SIGTERM.
    public var exitStatus: Int32 = 130
    public init(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static var interrupted: ScriptError {
        var e = ScriptError("interrupted by Ctrl-C")
        e.isInterrupt = true
        return e
    }
}

public enum Diagnostic {
    /// `file:line:col: error: message`, then the source line and a caret under the offending text, then the
    /// hint ("did you mean 'train'?").
    ///
    /// Everything quoted from the user (the message's words, the line, the file name) is shown with control
    /// characters escaped, and the caret is placed by display width, so it stays under its word after wide (CJK)
    /// or combining characters and escapes.
    public static func render(_ error: ScriptError, file: String, sourceLines: [Substring]) -> String {
        let file = SafeText.escaped(file)
        let message = SafeText.escaped(error.message, keepLineBreaks: true)
        let hint = error.hint.map { SafeText.escaped($0, keepLineBreaks: true) }
        guard let loc = error.location else {
            var text = "\(file): error: \(message)\n"
            if let hint { text += "  = \(hint)\n" }
            return text
        }
        var text = "\(file):\(loc.line):\(loc.column): error: \(message)\n"
        if loc.line >= 1, loc.line <= sourceLines.count {
            let (line, caretColumn, caretWidth) = shownLine(sourceLines[loc.line - 1], column: loc.column, length: loc.length)
            let gutter = String(loc.line)
            let pad = String(repeating: " ", count: gutter.count)
            text += " \(gutter) | \(line)\n"
            let marks = "^" + String(repeating: "~", count: max(0, caretWidth - 1))
            text += " \(pad) | \(String(repeating: " ", count: caretColumn))\(marks)\n"
        }
        if let hint { text += "  = \(hint)\n" }
        return text
    }

    /// A cell's errors as every front end records them: the rendered text (what a terminal prints), and the
    /// notebook's error entry made from it: `KeyboardInterrupt` for Ctrl-C or SIGTERM (it says which statement
    /// it stopped), else `ScriptError`; the message is the first rendered line and the traceback the lines under
    /// it, so a transcript that shows the message and then the traceback shows each line once. Nil without errors.
    public static func cellError(_ errors: [ScriptError], file: String, sourceLines: [Substring]) -> (rendered: String, entry: CellError)? {
        guard let first = errors.first else { return nil }
        let rendered = errors.map { render($0, file: file, sourceLines: sourceLines) }.joined()
        let lines = rendered.split(separator: "\n").map(String.init)
        let entry = CellError(name: first.isInterrupt ? "KeyboardInterrupt" : "ScriptError", message: lines.first ?? first.message,
                              traceback: Array(lines.dropFirst()))
        return (rendered, entry)
    }

    /// The source line as shown (tabs as spaces, controls escaped), with the display column where the caret
    /// starts (0-based) and how many columns it underlines (at least 1). `column` and `length` count
    /// characters, as the lexer does.
    /// A line wider than `maxWidth` columns (minified text, a binary file given as a script) is cut to the part
    /// around the caret, with "..." where it was cut.
    static func shownLine(_ source: Substring, column: Int, length: Int, maxWidth: Int = 160) -> (String, Int, Int) {
        var pieces: [(text: String, width: Int)] = []
        var before = 0, under = 0
        var index = 1
        for character in source {
            let piece = character == "\t" ? " " : SafeText.escaped(String(character))
            let width = SafeText.displayWidth(piece)
            if index < column { before += width } else if index < column + length { under += width }
            pieces.append((piece, width))
            index += 1
        }
        // A caret after the end of the line (a missing argument) sits just past the last character.
        if column > index { before += column - index }
        let total = pieces.reduce(0) { $0 + $1.width }
        guard total > maxWidth else { return (pieces.map(\.text).joined(), before, max(1, under)) }
        let start = max(0, min(before - maxWidth / 3, total - maxWidth))
        var shown = start > 0 ? "..." : ""
        var position = 0
        for piece in pieces {
            defer { position += piece.width }
            if position < start { continue }
            if position + piece.width > start + maxWidth { shown += "..."; break }
            shown += piece.text
        }
        return (shown, before - start + (start > 0 ? 3 : 0), max(1, min(under, maxWidth)))
    }

    /// The closest candidate by edit distance, if it is close enough to be a plausible typo.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let length = lowered.count
        // A word more than 3 characters longer than every candidate is at distance > 3 from all of them and
        // the prefix of none: no suggestion (this also keeps pasted garbage from costing long computations).
        guard candidates.contains(where: { length <= $0.count + 3 }) else { return nil }
        var best: (candidate: String, distance: Int)?
        for c in candidates {
            // The distance is at least the difference in length: skip what cannot beat the best so far.
            if let b = best, abs(c.count - length) >= b.distance { continue }
            let d = editDistance(lowered, c.lowercased())
            if d < best?.distance ?? Int.max { best = (c, d) }
        }
        guard let (candidate, distance) = best else { return nil }
        let limit = max(1, min(3, (word.count + 1) / 3))
        if distance <= limit || candidate.lowercased().hasPrefix(lowered) && lowered.count >= 2 { return candidate }
        return nil
    }

    public static func didYouMean(_ word: String, _ candidates: [String]) -> String? {
        suggestion(for: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// Damerau-Levenshtein (optimal string alignment) distance.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        // Three rows of the table (the transposition looks two rows back), not the whole table.
        let width = y.count + 1
        var before = [Int](repeating: 0, count: width)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d = min(d, before[j - 2] + 1)
                }
                current[j] = d
            }
            swap(&before, &previous)
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}

extension Diagnostic {
    /// Why a description did not make a layer, in the words of a saved layer list or the `layer` command.
    static func describe(_ error: LayerDescriptionError) -> String {
        switch error {
        case .unknownKind(let kind): "unknown layer kind '\(kind)'"
        case .malformed: "sizes or settings that do not fit the kind"
        case .sizeOutOfRange(let index, let value, let range):
            "size \(index + 1) must be between \(range.lowerBound) and \(NumberText.grouped(range.upperBound)), found \(value)"
        case .unknownSetting(let name): "unknown setting '\(name)'"
        case .settingOutOfRange(let name, let value, let range):
            "\(name) must be between \(NumberText.value(range.lowerBound)) and \(NumberText.value(range.upperBound)), found \(NumberText.value(value))"
        case .unknownChoice(let name, let value, let choices):
            "unknown \(name) value '\(value)' (expected one of: \(choices.joined(separator: ", ")))"
        case .unknownTerm(let word, let choices):
            "unknown input feature '\(word)' (expected some of: \(choices.joined(separator: ", ")))"
        case .badTerms(let reason): reason
        }
    }

    /// Why a file is not a model nnlab can load (the caller puts the file's name first).
    static func describe(_ error: ModelFileError) -> String {
        switch error {
        case .tooShort(let n): "offset 0: file is \(n) bytes, too short for a safetensors header"
        case .headerLength(let claimed, let available): "offset 0: header claims \(claimed) bytes but the file has \(available) after the length"
        case .headerNotJSON: "offset 8: header is not a JSON object"
        case .noLayerList: "no layer list in the metadata (was it written by 'save model'?)"
        case .emptyLayerList: "the layer list in the metadata is empty"
        case .emptyLayer(let i): "layer \(i): empty description (';;' in the layer list)"
        case .badSetting(let name, let value, let expected): "\(name) '\(value)' is not one nnlab accepts (expected \(expected))"
        case .layer(let i, _, .unknownKind(let kind)): "layer \(i): unknown layer kind '\(kind)'"
        case .layer(let i, let description, .malformed): "layer \(i): bad description '\(description)'"
        case .layer(let i, let description, let e): "layer \(i): bad description '\(description)': \(describe(e))"
        case .tooLarge(let i, let description, let limit): "layer \(i): '\(description)' would make the model larger than \(NumberText.grouped(limit)) parameters"
        case .doesNotFit(let i, let message): "layer \(i): \(message)"
        case .missingTensor(let key): "missing tensor '\(key)'"
        case .unsupportedType(let key): "tensor '\(key)': only F32 is supported"
        case .shapeMismatch(let key, let shape, let layer, let expected): "tensor '\(key)' has shape \(shape) but layer '\(layer)' needs \(expected)"
        case .badOffsets(let key): "tensor '\(key)': data offsets are outside the file or do not match its shape"
        case .nonFiniteWeight(let key, let index): "tensor '\(key)': value \(index) is not a finite number"
        case .unusedTensor(let key): "tensor '\(key)' belongs to no layer of the list (is the layer list complete?)"
        case .overlappingTensors(let a, let b): "tensors '\(a)' and '\(b)' share bytes"
        case .unaccountedBytes(let n): n > 0 ? "\(n) bytes of data belong to no tensor" : "tensors reach beyond the data"
        }
    }
}
