import Basics

extension HeatmapPlot {
    /// Rows and columns drawn at most this many cells each; a larger matrix is averaged in blocks.
    static let svgCellLimit = 64

    /// Square cells coloured with viridis between the matrix's finite minimum and maximum, each with its
    /// value when it fits (dark or white text, whichever reads on the cell), labels along the top and left,
    /// axis names, and a colour bar with round ticks. NaN cells are light grey.
    func svg(title: String?) -> SVGPanel? {
        let original = grid
        guard let bounds = DataRange.finiteBounds(original.joined()) else { return nil }
        let style = ChartStyle(ChartOptions())
        let rowGroup = (original.count + HeatmapPlot.svgCellLimit - 1) / HeatmapPlot.svgCellLimit
        let columnGroup = (columnCount + HeatmapPlot.svgCellLimit - 1) / HeatmapPlot.svgCellLimit
        let pooled = rowGroup > 1 || columnGroup > 1
        let cells = pooled ? HeatmapPlot.pool(original, rowGroup: rowGroup, columnGroup: columnGroup) : original
        let rows = cells.count, columns = cells.first?.count ?? 0
        guard rows > 0, columns > 0 else { return nil }

        let cell = min(44, max(4, (480 / Double(max(rows, columns))).rounded(.down)))
        let texts = NumberText.cellValues(Array(original.joined()))
        let widest = Double(texts.map { $0.unicodeScalars.count }.max() ?? 1)
        let valueSize = min(12.5, (cell - 6) / (0.62 * widest))
        let printsValues = showValues && !pooled && valueSize >= 7
        let labelEvery = max(Int((12 / cell).rounded(.up)), 1)

        let rowTexts = pooled ? [] : (0..<rows).map { SVGWriter.fit(style.clean(rowLabel($0)), width: 120, size: SVGFrame.tickSize) }
        let columnTexts = pooled ? [] : (0..<columns).map { SVGWriter.fit(style.clean(columnLabel($0)), width: max(cell * 2, 24), size: SVGFrame.tickSize) }
        let rowLabelWidth = rowTexts.map { SVGWriter.textWidth($0, size: SVGFrame.tickSize) }.max() ?? 0
        let hasRowTitle = !(rowTitle ?? "").isEmpty, hasColumnTitle = !(columnTitle ?? "").isEmpty

        var left = 14 + (hasRowTitle ? 22 : 0) + rowLabelWidth + 8
        var top = title == nil ? 14.0 : 42.0
        if hasColumnTitle { top += 18 }
        if !columnTexts.isEmpty { top += 16 }
        let gridWidth = cell * Double(columns), gridHeight = cell * Double(rows)
        var barLeft: Double { left + gridWidth + 18 }
        let barWidth = 14.0
        let scaleTicks = DataRange.niceTicks(bounds.lower, bounds.upper, count: 5).values
            .filter { $0 >= bounds.lower - 1e-9 * abs(bounds.lower) && $0 <= bounds.upper + 1e-9 * abs(bounds.upper) }
        let scaleLabels = SVGFrame.labels(scaleTicks)
        let scaleLabelWidth = scaleLabels.map { SVGWriter.textWidth($0, size: SVGFrame.tickSize) }.max() ?? 0
        var width = barLeft + barWidth + 8 + scaleLabelWidth + 14
        if let title, SVGWriter.textWidth(title, size: SVGFrame.titleSize) + 24 > width {
            // A title wider than the grid: the grid moves to the middle under it.
            let wider = SVGWriter.textWidth(title, size: SVGFrame.titleSize) + 24
            left += ((wider - width) / 2).rounded(.down)
            width = wider
        }
        let height = top + gridHeight + 16

        func fraction(_ value: Double) -> Double {
            bounds.upper > bounds.lower ? (value - bounds.lower) / (bounds.upper - bounds.lower) : 1
        }

        var writer = SVGWriter()
        writer.open("g", "stroke=\"#ffffff\" stroke-width=\"\(cell >= 12 ? "1" : "0")\" shape-rendering=\"crispEdges\"")
        for (row, values) in cells.enumerated() {
            for (column, value) in values.enumerated() {
                writer.rect(left + Double(column) * cell, top + Double(row) * cell, cell, cell,
                            fill: value.isFinite ? SVGPalette.viridis(fraction(value)) : SVGPalette.missing)
            }
        }
        writer.close()
        if printsValues {
            writer.open("g", "font-size=\"\(SVGWriter.number(valueSize))\" text-anchor=\"middle\"")
            for (row, values) in cells.enumerated() {
                for (column, value) in values.enumerated() where value.isFinite {
                    let fill = SVGPalette.textColor(on: SVGPalette.viridis(fraction(value)))
                    writer.text(texts[row * columnCount + column], left + (Double(column) + 0.5) * cell,
                                top + (Double(row) + 0.5) * cell + valueSize * 0.36, fill: fill)
                }
            }
            writer.close()
        }

        writer.open("g", "fill=\"\(SVGPalette.text)\" font-size=\"\(SVGWriter.number(SVGFrame.tickSize))\"")
        for (row, text) in rowTexts.enumerated() where row % labelEvery == 0 {
            writer.text(text, left - 6, top + (Double(row) + 0.5) * cell + 4, anchor: .end)
        }
        for (column, text) in columnTexts.enumerated() where column % labelEvery == 0 {
            writer.text(text, left + (Double(column) + 0.5) * cell, top - 6, anchor: .middle)
        }
        writer.close()

        writer.open("g", "fill=\"\(SVGPalette.text)\" font-size=\"\(SVGWriter.number(SVGFrame.labelSize))\"")
        if let rowTitle, hasRowTitle {
            writer.text(style.clean(rowTitle), left - rowLabelWidth - 8 - 10, top + gridHeight / 2, anchor: .middle, rotated: true)
        }
        if let columnTitle, hasColumnTitle {
            writer.text(style.clean(columnTitle), left + gridWidth / 2, top - (columnTexts.isEmpty ? 6 : 24), anchor: .middle)
        }
        writer.close()
        if let title {
            let centre = SVGWriter.textWidth(title, size: SVGFrame.titleSize) <= gridWidth ? left + gridWidth / 2 : width / 2
            writer.text(title, centre, 26, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
        }

        // The colour bar: stacked bands, low values at the bottom.
        let bands = 48
        writer.open("g", "shape-rendering=\"crispEdges\"")
        for band in 0..<bands {
            let y0 = top + gridHeight * Double(bands - band - 1) / Double(bands)
            writer.rect(barLeft, y0, barWidth, gridHeight / Double(bands) + 0.5, fill: SVGPalette.viridis((Double(band) + 0.5) / Double(bands)))
        }
        writer.rect(barLeft, top, barWidth, gridHeight, fill: "none", extra: "stroke=\"\(SVGPalette.axis)\" stroke-width=\"0.5\"")
        writer.close()
        let barScale = SVGScale(lower: bounds.lower, upper: bounds.upper, start: top + gridHeight, end: top)
        writer.open("g", "fill=\"\(SVGPalette.text)\" font-size=\"\(SVGWriter.number(SVGFrame.tickSize))\"")
        for (value, label) in zip(scaleTicks, scaleLabels) {
            let y = bounds.upper > bounds.lower ? barScale(value) : top
            writer.line(barLeft + barWidth, y, barLeft + barWidth + 4, y, stroke: SVGPalette.axis, extra: "shape-rendering=\"crispEdges\"")
            writer.text(label, barLeft + barWidth + 7, y + 4)
        }
        writer.close()
        return SVGPanel(width: width.rounded(.up), height: height.rounded(.up), body: writer)
    }

    /// Block means of a large matrix (NaN cells left out of each mean).
    static func pool(_ grid: [[Double]], rowGroup: Int, columnGroup: Int) -> [[Double]] {
        let columns = grid.first?.count ?? 0
        return stride(from: 0, to: grid.count, by: rowGroup).map { rowStart in
            stride(from: 0, to: columns, by: columnGroup).map { columnStart in
                var sum = 0.0, count = 0
                for row in rowStart..<min(rowStart + rowGroup, grid.count) {
                    for column in columnStart..<min(columnStart + columnGroup, columns) where grid[row][column].isFinite {
                        sum += grid[row][column]
                        count += 1
                    }
                }
                return count > 0 ? sum / Double(count) : .nan
            }
        }
    }
}
