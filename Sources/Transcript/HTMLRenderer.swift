/// Renders a transcript as one self-contained HTML page, for course systems that take an HTML upload: the
/// header facts, markdown cells rendered, each code cell's source with its outputs, figures inline as SVG.
/// No scripts, no external fonts, styles or images: the file shows the same offline, years later. The
/// page follows the reader's light or dark theme; figures keep their own white background.
enum HTMLRenderer {
    static func render(_ transcript: Transcript) -> String {
        let header = transcript.header
        var body: [String] = [
            "<header>",
            "<h1>\(escape(header.script)) <span class=\"tool\">— \(escape(header.tool)) transcript</span></h1>",
            "<dl>",
            "<dt>\(escape(header.tool)) version</dt><dd>\(escape(header.version))</dd>",
            "<dt>seed</dt><dd>\(header.seed.map(String.init) ?? "none")</dd>",
        ]
        if header.data.isEmpty {
            body.append("<dt>data</dt><dd>none</dd>")
        }
        for checksum in header.data {
            body.append("<dt>data</dt><dd><code>\(escape(checksum.file))</code> sha256 <code>\(escape(checksum.sha256))</code></dd>")
        }
        if let startedAt = header.writableStartDate { body.append("<dt>date</dt><dd>\(escape(startedAt))</dd>") }
        body += ["</dl>", "</header>"]

        for (position, cell) in transcript.cells.enumerated() {
            let id = "cell-\(position + 1)"
            switch cell.kind {
            case .markdown:
                body.append("<section class=\"cell markdown\" id=\"\(id)\">")
                body.append(MarkdownHTML.render(cell.source))
                body.append("</section>")
            case .code:
                body.append(contentsOf: codeCell(cell, id: id))
            }
        }

        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="\(escape(header.tool)) \(escape(header.version))">
        <title>\(escape(header.script)) — \(escape(header.tool)) transcript</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    private static func codeCell(_ cell: TranscriptCell, id: String) -> [String] {
        var lines = ["<section class=\"cell code\" id=\"\(id)\">"]
        if let title = cell.title, !title.isEmpty { lines.append("<h3 class=\"cell-title\">\(escape(title))</h3>") }
        let prompt = cell.executionCount.map { "In [\($0)]:" } ?? "In [ ]:"
        lines.append("<div class=\"input\"><span class=\"prompt\">\(prompt)</span>"
                     + "<pre class=\"source\"><code>\(escape(trimmingTrailingNewlines(cell.source)))</code></pre></div>")
        var outputs: [String] = []
        for output in cell.mergedOutputs {
            switch output {
            case .text(let raw):
                let text = trimmingTrailingNewlines(TerminalText.clean(raw))
                if !text.isEmpty { outputs.append("<pre class=\"stream\">\n\(escape(text))</pre>") }
            case .figure(let figure):
                // The SVG as it is (it has no ids to clash and no XML declaration); its <title> names it.
                outputs.append("<figure>\n" + trimmingTrailingNewlines(figure.svg) + "\n</figure>")
            }
        }
        if let error = cell.error {
            outputs.append("<pre class=\"error\">\n\(escape(error.displayLines.joined(separator: "\n")))</pre>")
        }
        if !outputs.isEmpty {
            lines.append("<div class=\"output\">")
            lines.append(contentsOf: outputs)
            lines.append("</div>")
        }
        lines.append("</section>")
        return lines
    }

    private static func escape(_ text: String) -> String { MarkdownHTML.escape(text) }

    private static let style = """
    :root { color-scheme: light dark; --text: #1f1f1f; --page: #ffffff; --code: #f5f5f5; --rule: #dddddd;
            --prompt: #303f9f; --error: #fdecea; --error-text: #8a1c1c; }
    @media (prefers-color-scheme: dark) {
      :root { --text: #e6e6e6; --page: #1b1b1b; --code: #262626; --rule: #3a3a3a; --prompt: #9fa8ff;
              --error: #3b1d1d; --error-text: #ffb4b4; }
    }
    body { margin: 0; background: var(--page); color: var(--text);
           font: 16px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; }
    main { max-width: 1080px; margin: 0 auto; padding: 24px; }
    header { border-bottom: 1px solid var(--rule); margin-bottom: 16px; }
    header h1 { font-size: 1.3em; margin: 0 0 8px; }
    header .tool { font-weight: normal; }
    header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 0.9em; }
    header dt { font-weight: bold; }
    header dd { margin: 0; overflow-wrap: anywhere; }
    .cell { margin: 18px 0; }
    .cell-title { font-size: 1em; margin: 0 0 4px; }
    .input { display: flex; gap: 8px; align-items: flex-start; }
    .prompt { color: var(--prompt); font: 13px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; min-width: 5.5em;
              padding-top: 7px; text-align: right; }
    pre { margin: 0; padding: 6px 10px; overflow-x: auto; font: 13px/1.3 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    pre.source { flex: 1; background: var(--code); border: 1px solid var(--rule); border-radius: 3px; }
    .output { margin-left: calc(5.5em + 8px); }
    pre.stream { padding-left: 2px; }
    pre.error { background: var(--error); color: var(--error-text); }
    figure { margin: 8px 0; }
    figure svg { max-width: 100%; height: auto; display: block; }
    code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
    .markdown pre { background: var(--code); }
    .markdown h1 { font-size: 1.6em; } .markdown h2 { font-size: 1.3em; }
    """
}
