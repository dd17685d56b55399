import Basics

/// The decorations around a plot body, after UnicodePlots' plot.jl: title, border, tick labels left of
/// rows, an axis name beside them, legend entries right of rows, and lines above and below the border.
/// The body (canvas or grid) arrives already rendered, one string of `bodyWidth` columns per row.
///
///                  title
///             header lines (column labels)
///           ┌──────────────┐
///     name  │  body rows   │ right labels
///     ticks │              │
///           └──────────────┘
///            footer lines (x ticks, x label, legend)
struct PlotFrame {
    var title: String?
    /// Row index -> tick label, right-aligned against the border.
    var leftLabels: [Int: String] = [:]
    /// Axis name shown left of the tick labels on `leftTitleRow`.
    var leftTitle: String?
    var leftTitleRow = 0
    /// Row index -> text after the right border (legend entries); may contain colour codes.
    var rightLabels: [Int: String] = [:]
    var headerLines: [PlotLine] = []
    var footerLines: [PlotLine] = []

    /// A line outside the border and where it goes.
    enum PlotLine {
        /// Starts at the first body column (x ticks, column labels).
        case underBody(String)
        /// Centred under (or over) the body (axis names, notes).
        case centeredOnBody(String)
        /// Starts at the chart's first column (legends that need the full width).
        case fromLeftEdge(String)
    }

    /// Columns taken left of the left border: axis name, a space, tick labels, a space.
    var leftMarginWidth: Int {
        let tickWidth = leftLabels.values.map(TextLayout.displayWidth).max() ?? 0
        let titleWidth = leftTitle.map { TextLayout.displayWidth($0) + 1 } ?? 0
        return titleWidth + tickWidth + 1
    }

    /// Columns taken right of the right border: a space and the widest right label.
    var rightMarginWidth: Int {
        let widest = rightLabels.values.map(TextLayout.displayWidth).max() ?? 0
        return widest > 0 ? widest + 1 : 0
    }

    /// Body columns that fit in `totalWidth` with these labels (two columns go to the border).
    func bodyWidth(fittingTotal totalWidth: Int) -> Int {
        totalWidth - leftMarginWidth - 2 - rightMarginWidth
    }

    var bodyStartColumn: Int { leftMarginWidth + 1 }

    func render(body: [String], bodyWidth: Int, style: ChartStyle) -> [String] {
        let margin = leftMarginWidth
        let tickWidth = leftLabels.values.map(TextLayout.displayWidth).max() ?? 0
        let totalWidth = margin + 2 + bodyWidth + rightMarginWidth
        var lines: [String] = []

        if let title, !title.isEmpty {
            lines.append(centered(title, bodyWidth: bodyWidth, totalWidth: totalWidth, style: style))
        }
        for header in headerLines { lines.append(place(header, bodyWidth: bodyWidth, totalWidth: totalWidth, style: style)) }

        let indent = String(repeating: " ", count: margin)
        let rule = String(repeating: style.horizontal, count: bodyWidth)
        lines.append(indent + style.topLeft + rule + style.topRight)
        for (row, content) in body.enumerated() {
            var left = ""
            if let leftTitle {
                left += row == leftTitleRow ? leftTitle + " " : String(repeating: " ", count: TextLayout.displayWidth(leftTitle) + 1)
            }
            left += TextLayout.padLeft(leftLabels[row] ?? "", to: tickWidth) + " "
            var line = left + style.vertical + TextLayout.padRight(content, to: bodyWidth) + style.vertical
            if let right = rightLabels[row] { line += " " + right }
            lines.append(line)
        }
        lines.append(indent + style.bottomLeft + rule + style.bottomRight)
        for footer in footerLines { lines.append(place(footer, bodyWidth: bodyWidth, totalWidth: totalWidth, style: style)) }
        return lines
    }

    private func place(_ line: PlotLine, bodyWidth: Int, totalWidth: Int, style: ChartStyle) -> String {
        switch line {
        case .underBody(let text):
            return String(repeating: " ", count: bodyStartColumn) + text
        case .centeredOnBody(let text):
            return centered(text, bodyWidth: bodyWidth, totalWidth: totalWidth, style: style)
        case .fromLeftEdge(let text):
            return text
        }
    }

    /// Centres text over the body when it fits there, else over the whole frame, else starts it at the
    /// left edge, truncated to the chart width when even that is too narrow. Only plain text is ever
    /// truncated; callers pass coloured text only when they know it fits.
    private func centered(_ text: String, bodyWidth: Int, totalWidth: Int, style: ChartStyle) -> String {
        let width = TextLayout.displayWidth(text)
        if width <= bodyWidth {
            return String(repeating: " ", count: bodyStartColumn) + TextLayout.center(text, in: bodyWidth)
        }
        if width <= totalWidth { return TextLayout.center(text, in: totalWidth) }
        return TextLayout.truncate(text, to: style.width, ellipsis: style.ellipsis)
    }
}

/// Tick labels along the x axis under a body: lowest value under the first column, highest ending under the
/// last, the middle one centred when there is room between them.
enum AxisTicks {
    static func xTickLine(lower: Double, upper: Double, bodyWidth: Int) -> String {
        let texts = NumberText.ticks([lower, (lower + upper) / 2, upper])
        let left = texts[0], middle = texts[1], right = texts[2]
        let leftWidth = TextLayout.displayWidth(left)
        let rightWidth = TextLayout.displayWidth(right)
        guard leftWidth + 1 + rightWidth <= bodyWidth else { return TextLayout.padRight(left, to: bodyWidth) }
        var line = Array(repeating: " ", count: bodyWidth)
        func write(_ text: String, at start: Int) {
            for (offset, character) in text.enumerated() where start + offset < bodyWidth && start + offset >= 0 {
                line[start + offset] = String(character)
            }
        }
        write(left, at: 0)
        write(right, at: bodyWidth - rightWidth)
        let middleWidth = TextLayout.displayWidth(middle)
        let middleStart = (bodyWidth - middleWidth) / 2
        if middleStart > leftWidth + 1 && middleStart + middleWidth < bodyWidth - rightWidth - 1 {
            write(middle, at: middleStart)
        }
        return line.joined()
    }

    /// Labels for the top, middle and bottom rows of a body showing `lower...upper` (top is `upper`).
    /// The middle label goes on the row holding the midpoint; fewer than three rows get no middle label.
    static func yTickLabels(lower: Double, upper: Double, rows: Int, middleRow: Int) -> [Int: String] {
        let texts = NumberText.ticks([upper, (lower + upper) / 2, lower])
        var labels = [0: texts[0], rows - 1: texts[2]]
        if rows >= 3, middleRow > 0, middleRow < rows - 1 { labels[middleRow] = texts[1] }
        return labels
    }
}
