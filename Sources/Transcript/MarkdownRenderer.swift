/// Renders a transcript as Markdown: a header list, then markdown cells as their text and code cells as a
/// fenced `nnl` source block followed by fenced blocks of what the cell printed and, in between, its
/// figures as images (`![caption](figureFolder/figure-N.svg)`, files the writer puts beside the transcript).
enum MarkdownRenderer {
    static func render(_ transcript: Transcript, figureFolder: String) -> String {
        var blocks = [header(transcript.header)]
        var figureCount = 0
        for cell in transcript.cells {
            switch cell.kind {
            case .markdown:
                let text = trimmingTrailingNewlines(cell.source)
                if !text.isEmpty { blocks.append(text) }
            case .code:
                blocks.append(contentsOf: codeCell(cell, figureFolder: figureFolder, figureCount: &figureCount))
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

    private static func codeCell(_ cell: TranscriptCell, figureFolder: String, figureCount: inout Int) -> [String] {
        var blocks: [String] = []
        if let title = cell.title, !title.isEmpty { blocks.append("### \(title)") }
        blocks.append(fenced(trimmingTrailingNewlines(cell.source), info: "nnl"))
        var pendingText = ""
        func flushText() {
            if !pendingText.isEmpty { blocks.append(fenced(pendingText, info: "")) }
            pendingText = ""
        }
        for output in cell.mergedOutputs {
            switch output {
            case .text(let raw):
                pendingText = trimmingTrailingNewlines(TerminalText.clean(raw))
            case .figure(let figure):
                flushText()
                figureCount += 1
                let target = urlPath(figureFolder + "/" + FigureFolder.fileName(figureCount))
                blocks.append("![\(altText(figure.caption ?? "figure \(figureCount)"))](\(target))")
            }
        }
        // The error shows under the last text, as the terminal showed it.
        if let error = cell.error {
            let errorText = error.displayLines.joined(separator: "\n")
            pendingText = pendingText.isEmpty ? errorText : pendingText + "\n" + errorText
        }
        flushText()
        return blocks
    }

    /// Image text with the characters that would end or break it escaped, on one line.
    private static func altText(_ text: String) -> String {
        var result = ""
        for scalar in TerminalText.clean(text).unicodeScalars {
            switch scalar {
            case "\\", "[", "]", "*", "_", "`", "<", ">": result += "\\" + String(scalar)
            case "\n", "\t": result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A relative path as a link target: letters, digits and `-._~/` as they are, everything else
    /// percent-encoded (spaces and parentheses would end the target).
    static func urlPath(_ path: String) -> String {
        var result = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                result += "%" + String(hex[Int(byte / 16)]) + String(hex[Int(byte % 16)])
            }
        }
        return result
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
