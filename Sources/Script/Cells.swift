/// A script split into cells by the Jupytext "percent" markers: `# %% Title` opens a code cell,
/// `# %% [markdown]` a markdown cell whose `# ` lines are its text. A script without markers is one cell.
public struct ScriptCell: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case code, markdown }
    public var kind: Kind
    public var title: String?
    /// The cell's lines as written (code) or with the comment prefix removed (markdown).
    public var source: String
    /// Line number (1-based, in the file) of the cell's first source line.
    public var firstLine: Int

    public init(kind: Kind, title: String? = nil, source: String, firstLine: Int = 1) {
        self.kind = kind
        self.title = title
        self.source = source
        self.firstLine = firstLine
    }
}

public enum CellSplitter {
    public static func split(_ text: String) -> [ScriptCell] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cells: [ScriptCell] = []
        var kind = ScriptCell.Kind.code
        var title: String?
        var body: [String] = []
        var firstLine = 1
        var sawMarker = false

        func flush() {
            // Trailing blank lines belong to no one.
            while let last = body.last, last.trimmingSpaces.isEmpty { body.removeLast() }
            let hasContent = body.contains { !$0.trimmingSpaces.isEmpty }
            if hasContent || (sawMarker && title != nil) {
                var source = body
                if kind == .markdown {
                    source = body.map { line in
                        let t = line.trimmingLeadingSpaces
                        if t.hasPrefix("# ") { return String(t.dropFirst(2)) }
                        if t.hasPrefix("#") { return String(t.dropFirst(1)) }
                        return line
                    }
                    while let first = source.first, first.trimmingSpaces.isEmpty { source.removeFirst() }
                }
                cells.append(ScriptCell(kind: kind, title: title, source: source.joined(separator: "\n"), firstLine: firstLine))
            }
        }

        for (i, line) in lines.enumerated() {
            let trimmed = line.trimmingLeadingSpaces
            if trimmed.hasPrefix("# %%") || trimmed.hasPrefix("#%%") {
                flush()
                sawMarker = true
                let rest = trimmed.drop(while: { $0 == "#" || $0 == " " }).dropFirst(2).trimmingSpaces
                if rest.hasPrefix("[markdown]") || rest.hasPrefix("[md]") {
                    kind = .markdown
                    let after = rest.drop(while: { $0 != "]" }).dropFirst().trimmingSpaces
                    title = after.isEmpty ? nil : after
                } else {
                    kind = .code
                    title = rest.isEmpty ? nil : rest
                }
                body = []
                firstLine = i + 2
            } else {
                if body.isEmpty && line.trimmingSpaces.isEmpty && kind == .code {
                    // Skip leading blank lines, keeping line numbers right.
                    firstLine = i + 2
                    continue
                }
                body.append(line)
            }
        }
        flush()
        return cells
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let s = drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
        var end = s.endIndex
        while end > s.startIndex, let c = s[s.index(before: end)...].first, c == " " || c == "\t" || c == "\r" {
            end = s.index(before: end)
        }
        return String(s[s.startIndex..<end])
    }
    var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " || $0 == "\t" })) }
}
