/// The user-facing chart constructors (UnicodePlots' interface/*.jl): each turns numbers into a finished
/// multi-line string that fits `options.width` columns. Each chart kind lives in its own file as an
/// extension of this namespace; they share `Canvas` (pixels), `PlotFrame` (border, ticks, legend) and
/// `ChartStyle` (glyphs and colours).
///
/// Nothing here throws or traps on bad data: NaN and infinities are skipped, degenerate ranges widened, and
/// when nothing is left to draw the result is a one-line message such as
/// "(nothing to plot: series 'loss' is empty)".
public enum Chart {
    /// Markers that tell series (or classes) apart in ASCII mode, in order.
    static let asciiMarkers = ["*", "+", "o", "x", "#", "@", "%", "&"]

    static func nothingToPlot(_ reason: String) -> String {
        "(nothing to plot: \(reason))"
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
