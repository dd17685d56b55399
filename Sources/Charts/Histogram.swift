import Basics

/// A histogram's data: the values and how many bins were asked for.
struct HistogramPlot: Sendable {
    var values: [Double]
    var bins: Int

    var problem: String? {
        guard !values.isEmpty else { return "histogram of no values" }
        guard values.contains(where: \.isFinite) else { return "none of the \(values.count) values is finite" }
        return nil
    }

    /// The requested bin count, kept within 1...10,000.
    var binCount: Int { min(max(bins, 1), 10_000) }
}

extension Chart {
    /// Counts of `values` in `bins` equal-width bins over their finite range, drawn as vertical columns
    /// (eighth blocks ▁▂▃▄▅▆▇█ in Unicode, `_ = #` in ASCII) so the shape of the distribution shows at a
    /// glance. Counts label the left axis, bin edges the bottom; a note gives n, the bin width and how many
    /// NaN/Inf values were skipped. Fewer bins are used when the plot is narrower than `bins` columns.
    public static func histogram(_ values: [Double], bins: Int = 20, title: String? = nil) -> Chart {
        Chart(title: title, content: .histogram(HistogramPlot(values: values, bins: bins)))
    }

    /// Equal-width bins over `limits`; the top edge belongs to the last bin.
    static func binCounts(_ values: [Double], bins: Int, limits: (lower: Double, upper: Double)) -> [Int] {
        var counts = Array(repeating: 0, count: bins)
        let span = limits.upper - limits.lower
        for value in values {
            let position = (value - limits.lower) / span * Double(bins)
            guard let bin = DataRange.index(position.rounded(.down), clampedTo: 0...(bins - 1)) else { continue }
            counts[bin] += 1
        }
        return counts
    }
}

extension HistogramPlot {
    func text(title: String?, style: ChartStyle) -> String {
        let finite = values.filter(\.isFinite)
        guard let bounds = DataRange.finiteBounds(finite) else { return Chart.nothingToPlot(problem ?? "", style: style) }
        let skipped = values.count - finite.count
        let limits = DataRange.niceLimits(bounds.lower, bounds.upper)

        var frame = PlotFrame()
        frame.title = title.map { style.clean($0) }
        // Count labels depend only on the data: lay them out with a provisional bin count, then fit.
        var binCount = self.binCount
        var counts = Chart.binCounts(finite, bins: binCount, limits: limits)
        var maximum = counts.max() ?? 0
        let middleRow = style.height / 2
        frame.leftLabels = HistogramPlot.countLabels(maximum: maximum, rows: style.height, middleRow: middleRow)
        // Fewer bins than columns: each rebinning may widen the count labels, so repeat until it fits.
        var available = max(frame.bodyWidth(fittingTotal: style.width), 1)
        while binCount > available {
            binCount = available
            counts = Chart.binCounts(finite, bins: binCount, limits: limits)
            maximum = counts.max() ?? 0
            frame.leftLabels = HistogramPlot.countLabels(maximum: maximum, rows: style.height, middleRow: middleRow)
            available = max(frame.bodyWidth(fittingTotal: style.width), 1)
        }
        let columnsPerBin = max(max(frame.bodyWidth(fittingTotal: style.width), 1) / binCount, 1)
        let bodyWidth = columnsPerBin * binCount

        let levels = style.unicode ? ["", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : ["", "_", "_", "_", "=", "=", "=", "=", "#"]
        let heights = counts.map { count -> Int in
            guard maximum > 0, count > 0 else { return 0 }
            // A non-zero count stays visible even when it rounds below one eighth of a row.
            return max(Int((Double(count) / Double(maximum) * Double(style.height * 8)).rounded()), 1)
        }
        var body: [String] = []
        for row in 0..<style.height {
            let rowFromBottom = style.height - 1 - row
            var line = ""
            for height in heights {
                let fill = min(max(height - rowFromBottom * 8, 0), 8)
                let glyph = fill == 0 ? " " : levels[fill]
                line += String(repeating: glyph, count: columnsPerBin)
            }
            body.append(style.paint(line, "34"))
        }

        let binWidth = (limits.upper - limits.lower) / Double(binCount)
        frame.footerLines = [.underBody(AxisTicks.xTickLine(lower: limits.lower, upper: limits.upper, bodyWidth: bodyWidth))]
        var note = "n = \(finite.count), \(binCount) bins of width \(NumberText.compact(binWidth, significantDigits: 3))"
        if skipped > 0 { note += ", \(skipped) NaN/Inf skipped" }
        frame.footerLines.append(.centeredOnBody(note))
        return TextLayout.joinLines(frame.render(body: body, bodyWidth: bodyWidth, style: style))
    }

    private static func countLabels(maximum: Int, rows: Int, middleRow: Int) -> [Int: String] {
        var labels = [0: "\(maximum)", rows - 1: "0"]
        if rows >= 5 && maximum >= 2 {
            // The row whose top edge sits at half the maximum count.
            labels[middleRow] = NumberText.compact(Double(maximum) * Double(rows - middleRow) / Double(rows), significantDigits: 3)
        }
        return labels
    }
}
