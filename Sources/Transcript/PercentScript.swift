/// Writes cells as a `.nnl` script in the Jupytext "percent" format, the inverse of Script's `CellSplitter`:
/// `# %% Title` before a code cell's lines, `# %% [markdown] Title` before a markdown cell's lines written as
/// `# ` comments. Sources and titles survive the round trip to a notebook and back; what the script format has
/// no place for (outputs, ids, metadata other than the title) does not.
public enum PercentScript {
    public static func render(_ cells: [TranscriptCell]) -> String {
        var blocks: [String] = []
        for cell in cells {
            let title = cell.title.map { " " + $0 } ?? ""
            switch cell.kind {
            case .code:
                var block = "# %%\(title)\n"
                if !cell.source.isEmpty { block += trimmingFinalNewline(cell.source) + "\n" }
                blocks.append(block)
            case .markdown:
                var block = "# %% [markdown]\(title)\n"
                for line in displayLines(cell.source) {
                    block += line.isEmpty ? "#\n" : "# \(line)\n"
                }
                blocks.append(block)
            }
        }
        return blocks.joined(separator: "\n")
    }

    private static func trimmingFinalNewline(_ text: String) -> String {
        text.unicodeScalars.last == "\n" ? String(text.unicodeScalars.dropLast()) : text
    }
}
