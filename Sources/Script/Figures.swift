import Charts
import Transcript

extension Interpreter {
    /// Shows a chart as one figure: the terminal gets its text (in colour on a colour terminal); the cell's
    /// outputs get the `Figure` — SVG, text without colour, caption — that every transcript format (and a
    /// notebook kernel's display_data) is made from. A chart with nothing to draw is shown as its text
    /// message. Returns the figure (for `file=`), or nil.
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
