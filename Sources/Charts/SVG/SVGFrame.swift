import Basics

/// A linear map from data values to pixels along one axis (`end` < `start` for a y axis, which grows upwards).
struct SVGScale {
    var lower: Double
    var upper: Double
    var start: Double
    var end: Double

    func callAsFunction(_ value: Double) -> Double {
        let span = upper - lower
        guard span > 0, span.isFinite else { return (start + end) / 2 }
        // Each term divided by the span first, so values near ±greatestFiniteMagnitude cannot overflow.
        return start + (value / span - lower / span) * (end - start)
    }
}

/// One legend entry: a sample of how the series or class is drawn, and its name.
struct SVGLegendEntry {
    enum Swatch {
        /// A short line, with a dot on it when the series has markers.
        case line(color: String, marker: Bool)
        /// A filled square (a bar's or a region's colour), optionally with a point marker on it.
        case box(fill: String, marker: SVGMarker?, markerColor: String)
    }
    var name: String
    var swatch: Swatch
}

/// Point markers, one shape per class so classes differ by more than colour.
enum SVGMarker: CaseIterable {
    case circle, square, triangle, diamond, cross, plus

    static func forClass(_ index: Int) -> SVGMarker {
        let all = SVGMarker.allCases
        return all[((index % all.count) + all.count) % all.count]
    }

    /// The marker centred at (x, y), about `size` pixels across, in `color` with a thin white outline (so
    /// overlapping points stay apart); crosses and pluses are strokes of the colour.
    func draw(_ x: Double, _ y: Double, size: Double, color: String, into writer: inout SVGWriter) {
        let r = size / 2
        let n = SVGWriter.number
        let filled = "fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"0.8\""
        switch self {
        case .circle:
            writer.circle(x, y, radius: r, extra: filled)
        case .square:
            let side = r * 1.7
            writer.rect(x - side / 2, y - side / 2, side, side, extra: filled)
        case .triangle:
            let h = r * 1.15
            writer.path("M\(n(x)) \(n(y - h))L\(n(x + h)) \(n(y + h * 0.75))L\(n(x - h)) \(n(y + h * 0.75))Z", extra: filled)
        case .diamond:
            let h = r * 1.25
            writer.path("M\(n(x)) \(n(y - h))L\(n(x + h)) \(n(y))L\(n(x)) \(n(y + h))L\(n(x - h)) \(n(y))Z", extra: filled)
        case .cross, .plus:
            let h = r * 1.1
            let d = self == .cross
                ? "M\(n(x - h)) \(n(y - h))L\(n(x + h)) \(n(y + h))M\(n(x - h)) \(n(y + h))L\(n(x + h)) \(n(y - h))"
                : "M\(n(x - h)) \(n(y))L\(n(x + h)) \(n(y))M\(n(x)) \(n(y - h))L\(n(x)) \(n(y + h))"
            writer.path(d, extra: "fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"")
        }
    }
}

/// The decorations of a chart with two numeric axes, after the text PlotFrame: a title over the plot
/// area, gridlines at the ticks, axis lines with tick marks and labels, axis names, a legend right of the
/// plot and notes under it. The chart draws its data between `drawUnderlay` and `drawOverlay`.
struct SVGFrame {
    static let titleSize = 15.0
    static let labelSize = 12.0
    static let tickSize = 11.0
    static let fontFamily = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"

    var title: String?
    var xLabel: String?
    var yLabel: String?
    var xDomain: (lower: Double, upper: Double)
    var yDomain: (lower: Double, upper: Double)
    var xTicks: [(value: Double, label: String)] = []
    var yTicks: [(value: Double, label: String)] = []
    var plotWidth: Double
    var plotHeight: Double
    var legend: [SVGLegendEntry] = []
    var notes: [String] = []
    var verticalGrid = true
    var horizontalGrid = true
    /// Tick marks on the y axis (off for category labels such as bar names).
    var yTickMarks = true
    /// Room right of the plot area for what the chart draws there (values at the ends of bars).
    var extraRight = 0.0

