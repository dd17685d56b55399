/// A drawn chart before it becomes a document: its size and its elements, drawn from (0, 0).
struct SVGPanel {
    var width: Double
    var height: Double
    var body: SVGWriter
}

/// The SVG renderer's entry: picks each kind's drawing, lays panels out, and wraps the result in a
/// standalone `<svg>` document with an opaque background and an accessible title.
enum SVGFigure {
    static func document(_ chart: Chart) -> String {
        let panel = self.panel(chart) ?? SVGPanel(width: 1, height: 1, body: SVGWriter())
        let width = SVGWriter.number(panel.width), height = SVGWriter.number(panel.height)
        let caption = chart.caption.map { ChartStyle(ChartOptions()).clean($0) }
        var lines = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" font-family=\"\(SVGFrame.fontFamily)\" font-size=\"12\" role=\"img\""
                + (caption.map { " aria-label=\"\(SVGWriter.escape($0))\"" } ?? "") + ">",
        ]
        if let caption { lines.append("<title>\(SVGWriter.escape(caption))</title>") }
        lines.append("<rect width=\"\(width)\" height=\"\(height)\" fill=\"\(SVGPalette.background)\"/>")
        lines.append(contentsOf: panel.body.lines)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func panel(_ chart: Chart) -> SVGPanel? {
        guard chart.problem == nil else { return nil }
        let title = chart.title.flatMap { $0.isEmpty ? nil : ChartStyle(ChartOptions()).clean($0) }
        switch chart.content {
        case .line(let plot): return plot.svg(title: title)
        case .bars(let plot): return plot.svg(title: title)
        case .histogram(let plot): return plot.svg(title: title)
        case .heatmap(let plot): return plot.svg(title: title)
        case .images(let plot): return plot.svg(title: title)
        case .numberGrid(let plot): return plot.svg(title: title)
        case .regions(let plot): return plot.svg(title: title)
        case .outputMap(let plot): return plot.svg(title: title)
        case .neurons(let plot): return plot.svg(title: title)
        case .network(let plot): return plot.svg(title: title)
        case .panels(let charts): return panels(charts.compactMap(panel), title: title)
        }
    }

    /// Panels side by side, top-aligned, starting a new row past `maximumWidth`; the title above them all.
    static func panels(_ panels: [SVGPanel], title: String?, gap: Double = 16, maximumWidth: Double = 1100) -> SVGPanel? {
        guard !panels.isEmpty else { return nil }
        var body = SVGWriter()
        let top: Double = title == nil ? 0 : 34
        var x = 0.0, y = top, rowHeight = 0.0, width = 0.0
        for panel in panels {
            if x > 0 && x + panel.width > maximumWidth {
                y += rowHeight + gap
                x = 0
                rowHeight = 0
            }
            body.translated(x, y, panel.body)
            width = max(width, x + panel.width)
            rowHeight = max(rowHeight, panel.height)
            x += panel.width + gap
        }
        if let title {
            var heading = SVGWriter()
            heading.text(title, width / 2, 24, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
            heading.append(body)
            body = heading
        }
        return SVGPanel(width: width.rounded(.up), height: (y + rowHeight).rounded(.up), body: body)
    }
}
