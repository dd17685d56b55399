/// Renders a transcript as Markdown: a header list, then markdown cells as their text and code cells as a
/// fenced `nnl` source block followed by a fenced block of what the cell printed.
enum MarkdownRenderer {
    static func render(_ transcript: Transcript) -> String {
        var blocks = [header(transcript.header)]
        for cell in transcript.cells {
            switch cell.kind {
            case .markdown:
                let text = trimmingTrailingNewlines(cell.source)
                if !text.isEmpty { blocks.append(text) }
            case .code:
                blocks.append(contentsOf: codeCell(cell))
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private static func header(_ header: TranscriptHeader) -> String {
        var lines = [
            "# \(header.script) — \(header.tool) transcript",
            "",
            "- \(header.tool) version: \(header.version)",
            "- seed: \(header.seed.map(String.init) ?? "none")",
        ]
        if header.data.isEmpty {
            lines.append("- data: none")
        } else {
            lines.append("- data:")
            for checksum in header.data {
                lines.append("  - \(inlineCode(checksum.file)) sha256 \(inlineCode(checksum.sha256))")
            }
        }
        if let startedAt = header.writableStartDate { lines.append("- date: \(startedAt)") }
        return lines.joined(separator: "\n")
    }

    private static func codeCell(_ cell: TranscriptCell) -> [String] {
        var blocks: [String] = []
        if let title = cell.title, !title.isEmpty { blocks.append("### \(title)") }
        blocks.append(fenced(trimmingTrailingNewlines(cell.source), info: "nnl"))
        var shown = trimmingTrailingNewlines(TerminalText.clean(cell.output))
        if let error = cell.error {
            let errorText = error.displayLines.joined(separator: "\n")
            shown = shown.isEmpty ? errorText : shown + "\n" + errorText
        }
        if !shown.isEmpty { blocks.append(fenced(shown, info: "")) }
        return blocks
    }

    /// A fenced block whose fence is longer than any backtick run inside, so the text cannot close it.
    private static func fenced(_ text: String, info: String) -> String {
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(text) + 1))
        let body = text.isEmpty ? "" : text + "\n"
        return fence + info + "\n" + body + fence
    }

    private static func inlineCode(_ text: String) -> String {
        let ticks = String(repeating: "`", count: longestBacktickRun(text) + 1)
        // CommonMark strips one space on each side, which lets the text start or end with a backtick.
        let padding = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return ticks + padding + text + padding + ticks
    }

    private static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}

func trimmingTrailingNewlines(_ text: String) -> String {
    var scalars = Substring(text).unicodeScalars
    while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
    return String(scalars)
}
