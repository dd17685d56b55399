import Basics

/// A heatmap's data: a matrix (rows may be ragged) with row and column labels and axis names.
struct HeatmapPlot: Sendable {
    var matrix: [[Double]]
    var rowLabels: [String]
    var columnLabels: [String]
    var rowTitle: String?
    var columnTitle: String?
    var showValues: Bool

    var columnCount: Int { matrix.map(\.count).max() ?? 0 }

    /// The matrix with ragged rows padded by NaN (blank cells).
    var grid: [[Double]] {
        let columns = columnCount
        return matrix.map { $0 + Array(repeating: Double.nan, count: columns - $0.count) }
    }

    var problem: String? {
        guard !matrix.isEmpty, columnCount > 0 else { return "the matrix is empty" }
        guard DataRange.finiteBounds(matrix.joined()) != nil else { return "the matrix has no finite values" }
        return nil
    }

    func rowLabel(_ row: Int) -> String { row < rowLabels.count ? rowLabels[row] : "\(row)" }
    func columnLabel(_ column: Int) -> String { column < columnLabels.count ? columnLabels[column] : "\(column)" }
}

extension Chart {
    /// Shaded grid (e.g. confusion matrix) with row/column labels; showValues prints counts in cells.
    ///
    /// Each cell is shaded by its value between the matrix's finite minimum and maximum: blank, ░ ▒ ▓ █
    /// (ASCII `. : * #`), or with colour a grey background. With `showValues` each cell shows its number
    /// and a one-column shade swatch (ASCII: the number alone), zeros as a quiet "·". When the numbers do
    /// not fit the width the grid falls back to shading only, and very wide matrices have their columns
    /// averaged in groups. Ragged rows are padded with blank cells; NaN/Inf cells stay blank.
    ///
    ///               predicted
    ///           0     1     2
    ///        ┌──────────────────┐
    ///      0 │ 973█    ·     1░ │
    /// true 1 │   ·  1124█    3░ │
    public static func heatmap(_ matrix: [[Double]], rowLabels: [String], columnLabels: [String], title: String? = nil,
                               rowTitle: String? = nil, columnTitle: String? = nil, showValues: Bool = true) -> Chart {
        Chart(title: title, content: .heatmap(HeatmapPlot(matrix: matrix, rowLabels: rowLabels, columnLabels: columnLabels,
                                                          rowTitle: rowTitle, columnTitle: columnTitle, showValues: showValues)))
    }

    /// A 256-colour palette index from black (0) to white (1): 16, the grey ramp 232...255, then 231.
    static func grayCode(_ fraction: Double) -> Int {
        let steps = DataRange.index((fraction * 25).rounded(), clampedTo: 0...25) ?? 0
        switch steps {
        case 0: return 16
        case 25: return 231
        default: return 231 + steps
        }
    }
}

