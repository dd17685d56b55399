import Basics

/// The glyph set and colour policy one chart is drawn with, derived from `ChartOptions`.
/// Everything that differs between Unicode and ASCII output is decided here, in one place.
struct ChartStyle {
    let width: Int
    let height: Int
    let unicode: Bool
    let unicodeLabels: Bool
    let color: Bool

    init(_ options: ChartOptions) {
        width = min(max(options.width, ChartOptions.minimumWidth), ChartOptions.maximumWidth)
        height = min(max(options.height, ChartOptions.minimumHeight), ChartOptions.maximumHeight)
        unicode = options.unicode
        unicodeLabels = options.unicodeLabels
        color = options.color
    }

    // MARK: Frame

    var topLeft: String { unicode ? "┌" : "+" }
    var topRight: String { unicode ? "┐" : "+" }
    var bottomLeft: String { unicode ? "└" : "+" }
    var bottomRight: String { unicode ? "┘" : "+" }
    var horizontal: String { unicode ? "─" : "-" }
    var vertical: String { unicode ? "│" : "|" }
    /// Where a bar leaves the label column in a bar chart (UnicodePlots' barplot look).
    var barTick: String { unicode ? "┤" : "|" }
    var ellipsis: String { unicode ? "…" : "~" }

    /// Five shade levels from empty to full, used by heatmaps, images and the histogram in ASCII.
    var shades: [String] { unicode ? [" ", "░", "▒", "▓", "█"] : [" ", ".", ":", "*", "#"] }

    // MARK: Colours

    /// Series colours in the order UnicodePlots uses them, as SGR foreground codes.
    static let seriesColors = ["34", "31", "32", "33", "35", "36"]

    func seriesColor(_ index: Int) -> String {
        Self.seriesColors[((index % Self.seriesColors.count) + Self.seriesColors.count) % Self.seriesColors.count]
    }

    /// Wraps text in an SGR code when colour is on; with colour off the text comes back untouched, so no
    /// escape byte can reach a pipe or a transcript.
    func paint(_ text: String, _ sgr: String) -> String {
        guard color, !text.isEmpty else { return text }
        return "\u{1B}[\(sgr)m" + text + "\u{1B}[0m"
    }

    /// A row of cells, each a glyph with its SGR code, as one line: neighbouring cells of one colour share a
    /// single escape sequence.
    func paintRow(_ cells: [(glyph: String, sgr: String)]) -> String {
        var line = "", run = "", runColor = ""
        for cell in cells {
            if cell.sgr != runColor {
                line += paint(run, runColor)
                run = ""
                runColor = cell.sgr
            }
            run += cell.glyph
        }
        return line + paint(run, runColor)
    }

    // MARK: User text

    /// Makes caller-supplied text (titles, labels, series names) safe to print: control characters become
    /// spaces (so an ESC in a label cannot inject codes). Where labels must be ASCII (`unicodeLabels` false)
    /// accents are dropped and other characters written as escapes (`猫` as `\u{732B}`), so that names in any
    /// script can still be told apart; ASCII glyphs alone leave the text as written.
    func clean(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result.unicodeScalars.append(" ")
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return unicodeLabels ? result : SafeText.asciiTransliterated(result)
    }

    /// Cleans and shortens a label to `limit` columns.
    func label(_ text: String, limit: Int) -> String {
        TextLayout.truncate(clean(text), to: limit, ellipsis: ellipsis)
    }
}
