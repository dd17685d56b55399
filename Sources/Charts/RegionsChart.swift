/// Decision regions as data: the class of each cell of a `resolution` x `resolution` grid over the ranges
/// (sampled once, at the cell centres), and the labelled points drawn on top.
struct RegionPlot: Sendable {
    var xLimits: (lower: Double, upper: Double)?
    var yLimits: (lower: Double, upper: Double)?
    var resolution: Int
    /// Row-major, the top row (highest y) first.
    var classes: [Int]
    var points: [(x: Double, y: Double, label: Int)]
    var classNames: [String]

    var problem: String? {
        xLimits == nil || yLimits == nil ? "the ranges are not finite and there are no finite points" : nil
    }

    /// The sampled class nearest to (x, y); 0 outside the grid.
    func classAt(_ x: Double, _ y: Double) -> Int {
        guard let xLimits, let yLimits,
              let cell = DataRange.cell(x: x, y: y, xLimits: xLimits, yLimits: yLimits, rows: resolution, columns: resolution),
              cell.row * resolution + cell.column < classes.count else { return 0 }
        return classes[cell.row * resolution + cell.column]
    }

    /// Classes in the legend: the named ones, else as many as the points' labels reach.
    var classCount: Int {
        let observed = points.filter { $0.x.isFinite && $0.y.isFinite }.map { $0.label + 1 }.max() ?? 0
        return classNames.isEmpty ? max(observed, 1) : classNames.count
    }

    func className(_ index: Int) -> String { index < classNames.count ? classNames[index] : "class \(index)" }
}

extension Chart {
    /// Samples per axis of `classAt` in a regions chart: fine enough that a boundary looks smooth in SVG and
    /// that terminal cells (which pick the nearest sample) land where they would have landed themselves.
    public static let regionResolution = 150

    /// 2-D decision regions: `classAt(x, y)` gives a class index per point of the plane, sampled on a grid over
    /// the ranges; points drawn on top with one glyph per class (e.g. o and x; regions as light shading ░▒ /
    /// ASCII . and :). Legend below.
    ///
    /// Points outside the ranges or with NaN/Inf coordinates are skipped; where two points share a cell the
    /// later one shows. Non-finite range bounds are replaced by the points' finite range.
    public static func regions(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, classAt: (Double, Double) -> Int,
                               points: [(x: Double, y: Double, label: Int)], classNames: [String], title: String? = nil,
                               resolution: Int = regionResolution) -> Chart {
        let xLimits = DataRange.planeLimits(xRange, fallback: points.map(\.x))
        let yLimits = DataRange.planeLimits(yRange, fallback: points.map(\.y))
        let size = min(max(resolution, 1), 1000)
        var classes: [Int] = []
        if let xLimits, let yLimits {
            classes.reserveCapacity(size * size)
            for row in 0..<size {
                let y = yLimits.upper - (Double(row) + 0.5) / Double(size) * (yLimits.upper - yLimits.lower)
                for column in 0..<size {
                    classes.append(classAt(xLimits.lower + (Double(column) + 0.5) / Double(size) * (xLimits.upper - xLimits.lower), y))
                }
            }
        }
        return Chart(title: title, content: .regions(RegionPlot(xLimits: xLimits, yLimits: yLimits, resolution: size, classes: classes,
                                                                 points: points, classNames: classNames)))
    }
}

extension RegionPlot {
    func text(title: String?, style: ChartStyle) -> String {
        guard let xLimits, let yLimits else { return Chart.nothingToPlot(problem ?? "", style: style) }
        let rows = style.height
        var frame = PlotFrame()
        frame.title = title.map { style.clean($0) }
        frame.leftLabels = AxisTicks.yTickLabels(lower: yLimits.lower, upper: yLimits.upper, rows: rows, middleRow: (rows - 1) / 2)
        let columns = max(frame.bodyWidth(fittingTotal: style.width), 1)

        let regionGlyphs = style.unicode ? ["░", " ", "▒", "▓"] : [".", " ", ":", "="]
        let markers = ["o", "x", "+", "*", "#", "@"]
        func wrapped(_ index: Int, _ count: Int) -> Int { ((index % count) + count) % count }

        // Cells hold (glyph, colour) so points can overwrite regions before the rows are painted.
        var cells: [[(glyph: String, sgr: String)]] = (0..<rows).map { row in
            let y = yLimits.upper - (Double(row) + 0.5) / Double(rows) * (yLimits.upper - yLimits.lower)
            return (0..<columns).map { column in
                let x = xLimits.lower + (Double(column) + 0.5) / Double(columns) * (xLimits.upper - xLimits.lower)
                let region = self.classAt(x, y)
                return (regionGlyphs[wrapped(region, regionGlyphs.count)], "2;" + style.seriesColor(wrapped(region, ChartStyle.seriesColors.count)))
            }
        }
        for point in points where point.x.isFinite && point.y.isFinite {
            guard point.x >= xLimits.lower, point.x <= xLimits.upper, point.y >= yLimits.lower, point.y <= yLimits.upper else { continue }
            guard let cell = DataRange.cell(x: point.x, y: point.y, xLimits: xLimits, yLimits: yLimits, rows: rows, columns: columns) else { continue }
            cells[cell.row][cell.column] = (markers[wrapped(point.label, markers.count)], "1;" + style.seriesColor(wrapped(point.label, ChartStyle.seriesColors.count)))
        }
        let body = cells.map { style.paintRow($0) }

        frame.footerLines = [.underBody(AxisTicks.xTickLine(lower: xLimits.lower, upper: xLimits.upper, bodyWidth: columns))]
        let legend = (0..<classCount).map { index -> String in
            let name = style.label(className(index), limit: 24)
            let swatch = style.paint(String(repeating: regionGlyphs[index % regionGlyphs.count], count: 2), "2;" + style.seriesColor(index))
            let marker = style.paint(markers[index % markers.count], "1;" + style.seriesColor(index))
            return swatch + " " + marker + " " + name
        }
        for line in Chart.wrapEntries(legend, width: style.width, ellipsis: style.ellipsis) {
            frame.footerLines.append(TextLayout.displayWidth(line) <= columns ? .centeredOnBody(line) : .fromLeftEdge(line))
        }
        return TextLayout.joinLines(frame.render(body: body, bodyWidth: columns, style: style))
    }

}
