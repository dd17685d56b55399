import Charts

enum ChartSettings {
    /// A notebook's output area: 72 columns as transcripts have them, Unicode glyphs, no colour.
    static let notebook = ChartOptions(width: ChartOptions.defaultWidth, height: 12, unicode: true, color: false)
}
