import Basics

/// The Playground's pictures in SVG: the output over the plane, each node's thumbnail, the network's edges. They
/// use the Playground's own diverging colours (orange for -1, near-white for 0, blue for +1), as the lecture shows
/// them.
enum DivergingGrid {
    /// Output levels an SVG grid is drawn with (steps of 0.05 from -1 to 1): enough for a smooth scale, and few
    /// enough that neighbouring samples merge into one run.
    static let levels = 41

    static func level(_ value: Double) -> Int? {
        guard value.isFinite else { return nil }
        return Int(((min(max(value, -1), 1) + 1) / 2 * Double(levels - 1)).rounded())
    }

    static func color(ofLevel level: Int) -> String {
        DivergingScale.svgColor(Double(level) / Double(levels - 1) * 2 - 1)
    }

    /// A `columns` x `rows` grid of values (row-major, top row first) as one path per colour level of its
    /// horizontal runs, in grid cells; the caller scales the group. NaN cells are left to the background.
    static func draw(_ value: (Int, Int) -> Double, columns: Int, rows: Int, into writer: inout SVGWriter) {
        var runs: [Int: String] = [:]
        for row in 0..<rows {
            var column = 0
            while column < columns {
                let level = DivergingGrid.level(value(row, column))
                var end = column + 1
                while end < columns && DivergingGrid.level(value(row, end)) == level { end += 1 }
                if let level { runs[level, default: ""] += "M\(column) \(row)h\(end - column)v1h-\(end - column)z" }
                column = end
            }
        }
        for level in runs.keys.sorted() {
            writer.path(runs[level] ?? "", extra: "fill=\"\(color(ofLevel: level))\"")
        }
    }

    /// The scale as a strip of swatches from -1 to +1 with its ends labelled, `width` wide, at (x, y).
    static func strip(x: Double, y: Double, width: Double, into writer: inout SVGWriter) {
        let steps = 21
        writer.open("g", "shape-rendering=\"crispEdges\"")
        for step in 0..<steps {
            let v = Double(step) / Double(steps - 1) * 2 - 1
            writer.rect(x + width * Double(step) / Double(steps), y, width / Double(steps) + 0.5, 10, fill: DivergingScale.svgColor(v))
        }
        writer.close()
        writer.text("-1", x - 4, y + 9, anchor: .end, size: SVGFrame.tickSize, fill: SVGPalette.text)
        writer.text("+1", x + width + 4, y + 9, size: SVGFrame.tickSize, fill: SVGPalette.text)
    }
}

extension OutputMapPlot {
    /// The output over the plane on the Playground's scale, the points on top (training points outlined in
    /// white, test points in black), axes with round ticks, a legend and the scale.
    func svg(title: String?) -> SVGPanel? {
        guard let xLimits, let yLimits, problem == nil else { return nil }
        let style = ChartStyle(ChartOptions())
        var frame = SVGFrame.plane(title: title, xLimits: xLimits, yLimits: yLimits)
        frame.xLabel = "x1"
        frame.yLabel = "x2"
        frame.legend = [
            SVGLegendEntry(name: SVGWriter.fit(style.clean(sideNames.negative), width: 180, size: SVGFrame.labelSize),
                           swatch: .box(fill: DivergingScale.svgColor(-0.6), marker: .circle, markerColor: DivergingScale.svgColor(-1))),
            SVGLegendEntry(name: SVGWriter.fit(style.clean(sideNames.positive), width: 180, size: SVGFrame.labelSize),
                           swatch: .box(fill: DivergingScale.svgColor(0.6), marker: .circle, markerColor: DivergingScale.svgColor(1))),
        ]
        if hasTestPoints {
            frame.legend.append(SVGLegendEntry(name: "test points (dark outline)", swatch: .box(fill: "#ffffff", marker: .circle, markerColor: "#222222")))
        }
        frame.notes = [discretize ? "the output's sign only" : "the output, from -1 (orange) through 0 (white) to +1 (blue)"]

        var writer = SVGWriter()
        let cellWidth = frame.plotWidth / Double(resolution), cellHeight = frame.plotHeight / Double(resolution)
        var grid = SVGWriter()
        // Discretized, a lighter tint of each side, so the points stay readable on it.
        DivergingGrid.draw({ row, column in
            let v = values[row * resolution + column]
            return discretize && v.isFinite ? DivergingScale.discretized(v) * 0.6 : v
        }, columns: resolution, rows: resolution, into: &grid)
        writer.group("transform=\"translate(\(SVGWriter.number(frame.left)) \(SVGWriter.number(frame.top))) "
                     + "scale(\(RegionPlot.precise(cellWidth)) \(RegionPlot.precise(cellHeight)))\" shape-rendering=\"crispEdges\"", grid)
        frame.drawUnderlay(into: &writer)

        let (xScale, yScale) = (frame.xScale, frame.yScale)
        let shown = points.filter { $0.x.isFinite && $0.y.isFinite && $0.x >= xLimits.lower && $0.x <= xLimits.upper
            && $0.y >= yLimits.lower && $0.y <= yLimits.upper }
        // Training points first, so the test points are on top.
        for (test, outline) in [(false, "#ffffff"), (true, "#222222")] {
            var dots = SVGWriter()
            for point in shown where point.isTest == test {
                let fill = point.value.isFinite ? DivergingScale.svgColor(point.value) : SVGPalette.missing
                dots.circle(xScale(point.x), yScale(point.y), radius: 3.5, extra: "fill=\"\(fill)\"")
            }
            writer.group("stroke=\"\(outline)\" stroke-width=\"\(test ? "1.5" : "1")\"", dots)
        }
        frame.drawOverlay(into: &writer)
        DivergingGrid.strip(x: frame.plotRight + 44, y: frame.top + Double(frame.legend.count) * 20 + 16, width: 100, into: &writer)
        return SVGPanel(width: max(frame.width, frame.plotRight + 170), height: frame.height, body: writer)
    }
}

