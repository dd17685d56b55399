/// A line chart's data: several series over a shared x axis, with axis names and an optional y range.
struct LinePlot: Sendable {
    var series: [Series]
    var xLabel: String?
    var yLabel: String?
    var yRange: ClosedRange<Double>?

    /// Each series' points, `nil` where a NaN/Inf coordinate breaks the line.
    var pointLists: [[(x: Double, y: Double)?]] { series.map(\.pointsWithGaps) }

    var problem: String? {
        guard !series.isEmpty else { return "no series given" }
        let finite = series.contains { $0.pointsWithGaps.contains { $0 != nil } }
        if finite { return nil }
        if series.count == 1 { return LinePlot.problem(of: series[0]) }
        return "none of the \(series.count) series has a finite point"
    }

    /// Finite x and y bounds over all series (nil only when `problem` is set).
    var bounds: (x: (lower: Double, upper: Double), y: (lower: Double, upper: Double))? {
        let finitePoints = pointLists.flatMap { $0.compactMap { $0 } }
        guard let x = DataRange.finiteBounds(finitePoints.map(\.x)), let y = DataRange.finiteBounds(finitePoints.map(\.y)) else { return nil }
        return (x, y)
    }

    /// The requested y range where its bounds are finite, else the data's range rounded outward.
    func verticalLimits(data: (lower: Double, upper: Double)) -> (lower: Double, upper: Double) {
        let nice = DataRange.niceLimits(data.lower, data.upper)
        guard let requested = yRange else { return nice }
        let lower = requested.lowerBound.isFinite ? requested.lowerBound : nice.lower
        let upper = requested.upperBound.isFinite ? requested.upperBound : nice.upper
        return upper > lower ? (lower, upper) : DataRange.widenedIfDegenerate(lower, lower)
    }
}

extension Chart {
    /// Several series, legend, y ticks (min/max/mid), x ticks, optional axis labels. Braille in unicode mode
    /// (each series its own glyph style or colour; in ASCII mode each series a different character * + o x #).
    ///
    /// In monochrome Unicode, series are told apart by dash pattern: solid, dashed, dotted, long dashes.
    /// Points with a NaN or infinite coordinate are skipped and the line breaks there. The x range and (unless
    /// `yRange` is given) the y range come from the finite points, rounded outward to readable limits.
    public static func line(_ series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                            yRange: ClosedRange<Double>? = nil) -> Chart {
        Chart(title: title, content: .line(LinePlot(series: series, xLabel: xLabel, yLabel: yLabel, yRange: yRange)))
    }
}

