/// A model's output over the plane as the Playground's main heatmap: each cell of a `resolution` x `resolution`
/// grid shaded by the output there (a value in [-1, 1]: P(class 1) - P(class 0), or a regression value) on the
/// Playground's diverging scale, optionally discretized to its sign; the training points on top, and the test
/// points too when given (drawn apart: other glyphs in text, a dark outline in SVG).
struct OutputMapPlot: Sendable {
    struct Point: Sendable {
        var x: Double
        var y: Double
        /// -1 or +1 for the two classes; the target for regression.
        var value: Double
        var isTest: Bool
    }

    var xLimits: (lower: Double, upper: Double)?
    var yLimits: (lower: Double, upper: Double)?
    var resolution: Int
    /// Row-major, the top row (highest y) first.
    var values: [Double]
    var points: [Point]
    var discretize: Bool
    /// What a point's side is called in the legend: ("class 0", "class 1"), ("value < 0", "value > 0").
    var sideNames: (negative: String, positive: String)

    var problem: String? {
        if xLimits == nil || yLimits == nil { return "the ranges are not finite and there are no finite points" }
        if resolution < 1 || values.count != resolution * resolution { return "the grid of outputs is incomplete" }
        return nil
    }

    /// The sampled output nearest to (x, y), discretized when asked.
    func value(_ x: Double, _ y: Double) -> Double {
        guard let xLimits, let yLimits, resolution > 0, values.count == resolution * resolution,
              let cell = DataRange.cell(x: x, y: y, xLimits: xLimits, yLimits: yLimits, rows: resolution, columns: resolution) else {
            return .nan
        }
        let v = values[cell.row * resolution + cell.column]
        return discretize && v.isFinite ? DivergingScale.discretized(v) : v
    }

    /// Point glyphs: o and x for the negative and positive side in training, O and X in the test set.
    static func marker(negative: Bool, test: Bool) -> String {
        test ? (negative ? "O" : "X") : (negative ? "o" : "x")
    }

    var hasTestPoints: Bool { points.contains { $0.isTest } }
}

extension Chart {
    /// Samples per axis of an output map: the Playground's density (100) and a bit more, so SVG edges look smooth.
    public static let outputMapResolution = 120

    /// The decision regions shaded by the model's output, as the Playground draws them: `values` (row-major,
    /// top row first, `resolution` per side) over the ranges; points as (x, y, value, isTest) with value -1/+1 for
    /// the two classes or the target for regression. `discretize` shows only the sign of the output.
    public static func outputMap(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, values: [Double], resolution: Int,
                                 points: [(x: Double, y: Double, value: Double, isTest: Bool)], discretize: Bool,
                                 sideNames: (negative: String, positive: String), title: String? = nil) -> Chart {
        let plot = OutputMapPlot(xLimits: DataRange.planeLimits(xRange, fallback: points.map(\.x)),
                                 yLimits: DataRange.planeLimits(yRange, fallback: points.map(\.y)),
                                 resolution: resolution, values: values,
                                 points: points.map { OutputMapPlot.Point(x: $0.x, y: $0.y, value: $0.value, isTest: $0.isTest) },
                                 discretize: discretize, sideNames: sideNames)
        return Chart(title: title, content: .outputMap(plot))
    }
}

extension OutputMapPlot {
    func text(title: String?, style: ChartStyle) -> String {
        guard let xLimits, let yLimits else { return Chart.nothingToPlot(problem ?? "", style: style) }
        let rows = style.height
        var frame = PlotFrame()
        frame.title = title.map { style.clean($0) }
        frame.leftLabels = AxisTicks.yTickLabels(lower: yLimits.lower, upper: yLimits.upper, rows: rows, middleRow: (rows - 1) / 2)
        let columns = max(frame.bodyWidth(fittingTotal: style.width), 1)

        // Cells hold (glyph, colour) so points can overwrite the shading before the rows are painted.
        var cells: [[(glyph: String, sgr: String)]] = (0..<rows).map { row in
            let y = yLimits.upper - (Double(row) + 0.5) / Double(rows) * (yLimits.upper - yLimits.lower)
            return (0..<columns).map { column in
                let x = xLimits.lower + (Double(column) + 0.5) / Double(columns) * (xLimits.upper - xLimits.lower)
                // Discretized, the lightest texture of each side, so the points stay readable on it.
                let v = discretize ? value(x, y) * 0.3 : value(x, y)
                return (DivergingScale.glyph(v, unicode: style.unicode), DivergingScale.sgr(v))
            }
        }
        // Training points first, so a test point sharing a cell shows. More points than a fifth of the cells would
        // hide the shading (1,200 regression points): then one point in `step` is drawn.
        // A point valued near 0 (regression) is as pale as the band it sits in (the Playground's near-white): not drawn.
        let visible = points.filter { abs($0.value) >= DivergingScale.blankBelow || $0.value.isNaN }
        let drawn = visible.filter { !$0.isTest } + visible.filter(\.isTest)
        let step = max(1, (drawn.count * 5 + rows * columns - 1) / max(rows * columns, 1))
        for point in stride(from: 0, to: drawn.count, by: step).map({ drawn[$0] }) where point.x.isFinite && point.y.isFinite {
            guard point.x >= xLimits.lower, point.x <= xLimits.upper, point.y >= yLimits.lower, point.y <= yLimits.upper else { continue }
            guard let cell = DataRange.cell(x: point.x, y: point.y, xLimits: xLimits, yLimits: yLimits, rows: rows, columns: columns) else { continue }
            let negative = point.value < 0
            cells[cell.row][cell.column] = (OutputMapPlot.marker(negative: negative, test: point.isTest), DivergingScale.pointSGR(negative: negative))
        }
        let body = cells.map { style.paintRow($0) }

        frame.footerLines = [.underBody(AxisTicks.xTickLine(lower: xLimits.lower, upper: xLimits.upper, bodyWidth: columns))]
        // The scale, then the points: "output -1 ▓▒░ ·⠶⣿ +1   o x training   O X test".
        let scale = [-0.9, -0.65, -0.35].map { style.paint(DivergingScale.glyph($0, unicode: style.unicode), DivergingScale.sgr($0)) }.joined()
            + " " + [0.35, 0.65, 0.9].map { style.paint(DivergingScale.glyph($0, unicode: style.unicode), DivergingScale.sgr($0)) }.joined()
        var legend = [discretize ? "output: sign only" : "output -1 \(scale) +1"]
        func markers(test: Bool) -> String {
            style.paint(OutputMapPlot.marker(negative: true, test: test), DivergingScale.pointSGR(negative: true)) + " "
                + style.paint(OutputMapPlot.marker(negative: false, test: test), DivergingScale.pointSGR(negative: false))
        }
        let names = "\(style.label(sideNames.negative, limit: 16)), \(style.label(sideNames.positive, limit: 16))"
        legend.append("\(markers(test: false)) training (\(names))")
        if hasTestPoints { legend.append("\(markers(test: true)) test") }
        if step > 1 { legend.append("1 point in \(step) shown") }
        for line in Chart.wrapEntries(legend, width: style.width, ellipsis: style.ellipsis) {
            frame.footerLines.append(TextLayout.displayWidth(line) <= columns ? .centeredOnBody(line) : .fromLeftEdge(line))
        }
        return TextLayout.joinLines(frame.render(body: body, bodyWidth: columns, style: style))
    }
}