extension NeuronGridPlot {
    /// Each layer's title, then its nodes' thumbnails side by side (wrapping past 1,000 pixels), each node's
    /// name under it; the scale and the square's range at the bottom.
    func svg(title: String?) -> SVGPanel? {
        guard problem == nil else { return nil }
        let style = ChartStyle(ChartOptions())
        let scale = max((80 / Double(resolution)).rounded(.down), 1)
        let side = Double(resolution) * scale
        let gap = 12.0, nameHeight = 18.0, left = 12.0
        let perRow = max(Int((1000 - left) / (side + gap)), 1)
        var writer = SVGWriter()
        var y = title == nil ? 10.0 : 40.0
        var width = 0.0
        for layer in layers where !layer.nodes.isEmpty {
            y += 16
            let heading = "\(style.clean(layer.title)): \(layer.nodes.count) node\(layer.nodes.count == 1 ? "" : "s")"
            writer.text(heading, left, y, bold: true, fill: SVGPalette.text)
            y += 8
            for (index, node) in layer.nodes.enumerated() {
                if index > 0 && index % perRow == 0 { y += side + nameHeight + gap }
                let x = left + Double(index % perRow) * (side + gap)
                var cells = SVGWriter()
                DivergingGrid.draw({ row, column in node.values[row * resolution + column] },
                                   columns: resolution, rows: resolution, into: &cells)
                writer.group("transform=\"translate(\(SVGWriter.number(x)) \(SVGWriter.number(y))) scale(\(SVGWriter.number(scale)))\" "
                             + "shape-rendering=\"crispEdges\"", cells)
                writer.rect(x, y, side, side, fill: "none", extra: "stroke=\"\(SVGPalette.axis)\" stroke-width=\"0.5\"")
                writer.text(SVGWriter.fit(style.clean(node.name), width: side + gap, size: SVGFrame.tickSize), x + side / 2, y + side + 14,
                            anchor: .middle, size: SVGFrame.tickSize, fill: SVGPalette.text)
                width = max(width, x + side)
            }
            y += side + nameHeight + 4
        }
        let square = "x1 from \(NumberText.compact(xLimits.lower)) to \(NumberText.compact(xLimits.upper)) across, "
            + "x2 from \(NumberText.compact(yLimits.lower)) to \(NumberText.compact(yLimits.upper)) up"
        y += 12
        DivergingGrid.strip(x: left + 22, y: y - 9, width: 100, into: &writer)
        writer.text("each node's output · " + square, left + 150, y, fill: SVGPalette.mutedText)
        width = max(width + left, left + 150 + SVGWriter.textWidth("each node's output · " + square, size: 12) + 12)
        if let title {
            width = max(width, SVGWriter.textWidth(title, size: SVGFrame.titleSize) + 24)
            writer.text(title, width / 2, 26, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
        }
        return SVGPanel(width: width.rounded(.up), height: (y + 12).rounded(.up), body: writer)
    }
}

extension NetworkPlot {
    /// A column of labelled nodes per layer and an edge per non-zero weight: blue and solid for positive weights,
    /// orange and dashed for negative ones, thicker for larger |w|; the column titles above, the parameter
    /// arithmetic below.
    func svg(title: String?) -> SVGPanel? {
        guard problem == nil else { return nil }
        let style = ChartStyle(ChartOptions())
        let labels = columns.map { $0.nodes.map { SVGWriter.fit(style.clean($0), width: 90, size: SVGFrame.tickSize) } }
        let boxWidths = labels.map { column in max(34, (column.map { SVGWriter.textWidth($0, size: SVGFrame.tickSize) }.max() ?? 0) + 14) }
        let titles = columns.map { SVGWriter.fit(style.clean($0.title), width: 150, size: SVGFrame.labelSize) }
        let spacing = 190.0, rowHeight = 40.0, boxHeight = 22.0
        let largestColumn = Double(columns.map(\.nodes.count).max() ?? 1)
        let top = (title == nil ? 14.0 : 44.0) + 22
        let left = 20.0 + max(0, (SVGWriter.textWidth(titles.first ?? "", size: SVGFrame.labelSize) - (boxWidths.first ?? 0)) / 2)
        func centre(_ l: Int) -> Double { left + (boxWidths.first ?? 0) / 2 + Double(l) * spacing }
        func nodeY(_ i: Int, of n: Int) -> Double { top + (largestColumn - Double(n)) * rowHeight / 2 + Double(i) * rowHeight + rowHeight / 2 }
        let largest = largestWeight

        var writer = SVGWriter()
        for (l, matrix) in weights.enumerated() {
            for (i, fan) in matrix.enumerated() {
                for (j, w) in fan.enumerated() where thickness(w) > 0 && largest > 0 {
                    let x0 = centre(l) + boxWidths[l] / 2, x1 = centre(l + 1) - boxWidths[l + 1] / 2
                    let width = 0.6 + 4 * abs(w) / largest
                    let color = DivergingScale.svgColor(w < 0 ? -1 : 1)
                    writer.line(x0, nodeY(i, of: matrix.count), x1, nodeY(j, of: fan.count), stroke: color,
                                extra: "stroke-width=\"\(SVGWriter.number(width))\"" + (w < 0 ? " stroke-dasharray=\"5 3\"" : ""))
                }
            }
        }
        writer.open("g", "font-size=\"\(SVGWriter.number(SVGFrame.tickSize))\" text-anchor=\"middle\"")
        for (l, column) in labels.enumerated() {
            for (i, label) in column.enumerated() {
                let y = nodeY(i, of: column.count)
                writer.rect(centre(l) - boxWidths[l] / 2, y - boxHeight / 2, boxWidths[l], boxHeight, fill: "#ffffff",
                            extra: "stroke=\"\(SVGPalette.axis)\" stroke-width=\"1\" rx=\"11\"")
                writer.text(label, centre(l), y + 4, fill: SVGPalette.text)
            }
        }
        writer.close()
        writer.open("g", "font-size=\"\(SVGWriter.number(SVGFrame.labelSize))\" text-anchor=\"middle\" fill=\"\(SVGPalette.text)\"")
        for (l, text) in titles.enumerated() { writer.text(text, centre(l), top - 10) }
        writer.close()
        var y = top + largestColumn * rowHeight + 14
        let key = "blue: positive weight, orange dashed: negative; thicker: larger |w|; no line: w = 0"
        var width = centre(columns.count - 1) + (boxWidths.last ?? 0) / 2 + 20
        for note in notes.map(style.clean) + [key] {
            writer.text(note, 20, y, fill: SVGPalette.mutedText)
            width = max(width, 20 + SVGWriter.textWidth(note, size: 12) + 12)
            y += 17
        }
        if let title {
            width = max(width, SVGWriter.textWidth(title, size: SVGFrame.titleSize) + 24)
            writer.text(title, width / 2, 26, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
        }
        return SVGPanel(width: width.rounded(.up), height: (y + 4).rounded(.up), body: writer)
    }
}
