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
    /// Ctrl-C: stops a script, but the REPL just returns to its prompt.
    public var isInterrupt = false
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
    public static func render(_ error: ScriptError, file: String, sourceLines: [Substring]) -> String {
        guard let loc = error.location else {
            var text = "\(file): error: \(error.message)\n"
            if let hint = error.hint { text += "  = \(hint)\n" }
            return text
        }
        var text = "\(file):\(loc.line):\(loc.column): error: \(error.message)\n"
        if loc.line >= 1, loc.line <= sourceLines.count {
            let line = String(sourceLines[loc.line - 1]).replacingTabs()
            let gutter = String(loc.line)
            let pad = String(repeating: " ", count: gutter.count)
            text += " \(gutter) | \(line)\n"
            let available = max(1, line.count - loc.column + 1)
            let marks = "^" + String(repeating: "~", count: max(0, min(loc.length, available) - 1))
            text += " \(pad) | \(String(repeating: " ", count: max(0, loc.column - 1)))\(marks)\n"
        }
        if let hint = error.hint { text += "  = \(hint)\n" }
        return text
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

    static func didYouMean(_ word: String, _ candidates: [String]) -> String? {
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

extension String {
    func replacingTabs() -> String { map { $0 == "\t" ? " " : String($0) }.joined() }
}
