import Basics
import Charts
import Transcript

/// `file=PATH.svg`: a chart command also writes its figure to an SVG file (plot, show, confusion, mistakes,
/// predict). Checked before the command does its work, so a typo costs nothing.
enum FigureFile {
    static let option = Option<String?>("file", kind: .path, valueName: "PATH.svg",
                                        help: "also write the figure to this SVG file (for a report or a slide)")

    /// The path given with `file=`, once it names an .svg file in a folder that can be written; nil if not given.
    static func path(_ inv: Invocation) throws(ScriptError) -> String? {
        guard let path = inv[option] else { return nil }
        guard path.lowercased().hasSuffix(".svg"), path.split(separator: "/").last.map({ $0.count > 4 }) ?? false else {
            throw ScriptError("file= takes an SVG file name, found '\(path)'", at: inv.valueLocation(of: option),
                              hint: "e.g. file=loss.svg")
        }
        if let problem = AtomicFile.writeProblem(path) {
            throw ScriptError("cannot write '\(path)': \(problem)", at: inv.valueLocation(of: option))
        }
        return path
    }
}

extension Interpreter {
    /// Shows a chart as one figure: the terminal gets its text (in colour on a colour terminal); the cell's
    /// outputs get the `Figure` — SVG, text without colour, caption — that every transcript format (and a
    /// notebook kernel's display_data) is made from. A chart with nothing to draw is shown as its text
    /// message. With `file=` (see `FigureFile`) the SVG is also written there.
    func show(_ chart: Chart, options: ChartOptions? = nil, _ inv: Invocation) throws(ScriptError) {
        let figure = show(chart, options: options)
        guard let path = try FigureFile.path(inv) else { return }
        guard let figure else {
            throw ScriptError("nothing to draw, so no figure to write to '\(path)'", at: inv.valueLocation(of: FigureFile.option))
        }
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(figure.svg, to: path)
        } catch {
            throw ScriptError(error.description, at: inv.valueLocation(of: FigureFile.option))
        }
        console.line("figure written to \(path)")
    }

    /// As `show(_:options:_:)`, without `file=`; returns the figure, or nil when there is nothing to draw.
    @discardableResult
    func show(_ chart: Chart, options: ChartOptions? = nil) -> Figure? {
        let options = options ?? self.options
        let figure = Interpreter.figure(chart, options: options)
        let terminalText = options.color ? chart.text(options) : (figure?.text ?? chart.text(options))
        if let figure {
            console.figure(figure, terminalText: terminalText)
        } else {
            console.chart(terminalText)
        }
        return figure
    }

    /// A chart's figure, its text drawn with `options` but never in colour; nil when there is nothing to draw.
    public static func figure(_ chart: Chart, options: ChartOptions) -> Figure? {
        guard let svg = chart.svg() else { return nil }
        var plain = options
        plain.color = false
        return Figure(svg: svg, text: chart.text(plain), caption: chart.caption)
    }
}