extension LinePlot {
    func text(title: String?, style: ChartStyle) -> String {
        guard let bounds else { return Chart.nothingToPlot(problem ?? "no finite points", style: style) }
        let pointLists = self.pointLists
        let xBounds = bounds.x, yBounds = bounds.y
        let xLimits = DataRange.niceLimits(xBounds.lower, xBounds.upper)
        let yLimits = verticalLimits(data: yBounds)
        let resolution: Canvas.Resolution = style.unicode ? .braille : .ascii
        let pixelsDown = resolution.pixelsDown
        let middleRow = Int((Double(style.height * pixelsDown - 1) / 2) / Double(pixelsDown))

        var frame = PlotFrame()
        frame.title = title.map { style.clean($0) }
        frame.leftLabels = AxisTicks.yTickLabels(lower: yLimits.lower, upper: yLimits.upper, rows: style.height, middleRow: middleRow)
        if let yLabel, !yLabel.isEmpty {
            frame.leftTitle = style.label(yLabel, limit: max(3, style.width / 6))
            frame.leftTitleRow = middleRow
        }

        // Legend right of the plot like UnicodePlots when the plot keeps a useful width, else below it.
        let legend = series.indices.map { legendEntry(series[$0], index: $0, hasData: pointLists[$0].contains { $0 != nil }, style: style) }
        if legend.count <= style.height {
            frame.rightLabels = Dictionary(uniqueKeysWithValues: legend.enumerated().map { ($0.offset, $0.element) })
        }
        var bodyWidth = frame.bodyWidth(fittingTotal: style.width)
        if !frame.rightLabels.isEmpty && bodyWidth < 40 {
            frame.rightLabels = [:]
            bodyWidth = frame.bodyWidth(fittingTotal: style.width)
        }
        bodyWidth = max(bodyWidth, 1)

        var canvas = Canvas(columns: bodyWidth, rows: style.height, resolution: resolution, xRange: xLimits, yRange: yLimits)
        for (index, points) in pointLists.enumerated() {
            drawPolyline(points, series: index, pattern: dashPattern(series: index, style: style), on: &canvas)
        }
        let colors = style.color ? series.indices.map(style.seriesColor) : nil
        let body = canvas.renderRows(markers: Chart.asciiMarkers, style: style, colors: colors)

        frame.footerLines = [.underBody(AxisTicks.xTickLine(lower: xLimits.lower, upper: xLimits.upper, bodyWidth: bodyWidth))]
        if let xLabel, !xLabel.isEmpty {
            frame.footerLines.append(.centeredOnBody(style.label(xLabel, limit: style.width)))
        }
        if frame.rightLabels.isEmpty {
            for line in Chart.wrapEntries(legend, width: style.width, ellipsis: style.ellipsis) {
                let fits = TextLayout.displayWidth(line) <= bodyWidth
                frame.footerLines.append(fits ? .centeredOnBody(line) : .fromLeftEdge(line))
            }
        }
        return TextLayout.joinLines(frame.render(body: body, bodyWidth: bodyWidth, style: style))
    }

    /// Colour or (in ASCII) the marker character already tells series apart; only monochrome braille
    /// needs dashes.
    func dashPattern(series index: Int, style: ChartStyle) -> DashPattern {
        style.color || !style.unicode ? .solid : DashPattern.sequence[index % DashPattern.sequence.count]
    }

    /// Connects consecutive finite points; a gap (NaN/Inf) starts a new stroke, and a lone point between
    /// gaps is still drawn as a dot.
    private func drawPolyline(_ points: [(x: Double, y: Double)?], series: Int, pattern: DashPattern,
                                     on canvas: inout Canvas) {
        var previous: (x: Double, y: Double)?
        var stroke = Stroke(pattern: pattern)
        for point in points {
            guard let point else {
                previous = nil
                stroke.lift()
                continue
            }
            canvas.plotLine(from: previous ?? point, to: point, series: series, stroke: &stroke)
            previous = point
        }
    }

    /// A short sample of the series' line followed by its name, e.g. "⠒⠂⠐ validation".
    private func legendEntry(_ series: Series, index: Int, hasData: Bool, style: ChartStyle) -> String {
        let name = style.label(series.name.isEmpty ? "series \(index + 1)" : series.name, limit: min(24, style.width - 15))
        let sample: String
        if style.unicode {
            let pattern = dashPattern(series: index, style: style)
            var canvas = Canvas(columns: 3, rows: 1, resolution: .braille, xRange: (0, 5), yRange: (0, 3))
            var stroke = Stroke(pattern: pattern)
            canvas.plotLine(from: (0, 2), to: (5, 2), series: index, stroke: &stroke)
            sample = canvas.renderRows(markers: [], style: style).first ?? ""
        } else {
            sample = Chart.asciiMarkers[index % Chart.asciiMarkers.count]
        }
        let entry = sample + " " + name + (hasData ? "" : " (no data)")
        return style.paint(entry, style.seriesColor(index))
    }

    static func problem(of series: Series) -> String {
        let name = ChartStyle(ChartOptions()).label(series.name, limit: 40)
        return min(series.x.count, series.y.count) == 0
            ? "series '\(name)' is empty"
            : "series '\(name)' has no finite values"
    }
}