    init(title: String?, xDomain: (lower: Double, upper: Double), yDomain: (lower: Double, upper: Double),
         plotWidth: Double, plotHeight: Double) {
        self.title = title.flatMap { $0.isEmpty ? nil : $0 }
        self.xDomain = xDomain
        self.yDomain = yDomain
        self.plotWidth = plotWidth
        self.plotHeight = plotHeight
    }

    /// Ticks at round values over a domain, labelled with just enough digits to tell them apart.
    static func ticks(_ values: [Double]) -> [(value: Double, label: String)] {
        Array(zip(values, labels(values))).map { (value: $0.0, label: $0.1) }
    }

    /// Tick labels: whole numbers written out (2000, not 2e+03) up to a billion, else as the text charts
    /// label their ticks.
    static func labels(_ values: [Double]) -> [String] {
        if values.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) {
            return values.map { NumberText.compact($0, significantDigits: 10) }
        }
        return NumberText.ticks(values)
    }

    /// The frame of a chart over the plane (regions, output map): a plot area 360 pixels high and as wide as the
    /// ranges' aspect ratio asks (240 to 560), round ticks on both axes within the limits, no gridlines over the
    /// shading.
    static func plane(title: String?, xLimits: (lower: Double, upper: Double), yLimits: (lower: Double, upper: Double)) -> SVGFrame {
        let aspect = (xLimits.upper - xLimits.lower) / (yLimits.upper - yLimits.lower)
        let plotHeight = 360.0
        let plotWidth = min(max(plotHeight * (aspect.isFinite ? aspect : 1), 240), 560).rounded()
        func inside(_ values: [Double], _ limits: (lower: Double, upper: Double)) -> [Double] {
            let slack = 1e-9 * (limits.upper - limits.lower)
            return values.filter { $0 >= limits.lower - slack && $0 <= limits.upper + slack }
        }
        var frame = SVGFrame(title: title, xDomain: xLimits, yDomain: yLimits, plotWidth: plotWidth, plotHeight: plotHeight)
        frame.xTicks = ticks(inside(DataRange.niceTicks(xLimits.lower, xLimits.upper, count: 6).values, xLimits))
        frame.yTicks = ticks(inside(DataRange.niceTicks(yLimits.lower, yLimits.upper, count: 6).values, yLimits))
        frame.verticalGrid = false
        frame.horizontalGrid = false
        return frame
    }

    // MARK: Layout

    private var yTickLabelWidth: Double {
        yTicks.map { SVGWriter.textWidth($0.label, size: SVGFrame.tickSize) }.max() ?? 0
    }

    var top: Double { title == nil ? 16 : 42 }
    var left: Double { 14 + (yLabel.map { $0.isEmpty ? 0 : 20 } ?? 0) + yTickLabelWidth + 9 }
    var plotBottom: Double { top + plotHeight }
    var plotRight: Double { left + plotWidth }

    private var legendWidth: Double {
        guard !legend.isEmpty else { return 0 }
        return 30 + (legend.map { SVGWriter.textWidth($0.name, size: SVGFrame.labelSize) }.max() ?? 0)
    }

    private var lastXLabelOverhang: Double {
        guard let last = xTicks.last else { return 0 }
        return max(SVGWriter.textWidth(last.label, size: SVGFrame.tickSize) / 2 - (plotRight - xScale(last.value)), 0)
    }

    var width: Double {
        let right = max(legend.isEmpty ? max(16, lastXLabelOverhang + 8) : 20 + legendWidth + 12, extraRight)
        let titleWidth = title.map { SVGWriter.textWidth($0, size: SVGFrame.titleSize) + 24 } ?? 0
        return max(plotRight + right, titleWidth).rounded(.up)
    }

    var height: Double {
        var bottom = plotBottom + (xTicks.isEmpty ? 8 : 26)
        if let xLabel, !xLabel.isEmpty { bottom += 18 }
        bottom += Double(notes.count) * 17
        let legendBottom = top + Double(legend.count) * 20 + 4
        return (max(bottom, legendBottom) + 10).rounded(.up)
    }

