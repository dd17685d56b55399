extension BarPlot {
    /// Horizontal bars from a zero line, labels on the left, each value printed at the end of its bar, round
    /// ticks and vertical gridlines along the value axis; the highlighted bar in the second palette colour.
    func svg(title: String?) -> SVGPanel? {
        guard let bounds = DataRange.finiteBounds(values) else { return nil }
        let style = ChartStyle(ChartOptions())
        let ticks = DataRange.niceTicks(min(bounds.lower, 0), max(bounds.upper, 0), count: 5)
        let count = values.count
        let rowHeight = 26.0, barHeight = 18.0
        let valueTexts = self.valueTexts(longest: 16)
        let valueWidth = valueTexts.map { SVGWriter.textWidth($0, size: SVGFrame.labelSize) }.max() ?? 0

        var frame = SVGFrame(title: title, xDomain: (ticks.lower, ticks.upper), yDomain: (0, Double(count)),
                             plotWidth: 440, plotHeight: rowHeight * Double(count))
        frame.xTicks = SVGFrame.ticks(ticks.values)
        frame.yTicks = values.indices.map { (value: Double(count - $0) - 0.5, label: SVGWriter.fit(style.clean(label($0)), width: 160, size: SVGFrame.tickSize)) }
        frame.horizontalGrid = false
        frame.yTickMarks = false
        frame.extraRight = valueWidth + 16
        let (xScale, yScale) = (frame.xScale, frame.yScale)
        let zero = xScale(0)

        var writer = SVGWriter()
        frame.drawUnderlay(into: &writer)
        writer.open("g", "shape-rendering=\"crispEdges\"")
        for index in values.indices where values[index].isFinite {
            let end = xScale(values[index])
            let centre = yScale(Double(count - index) - 0.5)
            let color = index == highlightedIndex ? SVGPalette.seriesColor(1) : SVGPalette.seriesColor(0)
            writer.rect(min(zero, end), centre - barHeight / 2, abs(end - zero), barHeight, fill: color)
        }
        writer.close()
        if ticks.lower < 0 { writer.line(zero, frame.top, zero, frame.plotBottom, stroke: SVGPalette.axis, extra: "shape-rendering=\"crispEdges\"") }
        writer.open("g", "fill=\"\(SVGPalette.text)\" font-size=\"\(SVGWriter.number(SVGFrame.labelSize))\"")
        for index in values.indices {
            let value = values[index]
            let end = value.isFinite ? xScale(value) : zero
            let centre = yScale(Double(count - index) - 0.5)
            let negative = value.isFinite && value < 0
            writer.text(valueTexts[index], negative ? end - 5 : end + 5, centre + 4, anchor: negative ? .end : .start,
                        bold: index == highlightedIndex)
        }
        writer.close()
        frame.drawOverlay(into: &writer)
        return SVGPanel(width: frame.width, height: frame.height, body: writer)
    }
}