extension HeatmapPlot {
    func text(title: String?, style: ChartStyle) -> String {
        let columnCount = self.columnCount
        var grid = self.grid
        guard let bounds = DataRange.finiteBounds(grid.joined()) else { return Chart.nothingToPlot(problem ?? "", style: style) }

        var frame = PlotFrame()
        frame.title = title.map { style.clean($0) }
        frame.leftLabels = Dictionary(uniqueKeysWithValues: grid.indices.map { row in
            (row, style.label(rowLabel(row), limit: max(3, style.width / 5)))
        })
        if let rowTitle, !rowTitle.isEmpty {
            frame.leftTitle = style.label(rowTitle, limit: max(3, style.width / 6))
            frame.leftTitleRow = (grid.count - 1) / 2
        }
        let available = max(frame.bodyWidth(fittingTotal: style.width), 1)

        var columnTexts = (0..<columnCount).map { column in
            style.label(columnLabel(column), limit: 8)
        }
        let labelWidth = columnTexts.map(TextLayout.displayWidth).max() ?? 1
        let valueTexts = NumberText.cellValues(Array(grid.joined())).map { $0 == "0" ? (style.unicode ? "·" : ".") : $0 }
        let valueWidth = valueTexts.map(TextLayout.displayWidth).max() ?? 1

        // Widest layout first: values in cells, then shading only, then one column per cell, then pooling.
        // A value cell is the number right-aligned, a one-column shade swatch, and a space before the next.
        let contentWidth = max(valueWidth, labelWidth)
        var printsValues = showValues
        var cellWidth = printsValues ? contentWidth + 2 : max(2, labelWidth + 1)
        if columnCount * cellWidth > available && printsValues {
            printsValues = false
            cellWidth = max(2, labelWidth + 1)
        }
        if columnCount * cellWidth > available {
            cellWidth = max(available / columnCount, 1)
        }
        if columnCount > available {
            let groupSize = (columnCount + available - 1) / available
            grid = grid.map { HeatmapPlot.poolColumns($0, groupSize: groupSize) }
            columnTexts = []
        }
        let shownColumns = grid.first?.count ?? 0
        let bodyWidth = shownColumns * cellWidth

        if let columnTitle, !columnTitle.isEmpty {
            frame.headerLines.append(.centeredOnBody(style.label(columnTitle, limit: style.width)))
        }
        if !columnTexts.isEmpty {
            let header = columnTexts.map { text in
                printsValues
                    ? TextLayout.padLeft(text, to: cellWidth - 2) + "  "  // over the number's last digit
                    : TextLayout.center(TextLayout.truncate(text, to: cellWidth, ellipsis: ""), in: cellWidth)
            }.joined()
            frame.headerLines.append(.underBody(header))
        }

        let shades = style.shades
        func level(_ value: Double) -> Int {
            guard value.isFinite else { return 0 }
            guard bounds.upper > bounds.lower else { return value == 0 ? 0 : shades.count - 1 }
            let fraction = (value - bounds.lower) / (bounds.upper - bounds.lower)
            return DataRange.index((fraction * Double(shades.count - 1)).rounded(.up), clampedTo: 0...(shades.count - 1)) ?? 0
        }
        var body: [String] = []
        for (row, values) in grid.enumerated() {
            var line = ""
            for (column, value) in values.enumerated() {
                let text = printsValues ? valueTexts[row * columnCount + column] : ""
                line += HeatmapPlot.cell(value: value, text: text, level: level(value), width: cellWidth, bounds: bounds, style: style)
            }
            body.append(line)
        }

        let scale = style.color
            ? (1...4).map { style.paint("  ", "48;5;\(Chart.grayCode(Double($0) / 4))") }.joined()
            : shades.dropFirst().joined()
        if !printsValues || style.unicode || style.color {
            frame.footerLines = [.centeredOnBody(NumberText.compact(bounds.lower) + " " + scale + " " + NumberText.compact(bounds.upper))]
        }
        return TextLayout.joinLines(frame.render(body: body, bodyWidth: bodyWidth, style: style))
    }

    /// One cell: with colour, the number on a grey background; without, the number followed by a swatch
    /// of the cell's shade (numbers stay easy to read, the swatches show the pattern).
    private static func cell(value: Double, text: String, level: Int, width: Int,
                             bounds: (lower: Double, upper: Double), style: ChartStyle) -> String {
        if style.color {
            guard value.isFinite else { return String(repeating: " ", count: width) }
            let span = bounds.upper - bounds.lower
            let fraction = span > 0 ? (value - bounds.lower) / span : 1
            let content = text.isEmpty ? String(repeating: " ", count: width) : TextLayout.padLeft(text, to: width - 2) + "  "
            let foreground = fraction > 0.55 ? "30" : "97"  // dark text on light cells, light on dark
            return style.paint(content, "48;5;\(Chart.grayCode(fraction));\(foreground)")
        }
        let shade = style.shades[level]
        guard !text.isEmpty else { return String(repeating: shade, count: width) }
        // ASCII shades are punctuation, and "1." or "3:" would read as part of the number.
        guard style.unicode else { return TextLayout.padLeft(text, to: width - 2) + "  " }
        return TextLayout.padLeft(text, to: width - 2) + shade + " "
    }

    /// Averages neighbouring columns in groups so a wide matrix fits; NaN cells are left out of the mean.
    private static func poolColumns(_ row: [Double], groupSize: Int) -> [Double] {
        stride(from: 0, to: row.count, by: groupSize).map { start in
            let group = row[start..<min(start + groupSize, row.count)].filter(\.isFinite)
            return group.isEmpty ? Double.nan : group.reduce(0, +) / Double(group.count)
        }
    }
}
