extension NumberGridPlot {
    /// Grids with more cells than this are drawn as shading only.
    static let svgNumberLimit = 4096

    /// The numbers in a grid of cells shaded by value (white for the lowest, black for the highest, so the
    /// image shows through), with row and column indices; the lowest value is printed in light grey so the
    /// figure still reads as "all numbers" while the shape stands out.
    func svg(title: String?) -> SVGPanel? {
        let texts = self.texts
        let bounds = DataRange.finiteBounds(values.map(Double.init))
        let widest = Double(texts.map { $0.unicodeScalars.count }.max() ?? 1)
        let printsNumbers = values.count <= NumberGridPlot.svgNumberLimit
        let fontSize = 9.0
        let cell = printsNumbers ? max(14, (widest * fontSize * 0.62 + 5).rounded(.up)) : max(2, (560 / Double(max(width, height))).rounded(.down))
        let indexEvery = cell >= 14 ? 1 : Int((14 / cell).rounded(.up))
        let indexWidth = SVGWriter.textWidth(String(height - 1), size: 8)
        let left = 10 + indexWidth + 6
        let top = (title == nil ? 8.0 : 40.0) + 14
        let gridWidth = cell * Double(width), gridHeight = cell * Double(height)
        var figureWidth = left + gridWidth + 12
        if let title { figureWidth = max(figureWidth, SVGWriter.textWidth(title, size: SVGFrame.titleSize) + 24) }

        func fraction(_ value: Float) -> Double? {
            guard let bounds, value.isFinite else { return nil }
            return bounds.upper > bounds.lower ? (Double(value) - bounds.lower) / (bounds.upper - bounds.lower) : 0
        }

        var writer = SVGWriter()
        if let title {
            writer.text(title, figureWidth / 2, 26, anchor: .middle, size: SVGFrame.titleSize, bold: true, fill: SVGPalette.text)
        }
        writer.open("g", "shape-rendering=\"crispEdges\"")
        writer.rect(left, top, gridWidth, gridHeight, fill: SVGPalette.background, extra: "stroke=\"\(SVGPalette.grid)\" stroke-width=\"1\"")
        for (index, value) in values.enumerated() {
            let fill: String
            if let f = fraction(value) {
                guard f > 0 else { continue }  // the background already shows the lowest value
                fill = SVGPalette.gray(1 - f)
            } else {
                fill = SVGPalette.missing
            }
            writer.rect(left + Double(index % width) * cell, top + Double(index / width) * cell, cell, cell, fill: fill)
        }
        writer.close()

        if printsNumbers {
            // Grouped by colour: light grey for the lowest value, then dark or white by the cell's shade.
            var groups: [String: [Int]] = [:]
            for (index, value) in values.enumerated() {
                let f = fraction(value)
                let color = f.map { $0 > 0 ? SVGPalette.textColor(on: SVGPalette.gray(1 - $0)) : "#b8b8b8" } ?? SVGPalette.mutedText
                groups[color, default: []].append(index)
            }
            for color in groups.keys.sorted() {
                writer.open("g", "font-size=\"\(SVGWriter.number(fontSize))\" text-anchor=\"middle\" fill=\"\(color)\"")
                for index in groups[color] ?? [] {
                    writer.text(texts[index], left + (Double(index % width) + 0.5) * cell, top + (Double(index / width) + 0.5) * cell + 3.2)
                }
                writer.close()
            }
        }

        writer.open("g", "font-size=\"8\" fill=\"\(SVGPalette.mutedText)\"")
        for column in stride(from: 0, to: width, by: indexEvery) {
            writer.text(String(column), left + (Double(column) + 0.5) * cell, top - 4, anchor: .middle)
        }
        for row in stride(from: 0, to: height, by: indexEvery) {
            writer.text(String(row), left - 5, top + (Double(row) + 0.5) * cell + 3, anchor: .end)
        }
        writer.close()
        return SVGPanel(width: figureWidth.rounded(.up), height: (top + gridHeight + 10).rounded(.up), body: writer)
    }
}
