import Basics

extension HistogramPlot {
    /// Adjacent columns over the same bins as the text chart (fewer when they would be under a pixel wide),
    /// counts up the side, bin edges along the bottom, and the same note: n, bin width, values skipped.
    func svg(title: String?) -> SVGPanel? {
        let finite = values.filter(\.isFinite)
        guard let bounds = DataRange.finiteBounds(finite) else { return nil }
        let limits = DataRange.niceLimits(bounds.lower, bounds.upper)
        let plotWidth = 520.0
        let bins = min(binCount, Int(plotWidth))
        let counts = Chart.binCounts(finite, bins: bins, limits: limits)
        let maximum = counts.max() ?? 0
        let countTicks = DataRange.niceTicks(0, Double(max(maximum, 1)), count: 5)
        let edgeTicks = DataRange.niceTicks(limits.lower, limits.upper, count: 6).values
            .filter { $0 >= limits.lower - 1e-9 * abs(limits.lower) && $0 <= limits.upper + 1e-9 * abs(limits.upper) }

        var frame = SVGFrame(title: title, xDomain: limits, yDomain: (0, countTicks.upper), plotWidth: plotWidth, plotHeight: 260)
        frame.xTicks = SVGFrame.ticks(edgeTicks)
        frame.yTicks = SVGFrame.ticks(countTicks.values)
        frame.verticalGrid = false
        let binWidth = (limits.upper - limits.lower) / Double(bins)
        var note = "n = \(finite.count), \(bins) bins of width \(NumberText.compact(binWidth, significantDigits: 3))"
        if values.count > finite.count { note += ", \(values.count - finite.count) NaN/Inf skipped" }
        frame.notes = [note]
        let (xScale, yScale) = (frame.xScale, frame.yScale)

        var writer = SVGWriter()
        frame.drawUnderlay(into: &writer)
        let pixelsPerBin = plotWidth / Double(bins)
        let outline = pixelsPerBin >= 4 ? " stroke=\"#ffffff\" stroke-width=\"0.6\"" : ""
        writer.open("g", "fill=\"\(SVGPalette.seriesColor(0))\"\(outline)")
        for (bin, count) in counts.enumerated() where count > 0 {
            let x0 = xScale(limits.lower + Double(bin) * binWidth), x1 = xScale(limits.lower + Double(bin + 1) * binWidth)
            let top = yScale(Double(count))
            // A non-zero count stays visible even when it is under a pixel tall.
            writer.rect(x0, min(top, frame.plotBottom - 1), x1 - x0, max(frame.plotBottom - top, 1))
        }
        writer.close()
        frame.drawOverlay(into: &writer)
        return SVGPanel(width: frame.width, height: frame.height, body: writer)
    }
}
