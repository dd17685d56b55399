import Basics

extension RegionPlot {
    /// The sampled regions as light tints of the class colours, the points on top with one marker shape and
    /// colour per class, round ticks on both axes, and a legend pairing each region with its marker.
    func svg(title: String?) -> SVGPanel? {
        guard let xLimits, let yLimits, resolution > 0, classes.count == resolution * resolution else { return nil }
        let style = ChartStyle(ChartOptions())
        var frame = SVGFrame.plane(title: title, xLimits: xLimits, yLimits: yLimits)
        frame.legend = (0..<classCount).map { index in
            SVGLegendEntry(name: SVGWriter.fit(style.clean(className(index)), width: 200, size: SVGFrame.labelSize),
                           swatch: .box(fill: RegionPlot.regionColor(index), marker: SVGMarker.forClass(index),
                                        markerColor: SVGPalette.seriesColor(index)))
        }

        // Regions: one path per class of its horizontal runs, in grid cells scaled to the plot area.
        var runs: [Int: String] = [:]
        for row in 0..<resolution {
            var column = 0
            while column < resolution {
                let region = classes[row * resolution + column]
                var end = column + 1
                while end < resolution && classes[row * resolution + end] == region { end += 1 }
                runs[region, default: ""] += "M\(column) \(row)h\(end - column)v1h-\(end - column)z"
                column = end
            }
        }
        var writer = SVGWriter()
        let cellWidth = frame.plotWidth / Double(resolution), cellHeight = frame.plotHeight / Double(resolution)
        writer.open("g", "transform=\"translate(\(SVGWriter.number(frame.left)) \(SVGWriter.number(frame.top))) "
                         + "scale(\(RegionPlot.precise(cellWidth)) \(RegionPlot.precise(cellHeight)))\" shape-rendering=\"crispEdges\"")
        for region in runs.keys.sorted() {
            writer.path(runs[region] ?? "", extra: "fill=\"\(RegionPlot.regionColor(region))\"")
        }
        writer.close()
        frame.drawUnderlay(into: &writer)

        let (xScale, yScale) = (frame.xScale, frame.yScale)
        var byClass: [Int: [(x: Double, y: Double)]] = [:]
        for point in points where point.x.isFinite && point.y.isFinite
            && point.x >= xLimits.lower && point.x <= xLimits.upper && point.y >= yLimits.lower && point.y <= yLimits.upper {
            byClass[point.label, default: []].append((xScale(point.x), yScale(point.y)))
        }
        for label in byClass.keys.sorted() {
            for point in byClass[label] ?? [] {
                SVGMarker.forClass(label).draw(point.x, point.y, size: 7, color: SVGPalette.seriesColor(label), into: &writer)
            }
        }
        frame.drawOverlay(into: &writer)
        return SVGPanel(width: frame.width, height: frame.height, body: writer)
    }

    /// A class's region: its colour mixed with much white, so the points in the full colour stand out.
    static func regionColor(_ index: Int) -> String {
        SVGPalette.tint(SVGPalette.seriesColor(index), 0.72)
    }

    /// Scale factors need more than one decimal (150 cells in 360 pixels is 2.4, in 520 it is 3.4667).
    static func precise(_ value: Double) -> String {
        let text = (NumberFormat(validating: "%.4f") ?? NumberFormat.general).format(value)
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
