import Basics

/// A bar chart's data: one labelled value per bar, how values are printed, and the bar to mark.
struct BarPlot: Sendable {
    var labels: [String]
    var values: [Double]
    var valueFormat: String
    var highlight: Int?

    var problem: String? {
        guard !values.isEmpty else { return "no values given" }
        guard DataRange.finiteBounds(values) != nil else { return "no finite values among \(values.count)" }
        return nil
    }

    /// Bar i's label: the given one, else its number.
    func label(_ index: Int) -> String { index < labels.count ? labels[index] : "\(index)" }

    /// Each value as printed at the end of its bar ("NaN"/"inf" for non-finite values). A value the format prints
    /// wider than `longest` columns (a huge number through "%.3f") is printed with %g instead.
    func valueTexts(longest: Int) -> [String] {
        let format = NumberFormat(validating: valueFormat) ?? NumberFormat.general
        return values.map { value in
            let text = format.format(value)
            return TextLayout.displayWidth(text) > longest ? NumberFormat.general.format(value) : text
        }
    }

    /// The highlighted bar when it is one of the bars.
    var highlightedIndex: Int? { highlight.flatMap { values.indices.contains($0) ? $0 : nil } }
}

extension Chart {
    /// Horizontal labelled bars with the value printed at the end (format like "5923" or "0.973").
    ///
    /// `valueFormat` is a printf-style format for one number (`%g`, `%.3f`, `%d`, `%5.1f%%`); an unusable
    /// format falls back to `%g`. `highlight` marks one bar (e.g. the predicted class) with an arrow, and in
    /// colour with its own colour. Negative values grow leftwards from a zero line. NaN/Inf values get no bar
    /// and print as "NaN"/"inf". Missing labels are numbered; extra labels are ignored.
    ///
    ///                 title
    ///        ┌                    ┐
    ///      0 ┤████████████▍ 5923
    ///      1 ┤██████████████ 6742 ◀
    ///        └                    ┘
    public static func bars(labels: [String], values: [Double], title: String? = nil, valueFormat: String = "%g",
                            highlight: Int? = nil) -> Chart {
        Chart(title: title, content: .bars(BarPlot(labels: labels, values: values, valueFormat: valueFormat, highlight: highlight)))
    }
}

extension BarPlot {
    func text(title: String?, style: ChartStyle) -> String {
        guard let bounds = DataRange.finiteBounds(values) else { return Chart.nothingToPlot(problem ?? "", style: style) }
        // Labels take at most a third of the width, values a quarter (or what %g needs).
        let valueTexts = self.valueTexts(longest: style.width / 4)
        let labelTexts = values.indices.map { index in
            style.label(label(index), limit: max(4, style.width / 3))
        }
        let labelWidth = labelTexts.map(TextLayout.displayWidth).max() ?? 0
        let valueWidth = valueTexts.map(TextLayout.displayWidth).max() ?? 0
        let marker = style.unicode ? "◀" : "<"
        let hasHighlight = highlight.map { values.indices.contains($0) } ?? false
        let markerWidth = hasHighlight ? 2 : 0

        // label, space, tick, bars, space, value, marker
        let barColumns = max(style.width - labelWidth - 2 - 1 - valueWidth - markerWidth, 1)
        let lower = min(bounds.lower, 0), upper = max(bounds.upper, 0)
        let span = upper - lower
        // Negative bars sit left of a zero column; all-positive data puts zero at the left edge.
        let zeroColumn = span > 0 && span.isFinite ? DataRange.index((-lower / span * Double(barColumns)).rounded(), clampedTo: 0...barColumns) ?? 0 : 0
        let positiveColumns = barColumns - zeroColumn

        var lines: [String] = []
        let indent = String(repeating: " ", count: labelWidth + 1)
        if let title, !title.isEmpty {
            let cleaned = style.label(title, limit: style.width)
            let fitsOverBars = TextLayout.displayWidth(cleaned) <= barColumns + 2
            lines.append(fitsOverBars ? indent + TextLayout.center(cleaned, in: barColumns + 2) : TextLayout.center(cleaned, in: style.width))
        }
        let frameGap = String(repeating: " ", count: barColumns)
        lines.append(indent + style.topLeft + frameGap + style.topRight)
        for index in values.indices {
            let value = values[index]
            var bar = ""
            if value.isFinite && span > 0 {
                if value >= 0 {
                    bar = String(repeating: " ", count: zeroColumn)
                        + BarPlot.barGlyphs(eighths: (value / upper * Double(positiveColumns * 8)).rounded(), maximumColumns: positiveColumns, style: style)
                } else {
                    let columns = DataRange.index((value / lower * Double(zeroColumn)).rounded(), clampedTo: 0...zeroColumn) ?? 0
                    bar = String(repeating: " ", count: zeroColumn - columns) + String(repeating: style.unicode ? "█" : "#", count: columns)
                }
            } else if !value.isFinite {
                bar = String(repeating: " ", count: zeroColumn)
            }
            let isHighlighted = index == highlight
            let painted = style.paint(bar, isHighlighted ? "33;1" : "34")
            var line = TextLayout.padLeft(labelTexts[index], to: labelWidth) + " " + style.barTick + painted + " " + valueTexts[index]
            if isHighlighted { line += " " + style.paint(marker, "33;1") }
            lines.append(line)
        }
        lines.append(indent + style.bottomLeft + frameGap + style.bottomRight)
        return TextLayout.joinLines(lines)
    }

    /// A bar `eighths`/8 cells long: full blocks then one partial block (Unicode), or '#' rounded to whole
    /// cells (ASCII).
    static func barGlyphs(eighths: Double, maximumColumns: Int, style: ChartStyle) -> String {
        guard let total = DataRange.index(eighths, clampedTo: 0...(maximumColumns * 8)) else { return "" }
        guard style.unicode else { return String(repeating: "#", count: (total + 4) / 8) }
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: total / 8) + partials[total % 8]
    }
}