    var xScale: SVGScale { SVGScale(lower: xDomain.lower, upper: xDomain.upper, start: left, end: plotRight) }
    var yScale: SVGScale { SVGScale(lower: yDomain.lower, upper: yDomain.upper, start: plotBottom, end: top) }

    // MARK: Drawing

    /// Gridlines, drawn before the data so the data stays on top.
    func drawUnderlay(into writer: inout SVGWriter) {
        writer.open("g", "stroke=\"\(SVGPalette.grid)\" stroke-width=\"1\" shape-rendering=\"crispEdges\"")
        if verticalGrid {
            for tick in xTicks { writer.line(xScale(tick.value), top, xScale(tick.value), plotBottom) }
        }
        if horizontalGrid {
            for tick in yTicks { writer.line(left, yScale(tick.value), plotRight, yScale(tick.value)) }
        }
        writer.close()
    }

    /// Axes, ticks, labels, title, legend and notes.
    func drawOverlay(into writer: inout SVGWriter) {
        writer.open("g", "stroke=\"\(SVGPalette.axis)\" stroke-width=\"1\" shape-rendering=\"crispEdges\"")
        writer.line(left, top, left, plotBottom)
        writer.line(left, plotBottom, plotRight, plotBottom)
        for tick in xTicks { writer.line(xScale(tick.value), plotBottom, xScale(tick.value), plotBottom + 5) }
        if yTickMarks {
            for tick in yTicks { writer.line(left - 5, yScale(tick.value), left, yScale(tick.value)) }
        }
        writer.close()

        writer.open("g", "fill=\"\(SVGPalette.text)\" font-size=\"\(SVGWriter.number(SVGFrame.tickSize))\"")
        for tick in xTicks { writer.text(tick.label, xScale(tick.value), plotBottom + 19, anchor: .middle) }
        for tick in yTicks { writer.text(tick.label, left - 9, yScale(tick.value) + 4, anchor: .end) }
        writer.close()

        var labels = SVGWriter()
        var below = plotBottom + (xTicks.isEmpty ? 8 : 26)
        if let xLabel, !xLabel.isEmpty {
            below += 16
            labels.text(xLabel, left + plotWidth / 2, below, anchor: .middle)
            below += 2
        }
        if let yLabel, !yLabel.isEmpty {
            labels.text(yLabel, 14 + 12, top + plotHeight / 2, anchor: .middle, rotated: true)
        }
        for note in notes {
            below += 17
            labels.text(note, left + plotWidth / 2, below - 2, anchor: .middle, fill: SVGPalette.mutedText)
        }
        writer.group("fill=\"\(SVGPalette.text)\" font-size=\"\(SVGWriter.number(SVGFrame.labelSize))\"", labels)

        if let title {
            let centre = SVGWriter.textWidth(title, size: SVGFrame.titleSize) <= plotWidth ? left + plotWidth / 2 : width / 2
            writer.text(title, centre, 26, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
        }
        drawLegend(into: &writer)
    }

    private func drawLegend(into writer: inout SVGWriter) {
        guard !legend.isEmpty else { return }
        let x = plotRight + 20
        writer.open("g", "font-size=\"\(SVGWriter.number(SVGFrame.labelSize))\" fill=\"\(SVGPalette.text)\"")
        for (index, entry) in legend.enumerated() {
            let y = top + 10 + Double(index) * 20
            switch entry.swatch {
            case .line(let color, let marker):
                writer.line(x, y, x + 22, y, stroke: color, extra: "stroke-width=\"2.5\"")
                if marker { writer.circle(x + 11, y, radius: 3.5, extra: "fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1\"") }
            case .box(let fill, let marker, let markerColor):
                writer.rect(x + 3, y - 8, 16, 16, fill: fill, extra: "stroke=\"\(SVGPalette.axis)\" stroke-width=\"0.5\"")
                marker?.draw(x + 11, y, size: 8, color: markerColor, into: &writer)
            }
            writer.text(entry.name, x + 30, y + 4)
        }
        writer.close()
    }
}
