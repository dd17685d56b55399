/// A chart as data, after UnicodePlots' interface/*.jl: the user-facing constructors (one file per kind, as
/// extensions of this type) take numbers and labels and keep them; two renderers draw the same value:
/// `text(_:)` for terminals and text transcripts (Canvas for pixels, PlotFrame for border, ticks and legend,
/// ChartStyle for glyphs and colours) and `svg()` for notebooks and HTML (SVG/).
///
/// Nothing here throws or traps on bad data: NaN and infinities are skipped, degenerate ranges widened, and
/// when nothing is left to draw the text is a message such as "(nothing to plot: series 'loss' is empty)"
/// (wrapped to the width when it is longer) and there is no SVG.
///
/// A kind is a case of `Content` with its plot type, a text renderer and an SVG renderer; `panels` lays several
/// charts out as one figure.
public struct Chart: Sendable {
    /// Shown above the chart; also the figure's accessible name.
    public var title: String?
    var content: Content

    indirect enum Content: Sendable {
        case line(LinePlot)
        case bars(BarPlot)
        case histogram(HistogramPlot)
        case heatmap(HeatmapPlot)
        case images(ImagePlot)
        case numberGrid(NumberGridPlot)
        case regions(RegionPlot)
        case outputMap(OutputMapPlot)
        case neurons(NeuronGridPlot)
        case network(NetworkPlot)
        /// Several charts as one figure: one after the other in text, side by side in SVG.
        case panels([Chart])
    }

    init(title: String?, content: Content) {
        self.title = title
        self.content = content
    }

    /// Several charts shown as one figure (e.g. an image beside its predicted probabilities).
    public static func panels(_ charts: [Chart], title: String? = nil) -> Chart {
        Chart(title: title, content: .panels(charts))
    }

    /// Why there is nothing to draw, or nil. Both renderers ask this first.
    public var problem: String? {
        switch content {
        case .line(let plot): return plot.problem
        case .bars(let plot): return plot.problem
        case .histogram(let plot): return plot.problem
        case .heatmap(let plot): return plot.problem
        case .images(let plot): return plot.problem
        case .numberGrid(let plot): return plot.problem
        case .regions(let plot): return plot.problem
        case .outputMap(let plot): return plot.problem
        case .neurons(let plot): return plot.problem
        case .network(let plot): return plot.problem
        case .panels(let charts):
            if charts.isEmpty { return "no charts given" }
            return charts.allSatisfy { $0.problem != nil } ? charts.compactMap(\.problem).first : nil
        }
    }

    /// The title, or the first title among the panels: what a reader is told the figure shows.
    public var caption: String? {
        if let title, !title.isEmpty { return title }
        if case .panels(let charts) = content { return charts.lazy.compactMap(\.caption).first }
        return nil
    }

    /// The chart drawn with characters: a multi-line string that fits `options.width` columns.
    public func text(_ options: ChartOptions) -> String {
        let style = ChartStyle(options)
        if case .panels(let charts) = content, !charts.isEmpty {
            return charts.map { $0.text(options) }.joined(separator: "\n")
        }
        if let problem { return Chart.nothingToPlot(style.clean(problem), style: style) }
        switch content {
        case .line(let plot): return plot.text(title: title, style: style)
        case .bars(let plot): return plot.text(title: title, style: style)
        case .histogram(let plot): return plot.text(title: title, style: style)
        case .heatmap(let plot): return plot.text(title: title, style: style)
        case .images(let plot): return plot.text(title: title, style: style)
        case .numberGrid(let plot): return plot.text(title: title, style: style)
        case .regions(let plot): return plot.text(title: title, style: style)
        case .outputMap(let plot): return plot.text(title: title, style: style)
        case .neurons(let plot): return plot.text(title: title, style: style)
        case .network(let plot): return plot.text(title: title, style: style)
        case .panels: return ""
        }
    }

    /// The chart as a standalone SVG document (no XML declaration, so it can also be placed inline in HTML),
    /// or nil when there is nothing to draw.
    public func svg() -> String? {
        guard problem == nil else { return nil }
        return SVGFigure.document(self)
    }

    /// Markers that tell series (or classes) apart in ASCII mode, in order.
    static let asciiMarkers = ["*", "+", "o", "x", "#", "@", "%", "&"]

    /// "(nothing to plot: reason)", on one line when it fits the width, else wrapped at spaces (a word too long for
    /// a line of its own is cut).
    static func nothingToPlot(_ reason: String, style: ChartStyle) -> String {
        let message = "(nothing to plot: \(reason))"
        guard TextLayout.displayWidth(message) > style.width else { return message }
        var lines: [String] = []
        var current = ""
        for word in message.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TextLayout.displayWidth(candidate) <= style.width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines.map { TextLayout.truncate($0, to: style.width, ellipsis: style.ellipsis) }.joined(separator: "\n")
    }

    /// Wraps legend entries into lines no wider than `width`, entries separated by three spaces.
    static func wrapEntries(_ entries: [String], width: Int, ellipsis: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for entry in entries {
            let candidate = current.isEmpty ? entry : current + "   " + entry
            if TextLayout.displayWidth(candidate) <= width {
                current = candidate
            } else {
                if !current.isEmpty { lines.append(current) }
                current = TextLayout.displayWidth(entry) <= width ? entry : TextLayout.truncate(entry, to: width, ellipsis: ellipsis)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
