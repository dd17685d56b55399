/// Renders a transcript as the terminal showed it: each code cell's source behind the REPL prompts,
/// then its output with ANSI codes and progress redraws resolved.
enum PlainTextRenderer {
    /// The REPL's default prompts, so a transcript reads like an interactive session.
    static let prompt = "nnlab> "
    static let continuationPrompt = "...> "

    static func render(_ transcript: Transcript) -> String {
        var blocks = [header(transcript.header)]
        for cell in transcript.cells {
            switch cell.kind {
            case .markdown:
                let text = trimmingTrailingNewlines(cell.source)
                if !text.isEmpty { blocks.append(text) }
            case .code:
                blocks.append(codeCell(cell))
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private static func header(_ header: TranscriptHeader) -> String {
        var lines = [
            "\(header.tool) \(header.version) transcript of \(header.script)",
            "seed: \(header.seed.map(String.init) ?? "none")",
        ]
        if header.data.isEmpty {
            lines.append("data: none")
        }
        for checksum in header.data {
            lines.append("data: \(checksum.file) sha256 \(checksum.sha256)")
        }
        if let startedAt = header.writableStartDate { lines.append("started: \(startedAt)") }
        return lines.joined(separator: "\n")
    }

    private static func codeCell(_ cell: TranscriptCell) -> String {
        var lines: [String] = []
        if let title = cell.title, !title.isEmpty { lines.append("# %% \(title)") }
        for (position, line) in displayLines(trimmingTrailingNewlines(cell.source)).enumerated() {
            lines.append((position == 0 ? prompt : continuationPrompt) + line)
        }
        lines.append(contentsOf: displayLines(TerminalText.clean(cell.output)))
        if let error = cell.error { lines.append(contentsOf: error.displayLines) }
        return lines.joined(separator: "\n")
    }
}
